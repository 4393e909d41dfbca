package model_test

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Traefik's rule conditions, through Build: what is converted, what is
// refused and why.
func TestTraefikRuleConditions(t *testing.T) {
	for _, tt := range []struct {
		name, rule string
		trusted    bool
		wantErr    string // "" : converted
		check      func(t *testing.T, m *model.Match)
	}{
		{name: "methods", rule: "Host(`a.example.com`) && Method(`PUT`)", check: func(t *testing.T, m *model.Match) {
			if strings.Join(m.Methods, ",") != "PUT" {
				t.Errorf("methods %v", m.Methods)
			}
		}},
		{name: "query", rule: "Host(`a.example.com`) && Query(`v`, `2`)", check: func(t *testing.T, m *model.Match) {
			if len(m.Queries) != 1 || m.Queries[0].Key != "v" || m.Queries[0].Value != "2" {
				t.Errorf("queries %v", m.Queries)
			}
		}},
		{name: "client", rule: "Host(`a.example.com`) && ClientIP(`10.1.2.3/8`)", check: func(t *testing.T, m *model.Match) {
			if len(m.Clients) != 1 || m.Clients[0].CIDR != "10.0.0.0/8" {
				t.Errorf("clients %v", m.Clients)
			}
		}},
		{name: "negations", rule: "Host(`a.example.com`) && !Method(`DELETE`) && !Method(`PUT`) && !Header(`X-Bot`, `1`)", check: func(t *testing.T, m *model.Match) {
			if m.Not == nil || strings.Join(m.Not.Methods, ",") != "DELETE,PUT" || len(m.Not.Headers) != 1 {
				t.Errorf("not %+v", m.Not)
			}
		}},
		{name: "client behind trusted proxies", rule: "Host(`a.example.com`) && ClientIP(`10.0.0.0/8`)", trusted: true, wantErr: "X-Forwarded-For"},
		{name: "negated host", rule: "!Host(`a.example.com`)", wantErr: "negated host or path"},
		{name: "query without value", rule: "Host(`a.example.com`) && Query(`debug`)", wantErr: "without a value"},
		{name: "query value with a space", rule: "Host(`a.example.com`) && Query(`q`, `a b`)", wantErr: "letters, digits"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := model.Project{Name: "p", Services: []model.Service{{Name: "web", Image: "example/web", Networks: []string{"default"},
				Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
				Labels: map[string]string{"traefik.http.routers.r.rule": tt.rule}}}}
			opts := model.Options{Listen: model.Listen{HTTP: ":80"}}
			if tt.trusted {
				opts.TrustedProxies = []string{"172.16.0.0/12"}
			}
			cfg, ds := buildAll(p, opts)
			if tt.wantErr != "" {
				var all strings.Builder
				for _, d := range ds {
					all.WriteString(d.String() + "\n")
				}
				if !ds.HasErrors() || !strings.Contains(all.String(), tt.wantErr) {
					t.Errorf("want an error with %q, got %v", tt.wantErr, ds)
				}
				return
			}
			if ds.HasErrors() || len(cfg.Backends) != 1 || cfg.Backends[0].Match == nil {
				t.Fatalf("not converted: %v", ds)
			}
			tt.check(t, cfg.Backends[0].Match)
		})
	}
}

// Traefik tries routers by priority, HAProxy by specificity: where they
// differ for requests both match, a warning; an error when HAProxy's
// choice lacks the access control Traefik's has.
func TestTraefikPriorityOrder(t *testing.T) {
	const hash = "admin:$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG."
	for _, tt := range []struct {
		name   string
		labels map[string]string
		want   string // "" none, else the severity and a part of the message
	}{
		{"agreeing", map[string]string{
			"traefik.http.routers.all.rule": "Host(`a.example.com`)",
			"traefik.http.routers.api.rule": "Host(`a.example.com`) && PathPrefix(`/api`)",
		}, ""},
		{"priority reversed", map[string]string{
			"traefik.http.routers.all.rule":     "Host(`a.example.com`)",
			"traefik.http.routers.all.priority": "100",
			"traefik.http.routers.api.rule":     "Host(`a.example.com`) && PathPrefix(`/api`)",
		}, "warning: router all (priority 100) comes before router api"},
		{"priority reversed, the first one protected", map[string]string{
			"traefik.http.routers.all.rule":                 "Host(`a.example.com`)",
			"traefik.http.routers.all.priority":             "100",
			"traefik.http.routers.all.middlewares":          "auth",
			"traefik.http.middlewares.auth.basicauth.users": hash,
			"traefik.http.routers.api.rule":                 "Host(`a.example.com`) && PathPrefix(`/api`)",
		}, "error: without its basic auth: the service would ship open"},
		{"disjoint methods", map[string]string{
			"traefik.http.routers.all.rule":     "Host(`a.example.com`) && Method(`GET`)",
			"traefik.http.routers.all.priority": "100",
			"traefik.http.routers.api.rule":     "Host(`a.example.com`) && PathPrefix(`/api`) && Method(`POST`)",
		}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := model.Project{Name: "p", Services: []model.Service{{Name: "web", Image: "example/web", Networks: []string{"default"},
				Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Labels: tt.labels}}}
			_, ds := buildAll(p, model.Options{Listen: model.Listen{HTTP: ":80"}})
			var got []string
			for _, d := range ds {
				if strings.Contains(d.Message, "comes before") {
					got = append(got, d.Severity.String()+": "+d.Message)
				}
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("want no order diagnostic, got %q", got)
			case tt.want != "":
				sev, part, _ := strings.Cut(tt.want, ": ")
				if len(got) != 1 || !strings.HasPrefix(got[0], sev) || !strings.Contains(got[0], part) {
					t.Errorf("want one %s with %q, got %q (all: %v)", sev, part, got, ds)
				}
			}
		})
	}
}

// traefik.docker.network names the network Traefik reaches a service on,
// as the engine knows it: PROJECT_KEY, or its name:.
func TestTraefikDockerNetwork(t *testing.T) {
	for _, tt := range []struct {
		name, network string
		svcNets       []string
		want          string
	}{
		{"on it by its engine name", "p_proxy", []string{"proxy"}, ""},
		{"on it by its name:", "shared", []string{"back"}, ""},
		{"by its compose key, which the engine does not know", "proxy", []string{"default", "proxy"}, "the service is on no network the engine names proxy"},
		{"not on it", "backend", []string{"default", "proxy"}, "the service is on no network the engine names backend"},
		{"the Traefik service is not on it", "p_internal", []string{"internal"}, "which the Traefik service traefik is not on"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := model.Project{Name: "p", NetworkNames: map[string]string{"back": "shared"}, Services: []model.Service{
				{Name: "traefik", Image: "traefik:v3", Command: []string{"--providers.docker", "--entrypoints.web.address=:80"}, Networks: []string{"back", "default", "proxy"}},
				{Name: "web", Image: "example/web", Networks: tt.svcNets, Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
					Labels: map[string]string{"traefik.http.routers.r.rule": "Host(`a.example.com`)", "traefik.docker.network": tt.network}},
			}}
			_, ds := buildAll(p, model.Options{Listen: model.Listen{HTTP: ":80"}})
			var got []string
			for _, d := range ds {
				if d.Key == "traefik.docker.network" {
					got = append(got, d.Message)
				}
			}
			if tt.want == "" && len(got) > 0 || tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)) {
				t.Errorf("want %q, got %q", tt.want, got)
			}
		})
	}
}
