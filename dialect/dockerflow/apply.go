package dockerflow

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Dialect is docker-flow-proxy's: com.df.* labels, as Docker Flow Swarm
// Listener handed them to the proxy.
type Dialect struct{}

// indexed matches docker-flow-proxy's numbered destinations
// (com.df.servicePath.1).
var indexed = regexp.MustCompile(`^com\.df\.([A-Za-z]+)\.[0-9]+$`)

// Claim reads the labels that decide whether and on which port a service
// is routed (notify, port), and reports labels that are unknown, numbered
// or refused, and flags that are neither true nor false, once per
// service. A notified service is routed by its paths and domains, not by
// its name.
func (Dialect) Claim(l model.Labels, ds *model.Diagnostics) model.Claim {
	for _, k := range l.KeysWhere(isDFKey) {
		name, ok := strings.CutPrefix(k, "com.df.")
		if !ok {
			continue
		}
		v, src, _ := l.Get(k) // src.Value may be redacted (usersPassEncrypted)
		def := byName[name]
		switch {
		case indexed.MatchString(k):
			ds.Errorf(src, "route each destination as its own service, or use SERVICE_<port>_* keys for several ports",
				"docker-flow-proxy's numbered destinations (.1, .2, …) are not supported")
		case def == nil:
			fix := "remove it, or see the README for the com.df.* labels compose2haproxy knows"
			if s := suggestLabel(name); s != "" {
				fix = fmt.Sprintf("did you mean com.df.%s?", s)
			}
			ds.Warnf(src, fix, "unknown docker-flow-proxy label; it is ignored")
		case def.status == dfRefused:
			ds.Errorf(src, def.fix, "%s", def.why)
		case def.kind == dfFlag:
			if _, prob := parseFlag(v); prob != "" {
				ds.Errorf(src, "write true or false", "%s", prob)
			}
		}
	}
	var c model.Claim
	if v, src, ok := l.Get("com.df.notify"); ok {
		c.Route, _ = parseFlag(v)
		c.Source = src
	}
	if v, src, ok := l.Get("com.df.port"); ok {
		n, prob := formValue("port", v)
		if prob != "" {
			ds.Errorf(src, "give the port the service listens on, like 8080", "port %s", prob)
		}
		c.Port = atoi(n)
	}
	if v, src, ok := l.Get("com.df.httpsPort"); ok {
		c.Derive = func(b model.Backend, tls bool, ds *model.Diagnostics) (model.Backend, bool) {
			return httpsTwin(b, v, src, tls, ds)
		}
	}
	return c
}

// formValue checks the value of a label read on its own (elsewhere) by
// the form the label table gives it, and returns it normalised.
func formValue(name, v string) (string, string) {
	return byName[name].value.Check(strings.TrimSpace(v))
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

// applier applies the com.df.* labels of a service to one of its
// backends.
type applier struct {
	*model.Applier
	b   *model.Backend
	l   model.Labels
	ds  *model.Diagnostics
	set map[string]setting // the labels applied in their own way, by key
	// domains are the serviceDomain hosts that are no wildcards.
	domains []string
}

type setting struct {
	value string
	src   model.Source
}

// Apply applies the labels in the table's order: reqMode with srcPort
// first, serviceDomainAlgo last; the checks that other settings can
// change wait until every setting is applied.
func (Dialect) Apply(ma *model.Applier, _ int) {
	a := &applier{Applier: ma, b: ma.Backend(), l: ma.Labels(), ds: ma.Diagnostics()}
	a.applyReqMode()
	table := labels
	if !hasDockerFlowKey(a.l.Service()) {
		// None is set: looking each up was 40% of building a service of
		// another dialect (issue 21).
		table = nil
	}
	for i := range table {
		def := &table[i]
		v, src, ok := a.l.Get("com.df." + def.name)
		if def.public {
			v, src, ok = a.l.GetPublic("com.df." + def.name)
		}
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
			if model.ListTooLong(v, src, a.ds) {
				continue
			}
			items = model.SplitList(v)
		default:
			items = []string{strings.TrimSpace(v)}
		}
		for _, item := range items {
			isrc := src
			if def.kind == dfList {
				isrc = src.WithItem(item)
			}
			a.applyLabel(def, item, isrc)
		}
	}
	a.applyDomainAlgo()
	if v, src, ok := a.l.Get("com.df.checkTcp"); ok {
		on, _ := parseFlag(v)
		a.CheckTCP(on, src)
	}
	a.Finally(a.check)
}

