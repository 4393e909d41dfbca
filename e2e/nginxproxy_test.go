package e2e

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
	"github.com/compose2haproxy/compose2haproxy/internal/testcert"
)

// The nginx-proxy dialect through a real HAProxy: compose files written
// as nginx-proxy users write them (VIRTUAL_* in the containers'
// environment, the proxy's own settings and mounted folders on the
// nginx-proxy service), and what nginx-proxy's documentation says each
// variable does, checked on the wire. Where this tool answers otherwise
// on purpose (docs/nginx-proxy.md), the test says so.

// nginxProxyService is the nginx-proxy container of a compose file, with
// the Docker socket and mounts (lines of "./DIR:/etc/nginx/DIR:ro", may
// be none) mounted, and its environment (lines of "KEY: value").
func nginxProxyService(mounts []string, env ...string) string {
	var b strings.Builder
	b.WriteString("  nginx-proxy:\n    image: nginxproxy/nginx-proxy:1.7\n    ports: [\"80:80\", \"443:443\"]\n")
	b.WriteString("    volumes:\n      - /var/run/docker.sock:/tmp/docker.sock:ro\n")
	for _, m := range mounts {
		fmt.Fprintf(&b, "      - %s\n", m)
	}
	if len(env) > 0 {
		b.WriteString("    environment:\n")
	}
	for _, e := range env {
		fmt.Fprintf(&b, "      %s\n", e)
	}
	return b.String()
}

// npCompose is a compose file of the nginx-proxy service proxy (from
// nginxProxyService, or "" for none) and services, each of image
// example/NAME, exposing the scene's port, with its lines as its
// environment.
func (s *scene) npCompose(proxy string, services ...service) string {
	var b strings.Builder
	b.WriteString("services:\n" + proxy)
	for _, sv := range services {
		fmt.Fprintf(&b, "  %s:\n    image: example/%[1]s\n    expose: [\"%d\"]\n    environment:\n", sv.name, s.port)
		for _, l := range sv.labels {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	return b.String()
}

// startNginxProject is startProject for files in folders (htpasswd/HOST):
// it writes them, generates the config with the proxy on free loopback
// ports and d as its nameserver (plus args), and starts HAProxy on it.
func startNginxProject(tb testing.TB, d *e2etest.DNS, files map[string]string, args ...string) *proxy {
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
		Addr:  fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb)),
		Stats: fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb)),
	}
	cfg, _ := compose2haproxy(tb, dir, append([]string{"-f", "compose.yaml",
		"--bind", p.Addr, "--stats", p.Stats, "--resolver", d.Addr()}, args...)...)
	p.HAProxy = e2etest.StartHAProxy(tb, cfg)
	e2etest.WaitListening(tb, p.Addr, 30*time.Second)
	return p
}

// wantAnswer sends r and requires status 200 from backend with the body
// the backend writes for uri (the request it received).
func wantAnswer(t *testing.T, addr string, r e2etest.Request, backend, uri string) {
	t.Helper()
	got := e2etest.Send(t, addr, r)
	method := r.Method
	if method == "" {
		method = "GET"
	}
	if want := fmt.Sprintf("%s %s %s\n", backend, method, uri); got.Err != nil || got.Status != 200 || got.Body != want {
		t.Errorf("%s%s: %v, want 200 from %s with body %q", r.Host, r.Path, got, backend, want)
	}
}

