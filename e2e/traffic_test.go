package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
	"github.com/compose2haproxy/compose2haproxy/internal/testcert"
)

// Headers set by docker-flow-proxy's labels and by compose2haproxy's
// literal labels reach the server and the client exactly as written:
// quotes, '%', '$' and '#' are not interpreted, and deleted headers are
// gone.
func TestHeadersReachTheServerAndTheClientAsWritten(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	web := s.serve("web", "127.0.40.1")
	const literal = `100% "quoted" $HOME %[src] \ #not-a-comment`
	const csp = "default-src 'self'; img-src * data:"
	p := startProxy(t, s.dns, s.compose(svc("web",
		"SERVICE_NAME: web",
		"SERVICE_TAGS: security_headers",
		"com.df.setReqHeader: X-Env prod",
		"com.df.addReqHeader: X-Team shop",
		"com.df.delReqHeader: X-Drop",
		"com.df.setResHeader: X-Served-By proxy one",
		"com.df.delResHeader: X-Seen-Proto",
		// $$ is compose's escape of $; the rest reaches HAProxy as written.
		`compose2haproxy.request-header.X-Literal: '100% "quoted" $$HOME %[src] \ #not-a-comment'`,
		`compose2haproxy.response-header.Content-Security-Policy: "`+csp+`"`,
	)))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "web"}, "web")

	got := e2etest.Do(t, p.Addr, "GET", "web", "/", http.Header{"X-Env": {"from-client"}, "X-Drop": {"secret"}})
	if got.Status != 200 || got.Backend != "web" {
		t.Fatalf("GET web/: %v", got)
	}
	seen := web.LastRequest().Header
	for name, want := range map[string][]string{
		"X-Env":     {"prod"}, // set replaces the client's
		"X-Team":    {"shop"},
		"X-Drop":    nil,
		"X-Literal": {literal},
	} {
		if g := seen.Values(name); fmt.Sprint(g) != fmt.Sprint(want) {
			t.Errorf("the server got %s %q, want %q", name, g, want)
		}
	}
	wantHeaders(t, "the client got", got.Header, map[string]string{
		"X-Served-By":             "proxy one",
		"X-Seen-Proto":            "", // the server's, deleted
		"Content-Security-Policy": csp,
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "SAMEORIGIN",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
	})
}

// wantHeaders checks the value of each header of want in h ("" for none).
func wantHeaders(t *testing.T, what string, h http.Header, want map[string]string) {
	t.Helper()
	for name, v := range want {
		if g := h.Get(name); g != v {
			t.Errorf("%s %s %q, want %q", what, name, g, v)
		}
	}
}

// compress gzips a response for a client that accepts gzip, and only for
// it.
func TestCompressionGzipsForClientsThatAcceptIt(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("web", "127.0.41.1")
	p := startProxy(t, s.dns, webService(s.port, "      SERVICE_TAGS: compress\n"))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "www.hello"}, "web")

	got := e2etest.Do(t, p.Addr, "GET", "www.hello", "/page", http.Header{"Accept-Encoding": {"gzip"}})
	if got.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Accept-Encoding: gzip got Content-Encoding %q (%v), want gzip", got.Header.Get("Content-Encoding"), got)
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(got.Body)))
	if err != nil {
		t.Fatalf("the gzip body does not read: %v", err)
	}
	if body, err := io.ReadAll(zr); err != nil || string(body) != "web GET /page\n" {
		t.Errorf("gunzipped body %q (%v), want the server's", body, err)
	}
	if plain := e2etest.Do(t, p.Addr, "GET", "www.hello", "/page", nil); plain.Header.Get("Content-Encoding") != "" || plain.Body != "web GET /page\n" {
		t.Errorf("without Accept-Encoding: %v, Content-Encoding %q; want the plain body", plain, plain.Header.Get("Content-Encoding"))
	}
}

