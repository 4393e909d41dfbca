package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// goDemoStack is testdata/docker_flow_proxy_stack_routes_go_demo's stack
// file (docker-flow-proxy's go-demo examples, labels under deploy.labels)
// without TLS, with every com.df.port set to the test's port P.
func goDemoStack(p int) string {
	return fmt.Sprintf(`services:
  go-demo:
    image: vfarcic/go-demo
    deploy:
      replicas: 3
      labels:
        com.df.notify: "true"
        com.df.servicePath: /demo/hello,/demo/person
        com.df.port: "%[1]d"
  go-demo-domain:
    image: vfarcic/go-demo
    deploy:
      labels:
        com.df.notify: "true"
        com.df.servicePath: /demo
        com.df.serviceDomain: my-domain.com,www.my-domain.com
        com.df.port: "%[1]d"
  books-ms:
    image: vfarcic/books-ms
    deploy:
      labels:
        com.df.notify: "true"
        com.df.servicePath: /api/v1/books
        com.df.reqPathSearchReplace: /api/v1/books,/books
        com.df.port: "%[1]d"
`, p)
}

func TestDockerFlowProxyLabelsRouteTheGoDemoStack(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	demo := []string{"127.0.13.1", "127.0.13.2", "127.0.13.3"}
	for _, ip := range demo {
		e2etest.StartBackendID(t, "go-demo@"+ip, ip, s.port)
	}
	s.dns.Set("tasks.go-demo", demo...)
	// With --swarm the servers are the tasks.<service> names; the bare
	// service names are deliberately unknown to the DNS.
	s.serveAs("tasks.go-demo-domain", "go-demo-domain", "127.0.13.4")
	s.serveAs("tasks.books-ms", "books-ms", "127.0.13.5")

	p := startProxy(t, s.dns, goDemoStack(s.port), "--swarm")

	isDemo := func(backend string) bool { return strings.HasPrefix(backend, "go-demo@") }
	e2etest.Eventually(t, 10*time.Second, "every go-demo replica to answer", func() (bool, string) {
		seen := e2etest.Spread(t, p.Addr, "any.host.test", "/demo/hello", 9)
		return e2etest.SameKeys(seen, "go-demo@"+demo[0], "go-demo@"+demo[1], "go-demo@"+demo[2]), fmt.Sprintf("/demo/hello: %v", seen)
	})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "my-domain.com", Path: "/demo"}, "go-demo-domain")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "any.host.test", Path: "/api/v1/books"}, "books-ms")

	for _, tc := range []struct {
		host, path string
		backend    string // "go-demo" is any go-demo replica; "" a 404 from HAProxy
		received   string // the request-uri the backend saw
	}{
		// go-demo: its two paths on any host, nothing else.
		{"any.host.test", "/demo/hello", "go-demo", "/demo/hello"},
		{"go-demo", "/demo/hello?name=x", "go-demo", "/demo/hello?name=x"},
		{"", "/demo/hello/", "go-demo", "/demo/hello/"},
		{"any.host.test", "/demo/person", "go-demo", "/demo/person"},
		{"any.host.test", "/demo/person/1", "go-demo", "/demo/person/1"},
		{"any.host.test", "/demo/other", "", ""},
		{"any.host.test", "/demo", "", ""},
		{"any.host.test", "/demo/hellox", "", ""},
		{"any.host.test", "/", "", ""},
		// go-demo-domain: /demo on its domains, before the any-host routes.
		{"my-domain.com", "/demo/hello", "go-demo-domain", "/demo/hello"},
		{"WWW.My-Domain.com:8080", "/demo/other", "go-demo-domain", "/demo/other"},
		{"my-domain.com", "/other", "", ""},
		// books-ms: any host; the path is rewritten, the query kept.
		{"any.host.test", "/api/v1/books/7?x=1", "books-ms", "/books/7?x=1"},
		{"any.host.test", "/api/v1/books", "books-ms", "/books"},
		// my-domain.com is go-demo-domain's, whatever the path: a route
		// on any host does not reach it (docker-flow-proxy sent it on).
		{"my-domain.com", "/api/v1/books/7", "", ""},
		{"any.host.test", "/api/v1/booksx", "", ""},
		{"any.host.test", "/books/7", "", ""},
	} {
		got := e2etest.Do(t, p.Addr, "GET", tc.host, tc.path, nil)
		what := fmt.Sprintf("Host: %s, GET %s", tc.host, tc.path)
		switch {
		case tc.backend == "":
			if got.Status != http.StatusNotFound || got.Backend != "" {
				t.Errorf("%s: got %v, want a 404 from HAProxy", what, got)
			}
		case got.Status != 200 || (tc.backend == "go-demo" && !isDemo(got.Backend)) || (tc.backend != "go-demo" && got.Backend != tc.backend):
			t.Errorf("%s: got %v, want 200 from %s", what, got, tc.backend)
		default:
			if want := got.Backend + " GET " + tc.received + "\n"; got.Body != want {
				t.Errorf("%s: %s received %q, want %q", what, got.Backend, got.Body, want)
			}
		}
	}
}
