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

// startNginxTLS is startNginxProject with an HTTPS listener on a free
// loopback port, the certificates in certs; it returns the HTTPS address
// too.
func startNginxTLS(tb testing.TB, d *e2etest.DNS, certs string, files map[string]string, args ...string) (*proxy, string) {
	tb.Helper()
	tlsAddr := fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb))
	p := startNginxProject(tb, d, files, append([]string{"--tls", certs, "--tls-bind", tlsAddr}, args...)...)
	e2etest.WaitListening(tb, tlsAddr, 30*time.Second)
	return p, tlsAddr
}

// HTTPS_METHOD each way, with HSTS from the proxy's default, a
// container's own and "off": redirect sends plain HTTP to HTTPS (301,
// for a POST too, nginx-proxy's NON_GET_REDIRECT default) and HTTPS
// answers carry HSTS; noredirect serves both without HSTS; nohttp
// refuses plain HTTP (403 here, 503 from nginx-proxy); nohttps serves
// plain HTTP, and HTTPS too (nginx-proxy has no HTTPS server for it: a
// documented difference), never with HSTS.
func TestNginxProxyHTTPSMethodEachWayWithHSTS(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	names := []string{"redirected", "both", "httpsonly", "httponly", "nohsts"}
	hosts := []string{"a.np.test", "b.np.test", "c.np.test", "d.np.test", "e.np.test"}
	for i, name := range names {
		s.serve(name, fmt.Sprintf("127.0.83.%d", i+1))
	}
	certs, roots := writeCerts(t, hosts)
	p, tlsAddr := startNginxTLS(t, s.dns, certs, map[string]string{"compose.yaml": s.npCompose(
		nginxProxyService(nil, "HSTS: max-age=63072000"),
		svc("redirected", "VIRTUAL_HOST: a.np.test"),
		svc("both", "VIRTUAL_HOST: b.np.test", "HTTPS_METHOD: noredirect"),
		svc("httpsonly", "VIRTUAL_HOST: c.np.test", "HTTPS_METHOD: nohttp", `HSTS: "max-age=31536000; includeSubDomains; preload"`),
		svc("httponly", "VIRTUAL_HOST: d.np.test", "HTTPS_METHOD: nohttps"),
		svc("nohsts", "VIRTUAL_HOST: e.np.test", `HSTS: "off"`),
	)})
	for i, name := range names {
		waitRoutesTLS(t, tlsAddr, roots, hosts[i], name)
	}
	port := tlsPort(tlsAddr)

	// Plain HTTP.
	for _, method := range []string{"GET", "POST"} {
		for _, host := range []string{"a.np.test", "e.np.test"} {
			got := e2etest.Send(t, p.Addr, e2etest.Request{Method: method, Host: host, Path: "/x?y=1"})
			wantRedirect(t, method+" http://"+host+"/x?y=1", got, "https://"+host+port+"/x?y=1")
		}
	}
	wantAnswer(t, p.Addr, e2etest.Request{Host: "b.np.test", Path: "/x"}, "both", "/x")
	wantAnswer(t, p.Addr, e2etest.Request{Host: "d.np.test", Path: "/x"}, "httponly", "/x")
	wantStatus(t, "http://c.np.test (nohttp)", p.Addr, e2etest.Request{Host: "c.np.test"}, 403, "")
	for _, host := range []string{"b.np.test", "d.np.test"} {
		if got := e2etest.Do(t, p.Addr, "GET", host, "/", nil); got.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("http://%s: Strict-Transport-Security %q over plain HTTP", host, got.Header.Get("Strict-Transport-Security"))
		}
	}

	// HTTPS.
	for i, tc := range []struct{ backend, hsts string }{
		{"redirected", "max-age=63072000"},
		{"both", ""},
		{"httpsonly", "max-age=31536000; includeSubDomains; preload"},
		{"httponly", ""},
		{"nohsts", ""},
	} {
		got := e2etest.DoTLS(t, tlsAddr, roots, hosts[i], "/x", true, nil)
		if got.Err != nil || got.Status != 200 || got.Backend != tc.backend {
			t.Errorf("https://%s/x: %v, want 200 from %s", hosts[i], got, tc.backend)
		}
		if h := got.Header.Get("Strict-Transport-Security"); h != tc.hsts {
			t.Errorf("https://%s/x: Strict-Transport-Security %q, want %q", hosts[i], h, tc.hsts)
		}
	}
}

