package e2e

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// The Traefik dialect through a real HAProxy: compose files as Traefik
// users write them (routers, services and middlewares in traefik.*
// labels, the static configuration as the Traefik service's command
// flags), and what Traefik's documentation says each label does, checked
// on the wire. The Traefik service is never run: HAProxy takes its place,
// and its entry points name the ports of HAProxy's listeners. Where this
// tool answers otherwise on purpose (docs/traefik.md), the test says so.

// traefikService is the Traefik service of a compose file, with its
// static configuration as command flags and its own labels ("key: value"
// lines, may be none).
func traefikService(flags []string, labels ...string) string {
	return traefikServiceMounting(nil, flags, labels...)
}

// traefikServiceMounting is traefikService with volumes ("./rules:/rules"
// say) mounted besides Docker's socket.
func traefikServiceMounting(volumes, flags []string, labels ...string) string {
	var b strings.Builder
	b.WriteString("  traefik:\n    image: traefik:v3.1\n    ports: [\"80:80\", \"443:443\"]\n")
	b.WriteString("    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n")
	for _, v := range volumes {
		fmt.Fprintf(&b, "      - %s\n", v)
	}
	b.WriteString("    command:\n")
	for _, f := range flags {
		fmt.Fprintf(&b, "      - %s\n", f)
	}
	if len(labels) > 0 {
		b.WriteString("    labels:\n")
	}
	for _, l := range labels {
		fmt.Fprintf(&b, "      %s\n", l)
	}
	return b.String()
}

// trCompose is a compose file of project e2e: the Traefik service traefik
// (from traefikService) and services, each of image example/NAME exposing
// the scene's port, with their labels.
func (s *scene) trCompose(traefik string, services ...service) string {
	return "name: e2e\nservices:\n" + traefik + strings.TrimPrefix(s.compose(services...), "services:\n")
}

// serveOn starts a container of service at ip answering as id on port,
// one of the container's ports, and has the DNS resolve service to ip.
func (s *scene) serveOn(service, id, ip string, port int) *e2etest.Backend {
	s.t.Helper()
	b := e2etest.StartBackendID(s.t, id, ip, port)
	s.dns.Set(service, ip)
	return b
}

// startTraefik writes files (by name; compose.yaml and what it mounts),
// generates the config with the HTTP listener on 127.0.0.1:web (the port
// the Traefik service's HTTP entry point names), the stats page on a free
// port and d as the nameserver (plus args), and starts HAProxy on it. It
// returns the proxy and what the CLI printed on stderr.
func startTraefik(tb testing.TB, d *e2etest.DNS, web int, files map[string]string, args ...string) (*proxy, string) {
	tb.Helper()
	dir := tb.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	p := &proxy{
		Addr:  fmt.Sprintf("127.0.0.1:%d", web),
		Stats: fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb)),
	}
	cfg, stderr := compose2haproxy(tb, dir, append([]string{"-f", "compose.yaml",
		"--bind", p.Addr, "--stats", p.Stats, "--resolver", d.Addr()}, args...)...)
	p.HAProxy = e2etest.StartHAProxy(tb, cfg)
	e2etest.WaitListening(tb, p.Addr, 30*time.Second)
	return p, stderr
}

// webEntryPoint is the flags of a Traefik service whose Docker provider
// routes only the services labelled traefik.enable=true, with one HTTP
// entry point, web, on port.
func webEntryPoint(port int) []string {
	return []string{"--providers.docker.exposedbydefault=false", fmt.Sprintf("--entrypoints.web.address=:%d", port)}
}

// Rules as Traefik reads them: Host lists with ||, paths with && and
// parentheses, PathPrefix as a string prefix (Traefik's, not by
// segments), Path exact, ! before a method, a header and a client
// network, v2's Host list, Query, and the provider's default rule for a
// container without a router. Requests no rule matches get 404.
func TestTraefikRulesRouteByHostAndPathWithAndOrAndNot(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("shop", "127.0.90.1")
	s.serve("blog", "127.0.90.2")
	s.serve("news", "127.0.90.3")
	s.serve("api", "127.0.90.4")
	s.serve("defaulted", "127.0.90.5")
	web := e2etest.FreePort(t)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("shop", `traefik.enable: "true"`,
			"traefik.http.routers.shop.rule: (Host(`shop.tr.test`) || Host(`store.tr.test`)) && (PathPrefix(`/cart`) || Path(`/checkout`)) && !Method(`DELETE`)"),
		svc("blog", `traefik.enable: "true"`,
			"traefik.http.routers.blog.rule: Host(`blog.tr.test`, `www.blog.tr.test`)",
			"traefik.http.routers.blog.rulesyntax: v2"),
		svc("news", `traefik.enable: "true"`,
			"traefik.http.routers.news.rule: Host(`news.tr.test`) && !Header(`X-Bot`, `yes`) && !ClientIP(`127.0.90.128/25`)"),
		svc("api", `traefik.enable: "true"`,
			"traefik.http.routers.api.rule: Host(`api.tr.test`) && (Method(`GET`) || Method(`HEAD`)) && Query(`version`, `2`)"),
		svc("defaulted", `traefik.enable: "true"`),
		svc("hidden"), // no traefik.enable: not exposed
	)})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "shop.tr.test", Path: "/cart"}, "shop")
	for _, tc := range []struct {
		method, host, path string
		from               string
		header             map[string][]string
		want               string // "" : 404
	}{
		{"GET", "shop.tr.test", "/cart", "", nil, "shop"},
		{"GET", "store.tr.test", "/cart/items?x=1", "", nil, "shop"},
		{"GET", "SHOP.TR.TEST:8080", "/cart", "", nil, "shop"},
		{"GET", "shop.tr.test", "/cartography", "", nil, "shop"}, // a string prefix
		{"POST", "shop.tr.test", "/checkout", "", nil, "shop"},
		{"GET", "store.tr.test", "/checkout?step=2", "", nil, "shop"},
		{"GET", "shop.tr.test", "/checkout/x", "", nil, ""}, // Path is exact
		{"GET", "shop.tr.test", "/", "", nil, ""},
		{"DELETE", "shop.tr.test", "/cart", "", nil, ""}, // !Method
		{"GET", "blog.tr.test", "/", "", nil, "blog"},
		{"GET", "www.blog.tr.test", "/post/1", "", nil, "blog"},
		{"GET", "news.tr.test", "/", "127.0.90.10", nil, "news"},
		{"GET", "news.tr.test", "/", "127.0.90.10", map[string][]string{"X-Bot": {"no"}}, "news"},
		{"GET", "news.tr.test", "/", "127.0.90.10", map[string][]string{"X-Bot": {"yes"}}, ""},
		{"GET", "news.tr.test", "/", "127.0.90.200", nil, ""}, // !ClientIP
		{"GET", "api.tr.test", "/items?version=2", "", nil, "api"},
		{"HEAD", "api.tr.test", "/items?version=2", "", nil, "api"},
		{"GET", "api.tr.test", "/items?version=1", "", nil, ""},
		{"GET", "api.tr.test", "/items", "", nil, ""},
		{"POST", "api.tr.test", "/items?version=2", "", nil, ""},
		// Traefik's default rule: Host(`{{ normalize .Name }}`), the
		// service's name and the project's.
		{"GET", "defaulted-e2e", "/", "", nil, "defaulted"},
		{"GET", "hidden", "/", "", nil, ""},
		{"GET", "hidden-e2e", "/", "", nil, ""},
	} {
		what := tc.method + " " + tc.host + tc.path
		if tc.from != "" {
			what += " from " + tc.from
		}
		if tc.header != nil {
			what += fmt.Sprint(" with ", tc.header)
		}
		r := e2etest.Request{Method: tc.method, Host: tc.host, Path: tc.path, From: tc.from, Header: tc.header}
		wantRouted(t, what, p.Addr, r, tc.want)
	}
}

