package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// More of Traefik's labels through a real HAProxy: rules by regexp, path
// rewrites by regexp, an allow-list that reads X-Forwarded-For, the
// ping@internal router, and a service's sticky cookie and health check
// settings.

// ipAllowList with ipStrategy.depth=1, run with --trusted-proxy: a
// request from the trusted proxy is checked by the last X-Forwarded-For
// address (the one the proxy appended), one from anyone else by its own
// address, whatever X-Forwarded-For it claims. (A client that connects
// directly is let in by its own address, where Traefik would refuse it
// for want of X-Forwarded-For: the difference docs/traefik.md states.)
func TestTraefikIPAllowListDepthReadsXForwardedForFromTrustedProxies(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	admin := s.serve("admin", "127.0.102.1")
	const (
		balancer  = "127.0.102.5"  // the trusted proxy in front
		stranger  = "127.0.102.6"  // not trusted
		office    = "127.0.102.70" // inside sourceRange
		elsewhere = "127.0.102.200"
	)
	web := e2etest.FreePort(t)
	p, stderr := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("admin", `traefik.enable: "true"`,
			"traefik.http.routers.admin.rule: Host(`admin.tr.test`)",
			"traefik.http.routers.admin.middlewares: office",
			"traefik.http.middlewares.office.ipallowlist.sourcerange: 127.0.102.64/28",
			`traefik.http.middlewares.office.ipallowlist.ipstrategy.depth: "1"`),
	)}, "--trusted-proxy", balancer+"/32")
	if !strings.Contains(stderr, "ipStrategy.depth 1") {
		t.Errorf("the CLI did not say how depth 1 differs from Traefik's; it printed:\n%s", stderr)
	}
	xff := func(v string) map[string][]string { return map[string][]string{"X-Forwarded-For": {v}} }
	waitRoutes(t, p.Addr, e2etest.Request{Host: "admin.tr.test", From: balancer, Header: xff(office)}, "admin")
	for _, tc := range []struct {
		what, from string
		header     map[string][]string
		want       int
	}{
		{"the balancer for the office", balancer, xff(office), 200},
		{"the balancer for the office, behind another", balancer, xff(elsewhere + ", " + office), 200},
		{"the balancer for elsewhere", balancer, xff(office + ", " + elsewhere), 403},
		// Two lines of a header are one list, as HTTP defines them: the
		// last address is the second line's. (Traefik's depth reads the
		// first line only, which a client can write.)
		{"the balancer for elsewhere, in two headers", balancer, map[string][]string{"X-Forwarded-For": {office, elsewhere}}, 403},
		{"the balancer with no X-Forwarded-For", balancer, nil, 403},
		{"a stranger claiming the office", stranger, xff(office), 403},
		{"the office directly", office, nil, 200},
		{"elsewhere directly, claiming the office", elsewhere, xff(office), 403},
	} {
		before, backend := admin.Requests(), ""
		if tc.want == 200 {
			backend = "admin"
		}
		wantStatus(t, tc.what, p.Addr, e2etest.Request{Host: "admin.tr.test", From: tc.from, Header: tc.header}, tc.want, backend)
		if n := admin.Requests() - before; tc.want != 200 && n != 0 {
			t.Errorf("%s: the refused request reached admin", tc.what)
		}
	}
}

