package traefik

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// mwDef is everything this dialect knows of one Traefik middleware type,
// in one place: whether it is converted, what the documentation says, and
// how it applies. The docs table is made from middlewareDefs.
type mwDef struct {
	name string // Traefik's spelling
	// access: it decides who gets in; refusing it keeps the service shut.
	access bool
	doc    string // what compose2haproxy does, or why not
	// apply converts one middleware; nil: refused with doc as the reason.
	apply func(c *mwContext, m *mw)
}

// middlewareDefs are Traefik's HTTP middleware types, in the docs' order.
var middlewareDefs []mwDef

func init() { middlewareDefs = defs }

var defs = []mwDef{
	{name: "redirectScheme", doc: "`scheme=https` → `https_only`: 302 for GET (and HEAD), 307 for other methods, as Traefik's default temporary redirect; with `permanent=true` 301 and 308; another scheme or port is an error", apply: applyRedirectScheme},
	{name: "stripPrefix", doc: "`prefixes` → the first prefix the path starts with is removed, as a string, keeping a leading `/`; Traefik's `X-Forwarded-Prefix` header is not set (a warning)", apply: applyStripPrefix},
	{name: "addPrefix", doc: "`prefix` → put before the path", apply: applyAddPrefix},
	{name: "replacePath", doc: "`path` → the path is replaced (the query kept); Traefik's `X-Replaced-Path` header is not set (a warning)", apply: applyReplacePath},
	{name: "basicAuth", access: true, doc: "`users` and `usersFile` (a file the Traefik service mounts from the project, named in a label; its users first, as Traefik merges them) → basic auth (crypt hashes: `$6$`, `$5$`, bcrypt, yescrypt; Apache's `$apr1$` is an error: re-hash with `htpasswd -B` or `mkpasswd -m sha-512`), `realm`, `removeHeader`, `headerField` (the user's name to the servers, replacing any the client sent); a `usersFile` that cannot be read is an error", apply: applyBasicAuth},
	{name: "ipAllowList", access: true, doc: "`sourceRange` → `allow=`; `ipStrategy.depth` 1 (the last `X-Forwarded-For` address) with `" + model.OptionTrustedProxies.Ref() + "`, HAProxy's way of reading it (a warning: a client connecting directly is checked by its own address; without `" + model.OptionTrustedProxies.Ref() + "` an error, since the proxy in front's address would be checked); no `depth` with `" + model.OptionTrustedProxies.Ref() + "` is an error too (Traefik checks the connection's address, HAProxy would check the forwarded one); a deeper `depth`, `excludedIPs`, `ipv6Subnet` and a `rejectStatusCode` other than 403 are errors", apply: applyIPAllowList},
	{name: "ipWhiteList", access: true, doc: "as ipAllowList (Traefik v2's name)", apply: applyIPAllowList},
	{name: "headers", doc: "custom request and response headers (empty deletes), `sts*` → `Strict-Transport-Security` on HTTPS, `frameDeny`, `customFrameOptionsValue`, `contentTypeNosniff`, `browserXssFilter`, `customBrowserXSSValue`, `referrerPolicy`, `contentSecurityPolicy`, `permissionsPolicy` → response headers, `accessControlAllowOriginList` → `cors_origin=`, with `accessControlAllowMethods` that allow at least PUT, PATCH and DELETE (HAProxy's preflight answer allows GET, HEAD, POST, PUT, PATCH, DELETE: other methods, a warning), `accessControlAllowHeaders` `*`, `accessControlMaxAge` (HAProxy says 600: a warning), `addVaryHeader`; fewer methods or a list of headers (HAProxy's answer would allow more), `accessControlAllowCredentials`, `accessControlExposeHeaders`, `accessControlAllowOriginListRegex`, `allowedHosts`, `sslHost`… are errors", apply: applyHeaders},
	{name: "compress", doc: "→ `compress` (gzip, on text, JSON, JavaScript, XML and SVG: a warning says how it differs)", apply: applyCompress},
	{name: "rateLimit", doc: "`average` per `period` → `rate_limit=N/PERIOD` per client address; HAProxy counts in a sliding window without Traefik's `burst` (a warning); `sourceCriterion.ipStrategy` as ipAllowList's (no `depth` with `" + model.OptionTrustedProxies.Ref() + "`: a warning, each forwarded client counted apart); `sourceCriterion.requestHost` → `rate_limit=N/PERIOD/host`, per `Host` header as sent; `requestHeaderName` → `rate_limit=N/PERIOD/header:NAME` (requests without the header, or with it empty, count as one source, as in Traefik); a period of other than whole seconds, several criteria and a header name of other characters than letters, digits and `-` are errors", apply: applyRateLimit},
	{name: "buffering", doc: "`maxRequestBodyBytes` → `max_body=`; the other settings have no HAProxy meaning (a warning)", apply: applyBuffering},
	{name: "retry", doc: "HAProxy retries a failed connection twice, on another server (a warning: `attempts` is not carried over)", apply: applyRetry},
	{name: "chain", doc: "`middlewares` → each applied in order"}, // applied by mwContext.apply
	{name: "forwardAuth", access: true, doc: "error: HAProxy has no forward authentication; the service would ship open"},
	{name: "digestAuth", access: true, doc: "error: HAProxy has no digest authentication; the service would ship open"},
	{name: "passTLSClientCert", doc: "error: not converted"},
	{name: "inFlightReq", doc: "`amount` → `max_in_flight=N/host`: a request beyond N in progress with the same `Host` header (as sent) gets 429, by Traefik's default source and `sourceCriterion.requestHost`; `requestHeaderName` → `max_in_flight=N/header:NAME` (requests without the header count as one source, as in Traefik); `ipStrategy` → `max_in_flight=N` per client address, as rateLimit's; counted per router, as Traefik does, unless its rule becomes several backends, which count apart (a warning, as for rateLimit); `amount` 0 (Traefik answers every request with 429), several criteria and a header name of other characters than letters, digits and `-` are errors", apply: applyInFlightReq},
	{name: "redirectRegex", doc: "`regex` on the request's URL (`https://` over TLS, else `http://`, the `Host` header as sent, the path and query) and `replacement` (`$1`/`${name}`, starting with `http://`, `https://` or `/`) → a redirect when the URL changes: 302 for GET, 307 for other methods (HEAD too), as Traefik; 301 and 308 with `permanent=true`; a URL it does not change goes on. The regex is checked as replacePathRegex's, and one that matches an empty string is an error; so is a path rewrite or a `Host` header before it, access checks both before and after it, and a router to `ping@internal`. The redirect lacks the response headers of middlewares before it (a warning)", apply: applyRedirectRegex},
	{name: "replacePathRegex", doc: "`regex` anchored at the start (`^/old/(.*)`) → HAProxy's `replace-path` with the same pattern (checked: it means the same in Go's RE2 and HAProxy's PCRE) and `replacement` with `$1`/`${name}` as `\\1`, the rest of the path kept; a replacement of path characters starting with `/`; Traefik's `X-Replaced-Path` header is not set (a warning)", apply: applyReplacePathRegex},
	{name: "stripPrefixRegex", doc: "`regex` → the first pattern that matches a prefix of the path (checked as replacePathRegex's) is removed, keeping a leading `/`; Traefik's `X-Forwarded-Prefix` header is not set (a warning)", apply: applyStripPrefixRegex},
	{name: "errors", doc: "error: custom error pages are not converted"},
	{name: "grpcWeb", doc: "error: HAProxy does not translate gRPC-Web"},
	{name: "circuitBreaker", doc: "error: HAProxy has no circuit breaker (its health checks take failing servers out)"},
	{name: "contentType", doc: "error: not converted"},
	{name: "plugin", access: true, doc: "error: Traefik plugins (a CrowdSec bouncer, say) do not run in HAProxy; the service would ship without them"},
}

