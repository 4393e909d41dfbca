package model

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// dockerFlow holds the com.df.* labels that decide whether and on which
// port a service is routed; the others apply to each backend (see
// applyDockerFlow).
type dockerFlow struct {
	notify bool
	port   int // com.df.port; 0: not set
}

// indexed matches docker-flow-proxy's numbered destinations
// (com.df.servicePath.1).
var indexed = regexp.MustCompile(`^com\.df\.([A-Za-z]+)\.[0-9]+$`)

// readDockerFlow reads the routing labels and reports labels that are
// unknown, numbered or refused, and flags that are neither true nor false,
// once per service.
func readDockerFlow(l labels, ds *Diagnostics) dockerFlow {
	var df dockerFlow
	for _, k := range l.keys() {
		name, ok := strings.CutPrefix(k, "com.df.")
		if !ok {
			continue
		}
		v, src, _ := l.get(k) // src.Value may be redacted (usersPassEncrypted)
		def := dfByName[name]
		switch {
		case indexed.MatchString(k):
			ds.errorf(src, "route each destination as its own service, or use SERVICE_<port>_* keys for several ports",
				"docker-flow-proxy's numbered destinations (.1, .2, …) are not supported")
		case def == nil:
			fix := "remove it, or see the README for the com.df.* labels compose2haproxy knows"
			if s := suggestLabel(name); s != "" {
				fix = fmt.Sprintf("did you mean com.df.%s?", s)
			}
			ds.warnf(src, fix, "unknown docker-flow-proxy label; it is ignored")
		case def.status == dfRefused:
			ds.errorf(src, def.fix, "%s", def.why)
		case def.kind == dfFlag:
			if _, prob := parseFlag(v); prob != "" {
				ds.errorf(src, "write true or false", "%s", prob)
			}
		}
	}
	if v, _, ok := l.get("com.df.notify"); ok {
		df.notify, _ = parseFlag(v)
	}
	if v, src, ok := l.get("com.df.port"); ok {
		n, prob := parseInt(strings.TrimSpace(v), 1, 65535)
		if prob != "" {
			ds.errorf(src, "give the port the service listens on, like 8080", "port %s", prob)
		}
		df.port = n
	}
	return df
}

// parseFlag reads a docker-flow-proxy boolean as Go's strconv.ParseBool
// does, as docker-flow-proxy did; what it cannot read is an error here
// rather than false.
func parseFlag(v string) (bool, string) {
	on, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, "is not true or false"
	}
	return on, ""
}

// applyDockerFlow applies the com.df.* labels of the service to one of its
// backends, in the table's order.
func applyDockerFlow(a *applier, l labels) {
	a.applyReqMode(l)
	defer a.applyDomainAlgo()
	if !l.hasPrefix(dockerFlowPrefix) {
		return // nothing below applies; the table has dozens of keys to look up
	}
	for i := range dockerFlowLabels {
		def := &dockerFlowLabels[i]
		v, src, ok := l.get(dockerFlowPrefix + def.name)
		if !ok || def.elsewhere || def.status != dfApplies {
			continue
		}
		var items []string
		switch def.kind {
		case dfFlag:
			if on, _ := parseFlag(v); !on {
				continue
			}
			items = []string{def.flagValue}
		case dfList:
			if listTooLong(v, src, a.ds) {
				continue
			}
			items = splitList(v)
		default:
			items = []string{strings.TrimSpace(v)}
		}
		for _, item := range items {
			isrc := src
			if def.kind == dfList {
				isrc = src.item(item)
			}
			a.applyLabel(def, item, isrc)
		}
	}
}

