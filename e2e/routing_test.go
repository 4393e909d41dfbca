package e2e

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// registratorDemo is the registrator demo, example/compose.yaml itself,
// with its container ports replaced by the test's port P (and Q for the
// load balancer's ignored port 80), so that the stand-in backends can
// serve them. A port the example names that is not replaced here fails
// the test: the example and this test cannot drift apart.
func registratorDemo(t *testing.T, p, q int) string {
	t.Helper()
	raw, err := os.ReadFile("../example/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	P, Q := strconv.Itoa(p), strconv.Itoa(q)
	demo := strings.NewReplacer(
		`ports: ["80"]`, `ports: ["`+P+`"]`, // web, web2
		`expose: ["8080"]`, `expose: ["`+P+`"]`, // api
		`"80:80"`, `"`+Q+`:`+Q+`"`, `SERVICE_80_IGNORE`, `SERVICE_`+Q+`_IGNORE`, // the load balancer's
		`"8080:8080"`, `"`+P+`:`+P+`"`, `SERVICE_8080_NAME`, `SERVICE_`+P+`_NAME`,
		`"8500:8500"`, `"`+P+`:`+P+`"`, `SERVICE_8500_NAME`, `SERVICE_`+P+`_NAME`, // consul's
	).Replace(string(raw))
	for _, m := range regexp.MustCompile(`(?m)(?:^\s*(?:ports|expose):.*|SERVICE_[0-9]+_)`).FindAllString(demo, -1) {
		for _, port := range regexp.MustCompile(`[0-9]+`).FindAllString(m, -1) {
			if port != P && port != Q && !strings.Contains(m, port+"/udp") {
				t.Fatalf("example/compose.yaml names port %s (%s), which registratorDemo does not replace with the test's", port, strings.TrimSpace(m))
			}
		}
	}
	return demo
}

func TestHostRoutingSendsEveryDocumentedHostToItsService(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	port, ignored := s.port, e2etest.FreePort(t)
	s.serve("web", "127.0.2.1")
	s.serve("web2", "127.0.2.2")
	s.serve("load-balancer", "127.0.2.3")
	lb80 := e2etest.StartBackendID(t, "load-balancer-ignored-port", "127.0.2.3", ignored)
	s.serve("consul", "127.0.2.4")
	s.serve("api", "127.0.2.5")

	const domain = "127.0.0.1.nip.io" // a Host header only: never resolved
	p := startProxy(t, s.dns, registratorDemo(t, port, ignored), "--domain", domain)

	routes := []struct{ host, backend string }{
		{"www.hello", "web"},
		{"www.hello." + domain, "web"},
		{"www.hello." + domain + ":8080", "web"},
		{"WWW.HELLO.127.0.0.1.NIP.IO", "web"},
		{"www.world.dev", "web2"},
		{"www.world.dev." + domain, "web2"},
		{"hello.home", "web2"},
		{"www.world.home", "web2"},
		{"Hello.Home:80", "web2"},
		{"proxy-admin.infra", "load-balancer"},
		{"proxy-admin.infra." + domain, "load-balancer"},
		{"consul-admin.infra", "consul"},
		{"consul-admin.infra." + domain, "consul"},
	}
	// The servers come up once HAProxy's first DNS answers arrive.
	for _, r := range routes {
		if r.host == "www.hello" || r.host == "www.world.dev" || r.host == "proxy-admin.infra" || r.host == "consul-admin.infra" {
			waitRoutes(t, p.Addr, e2etest.Request{Host: r.host}, r.backend)
		}
	}
	c := e2etest.NewClient(t, p.Addr)
	for _, r := range routes {
		got := c.Get(r.host, "/")
		if got.Status != 200 || got.Backend != r.backend {
			t.Errorf("Host: %s: got %v, want 200 from %s", r.host, got, r.backend)
		}
		if seen := got.Header.Get("X-Seen-Host"); seen != r.host {
			t.Errorf("Host: %s: the backend saw Host: %q, want it unchanged", r.host, seen)
		}
	}

	// The example's path route: api takes /api on web's host, stripped.
	waitRoutes(t, p.Addr, e2etest.Request{Host: "www.hello", Path: "/api"}, "api")
	for _, tc := range []struct{ path, body string }{{"/api/x?q=1", "api GET /x?q=1\n"}, {"/api", "api GET /\n"}, {"/apix", "web GET /apix\n"}} {
		if got := c.Get("www.hello", tc.path); got.Status != 200 || got.Body != tc.body {
			t.Errorf("Host: www.hello, GET %s: got %v, want 200 with body %q", tc.path, got, tc.body)
		}
	}

	// Unknown hosts, the load balancer's ignored port and the names
	// registrator would not give it: 404 from HAProxy itself.
	for _, host := range []string{
		"unknown." + domain,
		domain,
		"hello." + domain,
		"www.hello.example.com",
		"load-balancer",
		"load-balancer." + domain,
		fmt.Sprintf("load-balancer-%d", ignored),
		fmt.Sprintf("load-balancer-%d.%s", ignored, domain),
		fmt.Sprintf("load-balancer-%d", port),
		"consul",
		"web",
		"web2." + domain,
	} {
		got := c.Get(host, "/")
		if got.Status != http.StatusNotFound || got.Backend != "" {
			t.Errorf("Host: %s: got %v, want a 404 from HAProxy", host, got)
		}
	}
	if n := lb80.Requests(); n != 0 {
		t.Errorf("the load balancer's ignored port %d (SERVICE_%d_IGNORE) got %d requests, want none", ignored, ignored, n)
	}
}

func TestPathRoutingSplitsOneHostBetweenServices(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("api", "127.0.3.1")
	s.serve("site", "127.0.3.2")
	s.serve("strip", "127.0.3.3")

	p := startProxy(t, s.dns, s.compose(
		svc("api", "SERVICE_NAME: app", "SERVICE_TAGS: path=/api"),
		svc("site", "SERVICE_NAME: app", `compose2haproxy.admit: "api, strip"`),
		svc("strip", "SERVICE_NAME: app", "SERVICE_TAGS: path=/strip,strip_path"),
	), "--domain", "example.com")
	for _, r := range [][2]string{{"/api", "api"}, {"/", "site"}, {"/strip", "strip"}} {
		waitRoutes(t, p.Addr, e2etest.Request{Host: "app", Path: r[0]}, r[1])
	}

	// body is what the backend received: "<id> GET <request-uri>\n".
	for _, tc := range []struct{ host, path, body string }{
		{"app", "/api", "api GET /api\n"},
		{"app", "/api/", "api GET /api/\n"},
		{"app", "/api/x", "api GET /api/x\n"},
		{"app", "/api/x/y?q=1", "api GET /api/x/y?q=1\n"},
		{"app", "/api?q=1", "api GET /api?q=1\n"},
		{"app.example.com", "/api/x", "api GET /api/x\n"},
		{"app", "/apix", "site GET /apix\n"},
		{"app", "/", "site GET /\n"},
		{"app", "/x/api", "site GET /x/api\n"},
		{"app", "/API", "site GET /API\n"},
		{"app.example.com", "/", "site GET /\n"},
		{"app", "/strip/x?q=1", "strip GET /x?q=1\n"},
		{"app", "/strip", "strip GET /\n"},
		{"app", "/strip/", "strip GET /\n"},
		{"app", "/strip?q=1", "strip GET /?q=1\n"},
		{"app", "/strip/a/b", "strip GET /a/b\n"},
		{"app", "/stripx", "site GET /stripx\n"},
	} {
		got := e2etest.Do(t, p.Addr, "GET", tc.host, tc.path, nil)
		if got.Status != 200 || got.Body != tc.body {
			t.Errorf("Host: %s, GET %s: got %v, want 200 with body %q", tc.host, tc.path, got, tc.body)
		}
	}
	for _, path := range []string{"/", "/api", "/strip/x"} {
		if got := e2etest.Do(t, p.Addr, "GET", "other.example.com", path, nil); got.Status != http.StatusNotFound || got.Backend != "" {
			t.Errorf("Host: other.example.com, GET %s: got %v, want a 404 from HAProxy", path, got)
		}
	}
}

// prodLineCompose is the PROD_LINE example of the registrator demo's notes
// (testdata/prod_line_suffixes_names_hosts_and_backends) on port P.
func prodLineCompose(p int) string {
	return fmt.Sprintf(`services:
  serviceA:
    image: foobar/a
    environment:
      SERVICE_B: "http://serviceB.${PROD_LINE}:80"
      SERVICE_NAME: "serviceA.${PROD_LINE}"
      SERVICE_TAGS: "server_alias=serviceA.${PROD_LINE}.example.com"
    ports:
      - "%[1]d"
  serviceB:
    image: foobar/b
    environment:
      SERVICE_NAME: "serviceB"
    ports:
      - "%[1]d"
`, p)
}

func TestProductionLinesRouteOnlyTheirOwnHosts(t *testing.T) {
	t.Parallel()
	e2etest.RequireHAProxy(t)
	port := e2etest.FreePort(t)
	compose := prodLineCompose(port)

	// Each line has its own Docker network, so its own DNS: the same
	// service names resolve to that line's containers.
	type line struct {
		name string
		dns  *e2etest.DNS
		p    *proxy
	}
	lines := []*line{{name: "prod"}, {name: "feat42"}}
	for i, l := range lines {
		a, b := fmt.Sprintf("127.0.8.%d", 10*i+1), fmt.Sprintf("127.0.8.%d", 10*i+2)
		e2etest.StartBackendID(t, "serviceA@"+l.name, a, port)
		e2etest.StartBackendID(t, "serviceB@"+l.name, b, port)
		l.dns = e2etest.StartDNS(t)
		l.dns.Set("serviceA", a)
		l.dns.Set("serviceB", b)
		l.p = startProxy(t, l.dns, compose, "--prod-line", l.name, "--domain", "example.com")
	}

	for _, l := range lines {
		for _, svc := range []string{"serviceA", "serviceB"} {
			waitRoutes(t, l.p.Addr, e2etest.Request{Host: svc + "." + l.name + ".example.com"}, svc+"@"+l.name)
		}
	}

	for _, l := range lines {
		for _, other := range lines {
			for _, r := range []struct{ host, backend string }{
				{"serviceA." + other.name + ".example.com", "serviceA@" + other.name},
				{"servicea." + other.name, "serviceA@" + other.name},
				{"serviceB." + other.name + ".example.com", "serviceB@" + other.name},
				{"serviceb." + other.name, "serviceB@" + other.name},
			} {
				got := e2etest.Do(t, l.p.Addr, "GET", r.host, "/", nil)
				if other == l {
					if got.Status != 200 || got.Backend != r.backend {
						t.Errorf("line %s, Host: %s: got %v, want 200 from %s", l.name, r.host, got, r.backend)
					}
				} else if got.Status != http.StatusNotFound || got.Backend != "" {
					t.Errorf("line %s, Host: %s (line %s): got %v, want a 404 from HAProxy", l.name, r.host, other.name, got)
				}
			}
		}
		// Names without a line belong to no line.
		for _, host := range []string{"serviceA.example.com", "serviceB.example.com", "serviceA", "serviceB"} {
			if got := e2etest.Do(t, l.p.Addr, "GET", host, "/", nil); got.Status != http.StatusNotFound || got.Backend != "" {
				t.Errorf("line %s, Host: %s: got %v, want a 404 from HAProxy", l.name, host, got)
			}
		}
	}
}
