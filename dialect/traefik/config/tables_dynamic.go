package config

// The dynamic configuration's keys, as Traefik v2 and v3 read them from
// Docker labels (below "traefik.") and from the file provider. Field names
// are Traefik's documented spelling; matching is case-insensitive.

import "sync"

func domainsField() *field {
	return items("domains", "certificate domains, domains[n].main and domains[n].sans",
		sec("", "", str("main", "main domain"), list("sans", "subject alternative names, comma-separated")))
}

func ipStrategy() *field {
	return sec("ipStrategy", "how the client address is taken",
		integer("depth", "use the depth-th X-Forwarded-For address from the right"),
		list("excludedIPs", "addresses skipped in X-Forwarded-For, comma-separated"),
		integer("ipv6Subnet", "group IPv6 clients by this prefix length"),
	).empty()
}

func sourceCriterion() *field {
	return sec("sourceCriterion", "what groups requests",
		ipStrategy(),
		str("requestHeaderName", "group by this request header"),
		boolean("requestHost", "group by the Host header"),
	)
}

func clientTLS() *field {
	return sec("tls", "TLS to the authentication server",
		str("ca", "CA file"), str("cert", "certificate file"), str("key", "key file"),
		boolean("insecureSkipVerify", "skip certificate checks"), boolean("caOptional", "CA optional"))
}