// applyLabel applies one value of a label: checked against the label's own
// grammar, if it has one, converted, then through the tag it means (and
// that tag's grammar) or the label's own apply.
func (a *applier) applyLabel(def *dfLabel, v string, src Source) {
	// check reports what is wrong with v by form; normalise keeps the
	// normal form (a tag's apply normalises its value itself, and a
	// normal form is not always one again: "/" is "").
	check := func(form *valueForm, normalise bool) bool {
		if form == nil || v == "" {
			return true
		}
		norm, prob := form.check(v)
		if prob == "" {
			if normalise {
				v = norm
			}
			return true
		}
		fix := form.fix
		if def.what != "" {
			fix += "; separate several with commas"
		}
		if def.kind == dfList {
			prob = def.what + printable(v) + " " + prob
		}
		a.ds.errorf(src, fix, "%s", prob)
		return false
	}
	if !check(def.value, true) {
		return
	}
	if def.conv != nil && v != "" {
		cv, prob := def.conv(v)
		if prob != "" {
			a.ds.errorf(src, "give a whole number of seconds, like 60", "%s", prob)
			return
		}
		v = cv
	}
	if def.loose {
		src.Value, src.Item = safeShown(src.Value), safeShown(src.Item)
	}
	if def.tag != "" {
		if tag := tagsByName[def.tag]; check(tag.value, false) {
			a.apply(tag, v, src, "com.df."+def.name)
		}
		return
	}
	if def.http {
		a.http = append(a.http, setting{"com.df." + def.name, src})
	}
	if def.tcp {
		a.tcp = append(a.tcp, setting{"com.df." + def.name, src})
	}
	a.set["com.df."+def.name] = setting{v, src}
	def.apply(a.b, v, a.context(src))
}

// redirectCode is the status of a redirect.
var redirectCode = &valueForm{"CODE", "give 307 or 308 to keep the method, or 301, 302 or 303; without it GET and HEAD get 301 and other methods 308",
	func(v string) (string, string) {
		switch n, _ := parseInt(v, 301, 308); n {
		case 301, 302, 303, 307, 308:
			return strconv.Itoa(n), ""
		}
		return "", "a redirect status is one of 301, 302, 303, 307 and 308"
	}}

// setRewrite sets the path rewrite "search,replace", which one service
// has at most.
func setRewrite(b *Backend, v string, cx tagContext) {
	search, replace, _ := strings.Cut(v, ",")
	if prob := checkRewriteValue(v); prob != "" {
		cx.ds.errorf(cx.src, rewritePair.fix, "%s", prob)
		return
	}
	if b.Rewrite != nil {
		cx.ds.errorf(cx.src, "keep one of them", "the path rewrite is set twice: here and by %s=%s", b.Rewrite.Source.Key, printable(b.Rewrite.Source.Value))
		return
	}
	b.Rewrite = &Rewrite{Search: search, Replace: replace, Source: cx.src}
}

// rewritePart is one side of docker-flow-proxy's deprecated
// reqPathSearch/reqPathReplace pair.
var rewritePart = &valueForm{"REGEX", "give path characters, like /demo", func(v string) (string, string) {
	if prob := unsafeChar(v); prob != "" {
		return "", prob
	}
	if !rewriteRe.MatchString(v) {
		return "", "has characters other than letters, digits and . _ ~ / - (and ^ at the start)"
	}
	return v, ""
}}

// applyReqMode reads com.df.reqMode with com.df.srcPort: tcp is a TCP
// service listening on srcPort, as tcp=SRCPORT; sni one of those sharing
// srcPort by server name, as sni=SRCPORT.
func (a *applier) applyReqMode(l labels) {
	mode, msrc, hasMode := l.get("com.df.reqMode")
	port, psrc, hasPort := l.get("com.df.srcPort")
	mode = strings.TrimSpace(mode)
	if hasMode {
		if _, prob := dfByName["reqMode"].value.check(mode); prob != "" {
			a.ds.errorf(msrc, dfByName["reqMode"].value.fix, "%s", prob)
			return
		}
	}
	switch {
	case hasMode && (mode == "tcp" || mode == "sni") && !hasPort:
		a.ds.errorf(msrc, "add com.df.srcPort, the port the proxy listens on for it", "reqMode %s needs com.df.srcPort", mode)
	case hasMode && (mode == "tcp" || mode == "sni"):
		a.apply(tagsByName[mode], strings.TrimSpace(port), psrc, "com.df.srcPort")
	case hasPort:
		n, prob := parseInt(strings.TrimSpace(port), 1, 65535)
		if prob != "" {
			a.ds.errorf(psrc, portNumber.fix, "%s", prob)
			return
		}
		a.http = append(a.http, setting{"com.df.srcPort", psrc})
		m := a.b.match()
		m.Listeners = append(m.Listeners, Listener{Port: n, Source: psrc})
	}
}

