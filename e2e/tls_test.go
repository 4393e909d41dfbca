package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
	"github.com/compose2haproxy/compose2haproxy/internal/testcert"
)

// ---------------------------------------------------------------------------
// TLS helpers

// writeCerts makes one self-signed ECDSA P-256 certificate per group of DNS
// names, each written with its key into its own PEM file of a new directory
// (what "--tls DIR" hands to HAProxy's "crt DIR"), and returns the directory
// and a pool that trusts every one of them.
func writeCerts(tb testing.TB, groups ...[]string) (dir string, roots *x509.CertPool) {
	tb.Helper()
	dir = tb.TempDir()
	roots, err := testcert.Write(dir, groups...)
	if err != nil {
		tb.Fatal(err)
	}
	return dir, roots
}

// startTLSProxy is startProxy with an HTTPS listener on a free loopback
// port using the certificates in certs; it returns the proxy and the HTTPS
// address once both listeners accept connections.
func startTLSProxy(tb testing.TB, d *e2etest.DNS, certs, composeYAML string, args ...string) (*proxy, string) {
	tb.Helper()
	tlsAddr := fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb))
	p := startProxy(tb, d, composeYAML, append([]string{"--tls", certs, "--tls-bind", tlsAddr}, args...)...)
	e2etest.WaitListening(tb, tlsAddr, 30*time.Second)
	return p, tlsAddr
}

// waitRoutesTLS waits (10s at most) until an HTTPS GET of host/ through
// tlsAddr, HAProxy's certificate verified against roots, is answered by
// backend want with status 200, and returns that answer.
func waitRoutesTLS(tb testing.TB, tlsAddr string, roots *x509.CertPool, host, want string) e2etest.TLSResponse {
	tb.Helper()
	var got e2etest.TLSResponse
	e2etest.Eventually(tb, 10*time.Second, "https://"+host+"/ to reach "+want, func() (bool, string) {
		got = e2etest.DoTLS(tb, tlsAddr, roots, host, "/", true, nil)
		return got.Err == nil && got.Status == 200 && got.Backend == want, got.String()
	})
	return got
}

// wantRedirect checks a response is HAProxy's 301 to location.
func wantRedirect(t *testing.T, what string, r e2etest.Response, location string) {
	t.Helper()
	wantRedirectCode(t, what, r, http.StatusMovedPermanently, location)
}

// wantRedirectCode checks a response is HAProxy's redirect with status
// code to location.
func wantRedirectCode(t *testing.T, what string, r e2etest.Response, code int, location string) {
	t.Helper()
	if r.Err != nil || r.Status != code || r.Backend != "" || r.Header.Get("Location") != location {
		loc := ""
		if r.Header != nil {
			loc = r.Header.Get("Location")
		}
		t.Errorf("%s: got %v, Location %q; want a %d from HAProxy to %q", what, r, loc, code, location)
	}
}

// tlsPort is the port of a "127.0.0.1:PORT" address, as a redirect to it
// ends its host.
func tlsPort(addr string) string { return addr[strings.LastIndex(addr, ":"):] }

// ---------------------------------------------------------------------------
// Tests