// applyLabel applies one value of a label: checked against the label's own
// grammar, if it has one, converted, then through the tag it means (and
// that tag's grammar) or the label's own apply.
func (a *applier) applyLabel(def *dfLabel, v string, src model.Source) {
	// check reports what is wrong with v by form; normalise keeps the
	// normal form (a tag's apply normalises its value itself, and a
	// normal form is not always one again: "/" is "").
	check := func(form *model.Form, normalise bool) bool {
		if form == nil || v == "" {
			return true
		}
		norm, prob := form.Check(v)
		if prob == "" {
			if normalise {
				v = norm
			}
			return true
		}
		fix := form.Fix
		if def.what != "" {
			fix += "; separate several with commas"
		}
		if def.kind == dfList {
			prob = def.what + model.Printable(v) + " " + prob
		}
		a.ds.Errorf(src, fix, "%s", prob)
		return false
	}
	if !check(def.value, true) {
		return
	}
	if def.conv != nil && v != "" {
		cv, prob := def.conv(v)
		if prob != "" {
			a.ds.Errorf(src, "give a whole number of seconds, like 60", "%s", prob)
			return
		}
		v = cv
	}
	if def.loose {
		src.Value, src.Item = model.SafeShown(src.Value), model.SafeShown(src.Item)
	}
	if def.tag != "" {
		if check(model.TagForm(def.tag), false) {
			n := len(a.b.Hosts)
			a.Apply(def.tag, v, src, "com.df."+def.name)
			if def.canonical && len(a.b.Hosts) > n {
				if h := a.b.Hosts[n]; !h.Wildcard() {
					a.domains = append(a.domains, h.Name)
					a.Prefer(h.Name)
				}
			}
		}
		return
	}
	if def.http {
		a.HTTPOnly("com.df."+def.name, src)
	}
	if def.tcp {
		a.TCPOnly("com.df."+def.name, src)
	}
	if def.https != "" {
		a.NeedsHTTPS("com.df."+def.name, src, def.https)
	}
	if a.set == nil {
		a.set = map[string]setting{}
	}
	a.set["com.df."+def.name] = setting{v, src}
	def.apply(a.b, v, context{src: src, secrets: a.Secrets(), l: a.l, ds: a.ds})
}

// context is what a label's own apply may need beyond its backend and
// value.
type context struct {
	src     model.Source
	secrets map[string]*model.Secret
	l       model.Labels // for a label read with others (com.df.users)
	ds      *model.Diagnostics
}

// applyReqMode reads com.df.reqMode with com.df.srcPort: tcp is a TCP
// service listening on srcPort, as tcp=SRCPORT; sni one of those sharing
// srcPort by server name, as sni=SRCPORT.
func (a *applier) applyReqMode() {
	mode, msrc, hasMode := a.l.Get("com.df.reqMode")
	port, psrc, hasPort := a.l.Get("com.df.srcPort")
	mode = strings.TrimSpace(mode)
	if hasMode {
		if _, prob := formValue("reqMode", mode); prob != "" {
			a.ds.Errorf(msrc, byName["reqMode"].value.Fix, "%s", prob)
			return
		}
	}
	if hasPort {
		if _, prob := formValue("srcPort", port); prob != "" {
			a.ds.Errorf(psrc, byName["srcPort"].value.Fix, "com.df.srcPort=%s %s", model.Printable(port), prob)
			return
		}
	}
	switch {
	case hasMode && (mode == "tcp" || mode == "sni") && !hasPort:
		a.ds.Errorf(msrc, "add com.df.srcPort, the port the proxy listens on for it", "reqMode %s needs com.df.srcPort", mode)
	case hasMode && (mode == "tcp" || mode == "sni"):
		a.Apply(mode, strings.TrimSpace(port), psrc, "com.df.srcPort")
	case hasPort:
		a.Apply("listen", strings.TrimSpace(port), psrc, "com.df.srcPort")
	}
}