// middlewareTypes are the HTTP middlewares, one section each.
func middlewareTypes() []*field {
	return []*field{
		sec("addPrefix", "adds a path prefix", str("prefix", "the prefix")),
		sec("stripPrefix", "removes path prefixes",
			list("prefixes", "prefixes, comma-separated"), boolean("forceSlash", "v2: keep a leading slash")),
		sec("stripPrefixRegex", "removes a path prefix matching a regexp", list("regex", "regexps, comma-separated")),
		sec("replacePath", "replaces the path", str("path", "the new path")),
		sec("replacePathRegex", "rewrites the path with a regexp",
			str("regex", "regexp on the path"), str("replacement", "replacement, $1 for groups")),
		sec("chain", "applies other middlewares in order", list("middlewares", "middleware names, comma-separated")),
		sec("ipWhiteList", "v2 name of ipAllowList",
			list("sourceRange", "allowed addresses and CIDRs, comma-separated"), ipStrategy()),
		sec("ipAllowList", "allows only some client addresses",
			list("sourceRange", "allowed addresses and CIDRs, comma-separated"), ipStrategy(),
			integer("rejectStatusCode", "status for refused clients (default 403)")),
		sec("headers", "adds and checks headers",
			strMap("customRequestHeaders", "request headers to set (empty value removes)"),
			strMap("customResponseHeaders", "response headers to set (empty value removes)"),
			boolean("accessControlAllowCredentials", "CORS: allow credentials"),
			list("accessControlAllowHeaders", "CORS: allowed headers"),
			list("accessControlAllowMethods", "CORS: allowed methods"),
			list("accessControlAllowOriginList", "CORS: allowed origins"),
			list("accessControlAllowOriginListRegex", "CORS: allowed origin regexps"),
			list("accessControlExposeHeaders", "CORS: exposed headers"),
			integer("accessControlMaxAge", "CORS: preflight cache seconds"),
			boolean("addVaryHeader", "CORS: add Vary: Origin"),
			list("allowedHosts", "allowed Host values"),
			list("hostsProxyHeaders", "headers holding the original host"),
			strMap("sslProxyHeaders", "headers meaning the request was HTTPS"),
			integer("stsSeconds", "Strict-Transport-Security max-age"),
			boolean("stsIncludeSubdomains", "STS includeSubDomains"),
			boolean("stsPreload", "STS preload"),
			boolean("forceSTSHeader", "STS also over HTTP"),
			boolean("frameDeny", "X-Frame-Options: DENY"),
			str("customFrameOptionsValue", "X-Frame-Options value"),
			boolean("contentTypeNosniff", "X-Content-Type-Options: nosniff"),
			boolean("browserXssFilter", "X-XSS-Protection: 1; mode=block"),
			str("customBrowserXSSValue", "X-XSS-Protection value"),
			str("contentSecurityPolicy", "Content-Security-Policy"),
			str("contentSecurityPolicyReportOnly", "Content-Security-Policy-Report-Only"),
			str("publicKey", "Public-Key-Pins (deprecated)"),
			str("referrerPolicy", "Referrer-Policy"),
			str("permissionsPolicy", "Permissions-Policy"),
			str("featurePolicy", "v2: Feature-Policy"),
			boolean("isDevelopment", "relax checks for development"),
			boolean("sslRedirect", "v2, deprecated: redirect to HTTPS"),
			boolean("sslTemporaryRedirect", "v2, deprecated: redirect to HTTPS with 302"),
			str("sslHost", "v2, deprecated: host of the HTTPS redirect"),
			boolean("sslForceHost", "v2, deprecated: force sslHost"),
		),
		sec("encodedCharacters", "allows encoded characters in paths",
			boolean("allowEncodedSlash", ""), boolean("allowEncodedBackSlash", ""),
			boolean("allowEncodedNullCharacter", ""), boolean("allowEncodedSemicolon", ""),
			boolean("allowEncodedPercent", ""), boolean("allowEncodedQuestionMark", ""),
			boolean("allowEncodedHash", "")),
		sec("errors", "custom error pages",
			list("status", "status codes and ranges"), str("service", "service serving the pages"),
			str("query", "page URL, {status} replaced"), strMap("statusRewrites", "status rewrites")),
		sec("rateLimit", "limits the request rate (token bucket)",
			integer("average", "requests per period"), dur("period", "period (default 1s)"),
			integer("burst", "bucket size (default 1)"), sourceCriterion(),
			opaque("redis", "distributed limiter settings")),
		sec("redirectRegex", "redirects URLs matching a regexp",
			str("regex", "regexp on the URL"), str("replacement", "new URL, $1 for groups"),
			boolean("permanent", "301/308 instead of 302/307")),
		sec("redirectScheme", "redirects to another scheme",
			str("scheme", "new scheme"), str("port", "new port"), boolean("permanent", "permanent redirect")),
		sec("basicAuth", "HTTP basic authentication",
			list("users", "user:hash pairs, comma-separated"), str("usersFile", "file of user:hash lines"),
			str("realm", "realm (default traefik)"), boolean("removeHeader", "drop Authorization upstream"),
			str("headerField", "header carrying the user name upstream")),
		sec("digestAuth", "HTTP digest authentication",
			list("users", "user:realm:hash, comma-separated"), str("usersFile", "file of users"),
			str("realm", "realm"), boolean("removeHeader", "drop Authorization upstream"),
			str("headerField", "header carrying the user name upstream")),
		sec("forwardAuth", "delegates authentication to a server",
			str("address", "authentication server URL"), clientTLS(),
			boolean("trustForwardHeader", "trust X-Forwarded-*"),
			list("authResponseHeaders", "headers copied from the answer"),
			str("authResponseHeadersRegex", "regexp of headers copied from the answer"),
			list("authRequestHeaders", "headers sent to the server"),
			list("addAuthCookiesToResponse", "cookies copied to the response"),
			str("headerField", "header carrying the user"),
			boolean("forwardBody", "send the body"), integer("maxBodySize", "body limit"),
			integer("maxResponseBodySize", "response body limit"),
			boolean("preserveLocationHeader", "keep Location"), boolean("preserveRequestMethod", "keep the method")),
		sec("inFlightReq", "limits simultaneous requests",
			integer("amount", "simultaneous requests"), sourceCriterion()),
		sec("buffering", "buffers bodies",
			integer("maxRequestBodyBytes", "largest request body"),
			integer("memRequestBodyBytes", "request bytes kept in memory"),
			integer("maxResponseBodyBytes", "largest response body"),
			integer("memResponseBodyBytes", "response bytes kept in memory"),
			str("retryExpression", "retry condition"),
			boolean("disableRequestBuffer", ""), boolean("disableResponseBuffer", "")),
		sec("circuitBreaker", "stops sending to a failing service",
			str("expression", "trip condition"), dur("checkPeriod", ""), dur("fallbackDuration", ""),
			dur("recoveryDuration", ""), integer("responseCode", "status while open")),
		sec("compress", "compresses responses",
			list("excludedContentTypes", "types not compressed"), list("includedContentTypes", "types compressed"),
			integer("minResponseBodyBytes", "smallest body compressed (default 1024)"),
			list("encodings", "encodings in order of preference"), str("defaultEncoding", "encoding when the client has none")).empty(),
		sec("passTLSClientCert", "passes the client certificate upstream",
			boolean("pem", "the PEM certificate"), opaque("info", "certificate fields")),
		sec("retry", "retries failed requests",
			integer("attempts", "attempts"), dur("initialInterval", "first back-off"),
			dur("timeout", "overall time limit"), integer("maxRequestBodyBytes", "largest body retried"),
			list("status", "statuses retried"), boolean("disableRetryOnNetworkError", ""),
			boolean("retryNonIdempotentMethod", "")),
		sec("contentType", "content type detection", boolean("autoDetect", "v2: detect")).empty(),
		sec("grpcWeb", "gRPC-Web to gRPC", list("allowOrigins", "allowed origins")),
		mapOf("plugin", "a plugin's settings, plugin.<name>.<its keys>", opaque("", "")),
	}
}