// hsts is sent on HTTPS responses, never over plain HTTP.
func TestHSTSIsSentOverHTTPSOnly(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("shop", "127.0.42.1")
	certs, roots := writeCerts(t, []string{"shop.example.com"})
	p, tlsAddr := startTLSProxy(t, s.dns, certs, s.compose(svc("shop", "SERVICE_NAME: shop", "SERVICE_TAGS: hsts")), "--domain", "example.com")
	got := waitRoutesTLS(t, tlsAddr, roots, "shop.example.com", "shop")
	if h := got.Header.Get("Strict-Transport-Security"); h != "max-age=31536000" {
		t.Errorf("over HTTPS: Strict-Transport-Security %q, want max-age=31536000", h)
	}
	plain := e2etest.Do(t, p.Addr, "GET", "shop.example.com", "/", nil)
	if plain.Backend != "shop" || plain.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("over HTTP: %v with Strict-Transport-Security %q, want shop without it", plain, plain.Header.Get("Strict-Transport-Security"))
	}
}

// HAProxy answers a CORS preflight from an allowed origin itself; the
// server's responses to that origin carry Access-Control-Allow-Origin, and
// another origin gets no CORS header.
func TestCORSPreflightIsAnsweredByHAProxy(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	api := s.serve("api", "127.0.43.1")
	p := startProxy(t, s.dns, s.compose(svc("api", "SERVICE_NAME: api", "SERVICE_TAGS: cors_origin=https://app.example.com")))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api"}, "api")

	const app = "https://app.example.com"
	preflight := http.Header{"Origin": {app}, "Access-Control-Request-Method": {"PUT"}, "Access-Control-Request-Headers": {"content-type, x-token"}}
	before := api.Requests()
	got := e2etest.Do(t, p.Addr, "OPTIONS", "api", "/items", preflight)
	if got.Status != 204 || got.Backend != "" || api.Requests() != before {
		t.Errorf("preflight: %v, the server got %d requests; want 204 from HAProxy alone", got, api.Requests()-before)
	}
	wantHeaders(t, "preflight:", got.Header, map[string]string{
		"Access-Control-Allow-Origin":  app,
		"Access-Control-Allow-Methods": "GET,HEAD,POST,PUT,PATCH,DELETE",
		"Access-Control-Allow-Headers": "content-type, x-token",
		"Access-Control-Max-Age":       "600",
	})
	if got := e2etest.Do(t, p.Addr, "GET", "api", "/items", http.Header{"Origin": {app}}); got.Backend != "api" ||
		got.Header.Get("Access-Control-Allow-Origin") != app || got.Header.Get("Vary") != "Origin" {
		t.Errorf("GET from %s: %v, Allow-Origin %q, Vary %q; want the server's answer with both", app, got, got.Header.Get("Access-Control-Allow-Origin"), got.Header.Get("Vary"))
	}
	evil := http.Header{"Origin": {"https://evil.example.com"}, "Access-Control-Request-Method": {"PUT"}}
	for _, method := range []string{"OPTIONS", "GET"} {
		if got := e2etest.Do(t, p.Addr, method, "api", "/items", evil); got.Backend != "api" || got.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s from another origin: %v, Allow-Origin %q; want the server's answer without it", method, got, got.Header.Get("Access-Control-Allow-Origin"))
		}
	}
}

// A request for a host no route matches goes to the default backend
// instead of the 404; routed hosts still go to their service.
func TestUnknownHostsReachTheDefaultBackend(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("web", "127.0.44.1")
	s.serve("fallback", "127.0.44.2")
	p := startProxy(t, s.dns, s.compose(
		svc("web", "SERVICE_NAME: web", "SERVICE_TAGS: path=/app"),
		svc("fallback", `com.df.notify: "true"`, `com.df.isDefaultBackend: "true"`),
	))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "web", Path: "/app/x"}, "web")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "unknown.example.com"}, "fallback")
	for _, tc := range []struct{ host, path, want string }{
		{"web", "/app", "web"},
		{"nobody.example.org", "/app", "fallback"},
		{"", "/", "fallback"},
	} {
		if ok, why := routesTo(t, p.Addr, tc.host, tc.path, tc.want); !ok {
			t.Errorf("want %s: %s", tc.want, why)
		}
	}
	// A routed host is its service's whatever the path: its unknown
	// paths are no one else's.
	if got := e2etest.Do(t, p.Addr, "GET", "web", "/other", nil); got.Err != nil || got.Status != 404 || got.Backend != "" {
		t.Errorf("web/other: %v, want 404 from the proxy", got)
	}
}

