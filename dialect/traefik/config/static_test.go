package config

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeStatic(t *testing.T) {
	tests := []struct {
		name      string
		in        StaticInput
		check     func(t *testing.T, s *Static)
		wantDiags []string
	}{
		{
			name: "flags",
			in: StaticInput{Command: []string{"traefik",
				"--entrypoints.web.address=:80",
				"--entryPoints.web.http.redirections.entrypoint.to=websecure",
				"--entrypoints.websecure.address=:443",
				"--entrypoints.websecure.http.tls.certresolver=le",
				"--entrypoints.websecure.http.middlewares=a@docker",
				"--entrypoints.websecure.http.middlewares=b@file",
				"--providers.docker.exposedbydefault=false",
				"--providers.docker.constraints=Label(`a`,`b`)",
				"--providers.file.directory", "/rules",
				"--api.dashboard",
				"--ping",
				"--certificatesresolvers.le.acme.tlschallenge=true",
				"--log.level", "DEBUG",
			}, Environment: map[string]string{"TRAEFIK_PING": "true"}},
			check: func(t *testing.T, s *Static) {
				if s.Source != "flags" {
					t.Errorf("source %q", s.Source)
				}
				web, ws := s.EntryPoints["web"], s.EntryPoints["websecure"]
				if web.Port != 80 || web.Redirect.To.String() != "websecure" || web.Redirect.Scheme.String() != "https" || !web.Redirect.Permanent.Bool() {
					t.Errorf("web %+v", web)
				}
				if ws.TLS.CertResolver.String() != "le" || strings.Join(ws.Middlewares.List(), " ") != "a@docker b@file" {
					t.Errorf("websecure %+v", ws)
				}
				if s.Docker == nil || s.Docker.ExposedByDefault || s.Docker.DefaultRule != DefaultRuleTemplate ||
					!s.Docker.Constraint.Match(map[string]string{"a": "b"}) || s.Docker.Constraint.Match(nil) {
					t.Errorf("docker %+v", s.Docker)
				}
				if s.File.Directory.String() != "/rules" || !s.API.Lookup("dashboard").Bool() || s.Ping == nil || s.CertificatesResolvers["le"] == nil {
					t.Errorf("file/api/ping/resolvers")
				}
				if got := strings.Join(s.DefaultEntryPoints(), ","); got != "web,websecure" {
					t.Errorf("defaults %q", got)
				}
			},
			wantDiags: []string{"env: TRAEFIK_PING: Traefik has flags, so it ignores TRAEFIK_* variables"},
		},
		{
			// Go resolves these names without /etc/services, so Traefik's
			// listener does in any image; others are refused.
			name: "named ports",
			in: StaticInput{Command: []string{"--entrypoints.web.address=:http", "--entrypoints.mail.address=:SMTP",
				"--entrypoints.sieve.address=:sieve", "--entrypoints.dns.address=:https/udp"}},
			check: func(t *testing.T, s *Static) {
				if s.EntryPoints["web"].Port != 80 || s.EntryPoints["mail"].Port != 25 || s.EntryPoints["sieve"].Port != 0 || s.EntryPoints["dns"].Port != 0 {
					t.Errorf("ports web %d, mail %d, sieve %d, dns %d", s.EntryPoints["web"].Port, s.EntryPoints["mail"].Port, s.EntryPoints["sieve"].Port, s.EntryPoints["dns"].Port)
				}
			},
			wantDiags: []string{
				"flag: --entrypoints.dns.address=\":https/udp\": entry point \"dns\": want a port from 1 to 65535 (a port name other than Go's own, http, https, smtp…, depends on the image's /etc/services: write the number)",
				"flag: --entrypoints.sieve.address=\":sieve\": entry point \"sieve\": want a port from 1 to 65535 (a port name other than Go's own, http, https, smtp…, depends on the image's /etc/services: write the number)",
			},
		},
		{
			name: "environment",
			in: StaticInput{Environment: map[string]string{
				"TRAEFIK_ENTRYPOINTS_WEB_ADDRESS":      ":8000",
				"TRAEFIK_PROVIDERS_DOCKER":             "true",
				"TRAEFIK_PROVIDERS_DOCKER_SWARMMODE":   "true",
				"TRAEFIK_PROVIDERS_DOCKER_DEFAULTRULE": "Host(`{{ .Name }}.lan`)",
				"TRAEFIK_ENTRYPOINTS_DNS_ADDRESS":      ":53/udp",
				"TRAEFIK_ENTRYPOINTS_WEB_ASDEFAULT":    "true",
				"TRAEFIK_ENTRYPOINTS_ALT_ADDRESS":      ":8001",
				"PATH":                                 "/bin",
			}},
			check: func(t *testing.T, s *Static) {
				if s.Source != "env" || s.EntryPoints["web"].Port != 8000 || s.EntryPoints["dns"].Protocol != "udp" {
					t.Errorf("%+v", s.EntryPoints)
				}
				if s.Docker != nil || s.Swarm == nil || s.Swarm.DefaultRule != "Host(`{{ .Name }}.lan`)" {
					t.Errorf("swarm %+v", s.Swarm)
				}
				if got := strings.Join(s.DefaultEntryPoints(), ","); got != "web" {
					t.Errorf("defaults %q", got)
				}
			},
		},
		{
			name: "yaml file wins, with errors",
			in: StaticInput{FileName: "traefik.yml", Command: []string{"--configFile=/etc/traefik/traefik.yml", "--ping"}, File: []byte(`
entryPoints:
  web:
    address: ":80"
  bad:
    adress: ":81"
providers:
  docker:
    exposedByDefault: nope
    constraints: "Label(` + "`a`" + `)"
  swarm: {}
log:
  level: DEBUG
`)},
			check: func(t *testing.T, s *Static) {
				if s.Source != "file" || s.Swarm == nil || !s.Docker.ExposedByDefault || s.Docker.Constraint.Match(nil) {
					t.Errorf("%+v", s)
				}
			},
			wantDiags: []string{
				`flag: --configFile=/etc/traefik/traefik.yml: Traefik reads its configuration file`,
				`traefik.yml:5: entryPoints.bad: entry point "bad" has no address`,
				`traefik.yml:6: entryPoints.bad.adress=":81": unknown key "adress" under bad; did you mean "address"?`,
				`traefik.yml:9: providers.docker.exposedByDefault="nope": want true or false`,
				`traefik.yml:10: providers.docker.constraints="Label(` + "`a`" + `)": constraint at offset 9: Label takes two strings`,
			},
		},
		{
			name: "defaults only",
			in:   StaticInput{},
			check: func(t *testing.T, s *Static) {
				if e := s.EntryPoints["http"]; e == nil || e.Port != 80 || !e.Default || s.Docker != nil {
					t.Errorf("%+v", s.EntryPoints)
				}
			},
		},
		{
			name: "bad flags",
			in:   StaticInput{Command: []string{"--entrypoints.web.address", "--entrypoints.web.address=:99999", "---x", "version", "--ping"}},
			wantDiags: []string{
				"flag: ---x: bad flag syntax",
				// Traefik takes the next argument as the value, as here
				`flag: --entrypoints.web.address="--entrypoints.web.address=:99999": entry point "web": want a port`,
				"flag: version: Traefik stops reading flags here: 2 argument(s)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ds, err := DecodeStatic(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
			if len(ds) != len(tt.wantDiags) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(ds), len(tt.wantDiags), diagsText(ds))
			}
			for i, w := range tt.wantDiags {
				if !strings.Contains(ds[i].String(), w) {
					t.Errorf("diagnostic %d = %s\nwant it to contain %s", i, ds[i], w)
				}
			}
		})
	}
}