// Traefik tries the routers that match a request by priority, by default
// the length of the rule: a path's router before its host's, an exact
// path before a prefix, a header's router before the host's (priority
// 100). A frontend and its API on one host in two services, as Traefik
// users split them, route alike once the frontend admits the API (the
// ownership rule: compose2haproxy.admit). Where a priority orders two
// routers otherwise than HAProxy tries them, the CLI says so.
func TestTraefikRoutersAreTriedInPriorityOrder(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	const app = "127.0.91.1"
	apiPort, canaryPort := e2etest.FreePort(t), e2etest.FreePort(t)
	s.serveOn("app", "app-ui", app, s.port)
	s.serveOn("app", "app-api", app, apiPort)
	s.serveOn("app", "app-canary", app, canaryPort)
	s.serve("site", "127.0.91.3")
	s.serve("siteapi", "127.0.91.4")
	web := e2etest.FreePort(t)
	compose := fmt.Sprintf(`name: e2e
services:
%s  app:
    image: example/app
    expose: ["%[2]d", "%[3]d", "%[4]d"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.ui.rule: Host(`+"`app.tr.test`"+`)
      traefik.http.routers.ui.service: ui
      traefik.http.services.ui.loadbalancer.server.port: "%[2]d"
      traefik.http.routers.api.rule: Host(`+"`app.tr.test`"+`) && PathPrefix(`+"`/api`"+`)
      traefik.http.routers.api.service: api
      traefik.http.services.api.loadbalancer.server.port: "%[3]d"
      traefik.http.routers.health.rule: Host(`+"`app.tr.test`"+`) && Path(`+"`/api/health`"+`)
      traefik.http.routers.health.service: ui
      traefik.http.routers.canary.rule: Host(`+"`app.tr.test`"+`) && Header(`+"`X-Canary`"+`, `+"`1`"+`)
      traefik.http.routers.canary.priority: "100"
      traefik.http.routers.canary.service: canary
      traefik.http.services.canary.loadbalancer.server.port: "%[4]d"
  site:
    image: example/site
    expose: ["%[2]d"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.site.rule: Host(`+"`site.tr.test`"+`)
      compose2haproxy.admit: siteapi
  siteapi:
    image: example/siteapi
    expose: ["%[2]d"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.siteapi.rule: Host(`+"`site.tr.test`"+`) && PathPrefix(`+"`/api/`"+`)
`, traefikService(webEntryPoint(web)), s.port, apiPort, canaryPort)
	p, stderr := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": compose})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "app.tr.test"}, "app-ui")
	canary := map[string][]string{"X-Canary": {"1"}}
	for _, tc := range []struct {
		host, path string
		header     map[string][]string
		want, uri  string
	}{
		{"app.tr.test", "/", nil, "app-ui", "/"},
		{"app.tr.test", "/apidocs", nil, "app-api", "/apidocs"},
		{"app.tr.test", "/api/users", nil, "app-api", "/api/users"},
		{"app.tr.test", "/api/health", nil, "app-ui", "/api/health"},
		{"app.tr.test", "/api/healthz", nil, "app-api", "/api/healthz"},
		{"app.tr.test", "/", canary, "app-canary", "/"},
		{"app.tr.test", "/about", canary, "app-canary", "/about"},
		{"site.tr.test", "/", nil, "site", "/"},
		{"site.tr.test", "/api/orders", nil, "siteapi", "/api/orders"},
		{"site.tr.test", "/api", nil, "site", "/api"},
	} {
		wantAnswer(t, p.Addr, e2etest.Request{Host: tc.host, Path: tc.path, Header: tc.header}, tc.want, tc.uri)
	}
	// canary (priority 100) comes before api in Traefik, even for /api;
	// HAProxy tries the path first: the CLI names both.
	if !strings.Contains(stderr, "router canary (priority 100) comes before router api") {
		t.Errorf("the CLI did not warn that canary's priority orders it before api; it printed:\n%s", stderr)
	}
}