// backend_tls verifies the servers' certificates against the system's CAs
// for the service's name, which it sends as SNI: a server with a
// certificate for another name is refused (503), while
// backend_tls=insecure talks to a self-signed one. HAProxy 2.6 reads the
// system's CAs from /etc/ssl/certs only, so HAProxy runs in a mount
// namespace where that directory holds the test's CA alone.
func TestBackendTLSVerifiesTheServersCertificate(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	if _, err := exec.LookPath("unshare"); err != nil || os.Geteuid() != 0 {
		haproxytest.SkipOrFail(t, "this test runs HAProxy in a mount namespace of its own: it needs unshare and root")
	}

	// The CA directory holds only the certificate of "secure" (its own CA);
	// "wrongname" presents a certificate for another name from the same CA
	// directory, and "selfsigned" one that no CA vouches for.
	caDir, keys := t.TempDir(), t.TempDir()
	if _, err := testcert.Write(keys, []string{"secure"}, []string{"other"}, []string{"selfsigned"}); err != nil {
		t.Fatal(err)
	}
	var certs []tls.Certificate
	for i := 1; i <= 3; i++ {
		file := filepath.Join(keys, fmt.Sprintf("cert%d.pem", i))
		c, err := tls.LoadX509KeyPair(file, file)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, c)
		if i <= 2 {
			pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})
			if err := os.WriteFile(filepath.Join(caDir, fmt.Sprintf("ca%d.pem", i)), pemBytes, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	secure := e2etest.StartTLSBackend(t, "secure", "127.0.45.1", s.port, &tls.Config{Certificates: certs[:1]})
	e2etest.StartTLSBackend(t, "wrongname", "127.0.45.2", s.port, &tls.Config{Certificates: certs[1:2]})
	e2etest.StartTLSBackend(t, "selfsigned", "127.0.45.3", s.port, &tls.Config{Certificates: certs[2:3]})
	s.dns.Set("secure", "127.0.45.1")
	s.dns.Set("wrongname", "127.0.45.2")
	s.dns.Set("selfsigned", "127.0.45.3")
	compose := s.compose(
		svc("secure", "SERVICE_NAME: secure", "SERVICE_TAGS: backend_tls"),
		svc("wrongname", "SERVICE_NAME: wrongname", "SERVICE_TAGS: backend_tls"),
		svc("selfsigned", `com.df.notify: "true"`, "com.df.serviceDomain: selfsigned", `com.df.sslVerifyNone: "true"`),
	)
	p := startProject(t, s.dns, map[string]string{"compose.yaml": compose}, []string{"unshare", "--mount", "--propagation", "private",
		"sh", "-c", "mount --bind '" + caDir + "' /etc/ssl/certs && exec \"$@\"", "sh"})

	waitRoutes(t, p.Addr, e2etest.Request{Host: "secure"}, "secure")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "selfsigned"}, "selfsigned")
	if r := secure.LastRequest(); r.TLS == nil || r.TLS.ServerName != "secure" {
		t.Errorf("the verified server got SNI %q, want its service name", serverName(r))
	}
	// The wrong name never answers: every request is refused by HAProxy.
	for range 3 {
		if got := e2etest.Do(t, p.Addr, "GET", "wrongname", "/", nil); got.Status != 503 || got.Backend != "" {
			t.Errorf("a certificate for another name: %v, want 503 from HAProxy", got)
		}
	}
}

