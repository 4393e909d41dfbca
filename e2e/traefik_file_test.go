package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// Traefik's files, read where the Traefik service mounts them from the
// project: the file provider's folder, and a basicAuth usersFile.

// Traefik's file provider (--providers.file.directory=/rules, the folder
// ./rules mounted there): middlewares of a YAML and of a TOML file, named
// name@file by routers of the labels and by the entry point, keep their
// routers shut (401 without the password, 403 from outside the allowed
// range, neither reaching the server) and set their headers; a router of
// the TOML file sends requests to a service of the project its server URL
// names (a service without any Traefik label), with the file's own
// middlewares, and another to a container's service (api@docker).
func TestTraefikFileProviderMiddlewaresAndRoutersFromTheMountedFolder(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	admin := s.serve("admin", "127.0.101.1")
	office := s.serve("office", "127.0.101.2")
	legacy := s.serve("legacy", "127.0.101.3")
	api := s.serve("api", "127.0.101.4")
	const inside, outside = "127.0.101.10", "127.0.101.100"
	web := e2etest.FreePort(t)
	yml := `# Middlewares for the routers of the labels.
http:
  middlewares:
    secure:
      headers:
        frameDeny: true
    admins:
      basicAuth:
        realm: Admins
        users:
          - "alice:` + bcryptHash + `"
    tagged:
      headers:
        customRequestHeaders:
          X-From-File: "yaml"
        customResponseHeaders:
          X-Served-By: "yaml"
    office:
      ipAllowList:
        sourceRange:
          - 127.0.101.0/28
`
	toml := fmt.Sprintf(`# A middleware, and routers of their own.
[http.middlewares.lan.ipAllowList]
  sourceRange = ["127.0.101.0/28"]

[http.middlewares.toml-headers.headers.customResponseHeaders]
  X-Toml = "1"

[http.routers.legacy]
  rule = "Host(`+"`legacy.tr.test`"+`)"
  middlewares = ["lan", "toml-headers"]
  service = "legacy"

[[http.services.legacy.loadBalancer.servers]]
  url = "http://legacy:%d"

[http.routers.api-v1]
  rule = "Host(`+"`api.tr.test`"+`) && PathPrefix(`+"`/v1`"+`)"
  service = "api@docker"
`, s.port)
	p, _ := startTraefik(t, s.dns, web, map[string]string{
		"rules/middlewares.yml": yml,
		"rules/routers.toml":    toml,
		"compose.yaml": s.trCompose(traefikServiceMounting([]string{"./rules:/rules:ro"}, append(webEntryPoint(web),
			"--providers.file.directory=/rules", "--entrypoints.web.http.middlewares=secure@file")),
			svc("admin", `traefik.enable: "true"`,
				"traefik.http.routers.admin.rule: Host(`admin.tr.test`)",
				"traefik.http.routers.admin.middlewares: admins@file,tagged@file"),
			svc("office", `traefik.enable: "true"`,
				"traefik.http.routers.office.rule: Host(`office.tr.test`)",
				"traefik.http.routers.office.middlewares: office@file,toml-headers@file"),
			svc("legacy"), // no labels: the file's router names it
			svc("api", `traefik.enable: "true"`,
				"traefik.http.routers.api.rule: Host(`api.tr.test`) && Path(`/docs`)",
				"traefik.http.routers.api.service: api",
				fmt.Sprintf(`traefik.http.services.api.loadbalancer.server.port: "%d"`, s.port)),
		),
	})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "office.tr.test", From: inside}, "office")

	// admins@file and tagged@file (YAML), after the entry point's secure@file.
	got := wantStatus(t, "admin as alice", p.Addr, e2etest.Request{Host: "admin.tr.test", Header: basicAuth("alice", "s3cret")}, 200, "admin")
	wantHeaders(t, "admin: the client got", got.Header, map[string]string{"X-Served-By": "yaml", "X-Frame-Options": "DENY"})
	if r := admin.LastRequest(); r == nil || r.Header.Get("X-From-File") != "yaml" {
		t.Errorf("admin: the server got %v, want X-From-File: yaml", r)
	}
	wantChallenged(t, p.Addr, "admin.tr.test", "Admins", admin, basicAuth("alice", "wrong"))

	// office@file (YAML) and toml-headers@file (TOML).
	got = wantStatus(t, "office from inside", p.Addr, e2etest.Request{Host: "office.tr.test", From: inside}, 200, "office")
	wantHeaders(t, "office: the client got", got.Header, map[string]string{"X-Toml": "1", "X-Frame-Options": "DENY", "X-Served-By": ""})
	before := office.Requests()
	wantStatus(t, "office from outside", p.Addr, e2etest.Request{Host: "office.tr.test", From: outside}, 403, "")
	if n := office.Requests() - before; n != 0 {
		t.Errorf("%d refused requests reached office", n)
	}

	// The TOML file's router to http://legacy:PORT, with its lan and
	// toml-headers, the file provider's own names.
	got = wantStatus(t, "legacy from inside", p.Addr, e2etest.Request{Host: "legacy.tr.test", Path: "/old?x=1", From: inside}, 200, "legacy")
	if got.Body != "legacy GET /old?x=1\n" {
		t.Errorf("legacy: body %q, want the server's answer to /old?x=1", got.Body)
	}
	wantHeaders(t, "legacy: the client got", got.Header, map[string]string{"X-Toml": "1", "X-Frame-Options": "DENY"})
	before = legacy.Requests()
	wantStatus(t, "legacy from outside", p.Addr, e2etest.Request{Host: "legacy.tr.test", From: outside}, 403, "")
	if n := legacy.Requests() - before; n != 0 {
		t.Errorf("%d refused requests reached legacy", n)
	}

	// The file's router to api@docker, next to the labels' own router.
	wantAnswer(t, p.Addr, e2etest.Request{Host: "api.tr.test", Path: "/v1/users"}, "api", "/v1/users")
	wantAnswer(t, p.Addr, e2etest.Request{Host: "api.tr.test", Path: "/docs"}, "api", "/docs")
	before = api.Requests()
	wantStatus(t, "api.tr.test/v2 (no router)", p.Addr, e2etest.Request{Host: "api.tr.test", Path: "/v2"}, 404, "")
	if n := api.Requests() - before; n != 0 {
		t.Errorf("%d unrouted requests reached api", n)
	}
}