// stripPrefix, addPrefix and replacePath, alone and in a chain, change
// the path the server gets as Traefik's do: the first prefix of the list
// the path starts with is removed (as a string, a leading / kept), a
// prefix is put before the path, a path replaces it; the query string is
// kept.
func TestTraefikStripAddAndReplacePathMiddlewares(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("api", "127.0.92.1")
	s.serve("legacy", "127.0.92.2")
	s.serve("app", "127.0.92.3")
	s.serve("docs", "127.0.92.4")
	web := e2etest.FreePort(t)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("api", `traefik.enable: "true"`,
			"traefik.http.routers.api.rule: Host(`paths.tr.test`) && PathPrefix(`/api`)",
			"traefik.http.routers.api.middlewares: strip-api@docker",
			"traefik.http.middlewares.strip-api.stripprefix.prefixes: /api/v1,/api"),
		svc("legacy", `traefik.enable: "true"`,
			"traefik.http.routers.legacy.rule: Host(`old.tr.test`)",
			"traefik.http.routers.legacy.middlewares: to-new",
			"traefik.http.middlewares.to-new.replacepath.path: /new/index.html"),
		svc("app", `traefik.enable: "true"`,
			"traefik.http.routers.app.rule: Host(`app.tr.test`)",
			"traefik.http.routers.app.middlewares: app-chain",
			"traefik.http.middlewares.app-chain.chain.middlewares: strip-app,add-v2",
			"traefik.http.middlewares.strip-app.stripprefix.prefixes: /app/",
			"traefik.http.middlewares.add-v2.addprefix.prefix: /v2"),
		svc("docs", `traefik.enable: "true"`,
			"traefik.http.routers.docs.rule: Host(`docs.tr.test`)",
			"traefik.http.routers.docs.middlewares: add-v2@docker"),
	)})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "app.tr.test"}, "app")
	for _, tc := range []struct{ host, path, backend, uri string }{
		{"paths.tr.test", "/api/users?q=1", "api", "/users?q=1"},
		{"paths.tr.test", "/api/v1/users", "api", "/users"},
		{"paths.tr.test", "/api/v2/users", "api", "/v2/users"},
		{"paths.tr.test", "/api", "api", "/"},
		{"paths.tr.test", "/apis", "api", "/s"}, // strings, not segments
		{"old.tr.test", "/any/page?id=3", "legacy", "/new/index.html?id=3"},
		{"old.tr.test", "/", "legacy", "/new/index.html"},
		{"app.tr.test", "/app/x?y=1", "app", "/v2/x?y=1"},
		{"app.tr.test", "/app", "app", "/v2/app"}, // /app is not /app/
		{"app.tr.test", "/other", "app", "/v2/other"},
		{"docs.tr.test", "/", "docs", "/v2/"},
		{"docs.tr.test", "/guide?lang=en", "docs", "/v2/guide?lang=en"},
	} {
		wantAnswer(t, p.Addr, e2etest.Request{Host: tc.host, Path: tc.path}, tc.backend, tc.uri)
	}
	wantStatus(t, "paths.tr.test/ (no router)", p.Addr, e2etest.Request{Host: "paths.tr.test"}, 404, "")
}