func TestTLSRoutesEachHostToItsServiceOverHTTP2(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("shop", "127.0.9.1")
	s.serve("blog", "127.0.9.2")
	s.serve("api", "127.0.9.3")

	// Two certificates: HAProxy must pick api's by SNI, as the client
	// trusts each only for its own names.
	certs, roots := writeCerts(t, []string{"shop.example.com", "*.example.com"}, []string{"api.internal.test"})
	p, tlsAddr := startTLSProxy(t, s.dns, certs, s.compose(
		svc("shop", "SERVICE_NAME: shop"),
		svc("blog", "SERVICE_NAME: blog"),
		svc("api", "SERVICE_NAME: api", "SERVICE_TAGS: server_alias=api.internal.test"),
	), "--domain", "example.com")

	routes := []struct{ host, backend, certName string }{
		{"shop.example.com", "shop", "shop.example.com"},
		{"blog.example.com", "blog", "shop.example.com"},
		{"api.internal.test", "api", "api.internal.test"},
	}
	for _, r := range routes {
		waitRoutesTLS(t, tlsAddr, roots, r.host, r.backend)
	}

	for _, r := range routes {
		for _, h2 := range []bool{true, false} {
			got := e2etest.DoTLS(t, tlsAddr, roots, r.host, "/x?y=1", h2, nil)
			what := fmt.Sprintf("https://%s/x?y=1 (h2 offered: %v)", r.host, h2)
			if got.Err != nil || got.Status != 200 || got.Backend != r.backend || got.Body != r.backend+" GET /x?y=1\n" {
				t.Errorf("%s: got %v, want 200 from %s with body %q", what, got, r.backend, r.backend+" GET /x?y=1\n")
				continue
			}
			wantProto, wantALPN := "HTTP/1.1", "http/1.1"
			if h2 {
				wantProto, wantALPN = "HTTP/2.0", "h2"
			}
			if got.Proto != wantProto || got.ALPN != wantALPN {
				t.Errorf("%s: negotiated %s (ALPN %q), want %s (ALPN %q)", what, got.Proto, got.ALPN, wantProto, wantALPN)
			}
			if got.Peer == nil || got.Peer.Subject.CommonName != r.certName {
				t.Errorf("%s: HAProxy presented %v, want the certificate of %s", what, got.Peer, r.certName)
			}
			if proto := got.Header.Get("X-Seen-Proto"); proto != "https" {
				t.Errorf("%s: the backend saw X-Forwarded-Proto %q, want \"https\"", what, proto)
			}
			if xff := got.Header.Get("X-Seen-XFF"); !strings.Contains(xff, "127.0.0.1") {
				t.Errorf("%s: the backend saw X-Forwarded-For %q, want it to name the client 127.0.0.1", what, xff)
			}
			if host := got.Header.Get("X-Seen-Host"); host != r.host {
				t.Errorf("%s: the backend saw Host %q, want %q", what, host, r.host)
			}
		}

		// The same host over plain HTTP: X-Forwarded-Proto says http,
		// also when the client claims otherwise.
		for _, claim := range []string{"", "https"} {
			var h http.Header
			if claim != "" {
				h = http.Header{"X-Forwarded-Proto": {claim}}
			}
			got := e2etest.Do(t, p.Addr, "GET", r.host, "/x?y=1", h)
			what := fmt.Sprintf("http://%s/x?y=1 (client's X-Forwarded-Proto %q)", r.host, claim)
			if got.Err != nil || got.Status != 200 || got.Backend != r.backend {
				t.Errorf("%s: got %v, want 200 from %s", what, got, r.backend)
				continue
			}
			if proto := got.Header.Get("X-Seen-Proto"); proto != "http" {
				t.Errorf("%s: the backend saw X-Forwarded-Proto %q, want \"http\"", what, proto)
			}
			if xff := got.Header.Get("X-Seen-XFF"); !strings.Contains(xff, "127.0.0.1") {
				t.Errorf("%s: the backend saw X-Forwarded-For %q, want it to name the client 127.0.0.1", what, xff)
			}
		}
	}

	// A host no service claims (the wildcard certificate covers it): 404.
	if got := e2etest.DoTLS(t, tlsAddr, roots, "unknown.example.com", "/", true, nil); got.Err != nil || got.Status != http.StatusNotFound || got.Backend != "" {
		t.Errorf("https://unknown.example.com/: got %v, want a 404 from HAProxy", got)
	}
}

func TestHTTPSOnlyRedirectsPlainHTTPOfThatServiceOnly(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	shop := s.serve("shop", "127.0.10.1")
	s.serve("blog", "127.0.10.2")

	certs, roots := writeCerts(t, []string{"shop.example.com", "*.example.com", "shop", "blog"})
	p, tlsAddr := startTLSProxy(t, s.dns, certs, s.compose(
		svc("shop", "SERVICE_NAME: shop", "SERVICE_TAGS: https_only"),
		svc("blog", "SERVICE_NAME: blog"),
	), "--domain", "example.com")
	waitRoutesTLS(t, tlsAddr, roots, "shop.example.com", "shop")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "blog.example.com"}, "blog")

	before := shop.Requests()
	for _, method := range []string{"GET", "HEAD"} {
		got := e2etest.Do(t, p.Addr, method, "shop.example.com", "/a/b?x=1", nil)
		wantRedirect(t, method+" http://shop.example.com/a/b?x=1", got, "https://shop.example.com"+tlsPort(tlsAddr)+"/a/b?x=1")
	}
	if n := shop.Requests() - before; n != 0 {
		t.Errorf("the https_only service got %d plain-HTTP requests, want none (HAProxy answers them)", n)
	}
	// A short name is internal traffic that no certificate covers: served.
	if got := e2etest.Do(t, p.Addr, "GET", "shop", "/a/b?x=1", nil); got.Status != 200 || got.Backend != "shop" {
		t.Errorf("http://shop/a/b?x=1: got %v (Location %q), want 200 from shop, not a redirect", got, got.Header.Get("Location"))
	}

	for _, host := range []string{"shop.example.com", "shop"} {
		got := e2etest.DoTLS(t, tlsAddr, roots, host, "/a/b?x=1", true, nil)
		if got.Err != nil || got.Status != 200 || got.Backend != "shop" || got.Body != "shop GET /a/b?x=1\n" {
			t.Errorf("https://%s/a/b?x=1: got %v, want 200 from shop with body %q", host, got, "shop GET /a/b?x=1\n")
		} else if proto := got.Header.Get("X-Seen-Proto"); proto != "https" {
			t.Errorf("https://%s/a/b?x=1: the backend saw X-Forwarded-Proto %q, want \"https\"", host, proto)
		}
	}

	// A service without the tag answers both.
	for _, host := range []string{"blog.example.com", "blog"} {
		got := e2etest.Do(t, p.Addr, "GET", host, "/a/b?x=1", nil)
		if got.Err != nil || got.Status != 200 || got.Backend != "blog" || got.Body != "blog GET /a/b?x=1\n" {
			t.Errorf("http://%s/a/b?x=1: got %v (Location %q), want 200 from blog, not a redirect", host, got, got.Header.Get("Location"))
		}
		if got := e2etest.DoTLS(t, tlsAddr, roots, host, "/a/b?x=1", true, nil); got.Err != nil || got.Status != 200 || got.Backend != "blog" {
			t.Errorf("https://%s/a/b?x=1: got %v, want 200 from blog", host, got)
		}
	}
	// Hosts nobody serves are not redirected either.
	if got := e2etest.Do(t, p.Addr, "GET", "other.example.com", "/a/b?x=1", nil); got.Status != http.StatusNotFound || got.Backend != "" {
		t.Errorf("http://other.example.com/a/b?x=1: got %v, want a 404 from HAProxy", got)
	}
}

