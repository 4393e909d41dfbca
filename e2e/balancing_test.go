package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

func TestFailingHealthCheckTakesAReplicaOutAndBackIn(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	sick := e2etest.StartBackend(t, "127.0.6.1", s.port)
	well := e2etest.StartBackend(t, "127.0.6.2", s.port)
	s.dns.Set("web", sick.IP, well.IP)

	p := startProxy(t, s.dns, webService(s.port, `      SERVICE_CHECK_HTTP: /health
      SERVICE_CHECK_INTERVAL: 500ms
`))
	e2etest.Eventually(t, 10*time.Second, "both replicas to answer", func() (bool, string) {
		return onlyBackends(t, p.Addr, "www.hello", 6, sick.IP, well.IP)
	})
	if sick.HealthChecks() == 0 || well.HealthChecks() == 0 {
		// Checks run every 500ms; by now each replica has seen some.
		e2etest.Eventually(t, 5*time.Second, "HAProxy to check /health on both replicas", func() (bool, string) {
			return sick.HealthChecks() > 0 && well.HealthChecks() > 0,
				fmt.Sprintf("checks: %s %d, %s %d", sick.IP, sick.HealthChecks(), well.IP, well.HealthChecks())
		})
	}

	sick.SetHealthy(false)
	out := e2etest.Eventually(t, 10*time.Second, "the failing replica to leave rotation", func() (bool, string) {
		return onlyBackends(t, p.Addr, "www.hello", 10, well.IP)
	})
	served := sick.Requests()
	if got := e2etest.Spread(t, p.Addr, "www.hello", "/", 20); !e2etest.SameKeys(got, well.IP) {
		t.Errorf("with %s failing its check: %v, want every request on %s", sick.IP, got, well.IP)
	}
	if n := sick.Requests() - served; n != 0 {
		t.Errorf("the failing replica got %d requests after it left rotation", n)
	}

	checks := sick.HealthChecks()
	sick.SetHealthy(true)
	in := e2etest.Eventually(t, 10*time.Second, "the recovered replica to come back", func() (bool, string) {
		return onlyBackends(t, p.Addr, "www.hello", 6, sick.IP, well.IP)
	})
	t.Logf("with checks every 500ms: out of rotation after %v, back after %v (%d checks while failing)",
		out.Round(10*time.Millisecond), in.Round(10*time.Millisecond), sick.HealthChecks()-checks)
	if out > 3*time.Second || in > 3*time.Second {
		t.Errorf("checks every 500ms should take a replica out and back within 3s, took %v and %v", out, in)
	}
}

func TestStickySessionKeepsAClientOnOneReplica(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	ips := []string{"127.0.7.1", "127.0.7.2", "127.0.7.3"}
	for _, ip := range ips {
		e2etest.StartBackend(t, ip, s.port)
	}
	s.dns.Set("web", ips...)

	p := startProxy(t, s.dns, webService(s.port, `      SERVICE_TAGS: sticky_session
`))
	e2etest.Eventually(t, 10*time.Second, "the three replicas to answer", func() (bool, string) {
		return onlyBackends(t, p.Addr, "www.hello", 6, ips...)
	})

	// A browser: it sends back the cookie it was given.
	landed := map[string]bool{}
	for i := range 4 {
		c := e2etest.NewClient(t, p.Addr)
		first := c.Get("www.hello", "/")
		if first.Status != 200 || first.Backend == "" {
			t.Fatalf("client %d: first request: %v", i, first)
		}
		if cookies := first.Header.Values("Set-Cookie"); len(cookies) == 0 {
			t.Fatalf("client %d: no Set-Cookie in the first response (headers %v)", i, first.Header)
		}
		landed[first.Backend] = true
		for j := range 20 {
			r := c.Get("www.hello", "/")
			if r.Status != 200 || r.Backend != first.Backend {
				t.Fatalf("client %d, request %d with cookie %q: got %v, want 200 from %s",
					i, j+2, cookieHeader(c, "www.hello"), r, first.Backend)
			}
		}
	}
	t.Logf("4 clients with cookies stuck to %d replicas", len(landed))

	// Without cookies, round robin as usual.
	if got := e2etest.Spread(t, p.Addr, "www.hello", "/", 30); !e2etest.SameKeys(got, ips...) {
		t.Errorf("without cookies: %v, want requests spread over the three replicas", got)
	}

	// The cookie names a replica, not a connection: sent by hand it picks
	// the same one again.
	c := e2etest.NewClient(t, p.Addr)
	first := c.Get("www.hello", "/")
	cookie := cookieHeader(c, "www.hello")
	for range 10 {
		r := e2etest.Do(t, p.Addr, "GET", "www.hello", "/", http.Header{"Cookie": {cookie}})
		if r.Backend != first.Backend {
			t.Fatalf("with Cookie: %s: got %v, want %s", cookie, r, first.Backend)
		}
	}
}

// cookieHeader returns the Cookie header c's jar would send to host.
func cookieHeader(c *e2etest.Client, host string) string {
	var parts []string
	for _, ck := range c.Jar.Cookies(&url.URL{Scheme: "http", Host: host, Path: "/"}) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}