// A router to ping@internal is answered by HAProxy itself: 200 OK to GET
// and HEAD, the methods Traefik's documentation gives its ping, 405 to
// others, after the router's middlewares (an allow-list: 403 from
// outside, whatever the method); no server is asked, and other paths of
// the host are nobody's.
func TestTraefikPingRouterIsAnsweredByHAProxy(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	web := s.serve("web", "127.0.103.1")
	const inside, outside = "127.0.103.10", "127.0.103.100"
	port := e2etest.FreePort(t)
	p, _ := startTraefik(t, s.dns, port, map[string]string{"compose.yaml": s.trCompose(
		traefikService(append(webEntryPoint(port), "--ping=true", "--ping.manualrouting=true"),
			`traefik.enable: "true"`,
			"traefik.http.routers.ping.rule: Host(`proxy.tr.test`) && Path(`/ping`)",
			"traefik.http.routers.ping.service: ping@internal",
			"traefik.http.routers.ping.middlewares: office",
			"traefik.http.middlewares.office.ipallowlist.sourcerange: 127.0.103.0/28"),
		svc("web", `traefik.enable: "true"`, "traefik.http.routers.web.rule: Host(`www.tr.test`)"),
	)})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "www.tr.test"}, "web")
	before := web.Requests()
	for _, tc := range []struct {
		method, from string
		want         int
		body         string
	}{
		{"GET", inside, 200, "OK"},
		{"HEAD", inside, 200, ""},
		{"POST", inside, 405, ""},
		{"DELETE", inside, 405, ""},
		{"GET", outside, 403, ""},
		{"POST", outside, 403, ""},
	} {
		what := fmt.Sprintf("%s proxy.tr.test/ping from %s", tc.method, tc.from)
		got := e2etest.Send(t, p.Addr, e2etest.Request{Method: tc.method, Host: "proxy.tr.test", Path: "/ping", From: tc.from})
		if got.Err != nil || got.Status != tc.want || got.Backend != "" || (tc.body != "" && got.Body != tc.body) {
			t.Errorf("%s: %v, want %d %q from HAProxy", what, got, tc.want, tc.body)
		}
		if tc.want == 405 {
			if allow := got.Header.Get("Allow"); allow != "GET,HEAD" && allow != "GET, HEAD" {
				t.Errorf("%s: Allow %q, want GET and HEAD", what, allow)
			}
		}
	}
	wantStatus(t, "proxy.tr.test/pingx", p.Addr, e2etest.Request{Host: "proxy.tr.test", Path: "/pingx", From: inside}, 404, "")
	wantStatus(t, "www.tr.test/ping (web's)", p.Addr, e2etest.Request{Host: "www.tr.test", Path: "/ping", From: inside}, 200, "web")
	if n := web.Requests() - before; n != 1 {
		t.Errorf("web got %d requests, want only its own /ping", n)
	}
}