// A file of the proxy's htpasswd folder, named for a host, protects that
// host: 401 with a challenge without the user or with a wrong password,
// 200 with it; a host without a file is open.
func TestNginxProxyHtpasswdFromTheProxysFolder(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	private := s.serve("private", "127.0.84.1")
	s.serve("public", "127.0.84.2")
	p := startNginxProject(t, s.dns, map[string]string{
		"compose.yaml": s.npCompose(nginxProxyService([]string{"./htpasswd:/etc/nginx/htpasswd:ro"}),
			svc("private", "VIRTUAL_HOST: private.np.test"),
			svc("public", "VIRTUAL_HOST: public.np.test"),
		),
		"htpasswd/private.np.test": "alice:" + sha512Hash + "\nbob:" + sha256Hash + "\n",
	})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "public.np.test"}, "public")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "private.np.test", Header: basicAuth("alice", "s3cret")}, "private")
	wantStatus(t, "bob", p.Addr, e2etest.Request{Host: "private.np.test", Header: basicAuth("bob", "s3cret")}, 200, "private")
	before := private.Requests()
	for _, tc := range []struct {
		what   string
		header map[string][]string
	}{
		{"no credentials", nil},
		{"a wrong password", basicAuth("alice", "wrong")},
		{"an unknown user", basicAuth("carol", "s3cret")},
	} {
		got := wantStatus(t, tc.what, p.Addr, e2etest.Request{Host: "private.np.test", Path: "/secret", Header: tc.header}, 401, "")
		// nginx-proxy's realm is "Restricted private.np.test".
		if !strings.HasPrefix(got.Header.Get("WWW-Authenticate"), "Basic realm=") {
			t.Errorf("%s: WWW-Authenticate %q, want a Basic challenge", tc.what, got.Header.Get("WWW-Authenticate"))
		} else {
			t.Logf("%s: 401 with WWW-Authenticate %s", tc.what, got.Header.Get("WWW-Authenticate"))
		}
	}
	if n := private.Requests() - before; n != 0 {
		t.Errorf("%d refused requests reached the protected container", n)
	}
}

// NETWORK_ACCESS=internal lets in nginx-proxy's internal ranges only.
// Behind a trusted proxy (--trusted-proxy) the client is the last address
// of X-Forwarded-For: a public one gets 403, a private one gets in;
// anyone else's X-Forwarded-For is not believed. (nginx-proxy, which does
// not set real_ip, checks the connection's address alone: the trusted
// proxy's.)
func TestNginxProxyNetworkAccessInternalRefusesPublicClients(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	intranet := s.serve("intranet", "127.0.85.1")
	s.serve("open", "127.0.85.2")
	const balancer, direct = "127.0.85.200", "127.0.85.50"
	p := startNginxProject(t, s.dns, map[string]string{"compose.yaml": s.npCompose("",
		svc("intranet", "VIRTUAL_HOST: intranet.np.test", "NETWORK_ACCESS: internal"),
		svc("open", "VIRTUAL_HOST: open.np.test"),
	)}, "--trusted-proxy", balancer)
	via := func(host, client string) e2etest.Request {
		return e2etest.Request{Host: host, From: balancer, Header: map[string][]string{"X-Forwarded-For": {client}}}
	}
	waitRoutes(t, p.Addr, e2etest.Request{Host: "intranet.np.test", From: direct}, "intranet")
	before := intranet.Requests()
	for _, client := range []string{"203.0.113.7", "8.8.8.8", "172.32.0.1", "2001:db8::1"} {
		wantStatus(t, "public client "+client+" through the trusted proxy", p.Addr, via("intranet.np.test", client), 403, "")
	}
	if n := intranet.Requests() - before; n != 0 {
		t.Errorf("%d refused requests reached the internal container", n)
	}
	for _, client := range []string{"10.1.2.3", "172.16.5.5", "172.31.255.254", "192.168.1.10", "127.0.0.9", "fd00::1"} {
		wantStatus(t, "private client "+client+" through the trusted proxy", p.Addr, via("intranet.np.test", client), 200, "intranet")
	}
	// nginx-proxy, without real_ip, appends the connection's address (the
	// trusted proxy's). Here the client the trusted proxy named is the
	// client, and option forwardfor appends it: the last value is the
	// real client, for servers that trust one hop (docs/nginx-proxy.md).
	if r := intranet.LastRequest(); r == nil || !strings.HasSuffix(strings.Join(r.Header.Values("X-Forwarded-For"), ", "), "fd00::1, fd00::1") {
		var got []string
		if r != nil {
			got = r.Header.Values("X-Forwarded-For")
		}
		t.Errorf("fd00::1 through the trusted proxy: the server got X-Forwarded-For %q, want it to end in the client the trusted proxy named", got)
	}
	// A client that is not the trusted proxy is its own address, whatever
	// it writes: loopback is internal.
	wantStatus(t, "a direct loopback client claiming a public address", p.Addr,
		e2etest.Request{Host: "intranet.np.test", From: direct, Header: map[string][]string{"X-Forwarded-For": {"203.0.113.7"}}}, 200, "intranet")
	wantStatus(t, "a public client of the open host", p.Addr, via("open.np.test", "203.0.113.7"), 200, "open")
}

