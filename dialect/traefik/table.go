package traefik

import "github.com/compose2haproxy/compose2haproxy/model"

// labelDocs are the dialect's keys for the documentation: the router and
// service keys, then one row per middleware type (middlewareDefs).
func labelDocs() []model.LabelDoc {
	docs := []model.LabelDoc{
		{Name: "traefik.enable", Value: "true/false", Effect: "routes the service (or not); without it, the Traefik service's `providers.docker.exposedByDefault` (default true) decides, then its `constraints`", Example: "traefik.enable=true"},
		{Name: "traefik.http.routers.R.rule", Value: "RULE", Effect: "`Host`, `Path` (exact), `PathPrefix` (a string prefix, not by segments), `Header`, `Method` (→ `method,upper`), `Query` with a value (→ `urlp`, its first occurrence as sent: a warning), `ClientIP` (→ `src`, the connection's address as in Traefik; an error with trusted proxies, whose `X-Forwarded-For` would replace it) joined by `&&` and `||`, and `!` before a `Header`, `Method`, `Query` or `ClientIP`: one backend per router (and per branch that differs in more than hosts, paths or methods); `HostRegexp`, `PathRegexp`, `HeaderRegexp`, a negated host or path are errors (not converted yet); no rule: the default rule", Example: "traefik.http.routers.web.rule=Host(`example.com`) && PathPrefix(`/api`)"},
		{Name: "traefik.http.routers.R.entrypoints", Value: "EP,…", Effect: "the entry point on the HTTP listener's port is the HTTP listener, on the HTTPS listener's port the HTTPS one; another port is a listener of the route's own; its `http.redirections` → `https_only`, its `http.middlewares` apply first", Example: "traefik.http.routers.web.entrypoints=websecure"},
		{Name: "traefik.http.routers.R.tls", Value: "true", Effect: "the route takes HTTPS requests only (needs `--tls`); `certresolver` and `domains` are not used: certificates come from `--tls` or ACME", Example: "traefik.http.routers.web.tls=true"},
		{Name: "traefik.http.routers.R.middlewares", Value: "NAME[@docker],…", Effect: "each middleware, as below; one defined nowhere, or `@file`, is an error", Example: "traefik.http.routers.web.middlewares=auth"},
		{Name: "traefik.http.routers.R.service", Value: "NAME", Effect: "the Traefik service of this container whose port the route goes to; `ping@internal` (from any service's labels, the Traefik service's too) → HAProxy answers GET and HEAD with `200 OK` itself, after the router's middlewares, others with 405, as Traefik's ping; `api@internal` and `dashboard@internal` are errors naming the stats page. Traefik's own `/ping` of `--ping` without `manualrouting` is not converted (a warning)", Example: "traefik.http.routers.web.service=web"},
		{Name: "traefik.http.routers.R.priority", Value: "N", Effect: "read (default: the rule's length, as Traefik); HAProxy tries exact hosts, longer paths and conditioned routes first: where that order and Traefik's differ for requests two routers both match, a warning, and an error when the router HAProxy tries first lacks the other's basic auth or allow-list (the service would ship open); a priority never lets a route take another service's requests (the ownership rule)", Example: "traefik.http.routers.web.priority=10"},
		{Name: "traefik.http.services.S.loadbalancer.server.port", Value: "PORT", Effect: "the backend's port; without it the container's lowest port", Example: "traefik.http.services.web.loadbalancer.server.port=8080"},
		{Name: "traefik.http.services.S.loadbalancer.server.scheme", Value: "http|https|h2c", Effect: "`https` → `backend_tls`, `h2c` → `proto=h2`", Example: "traefik.http.services.web.loadbalancer.server.scheme=h2c"},
		{Name: "traefik.http.services.S.loadbalancer.sticky.cookie", Value: "true", Effect: "→ `sticky_session` (the cookie's name and flags are not carried over: a warning)", Example: "traefik.http.services.web.loadbalancer.sticky.cookie=true"},
		{Name: "traefik.http.services.S.loadbalancer.healthcheck.path", Value: "/PATH", Effect: "→ the HTTP health check, with `interval` and `timeout`; other healthcheck keys are errors", Example: "traefik.http.services.web.loadbalancer.healthcheck.path=/health"},
		{Name: "traefik.tcp.routers.R.rule", Value: "RULE", Effect: "`HostSNI` with names and `tls.passthrough=true` → `sni=PORT`, the entry point's port, by the server name of the TLS hello; `HostSNI(`*`)` → `tcp=PORT`, every connection of the entry point (with `tls.passthrough`, a warning: non-TLS ones too); one TCP service per entry point. Errors: TLS that Traefik terminates (no `passthrough`), a name without TLS (Traefik never matches it), `HostSNIRegexp`, `ClientIP`, `ALPN`, TCP middlewares (an `ipAllowList`: the service would ship open), an entry point on the port of HAProxy's HTTP or HTTPS listener", Example: "traefik.tcp.routers.db.rule=HostSNI(`db.example.com`)"},
		{Name: "traefik.tcp.services.S.loadbalancer.*", Value: "", Effect: "`server.port` (default: the container's lowest port), `server.tls` → `backend_tls` (not with `sni=`), `proxyProtocol.version` 2 (the default) → `send_proxy`; version 1 and other keys are errors; `terminationDelay` and `server.weight` have no HAProxy meaning (a warning)", Example: "traefik.tcp.services.db.loadbalancer.server.port=5432"},
		{Name: "traefik.udp.routers.R.*", Value: "", Effect: "error: HAProxy does not proxy UDP", Example: ""},
		{Name: "traefik.docker.network", Value: "NETWORK", Effect: "the network Traefik reaches the service on (else the provider's `network`): a warning when the service, or the Traefik service HAProxy replaces, is not on it (a compose network's engine name is PROJECT_KEY)", Example: "traefik.docker.network=proxy"},
		{Name: ignoreKey, Value: "ROUTER,…", Effect: "leaves these routers out on purpose: the way out of a router that cannot be converted", Example: ignoreKey + "=dashboard"},
		{Name: proxyKey, Value: "true", Effect: "this service is the Traefik service (as is any `traefik` image): its command or `TRAEFIK_*` environment is read as Traefik's static configuration", Example: proxyKey + "=true"},
	}
	for _, d := range middlewareDefs {
		docs = append(docs, model.LabelDoc{Name: "traefik.http.middlewares.M." + d.name, Value: "", Effect: d.doc})
	}
	return docs
}

// limitDocs are the dialect's own limits.
func limitDocs() []model.LimitDoc { return nil }