// HostRegexp and PathRegexp as the names and paths they match: a finite
// list of names (anchored at both ends), any name under a suffix, exact
// paths and string prefixes; HeaderRegexp's few values. Hosts and paths
// the patterns do not match are not routed.
func TestTraefikRegexpRulesRouteTheHostsAndPathsTheyMatch(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("site", "127.0.104.1")
	s.serve("apps", "127.0.104.2")
	const api = "127.0.104.3"
	healthPort, betaPort := e2etest.FreePort(t), e2etest.FreePort(t)
	s.serveOn("api", "api", api, s.port)
	s.serveOn("api", "api-health", api, healthPort)
	s.serveOn("api", "api-beta", api, betaPort)
	web := e2etest.FreePort(t)
	compose := fmt.Sprintf(`name: e2e
services:
%s  site:
    image: example/site
    expose: ["%[2]d"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.site.rule: HostRegexp(`+"`^(www\\.)?site\\.tr\\.test$`"+`)
  apps:
    image: example/apps
    expose: ["%[2]d"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.apps.rule: HostRegexp(`+"`^.+\\.apps\\.tr\\.test$`"+`)
  api:
    image: example/api
    expose: ["%[2]d", "%[3]d", "%[4]d"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.api.rule: Host(`+"`api.tr.test`"+`) && PathRegexp(`+"`^/(v1|v2)/`"+`)
      traefik.http.routers.api.service: api
      traefik.http.services.api.loadbalancer.server.port: "%[2]d"
      traefik.http.routers.health.rule: Host(`+"`api.tr.test`"+`) && PathRegexp(`+"`^/health(z)?$`"+`)
      traefik.http.routers.health.service: health
      traefik.http.services.health.loadbalancer.server.port: "%[3]d"
      traefik.http.routers.beta.rule: Host(`+"`api.tr.test`"+`) && PathRegexp(`+"`^/(v1|v2)/`"+`) && HeaderRegexp(`+"`X-Track`"+`, `+"`^(beta|canary)$`"+`)
      traefik.http.routers.beta.service: beta
      traefik.http.services.beta.loadbalancer.server.port: "%[4]d"
`, traefikService(webEntryPoint(web)), s.port, healthPort, betaPort)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": compose})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "site.tr.test"}, "site")
	track := func(v string) map[string][]string { return map[string][]string{"X-Track": {v}} }
	for _, tc := range []struct {
		host, path string
		header     map[string][]string
		want       string // "": 404
	}{
		{"site.tr.test", "/", nil, "site"},
		{"www.site.tr.test", "/a", nil, "site"},
		{"WWW.Site.tr.test", "/a", nil, "site"},
		{"wwwsite.tr.test", "/", nil, ""},
		{"xwww.site.tr.test", "/", nil, ""},
		{"www.www.site.tr.test", "/", nil, ""},
		{"site.tr.test.evil", "/", nil, ""},
		{"a.apps.tr.test", "/", nil, "apps"},
		{"x.y.apps.tr.test", "/", nil, "apps"},
		{"apps.tr.test", "/", nil, ""},
		{"a.apps.tr.testx", "/", nil, ""},
		{"api.tr.test", "/v1/users", nil, "api"},
		{"api.tr.test", "/v2/", nil, "api"},
		{"api.tr.test", "/v1", nil, ""},
		{"api.tr.test", "/v3/users", nil, ""},
		{"api.tr.test", "/x/v1/users", nil, ""},
		{"api.tr.test", "/health", nil, "api-health"},
		{"api.tr.test", "/healthz", nil, "api-health"},
		{"api.tr.test", "/healthzz", nil, ""},
		{"api.tr.test", "/health/x", nil, ""},
		{"api.tr.test", "/healthz?full=1", nil, "api-health"},
		{"api.tr.test", "/v1/users", track("beta"), "api-beta"},
		{"api.tr.test", "/v2/users", track("canary"), "api-beta"},
		{"api.tr.test", "/v1/users", track("beta2"), "api"},
		{"api.tr.test", "/v1/users", track("xbeta"), "api"},
		// Any of the header's lines, as Traefik.
		{"api.tr.test", "/v1/users", map[string][]string{"X-Track": {"stable", "canary"}}, "api-beta"},
		{"api.tr.test", "/v3/users", track("beta"), ""},
	} {
		what := "GET " + tc.host + tc.path
		if tc.header != nil {
			what += fmt.Sprint(" with ", tc.header)
		}
		r := e2etest.Request{Host: tc.host, Path: tc.path, Header: tc.header}
		wantRouted(t, what, p.Addr, r, tc.want)
	}
}