// HTTP to HTTPS, both ways Traefik users write it. On the entry point
// (http.redirections): every router's plain requests are redirected to
// the HTTPS entry point's port, permanently (301, 308 for a POST), and
// HTTPS is served. By a redirectScheme middleware: only its routers
// redirect, permanent=true with 301/308, permanent=false with 302 for a
// GET; a router without it serves plain HTTP.
func TestTraefikRedirectSchemeFromTheEntryPointAndFromAMiddleware(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("app", "127.0.93.1")
	s.serve("shop", "127.0.93.2")
	s.serve("plain", "127.0.93.3")
	hosts := []string{"app.tr.test", "shop.tr.test", "plain.tr.test"}
	certs, roots := writeCerts(t, hosts)
	flags := func(web, websecure int, more ...string) []string {
		return append(webEntryPoint(web), append([]string{fmt.Sprintf("--entrypoints.websecure.address=:%d", websecure)}, more...)...)
	}
	tlsArgs := func(websecure int) []string {
		return []string{"--tls", certs, "--tls-bind", fmt.Sprintf("127.0.0.1:%d", websecure)}
	}

	t.Run("entry point", func(t *testing.T) {
		web, websecure := e2etest.FreePort(t), e2etest.FreePort(t)
		p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(
			traefikService(flags(web, websecure,
				"--entrypoints.web.http.redirections.entrypoint.to=websecure",
				"--entrypoints.web.http.redirections.entrypoint.scheme=https",
				"--entrypoints.websecure.http.tls=true")),
			svc("app", `traefik.enable: "true"`,
				"traefik.http.routers.app.rule: Host(`app.tr.test`)",
				"traefik.http.routers.app.entrypoints: websecure"),
			// No entry points: all of them, as in Traefik.
			svc("shop", `traefik.enable: "true"`, "traefik.http.routers.shop.rule: Host(`shop.tr.test`)"),
		)}, tlsArgs(websecure)...)
		tlsAddr := fmt.Sprintf("127.0.0.1:%d", websecure)
		e2etest.WaitListening(t, tlsAddr, 30*time.Second)
		waitRoutesTLS(t, tlsAddr, roots, "app.tr.test", "app")
		waitRoutesTLS(t, tlsAddr, roots, "shop.tr.test", "shop")
		for _, host := range []string{"app.tr.test", "shop.tr.test"} {
			got := e2etest.Send(t, p.Addr, e2etest.Request{Host: host, Path: "/x?y=1"})
			wantRedirect(t, "GET http://"+host+"/x?y=1", got, fmt.Sprintf("https://%s:%d/x?y=1", host, websecure))
			got = e2etest.Send(t, p.Addr, e2etest.Request{Method: "POST", Host: host, Path: "/form", Body: []byte("a=1")})
			wantRedirectCode(t, "POST http://"+host+"/form", got, 308, fmt.Sprintf("https://%s:%d/form", host, websecure))
		}
	})

	t.Run("middleware", func(t *testing.T) {
		web, websecure := e2etest.FreePort(t), e2etest.FreePort(t)
		p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(
			traefikService(flags(web, websecure)),
			svc("app", `traefik.enable: "true"`,
				"traefik.http.routers.app.rule: Host(`app.tr.test`)",
				"traefik.http.routers.app.entrypoints: web",
				"traefik.http.routers.app.middlewares: to-https",
				"traefik.http.middlewares.to-https.redirectscheme.scheme: https",
				`traefik.http.middlewares.to-https.redirectscheme.permanent: "true"`,
				"traefik.http.routers.app-secure.rule: Host(`app.tr.test`)",
				"traefik.http.routers.app-secure.entrypoints: websecure",
				`traefik.http.routers.app-secure.tls: "true"`),
			svc("shop", `traefik.enable: "true"`,
				"traefik.http.routers.shop.rule: Host(`shop.tr.test`)",
				"traefik.http.routers.shop.middlewares: to-https-for-now",
				"traefik.http.middlewares.to-https-for-now.redirectscheme.scheme: https",
				`traefik.http.middlewares.to-https-for-now.redirectscheme.permanent: "false"`,
				// A router without tls takes plain HTTP only, as in
				// Traefik: HTTPS needs a router of its own.
				"traefik.http.routers.shop-secure.rule: Host(`shop.tr.test`)",
				`traefik.http.routers.shop-secure.tls: "true"`),
			svc("plain", `traefik.enable: "true"`,
				"traefik.http.routers.plain.rule: Host(`plain.tr.test`)",
				"traefik.http.routers.plain.entrypoints: web"),
		)}, tlsArgs(websecure)...)
		tlsAddr := fmt.Sprintf("127.0.0.1:%d", websecure)
		e2etest.WaitListening(t, tlsAddr, 30*time.Second)
		waitRoutesTLS(t, tlsAddr, roots, "app.tr.test", "app")
		waitRoutesTLS(t, tlsAddr, roots, "shop.tr.test", "shop")
		wantAnswer(t, p.Addr, e2etest.Request{Host: "plain.tr.test", Path: "/x"}, "plain", "/x")
		got := e2etest.Send(t, p.Addr, e2etest.Request{Host: "app.tr.test", Path: "/x?y=1"})
		wantRedirect(t, "GET http://app.tr.test/x?y=1", got, fmt.Sprintf("https://app.tr.test:%d/x?y=1", websecure))
		got = e2etest.Send(t, p.Addr, e2etest.Request{Method: "POST", Host: "app.tr.test", Path: "/form"})
		wantRedirectCode(t, "POST http://app.tr.test/form", got, 308, fmt.Sprintf("https://app.tr.test:%d/form", websecure))
		got = e2etest.Send(t, p.Addr, e2etest.Request{Host: "shop.tr.test", Path: "/cart"})
		wantRedirectCode(t, "GET http://shop.tr.test/cart", got, 302, fmt.Sprintf("https://shop.tr.test:%d/cart", websecure))
	})
}

// bcryptHash is "s3cret" as htpasswd -nbB writes it ($2y$, cost 5), the
// hash Traefik's documentation tells its users to make.
const bcryptHash = "$2y$05$McVU5JDrfqVUQEQv5MqOYuAj21Pzy1h3WxycXYWYJm8d9Iwe/G79i"

// basicAuth and ipAllowList keep their routers shut as Traefik does: a
// user of the list with the right password gets in (bcrypt as htpasswd
// -B writes it, and SHA-512 crypt), anyone else gets 401 with the realm
// and never reaches the server, which does not see the credentials
// (removeHeader); a client outside sourceRange gets 403, whoever it is.
// ipWhiteList, v2's name, and a chain holding both do the same.
func TestTraefikBasicAuthAndIPAllowListKeepTheirRoutersShut(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	admin := s.serve("admin", "127.0.94.1")
	office := s.serve("office", "127.0.94.2")
	vault := s.serve("vault", "127.0.94.3")
	const inside, outside = "127.0.94.10", "127.0.94.100"
	dollars := func(h string) string { return strings.ReplaceAll(h, "$", "$$") }
	web := e2etest.FreePort(t)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("admin", `traefik.enable: "true"`,
			"traefik.http.routers.admin.rule: Host(`admin.tr.test`)",
			"traefik.http.routers.admin.middlewares: admins",
			`traefik.http.middlewares.admins.basicauth.users: "alice:`+dollars(bcryptHash)+`,bob:`+dollars(sha512Hash)+`"`,
			"traefik.http.middlewares.admins.basicauth.realm: Admins",
			`traefik.http.middlewares.admins.basicauth.removeheader: "true"`),
		svc("office", `traefik.enable: "true"`,
			"traefik.http.routers.office.rule: Host(`office.tr.test`)",
			"traefik.http.routers.office.middlewares: office-only",
			"traefik.http.middlewares.office-only.ipallowlist.sourcerange: 127.0.94.0/28, 127.0.0.1/32"),
		svc("vault", `traefik.enable: "true"`,
			"traefik.http.routers.vault.rule: Host(`vault.tr.test`)",
			"traefik.http.routers.vault.middlewares: vault-chain",
			"traefik.http.middlewares.vault-chain.chain.middlewares: vault-lan,vault-users",
			"traefik.http.middlewares.vault-lan.ipwhitelist.sourcerange: 127.0.94.0/28",
			`traefik.http.middlewares.vault-users.basicauth.users: "carol:`+dollars(sha256Hash)+`"`),
	)})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "office.tr.test"}, "office")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "admin.tr.test", Header: basicAuth("alice", "s3cret")}, "admin")

	wantStatus(t, "bob on admin", p.Addr, e2etest.Request{Host: "admin.tr.test", Header: basicAuth("bob", "s3cret")}, 200, "admin")
	if r := admin.LastRequest(); r == nil {
		t.Error("admin got no request")
	} else if h := r.Header.Get("Authorization"); h != "" {
		t.Errorf("removeHeader: the server got Authorization %q, want none", h)
	}
	wantChallenged(t, p.Addr, "admin.tr.test", "Admins", admin, basicAuth("alice", "wrong"), basicAuth("carol", "s3cret"))

	wantStatus(t, "office from inside sourceRange", p.Addr, e2etest.Request{Host: "office.tr.test", From: inside}, 200, "office")
	before := office.Requests()
	wantStatus(t, "office from outside sourceRange", p.Addr, e2etest.Request{Host: "office.tr.test", From: outside}, 403, "")
	if n := office.Requests() - before; n != 0 {
		t.Errorf("%d refused requests reached office", n)
	}

	wantStatus(t, "vault: carol from inside", p.Addr, e2etest.Request{Host: "vault.tr.test", From: inside, Header: basicAuth("carol", "s3cret")}, 200, "vault")
	before = vault.Requests()
	wantStatus(t, "vault: no credentials from inside", p.Addr, e2etest.Request{Host: "vault.tr.test", From: inside}, 401, "")
	wantStatus(t, "vault: carol from outside", p.Addr, e2etest.Request{Host: "vault.tr.test", From: outside, Header: basicAuth("carol", "s3cret")}, 403, "")
	if n := vault.Requests() - before; n != 0 {
		t.Errorf("%d refused requests reached vault", n)
	}
}

