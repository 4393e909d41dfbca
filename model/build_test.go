package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func svc(name string, labels map[string]string, ports ...int) Service {
	s := Service{Name: name, Labels: labels}
	for _, p := range ports {
		s.Expose = append(s.Expose, Port{Number: p, Protocol: "tcp"})
	}
	return s
}

func build(t *testing.T, opts Options, services ...Service) (Config, []string) {
	t.Helper()
	cfg, ds := buildAll(Project{Name: "test", Services: services}, opts)
	var msgs []string
	for _, d := range ds {
		msgs = append(msgs, d.String())
	}
	return cfg, msgs
}

// Every character class HAProxy's tokenizer treats specially is rejected
// with a message that names it, wherever a label value can reach the config.
func TestUnsafeCharactersAreRejected(t *testing.T) {
	tests := []struct {
		name, key, value, want string
	}{
		{"newline", "SERVICE_TAGS", "server_alias=a.com\n  stats enable",
			`error: web: SERVICE_TAGS="server_alias=a.com\n  stats enable": tag "server_alias=a.com\n  stats enable" contains a line break, which would start a new HAProxy directive (remove it from the tag)`},
		{"carriage return", "SERVICE_CHECK_HTTP", "/h\rx",
			`error: web: SERVICE_CHECK_HTTP="/h\rx": health check path contains a line break, which would start a new HAProxy directive (give a path like /health)`},
		{"tab", "SERVICE_TAGS", "path=/a\tb",
			`error: web: SERVICE_TAGS="path=/a\tb": tag "path=/a\tb" contains the control character U+0009, which HAProxy would read as a word or line break (remove it from the tag)`},
		{"space", "SERVICE_TAGS", "server_alias=a b",
			`error: web: SERVICE_TAGS=server_alias=a b: tag server_alias=a b contains a space, which HAProxy reads as the end of a word (remove it from the tag)`},
		{"hash", "SERVICE_CHECK_HTTP", "/x#y",
			`error: web: SERVICE_CHECK_HTTP=/x#y: health check path contains '#', which starts a comment in haproxy.cfg (give a path like /health)`},
		{"double quote", "SERVICE_TAGS", `server_alias=a"b`,
			`error: web: SERVICE_TAGS="server_alias=a\"b": tag "server_alias=a\"b" contains the quote '"', which HAProxy's tokenizer interprets (remove it from the tag)`},
		{"single quote", "SERVICE_TAGS", `path=/a'b`,
			`error: web: SERVICE_TAGS=path=/a'b: tag path=/a'b contains the quote '\'', which HAProxy's tokenizer interprets (remove it from the tag)`},
		{"dollar", "SERVICE_CHECK_INTERVAL", "${X}",
			`error: web: SERVICE_CHECK_INTERVAL=${X}: contains '$', which HAProxy expands as an environment variable (give a duration like 5s)`},
		{"percent", "SERVICE_TAGS", "timeout=%[src]",
			`error: web: SERVICE_TAGS=timeout=%[src]: tag timeout=%[src] contains '%', which HAProxy reads as a log-format variable (remove it from the tag)`},
		{"backslash", "SERVICE_TAGS", `balance=a\b`,
			`error: web: SERVICE_TAGS=balance=a\b: tag balance=a\b contains a backslash, which HAProxy reads as an escape (remove it from the tag)`},
		{"non-ascii", "SERVICE_TAGS", "server_alias=bücher.de",
			`error: web: SERVICE_TAGS=server_alias=bücher.de: tag server_alias=bücher.de contains the non-ASCII character 'ü'; write host names in punycode, like xn--bcher-kva.de (remove it from the tag)`},
		{"name with space", "SERVICE_NAME", "my app",
			`error: web: SERVICE_NAME=my app: service name contains a space, which HAProxy reads as the end of a word (use letters, digits, '-' and '_', which becomes '.', like www_hello)`},
		{"unknown tag value", "SERVICE_TAGS", "custom=a#b",
			`error: web: SERVICE_TAGS=custom=a#b: tag custom=a#b contains '#', which starts a comment in haproxy.cfg (remove it from the tag)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels := map[string]string{"SERVICE_NAME": "web", tt.key: tt.value}
			cfg, got := build(t, Options{}, svc("web", labels, 80))
			if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			for _, b := range cfg.Backends {
				for _, h := range b.Hosts {
					if strings.ContainsAny(h.Name, " \t\n\r#\"'$%\\") {
						t.Errorf("unsafe host %q reached the model", h.Name)
					}
				}
			}
		})
	}
}

func TestRoutedNames(t *testing.T) {
	tests := []struct {
		name    string
		service Service
		opts    Options
		want    []string // backend: hosts
	}{
		{"underscores become dots", svc("web", map[string]string{"SERVICE_NAME": "www_hello"}, 80), Options{Domains: []string{"example.com"}},
			[]string{"www.hello: www.hello www.hello.example.com"}},
		{"compose name with --all", svc("web", nil, 80), Options{All: true},
			[]string{"web: web"}},
		{"no port and not routed", svc("web", nil), Options{All: true}, nil},
		{"--all leaves out the proxy", Service{Name: "lb", Image: "haproxy:2.8", Ports: []Port{{Number: 80}}}, Options{All: true}, nil},
		{"a named proxy port is routed", Service{Name: "lb", Image: "haproxytech/haproxy-alpine", Labels: map[string]string{"SERVICE_8404_NAME": "stats"}, Ports: []Port{{Number: 8404}}}, Options{All: true},
			[]string{"stats: stats"}},
		{"docker-flow-proxy domains replace the name", svc("d", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "B.com,a.com"}, 80), Options{Domains: []string{"x.org"}},
			[]string{"d: a.com b.com"}},
		{"several ports", svc("web", map[string]string{"SERVICE_NAME": "w", "SERVICE_81_NAME": "admin"}, 80, 81), Options{},
			[]string{"admin: admin", "w-80: w-80"}},
		{"prod line appended once", svc("a", map[string]string{"SERVICE_NAME": "serviceA.prod"}, 80), Options{ProdLine: "prod", Domains: []string{"example.com"}},
			[]string{"servicea.prod: servicea.prod servicea.prod.example.com"}},
		{"prod line appended", svc("b", map[string]string{"SERVICE_NAME": "serviceB"}, 80), Options{ProdLine: "Prod"},
			[]string{"serviceb.prod: serviceb.prod"}},
		{"environment routes too", Service{Name: "e", Environment: map[string]string{"SERVICE_NAME": "env"}, Ports: []Port{{Number: 80}}}, Options{},
			[]string{"env: env"}},
		{"wildcard alias sorts last", svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": "server_alias=*.b.com,server_alias=A.com"}, 80), Options{},
			[]string{"w: a.com w *.b.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := build(t, tt.opts, tt.service)
			diags = slices.DeleteFunc(diags, func(d string) bool { return strings.Contains(d, "no service is routed") })
			if len(diags) != 0 {
				t.Fatalf("unexpected diagnostics: %q", diags)
			}
			var got []string
			for _, b := range cfg.Backends {
				var hosts []string
				for _, h := range b.Hosts {
					hosts = append(hosts, h.Name)
				}
				got = append(got, b.Name+": "+strings.Join(hosts, " "))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("backends (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDiagnostics(t *testing.T) {
	tests := []struct {
		name     string
		services []Service
		opts     Options
		want     []string
	}{
		{"duplicate host names both services",
			[]Service{svc("blue", map[string]string{"SERVICE_NAME": "app"}, 80), svc("green", map[string]string{"SERVICE_NAME": "green", "SERVICE_TAGS": "server_alias=app"}, 80)}, Options{},
			[]string{`error: green: SERVICE_TAGS=server_alias=app: host "app" is also routed to service blue (SERVICE_NAME=app) (give one of them another name, alias or path= tag)`}},
		{"one name, one backend: the services must agree",
			[]Service{svc("blue", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "weight=90", "compose2haproxy.admit": "green"}, 80),
				svc("green", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "weight=10,sticky_session,balance=leastconn", "compose2haproxy.admit": "blue"}, 8080)}, Options{},
			[]string{`error: green: SERVICE_NAME=app: shares the name app with service blue, which makes them one backend, but they differ in balance ("leastconn" here, "roundrobin" in blue), sticky_session (true here, none in blue) (give green and blue the same settings but their servers', or green another name)`}},
		{"hsts without an HTTPS listener",
			[]Service{svc("web", map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "hsts"}, 80)}, Options{},
			[]string{"error: web: SERVICE_TAGS=hsts: hsts needs an HTTPS listener (it is sent on HTTPS responses), and there is none (add listen.certs with the directory of the certificates, or drop hsts)"}},
		{"a literal header value is printable",
			[]Service{svc("web", map[string]string{"SERVICE_NAME": "web", "compose2haproxy.request-header.X-A": "a\tb"}, 80)}, Options{},
			[]string{`error: web: compose2haproxy.request-header.X-A="a\tb": contains the control character U+0009, which HAProxy would read as a word or line break (give a value of printable ASCII characters)`}},
		{"a misspelt compose2haproxy label warns",
			[]Service{svc("web", map[string]string{"SERVICE_NAME": "web", "compose2haproxy.respose-header.X-A": "b"}, 80)}, Options{},
			[]string{"warning: web: compose2haproxy.respose-header.X-A=b: unknown compose2haproxy label; it is ignored (did you mean compose2haproxy.response-header.…?)"}},
		{"servicePath / routes every path",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/"}, 80)}, Options{},
			nil},
		{"one name, one backend",
			[]Service{svc("blue", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "weight=90", "compose2haproxy.admit": "green"}, 80),
				svc("green", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "weight=10", "compose2haproxy.admit": "blue"}, 8080)}, Options{},
			nil},
		// What set a setting is not the setting: deny_http and maintenance
		// hold their Source, and two services setting them alike agree.
		{"one name, one backend: settings set alike agree, wherever from",
			[]Service{svc("blue", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "weight=90,deny_http,maintenance,allow=10.0.0.0/8", "SERVICE_CHECK_HTTP": "/health", "compose2haproxy.admit": "green"}, 80),
				svc("green", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "maintenance, allow=10.0.0.0/8, deny_http", "SERVICE_CHECK_HTTP": "/health", "compose2haproxy.admit": "blue"}, 8080)},
			Options{Listen: Listen{Certs: "/certs"}},
			nil},
		{"same host on a path inside another's, admitted",
			[]Service{svc("api", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "path=/api"}, 80), svc("web", map[string]string{"SERVICE_NAME": "app", "compose2haproxy.admit": "api"}, 80)}, Options{},
			nil},
		{"one host on two ports of one service names both ports",
			[]Service{svc("web", map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "server_alias=www.blog.test"}, 80, 8080)}, Options{},
			[]string{`error: web: SERVICE_TAGS=server_alias=www.blog.test: host "www.blog.test" is routed to two ports of web, 80 and 8080, and a request can reach only the first (put the tag in SERVICE_80_TAGS or SERVICE_8080_TAGS, the tags of the port it is for)`}},
		{"same host and path",
			[]Service{svc("a", map[string]string{"SERVICE_NAME": "x", "SERVICE_TAGS": "path=/api"}, 80), svc("b", map[string]string{"SERVICE_NAME": "y", "SERVICE_TAGS": "server_alias=x,path=/api/"}, 80)}, Options{},
			[]string{`error: b: SERVICE_TAGS=server_alias=x,path=/api/: host "x" path /api is also routed to service a (SERVICE_NAME=x) (give one of them another name, alias or path= tag)`}},
		{"unknown tag suggests",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": "stiky_session, balanse=first"}, 80)}, Options{},
			[]string{`warning: w: SERVICE_TAGS=stiky_session, balanse=first: unknown tag "balanse" (did you mean "balance"?)`,
				`warning: w: SERVICE_TAGS=stiky_session, balanse=first: unknown tag "stiky_session" (did you mean "sticky_session"?)`}},
		{"no port",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w"})}, Options{},
			[]string{`warning: w: no port declared; routing to port 80 (declare the port with ports:, expose: or SERVICE_<port>_NAME)`}},
		{"only udp",
			[]Service{{Name: "dns", Labels: map[string]string{"SERVICE_NAME": "dns"}, Ports: []Port{{Number: 53, Protocol: "udp"}}}}, Options{},
			[]string{`error: dns: SERVICE_NAME=dns: service dns publishes only UDP ports (53), which compose2haproxy does not route (publish a TCP port, or remove SERVICE_NAME)`}},
		{"domain with a leading dot",
			nil, Options{Domains: []string{".example.com"}},
			[]string{`error: domains=.example.com: domain starts with a dot (drop the leading dot: domains example.com)`}},
		{"redirect without a host to redirect to",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/d", "com.df.serviceDomain": "*.a.com", "com.df.redirectFromDomain": "x.com"}, 80)}, Options{},
			[]string{`error: d: com.df.redirectFromDomain=x.com: there is no host to redirect to (add a host that is not a wildcard (com.df.serviceDomain or server_alias) to redirect to)`}},
		{"port keys must be ports",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_99999_NAME": "x"}, 80)}, Options{},
			[]string{`error: w: SERVICE_99999_NAME=x: 99999 is not a TCP port (use the container port, from 1 to 65535)`}},
		{"timers beyond HAProxy's range",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": "timeout=25d"}, 80)}, Options{},
			[]string{`error: w: SERVICE_TAGS=timeout=25d: tag timeout=25d is longer than HAProxy's longest timer (24 days) (give a duration like 30s)`}},
		{"a fix never echoes an unsafe value",
			nil, Options{Domains: []string{".a.com\nbackend x"}},
			[]string{`error: domains=".a.com\nbackend x": domain contains a line break, which would start a new HAProxy directive (give a domain like example.com)`}},
		{"nothing routed",
			[]Service{svc("w", nil, 80)}, Options{},
			[]string{`warning: no service is routed; the config answers every request with 404 (set SERVICE_NAME or com.df.notify or traefik.enable or VIRTUAL_HOST on a service, or turn on all)`}},
		{"empty name",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "_"}, 80)}, Options{},
			[]string{`error: w: SERVICE_NAME=_: service name gives an empty host name (use letters, digits, '-' and '_', which becomes '.', like www_hello)`}},
		{"a wildcard redirectFromDomain is refused, as redirect_from= is",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "a.com", "com.df.redirectFromDomain": "*.old.com"}, 80)}, Options{},
			[]string{`error: d: com.df.redirectFromDomain=*.old.com: host *.old.com contains '*' (give the old host name, like old.example.com; separate several with commas)`}},
		{"non-ASCII is refused before case folding",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/k", "com.df.serviceDomain": "\u212aey.com"}, 80)}, Options{},
			[]string{"error: d: com.df.serviceDomain=\u212aey.com: host \u212aey.com contains the non-ASCII character '\u212a'; write host names in punycode, like xn--bcher-kva.de (give a host name like www.example.com or *.example.com; separate several with commas)"}},
		{"the Kelvin sign in SERVICE_NAME is refused, not folded to k",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "\u212aey"}, 80)}, Options{},
			[]string{"error: w: SERVICE_NAME=\u212aey: service name contains the non-ASCII character '\u212a'; write host names in punycode, like xn--bcher-kva.de (use letters, digits, '-' and '_', which becomes '.', like www_hello)"}},
		{"the Kelvin sign in --domain is refused, not folded to k",
			nil, Options{Domains: []string{"\u212aey.com"}},
			[]string{"error: domains=\u212aey.com: domain contains the non-ASCII character '\u212a'; write host names in punycode, like xn--bcher-kva.de (give a domain like example.com)"}},
		{"a redirect status HAProxy cannot send",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "a.com", "com.df.httpsOnly": "true", "com.df.httpsRedirectCode": "304"}, 80)}, Options{Listen: Listen{Certs: "/certs"}},
			[]string{`error: d: com.df.httpsRedirectCode=304: a redirect status is one of 301, 302, 303, 307 and 308 (give 307 or 308 to keep the method, or 301, 302 or 303; without it GET and HEAD get 301 and other methods 308)`}},
		{"a redirect status without httpsOnly",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "a.com", "com.df.httpsRedirectCode": "308"}, 80)}, Options{},
			[]string{`warning: d: com.df.httpsRedirectCode=308: it has no effect without com.df.httpsOnly (add com.df.httpsOnly: "true", or remove it)`}},
		{"a public HTTPS port without HTTPS",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w"}, 80)}, Options{Listen: Listen{HTTPSPort: 8443}},
			[]string{`error: listen.https_port=8443: listen.https_port needs an HTTPS listener (redirects to https name this port), and there is none (add listen.certs with the directory of the certificates, or drop listen.https_port)`}},
		{"a public HTTPS port out of range",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w"}, 80)}, Options{Listen: Listen{Certs: "/certs", HTTPSPort: 70000}},
			[]string{`error: listen.https_port=70000: port is not a whole number from 1 to 65535 (give the port clients use for HTTPS, like 443)`}},
		{"a redirect_from of a host another service routes under a path",
			[]Service{svc("a", map[string]string{"SERVICE_NAME": "shop_example_com", "SERVICE_TAGS": "path=/api"}, 80), svc("b", map[string]string{"SERVICE_NAME": "b", "SERVICE_TAGS": "redirect_from=shop.example.com"}, 80)}, Options{},
			[]string{`error: b: SERVICE_TAGS=redirect_from=shop.example.com: redirected host "shop.example.com" is also routed to service a (SERVICE_NAME=shop_example_com), and redirects come before routing (redirect only a host that no other service routes, under any path)`}},
		{"a redirect_from of a host another service's wildcard covers",
			[]Service{svc("a", map[string]string{"SERVICE_NAME": "a", "SERVICE_TAGS": "server_alias=*.example.com"}, 80), svc("b", map[string]string{"SERVICE_NAME": "b", "com.df.notify": "true", "com.df.redirectFromDomain": "shop.example.com"}, 80)}, Options{},
			[]string{`error: b: com.df.redirectFromDomain=shop.example.com: redirected host "shop.example.com" is also routed to service a by its wildcard *.example.com (SERVICE_TAGS=server_alias=*.example.com), and redirects come before routing (redirect only a host that no other service routes, under any path)`}},
		{"a redirect_from of a host another service redirects",
			[]Service{svc("a", map[string]string{"SERVICE_NAME": "a", "SERVICE_TAGS": "redirect_from=old.com"}, 80), svc("b", map[string]string{"SERVICE_NAME": "b", "SERVICE_TAGS": "redirect_from=old.com"}, 80)}, Options{},
			[]string{`error: b: SERVICE_TAGS=redirect_from=old.com: redirected host "old.com" is also routed to service a (SERVICE_TAGS=redirect_from=old.com) (give one of them another name, alias or path= tag)`}},
		{"a wildcard needs two labels after *.",
			[]Service{svc("a", map[string]string{"SERVICE_NAME": "a", "SERVICE_TAGS": "server_alias=*.com"}, 80)}, Options{},
			[]string{`error: a: SERVICE_TAGS=server_alias=*.com: tag server_alias=*.com is a wildcard over a whole top-level domain: it needs at least two labels after "*." (give a host name like www.example.com or *.example.com)`}},
		{"a provenance value a template could print is checked like any other",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_CHECK_TCP": "1\nlisten pwn\n    bind 127.0.0.1:18999"}, 80)}, Options{},
			[]string{`error: w: SERVICE_CHECK_TCP="1\nlisten pwn\n    bind 127.0.0.1:18999": value contains a line break, which would start a new HAProxy directive; templates can print where a setting came from (remove it)`}},
		{"two listeners on one port",
			nil, Options{Listen: Listen{HTTP: "127.0.0.1:8404", Stats: ":8404"}},
			[]string{`error: listen.stats=:8404: listens where listen.http=127.0.0.1:8404 does (give each listener its own port)`,
				`warning: listen.stats=:8404: the stats page listens beyond this host and asks for no password: whoever reaches it sees every backend, server address and health (give stats_auth users, or listen on a loopback address like 127.0.0.1:8404)`}},
		{"the HTTPS listener on the HTTP listener's port",
			nil, Options{Listen: Listen{Certs: "/certs", HTTPS: "[::]:80"}},
			[]string{`error: listen.https=[::]:80: listens where listen.http=:80 does (give each listener its own port)`}},
		{"an HTTP check on a TCP service",
			[]Service{svc("db", map[string]string{"SERVICE_NAME": "db", "SERVICE_TAGS": "tcp=5432", "SERVICE_CHECK_HTTP": "/health"}, 5432)}, Options{},
			[]string{`error: db: SERVICE_CHECK_HTTP=/health: an HTTP check on a TCP service (tcp=5432) fails on every server, which HAProxy then takes out (remove it: a TCP service is checked by connecting)`}},
		{"tcp= in SERVICE_TAGS of a service with several ports",
			[]Service{svc("mq", map[string]string{"SERVICE_NAME": "mq", "SERVICE_TAGS": "tcp=5672"}, 5672, 15672)}, Options{},
			[]string{`error: mq: SERVICE_TAGS=tcp=5672: tcp=5672 applies to every port of mq (5672, 15672), and one TCP port cannot forward to several (put it in SERVICE_5672_TAGS, the tags of the port it is for (a docker-flow-proxy service: set com.df.port to the one port to route))`}},
		{"tcp= on a docker-flow-proxy service with several ports",
			[]Service{svc("mq", map[string]string{"com.df.notify": "true", "SERVICE_TAGS": "tcp=5672"}, 5672, 15672)}, Options{},
			[]string{`error: mq: SERVICE_TAGS=tcp=5672: tcp=5672 applies to every port of mq (5672, 15672), and one TCP port cannot forward to several (put it in SERVICE_5672_TAGS, the tags of the port it is for (a docker-flow-proxy service: set com.df.port to the one port to route))`}},
		{"a zero-padded port in a key",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_081_NAME": "x"}, 81)}, Options{},
			[]string{`error: w: SERVICE_081_NAME=x: the port in the key has a leading zero, so it names no port (write SERVICE_81_NAME)`}},
		{"bad tag values",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": "weight=999,balance=fastest,path=api,timeout=soon,slots=0,path"}, 80)}, Options{},
			[]string{
				`error: w: SERVICE_TAGS=weight=999,balance=fastest,path=api,timeout=soon,slots=0,path: tag "path" needs a value (write it as path=/PREFIX)`,
				`error: w: SERVICE_TAGS=weight=999,balance=fastest,path=api,timeout=soon,slots=0,path: tag balance=fastest is not a balance algorithm (use roundrobin, static-rr, leastconn, source, first, random, uri or hdr(NAME)) (see HAProxy's balance directive)`,
				`error: w: SERVICE_TAGS=weight=999,balance=fastest,path=api,timeout=soon,slots=0,path: tag path=api does not start with '/' (give a path prefix like /api)`,
				`error: w: SERVICE_TAGS=weight=999,balance=fastest,path=api,timeout=soon,slots=0,path: tag slots=0 is not a whole number from 1 to 4096 (give a number)`,
				`error: w: SERVICE_TAGS=weight=999,balance=fastest,path=api,timeout=soon,slots=0,path: tag timeout=soon is not a duration like 500ms, 5s, 1m or 1m30s (give a duration like 30s)`,
				`error: w: SERVICE_TAGS=weight=999,balance=fastest,path=api,timeout=soon,slots=0,path: tag weight=999 is not a whole number from 1 to 256 (give a number)`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := build(t, tt.opts, tt.services...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// Routes are tried most specific first: exact hosts, then longer wildcard
// suffixes, then longer paths.
func TestRouteOrder(t *testing.T) {
	cfg, diags := build(t, Options{},
		svc("api", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "path=/api,path=/api/v2"}, 80),
		svc("web", map[string]string{"SERVICE_NAME": "app", "compose2haproxy.admit": "api"}, 80),
		svc("any", map[string]string{"SERVICE_NAME": "any", "SERVICE_TAGS": "server_alias=*.example.com"}, 80),
		svc("deep", map[string]string{"SERVICE_NAME": "deep", "SERVICE_TAGS": "server_alias=*.a.example.com"}, 80),
	)
	var wantDiags []string // a normal layout: nothing to warn about
	if diff := cmp.Diff(wantDiags, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	got := routeLines(cfg)
	want := []string{
		"app/api/v2 -> app_api_80",
		"app/api -> app_api_80",
		"any -> any",
		"app -> app",
		"deep -> deep",
		"*.a.example.com -> deep",
		"*.example.com -> any",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("route order (-want +got):\n%s", diff)
	}
}

// A service's wildcards of one length share a rule for each path: they
// would be tried one after the other for the same backend anyway. Of
// another length they keep their own place, and another service's wildcard
// of the same length does not come between them.
func TestWildcardsOfOneLengthShareARule(t *testing.T) {
	cfg, _ := build(t, Options{},
		svc("shop", map[string]string{"SERVICE_NAME": "shop", "SERVICE_TAGS": "server_alias=*.b.example.com,server_alias=*.a.example.com,server_alias=*.long.example.com,path=/x,path=/y"}, 80),
		svc("blog", map[string]string{"SERVICE_NAME": "blog", "SERVICE_TAGS": "server_alias=*.c.example.com,path=/x"}, 80),
	)
	got := routeLines(cfg)
	want := []string{
		"blog/x -> blog_80",
		"shop/x -> shop_80",
		"shop/y -> shop_80",
		"*.long.example.com/x -> shop_80",
		"*.long.example.com/y -> shop_80",
		"*.c.example.com/x -> blog_80",
		"*.a.example.com *.b.example.com/x -> shop_80",
		"*.a.example.com *.b.example.com/y -> shop_80",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
}

// routeLines shows cfg's routes in order, one a line: "hosts path -> backend".
func routeLines(cfg Config) []string {
	var lines []string
	for _, r := range cfg.Routes {
		var hosts []string
		for _, h := range r.Hosts {
			hosts = append(hosts, h.Name)
		}
		lines = append(lines, strings.Join(hosts, " ")+r.Path.Prefix+" -> "+r.Backend)
	}
	return lines
}

// The same project listed in another order gives the same config.
func TestBuildIsDeterministic(t *testing.T) {
	a := svc("a", map[string]string{"SERVICE_NAME": "a", "SERVICE_TAGS": "server_alias=z.com,server_alias=b.com,path=/x,path=/y"}, 80, 81)
	b := svc("b", map[string]string{"SERVICE_NAME": "b", "SERVICE_TAGS": "nope"}, 80)
	c := svc("c", nil, 80)
	cfg1, d1 := build(t, Options{All: true}, a, b, c)
	cfg2, d2 := build(t, Options{All: true}, c, b, a)
	if diff := cmp.Diff(cfg1, cfg2); diff != "" {
		t.Errorf("configs differ with service order (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(d1, d2); diff != "" {
		t.Errorf("diagnostics differ with service order:\n%s", diff)
	}
}

// docker-flow-proxy routes on any host come last; canonical hosts and
// rewrites are read from the labels.
func TestDockerFlowLabels(t *testing.T) {
	cfg, diags := build(t, Options{Domains: []string{"example.com"}},
		svc("demo", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/demo,/demo/hello", "com.df.reqPathSearchReplace": "^/demo,/"}, 8080),
		svc("site", map[string]string{"SERVICE_NAME": "site", "SERVICE_TAGS": "path=/demo,redirect_from=old.site.com"}, 80),
		svc("dom", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "new.com,www.new.com", "com.df.redirectFromDomain": "old.com"}, 80),
	)
	// site's /demo comes before the any-host /demo/hello on site's hosts.
	if len(diags) != 1 || !strings.Contains(diags[0], "path /demo/hello on any host is never reached on site: service site routes /demo there") {
		t.Errorf("diagnostics: %q", diags)
	}
	var order []string
	for _, r := range cfg.Routes {
		order = append(order, r.Backend+r.Path.Prefix)
	}
	// site's hosts are site's whatever the path: their other paths get 404
	// rather than demo's routes on any host.
	if diff := cmp.Diff([]string{"site_80/demo", "dom", "no_route", "demo_8080/demo/hello", "demo_8080/demo"}, order); diff != "" {
		t.Errorf("route order (-want +got):\n%s", diff)
	}
	canonical := map[string]string{}
	for _, b := range cfg.Backends {
		canonical[b.Name] = b.Canonical
		if b.Name == "demo_8080" && (b.Rewrite == nil || b.Rewrite.Search != "^/demo" || b.Rewrite.Replace != "/") {
			t.Errorf("rewrite = %+v", b.Rewrite)
		}
	}
	if diff := cmp.Diff(map[string]string{"demo_8080": "", "dom": "new.com", "site_80": "site.example.com"}, canonical); diff != "" {
		t.Errorf("canonical hosts (-want +got):\n%s", diff)
	}
}

// Listener and resolver addresses are IPv4, [IPv6] or a host name, then a
// port: anything else would be a config HAProxy rejects or reads otherwise.
func TestAddresses(t *testing.T) {
	tests := []struct {
		bind string
		want string // the problem, or "" when accepted
	}{
		{":80", ""},
		{"127.0.0.1:8080", ""},
		{"[::1]:80", ""},
		{"[::]:80", ""},
		{"localhost:80", ""},
		{"80", "address has no port"},
		{"127.0.0.1:0", "port is not a whole number from 1 to 65535"},
		{"127.0.0.1:+80", "port is not a whole number from 1 to 65535"},
		{":-80", "port is not a whole number from 1 to 65535"},
		{"Ax7.0.B81:+010", "port is not a whole number from 1 to 65535"},
		{"[X]:1", `"X" is not an IPv6 address`},
		{"a:b:80", `"a:b" is not an IPv6 address`},
		{"[127.0.0.1]:80", `"127.0.0.1" is not an IPv6 address`},
		{"[]:80", `"" is not an IPv6 address`},
		{":::80", ""},
		{"[:::1", "address has unmatched brackets"},
		{"[::1:80", "address has unmatched brackets"},
		{"::1]:80", "address has unmatched brackets"},
		{"[[::1]]:80", "address has unmatched brackets"},
		{"-:80", `host "-" is not a valid host name`},
		{"a..b:80", `host "a..b" is not a valid host name`},
	}
	for _, tt := range tests {
		t.Run(tt.bind, func(t *testing.T) {
			_, got := build(t, Options{Listen: Listen{HTTP: tt.bind}}, svc("w", map[string]string{"SERVICE_NAME": "w"}, 80))
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("--bind %s: unexpected diagnostics %q", tt.bind, got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], "listen.http="+tt.bind) || !strings.Contains(got[0], tt.want) {
				t.Fatalf("--bind %s: got %q, want one error containing %q", tt.bind, got, tt.want)
			}
		})
	}
}

// The runtime directory is a path inside the proxy container that HAProxy
// reads as one word, with room for its socket's name.
func TestRuntimeDir(t *testing.T) {
	long := "/" + strings.Repeat("d", maxSocketPath-len("//haproxy.sock"))
	tests := []struct {
		dir, want string // want: the problem, or "" when accepted
		socket    string // when accepted
	}{
		{"/var/run/haproxy", "", "/var/run/haproxy/haproxy.sock"},
		{"/var/run/haproxy/", "", "/var/run/haproxy/haproxy.sock"},
		{long, "", long + "/haproxy.sock"},
		{long + "d", "the socket's path would be longer than the 95 bytes HAProxy can bind", ""},
		{"run/haproxy", "is not an absolute path", ""},
		{"/var/run/ha proxy", "runtime directory contains a space", ""},
		{"/var/run/haproxy,x", "characters other than letters, digits", ""},
		{"/var/run/haproxy\nstats", "runtime directory contains a line break", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			cfg, got := build(t, Options{RuntimeDir: tt.dir}, svc("w", map[string]string{"SERVICE_NAME": "w"}, 80))
			if tt.want == "" {
				if len(got) != 0 || cfg.Runtime == nil || cfg.Runtime.Socket != tt.socket {
					t.Fatalf("runtime dir %q: diagnostics %q, runtime %+v; want socket %s", tt.dir, got, cfg.Runtime, tt.socket)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], "runtime.dir=") || !strings.Contains(got[0], tt.want) {
				t.Fatalf("runtime dir %q: got %q, want one error containing %q", tt.dir, got, tt.want)
			}
		})
	}
}

// SERVICE_IGNORE takes any value but empty, false or 0 as true (SPEC §2).
func TestServiceIgnoreValues(t *testing.T) {
	for v, ignored := range map[string]bool{"": false, "false": false, " FALSE ": false, "0": false, "true": true, "1": true, "no": true, "yes": true} {
		cfg, _ := build(t, Options{}, svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_IGNORE": v}, 80))
		if got := len(cfg.Routes) == 0; got != ignored {
			t.Errorf("SERVICE_IGNORE=%q: ignored %v, want %v", v, got, ignored)
		}
	}
}

// Every option records what set it: the server-template size and the check.
func TestOptionSources(t *testing.T) {
	replicated := svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_CHECK_HTTP": "/health", "SERVICE_CHECK_INTERVAL": "3s"}, 80)
	replicated.Replicas = 12
	tagged := svc("t", map[string]string{"SERVICE_NAME": "t", "SERVICE_TAGS": "slots=3"}, 80)
	tagged.Replicas = 12
	cfg, msgs := build(t, Options{Slots: 5}, replicated, tagged, svc("f", map[string]string{"SERVICE_NAME": "f"}, 80))
	if len(msgs) != 0 {
		t.Fatal(msgs)
	}
	want := map[string]string{"f": "slots=5", "t": "SERVICE_TAGS=slots=3 (slots=3)", "w": "replicas=12"}
	for _, b := range cfg.Backends {
		s := b.Servers.Source
		got := s.Key + "=" + s.Value
		if s.Item != "" {
			got += " (" + s.Item + ")"
		}
		if got != want[b.Service] {
			t.Errorf("%s: slots %d from %s, want %s", b.Service, b.Servers.Slots, got, want[b.Service])
		}
		if b.Service == "w" {
			var keys []string
			for _, s := range b.Check.Sources {
				keys = append(keys, s.Key)
			}
			if !slices.Equal(keys, []string{"SERVICE_CHECK_HTTP", "SERVICE_CHECK_INTERVAL"}) {
				t.Errorf("check sources %q", keys)
			}
		}
	}
}

// A front end spells the options a diagnostic names, as its key and in its
// message and fix; the model's own text names them plainly.
func TestDiagnosticsSpellOptions(t *testing.T) {
	_, ds := buildAll(Project{}, Options{Listen: Listen{HTTPSPort: 8443}})
	spell := func(o Option) string {
		return map[Option]string{OptionHTTPSPort: "--https-port", OptionCerts: "--tls", OptionAll: "--all"}[o]
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Spell(spell).String())
	}
	want := []string{
		"error: --https-port=8443: --https-port needs an HTTPS listener (redirects to https name this port), and there is none (add --tls with the directory of the certificates, or drop --https-port)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spelled diagnostics (-want +got):\n%s", diff)
	}
	if !ds.BadOption() {
		t.Error("BadOption() = false for an option's error")
	}
}

// A server name is one sni= service's on a port: on another port, or as
// an HTTP host, it may be another service's; an HTTP route and an sni=
// service of one name are two backends, not a canary pair; a service's
// ports may share an sni= port by their names.
func TestSNIServerNamesAreTakenOncePerPort(t *testing.T) {
	sni := func(name, tags string) Service {
		return svc(name, map[string]string{"SERVICE_NAME": name, "SERVICE_TAGS": tags}, 443)
	}
	for _, tt := range []struct {
		name     string
		services []Service
		want     string // the error, or "" for none
	}{
		{"one name on two ports", []Service{sni("a", "sni=8443,server_alias=x.example.com"), sni("b", "sni=9443,server_alias=x.example.com")}, ""},
		{"one name as a server name and an HTTP host", []Service{sni("a", "sni=8443,server_alias=x.example.com"), sni("b", "server_alias=x.example.com")}, ""},
		{"one name on one port", []Service{sni("a", "sni=8443,server_alias=x.example.com"), sni("b", "sni=8443,server_alias=x.example.com")},
			"error: b: SERVICE_TAGS=sni=8443,server_alias=x.example.com: server name x.example.com on port 8443 is also taken by service a (give one of them another host, or another sni= port)"},
		{"a wildcard inside another", []Service{sni("a", "sni=8443,server_alias=*.example.com"), sni("b", "sni=8443,server_alias=*.b.example.com")}, ""},
		{"one SERVICE_NAME over HTTP and by sni=", []Service{sni("a", "sni=8443"), svc("b", map[string]string{"SERVICE_NAME": "a"}, 80)}, ""},
		{"two ports of one service on one sni= port", []Service{svc("d", map[string]string{"SERVICE_443_NAME": "d1", "SERVICE_444_NAME": "d2",
			"SERVICE_443_TAGS": "sni=9443", "SERVICE_444_TAGS": "sni=9443"}, 443, 444)}, ""},
		{"backend_tls on an sni= service", []Service{sni("a", "sni=8443,backend_tls")},
			"error: a: SERVICE_TAGS=sni=8443,backend_tls: backend_tls would wrap the client's TLS, passed through by sni=, in a second one (remove it: the client's TLS reaches the servers as it is)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, got := build(t, Options{}, tt.services...)
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}