// VIRTUAL_HOST's forms: a comma-separated list (spaces allowed), *.x (any
// name below x, at any depth), .x (x and any name below it), and an
// anchored regex with finitely many names. DEFAULT_HOST on the proxy
// makes www the answer to every host nobody claims, as nginx-proxy's
// default server does.
func TestNginxProxyHostListsWildcardsRegexAndTheDefaultHost(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("multi", "127.0.80.1")
	s.serve("wild", "127.0.80.2")
	s.serve("dotted", "127.0.80.3")
	s.serve("shop", "127.0.80.4")
	s.serve("www", "127.0.80.5")
	p := startNginxProject(t, s.dns, map[string]string{"compose.yaml": s.npCompose(
		nginxProxyService(nil, "DEFAULT_HOST: www.np.test"),
		svc("multi", `VIRTUAL_HOST: "a.np.test,b.np.test , c.np.test"`),
		svc("wild", `VIRTUAL_HOST: "*.wild.test"`),
		svc("dotted", `VIRTUAL_HOST: ".dot.test"`),
		svc("shop", `VIRTUAL_HOST: "~^(www\\.)?(shop|store)\\.np\\.(test|example)$"`),
		svc("www", "VIRTUAL_HOST: www.np.test"),
	)})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "a.np.test"}, "multi")
	for _, tc := range []struct{ host, want string }{
		{"a.np.test", "multi"},
		{"b.np.test", "multi"},
		{"c.np.test", "multi"},
		{"C.NP.TEST", "multi"}, // host names are case-insensitive
		{"x.wild.test", "wild"},
		{"a.b.wild.test", "wild"},
		{"dot.test", "dotted"},
		{"x.dot.test", "dotted"},
		{"a.b.dot.test", "dotted"},
		{"shop.np.test", "shop"},
		{"www.store.np.example", "shop"},
		{"store.np.test:8080", "shop"},
		{"www.np.test", "www"},
		// Nobody's: the default host's container.
		{"wild.test", "www"}, // *.x is not x
		{"xwild.test", "www"},
		{"shop.np.org", "www"},
		{"wwwshop.np.test", "www"},
		{"d.np.test", "www"},
		{"", "www"},
	} {
		r := e2etest.Request{Host: tc.host}
		if tc.host == "" {
			r.Host = "127.0.0.1"
		}
		wantStatus(t, "Host "+r.Host, p.Addr, r, 200, tc.want)
	}
}

// VIRTUAL_PATH with VIRTUAL_DEST replaces the matched prefix (/api/ with
// / strips it, /old with /new rewrites it); without VIRTUAL_DEST the path
// reaches the container as it is. The host's paths nobody serves get 404,
// as nginx-proxy's DEFAULT_ROOT does. The query string is kept.
func TestNginxProxyPathsWithAndWithoutVirtualDest(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("api", "127.0.81.1")
	s.serve("docs", "127.0.81.2")
	s.serve("legacy", "127.0.81.3")
	s.serve("site", "127.0.81.4")
	p := startNginxProject(t, s.dns, map[string]string{"compose.yaml": s.npCompose("",
		svc("api", "VIRTUAL_HOST: paths.np.test", "VIRTUAL_PATH: /api/", "VIRTUAL_DEST: /"),
		svc("docs", "VIRTUAL_HOST: paths.np.test", "VIRTUAL_PATH: /docs"),
		svc("legacy", "VIRTUAL_HOST: paths.np.test", "VIRTUAL_PATH: /old", "VIRTUAL_DEST: /new"),
		svc("site", "VIRTUAL_HOST: site.np.test"),
	)})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "paths.np.test", Path: "/docs"}, "docs")
	const host = "paths.np.test"
	for _, tc := range []struct{ path, backend, uri string }{
		{"/api/users?q=1", "api", "/users?q=1"},
		{"/api/", "api", "/"},
		{"/api/a/b", "api", "/a/b"},
		{"/docs", "docs", "/docs"},
		{"/docs/intro?x=y", "docs", "/docs/intro?x=y"},
		{"/old", "legacy", "/new"},
		{"/old/page?id=3", "legacy", "/new/page?id=3"},
		{"/x/../docs/y", "docs", "/docs/y"},
	} {
		wantAnswer(t, p.Addr, e2etest.Request{Host: host, Path: tc.path}, tc.backend, tc.uri)
	}
	// Segment-aware: /apix and /docsx are not /api/ or /docs (nginx's
	// string prefix would give /docsx to docs: a documented difference).
	for _, path := range []string{"/", "/index.html", "/apix", "/docsx", "/older"} {
		wantStatus(t, host+path, p.Addr, e2etest.Request{Host: host, Path: path}, 404, "")
	}
	wantAnswer(t, p.Addr, e2etest.Request{Host: "site.np.test", Path: "/api/users"}, "site", "/api/users")
}