// The headers middleware sets and deletes request and response headers
// and adds the security headers it is given; the entry point's
// middlewares (http.middlewares, here defined on the Traefik service
// itself) apply to every router on it, before the router's own. compress
// gzips for a client that accepts it. An allowed CORS origin is answered
// with Access-Control-Allow-Origin; another is not.
func TestTraefikHeadersAndCompressMiddlewares(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	api := s.serve("api", "127.0.95.1")
	s.serve("site", "127.0.95.2")
	web := e2etest.FreePort(t)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(
		traefikService(append(webEntryPoint(web), "--entrypoints.web.http.middlewares=secure-headers@docker"),
			`traefik.enable: "true"`,
			`traefik.http.middlewares.secure-headers.headers.framedeny: "true"`,
			`traefik.http.middlewares.secure-headers.headers.contenttypenosniff: "true"`,
			`traefik.http.middlewares.secure-headers.headers.browserxssfilter: "true"`,
			"traefik.http.middlewares.secure-headers.headers.referrerpolicy: same-origin"),
		svc("api", `traefik.enable: "true"`,
			"traefik.http.routers.api.rule: Host(`api.tr.test`)",
			"traefik.http.routers.api.middlewares: api-headers,gzip",
			"traefik.http.middlewares.api-headers.headers.customrequestheaders.X-Script-Name: /api",
			`traefik.http.middlewares.api-headers.headers.customrequestheaders.X-Client-Secret: ""`,
			`traefik.http.middlewares.api-headers.headers.customresponseheaders.X-Api-Version: "2"`,
			`traefik.http.middlewares.api-headers.headers.customresponseheaders.X-Seen-Proto: ""`,
			"traefik.http.middlewares.api-headers.headers.referrerpolicy: no-referrer",
			"traefik.http.middlewares.api-headers.headers.contentsecuritypolicy: default-src 'self'",
			"traefik.http.middlewares.api-headers.headers.accesscontrolalloworiginlist: https://app.tr.test",
			`traefik.http.middlewares.gzip.compress: "true"`),
		svc("site", `traefik.enable: "true"`, "traefik.http.routers.site.rule: Host(`site.tr.test`)"),
	)})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api.tr.test"}, "api")

	got := e2etest.Send(t, p.Addr, e2etest.Request{Host: "api.tr.test", Path: "/v",
		Header: map[string][]string{"X-Script-Name": {"/forged"}, "X-Client-Secret": {"leak"}, "Origin": {"https://app.tr.test"}}})
	if got.Status != 200 || got.Backend != "api" {
		t.Fatalf("api.tr.test/v: %v", got)
	}
	seen := api.LastRequest().Header
	if g := seen.Values("X-Script-Name"); len(g) != 1 || g[0] != "/api" {
		t.Errorf("the server got X-Script-Name %q, want only /api", g)
	}
	if g := seen.Get("X-Client-Secret"); g != "" {
		t.Errorf("the server got X-Client-Secret %q, want it deleted", g)
	}
	wantHeaders(t, "api: the client got", got.Header, map[string]string{
		"X-Api-Version":               "2",
		"X-Seen-Proto":                "", // the server's, deleted
		"X-Frame-Options":             "DENY",
		"X-Content-Type-Options":      "nosniff",
		"X-Xss-Protection":            "1; mode=block",
		"Referrer-Policy":             "no-referrer", // the router's own, after the entry point's
		"Content-Security-Policy":     "default-src 'self'",
		"Access-Control-Allow-Origin": "https://app.tr.test",
	})
	other := e2etest.Send(t, p.Addr, e2etest.Request{Host: "api.tr.test", Header: map[string][]string{"Origin": {"https://evil.example"}}})
	if h := other.Header.Get("Access-Control-Allow-Origin"); other.Status != 200 || h != "" {
		t.Errorf("api from another origin: %v with Access-Control-Allow-Origin %q, want 200 without it", other, h)
	}

	// A body over Traefik's minResponseBodyBytes (1024), which Traefik
	// compresses too: the server's body holds the path.
	page := "/page/" + strings.Repeat("a", 1100)
	gz := e2etest.Do(t, p.Addr, "GET", "api.tr.test", page, map[string][]string{"Accept-Encoding": {"gzip"}})
	if gz.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("api with Accept-Encoding: gzip: Content-Encoding %q (%v), want gzip", gz.Header.Get("Content-Encoding"), gz)
	} else if body := gunzip(t, gz.Body); body != "api GET "+page+"\n" {
		t.Errorf("api: gunzipped body %q, want the server's", body)
	}
	if plain := e2etest.Do(t, p.Addr, "GET", "api.tr.test", page, nil); plain.Header.Get("Content-Encoding") != "" || plain.Body != "api GET "+page+"\n" {
		t.Errorf("api without Accept-Encoding: %v, Content-Encoding %q; want the plain body", plain, plain.Header.Get("Content-Encoding"))
	}

	// site has the entry point's headers only, and no compression.
	got = e2etest.Do(t, p.Addr, "GET", "site.tr.test", "/", map[string][]string{"Accept-Encoding": {"gzip"}})
	if got.Status != 200 || got.Backend != "site" {
		t.Fatalf("site.tr.test/: %v", got)
	}
	wantHeaders(t, "site: the client got", got.Header, map[string]string{
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"Content-Security-Policy": "",
		"Content-Encoding":        "",
	})
}

