package config

// staticSchema is Traefik's static configuration as far as this package
// reads it; sections it does not interpret are opaque (accepted, kept, not
// checked), so that a real traefik.yml is not refused for its logs or metrics.
func staticSchema() *field {
	dockerFields := func(swarm bool) []*field {
		fs := []*field{
			boolean("exposedByDefault", "expose containers without traefik.enable (default true)"),
			str("constraints", "expression on labels selecting containers"),
			str("defaultRule", "rule of routers without one (default Host(`{{ normalize .Name }}`))"),
			str("network", "default network"),
			str("endpoint", "Docker endpoint"),
			boolean("watch", "watch events"),
			boolean("useBindPortIP", "use the published host port"),
			boolean("allowEmptyServices", "keep services of unhealthy containers"),
			dur("httpClientTimeout", ""),
			str("username", ""), str("password", ""),
			opaque("tls", "TLS to the Docker endpoint"),
		}
		if swarm {
			return append(fs, dur("refreshSeconds", "polling period"))
		}
		return append(fs, boolean("swarmMode", "v2: read Swarm services"),
			dur("swarmModeRefreshSeconds", "v2: polling period"))
	}
	entryPoint := sec("", "",
		str("address", "[host]:port[/tcp|/udp]"),
		boolean("asDefault", "used by routers without entryPoints"),
		boolean("allowACMEByPass", ""), boolean("reusePort", ""),
		opaque("transport", ""), opaque("proxyProtocol", ""),
		sec("forwardedHeaders", "trusted proxies",
			boolean("insecure", "trust every X-Forwarded-*"), list("trustedIPs", "trusted proxies"),
			list("connection", ""), boolean("notAppendXForwardedFor", ""),
			boolean("addXForwardedSchemeHeaders", "")),
		sec("http", "settings of every HTTP router on this entry point",
			sec("redirections", "",
				sec("entryPoint", "redirect every request to another entry point",
					str("to", "entry point name, or a port"),
					str("scheme", "scheme (default https)"),
					boolean("permanent", "permanent (default true)"),
					integer("priority", "priority of the redirecting router (default MaxInt-1)"))),
			list("middlewares", "middlewares of every router, name@provider"),
			sec("tls", "TLS of every router", str("options", ""), str("certResolver", ""), domainsField()).empty(),
			opaque("encodedCharacters", ""), boolean("encodeQuerySemicolons", ""),
			boolean("sanitizePath", ""), integer("maxHeaderBytes", ""),
			str("underscoreHeadersStrategy", "")),
		opaque("http2", ""), opaque("http3", ""), opaque("udp", ""), opaque("observability", ""),
	)
	return sec("", "",
		mapOf("entryPoints", "listeners", entryPoint),
		sec("providers", "",
			sec("docker", "Docker provider", dockerFields(false)...).empty(),
			sec("swarm", "v3 Swarm provider", dockerFields(true)...).empty(),
			sec("file", "file provider",
				str("directory", "directory of dynamic files"), str("filename", "one dynamic file"),
				boolean("watch", ""), boolean("debugLogGeneratedTemplate", "")).empty(),
			dur("providersThrottleDuration", ""),
			opaque("rest", ""), opaque("kubernetesIngress", ""), opaque("kubernetesIngressNGINX", ""),
			opaque("kubernetesCRD", ""), opaque("kubernetesGateway", ""), opaque("knative", ""),
			opaque("consulCatalog", ""), opaque("nomad", ""), opaque("ecs", ""), opaque("consul", ""),
			opaque("etcd", ""), opaque("zooKeeper", ""), opaque("redis", ""), opaque("http", ""),
			opaque("plugin", ""), opaque("marathon", ""), opaque("rancher", ""),
		),
		sec("api", "API and dashboard",
			boolean("insecure", "API on the traefik entry point"), boolean("dashboard", "dashboard"),
			boolean("debug", ""), boolean("disableDashboardAd", ""), str("basePath", "")).empty(),
		sec("ping", "health endpoint",
			str("entryPoint", "entry point (default traefik)"), boolean("manualRouting", ""),
			integer("terminatingStatusCode", "")).empty(),
		mapOf("certificatesResolvers", "ACME resolvers", sec("", "",
			opaque("acme", "ACME settings"), opaque("tailscale", ""))),
		str("configFile", "configuration file (flag only)"),
		opaque("global", ""), opaque("serversTransport", ""), opaque("tcpServersTransport", ""),
		opaque("log", ""), opaque("accessLog", ""), opaque("metrics", ""), opaque("tracing", ""),
		opaque("hostResolver", ""), opaque("experimental", ""), opaque("core", ""),
		opaque("spiffe", ""), opaque("ocsp", ""), opaque("pilot", ""),
	)
}
