package model

import (
	"regexp"
	"strings"
)

// dockerFlow holds docker-flow-proxy's com.df.* labels, mapped onto the
// registrator model so that both conventions route the same way.
type dockerFlow struct {
	notify       bool
	domains      []Host   // com.df.serviceDomain
	paths        []Path   // com.df.servicePath
	port         int      // com.df.port; 0: not set
	rewrite      *Rewrite // com.df.reqPathSearchReplace
	httpsOnly    bool
	httpsSource  Source
	httpsCode    int    // com.df.httpsRedirectCode; 0: not set
	redirectFrom []Host // com.df.redirectFromDomain
}

// dockerFlowKeys are the com.df.* labels compose2haproxy understands.
var dockerFlowKeys = map[string]bool{
	"com.df.notify": true, "com.df.serviceDomain": true, "com.df.servicePath": true, "com.df.port": true,
	"com.df.reqPathSearchReplace": true, "com.df.httpsOnly": true, "com.df.redirectFromDomain": true,
	"com.df.httpsRedirectCode": true,
}

// accessLabels are the docker-flow-proxy labels (without "com.df.") that
// restrict who may reach a service, with what they restrict. Not
// implemented, each is an error rather than a warning: ignoring it would
// publish the service without its protection. A label leaves this list
// when it is implemented (added to dockerFlowKeys).
var accessLabels = map[string]string{
	"users":                 "HTTP basic authentication",
	"usersSecret":           "HTTP basic authentication",
	"usersPassEncrypted":    "HTTP basic authentication",
	"allowedMethods":        "the HTTP methods allowed",
	"deniedMethods":         "the HTTP methods denied",
	"denyHttp":              "plain HTTP is denied",
	"redirectWhenHttpProto": "plain HTTP is redirected to https",
	"verifyClientSsl":       "client certificates",
	"serviceHeader":         "requests need these headers",
	"userAgent":             "requests need this User-Agent",
}

var rewriteRe = regexp.MustCompile(`^\^?[A-Za-z0-9._~/-]*$`)

func readDockerFlow(l labels, ds *Diagnostics) dockerFlow {
	var df dockerFlow
	for _, k := range l.keys() {
		if !strings.HasPrefix(k, "com.df.") || dockerFlowKeys[k] {
			continue
		}
		_, src, _ := l.get(k)
		// An indexed label (com.df.denyHttp.1) means what its name does.
		name, _, _ := strings.Cut(strings.TrimPrefix(k, "com.df."), ".")
		if what, ok := accessLabels[name]; ok {
			ds.errorf(src, "protect the service another way and remove the label, or stop routing the service",
				"docker-flow-proxy label %s restricts access (%s), which compose2haproxy does not implement: routing the service without it would publish it unprotected", k, what)
			continue
		}
		ds.warnf(src, "see the README for the com.df.* labels compose2haproxy maps", "docker-flow-proxy label %s is not supported; it is ignored", k)
	}
	df.notify, _ = l.flag("com.df.notify")
	if v, src, ok := l.get("com.df.serviceDomain"); ok {
		df.domains = hostList(v, src, hostOrWildcard, ds)
	}
	if v, src, ok := l.get("com.df.servicePath"); ok {
		for _, p := range splitList(v) {
			prefix, prob := checkPath(p)
			if prob != "" {
				ds.errorf(src, "give path prefixes like /demo,/api", "path %s %s", printable(p), prob)
				continue
			}
			df.paths = append(df.paths, Path{Prefix: prefix, Source: src.item(p)})
		}
	}
	if v, src, ok := l.get("com.df.port"); ok {
		n, prob := parseInt(strings.TrimSpace(v), 1, 65535)
		if prob != "" {
			ds.errorf(src, "give the port the service listens on, like 8080", "port %s", prob)
		}
		df.port = n
	}
	if v, src, ok := l.get("com.df.reqPathSearchReplace"); ok {
		df.rewrite = parseRewrite(v, src, ds)
	}
	if on, src := l.flag("com.df.httpsOnly"); on {
		df.httpsOnly, df.httpsSource = true, src
	}
	if v, src, ok := l.get("com.df.httpsRedirectCode"); ok {
		switch n, _ := parseInt(strings.TrimSpace(v), 301, 308); n {
		case 301, 302, 303, 307, 308:
			df.httpsCode = n
		default:
			ds.errorf(src, "give 307 or 308 to keep the method, or 301, 302 or 303; without it GET and HEAD get 301 and other methods 308", "a redirect status is one of 301, 302, 303, 307 and 308")
		}
		if !df.httpsOnly {
			ds.warnf(src, "add com.df.httpsOnly: \"true\", or remove it", "it has no effect without com.df.httpsOnly")
		}
	}
	if v, src, ok := l.get("com.df.redirectFromDomain"); ok {
		df.redirectFrom = hostList(v, src, exactHost, ds)
	}
	return df
}

// parseRewrite reads "search,replace". Both are kept to path characters
// (and a leading ^ on search) so the regex cannot reach beyond the path.
func parseRewrite(v string, src Source, ds *Diagnostics) *Rewrite {
	search, replace, ok := strings.Cut(v, ",")
	const fix = "write it as search,replace with path characters, like /demo,/api"
	if prob := unsafeChar(v); prob != "" {
		ds.errorf(src, fix, "%s", prob)
		return nil
	}
	if !ok || search == "" || strings.Contains(replace, ",") {
		ds.errorf(src, fix, "is not a search,replace pair")
		return nil
	}
	if !rewriteRe.MatchString(search) || !rewriteRe.MatchString(replace) || strings.HasPrefix(replace, "^") {
		ds.errorf(src, fix, "has characters other than letters, digits and . _ ~ / - (and ^ at the start of search)")
		return nil
	}
	return &Rewrite{Search: search, Replace: replace, Source: src}
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

// hostList reads comma-separated hosts of the given form, the same
// grammar as the tag that means the same.
func hostList(v string, src Source, form *valueForm, ds *Diagnostics) []Host {
	var hosts []Host
	for _, item := range splitList(v) {
		h, prob := form.check(item)
		if prob != "" {
			ds.errorf(src, form.fix+"; separate several with commas", "host %s %s", printable(item), prob)
			continue
		}
		hosts = append(hosts, Host{Name: h, Source: src.item(h)})
	}
	return hosts
}