func TestRedirectFromSendsOldHostsToTheCanonicalHost(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	backends := map[string]*e2etest.Backend{
		"blog":     s.serve("blog", "127.0.11.1"),
		"shop":     s.serve("shop", "127.0.11.2"),
		"new-site": s.serve("new-site", "127.0.11.3"),
	}

	certs, roots := writeCerts(t, []string{"*.example.com", "*.new.example.com", "old.example.net"})
	p, tlsAddr := startTLSProxy(t, s.dns, certs, s.compose(
		svc("blog", "SERVICE_NAME: blog", "SERVICE_TAGS: redirect_from=old.example.com"),
		svc("shop", "SERVICE_NAME: shop", "SERVICE_TAGS: https_only,redirect_from=oldshop.example.com"),
		svc("new-site", `com.df.notify: "true"`, "com.df.serviceDomain: new.example.com,www.new.example.com",
			"com.df.redirectFromDomain: old.example.net", fmt.Sprintf(`com.df.port: "%d"`, s.port)),
	), "--domain", "example.com")

	canonical := [][2]string{{"blog.example.com", "blog"}, {"new.example.com", "new-site"}, {"www.new.example.com", "new-site"}}
	for _, r := range canonical {
		waitRoutes(t, p.Addr, e2etest.Request{Host: r[0]}, r[1])
	}
	waitRoutesTLS(t, tlsAddr, roots, "shop.example.com", "shop")

	served := map[string]int{}
	for name, b := range backends {
		served[name] = b.Requests()
	}
	tls := tlsPort(tlsAddr)
	for _, tc := range []struct{ old, httpTo, httpsTo string }{
		// Over the scheme the request used...
		{"old.example.com", "http://blog.example.com/p?q=1", "https://blog.example.com" + tls + "/p?q=1"},
		// ...except for an https_only route: always https.
		{"oldshop.example.com", "https://shop.example.com" + tls + "/p?q=1", "https://shop.example.com" + tls + "/p?q=1"},
		// com.df.redirectFromDomain: to the first com.df.serviceDomain.
		{"old.example.net", "http://new.example.com/p?q=1", "https://new.example.com" + tls + "/p?q=1"},
	} {
		wantRedirect(t, "http://"+tc.old+"/p?q=1", e2etest.Do(t, p.Addr, "GET", tc.old, "/p?q=1", nil), tc.httpTo)
		wantRedirect(t, "http://"+strings.ToUpper(tc.old)+"/p?q=1", e2etest.Do(t, p.Addr, "GET", strings.ToUpper(tc.old), "/p?q=1", nil), tc.httpTo)
		got := e2etest.DoTLS(t, tlsAddr, roots, tc.old, "/p?q=1", true, nil)
		wantRedirect(t, "https://"+tc.old+"/p?q=1", got.Response, tc.httpsTo)
	}
	for name, b := range backends {
		if n := b.Requests() - served[name]; n != 0 {
			t.Errorf("%s got %d requests for old hosts, want none (HAProxy redirects them)", name, n)
		}
	}

	// The canonical hosts themselves are served, not redirected.
	for _, r := range canonical {
		if got := e2etest.Do(t, p.Addr, "GET", r[0], "/p?q=1", nil); got.Status != 200 || got.Backend != r[1] || got.Body != r[1]+" GET /p?q=1\n" {
			t.Errorf("http://%s/p?q=1: got %v, want 200 from %s", r[0], got, r[1])
		}
		if got := e2etest.DoTLS(t, tlsAddr, roots, r[0], "/p?q=1", true, nil); got.Err != nil || got.Status != 200 || got.Backend != r[1] {
			t.Errorf("https://%s/p?q=1: got %v, want 200 from %s", r[0], got, r[1])
		}
	}
	// Only the named old hosts are redirected.
	if got := e2etest.Do(t, p.Addr, "GET", "older.example.com", "/p", nil); got.Status != http.StatusNotFound || got.Backend != "" {
		t.Errorf("http://older.example.com/p: got %v, want a 404 from HAProxy", got)
	}
}