func defOf(typ string) *mwDef {
	for i := range middlewareDefs {
		if strings.EqualFold(middlewareDefs[i].name, typ) {
			return &middlewareDefs[i]
		}
	}
	return nil
}

// mwContext applies a router's middlewares to its backend.
type mwContext struct {
	a    *model.Applier
	p    *project
	st   *serviceState
	rt   *route
	seen map[string]bool // chains followed, against loops
	// urlRedirects are the redirectRegex applied, placed once all are.
	urlRedirects []pendingRedirect
}

// mw is one middleware being applied.
type mw struct {
	m   *config.Middleware
	svc *model.Service // the service whose labels define it
	ref mwRef
	// provider is the one that defines it: "docker" or "file", where the
	// names of its chain without @provider are.
	provider string
	handled  []*config.Node // the options applied (top-level ones)
	access   bool           // an access control (mwDef.access)
	// sources are the project's Sources of middleware options, by node:
	// a middleware many routers name is applied, and its sources made,
	// once for each.
	sources map[*config.Node]model.Source
}

// opt is the option at key (a dotted path), marked applied when it is a
// top-level one. It runs for every option a converter knows of, set or
// not, on every router: it does not allocate.
func (m *mw) opt(key string) *config.Node {
	n := m.m.Options.Lookup(key)
	if n != nil && !strings.Contains(key, ".") {
		m.handled = append(m.handled, n)
	}
	return n
}