// applyDomainAlgo adds each serviceDomain's subdomains as a wildcard when
// com.df.serviceDomainAlgo asks for them.
func (a *applier) applyDomainAlgo() {
	algo, ok := a.set["com.df.serviceDomainAlgo"]
	if !ok || algo.value != "hdr_dom(host)" && algo.value != "hdr_end(host)" {
		return
	}
	for _, h := range slices.Clone(a.domains) {
		a.Apply("server_alias", "*."+h, algo.src.WithItem(h), "com.df.serviceDomainAlgo")
	}
}

// check reports, once every setting is applied, labels that other
// settings leave without effect, and a notified service with nothing to
// be routed by.
func (a *applier) check() {
	b := a.b
	if c := b.Compression; c != nil && c.Algo == "" {
		a.ds.Warnf(c.Source, "add com.df.compressionAlgo=gzip or the compress tag, or remove it", "it has no effect without com.df.compressionAlgo")
		b.Compression = nil
	}
	if b.TCPPort != 0 {
		return
	}
	if s, ok := a.set["com.df.httpsRedirectCode"]; ok && !b.HTTPSOnly && b.ProtoRedirect == "" {
		a.ds.Warnf(s.src, "add com.df.httpsOnly: \"true\", or remove it", "it has no effect without com.df.httpsOnly")
	}
	// Only a service docker-flow-proxy routes: another dialect's route on
	// every host and path (Traefik's PathPrefix(`/`)) is no mistake.
	v, src, _ := a.l.Get("com.df.notify")
	if notified, _ := parseFlag(v); notified && len(b.Hosts) == 0 && len(b.Paths) == 0 && b.Default == nil {
		a.ds.Errorf(src, "add com.df.servicePath or com.df.serviceDomain", "a docker-flow-proxy service needs a path or a domain to be routed by")
	}
}

// httpsTwin is the backend com.df.httpsPort makes: b for the requests that
// came over TLS, its servers on that port of the service.
func httpsTwin(b model.Backend, v string, src model.Source, tls bool, ds *model.Diagnostics) (model.Backend, bool) {
	n, prob := formValue("httpsPort", v)
	port := atoi(n)
	switch {
	case prob != "":
		ds.Errorf(src, byName["httpsPort"].value.Fix, "%s", prob)
		return model.Backend{}, false
	case !tls:
		model.NoHTTPS(ds, src, src.Key, byName["httpsPort"].https)
		return model.Backend{}, false
	case b.TCPPort != 0:
		ds.Errorf(src, "remove it, or drop "+b.TCPTag()+"=", "it needs HTTP, but the service is a TCP service (%s)", b.TCPKind())
		return model.Backend{}, false
	}
	t := b
	t.Name += "-https"
	t.Port = port
	t.Servers.Port, t.Servers.Prefix = port, b.Servers.Prefix+"https-"
	m := model.Match{TLS: true}
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

// suggestLabel returns the known label nearest to name, if it is near
// enough to be a typo.
func suggestLabel(name string) string {
	names := make([]string, len(labels))
	for i, d := range labels {
		names[i] = d.name
	}
	return model.Nearest(name, names)
}

func isDFKey(k string) bool { return strings.HasPrefix(k, "com.df.") }

// hasDockerFlowKey reports whether any layer of svc's settings holds a
// com.df. key.
func hasDockerFlowKey(svc *model.Service) bool {
	for _, m := range []map[string]string{svc.Labels, svc.DeployLabels, svc.Environment} {
		for k := range m {
			if isDFKey(k) {
				return true
			}
		}
	}
	return false
}