// gunzip is the gzip body b, decompressed.
func gunzip(t *testing.T, b string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(b))
	if err != nil {
		t.Fatalf("the gzip body does not read: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("the gzip body does not read: %v", err)
	}
	return string(out)
}

// rateLimit average=3 period=2s: a client's fourth request within the
// period gets 429 and never reaches the server, another client is not
// affected, and after the Retry-After the HAProxy sends the first gets in
// again. (Traefik refills a token bucket steadily where HAProxy counts
// in a window: the CLI warns; both refuse the fourth request at once.)
func TestTraefikRateLimitAnswers429AfterTheAverage(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	api := s.serve("api", "127.0.96.1")
	web := e2etest.FreePort(t)
	p, stderr := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("api", `traefik.enable: "true"`,
			"traefik.http.routers.api.rule: Host(`api.tr.test`)",
			"traefik.http.routers.api.middlewares: limit",
			`traefik.http.middlewares.limit.ratelimit.average: "3"`,
			"traefik.http.middlewares.limit.ratelimit.period: 2s",
			`traefik.http.middlewares.limit.ratelimit.burst: "3"`),
	)})
	if !strings.Contains(stderr, "token bucket") {
		t.Errorf("the CLI did not say how HAProxy's rate limit differs from Traefik's; it printed:\n%s", stderr)
	}
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api.tr.test"}, "api")
	client, other := e2etest.Request{Host: "api.tr.test", From: "127.0.96.50"}, e2etest.Request{Host: "api.tr.test", From: "127.0.96.51"}
	for i := 1; i <= 3; i++ {
		wantStatus(t, fmt.Sprintf("request %d of 3", i), p.Addr, client, 200, "api")
	}
	before := api.Requests()
	got := wantStatus(t, "request 4 of 3", p.Addr, client, 429, "")
	if api.Requests() != before {
		t.Error("the refused request reached the server")
	}
	wantStatus(t, "another client", p.Addr, other, 200, "api")
	retry, err := strconv.Atoi(got.Header.Get("Retry-After"))
	if err != nil || retry < 1 {
		t.Fatalf("429 with Retry-After %q, want a number of seconds", got.Header.Get("Retry-After"))
	}
	// Waiting is what is under test: a sleep, not a poll (each poll would
	// be a request that counts).
	time.Sleep(time.Duration(retry)*time.Second + 100*time.Millisecond)
	wantStatus(t, "the request after Retry-After", p.Addr, client, 200, "api")
}

// inFlightReq counts the requests in progress per Host by default, as
// Traefik does: with one request to a.tr.test held by the server, another
// to a.tr.test gets 429 whichever client sends it, and one to b.tr.test
// (the same router) gets through. With requestHeaderName, per value of
// the header, and the requests without it (or with it empty) are one
// source, as in Traefik.
func TestTraefikInFlightReqCountsPerHostByDefaultOrPerHeader(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	web, api := s.serve("web", "127.0.110.2"), s.serve("api", "127.0.110.3")
	port := e2etest.FreePort(t)
	p, stderr := startTraefik(t, s.dns, port, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(port)),
		svc("web", `traefik.enable: "true"`,
			"traefik.http.routers.web.rule: Host(`a.tr.test`) || Host(`b.tr.test`)",
			"traefik.http.routers.web.middlewares: one-per-host",
			`traefik.http.middlewares.one-per-host.inflightreq.amount: "1"`),
		svc("api", `traefik.enable: "true"`,
			"traefik.http.routers.api.rule: Host(`api.tr.test`)",
			"traefik.http.routers.api.middlewares: one-per-key",
			`traefik.http.middlewares.one-per-key.inflightreq.amount: "1"`,
			"traefik.http.middlewares.one-per-key.inflightreq.sourcecriterion.requestheadername: X-Api-Key"),
	)})
	if stderr != "" {
		t.Errorf("the CLI printed:\n%s", stderr)
	}
	// Sources of their own: the held requests below must not find the
	// entry of one of these still held, which HAProxy lets go of a moment
	// after the client has read the answer.
	key := func(v string) http.Header { return http.Header{"X-Api-Key": {v}} }
	waitRoutes(t, p.Addr, e2etest.Request{Host: "b.tr.test"}, "web")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api.tr.test", Header: key("ready")}, "api")
	webHold, apiHold := web.Hold(t, "/slow"), api.Hold(t, "/slow")
	held := []e2etest.Request{
		{Host: "a.tr.test", Path: "/slow", From: "127.0.110.60"},
		{Host: "api.tr.test", Path: "/slow", From: "127.0.110.60", Header: key("k1")},
		{Host: "api.tr.test", Path: "/slow", From: "127.0.110.60"},
	}
	answers := make(chan e2etest.Response, len(held))
	for _, r := range held {
		go func() { answers <- e2etest.Send(t, p.Addr, r) }()
	}
	webHold.Wait(t, 1)
	apiHold.Wait(t, 2)

	other := "127.0.110.61"
	wantStatus(t, "a.tr.test from another client", p.Addr, e2etest.Request{Host: "a.tr.test", From: other}, 429, "")
	wantStatus(t, "b.tr.test", p.Addr, e2etest.Request{Host: "b.tr.test", From: other}, 200, "web")
	wantStatus(t, "key k1 from another client", p.Addr, e2etest.Request{Host: "api.tr.test", From: other, Header: key("k1")}, 429, "")
	wantStatus(t, "key k2", p.Addr, e2etest.Request{Host: "api.tr.test", From: other, Header: key("k2")}, 200, "api")
	wantStatus(t, "no key", p.Addr, e2etest.Request{Host: "api.tr.test", From: other}, 429, "")
	wantStatus(t, "an empty key", p.Addr, e2etest.Request{Host: "api.tr.test", From: other, Header: key("")}, 429, "")

	webHold.Release()
	apiHold.Release()
	for range held {
		if got := <-answers; got.Err != nil || got.Status != 200 {
			t.Errorf("a request held in progress: %v, want 200", got)
		}
	}
	// Once answered, they leave room (a moment after the client reads
	// the answer: see TestMaxInFlightRefusesTheRequestBeyondThoseInProgress).
	waitRoutes(t, p.Addr, e2etest.Request{Host: "a.tr.test", From: other}, "web")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api.tr.test", From: other}, "api")
}