// replacePathRegex and stripPrefixRegex: the server gets the path as
// Traefik rewrites it (the pattern's groups, numbered and named, in the
// replacement; the rest of the path and the query kept); a path the
// pattern does not match is left alone.
func TestTraefikRegexpPathRewrites(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("api", "127.0.106.1")
	web := e2etest.FreePort(t)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("api", `traefik.enable: "true"`,
			"traefik.http.routers.old.rule: Host(`api.tr.test`) && PathPrefix(`/old/`)",
			"traefik.http.routers.old.middlewares: old-to-new",
			"traefik.http.middlewares.old-to-new.replacepathregex.regex: ^/old/(.*)",
			"traefik.http.middlewares.old-to-new.replacepathregex.replacement: /v2/$$1",
			"traefik.http.routers.users.rule: Host(`api.tr.test`) && PathPrefix(`/u/`)",
			"traefik.http.routers.users.middlewares: users",
			"traefik.http.middlewares.users.replacepathregex.regex: ^/u/(?P<user>[a-z]+)",
			"traefik.http.middlewares.users.replacepathregex.replacement: /users/$${user}/home",
			"traefik.http.routers.tenants.rule: Host(`api.tr.test`) && PathPrefix(`/t/`)",
			"traefik.http.routers.tenants.middlewares: tenant",
			"traefik.http.middlewares.tenant.stripprefixregex.regex: ^/t/[a-z]+-[0-9]+"),
	)})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api.tr.test", Path: "/old/x"}, "api")
	for _, tc := range []struct{ path, uri string }{
		{"/old/users/7?x=1", "/v2/users/7?x=1"},
		{"/old/", "/v2/"},
		{"/u/bob", "/users/bob/home"},
		{"/u/bob/profile?tab=2", "/users/bob/home/profile?tab=2"},
		{"/u/42", "/u/42"}, // no match: unchanged
		{"/t/acme-42/orders?page=3", "/orders?page=3"},
		{"/t/acme-42", "/"},
		{"/t/acme-42x/orders", "/x/orders"},
		{"/t/acme/orders", "/t/acme/orders"}, // no match: unchanged
	} {
		wantAnswer(t, p.Addr, e2etest.Request{Host: "api.tr.test", Path: tc.path}, "api", tc.uri)
	}
}

// The sticky cookie's settings: its name, Secure, HttpOnly and SameSite
// are those of the Set-Cookie HAProxy sends, and a client sending the
// cookie back stays on its server; a value naming no server, or a
// server's value under another name, is balanced as no cookie.
func TestTraefikStickyCookieSettingsAreTheSetCookie(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	ips := []string{"127.0.107.1", "127.0.107.2"}
	for _, ip := range ips {
		e2etest.StartBackend(t, ip, s.port)
	}
	s.dns.Set("app", ips...)
	web := e2etest.FreePort(t)
	p, stderr := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("app", `traefik.enable: "true"`,
			"traefik.http.routers.app.rule: Host(`app.tr.test`)",
			"traefik.http.services.app.loadbalancer.sticky.cookie.name: app_affinity",
			`traefik.http.services.app.loadbalancer.sticky.cookie.secure: "true"`,
			`traefik.http.services.app.loadbalancer.sticky.cookie.httponly: "true"`,
			"traefik.http.services.app.loadbalancer.sticky.cookie.samesite: strict"),
	)})
	if strings.Contains(stderr, "sticky") {
		t.Errorf("the CLI warned about the sticky cookie, whose settings all carry over; it printed:\n%s", stderr)
	}
	e2etest.Eventually(t, 10*time.Second, "both replicas to answer", func() (bool, string) {
		return onlyBackends(t, p.Addr, "app.tr.test", 6, ips...)
	})
	landed := map[string]string{} // cookie value → server
	for range 6 {
		got := e2etest.Do(t, p.Addr, "GET", "app.tr.test", "/", nil)
		if got.Status != 200 {
			t.Fatalf("app.tr.test/: %v", got)
		}
		set := got.Header.Values("Set-Cookie")
		if len(set) != 1 {
			t.Fatalf("app.tr.test/ from %s: Set-Cookie %q, want one", got.Backend, set)
		}
		c, err := http.ParseSetCookie(set[0])
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", set[0], err)
		}
		if c.Name != "app_affinity" || c.Value == "" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
			t.Errorf("Set-Cookie %q, want app_affinity with Secure, HttpOnly and SameSite=Strict", set[0])
		}
		landed[c.Value] = got.Backend
	}
	if len(landed) != 2 {
		t.Fatalf("6 requests without a cookie: cookies %v, want one per replica", landed)
	}
	for value, server := range landed {
		for i := range 8 {
			got := e2etest.Do(t, p.Addr, "GET", "app.tr.test", "/", http.Header{"Cookie": {"app_affinity=" + value}})
			if got.Status != 200 || got.Backend != server {
				t.Fatalf("request %d with app_affinity=%s: %v, want 200 from %s", i+1, value, got, server)
			}
		}
	}
	cookies := []string{"app_affinity=0123456789abcdef"}
	for value := range landed {
		cookies = append(cookies, "SERVERID="+value)
	}
	for _, cookie := range cookies {
		seen := map[string]int{}
		for range 8 {
			r := e2etest.Do(t, p.Addr, "GET", "app.tr.test", "/", http.Header{"Cookie": {cookie}})
			seen[r.Backend]++
		}
		if !e2etest.SameKeys(seen, ips...) {
			t.Errorf("8 requests with the cookie %s: %v, want both replicas", cookie, seen)
		}
	}
}