func serverName(r *http.Request) string {
	if r == nil || r.TLS == nil {
		return "(no TLS)"
	}
	return r.TLS.ServerName
}

// proto=h2 speaks HTTP/2 in clear text to the servers, as gRPC needs.
func TestHTTP2InClearTextReachesTheServers(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	grpc := e2etest.StartH2CBackend(t, "grpc", "127.0.46.1", s.port)
	s.dns.Set("grpc", "127.0.46.1")
	p := startProxy(t, s.dns, s.compose(svc("grpc", "SERVICE_NAME: grpc", "SERVICE_TAGS: proto=h2")))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "grpc"}, "grpc")
	if r := grpc.LastRequest(); r.ProtoMajor != 2 {
		t.Errorf("the server got %s from HAProxy, want HTTP/2", r.Proto)
	}
}

// send_proxy starts each connection to the servers with a PROXY protocol
// v2 header that carries the client's address.
func TestSendProxyTellsTheServersTheClientAddress(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	headers := startProxyV2Server(t, "127.0.47.1", s.port)
	s.dns.Set("mail", "127.0.47.1")
	listen := e2etest.FreePort(t)
	startProxy(t, s.dns, s.compose(svc("mail", "SERVICE_NAME: mail", fmt.Sprintf("SERVICE_TAGS: tcp=%d,send_proxy", listen))))
	addr := "127.0.0.1:" + strconv.Itoa(listen)
	e2etest.WaitListening(t, addr, 5*time.Second)
	e2etest.Eventually(t, 10*time.Second, "a client connection to arrive with a PROXY header", func() (bool, string) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return false, err.Error()
		}
		defer c.Close()
		local := c.LocalAddr().(*net.TCPAddr)
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return false, "reading the server's answer: " + err.Error()
		}
		want := fmt.Sprintf("%s:%d\n", local.IP, local.Port)
		return line == want, fmt.Sprintf("the server saw the client as %q, want %q (%d headers so far)", line, want, len(headers))
	})
}

// startProxyV2Server accepts connections that must start with a PROXY
// protocol v2 header (health checks send one too, with a LOCAL command) and
// answers a PROXY'd one with "IP:PORT\n" of the client it names.
func startProxyV2Server(tb testing.TB, ip string, port int) chan struct{} {
	tb.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	seen := make(chan struct{}, 1000)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				hdr := make([]byte, 16)
				if _, err := io.ReadFull(c, hdr); err != nil || !bytes.Equal(hdr[:12], []byte("\r\n\r\n\x00\r\nQUIT\n")) {
					return
				}
				body := make([]byte, int(hdr[14])<<8|int(hdr[15]))
				if _, err := io.ReadFull(c, body); err != nil {
					return
				}
				select {
				case seen <- struct{}{}:
				default:
				}
				// Version 2, PROXY command, TCP over IPv4: source and
				// destination addresses, then ports.
				if hdr[12] != 0x21 || hdr[13] != 0x11 || len(body) < 12 {
					return
				}
				src := net.IP(body[0:4])
				srcPort := int(body[8])<<8 | int(body[9])
				fmt.Fprintf(c, "%s:%d\n", src, srcPort)
			}()
		}
	}()
	return seen
}

// Two services with the same SERVICE_NAME are one backend: weight=90 and
// weight=10 split its requests about 90/10 (one replica each), and both
// keep answering.
func TestWeightsSplitASharedNameNinetyToTen(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serveAs("web", "stable", "127.0.48.1")
	s.serveAs("web-canary", "canary", "127.0.48.2")
	p := startProxy(t, s.dns, s.compose(
		svc("web", "SERVICE_NAME: www", "SERVICE_TAGS: weight=90", "compose2haproxy.admit: web-canary"),
		svc("web-canary", "SERVICE_NAME: www", "SERVICE_TAGS: weight=10", "compose2haproxy.admit: web"),
	))
	e2etest.Eventually(t, 10*time.Second, "both services to answer", func() (bool, string) {
		return onlyBackends(t, p.Addr, "www", 20, "stable", "canary")
	})
	const n = 300
	got := e2etest.Spread(t, p.Addr, "www", "/", n)
	if got["stable"]+got["canary"] != n {
		t.Fatalf("%d requests: %v, want every one answered by stable or canary", n, got)
	}
	// Weighted round robin is close to exact; leave room for a replica
	// that was briefly down.
	if share := float64(got["canary"]) / n; share < 0.05 || share > 0.15 {
		t.Errorf("the canary got %d of %d requests (%.0f%%), want about 10%%: %v", got["canary"], n, 100*share, got)
	}
}