// VIRTUAL_HOST_MULTIPORTS (nginx-proxy's documented example): one
// container answers on four ports, each host and path on its own,
// service2 over TLS with its prefix stripped. VIRTUAL_PROTO=https on
// another container: HAProxy speaks TLS to it without verifying the
// certificate and without SNI, as nginx does by default.
func TestNginxProxyMultiportsAndABackendOverTLS(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	const ip = "127.0.82.1"
	p8000, p9443, p5000 := e2etest.FreePort(t), e2etest.FreePort(t), e2etest.FreePort(t)
	keys := t.TempDir()
	if _, err := testcert.Write(keys, []string{"self-signed.invalid"}); err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(keys, "cert1.pem"), filepath.Join(keys, "cert1.pem"))
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	e2etest.StartBackendID(t, "multi-80", ip, s.port)
	e2etest.StartBackendID(t, "multi-8000", ip, p8000)
	service2 := e2etest.StartTLSBackend(t, "multi-9443", ip, p9443, tlsCfg)
	e2etest.StartBackendID(t, "multi-5000", ip, p5000)
	s.dns.Set("multi", ip)
	secure := e2etest.StartTLSBackend(t, "secure", "127.0.82.2", s.port, tlsCfg)
	s.dns.Set("secure", "127.0.82.2")

	compose := fmt.Sprintf(`services:
  multi:
    image: example/multi
    expose: ["%[1]d", "%[2]d", "%[3]d", "%[4]d"]
    environment:
      VIRTUAL_HOST_MULTIPORTS: |-
        www.np.test:
          "/":
            port: %[1]d
          "/service1":
            port: %[2]d
            dest: "/"
          "/service2/":
            port: %[3]d
            proto: "https"
            dest: "/"
        admin.np.test:
          "/":
            port: %[4]d
  secure:
    image: example/secure
    expose: ["%[1]d"]
    environment:
      VIRTUAL_HOST: secure.np.test
      VIRTUAL_PROTO: https
`, s.port, p8000, p9443, p5000)
	p := startNginxProject(t, s.dns, map[string]string{"compose.yaml": compose})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "www.np.test"}, "multi-80")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "secure.np.test"}, "secure")
	for _, tc := range []struct{ host, path, backend, uri string }{
		{"www.np.test", "/index.html", "multi-80", "/index.html"},
		{"www.np.test", "/service1", "multi-8000", "/"},
		// nginx's proxy_pass http://upstream/; for location /service1
		// replaces the prefix, and so does this: /service1/x is //x.
		{"www.np.test", "/service1/x", "multi-8000", "//x"},
		{"www.np.test", "/service2/x?y=1", "multi-9443", "/x?y=1"},
		{"www.np.test", "/service2/", "multi-9443", "/"},
		{"admin.np.test", "/", "multi-5000", "/"},
		{"admin.np.test", "/service1", "multi-5000", "/service1"},
		{"secure.np.test", "/a?b=c", "secure", "/a?b=c"},
	} {
		wantAnswer(t, p.Addr, e2etest.Request{Host: tc.host, Path: tc.path}, tc.backend, tc.uri)
	}
	if r := service2.LastRequest(); r == nil || r.TLS == nil {
		t.Errorf("service2 (proto https) was not reached over TLS: %v", r)
	}
	if r := secure.LastRequest(); r == nil || r.TLS == nil || r.TLS.ServerName != "" {
		t.Errorf("VIRTUAL_PROTO=https: the server got SNI %q, want TLS without SNI (nginx's proxy_ssl_server_name off)", serverName(r))
	}
}