func (m *mw) src(n *config.Node) model.Source {
	if n == nil {
		return sourceOf(m.svc, m.m.Node.Origin)
	}
	src, ok := m.sources[n]
	if !ok {
		src = nodeSource(m.svc, n)
		m.sources[n] = src
	}
	return src
}

// refuse reports a middleware setting that is not converted: the router
// is refused.
func (c *mwContext) refuse(src model.Source, m *mw, format string, args ...any) {
	why := fmt.Sprintf(format, args...)
	if m.access && !strings.Contains(why, "ship") {
		why += "; without it the service would ship open"
	}
	c.a.Diagnostics().Errorf(src, "remove it from the router, or leave the router out with "+c.rt.outHint,
		"router %s, middleware %s (%s): %s", c.rt.router.Name, m.m.Name, m.m.Type, why)
}

// differ reports a setting converted with a difference.
func (c *mwContext) differ(src model.Source, m *mw, format string, args ...any) {
	c.a.Diagnostics().Warnf(src, "", "router %s, middleware %s (%s): %s", c.rt.router.Name, m.m.Name, m.m.Type, fmt.Sprintf(format, args...))
}

// apply resolves a middleware reference and applies it.
func (c *mwContext) apply(ref mwRef, depth int) {
	ds := c.a.Diagnostics()
	fix := "define it in a service's labels, remove it, or leave the router out with " + c.rt.outHint
	name, provider, _ := strings.Cut(ref.name, "@")
	if provider == "" {
		provider = ref.provider // a name without @provider is its router's provider's
	}
	defined := c.p.middleware
	switch strings.ToLower(provider) {
	case "", "docker", "swarm":
		provider = "docker"
	case "file":
		defined = c.p.fileMiddleware
		why := ""
		switch f := c.p.file; {
		case f == nil:
			why = "the Traefik service has no file provider (providers.file)"
		case f.problem != "":
			why = "Traefik's file provider cannot be read: " + f.problem
		case c.p.fileMiddleware[strings.ToLower(name)].m == nil:
			why = fmt.Sprintf("no file of Traefik's file provider (%s) defines it", f.where)
		}
		if why != "" {
			ds.Errorf(ref.src, "define it in a file the Traefik service mounts from the project, remove it, or leave the router out with "+c.rt.outHint,
				"router %s, middleware %s@file: %s; if it is an access control, the service would ship open", c.rt.router.Name, model.Printable(name), why)
			return
		}
	case "internal":
		ds.Errorf(ref.src, fix, "router %s, middleware %s: Traefik's internal middlewares have no HAProxy equivalent", c.rt.router.Name, model.Printable(ref.name))
		return
	default:
		ds.Errorf(ref.src, fix, "router %s, middleware %s: Traefik's %s provider is not read; if it is an access control, the service would ship open", c.rt.router.Name, model.Printable(ref.name), model.Printable(provider))
		return
	}
	def, ok := defined[strings.ToLower(name)]
	if !ok {
		ds.Errorf(ref.src, fix, "router %s, middleware %s is defined nowhere in the project: Traefik refuses the router; if it is an access control, the service would ship open", c.rt.router.Name, model.Printable(ref.name))
		return
	}
	key := provider + ":" + strings.ToLower(name)
	if depth > 10 || c.seen[key] {
		ds.Errorf(ref.src, "remove the loop", "router %s, middleware %s: chains loop back to it", c.rt.router.Name, model.Printable(ref.name))
		return
	}
	c.seen[key] = true
	defer delete(c.seen, key)
	it := c.p.item(def.service, def.kind(), def.m.Name)
	it.used = true
	defer it.record(ds, len(*ds))
	svc := def.svc
	m := &mw{m: def.m, svc: svc, ref: ref, provider: provider, sources: c.p.mwSources}
	d := defOf(def.m.Type)
	m.access = d != nil && d.access
	switch {
	case strings.EqualFold(def.m.Type, "chain"):
		applyChain(c, m)
	case d == nil:
		m.access = true // unknown: refused as if it were one
		c.refuse(m.src(nil), m, "middleware type %s is not converted", def.m.Type)
		return
	case d.apply == nil:
		c.refuse(m.src(nil), m, "%s", strings.TrimPrefix(d.doc, "error: "))
		return
	default:
		d.apply(c, m)
	}
	for _, o := range def.m.Options.Entries() {
		if !slices.Contains(m.handled, o) {
			c.refuse(m.src(o), m, "%s is not converted", o.Name)
		}
	}
}