// loadbalancer.sticky.cookie keeps a browser on the server that answered
// it first, over three replicas, with the cookie of the name given; without
// the cookie requests are spread.
func TestTraefikStickyCookieKeepsAClientOnOneServer(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	ips := []string{"127.0.97.1", "127.0.97.2", "127.0.97.3"}
	for _, ip := range ips {
		e2etest.StartBackend(t, ip, s.port)
	}
	s.dns.Set("web", ips...)
	web := e2etest.FreePort(t)
	p, stderr := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("web", `traefik.enable: "true"`,
			"traefik.http.routers.web.rule: Host(`web.tr.test`)",
			`traefik.http.services.web.loadbalancer.sticky.cookie: "true"`,
			"traefik.http.services.web.loadbalancer.sticky.cookie.name: web_session"),
	)})
	if strings.Contains(stderr, "sticky") {
		t.Errorf("the CLI warned about the sticky cookie, whose name carries over; it printed:\n%s", stderr)
	}
	e2etest.Eventually(t, 10*time.Second, "the three replicas to answer", func() (bool, string) {
		return onlyBackends(t, p.Addr, "web.tr.test", 9, ips...)
	})
	landed := map[string]bool{}
	for i := range 4 {
		c := e2etest.NewClient(t, p.Addr)
		first := c.Get("web.tr.test", "/")
		if first.Status != 200 || !strings.HasPrefix(first.Header.Get("Set-Cookie"), "web_session=") {
			t.Fatalf("client %d: first request: %v with Set-Cookie %q, want 200 with the cookie web_session", i, first, first.Header.Get("Set-Cookie"))
		}
		landed[first.Backend] = true
		for j := range 12 {
			if r := c.Get("web.tr.test", "/"); r.Status != 200 || r.Backend != first.Backend {
				t.Fatalf("client %d, request %d with cookie %q: %v, want 200 from %s", i, j+2, cookieHeader(c, "web.tr.test"), r, first.Backend)
			}
		}
	}
	t.Logf("4 clients with cookies stuck to %d replicas", len(landed))
	if got := e2etest.Spread(t, p.Addr, "web.tr.test", "/", 30); !e2etest.SameKeys(got, ips...) {
		t.Errorf("without cookies: %v, want requests spread over the three replicas", got)
	}
}

// loadbalancer.healthcheck.path with interval and timeout: a server whose
// check fails is taken out within a few intervals, and put back once it
// passes again; the healthy one answers throughout.
func TestTraefikHealthCheckTakesAServerOutAndBackIn(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	sick := e2etest.StartBackend(t, "127.0.98.1", s.port)
	well := e2etest.StartBackend(t, "127.0.98.2", s.port)
	s.dns.Set("web", sick.IP, well.IP)
	web := e2etest.FreePort(t)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("web", `traefik.enable: "true"`,
			"traefik.http.routers.web.rule: Host(`web.tr.test`)",
			"traefik.http.services.web.loadbalancer.healthcheck.path: /health",
			"traefik.http.services.web.loadbalancer.healthcheck.interval: 500ms",
			"traefik.http.services.web.loadbalancer.healthcheck.timeout: 1s"),
	)})
	e2etest.Eventually(t, 10*time.Second, "both servers to answer", func() (bool, string) {
		return onlyBackends(t, p.Addr, "web.tr.test", 6, sick.IP, well.IP)
	})
	e2etest.Eventually(t, 5*time.Second, "HAProxy to check /health on both servers", func() (bool, string) {
		return sick.HealthChecks() > 0 && well.HealthChecks() > 0, fmt.Sprintf("checks: %d, %d", sick.HealthChecks(), well.HealthChecks())
	})
	sick.SetHealthy(false)
	out := e2etest.Eventually(t, 10*time.Second, "the failing server to be taken out", func() (bool, string) {
		return onlyBackends(t, p.Addr, "web.tr.test", 10, well.IP)
	})
	served := sick.Requests()
	if got := e2etest.Spread(t, p.Addr, "web.tr.test", "/", 20); !e2etest.SameKeys(got, well.IP) {
		t.Errorf("with %s failing its check: %v, want every request on %s", sick.IP, got, well.IP)
	}
	if n := sick.Requests() - served; n != 0 {
		t.Errorf("the failing server got %d requests after it was taken out", n)
	}
	sick.SetHealthy(true)
	in := e2etest.Eventually(t, 10*time.Second, "the recovered server to be put back", func() (bool, string) {
		return onlyBackends(t, p.Addr, "web.tr.test", 6, sick.IP, well.IP)
	})
	t.Logf("checks every 500ms: out after %v, back after %v", out.Round(10*time.Millisecond), in.Round(10*time.Millisecond))
	if out > 3*time.Second || in > 3*time.Second {
		t.Errorf("checks every 500ms should take a server out and back within 3s, took %v and %v", out, in)
	}
}

