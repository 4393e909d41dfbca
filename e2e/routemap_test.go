package e2e

import (
	"bufio"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// traefikRouters are the labels of routers by name and rule, each marking
// its responses with X-Router: its name.
func traefikRouters(rules map[string]string) []string {
	var labels []string
	for _, name := range slices.Sorted(maps.Keys(rules)) {
		labels = append(labels,
			"traefik.http.routers."+name+".rule: "+rules[name],
			"traefik.http.routers."+name+".middlewares: mark-"+name,
			"traefik.http.middlewares.mark-"+name+".headers.customresponseheaders.X-Router: "+name)
	}
	return labels
}

// routeMapProject has every shape of route the map takes or leaves: one
// host split by nested segment paths, several paths of one service, a host
// with paths only whose other paths a wildcard of another service would
// take (its guard), Traefik's exact paths and string prefixes (with and
// without a trailing slash) beside a root router, a conditioned router on
// a host that another router shares with a host of its own, wildcards
// with and without a path, and paths on any host.
func routeMapProject(s *scene) string {
	return s.compose(
		svc("site", "SERVICE_NAME: shop", "SERVICE_TAGS: server_alias=shop.example.org", `compose2haproxy.admit: "api, apiv2, deep, docs"`),
		svc("api", "SERVICE_NAME: shop", "SERVICE_TAGS: path=/api", `compose2haproxy.admit: "apiv2, deep"`),
		svc("apiv2", "SERVICE_NAME: shop", "SERVICE_TAGS: path=/api/v2", "compose2haproxy.admit: deep"),
		svc("deep", "SERVICE_NAME: shop", "SERVICE_TAGS: path=/api/v2/deep.x"),
		svc("docs", "SERVICE_NAME: shop", `SERVICE_TAGS: "path=/docs,path=/help~me"`),
		svc("blog", "SERVICE_NAME: blog", "SERVICE_TAGS: path=/blog"),
		svc("tenants", "SERVICE_NAME: tenants", `SERVICE_TAGS: "server_alias=*.example.com,server_alias=*.example.org"`),
		svc("wildapi", "SERVICE_NAME: wildapi", `SERVICE_TAGS: "server_alias=*.t.example.com,path=/api"`),
		svc("intern", "SERVICE_NAME: intern", "SERVICE_TAGS: server_alias=*.corp.internal"),
		svc("anyhost", `com.df.notify: "true"`, "com.df.servicePath: /any"),
		svc("tr", append([]string{"traefik.enable: true", "compose2haproxy.admit: seg"}, traefikRouters(map[string]string{
			"root":  "Host(`tr.example.com`)",
			"exact": "Host(`tr.example.com`) && Path(`/exact`)",
			"pre":   "Host(`tr.example.com`) && PathPrefix(`/pre`)",
			"slash": "Host(`tr.example.com`) && PathPrefix(`/pre/`)",
			"deep":  "Host(`tr.example.com`) && Path(`/pre/x`)",
			"seg":   "Host(`tr.example.com`) && PathPrefix(`/seg/`)",
		})...)...),
		svc("seg", "SERVICE_NAME: tr", "SERVICE_TAGS: path=/seg", "compose2haproxy.admit: tr"),
		svc("who", "traefik.enable: true", "traefik.http.routers.who.rule: Host(`who.example.com`) || Host(`whoami.example.com`)", "compose2haproxy.admit: canary"),
		svc("canary", "traefik.enable: true", "traefik.http.routers.canary.rule: Host(`whoami.example.com`) && Header(`X-Canary`, `1`)"),
	)
}

// The host map routes every request where the rules it replaces would
// have (wildcards included): the same project through HAProxy with the map (-o and --map) and
// with rules only (--map none), a grid of hosts and paths sent to both.
func TestRouteMapRoutesEveryRequestWhereTheRulesDo(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	services := []string{"site", "api", "apiv2", "deep", "docs", "blog", "tenants", "wildapi", "intern", "anyhost", "tr", "seg", "who", "canary"}
	for i, name := range services {
		s.serve(name, fmt.Sprintf("127.0.87.%d", i+1))
	}
	compose := routeMapProject(s)

	rulesProxy := startRouteMapProxy(t, s, compose, "none")
	mapProxy := startRouteMapProxy(t, s, compose, "hosts.map")
	if strings.Contains(rulesProxy.Config(), "map_beg(") || !strings.Contains(mapProxy.Config(), "map_beg(") {
		t.Fatal("want one config with the map lookup and one without")
	}
	if n := strings.Count(mapProxy.Config(), "\n    use_backend "); n >= strings.Count(rulesProxy.Config(), "\n    use_backend ")-10 {
		t.Errorf("the map took few rules out: %d use_backend rules left", n)
	}
	for _, want := range [][3]string{
		{"shop", "/", "site"}, {"shop", "/api", "api"}, {"shop", "/api/v2", "apiv2"}, {"shop", "/api/v2/deep.x", "deep"},
		{"shop", "/docs", "docs"}, {"blog", "/blog", "blog"}, {"x.example.com", "/", "tenants"}, {"x.t.example.com", "/api", "wildapi"}, {"x.corp.internal", "/", "intern"},
		{"nowhere", "/any", "anyhost"}, {"tr.example.com", "/", "tr"}, {"who.example.com", "/", "who"},
	} {
		for _, p := range []*proxy{rulesProxy, mapProxy} {
			waitRoutes(t, p.Addr, e2etest.Request{Host: want[0], Path: want[1]}, want[2])
		}
	}
	waitRoutes(t, mapProxy.Addr, e2etest.Request{Host: "whoami.example.com", Header: map[string][]string{"X-Canary": {"1"}}}, "canary")

	hosts := []string{
		"shop", "shop.example.com", "SHOP.Example.Com.", "shop.example.com:8080", "shop.example.org", "shopx", "sho", "shop.example.co",
		"blog", "blog.example.com", "x.example.com", "x.y.example.org", ".example.com", "example.com",
		"t.example.com", "x.t.example.com", "a.b.t.example.com",
		"tr.example.com", "who.example.com", "whoami.example.com", "nowhere", "",
		"x.corp.internal", "a.b.corp.internal", "corp.internal", ".corp.internal", "q.corp.internal/x.y", ".t.example.com", "*.t.example.com",
		"shop/api", "shop.example.com/api", "shop#", "tr.example.com/pre", "x.corp.internal/evil.example.com", "a/b.t.example.com",
		"x.t.example.com#y", "x#y.example.com", "x.t.example.com/api",
	}
	paths := []string{
		"/", "/api", "/api/", "/apix", "/api/x", "/api/v2", "/api/v2/", "/api/v2x", "/api/v2/x", "/api/v2/deep.x", "/api/v2/deep.x/y",
		"/api/v2/deepxx", "/API", "/docs", "/docs/a/b", "/help~me", "/help%7Eme/x", "/help", "/blog", "/blog/x", "/blogx", "/any", "/any/x",
		"/pre", "/pre/", "/prex", "/pre/x", "/pre/x/", "/pre/xy", "/pr", "/exact", "/exact/", "/exactx", "/seg", "/seg/", "/seg/x", "/segx", "//api//v2/./x", "/x/../api", "/x?y=1", "/api?q=/v2", "*", "http://shop/api/v2",
	}
	requests := 0
	reached := map[string]bool{}
	var differ []string
	for _, host := range hosts {
		for _, path := range paths {
			for _, header := range []string{"", "X-Canary: 1\r\n"} {
				if header != "" && !strings.HasPrefix(host, "who") {
					continue
				}
				want := rawRoute(t, rulesProxy.Addr, host, path, header)
				got := rawRoute(t, mapProxy.Addr, host, path, header)
				requests++
				reached[want] = true
				if got != want {
					differ = append(differ, fmt.Sprintf("Host %q, %s %q: the map routed to %s, the rules to %s", host, header, path, got, want))
				}
			}
		}
	}
	if len(differ) > 0 {
		t.Errorf("%d of %d requests routed elsewhere with the map:\n%s", len(differ), requests, strings.Join(differ, "\n"))
	}
	// The grid reaches every service and router, and HAProxy's 404.
	var want []string
	for _, name := range services {
		if name != "tr" {
			want = append(want, "200 "+name)
		}
	}
	for _, router := range []string{"root", "exact", "pre", "slash", "deep", "seg"} {
		want = append(want, "200 tr (router "+router+")")
	}
	for _, w := range want {
		if !reached[w] {
			t.Errorf("no request of the grid got %q; they got: %q", w, slices.Sorted(maps.Keys(reached)))
		}
	}
	if !reached["404 "] {
		t.Error("no request of the grid got HAProxy's 404")
	}
}

// startRouteMapProxy writes compose's config with -o and --map hostMap
// ("none": rules only) and starts HAProxy on it.
func startRouteMapProxy(t *testing.T, s *scene, compose, hostMap string) *proxy {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &proxy{Addr: fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(t)), Stats: fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(t))}
	if hostMap != "none" {
		hostMap = filepath.Join(dir, hostMap)
	}
	compose2haproxy(t, dir, "-f", "compose.yaml", "--domain", "example.com", "--bind", p.Addr, "--stats", p.Stats, "--resolver", s.dns.Addr(),
		"-o", filepath.Join(dir, "haproxy.cfg"), "--map", hostMap)
	cfg, err := os.ReadFile(filepath.Join(dir, "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	p.HAProxy = e2etest.StartHAProxy(t, cfg)
	e2etest.WaitListening(t, p.Addr, 30*time.Second)
	return p
}

// rawRoute sends "GET target" with Host: host (none when empty) and more
// header lines as written, and returns the status and the backend that
// answered ("404 " for HAProxy's own 404). The request is written by
// hand: Go's client would refuse or rewrite some of these.
func rawRoute(t *testing.T, addr, host, target, header string) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	req := "GET " + target + " HTTP/1.1\r\n"
	if host != "" {
		req += "Host: " + host + "\r\n"
	}
	req += header + "Connection: close\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	status, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("%q: %v", req, err)
	}
	fields := strings.Fields(status)
	if len(fields) < 2 {
		t.Fatalf("%q: status line %q", req, status)
	}
	backend, router := "", ""
	for {
		line, err := r.ReadString('\n')
		if err != nil || line == "\r\n" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "X-Backend") {
			backend = strings.TrimSpace(v)
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "X-Router") {
			router = strings.TrimSpace(v)
		}
	}
	if router != "" {
		backend += " (router " + router + ")"
	}
	return fields[1] + " " + backend
}
