package config

import (
	"strings"
	"testing"
	"time"
)

// diagsText renders diagnostics one per line for comparison.
func diagsText(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func TestDecodeLabels(t *testing.T) {
	tests := []struct {
		name      string
		labels    map[string]string
		check     func(t *testing.T, l *Labels)
		wantDiags []string // substrings, one per diagnostic, in order
	}{
		{
			name: "router and service, keys in any case",
			labels: map[string]string{
				"traefik.enable":                                        "true",
				"traefik.HTTP.Routers.Web.Rule":                         "Host(`a.example`)",
				"traefik.http.routers.web.EntryPoints":                  "web, websecure",
				"traefik.http.routers.web.middlewares":                  "auth@docker,hsts@file",
				"traefik.http.routers.web.priority":                     "10",
				"traefik.http.routers.web.tls.certresolver":             "le",
				"traefik.http.routers.web.tls.domains[0].main":          "example.com",
				"traefik.http.routers.web.tls.domains[0].sans":          "a.example.com,b.example.com",
				"traefik.http.services.app.loadbalancer.server.port":    "8080",
				"traefik.http.services.app.loadbalancer.server.scheme":  "H2C",
				"traefik.http.services.app.loadbalancer.passhostheader": "false",
				"traefik.docker.network":                                "proxy",
			},
			check: func(t *testing.T, l *Labels) {
				r := l.HTTP.Routers["Web"]
				if r == nil {
					t.Fatalf("routers: %v", keys(l.HTTP.Routers))
				}
				if got := r.Rule.String(); got != "Host(`a.example`)" {
					t.Errorf("rule %q", got)
				}
				if r.Rule.Origin.Key != "traefik.HTTP.Routers.Web.Rule" {
					t.Errorf("origin %q", r.Rule.Origin.Key)
				}
				if got := strings.Join(r.EntryPoints.List(), "|"); got != "web|websecure" {
					t.Errorf("entrypoints %q", got)
				}
				if r.Priority.Int() != 10 || r.TLS.CertResolver.String() != "le" || len(r.TLS.Domains) != 1 ||
					len(r.TLS.Domains[0].SANs.List()) != 2 {
					t.Errorf("router %+v", r)
				}
				s := l.HTTP.Services["app"]
				if s.Port.Int() != 8080 || s.Scheme.String() != "h2c" || !s.PassHostHeader.Set() || s.PassHostHeader.Bool() {
					t.Errorf("service %+v", s)
				}
				if !l.Exposed(false) || l.Network.String() != "proxy" {
					t.Errorf("enable/network")
				}
			},
		},
		{
			name: "middlewares of each kind",
			labels: map[string]string{
				"traefik.http.middlewares.a.ipallowlist.sourcerange":                    "10.0.0.0/8, 192.168.1.1",
				"traefik.http.middlewares.a.ipallowlist.ipstrategy.depth":               "2",
				"traefik.http.middlewares.h.headers.customrequestheaders.X-Script-Name": "foo",
				"traefik.http.middlewares.h.headers.stsseconds":                         "31536000",
				"traefik.http.middlewares.r.ratelimit.period":                           "10",
				"traefik.http.middlewares.r.ratelimit.average":                          "100",
				"traefik.http.middlewares.c.compress":                                   "true",
				"traefik.http.middlewares.p.plugin.bouncer.enabled":                     "true",
				"traefik.http.middlewares.b.basicauth.users":                            "u:$$2y$$05$$abc,v:$$apr1$$x",
			},
			check: func(t *testing.T, l *Labels) {
				m := l.HTTP.Middlewares
				if m["a"].Type != "ipAllowList" || len(m["a"].Options.Child("sourceRange").List()) != 2 ||
					m["a"].Options.Lookup("ipStrategy.depth").Int() != 2 {
					t.Errorf("a: %+v", m["a"])
				}
				if p := m["h"].Options.Child("customRequestHeaders").Pairs(); len(p) != 1 || p[0][0] != "X-Script-Name" {
					t.Errorf("h: %v", p)
				}
				if m["r"].Options.Child("period").Duration() != 10*time.Second {
					t.Errorf("r period")
				}
				if m["c"].Type != "compress" || m["p"].Plugin != "bouncer" || len(m["b"].Options.Child("users").List()) != 2 {
					t.Errorf("c/p/b: %+v %+v %+v", m["c"], m["p"], m["b"])
				}
			},
		},
		{
			name: "tcp and udp",
			labels: map[string]string{
				"traefik.tcp.routers.db.rule":                       "HostSNI(`*`)",
				"traefik.tcp.routers.db.tls.passthrough":            "true",
				"traefik.tcp.services.db.loadbalancer.server.port":  "5432",
				"traefik.udp.routers.dns.entrypoints":               "dns",
				"traefik.udp.services.dns.loadbalancer.server.port": "53",
			},
			check: func(t *testing.T, l *Labels) {
				if !l.TCP.Routers["db"].TLS.Passthrough.Bool() || l.TCP.Services["db"].Port.Int() != 5432 ||
					l.UDP.Services["dns"].Port.Int() != 53 || l.HasHTTP() {
					t.Errorf("%+v", l.TCP)
				}
			},
		},
		{
			name: "unknown keys with near misses",
			labels: map[string]string{
				"traefik.http.routers.a.rulle":                      "Host(`x`)",
				"traefik.http.services.a.loadbalancer.servers.port": "80",
				"traefik.http.middlewares.m.stripprefixes.prefixes": "/a",
				"traefik.frontend.rule":                             "Host:x",
				"Traefik.enable":                                    "true",
				"com.example.other":                                 "not ours",
			},
			wantDiags: []string{
				`Traefik.enable="true": the root must be spelled`,
				`traefik.frontend.rule="Host:x": "frontend" is a Traefik v1 label`,
				`did you mean "stripPrefix"?`,
				`did you mean "rule"?`,
				`did you mean "server"?`,
			},
		},
		{
			name: "labels below the root that Traefik does not read",
			labels: map[string]string{
				"traefik.constraint-label":      "public",
				"traefik.enabel":                "true",
				"traefik.http.routers.a.bogus":  "x",
				"traefik.http.services.a.bogus": "x",
			},
			wantDiags: []string{
				`traefik.constraint-label="public": Traefik reads only the labels traefik.enable`,
				`traefik.enabel="true": unknown key "enabel" under the root; did you mean "enable"? Traefik ignores this label`,
				`error: traefik.http.routers.a.bogus="x": unknown key "bogus" under a`,
				`error: traefik.http.services.a.bogus="x": unknown key "bogus" under a`,
			},
		},
		{
			name: "grammar of values",
			labels: map[string]string{
				"traefik.enable":                                              "yes",
				"traefik.http.routers.a.priority":                             "high",
				"traefik.http.routers.a.entrypoints":                          "web,,websecure",
				"traefik.http.services.a.loadbalancer.server.port":            "80000",
				"traefik.http.services.a.loadbalancer.healthcheck.interval":   "ten",
				"traefik.http.services.a.loadbalancer.sticky.cookie.samesite": "sometimes",
			},
			wantDiags: []string{
				`traefik.enable="yes": want true or false`,
				`entrypoints="web,,websecure": empty item`,
				`priority="high": want a decimal integer`,
				`healthcheck.interval="ten": want a duration`,
				`server.port="80000": want a port`,
				`samesite="sometimes": want one of none, lax, strict`,
			},
		},
		{
			name: "structure errors",
			labels: map[string]string{
				"traefik.http.routers.a":                            "x",
				"traefik.http.routers.b.rule.x":                     "y",
				"traefik.http.routers.c.tls":                        "false",
				"traefik.http.routers.c.tls.certresolver":           "le",
				"traefik.http.middlewares.two.stripprefix.prefixes": "/a",
				"traefik.http.middlewares.two.addprefix.prefix":     "/b",
				"traefik.http.routers.d.tls.domains[x].main":        "a",
			},
			check: func(t *testing.T, l *Labels) {
				if l.HTTP.Routers["c"].TLS != nil {
					t.Errorf("tls=false must disable TLS")
				}
				if l.HTTP.Middlewares["two"] != nil {
					t.Errorf("multi-type middleware kept")
				}
			},
			wantDiags: []string{
				`middlewares.two.stripprefix.prefixes: middleware "two" has several types`,
				`routers.a="x": `,
				`rule.x="y": rule is a value, not a section`,
				`routers.c.tls="false": a value other than true disables tls`,
				`domains[x].main="a": list index "x"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ds, err := DecodeLabels(tt.labels)
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, l)
			}
			got := diagsText(ds)
			if len(ds) != len(tt.wantDiags) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(ds), len(tt.wantDiags), got)
			}
			for i, w := range tt.wantDiags {
				if !strings.Contains(ds[i].String(), w) {
					t.Errorf("diagnostic %d = %s\nwant it to contain %s", i, ds[i], w)
				}
			}
		})
	}
}

func TestApplyDefaults(t *testing.T) {
	tests := []struct {
		name        string
		labels      map[string]string
		rule        string
		wantRouters string // name=rule->service, sorted
		wantDiags   int
	}{
		{"no labels but enable: default router and service", map[string]string{"traefik.enable": "true"},
			"Host(`web-blog`)", "web-blog=Host(`web-blog`)->web-blog", 0},
		{"router without rule or service", map[string]string{"traefik.http.routers.r.entrypoints": "web"},
			"Host(`x`)", "r=Host(`x`)->web-blog", 0},
		{"service declared, no router", map[string]string{"traefik.http.services.s.loadbalancer.server.port": "80"},
			"Host(`x`)", "web-blog=Host(`x`)->s", 0},
		{"two services, no router: none", map[string]string{
			"traefik.http.services.s.loadbalancer.server.port": "80",
			"traefik.http.services.t.loadbalancer.server.port": "81"}, "Host(`x`)", "", 1},
		{"two services, router without service: dropped", map[string]string{
			"traefik.http.routers.r.rule":                      "Path(`/`)",
			"traefik.http.services.s.loadbalancer.server.port": "80",
			"traefik.http.services.t.loadbalancer.server.port": "81"}, "Host(`x`)", "", 1},
		{"empty default rule drops", map[string]string{"traefik.enable": "true"}, "", "", 1},
		{"tcp only: no http defaults", map[string]string{"traefik.tcp.routers.t.rule": "HostSNI(`*`)"}, "Host(`x`)", "", 0},
		{"tcp router without rule dropped", map[string]string{"traefik.tcp.routers.t.entrypoints": "db"}, "Host(`x`)", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _, err := DecodeLabels(tt.labels)
			if err != nil {
				t.Fatal(err)
			}
			ds := l.ApplyDefaults(ServiceName("blog", "web", "/blog-web-1"), func() string { return tt.rule })
			var got []string
			for _, n := range sortedKeys(l.HTTP.Routers) {
				r := l.HTTP.Routers[n]
				got = append(got, n+"="+r.Rule.String()+"->"+r.Service.String())
			}
			if g := strings.Join(got, ","); g != tt.wantRouters {
				t.Errorf("routers %q, want %q", g, tt.wantRouters)
			}
			if len(ds) != tt.wantDiags {
				t.Errorf("diagnostics:\n%s", diagsText(ds))
			}
		})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	k := keys(m)
	sortStrings(k)
	return k
}

func TestNormalizeAndRule(t *testing.T) {
	if got := ServiceName("My_Project", "web.app", ""); got != "web-app-My-Project" {
		t.Errorf("ServiceName = %q", got)
	}
	got, err := RenderDefaultRule(DefaultRuleTemplate, RuleData{Name: "web-blog"})
	if err != nil || got != "Host(`web-blog`)" {
		t.Errorf("default rule = %q, %v", got, err)
	}
	got, err = RenderDefaultRule("Host(`{{ index .Labels \"com.docker.compose.service\" | lower }}.example.com`)",
		RuleData{Labels: map[string]string{"com.docker.compose.service": "Web"}})
	if err != nil || got != "Host(`web.example.com`)" {
		t.Errorf("label rule = %q, %v", got, err)
	}
	if _, err := RenderDefaultRule(`{{ repeat 100000000 "x" }}`, RuleData{}); err == nil {
		t.Errorf("repeat must be refused")
	}
	if _, err := RenderDefaultRule(`{{ range .Labels }}{{ . }}{{ . }}{{ . }}{{ . }}{{ end }}`,
		RuleData{Labels: map[string]string{"a": strings.Repeat("x", 8000)}}); err == nil {
		t.Errorf("long output must be refused")
	}
	if p, ok := ServerPort(nil, []int{8080, 80, 443}); !ok || p != 80 {
		t.Errorf("ServerPort = %d", p)
	}
}
