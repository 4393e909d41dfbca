package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// redirectRegex through a real HAProxy, as Traefik's redirect.go does it:
// the URL it matches is the request's (https over TLS, the Host header as
// sent, the path and query); a URL the replacement changes is redirected
// to (302 for GET, 307 for every other method, HEAD too; 301 and 308 with
// permanent), the query kept; a URL it does not match, or leaves as it
// was, goes on to the server. Named before an allow-list it redirects the
// clients the list keeps out; named after, they get 403.
func TestTraefikRedirectRegexRedirectsTheURLsItChanges(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	site := s.serve("site", "127.0.109.1")
	s.serve("blog", "127.0.109.2")
	s.serve("keep", "127.0.109.3")
	app := s.serve("app", "127.0.109.4")
	admin := s.serve("admin", "127.0.109.5")
	const inside, outside = "127.0.109.10", "127.0.109.100"
	certs, roots := writeCerts(t, []string{"www.site.tr.test", "site.tr.test", "blog.tr.test"})
	web, websecure := e2etest.FreePort(t), e2etest.FreePort(t)
	toApex := []string{
		`traefik.http.middlewares.to-apex.redirectregex.regex: ^https?://www\.(.*)`,
		"traefik.http.middlewares.to-apex.redirectregex.replacement: https://$${1}",
	}
	p, stderr := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": s.trCompose(
		traefikService(append(webEntryPoint(web), fmt.Sprintf("--entrypoints.websecure.address=:%d", websecure))),
		svc("site", append([]string{`traefik.enable: "true"`,
			"traefik.http.routers.site.rule: Host(`www.site.tr.test`) || Host(`site.tr.test`)",
			"traefik.http.routers.site.entrypoints: web",
			"traefik.http.routers.site.middlewares: to-apex",
			"traefik.http.routers.site-secure.rule: Host(`www.site.tr.test`) || Host(`site.tr.test`)",
			"traefik.http.routers.site-secure.entrypoints: websecure",
			`traefik.http.routers.site-secure.tls: "true"`,
			"traefik.http.routers.site-secure.middlewares: to-apex"}, toApex...)...),
		// Permanent, and for plain HTTP only: over TLS the URL starts
		// with https://, which the regex does not match.
		svc("blog", `traefik.enable: "true"`,
			"traefik.http.routers.blog.rule: Host(`blog.tr.test`)",
			"traefik.http.routers.blog.entrypoints: web",
			"traefik.http.routers.blog.middlewares: moved",
			"traefik.http.routers.blog-secure.rule: Host(`blog.tr.test`)",
			"traefik.http.routers.blog-secure.entrypoints: websecure",
			`traefik.http.routers.blog-secure.tls: "true"`,
			"traefik.http.routers.blog-secure.middlewares: moved",
			`traefik.http.middlewares.moved.redirectregex.regex: ^http://blog\.tr\.test/([0-9]{4})/(.*)`,
			"traefik.http.middlewares.moved.redirectregex.replacement: http://blog.tr.test/posts/$${1}-$${2}",
			`traefik.http.middlewares.moved.redirectregex.permanent: "true"`),
		// Matched, and replaced by the same URL: it goes on.
		svc("keep", `traefik.enable: "true"`,
			"traefik.http.routers.keep.rule: Host(`keep.tr.test`)",
			"traefik.http.routers.keep.entrypoints: web",
			"traefik.http.routers.keep.middlewares: same",
			`traefik.http.middlewares.same.redirectregex.regex: ^http://keep\.tr\.test/(.*)`,
			"traefik.http.middlewares.same.redirectregex.replacement: http://keep.tr.test/$${1}"),
		svc("app", `traefik.enable: "true"`,
			"traefik.http.routers.app.rule: Host(`www.app.tr.test`) || Host(`app.tr.test`)",
			"traefik.http.routers.app.entrypoints: web",
			"traefik.http.routers.app.middlewares: to-apex, office",
			"traefik.http.middlewares.office.ipallowlist.sourcerange: 127.0.109.0/28"),
		svc("admin", `traefik.enable: "true"`,
			"traefik.http.routers.admin.rule: Host(`www.admin.tr.test`) || Host(`admin.tr.test`)",
			"traefik.http.routers.admin.entrypoints: web",
			"traefik.http.routers.admin.middlewares: office, to-apex"),
	)}, "--tls", certs, "--tls-bind", fmt.Sprintf("127.0.0.1:%d", websecure))
	if stderr != "" {
		t.Errorf("the CLI printed:\n%s", stderr)
	}
	tlsAddr := fmt.Sprintf("127.0.0.1:%d", websecure)
	e2etest.WaitListening(t, tlsAddr, 30*time.Second)
	waitRoutes(t, p.Addr, e2etest.Request{Host: "site.tr.test"}, "site")
	waitRoutesTLS(t, tlsAddr, roots, "site.tr.test", "site")

	before := site.Requests()
	for _, tc := range []struct {
		method, host, path string
		code               int
		location           string
	}{
		{"GET", "www.site.tr.test", "/a/b?x=1&y=2", 302, "https://site.tr.test/a/b?x=1&y=2"},
		{"POST", "www.site.tr.test", "/form?x=1", 307, "https://site.tr.test/form?x=1"},
		{"HEAD", "www.site.tr.test", "/", 307, "https://site.tr.test/"},
		{"PUT", "www.site.tr.test", "/", 307, "https://site.tr.test/"},
		// The Host header as sent, its port kept.
		{"GET", "www.site.tr.test:8080", "/a", 302, "https://site.tr.test:8080/a"},
		{"GET", "blog.tr.test", "/2019/hello?x=1", 301, "http://blog.tr.test/posts/2019-hello?x=1"},
		{"POST", "blog.tr.test", "/2019/hello", 308, "http://blog.tr.test/posts/2019-hello"},
		{"HEAD", "blog.tr.test", "/2019/hello", 308, "http://blog.tr.test/posts/2019-hello"},
		{"GET", "www.app.tr.test", "/a", 302, "https://app.tr.test/a"},
	} {
		got := e2etest.Send(t, p.Addr, e2etest.Request{Method: tc.method, Host: tc.host, Path: tc.path, From: inside})
		wantRedirectCode(t, fmt.Sprintf("%s http://%s%s", tc.method, tc.host, tc.path), got, tc.code, tc.location)
	}
	if n := site.Requests() - before; n != 0 {
		t.Errorf("site got %d of the redirected requests", n)
	}
	secure := e2etest.DoTLS(t, tlsAddr, roots, "www.site.tr.test", "/a?x=1", false, nil)
	wantRedirectCode(t, "GET https://www.site.tr.test/a?x=1", secure.Response, 302, "https://site.tr.test/a?x=1")

	// What the regex does not match goes on, the query as sent; so does
	// what it replaces by the same URL.
	for _, tc := range []struct{ host, path, backend string }{
		{"site.tr.test", "/a/b?x=1&y=2", "site"},
		// Traefik's Host matches any case, the regex the Host as sent.
		{"WWW.Site.tr.test", "/a?x=1", "site"},
		{"blog.tr.test", "/about?x=1", "blog"},
		{"blog.tr.test", "/19/hello", "blog"},
		{"keep.tr.test", "/a?x=1", "keep"},
	} {
		wantAnswer(t, p.Addr, e2etest.Request{Host: tc.host, Path: tc.path, From: inside}, tc.backend, tc.path)
	}
	if got := e2etest.DoTLS(t, tlsAddr, roots, "blog.tr.test", "/2019/hello", false, nil); got.Err != nil || got.Status != 200 || got.Backend != "blog" {
		t.Errorf("GET https://blog.tr.test/2019/hello (the regex wants http://): %v, want 200 from blog", got)
	}

	// to-apex before the allow-list: redirected whoever asks; after it,
	// checked first.
	beforeApp, beforeAdmin := app.Requests(), admin.Requests()
	got := e2etest.Send(t, p.Addr, e2etest.Request{Host: "www.app.tr.test", Path: "/a", From: outside})
	wantRedirectCode(t, "GET http://www.app.tr.test/a from outside", got, 302, "https://app.tr.test/a")
	wantStatus(t, "GET http://app.tr.test/a from outside", p.Addr, e2etest.Request{Host: "app.tr.test", Path: "/a", From: outside}, 403, "")
	wantStatus(t, "GET http://www.admin.tr.test/a from outside", p.Addr, e2etest.Request{Host: "www.admin.tr.test", Path: "/a", From: outside}, 403, "")
	got = e2etest.Send(t, p.Addr, e2etest.Request{Host: "www.admin.tr.test", Path: "/a", From: inside})
	wantRedirectCode(t, "GET http://www.admin.tr.test/a from inside", got, 302, "https://admin.tr.test/a")
	if n := app.Requests() - beforeApp + admin.Requests() - beforeAdmin; n != 0 {
		t.Errorf("app and admin got %d requests, want none: each was redirected or refused", n)
	}
}