func serverHealthCheck() *field {
	return sec("healthCheck", "active health check",
		enum("scheme", "scheme of the check", "http", "https", "h2c"),
		enum("mode", "http or grpc", "http", "grpc"),
		str("path", "path requested"), str("method", "method (default GET)"),
		integer("status", "expected status"), port("port", "port checked"),
		dur("interval", "time between checks (default 30s)"),
		dur("unhealthyInterval", "time between checks of a down server"),
		dur("timeout", "check timeout (default 5s)"), str("hostname", "Host header"),
		boolean("followRedirects", "follow redirects (default true)"),
		strMap("headers", "headers sent"))
}

func httpService() *field {
	return sec("", "",
		list("middlewares", "v3.7: middlewares of every request the service gets, after its router's"),
		sec("loadBalancer", "the container's servers",
			sec("sticky", "session affinity",
				sec("cookie", "cookie-based affinity",
					str("name", "cookie name"), boolean("secure", "Secure flag"),
					boolean("httpOnly", "HttpOnly flag"),
					enum("sameSite", "SameSite", "none", "lax", "strict"),
					integer("maxAge", "Max-Age"), str("path", "Path"), str("domain", "Domain"),
				).empty(),
			).empty(),
			sec("server", "the container's server",
				port("port", "container port (default: the lowest exposed port)"),
				enum("scheme", "http, https or h2c (default http)", "http", "https", "h2c"),
				str("url", "a full URL instead of the container's address"),
				integer("weight", "weight"), boolean("preservePath", "keep the URL's path"),
			).labelOnly(),
			items("servers", "servers, each with url", sec("", "",
				str("url", "server URL"), integer("weight", "weight"),
				boolean("preservePath", "keep the URL's path"))).fileOnly(),
			str("strategy", "wrr, p2c, hrw or leasttime"),
			serverHealthCheck(),
			sec("passiveHealthCheck", "passive health check",
				dur("failureWindow", ""), integer("maxFailedAttempts", "")),
			boolean("passHostHeader", "forward the client's Host (default true)"),
			sec("responseForwarding", "", dur("flushInterval", "")),
			str("serversTransport", "name of a servers transport"),
		),
		opaque("weighted", "weighted services (file provider only)").fileOnly(),
		opaque("mirroring", "mirroring (file provider only)").fileOnly(),
		opaque("failover", "failover (file provider only)").fileOnly(),
		opaque("highestRandomWeight", "HRW (file provider only)").fileOnly(),
	)
}