// healthcheck.port: the check asks another port of each server than the
// one requests go to; a server whose check port fails is taken out, its
// request port still healthy, and put back once the check passes.
func TestTraefikHealthCheckOnAnotherPort(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	checkPort := e2etest.FreePort(t)
	sick := e2etest.StartBackend(t, "127.0.108.1", s.port)
	well := e2etest.StartBackend(t, "127.0.108.2", s.port)
	sickCheck := e2etest.StartBackend(t, sick.IP, checkPort)
	wellCheck := e2etest.StartBackend(t, well.IP, checkPort)
	s.dns.Set("web", sick.IP, well.IP)
	web := e2etest.FreePort(t)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(traefikService(webEntryPoint(web)),
		svc("web", `traefik.enable: "true"`,
			"traefik.http.routers.web.rule: Host(`web.tr.test`)",
			fmt.Sprintf(`traefik.http.services.web.loadbalancer.server.port: "%d"`, s.port),
			"traefik.http.services.web.loadbalancer.healthcheck.path: /health",
			fmt.Sprintf(`traefik.http.services.web.loadbalancer.healthcheck.port: "%d"`, checkPort),
			"traefik.http.services.web.loadbalancer.healthcheck.interval: 500ms"),
	)})
	e2etest.Eventually(t, 10*time.Second, "both servers to answer", func() (bool, string) {
		return onlyBackends(t, p.Addr, "web.tr.test", 6, sick.IP, well.IP)
	})
	e2etest.Eventually(t, 5*time.Second, "HAProxy to check /health on the check port", func() (bool, string) {
		return sickCheck.HealthChecks() > 0 && wellCheck.HealthChecks() > 0, fmt.Sprintf("checks: %d, %d", sickCheck.HealthChecks(), wellCheck.HealthChecks())
	})
	if n := sick.HealthChecks() + well.HealthChecks(); n != 0 {
		t.Errorf("the request port got %d checks, want them all on port %d", n, checkPort)
	}
	if n := sickCheck.Requests() + wellCheck.Requests(); n != 0 {
		t.Errorf("the check port got %d requests, want only checks", n)
	}
	sickCheck.SetHealthy(false) // its request port still answers /health with 200
	e2etest.Eventually(t, 10*time.Second, "the server failing its check port to be taken out", func() (bool, string) {
		return onlyBackends(t, p.Addr, "web.tr.test", 10, well.IP)
	})
	served := sick.Requests()
	if got := e2etest.Spread(t, p.Addr, "web.tr.test", "/", 20); !e2etest.SameKeys(got, well.IP) {
		t.Errorf("with %s failing its check: %v, want every request on %s", sick.IP, got, well.IP)
	}
	if n := sick.Requests() - served; n != 0 {
		t.Errorf("the failing server got %d requests after it was taken out", n)
	}
	sickCheck.SetHealthy(true)
	e2etest.Eventually(t, 10*time.Second, "the recovered server to be put back", func() (bool, string) {
		return onlyBackends(t, p.Addr, "web.tr.test", 6, sick.IP, well.IP)
	})
}