// The stack of docs/traefik.md's worked migration, after its steps 2
// (the password re-hashed with htpasswd -nbB) and 3 (the dashboard left
// out), its entry points on the test's ports: plain HTTP is redirected
// to HTTPS, HTTPS answers carry the entry point's security headers and
// HSTS, grafana asks for its password, and the dashboard's host is
// nobody's.
func TestTraefikTheWorkedMigrationStackServesOverHTTPS(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("nextcloud", "127.0.99.1")
	grafana := s.serve("grafana", "127.0.99.2")
	certs, roots := writeCerts(t, []string{"cloud.example.com", "grafana.example.com", "traefik.example.com"})
	web, websecure := e2etest.FreePort(t), e2etest.FreePort(t)
	compose := strings.NewReplacer("WEBSECURE", fmt.Sprint(websecure), "WEB", fmt.Sprint(web), "PORT", fmt.Sprint(s.port),
		"HASH", strings.ReplaceAll(bcryptHash, "$", "$$")).Replace(`services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker.exposedbydefault=false
      - --entrypoints.web.address=:WEB
      - --entrypoints.web.http.redirections.entrypoint.to=websecure
      - --entrypoints.websecure.address=:WEBSECURE
      - --entrypoints.websecure.http.middlewares=secure-headers@docker
      - --certificatesresolvers.le.acme.tlschallenge=true
    ports: ["80:80", "443:443"]
    volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
    labels:
      traefik.enable: "true"
      compose2haproxy.traefik.ignore: dashboard
      traefik.http.routers.dashboard.rule: Host(` + "`traefik.example.com`" + `)
      traefik.http.routers.dashboard.service: api@internal
      traefik.http.middlewares.secure-headers.headers.stsseconds: "31536000"
      traefik.http.middlewares.secure-headers.headers.framedeny: "true"
  nextcloud:
    image: nextcloud
    expose: ["PORT"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.cloud.rule: Host(` + "`cloud.example.com`" + `)
      traefik.http.routers.cloud.entrypoints: websecure
      traefik.http.routers.cloud.tls.certresolver: le
  grafana:
    image: grafana/grafana
    expose: ["PORT"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.grafana.rule: Host(` + "`grafana.example.com`" + `)
      traefik.http.routers.grafana.entrypoints: websecure
      traefik.http.routers.grafana.tls.certresolver: le
      traefik.http.routers.grafana.middlewares: admins
      traefik.http.middlewares.admins.basicauth.users: "admin:HASH"
`)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": compose},
		"--tls", certs, "--tls-bind", fmt.Sprintf("127.0.0.1:%d", websecure))
	tlsAddr := fmt.Sprintf("127.0.0.1:%d", websecure)
	e2etest.WaitListening(t, tlsAddr, 30*time.Second)
	got := waitRoutesTLS(t, tlsAddr, roots, "cloud.example.com", "nextcloud")
	wantHeaders(t, "https://cloud.example.com/", got.Header, map[string]string{
		"Strict-Transport-Security": "max-age=31536000",
		"X-Frame-Options":           "DENY",
	})
	for _, host := range []string{"cloud.example.com", "grafana.example.com"} {
		r := e2etest.Send(t, p.Addr, e2etest.Request{Host: host, Path: "/login?next=/"})
		wantRedirect(t, "http://"+host+"/login?next=/", r, fmt.Sprintf("https://%s:%d/login?next=/", host, websecure))
		if h := r.Header.Get("Strict-Transport-Security"); h != "" {
			t.Errorf("http://%s: Strict-Transport-Security %q over plain HTTP", host, h)
		}
	}
	before := grafana.Requests()
	if r := e2etest.DoTLS(t, tlsAddr, roots, "grafana.example.com", "/", true, nil); r.Status != 401 {
		t.Errorf("https://grafana.example.com/ without the password: %v, want 401", r)
	}
	if n := grafana.Requests() - before; n != 0 {
		t.Errorf("%d requests without the password reached grafana", n)
	}
	if r := e2etest.DoTLS(t, tlsAddr, roots, "grafana.example.com", "/", true, basicAuth("admin", "s3cret")); r.Status != 200 || r.Backend != "grafana" {
		t.Errorf("https://grafana.example.com/ with the password: %v, want 200 from grafana", r)
	}
	if r := e2etest.DoTLS(t, tlsAddr, roots, "traefik.example.com", "/dashboard/", true, nil); r.Status != 404 {
		t.Errorf("https://traefik.example.com/dashboard/ (left out): %v, want 404", r)
	}
}

// wantChallenged sends host a request without credentials, then one with
// each of creds, and wants each answered 401 with a challenge of realm,
// none reaching server.
func wantChallenged(t *testing.T, addr, host, realm string, server *e2etest.Backend, creds ...http.Header) {
	t.Helper()
	before := server.Requests()
	for i, h := range append([]http.Header{nil}, creds...) {
		what := fmt.Sprintf("%s with credentials %d of %d", host, i, len(creds))
		if h == nil {
			what = host + " without credentials"
		}
		got := wantStatus(t, what, addr, e2etest.Request{Host: host, Header: h}, 401, "")
		if c := got.Header.Get("WWW-Authenticate"); c != `Basic realm="`+realm+`"` {
			t.Errorf("%s: WWW-Authenticate %q, want the realm %s", what, c, realm)
		}
	}
	if n := server.Requests() - before; n != 0 {
		t.Errorf("%d refused requests reached %s", n, host)
	}
}