func TestDecodeFile(t *testing.T) {
	yml := `http:
  routers:
    api:
      rule: "Host(` + "`api.example`" + `)"
      entryPoints: [websecure]
      middlewares:
        - auth
      service: api
  middlewares:
    auth:
      basicAuth:
        users:
          - "u:$2y$05$abc"
    allow:
      ipAllowList:
        sourceRange: ["10.0.0.0/8"]
        ipStrategy:
          depth: 1
  services:
    api:
      loadBalancer:
        servers:
          - url: "http://api:8080"
`
	d, ds, err := DecodeFile("rules/dyn.yml", []byte(yml))
	if err != nil || len(ds) != 0 {
		t.Fatalf("%v\n%s", err, diagsText(ds))
	}
	m := d.HTTP.Middlewares["allow"]
	if m == nil || m.Type != "ipAllowList" || m.Options.Lookup("ipStrategy.depth").Int() != 1 {
		t.Fatalf("allow: %+v", m)
	}
	if o := m.Node.Origin; o.Source != "rules/dyn.yml" || o.Line != 14 {
		t.Errorf("origin %+v", o)
	}
	if u := d.HTTP.Middlewares["auth"].Options.Child("users"); len(u.List()) != 1 || u.Origin.Line != 12 {
		t.Errorf("users %+v", u)
	}
	if r := d.HTTP.Routers["api"]; r.EntryPoints.List()[0] != "websecure" || r.Middlewares.List()[0] != "auth" {
		t.Errorf("router %+v", r)
	}
	if s := d.HTTP.Services["api"]; len(s.Servers) != 1 || s.Servers[0].Child("url").String() != "http://api:8080" {
		t.Errorf("service %+v", s)
	}

	toml := `[http.middlewares.strip.stripPrefix]
  prefixes = ["/api", "/v1"]
[http.routers.r]
  rule = "Path(` + "`/`" + `)"
  priority = 5
  [[http.routers.r.tls.domains]]
    main = "example.com"
`
	d, ds, err = DecodeFile("dyn.toml", []byte(toml))
	if err != nil || len(ds) != 0 {
		t.Fatalf("%v\n%s", err, diagsText(ds))
	}
	if got := d.HTTP.Middlewares["strip"].Options.Child("prefixes").List(); len(got) != 2 || got[1] != "/v1" {
		t.Errorf("prefixes %v", got)
	}
	if r := d.HTTP.Routers["r"]; r.Priority.Int() != 5 || r.TLS.Domains[0].Main.String() != "example.com" {
		t.Errorf("router %+v", r)
	}
	// Lines, which the TOML decoder does not give: found by a scan.
	if r := d.HTTP.Routers["r"]; r.Priority.Origin.Line != 5 || r.TLS.Domains[0].Main.Origin.Line != 7 || r.Node.Origin.Line != 3 {
		t.Errorf("lines: priority %d, main %d, router %d", r.Priority.Origin.Line, r.TLS.Domains[0].Main.Origin.Line, r.Node.Origin.Line)
	}
	if n := d.HTTP.Middlewares["strip"].Options.Child("prefixes"); n.Origin.Line != 2 {
		t.Errorf("prefixes line %d", n.Origin.Line)
	}

	if _, _, err := DecodeFile("x.yml", []byte("a: [")); !errors.Is(err, ErrSyntax) {
		t.Errorf("want ErrSyntax, got %v", err)
	}
	bomb := "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	if _, _, err := DecodeFile("bomb.yml", []byte(bomb)); err == nil {
		t.Errorf("alias bomb accepted")
	}
}