func httpRouter() *field {
	return sec("", "",
		str("rule", "matcher expression"),
		enum("ruleSyntax", "v3: rule syntax of this router", "v2", "v3"),
		list("entryPoints", "entry point names, comma-separated"),
		list("middlewares", "middleware names, comma-separated, name@provider"),
		str("service", "service name"),
		integer("priority", "order among routers (default: rule length)"),
		sec("tls", "TLS termination", str("certResolver", "certificate resolver"),
			str("options", "TLS options name"), domainsField()).empty(),
		sec("observability", "", boolean("accessLogs", ""), boolean("metrics", ""),
			boolean("tracing", ""), str("traceVerbosity", "")),
	)
}

func tcpSchema() *field {
	return sec("tcp", "TCP routers and services",
		mapOf("routers", "TCP routers", sec("", "",
			str("rule", "HostSNI/ClientIP/ALPN expression"),
			enum("ruleSyntax", "v3: rule syntax", "v2", "v3"),
			list("entryPoints", "entry point names"), list("middlewares", "TCP middleware names"),
			str("service", "service name"), integer("priority", "order among routers"),
			sec("tls", "TLS", boolean("passthrough", "forward TLS untouched"),
				str("certResolver", ""), str("options", ""), domainsField()).empty(),
		)),
		mapOf("services", "TCP services", sec("", "",
			sec("loadBalancer", "the container's servers",
				sec("server", "the container's server",
					port("port", "container port"), boolean("tls", "TLS to the server"),
					integer("weight", "weight")).labelOnly(),
				items("servers", "servers", sec("", "", str("address", "host:port"),
					boolean("tls", "TLS to the server"), integer("weight", ""))).fileOnly(),
				sec("proxyProtocol", "send PROXY protocol", integer("version", "1 or 2")).empty(),
				integer("terminationDelay", "v2: ms before closing"),
				str("serversTransport", ""),
				opaque("healthCheck", "TCP health check"),
			),
			opaque("weighted", "weighted services (file provider only)").fileOnly(),
		)),
		mapOf("middlewares", "TCP middlewares", sec("", "",
			sec("ipAllowList", "", list("sourceRange", "allowed addresses")),
			sec("ipWhiteList", "", list("sourceRange", "allowed addresses")),
			sec("inFlightConn", "", integer("amount", "")))),
	)
}

func udpSchema() *field {
	return sec("udp", "UDP routers and services",
		mapOf("routers", "UDP routers", sec("", "",
			list("entryPoints", "entry point names"), str("service", "service name"))),
		mapOf("services", "UDP services", sec("", "",
			sec("loadBalancer", "",
				sec("server", "", port("port", "container port")).labelOnly(),
				items("servers", "", sec("", "", str("address", "host:port"))).fileOnly()),
			opaque("weighted", "").fileOnly(),
		)),
	)
}

// dynamicSchema is the dynamic configuration. In labels it sits below
// "traefik."; in a file it is the root.
func dynamicSchema() *field {
	return sec("", "",
		sec("http", "HTTP routers, services and middlewares",
			mapOf("routers", "HTTP routers", httpRouter()),
			mapOf("services", "HTTP services", httpService()),
			mapOf("middlewares", "HTTP middlewares", sec("", "", middlewareTypes()...)),
			opaque("serversTransports", "servers transports (file provider only)").fileOnly(),
		),
		tcpSchema(),
		udpSchema(),
		opaque("tls", "TLS certificates, options and stores"),
	)
}

// labelSchemaOnce is labelSchema, made once: every container's labels are
// checked against it, and checking never changes a field.
var labelSchemaOnce = sync.OnceValue(labelSchema)

// labelSchema adds the Docker provider's own labels to the dynamic schema.
func labelSchema() *field {
	s := dynamicSchema()
	s.fields = append(s.fields,
		boolean("enable", "expose this container (default: providers.docker.exposedByDefault)"),
		sec("docker", "Docker provider settings",
			str("network", "network Traefik reaches the container on"),
			boolean("lbSwarm", "swarm: use the service's virtual IP"),
			boolean("allowNonRunning", "keep the container when it is not running")),
		sec("swarm", "v3 Swarm provider settings",
			str("network", "network Traefik reaches the service on"),
			boolean("lbSwarm", "use the service's virtual IP")),
	)
	return s
}