func applyRedirectScheme(c *mwContext, m *mw) {
	scheme := m.opt("scheme")
	if !strings.EqualFold(scheme.String(), "https") {
		c.refuse(m.src(scheme), m, "scheme %s: only a redirect to https is converted", model.Printable(scheme.String()))
		return
	}
	if port := m.opt("port"); port.Set() && port.String() != strconv.Itoa(c.p.httpsPort) {
		c.refuse(m.src(port), m, "port %s is not the HTTPS listener's (%d)", model.Printable(port.String()), c.p.httpsPort)
		return
	}
	c.a.Apply("https_only", "", m.src(scheme), "middleware "+m.m.Name)
	// Traefik's default is a temporary redirect; the entry point's, when
	// it redirects, comes first and wins.
	if permanent := m.opt("permanent").Bool(); !c.rt.redirected {
		c.a.Backend().HTTPSRedirectTemporary = !permanent
	}
}

// limitSource reads the sourceCriterion of a limit (rateLimit,
// inFlightReq): the source its tag counts by ("" the client address,
// "/host", "/header:NAME"), in words for messages, or false once refused.
// byDefault is the middleware's source without a criterion.
func (c *mwContext) limitSource(m *mw, byDefault string) (per, who string, ok bool) {
	s := m.opt("sourceCriterion")
	ips, header, host := s.Child("ipStrategy"), s.Child("requestHeaderName"), s.Child("requestHost")
	criteria := 0
	for _, set := range []bool{ips.Set(), header.String() != "", host.Bool()} {
		if set {
			criteria++
		}
	}
	switch {
	case criteria > 1:
		c.refuse(m.src(s), m, "sourceCriterion sets more than one of ipStrategy, requestHeaderName and requestHost, which Traefik refuses (they are mutually exclusive): keep one")
		return "", "", false
	case header.String() != "":
		if prob := model.CheckHeaderName(header.String()); prob != "" {
			c.refuse(m.src(header), m, "sourceCriterion.requestHeaderName %s %s", model.Printable(header.String()), prob)
			return "", "", false
		}
		return "/header:" + header.String(), "value of the header " + header.String(), true
	case host.Bool() || !ips.Set() && byDefault == "/host":
		return "/host", "Host header (as sent)", true
	case ips.Set() && !c.clientAddress(m, ips):
		return "", "", false
	}
	return "", "client address", true
}

// countsForwarded warns, with trusted proxies, that a limit by client
// address without ipStrategy.depth 1 counts each forwarded client, where
// Traefik counts the connection's address: not an access control, a
// difference.
func (c *mwContext) countsForwarded(m *mw, src model.Source) {
	if c.p.trusted && m.opt("sourceCriterion").Lookup("ipStrategy.depth").Int() != 1 {
		c.differ(src, m, "without sourceCriterion.ipStrategy.depth Traefik counts the requests of each connection's address (a proxy in front is one client); with %s HAProxy counts each X-Forwarded-For address that proxy sends", model.OptionTrustedProxies.Ref())
	}
}

// countsPerBackend warns that a limit counts apart on each backend a
// router's rule became, where Traefik counts the router's requests
// together.
func (c *mwContext) countsPerBackend(m *mw, src model.Source) {
	if c.rt.split > 1 {
		c.differ(src, m, "the router's rule became %d backends, each counting its own requests against the limit; Traefik counts the router's requests together", c.rt.split)
	}
}

// pathOf checks a path a middleware writes.
func (c *mwContext) pathOf(m *mw, n *config.Node, v string) bool {
	if !model.PathChars(v) {
		c.refuse(m.src(n), m, "%s: paths of "+model.PathCharsDoc+" only are converted", model.Printable(v))
		return false
	}
	return true
}