func TestConstraints(t *testing.T) {
	labels := map[string]string{"env": "prod", "team": "web-core", "traefik.enable": "true"}
	tests := []struct {
		expr    string
		want    bool
		wantErr bool
	}{
		{"", true, false},
		{"Label(`env`, `prod`)", true, false},
		{`Label("env", "dev")`, false, false},
		{"!Label(`env`, `dev`)", true, false},
		{"Label(`env`,`dev`) || LabelRegex(`team`, `^web-`)", true, false},
		{"Label(`env`,`prod`) && !(LabelRegex(`team`, `core$`) || Label(`x`,``))", false, false},
		{"Label(`missing`, ``)", true, false},
		{"LabelRegex(`team`, `core`)", true, false},
		{"label(`env`, `prod`)", false, true},
		{"Label(`env`)", false, true},
		{"LabelRegex(`team`, `(`)", false, true},
		{"Label(`a`,`b`) &&", false, true},
		{"Label(`a`,`b`) extra", false, true},
		{strings.Repeat("!", 100) + "Label(`a`,`b`)", false, true},
		{strings.Repeat("(", 100) + "Label(`a`,`b`)" + strings.Repeat(")", 100), false, true},
	}
	c, err := ParseConstraint("Label(`traefik.constraint-label`, `a`) && !(LabelRegex(`env`, `^p`) || Label(`env`, `dev`))")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Labels(), " "); got != "env traefik.constraint-label" {
		t.Errorf("Labels() = %q, want the names the expression reads, sorted, once each", got)
	}
	for _, tt := range tests {
		c, err := ParseConstraint(tt.expr)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err %v", tt.expr, err)
			continue
		}
		if err == nil && c.Match(labels) != tt.want {
			t.Errorf("%s: match %v, want %v", tt.expr, !tt.want, tt.want)
		}
	}
}