// A service with match_header takes the requests that carry the header; the
// service of the same name without a condition takes the others.
func TestAHeaderRoutesRequestsToTheCanary(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serveAs("web", "stable", "127.0.49.1")
	s.serveAs("web-canary", "canary", "127.0.49.2")
	s.serve("mobile", "127.0.49.3")
	p := startProxy(t, s.dns, s.compose(
		svc("web", "SERVICE_NAME: www", `compose2haproxy.admit: "web-canary, mobile"`),
		svc("web-canary", "SERVICE_NAME: www", "SERVICE_TAGS: match_header=X-Canary:1", "compose2haproxy.admit: mobile"),
		svc("mobile", `com.df.notify: "true"`, "com.df.serviceDomain: www", "com.df.userAgent: iphone", "compose2haproxy.admit: web-canary"),
	))
	e2etest.Eventually(t, 10*time.Second, "the canary to answer", func() (bool, string) {
		r := e2etest.Do(t, p.Addr, "GET", "www", "/", http.Header{"X-Canary": {"1"}})
		return r.Backend == "canary", r.String()
	})
	for _, tc := range []struct {
		header http.Header
		want   string
	}{
		{nil, "stable"},
		{http.Header{"X-Canary": {"1"}}, "canary"},
		{http.Header{"X-Canary": {"2"}}, "stable"}, // the value must match
		{http.Header{"User-Agent": {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"}}, "mobile"},
		{http.Header{"User-Agent": {"curl/8.0"}}, "stable"},
	} {
		for range 3 {
			if got := e2etest.Do(t, p.Addr, "GET", "www", "/", tc.header); got.Backend != tc.want {
				t.Errorf("www with %v: %v, want %s", tc.header, got, tc.want)
			}
		}
	}
}

// docker-flow-proxy's srcPort for an HTTP service: a listener of its own,
// which serves that service only, while the service is not served on the
// shared listener.
func TestAServiceListenerOfItsOwnServesOnlyIt(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("admin", "127.0.47.11")
	s.serve("web", "127.0.47.12")
	own := e2etest.FreePort(t)
	p := startProxy(t, s.dns, s.compose(
		svc("admin", `com.df.notify: "true"`, "com.df.serviceDomain: admin.example.com", fmt.Sprintf(`com.df.srcPort: "%d"`, own)),
		svc("web", "SERVICE_NAME: web"),
	))
	ownAddr := "127.0.0.1:" + strconv.Itoa(own)
	e2etest.WaitListening(t, ownAddr, 5*time.Second)
	waitRoutes(t, ownAddr, e2etest.Request{Host: "admin.example.com", Path: "/x"}, "admin")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "web"}, "web")
	for _, tc := range []struct{ addr, host, want string }{
		{ownAddr, "web", ""},              // web is not served on admin's port
		{p.Addr, "admin.example.com", ""}, // admin is not served on the shared port
		{ownAddr, "admin.example.com", "admin"},
		{p.Addr, "web", "web"},
	} {
		got := e2etest.Do(t, tc.addr, "GET", tc.host, "/", nil)
		if tc.want == "" && (got.Status != 404 || got.Backend != "") || tc.want != "" && got.Backend != tc.want {
			t.Errorf("%s with Host %q: %v, want %s", tc.addr, tc.host, got, map[bool]string{true: "404", false: tc.want}[tc.want == ""])
		}
	}
}