func applyStripPrefix(c *mwContext, m *mw) {
	n := m.opt("prefixes")
	if fs := m.opt("forceSlash"); fs.Set() && !fs.Bool() {
		c.refuse(m.src(fs), m, "forceSlash=false is not converted")
		return
	}
	var ps []string
	for _, p := range n.List() {
		if !c.pathOf(m, n, p) {
			return
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return
	}
	b := c.a.Backend()
	b.PathEdits = append(b.PathEdits, model.PathEdit{Strip: ps, Source: m.src(n)})
	c.differ(m.src(n), m, "the X-Forwarded-Prefix header Traefik adds is not set")
}

func applyStripPrefixRegex(c *mwContext, m *mw) {
	n := m.opt("regex")
	var alts []string
	for _, src := range n.List() {
		p, err := rule.TranslateRegexp(src)
		if err != nil {
			c.refuse(m.src(n).WithItem(src), m, "regex %s: %v", model.Printable(src), err)
			return
		}
		// Traefik tries the next pattern after one that matches an empty
		// prefix; HAProxy's alternation would keep it.
		if len(n.List()) > 1 && regexp.MustCompile("^(?:"+src+")").MatchString("") {
			c.refuse(m.src(n).WithItem(src), m, "regex %s may match an empty prefix, after which Traefik tries the next pattern: not converted with several patterns", model.Printable(src))
			return
		}
		alts = append(alts, p.PCRE)
	}
	if len(alts) == 0 {
		return
	}
	b := c.a.Backend()
	b.PathEdits = append(b.PathEdits, model.PathEdit{Regex: "^(?:" + strings.Join(alts, "|") + ")/?(.*)$", Format: `/\1`, Source: m.src(n)})
	c.differ(m.src(n), m, "the X-Forwarded-Prefix header Traefik adds is not set")
}

func applyReplacePathRegex(c *mwContext, m *mw) {
	re, repl := m.opt("regex"), m.opt("replacement")
	src, with := strings.TrimSpace(re.String()), strings.TrimSpace(repl.String())
	if src == "" || with == "" {
		c.differ(m.src(nil), m, "without a regex and a replacement, it does nothing, in Traefik too")
		return
	}
	p, err := rule.TranslateCapturing(src)
	if err != nil {
		c.refuse(m.src(re), m, "regex %s: %v", model.Printable(src), err)
		return
	}
	if !anchoredStart(src) {
		c.refuse(m.src(re), m, "regex %s is not anchored at the start (^): Traefik replaces every match in the path, HAProxy one", model.Printable(src))
		return
	}
	if p.Groups > 8 {
		c.refuse(m.src(re), m, "regex %s has %d groups; HAProxy refers to 9 at most", model.Printable(src), p.Groups)
		return
	}
	format, why := replacementFormat(with, p)
	if why != "" {
		c.refuse(m.src(repl), m, "replacement %s %s", model.Printable(with), why)
		return
	}
	b := c.a.Backend()
	b.PathEdits = append(b.PathEdits, model.PathEdit{Regex: "^(?:" + p.PCRE + ")(.*)$", Format: format + `\` + strconv.Itoa(p.Groups+1), Source: m.src(re)})
	c.differ(m.src(re), m, "the X-Replaced-Path header Traefik adds is not set")
}

func applyAddPrefix(c *mwContext, m *mw) {
	n := m.opt("prefix")
	if !c.pathOf(m, n, n.String()) {
		return
	}
	b := c.a.Backend()
	b.PathEdits = append(b.PathEdits, model.PathEdit{Add: n.String(), Source: m.src(n)})
}

func applyReplacePath(c *mwContext, m *mw) {
	n := m.opt("path")
	if !c.pathOf(m, n, n.String()) {
		return
	}
	b := c.a.Backend()
	b.PathEdits = append(b.PathEdits, model.PathEdit{Replace: n.String(), Source: m.src(n)})
	c.differ(m.src(n), m, "the X-Replaced-Path header Traefik adds is not set")
}

var realmRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func applyBasicAuth(c *mwContext, m *mw) {
	b := c.a.Backend()
	ds := c.a.Diagnostics()
	users := m.opt("users")
	src := m.src(users)
	// Traefik merges usersFile's users and users, the file's first.
	var entries []model.UserEntry
	if f := m.opt("usersFile"); f.Set() {
		src = m.src(f)
		content, why := c.p.mountedFile(f.String())
		if why != "" {
			c.refuse(src, m, "usersFile %s %s", model.Printable(f.String()), why)
			return
		}
		entries = model.SplitUsers(string(content), "line")
	}
	for _, e := range model.SplitUsers(strings.Join(users.List(), "\n"), "entry") {
		if !slices.ContainsFunc(entries, func(f model.UserEntry) bool { return f.Name == e.Name }) {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		c.refuse(m.src(nil), m, "no users")
		return
	}
	src.Value = model.Redacted
	for _, e := range entries {
		if hash := e.Hash; strings.HasPrefix(hash, "$apr1$") || strings.HasPrefix(hash, "{SHA}") {
			scheme := "$apr1$ (MD5)"
			if strings.HasPrefix(hash, "{SHA}") {
				scheme = "{SHA}"
			}
			c.refuse(src, m, "a user's password is hashed with Apache's %s, which HAProxy cannot check: re-hash it with `htpasswd -nB USER` (bcrypt) or `mkpasswd -m sha-512`", scheme)
			return
		}
	}
	if b.Policy.Auth != nil {
		c.refuse(src, m, "basic auth is set twice (also by %s)", b.Policy.Auth.Source.Key)
		return
	}
	list := model.CheckUsers(entries, "basicauth.users", src, ds)
	if list == nil {
		return
	}
	auth := &model.Auth{Users: list, Source: src}
	if r := m.opt("realm"); r.Set() {
		if !realmRe.MatchString(r.String()) {
			c.refuse(m.src(r), m, "realm %s: letters, digits, '.', '_' and '-' are converted", model.Printable(r.String()))
			return
		}
		auth.Realm = r.String()
	}
	if h := m.opt("headerField"); h.Set() {
		if prob := model.CheckHeaderName(h.String()); prob != "" {
			c.refuse(m.src(h), m, "headerField %s %s", model.Printable(h.String()), prob)
			return
		}
		auth.HeaderField = h.String()
	}
	b.Policy.Auth = auth
	c.a.HTTPOnly("middleware "+m.m.Name, src)
	model.WarnSlowHashes(auth, "basicauth.users", ds)
	if rh := m.opt("removeHeader"); rh.Bool() {
		b.Headers = append(b.Headers, model.Header{Action: "del", Name: "Authorization", Source: m.src(rh)})
	}
}

func applyIPAllowList(c *mwContext, m *mw) {
	n := m.opt("sourceRange")
	s := m.opt("ipStrategy")
	if s.Set() && !c.clientAddress(m, s) {
		return
	}
	if c.p.trusted && s.Child("depth").Int() != 1 {
		// Traefik checks the connection's address then; HAProxy's
		// allow= checks the one trusted proxies forward, which lets in
		// whoever the proxy in front forwards for.
		c.refuse(m.src(n), m, "without ipStrategy.depth Traefik checks the address of the connection, the proxy in front's; with %s HAProxy checks the X-Forwarded-For address that proxy sends: add ipStrategy.depth=1 if that is the address to check, or run without %s", model.OptionTrustedProxies.Ref(), model.OptionTrustedProxies.Ref())
		return
	}
	if s := m.opt("rejectStatusCode"); s.Set() && s.Int() != 403 {
		c.refuse(m.src(s), m, "rejectStatusCode %d: HAProxy answers 403", s.Int())
		return
	}
	if len(n.List()) == 0 {
		c.refuse(m.src(nil), m, "no sourceRange")
		return
	}
	for _, r := range n.List() {
		c.a.Apply("allow", r, m.src(n).WithItem(r), "middleware "+m.m.Name)
	}
}

// clientAddress checks an ipStrategy, where Traefik takes the client
// address from: the connection's (no depth, no excludedIPs), as HAProxy;
// with depth 1 the last X-Forwarded-For address, as HAProxy with trusted
// proxies (a warning says how they differ). Other strategies are refused.
func (c *mwContext) clientAddress(m *mw, s *config.Node) bool {
	depth, excluded, v6 := s.Child("depth"), s.Child("excludedIPs"), s.Child("ipv6Subnet")
	switch d := depth.Int(); {
	case v6.Set():
		c.refuse(m.src(v6), m, "ipStrategy.ipv6Subnet (IPv6 clients taken by network) is not converted")
	case d < 0:
		c.refuse(m.src(depth), m, "ipStrategy.depth %d is not a depth", d)
	case d > 1:
		c.refuse(m.src(depth), m, "ipStrategy.depth %d takes the client address %d places from the right of X-Forwarded-For; HAProxy takes the last one, from trusted proxies (%s): not converted", d, d, model.OptionTrustedProxies.Ref())
	case d == 0 && excluded.Set():
		c.refuse(m.src(excluded), m, "ipStrategy.excludedIPs takes the last X-Forwarded-For address outside them; HAProxy takes the last one a trusted proxy (%s) added, without skipping others: not converted", model.OptionTrustedProxies.Ref())
	case d == 1 && !c.p.trusted:
		c.refuse(m.src(depth), m, "ipStrategy.depth 1 takes the client address from X-Forwarded-For, which HAProxy reads from trusted proxies only: run with %s and the network of the proxy in front (else that proxy's address would be the one checked)", model.OptionTrustedProxies.Ref())
	case d == 1:
		if excluded.Set() {
			c.differ(m.src(excluded), m, "ipStrategy.excludedIPs has no effect with depth, in Traefik too")
		}
		c.differ(m.src(depth), m, "ipStrategy.depth 1: HAProxy takes the last X-Forwarded-For address of a request from the trusted proxies (%s), and a client that connects directly by its own address; Traefik reads X-Forwarded-For from its entry point's trusted IPs, and refuses a request without it", model.OptionTrustedProxies.Ref())
		return true
	default:
		return true
	}
	return false
}

// headerPairs are the headers a headers middleware sets as fixed values.
var headerFlags = []struct {
	key, header, value string
}{
	{"frameDeny", "X-Frame-Options", "DENY"},
	{"contentTypeNosniff", "X-Content-Type-Options", "nosniff"},
	{"browserXssFilter", "X-XSS-Protection", "1; mode=block"},
}

var headerValues = []struct{ key, header string }{
	{"customFrameOptionsValue", "X-Frame-Options"},
	{"customBrowserXSSValue", "X-XSS-Protection"},
	{"referrerPolicy", "Referrer-Policy"},
	{"contentSecurityPolicy", "Content-Security-Policy"},
	{"contentSecurityPolicyReportOnly", "Content-Security-Policy-Report-Only"},
	{"permissionsPolicy", "Permissions-Policy"},
	{"featurePolicy", "Feature-Policy"},
	{"publicKey", "Public-Key-Pins"},
}

func applyHeaders(c *mwContext, m *mw) {
	b := c.a.Backend()
	ds := c.a.Diagnostics()
	add := func(resp bool, name, value string, src model.Source) {
		if prob := model.CheckHeaderName(name); prob != "" {
			c.refuse(src, m, "header name %s %s", model.Printable(name), prob)
			return
		}
		action := "set"
		if value == "" {
			action = "del"
		} else if prob := model.CheckHeaderValue(value); prob != "" {
			c.refuse(src, m, "header %s: value %s", name, prob)
			return
		}
		for i, h := range b.Headers {
			if h.Response == resp && strings.EqualFold(h.Name, name) {
				b.Headers = slices.Delete(b.Headers, i, i+1)
				break
			}
		}
		b.Headers = append(b.Headers, model.Header{Response: resp, Action: action, Name: name, Value: model.Literal(value), Source: src})
	}
	for _, kv := range []struct {
		key  string
		resp bool
	}{{"customRequestHeaders", false}, {"customResponseHeaders", true}} {
		n := m.opt(kv.key)
		for _, c := range n.Entries() {
			add(kv.resp, c.Name, c.Raw, m.src(c))
		}
	}
	for _, f := range headerFlags {
		if n := m.opt(f.key); n.Bool() {
			add(true, f.header, f.value, m.src(n))
		}
	}
	for _, f := range headerValues {
		if n := m.opt(f.key); n.String() != "" {
			add(true, f.header, n.String(), m.src(n))
		}
	}
	if n := m.opt("stsSeconds"); n.Int() > 0 {
		dirs := ""
		if m.opt("stsIncludeSubdomains").Bool() {
			dirs += ";includeSubDomains"
		}
		if m.opt("stsPreload").Bool() {
			dirs += ";preload"
		}
		if f := m.opt("forceSTSHeader"); f.Bool() {
			add(true, "Strict-Transport-Security", "max-age="+strconv.FormatInt(n.Int(), 10)+strings.ReplaceAll(dirs, ";", "; "), m.src(f))
		} else {
			c.a.Apply("hsts", strconv.FormatInt(n.Int(), 10), m.src(n), "middleware "+m.m.Name)
			b.HSTSDirectives = dirs
		}
	}
	if n := m.opt("accessControlAllowOriginList"); n.Set() {
		for _, o := range n.List() {
			c.a.Apply("cors_origin", o, m.src(n).WithItem(o), "middleware "+m.m.Name)
		}
		if !c.cors(m) {
			return
		}
	}
	if n := m.opt("hostsProxyHeaders"); n.Set() {
		ds.Warnf(m.src(n), "remove it", "router %s, middleware %s: hostsProxyHeaders has no effect without allowedHosts or sslHost", c.rt.router.Name, m.m.Name)
	}
	if n := m.opt("isDevelopment"); n.Set() {
		ds.Warnf(m.src(n), "remove it", "router %s, middleware %s: isDevelopment has no effect here", c.rt.router.Name, m.m.Name)
	}
	if n := m.opt("sslRedirect"); n.Bool() {
		c.a.Apply("https_only", "", m.src(n), "middleware "+m.m.Name)
	}
}

// corsMethods are the methods HAProxy's answer to a CORS preflight
// request allows (see the template): GET, HEAD and POST need none.
var corsMethods = []string{"PUT", "PATCH", "DELETE"}

// cors checks Traefik's other CORS settings against HAProxy's answer to
// preflight requests (the methods above, the headers asked, a Max-Age of
// 600, Vary: Origin, no credentials): one that would let a browser do
// more than Traefik does, or that HAProxy does not send, is refused.
func (c *mwContext) cors(m *mw) bool {
	if n := m.opt("accessControlAllowMethods"); n.Set() {
		for _, want := range corsMethods {
			if !slices.ContainsFunc(n.List(), func(v string) bool { return strings.EqualFold(v, want) }) {
				c.refuse(m.src(n), m, "accessControlAllowMethods leaves %s out, which HAProxy's answer to preflight requests allows (GET, HEAD, POST, PUT, PATCH, DELETE): not converted", want)
				return false
			}
		}
		for _, v := range n.List() {
			if !slices.Contains([]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}, strings.ToUpper(v)) {
				c.differ(m.src(n), m, "HAProxy's answer to preflight requests allows GET, HEAD, POST, PUT, PATCH and DELETE, not %s", v)
			}
		}
	}
	if n := m.opt("accessControlAllowHeaders"); n.Set() && !(len(n.List()) == 1 && n.List()[0] == "*") {
		c.refuse(m.src(n), m, "accessControlAllowHeaders: HAProxy's answer to preflight requests allows the headers asked, any of them: not converted (\"*\" is)")
		return false
	}
	if n := m.opt("accessControlMaxAge"); n.Set() && n.Int() != 600 {
		c.differ(m.src(n), m, "HAProxy's answer to preflight requests lets browsers keep it 600 seconds, not %d", n.Int())
	}
	if n := m.opt("addVaryHeader"); n.Set() && !n.Bool() {
		c.differ(m.src(n), m, "HAProxy adds Vary: Origin to the responses it allows an origin on")
	}
	for _, k := range []string{"accessControlAllowCredentials", "accessControlExposeHeaders", "accessControlAllowOriginListRegex"} {
		if n := m.opt(k); n.Set() && (n.Bool() || len(n.List()) > 0) {
			c.refuse(m.src(n), m, "%s is not converted: HAProxy's CORS answers allow the listed origins, without credentials, exposed headers or origin patterns", k)
			return false
		}
	}
	return true
}

func applyCompress(c *mwContext, m *mw) {
	c.a.Apply("compress", "", m.src(nil), "middleware "+m.m.Name)
	for _, k := range []string{"excludedContentTypes", "includedContentTypes", "minResponseBodyBytes", "encodings", "defaultEncoding"} {
		m.opt(k)
	}
	c.differ(m.src(nil), m, "HAProxy compresses text, JSON, JavaScript, XML and SVG with gzip; Traefik compresses other types too, and with br or zstd")
}

// applyRateLimit converts rateLimit to rate_limit. Traefik counts per
// source (GetSourceExtractor, vulcand/oxy's extractors): by default the
// client address; requestHost req.Host, as the client wrote it (case and
// port kept); requestHeaderName Header.Get, the header's first line, ""
// when missing or empty, a source like any other (it is limited too).
func applyRateLimit(c *mwContext, m *mw) {
	avg := m.opt("average")
	per, who, ok := c.limitSource(m, "")
	if !ok {
		return
	}
	if per == "" && avg.Int() > 0 {
		c.countsForwarded(m, m.src(avg))
	}
	if avg.Int() <= 0 {
		return // Traefik: no limit
	}
	period := time.Second
	if p := m.opt("period"); p.Set() {
		period = p.Duration()
	}
	if period < time.Second || period%time.Second != 0 {
		c.refuse(m.src(avg), m, "a period of %s: whole seconds are converted", period)
		return
	}
	burst := m.opt("burst")
	c.countsPerBackend(m, m.src(avg))
	rate := fmt.Sprintf("%d/%ds", avg.Int(), int64(period/time.Second))
	c.a.Apply("rate_limit", rate+per, m.src(avg), "middleware "+m.m.Name)
	c.differ(m.src(avg), m, "HAProxy lets each %s make %s requests in any window of that length (estimated over the last two), then answers 429; Traefik's token bucket refills steadily and allows a burst of %d", who, rate, max(burst.Int(), 1))
}

func applyBuffering(c *mwContext, m *mw) {
	if n := m.opt("maxRequestBodyBytes"); n.Int() > 0 {
		c.a.Apply("max_body", strconv.FormatInt(n.Int(), 10), m.src(n), "middleware "+m.m.Name)
	}
	for _, k := range []string{"memRequestBodyBytes", "maxResponseBodyBytes", "memResponseBodyBytes", "retryExpression"} {
		if n := m.opt(k); n.Set() {
			c.differ(m.src(n), m, "%s has no HAProxy meaning here; it is not carried over", k)
		}
	}
}

func applyRetry(c *mwContext, m *mw) {
	m.opt("attempts")
	m.opt("initialInterval")
	c.differ(m.src(nil), m, "HAProxy retries a failed connection twice (on another server), not the request %d times", m.m.Options.Lookup("attempts").Int())
}

func applyChain(c *mwContext, m *mw) {
	n := m.opt("middlewares")
	for _, name := range n.List() {
		c.apply(mwRef{name: name, src: m.src(n).WithItem(name), provider: m.provider}, len(c.seen))
	}
}