// docker-flow-proxy's httpsPort: a request that came over HTTPS goes to
// the service's other port, one over plain HTTP to its usual port.
func TestHTTPSRequestsGoToTheServicesHTTPSPort(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("shop", "127.0.16.1")
	httpsPort := e2etest.FreePort(t)
	e2etest.StartBackendID(t, "shop-https", "127.0.16.1", httpsPort)
	certs, roots := writeCerts(t, []string{"shop.example.com"})
	p, tlsAddr := startTLSProxy(t, s.dns, certs, s.compose(
		svc("shop", `com.df.notify: "true"`, "com.df.serviceDomain: shop.example.com",
			fmt.Sprintf(`com.df.port: "%d"`, s.port), fmt.Sprintf(`com.df.httpsPort: "%d"`, httpsPort)),
	))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "shop.example.com"}, "shop")
	waitRoutesTLS(t, tlsAddr, roots, "shop.example.com", "shop-https")
	for range 3 {
		if got := e2etest.Do(t, p.Addr, "GET", "shop.example.com", "/", nil); got.Backend != "shop" {
			t.Errorf("http://shop.example.com/: %v, want the service's port (shop)", got)
		}
		if got := e2etest.DoTLS(t, tlsAddr, roots, "shop.example.com", "/", false, nil); got.Backend != "shop-https" {
			t.Errorf("https://shop.example.com/: %v, want the service's HTTPS port (shop-https)", got)
		}
	}
}

// sni=: TLS passed through by server name. The client sees the server's
// own certificate (HAProxy holds none for these names), each name reaches
// its service, a wildcard too, and a name no service has is closed.
func TestSNIPassesTLSThroughToTheServiceOfItsName(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	dir, roots := writeCerts(t, []string{"git.example.com"}, []string{"vault.example.com", "*.vault.example.com"})
	for i, id := range []string{"git", "vault"} {
		file := filepath.Join(dir, fmt.Sprintf("cert%d.pem", i+1))
		cert, err := tls.LoadX509KeyPair(file, file)
		if err != nil {
			t.Fatal(err)
		}
		ip := fmt.Sprintf("127.0.17.%d", i+1)
		e2etest.StartTLSBackend(t, id, ip, s.port, &tls.Config{Certificates: []tls.Certificate{cert}})
		s.dns.Set(id, ip)
	}
	sni := e2etest.FreePort(t)
	p := startProxy(t, s.dns, s.compose(
		svc("git", "SERVICE_NAME: git", fmt.Sprintf("SERVICE_TAGS: sni=%d,server_alias=git.example.com", sni)),
		svc("vault", `com.df.notify: "true"`, "com.df.reqMode: sni", fmt.Sprintf(`com.df.srcPort: "%d"`, sni),
			"com.df.serviceDomain: vault.example.com,*.vault.example.com"),
	))
	addr := p.Addr[:strings.LastIndex(p.Addr, ":")+1] + strconv.Itoa(sni)
	waitRoutesTLS(t, addr, roots, "git.example.com", "git")
	for _, tc := range []struct{ name, want, cert string }{
		{"git.example.com", "git", "git.example.com"},
		{"vault.example.com", "vault", "vault.example.com"},
		{"eu.vault.example.com", "vault", "vault.example.com"},
	} {
		got := e2etest.DoTLS(t, addr, roots, tc.name, "/", true, nil)
		if got.Err != nil || got.Backend != tc.want || got.Peer == nil || got.Peer.Subject.CommonName != tc.cert {
			t.Errorf("TLS to %s: %v, peer %v; want %s answering with its own certificate (%s)", tc.name, got, got.Peer, tc.want, tc.cert)
		}
	}
	if got := e2etest.DoTLS(t, addr, roots, "other.example.com", "/", true, nil); got.Err == nil {
		t.Errorf("TLS to other.example.com, a name no service has: %v, want the connection closed", got)
	}
}