// basicAuth's usersFile, a file the Traefik service mounts from the
// project, holds the users with the labels' users (bob); headerField
// passes the user's name on to the server in a header, replacing any the
// client sent, and removeHeader keeps the credentials from it.
func TestTraefikBasicAuthUsersFileAndHeaderField(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	grafana := s.serve("grafana", "127.0.105.1")
	web := e2etest.FreePort(t)
	users := "# the team\nalice:" + bcryptHash + "\n\ncarol:" + sha256Hash + "\n"
	p, _ := startTraefik(t, s.dns, web, map[string]string{
		"auth/users": users,
		"compose.yaml": s.trCompose(traefikServiceMounting([]string{"./auth/users:/etc/traefik/users:ro"}, webEntryPoint(web)),
			svc("grafana", `traefik.enable: "true"`,
				"traefik.http.routers.grafana.rule: Host(`grafana.tr.test`)",
				"traefik.http.routers.grafana.middlewares: team",
				"traefik.http.middlewares.team.basicauth.usersfile: /etc/traefik/users",
				`traefik.http.middlewares.team.basicauth.users: "bob:`+strings.ReplaceAll(sha512Hash, "$", "$$")+`"`,
				"traefik.http.middlewares.team.basicauth.headerfield: X-WebAuth-User",
				`traefik.http.middlewares.team.basicauth.removeheader: "true"`),
		),
	})
	waitRoutes(t, p.Addr, e2etest.Request{Host: "grafana.tr.test", Header: basicAuth("alice", "s3cret")}, "grafana")
	forged := func(h map[string][]string) map[string][]string {
		h["X-WebAuth-User"] = []string{"admin"}
		return h
	}
	for _, user := range []string{"alice", "carol", "bob"} {
		wantStatus(t, user+" on grafana", p.Addr, e2etest.Request{Host: "grafana.tr.test", Header: forged(basicAuth(user, "s3cret"))}, 200, "grafana")
		r := grafana.LastRequest()
		if r == nil {
			t.Fatalf("grafana got no request")
		}
		if g := r.Header.Values("X-WebAuth-User"); len(g) != 1 || g[0] != user {
			t.Errorf("%s (claiming admin in X-WebAuth-User): the server got X-WebAuth-User %q, want only %q", user, g, user)
		}
		if h := r.Header.Get("Authorization"); h != "" {
			t.Errorf("%s: the server got Authorization %q, want none (removeHeader)", user, h)
		}
	}
	before := grafana.Requests()
	for _, tc := range []struct {
		what   string
		header map[string][]string
	}{
		{"no credentials, claiming admin", forged(map[string][]string{})},
		{"a wrong password", basicAuth("alice", "wrong")},
		{"an unknown user", basicAuth("dave", "s3cret")},
	} {
		wantStatus(t, "grafana with "+tc.what, p.Addr, e2etest.Request{Host: "grafana.tr.test", Header: tc.header}, 401, "")
	}
	if n := grafana.Requests() - before; n != 0 {
		t.Errorf("%d refused requests reached grafana", n)
	}
}