// The headers the server receives, compared with nginx-proxy's
// (TRUST_DOWNSTREAM_PROXY=true, its default): Host as the client sent it,
// X-Forwarded-For appended to, and no header that nginx-proxy always
// overwrites or clears (X-Real-IP, X-Forwarded-Ssl, X-Original-URI,
// Proxy) reaches the server with the client's value. The differences
// are logged.
func TestNginxProxyForwardedHeadersAsNginxProxySendsThem(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	app := s.serve("app", "127.0.86.1")
	const client = "127.0.86.50"
	p := startNginxProject(t, s.dns, map[string]string{"compose.yaml": s.npCompose("",
		svc("app", "VIRTUAL_HOST: app.np.test"))})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "app.np.test"}, "app")

	forged := map[string][]string{
		"X-Forwarded-For":   {"198.51.100.1"},
		"X-Forwarded-Proto": {"https"},
		"X-Forwarded-Host":  {"forged.example"},
		"X-Forwarded-Port":  {"8443"},
		"X-Forwarded-Ssl":   {"on"},
		"X-Real-Ip":         {"198.51.100.2"},
		"X-Original-Uri":    {"/admin"},
		"Proxy":             {"http://198.51.100.3:8080"},
	}
	wantAnswer(t, p.Addr, e2etest.Request{Host: "app.np.test:8080", Path: "/p?q=1", From: client, Header: forged}, "app", "/p?q=1")
	seen := app.LastRequest()
	if seen == nil {
		t.Fatal("the server got no request")
	}
	if seen.Host != "app.np.test:8080" {
		t.Errorf("Host %q, want the client's app.np.test:8080 (nginx-proxy's $http_host)", seen.Host)
	}
	if got := strings.Join(seen.Header.Values("X-Forwarded-For"), ", "); got != "198.51.100.1, "+client {
		t.Errorf("X-Forwarded-For %q, want the client's with its address appended, as nginx-proxy's $proxy_add_x_forwarded_for", got)
	}
	// nginx-proxy sets these from the connection whatever the client
	// wrote (X-Forwarded-Ssl from X-Forwarded-Proto), or clears them
	// (Proxy, against httpoxy): a client's value must never get through.
	for _, name := range []string{"X-Real-Ip", "X-Forwarded-Ssl", "X-Original-Uri", "Proxy"} {
		if v := seen.Header.Values(name); len(v) > 0 && v[0] == forged[name][0] {
			t.Errorf("%s: the client's %q reached the server; nginx-proxy never lets it through", name, v[0])
		}
	}
	// The documented differences: nginx-proxy passes a downstream
	// proxy's X-Forwarded-Proto, -Host and -Port on (here Proto is the
	// connection's) and sets X-Real-IP, X-Forwarded-Ssl and X-Original-URI.
	if got := seen.Header.Get("X-Forwarded-Proto"); got != "http" {
		t.Errorf("X-Forwarded-Proto %q, want http, the connection's", got)
	}
	for _, name := range []string{"X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Ssl", "X-Real-Ip", "X-Original-Uri", "Proxy"} {
		t.Logf("%s: client sent %q, the server got %q", name, forged[name], seen.Header.Values(name))
	}
}