// httpsTwin is the backend com.df.httpsPort makes: b for the requests that
// came over TLS, its servers on that port of the service.
func httpsTwin(b Backend, l labels, tls bool, ds *Diagnostics) (Backend, bool) {
	v, src, ok := l.get("com.df.httpsPort")
	if !ok {
		return Backend{}, false
	}
	port, prob := parseInt(strings.TrimSpace(v), 1, 65535)
	switch {
	case prob != "":
		ds.errorf(src, portNumber.fix, "%s", prob)
		return Backend{}, false
	case !tls:
		ds.errorf(src, "add "+OptionCerts.ref()+" with the directory of the certificates, or remove it", "it sends the requests that came over HTTPS to another port, but there is no HTTPS listener")
		return Backend{}, false
	case b.TCPPort != 0:
		ds.errorf(src, "remove it, or drop "+b.tcpTag()+"=", "it needs HTTP, but the service is a TCP service (%s)", b.tcpKind())
		return Backend{}, false
	}
	t := b
	t.Name += "-https"
	t.Port = port
	t.Servers.Port, t.Servers.Prefix = port, b.Servers.Prefix+"https-"
	m := Match{TLS: true}
	if b.Match != nil {
		m = *b.Match
		m.TLS = true
	}
	t.Match = &m
	// The plain backend redirects and is the default; this one takes only
	// what came over HTTPS.
	t.Redirects, t.HTTPSOnly, t.Default = nil, false, nil
	return t, true
}

// applyDomainAlgo adds each serviceDomain's subdomains as a wildcard when
// com.df.serviceDomainAlgo asks for them.
func (a *applier) applyDomainAlgo() {
	algo, ok := a.set["com.df.serviceDomainAlgo"]
	if !ok || algo.value != "hdr_dom(host)" && algo.value != "hdr_end(host)" {
		return
	}
	for _, h := range slices.Clone(a.b.Hosts) {
		if h.Source.Key == "com.df.serviceDomain" && !h.Wildcard() {
			a.apply(tagsByName["server_alias"], "*."+h.Name, algo.src.item(h.Name), "com.df.serviceDomainAlgo")
		}
	}
}

// rewritePair is "search,replace": both are kept to path characters (and
// a leading ^ on search) so the regex cannot reach beyond the path.
var rewritePair = &valueForm{"SEARCH,REPLACE", "write it as search,replace with path characters, like /demo,/api",
	func(v string) (string, string) { return v, checkRewriteValue(v) }}

var rewriteRe = regexp.MustCompile(`^\^?[A-Za-z0-9._~/-]*$`)

// checkRewriteValue returns what is wrong with a "search,replace" pair.
func checkRewriteValue(v string) string {
	if prob := unsafeChar(v); prob != "" {
		return prob
	}
	search, replace, ok := strings.Cut(v, ",")
	if !ok || search == "" || strings.Contains(replace, ",") {
		return "is not a search,replace pair"
	}
	if !rewriteRe.MatchString(search) || !rewriteRe.MatchString(replace) || strings.HasPrefix(replace, "^") {
		return "has characters other than letters, digits and . _ ~ / - (and ^ at the start of search)"
	}
	switch {
	case len(search) > maxRewriteLen || len(replace) > maxRewriteLen:
		return fmt.Sprintf("is longer than %d characters on one side, more than HAProxy's regex and sample parsers take", maxRewriteLen)
	case replace == "":
		// A path the search matches whole would become empty: HAProxy
		// sends "GET  HTTP/1.1".
		return "the replacement is empty, so a path the search matches whole would be empty; replace with / instead"
	case strings.HasPrefix(strings.TrimPrefix(search, "^"), "/") && !strings.HasPrefix(replace, "/"):
		return "the replacement does not start with '/', so a match at the start of the path would leave it without its leading /"
	}
	return ""
}

// suggestLabel returns the known label nearest to name, if it is near
// enough to be a typo.
func suggestLabel(name string) string {
	names := make([]string, len(dockerFlowLabels))
	for i, d := range dockerFlowLabels {
		names[i] = d.name
	}
	return Nearest(name, names)
}

func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
