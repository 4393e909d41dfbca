package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// Redirects to https land on the HTTPS listener's port (or the public one
// that --https-port names), keep the method (308 for anything but GET and
// HEAD, or com.df.httpsRedirectCode), and leave short names alone; a
// redirect to another host over the same scheme keeps the port the client
// used.
func TestRedirectsKeepThePortAndTheMethod(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	shop := s.serve("shop", "127.0.15.1")
	s.serve("blog", "127.0.15.2")
	s.serve("pay", "127.0.15.3")
	compose := s.compose(
		svc("shop", "SERVICE_NAME: shop", "SERVICE_TAGS: https_only"),
		svc("blog", "SERVICE_NAME: blog", "SERVICE_TAGS: redirect_from=old.example.com"),
		svc("pay", `com.df.notify: "true"`, "com.df.serviceDomain: pay.example.com", `com.df.httpsOnly: "true"`,
			`com.df.httpsRedirectCode: "307"`, fmt.Sprintf(`com.df.port: "%d"`, s.port)),
	)
	certs, roots := writeCerts(t, []string{"*.example.com"})
	p, tlsAddr := startTLSProxy(t, s.dns, certs, compose, "--domain", "example.com")
	waitRoutesTLS(t, tlsAddr, roots, "shop.example.com", "shop")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "blog.example.com"}, "blog")

	tls := tlsPort(tlsAddr)
	before := shop.Requests()
	for _, tc := range []struct {
		method, host string
		code         int
		location     string
	}{
		// The port the client used for HTTP is not the HTTPS port.
		{"GET", "shop.example.com:18080", 301, "https://shop.example.com" + tls + "/a?x=1"},
		{"HEAD", "shop.example.com", 301, "https://shop.example.com" + tls + "/a?x=1"},
		// A 301 would turn these into a GET.
		{"POST", "shop.example.com", 308, "https://shop.example.com" + tls + "/a?x=1"},
		{"PUT", "shop.example.com:18080", 308, "https://shop.example.com" + tls + "/a?x=1"},
		{"DELETE", "shop.example.com", 308, "https://shop.example.com" + tls + "/a?x=1"},
		{"PATCH", "shop.example.com", 308, "https://shop.example.com" + tls + "/a?x=1"},
		// com.df.httpsRedirectCode chooses, for every method.
		{"GET", "pay.example.com", 307, "https://pay.example.com" + tls + "/a?x=1"},
		{"POST", "pay.example.com", 307, "https://pay.example.com" + tls + "/a?x=1"},
		// Another host over the same scheme: the client's port is kept.
		{"GET", "old.example.com:18080", 301, "http://blog.example.com:18080/a?x=1"},
		{"POST", "old.example.com", 308, "http://blog.example.com/a?x=1"},
	} {
		got := e2etest.Do(t, p.Addr, tc.method, tc.host, "/a?x=1", nil)
		wantRedirectCode(t, fmt.Sprintf("%s http://%s/a?x=1", tc.method, tc.host), got, tc.code, tc.location)
	}
	if n := shop.Requests() - before; n != 0 {
		t.Errorf("the https_only service got %d plain-HTTP requests, want none", n)
	}
	for _, method := range []string{"GET", "POST"} {
		if got := e2etest.Do(t, p.Addr, method, "shop", "/a?x=1", nil); got.Status != 200 || got.Backend != "shop" {
			t.Errorf("%s http://shop/a?x=1: got %v (Location %q), want 200 from shop: a short name is not redirected", method, got, got.Header.Get("Location"))
		}
	}

	// Behind a port mapping the public HTTPS port is another: --https-port
	// names it, and 443 is left out of the URL.
	for _, tc := range []struct{ flag, want string }{{"443", "https://shop.example.com/a"}, {"18443", "https://shop.example.com:18443/a"}} {
		q, _ := startTLSProxy(t, s.dns, certs, compose, "--domain", "example.com", "--https-port", tc.flag)
		got := e2etest.Do(t, q.Addr, "GET", "shop.example.com", "/a", nil)
		wantRedirectCode(t, "--https-port "+tc.flag+": http://shop.example.com/a", got, http.StatusMovedPermanently, tc.want)
	}
}
