package dockerflow

import (
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// dfLabel is everything compose2haproxy knows about one docker-flow-proxy
// label (com.df.NAME), in one place: how its value reads, what it does, and
// what the README says about it (its label table is made from this list,
// see Dialect.Table). A label does one of four things: it means the same
// as a tag (tag: the value goes through the tag's form and apply), it
// applies in its own way (value and apply), it is read while deciding
// what is routed or how servers are checked (elsewhere), or it is refused
// or accepted with no effect
// (status and why).
type dfLabel struct {
	name string // after "com.df."
	kind dfKind
	// tag is the tag the label means. conv turns the label's value (one
	// item of a list) into the tag's ("60" seconds into "60s"); nil: as is.
	tag  string
	conv func(v string) (string, string)
	// flagValue is the tag's value a true flag stands for ("" for none).
	flagValue string
	// value and apply are the label's own grammar and effect, for labels no
	// tag means.
	value *model.Form
	apply func(b *model.Backend, v string, cx context)
	http  bool // only means something on an HTTP route (a tag's own flag counts for tag labels)
	// https says what the label does over HTTPS when it means nothing
	// without an HTTPS listener (model.NeedsHTTPS; a tag's own counts for
	// tag labels).
	https string
	what  string // names a value in messages ("host "); may be empty
	// loose grammars allow characters unsafe in a Source (a header value's
	// spaces): the Source records them as '?'.
	loose bool
	// public keys hold no credential, though their names look like one
	// (userAgent): their values are shown.
	public bool
	// canonical labels name the service's own hosts: the first is where
	// redirects lead.
	canonical bool
	// elsewhere labels are read on their own where they are needed: notify
	// and port while deciding what is routed (Claim), checkTcp for the
	// health check, srcPort with reqMode, httpsPort for a second backend.
	elsewhere bool
	tcp       bool // only means something on a TCP service: an error on an HTTP route
	status    dfStatus
	why       string // for refused, no-effect and unsupported labels: the reason
	fix       string // for refused labels: what to do instead
	doc       string // what compose2haproxy does with it, for the README
	example   string // a value
}

// dfKind says how a label's value reads.
type dfKind int

const (
	dfValue dfKind = iota // one value
	dfList                // comma-separated values, each applied
	dfFlag                // true or false (Go's strconv.ParseBool, as docker-flow-proxy read it)
)

// dfStatus is what compose2haproxy does with a label.
type dfStatus int

const (
	dfApplies  dfStatus = iota // it takes effect
	dfNoEffect                 // accepted; nothing is needed here (why says why)
	dfRefused                  // an error: it would change what the service means (why says why and what to do)
)

// seconds reads docker-flow-proxy's timeouts, whole seconds by its
// definition, as a duration.
func seconds(v string) (string, string) {
	n, prob := model.ParseInt(v, 1, model.MaxTimerMillis/1000)
	if prob != "" {
		return "", prob + " (seconds)"
	}
	return strconv.Itoa(n) + "s", ""
}

// restricts is the reason given for labels that restrict who may reach a
// service while compose2haproxy does not implement them: ignoring one would
// publish the service open.
const (
	restricts    = "restricts who may reach the service, which compose2haproxy does not do yet: ignoring it would publish the service open"
	restrictsFix = "remove it, and restrict access in front of the proxy"
)

// labels is the table of docker-flow-proxy's labels: every
// service parameter of its docs/usage.md "Reconfigure" tables, and
// com.df.notify, which Docker Flow Swarm Listener reads. Sorted by name.
var labels = []dfLabel{
	{name: "aclName", value: aclName,
		doc: "orders the service's routes among equally specific ones, by name (a route with a header or user-agent condition " +
			"against another); routes are otherwise ordered most specific first, which is what docker-flow-proxy's users ordered ACLs for",
		example: "05-go-demo-acl",
		apply:   func(b *model.Backend, v string, _ context) { b.ACLName = v }},
	{name: "addReqHeader", loose: true, kind: dfList, value: headerPair, http: true, apply: headerLabel(false, "add"),
		doc: "add request headers (`Name value` pairs), sent to the servers as written", example: "X-Env prod,X-Team shop"},
	{name: "addResHeader", loose: true, kind: dfList, value: headerPair, http: true, apply: headerLabel(true, "add"),
		doc: "add response headers (`Name value` pairs), sent to the client as written", example: "Cache-Control no-store"},
	{name: "allowedMethods", kind: dfList, tag: "method", what: "method ", doc: "as `method=` for each", example: "GET,POST"},
	{name: "backendExtra", status: dfRefused,
		why:     "raw HAProxy configuration would bypass every check compose2haproxy makes",
		fix:     "render with " + model.OptionTemplate.Ref() + " instead",
		example: "http-request deny"},
	{name: "balanceGroup", tag: "balance", doc: "as `balance=`: the balancing of a TCP service's servers", example: "leastconn"},
	{name: "checkResolvers", kind: dfFlag, status: dfNoEffect,
		why:     "servers are always re-resolved through the resolvers section (Docker's DNS)",
		example: "true"},
	{name: "checkTcp", kind: dfFlag, elsewhere: true,
		doc: "the TCP connect check, as `SERVICE_CHECK_TCP` (every server is checked; false keeps the default TCP check, " +
			"which HAProxy needs to follow replicas)", example: "true"},
	{name: "clitcpka", kind: dfFlag, tcp: true,
		doc: "TCP keep-alives toward the clients of a TCP service (`option clitcpka` on its listener)", example: "true",
		apply: func(b *model.Backend, _ string, _ context) { b.ClientKeepAlive = true }},
	{name: "compressionAlgo", tag: "compress", doc: "as `compress=ALGO`", example: "gzip"},
	{name: "compressionType", loose: true, value: mimeTypes, http: true,
		doc:     "the MIME types compressed (instead of every type), separated by spaces; without compressionAlgo it warns that it has no effect",
		example: "text/html text/css application/json",
		apply: func(b *model.Backend, v string, cx context) {
			if b.Compression == nil {
				b.Compression = &model.Compression{Source: cx.src}
			}
			b.Compression.Types = strings.Fields(v)
		}},
	{name: "connectionMode", value: connectionMode, http: true,
		doc: "`http-keep-alive`, `http-server-close` or `httpclose` as the backend's `option`; " +
			"`http-tunnel` and `forceclose`, which HAProxy 2.x no longer has, are errors",
		example: "http-server-close",
		apply:   func(b *model.Backend, v string, _ context) { b.ConnectionMode = v }},
	{name: "delReqHeader", kind: dfList, value: headerName, http: true, apply: headerLabel(false, "del"),
		doc: "delete request headers before they reach the servers", example: "X-Forwarded-Host,Cookie"},
	{name: "delResHeader", kind: dfList, value: headerName, http: true, apply: headerLabel(true, "del"),
		doc: "delete response headers before they reach the client", example: "X-Varnish,X-Powered-By"},
	{name: "deniedMethods", kind: dfList, value: model.HTTPMethod, http: true, what: "method ",
		doc:     "these methods get 405 with `Allow`, even when allowed",
		example: "PUT,DELETE",
		apply: func(b *model.Backend, v string, cx context) {
			b.Policy.DeniedMethods = append(b.Policy.DeniedMethods, model.Method{Name: v, Source: cx.src})
		}},
	{name: "denyHttp", kind: dfFlag, tag: "deny_http", doc: "as `deny_http`", example: "true"},
	{name: "discoveryType", status: dfNoEffect,
		why:     "servers are always found through Docker's DNS, one server-template slot per replica",
		example: "DNS"},
	{name: "distribute", kind: dfFlag, status: dfNoEffect,
		why:     "every proxy that loads the generated file has the same configuration",
		example: "true"},
	{name: "httpsOnly", kind: dfFlag, tag: "https_only", doc: "as `https_only`", example: "true"},
	{name: "httpsPort", value: model.PortNumber, elsewhere: true, https: "it sends the requests that came over HTTPS to another port",
		doc:     "requests that came over HTTPS go to this port of the service: a second backend, the same but for its servers' port",
		example: "8443"},
	{name: "httpsRedirectCode", value: redirectCode, http: true,
		doc: "the status of the https_only redirect for every method (without it: 301 for GET and HEAD, 308 for others); " +
			"without `com.df.httpsOnly` it warns that it has no effect",
		example: "307",
		apply:   func(b *model.Backend, v string, _ context) { b.HTTPSRedirectCode = atoi(v) }},
	{name: "ignoreAuthorization", kind: dfFlag, status: dfNoEffect,
		why: "docker-flow-proxy read it only with a destination number (ignoreAuthorization.1, refused here), " +
			"to exempt a destination from proxy-wide users; there are no proxy-wide users here: a service without auth is open already",
		example: "true"},
	{name: "isDefaultBackend", kind: dfFlag, tag: "default", doc: "as `default`", example: "true"},
	{name: "notify", kind: dfFlag, elsewhere: true, doc: "route this service", example: "true"},
	{name: "outboundHostname", value: model.ServerHost,
		doc: "the servers are this host (resolved through the resolvers section, one slot per address) instead of the service; " +
			"it is also the TLS name with `backend_tls`",
		example: "api.example.com",
		apply:   func(b *model.Backend, v string, cx context) { b.SetAddress(v, cx.src) }},
	{name: "pathType", value: model.OneOf("path_beg", "give path_beg, or remove it; other ACL functions are not supported", "path_beg"), http: true,
		doc: "`path_beg` only, what servicePath does already (segment-aware here: `/api` does not match `/apix`); " +
			"other ACL functions (`path`, `path_reg`, `path_end`, …) are errors",
		example: "path_beg",
		apply:   func(*model.Backend, string, context) {}},
	{name: "port", value: model.PortNumber, elsewhere: true, doc: "the one port routed", example: "8080"},
	{name: "proxyInstanceName", status: dfNoEffect,
		why:     "one generated file is one proxy's configuration: choose what it serves with compose files and profiles",
		example: "docker-flow"},
	{name: "redirectFromDomain", kind: dfList, tag: "redirect_from", what: "host ",
		doc: "as `redirect_from`, to the first serviceDomain", example: "old.example.com"},
	{name: "redirectUnlessHttpsProto", kind: dfFlag, http: true,
		doc: "behind a TLS-terminating balancer: plain-HTTP requests whose X-Forwarded-Proto is not `https` are redirected to https " +
			"(301, 308 for methods other than GET and HEAD, or httpsRedirectCode)",
		example: "true",
		apply:   func(b *model.Backend, _ string, _ context) { b.ProtoRedirect = "unless-https" }},
	{name: "redirectWhenHttpProto", kind: dfFlag, http: true,
		doc: "behind a TLS-terminating balancer: plain-HTTP requests whose X-Forwarded-Proto is `http` are redirected to https " +
			"(301, 308 for methods other than GET and HEAD, or httpsRedirectCode)",
		example: "true",
		apply:   func(b *model.Backend, _ string, _ context) { b.ProtoRedirect = "when-http" }},
	{name: "reqMode", value: model.OneOf("MODE", "give http, or tcp or sni with com.df.srcPort", "http", "tcp", "sni"),
		doc: "`http` (the default); `tcp` with `com.df.srcPort` as `tcp=SRCPORT`: a TCP service on its own listener; " +
			"`sni` with `com.df.srcPort` as `sni=SRCPORT`: TLS passed through, routed by server name to the service of that `serviceDomain`",
		example: "tcp", elsewhere: true},
	{name: "reqPathReplace", value: rewritePart, http: true,
		doc: "deprecated by docker-flow-proxy; with reqPathSearch, as `reqPathSearchReplace=SEARCH,REPLACE`", example: "/demo/",
		apply: func(b *model.Backend, v string, cx context) {
			if _, _, ok := cx.l.Get("com.df.reqPathSearch"); !ok {
				cx.ds.Errorf(cx.src, "add com.df.reqPathSearch, or use com.df.reqPathSearchReplace", "it needs com.df.reqPathSearch")
			}
		}},
	{name: "reqPathSearch", value: rewritePart, http: true,
		doc: "deprecated by docker-flow-proxy; with reqPathReplace, as `reqPathSearchReplace=SEARCH,REPLACE`", example: "/something/",
		apply: func(b *model.Backend, search string, cx context) {
			replace, _, ok := cx.l.Get("com.df.reqPathReplace")
			if !ok {
				cx.ds.Errorf(cx.src, "add com.df.reqPathReplace, or use com.df.reqPathSearchReplace", "it needs com.df.reqPathReplace")
				return
			}
			setRewrite(b, search+","+strings.TrimSpace(replace), cx)
		}},
	{name: "reqPathSearchReplace", value: rewritePair, http: true,
		doc: "rewrite: every match of the search regex in the path is replaced (`http-request set-path %[path,regsub(…,g)]`); " +
			"both sides are limited to path characters, and `^` at the start of search; one pair (several, joined by `:`, are an error)",
		example: "/api/v1/books,/books",
		apply:   setRewrite},
	{name: "serviceCert", status: dfRefused,
		why:     "compose2haproxy does not write certificate files",
		fix:     "put the PEM file, certificate and key, in the " + model.OptionCerts.Ref() + " directory",
		example: "-----BEGIN CERTIFICATE-----…"},
	{name: "serviceDomain", kind: dfList, tag: "server_alias", what: "host ", canonical: true,
		doc:     "hosts; the first is where redirects lead (without it, and without `SERVICE_NAME`, the route answers **any host**, by path alone, as docker-flow-proxy did)",
		example: "a.example.com,b.example.com"},
	{name: "serviceDomainAlgo", value: model.OneOf("ALGO", "give hdr(host), hdr_beg(host), hdr_dom(host) or hdr_end(host)",
		"hdr(host)", "hdr_beg(host)", "hdr_dom(host)", "hdr_end(host)"), http: true,
		doc: "`hdr(host)` (and `hdr_beg(host)`, which docker-flow-proxy used to allow a port after the host; here the port is always ignored): " +
			"the domains exactly; `hdr_dom(host)` and `hdr_end(host)`: the domains and their subdomains; `req.ssl_sni` is an error",
		example: "hdr_dom(host)",
		apply:   func(*model.Backend, string, context) {}}, // see applyDomainAlgo
	{name: "serviceGroup", value: model.ExactHost, tcp: true,
		doc: "TCP services of one group on one port (srcPort) are one backend: one listener, each service's servers in it, " +
			"split by weight (as services sharing a `SERVICE_NAME`)",
		example: "db",
		apply:   func(b *model.Backend, v string, _ context) { b.ServiceGroup = v }},
	{name: "serviceHeader", kind: dfList, tag: "match_header", what: "header ",
		doc: "as `match_header=` for each: the service gets only requests with all these headers (`Name:value`), " +
			"before routes without conditions on its hosts and paths (a canary by header)",
		example: "X-Version:3"},
	{name: "serviceName", value: model.ExactHost,
		doc: "must name the service (as Docker Flow Swarm Listener set it: the compose service, or STACK_SERVICE); " +
			"servers are always the compose service",
		example: "go-demo",
		apply: func(b *model.Backend, v string, cx context) {
			if v != strings.ToLower(b.Service) && !strings.HasSuffix(v, "_"+strings.ToLower(b.Service)) {
				cx.ds.Errorf(cx.src, "remove it: the servers are the compose service "+b.Service,
					"names another service than %s; docker-flow-proxy sent traffic to the service it names", b.Service)
			}
		}},
	{name: "servicePath", kind: dfList, tag: "path", what: "path ", doc: "path prefixes (segment-aware)", example: "/demo/hello,/demo/person"},
	{name: "servicePathExclude", kind: dfList, value: model.PathPrefix, http: true, what: "path ",
		doc:     "requests under these paths (segment-aware) are not the service's: they go on to the other routes",
		example: "/metrics",
		apply: func(b *model.Backend, v string, cx context) {
			m := b.Matching()
			m.ExcludePaths = append(m.ExcludePaths, model.Path{Prefix: v, Source: cx.src})
		}},
	{name: "sessionType", tag: "sticky_session", value: model.OneOf("sticky-server", "give sticky-server, or remove it", "sticky-server"),
		conv: func(string) (string, string) { return "", "" }, doc: "`sticky-server`: as `sticky_session`; another value is an error", example: "sticky-server"},
	{name: "setReqHeader", loose: true, kind: dfList, value: headerPair, http: true, apply: headerLabel(false, "set"),
		doc: "set request headers (`Name value` pairs; replaces the client's)", example: "X-Env prod"},
	{name: "setResHeader", loose: true, kind: dfList, value: headerPair, http: true, apply: headerLabel(true, "set"),
		doc: "set response headers (`Name value` pairs; replaces the server's)", example: "Server haproxy"},
	{name: "srcHttpsPort", value: model.PortNumber, http: true, https: "it is a listener of the service's own, with the HTTPS listener's certificates",
		doc: "an HTTPS listener of the service's own on this port (on `" + model.OptionHTTPS.Ref() + "`'s address, with `" + model.OptionCerts.Ref() + "`'s certificates): " +
			"its routes take only requests that came there (or to srcPort), and the port serves no other service",
		example: "4443",
		apply: func(b *model.Backend, v string, cx context) {
			m := b.Matching()
			m.Listeners = append(m.Listeners, model.Listener{Port: atoi(v), TLS: true, Source: cx.src})
		}},
	{name: "srcPort", value: model.PortNumber, elsewhere: true,
		doc: "with `reqMode=tcp`: the TCP listener's port, as `tcp=`; for HTTP, a listener of the service's own on this port " +
			"(on `" + model.OptionHTTP.Ref() + "`'s address): its routes take only requests that came there (or to srcHttpsPort), and the port serves no other service",
		example: "6379"},
	{name: "sslVerifyNone", kind: dfFlag, tag: "backend_tls", flagValue: "insecure", doc: "as `backend_tls=insecure`", example: "true"},
	{name: "templateBePath", status: dfRefused,
		why:     "a backend snippet from a file inside docker-flow-proxy's image",
		fix:     "render with " + model.OptionTemplate.Ref() + " instead",
		example: "/tmpl/be.tmpl"},
	{name: "templateFePath", status: dfRefused,
		why:     "a frontend snippet from a file inside docker-flow-proxy's image",
		fix:     "render with " + model.OptionTemplate.Ref() + " instead",
		example: "/tmpl/fe.tmpl"},
	{name: "timeoutClient", tag: "timeout_client", conv: seconds, doc: "as `timeout_client`, in seconds (a TCP service's listener)", example: "60"},
	{name: "timeoutServer", tag: "timeout", conv: seconds, doc: "as `timeout`, in seconds", example: "60"},
	{name: "timeoutTunnel", tag: "timeout_tunnel", conv: seconds, doc: "as `timeout_tunnel`, in seconds", example: "3600"},
	{name: "userAgent", public: true, kind: dfList, value: model.UserAgentPattern, http: true, what: "user agent ",
		doc: "the service gets only requests whose User-Agent contains one of these (any case), " +
			"before routes without conditions on its hosts and paths",
		example: "googlebot,iphone",
		apply: func(b *model.Backend, v string, cx context) {
			m := b.Matching()
			m.UserAgents = append(m.UserAgents, model.UserAgent{Pattern: v, Source: cx.src})
		}},
	{name: "userDef", public: true, value: userDef,
		doc: "kept in the model (`.UserDef`) for custom templates; checked like a tag's value", example: "team-a",
		apply: func(b *model.Backend, v string, _ context) { b.UserDef = v }},
	{name: "users", http: true,
		doc:     "basic auth for these `user:HASH` users (`$` written `$$` in compose files); a user without a hash takes it from `usersSecret`; needs `usersPassEncrypted`",
		example: "ops",
		apply:   func(b *model.Backend, _ string, cx context) { b.Policy.Auth = dockerFlowAuth(cx) }},
	{name: "usersPassEncrypted", kind: dfFlag,
		doc:     "required with `users` and `usersSecret`: the passwords are crypt(3) hashes (without it docker-flow-proxy took them as plaintext, which is refused)",
		example: "true",
		apply:   func(*model.Backend, string, context) {}},
	{name: "usersSecret", http: true,
		doc:     "basic auth for the users of the compose secret `dfp_users_NAME` (docker-flow-proxy's name), else `NAME`; needs `usersPassEncrypted`",
		example: "monitoring",
		apply: func(b *model.Backend, _ string, cx context) {
			if _, _, ok := cx.l.Get("com.df.users"); !ok { // users reads it
				b.Policy.Auth = dockerFlowAuth(cx)
			}
		}},
	{name: "verifyClientSsl", status: dfRefused, why: restricts, fix: restrictsFix, example: "true"},
}

// byName finds a label's definition by its name after "com.df.".
var byName = func() map[string]*dfLabel {
	m := map[string]*dfLabel{}
	for i := range labels {
		m[labels[i].name] = &labels[i]
	}
	return m
}()

// Table describes docker-flow-proxy's labels: the README's label table is
// generated from it.
func (Dialect) Table() model.Table {
	out := make([]model.LabelDoc, len(labels))
	for i, d := range labels {
		doc := model.LabelDoc{Name: "com.df." + d.name, Example: d.example}
		form := d.value
		if d.tag != "" {
			form = model.TagForm(d.tag)
		}
		switch {
		case d.kind == dfFlag:
			doc.Value = "true/false"
		case d.conv != nil:
			doc.Value = "SECONDS"
		case form != nil && d.kind == dfList:
			doc.Value = form.Doc + ",…"
		case form != nil:
			doc.Value = form.Doc
		}
		switch d.status {
		case dfApplies:
			doc.Effect = d.doc
			if d.https != "" {
				doc.Effect += " (" + model.NeedsHTTPSDoc() + ")"
			}
		case dfNoEffect:
			doc.Effect = "accepted, no effect: " + d.why
		case dfRefused:
			doc.Effect = "**error**: " + d.why + " (" + d.fix + ")"
		}
		out[i] = doc
	}
	return model.Table{Name: "docker-flow-proxy", Prefix: "com.df.", Route: "com.df.notify", Keys: out,
		Limits: []model.LimitDoc{{What: "each side of `com.df.reqPathSearchReplace`", Value: model.Thousands(maxRewriteLen) + " characters", Why: "HAProxy's sample parser refuses 20,000"}}}
}

// atoi reads a value that a whole-number form has checked.
func atoi(v string) int {
	n, _ := strconv.Atoi(v)
	return n
}
