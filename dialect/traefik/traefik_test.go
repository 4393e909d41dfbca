package traefik_test

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// build runs the Traefik dialect alone over a project of one Traefik
// service (with flags) and one labelled service "web" exposing port 80.
func build(t *testing.T, flags []string, labels map[string]string, opts model.Options) (model.Config, string) {
	t.Helper()
	p := model.Project{Name: "p", Services: []model.Service{
		{Name: "traefik", Image: "traefik:v3.1", Command: flags, Networks: []string{"default"}},
		{Name: "web", Image: "example/web", Networks: []string{"default"}, Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Labels: labels},
	}}
	if opts.Listen.HTTP == "" {
		opts.Listen.HTTP = ":80"
	}
	opts.Dialects = []model.Dialect{traefik.Dialect{}}
	cfg, ds := model.Build(p, opts)
	var all strings.Builder
	for _, d := range ds {
		all.WriteString(d.String() + "\n")
	}
	return cfg, all.String()
}

// buildLimit builds router r of web, Host(`a.example.com`), with the
// middleware "limit" its labels define, behind trusted proxies or not.
func buildLimit(t *testing.T, labels map[string]string, trusted bool) (model.Config, string) {
	t.Helper()
	all := map[string]string{
		"traefik.http.routers.r.rule":        "Host(`a.example.com`)",
		"traefik.http.routers.r.middlewares": "limit",
	}
	for k, v := range labels {
		all[k] = v
	}
	var opts model.Options
	if trusted {
		opts.TrustedProxies = []string{"10.0.0.0/8"}
	}
	return build(t, []string{"--providers.docker=true", "--entrypoints.web.address=:80"}, all, opts)
}

func backend(cfg model.Config, name string) *model.Backend {
	for i := range cfg.Backends {
		if cfg.Backends[i].Name == name {
			return &cfg.Backends[i]
		}
	}
	return nil
}

// Branches of a rule that differ only in their methods are one backend.
func TestMethodsJoinedByOr(t *testing.T) {
	web := []string{"--providers.docker=true", "--entrypoints.web.address=:80"}
	for _, tt := range []struct {
		name, rule string
		backends   []string
		methods    string // of the first backend
	}{
		{"two methods", "Host(`a.example.com`) && (Method(`GET`) || Method(`POST`))", []string{"web_80_r"}, "GET,POST"},
		{"the same method twice", "Method(`GET`) && Host(`a.example.com`) || Host(`a.example.com`) && Method(`GET`)", []string{"web_80_r"}, "GET"},
		{"one branch takes any method", "Host(`a.example.com`) && Method(`GET`) || Host(`a.example.com`)", []string{"web_80_r"}, ""},
		{"other paths stay apart", "Host(`a.example.com`) && (Method(`GET`) && Path(`/a`) || Method(`POST`) && Path(`/b`))", []string{"web_80_r-1", "web_80_r-2"}, "GET"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := build(t, web, map[string]string{"traefik.http.routers.r.rule": tt.rule}, model.Options{})
			var names []string
			for _, b := range cfg.Backends {
				names = append(names, b.Name)
			}
			if strings.Join(names, " ") != strings.Join(tt.backends, " ") {
				t.Fatalf("backends %v, want %v\n%s", names, tt.backends, diags)
			}
			b := backend(cfg, tt.backends[0])
			got := ""
			if b.Match != nil {
				got = strings.Join(b.Match.Methods, ",")
			}
			if got != tt.methods {
				t.Errorf("methods %q, want %q", got, tt.methods)
			}
		})
	}
}

// Traefik's ping@internal is global: a router of any service may name it,
// and HAProxy answers it itself; the dashboard stays refused.
func TestPing(t *testing.T) {
	web := []string{"--providers.docker=true", "--entrypoints.web.address=:80"}
	cfg, diags := build(t, web, map[string]string{
		"traefik.http.routers.health.rule":    "Path(`/ping`)",
		"traefik.http.routers.health.service": "ping@internal",
	}, model.Options{})
	b := backend(cfg, "web_80_health")
	if b == nil || b.Answer == nil || b.Answer.Status != 200 || len(b.Policy.Methods) != 2 || b.Policy.Methods[0].Name != "GET" {
		t.Fatalf("backend %+v\n%s", b, diags)
	}
	_, diags = build(t, web, map[string]string{
		"traefik.http.routers.dash.rule":    "Host(`a.example.com`)",
		"traefik.http.routers.dash.service": "dashboard@internal",
	}, model.Options{})
	if !strings.Contains(diags, "stats page") {
		t.Errorf("dashboard: %s", diags)
	}
}

// A servers transport's insecureSkipVerify is backend_tls=insecure for an
// https service; what HAProxy cannot follow is refused.
func TestServersTransport(t *testing.T) {
	for _, tt := range []struct {
		name    string
		flags   []string
		labels  map[string]string
		tls     string // the servers' TLS, when converted
		wantErr string
	}{
		{name: "https verifies", labels: map[string]string{"traefik.http.services.s.loadbalancer.server.scheme": "https"}, tls: "verify"},
		{name: "the static transport skips the check", flags: []string{"--serversTransport.insecureSkipVerify=true"},
			labels: map[string]string{"traefik.http.services.s.loadbalancer.server.scheme": "https"}, tls: "insecure"},
		{name: "it has no effect on http", flags: []string{"--serversTransport.insecureSkipVerify=true"}, tls: ""},
		{name: "a CA of its own", flags: []string{"--serversTransport.rootCAs=/ca.pem"},
			labels: map[string]string{"traefik.http.services.s.loadbalancer.server.scheme": "https"}, wantErr: "rootCAs is not converted"},
		{name: "a transport of labels", labels: map[string]string{"traefik.http.services.s.loadbalancer.serverstransport": "mine"}, wantErr: "not in labels"},
		{name: "a transport of a file provider that is off", labels: map[string]string{"traefik.http.services.s.loadbalancer.serverstransport": "mine@file"}, wantErr: "has no file provider"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			labels := map[string]string{"traefik.http.routers.r.rule": "Host(`a.example.com`)"}
			for k, v := range tt.labels {
				labels[k] = v
			}
			cfg, diags := build(t, append([]string{"--providers.docker=true", "--entrypoints.web.address=:80"}, tt.flags...), labels, model.Options{})
			if tt.wantErr != "" {
				if !strings.Contains(diags, tt.wantErr) {
					t.Errorf("want an error with %q, got\n%s", tt.wantErr, diags)
				}
				return
			}
			b := backend(cfg, "web_80_r")
			if b == nil || b.Servers.TLS != tt.tls {
				t.Errorf("backend %+v\n%s", b, diags)
			}
		})
	}
}

// A service key with no HAProxy meaning is said, not dropped.
func TestServiceKeysWithoutMeaning(t *testing.T) {
	_, diags := build(t, []string{"--providers.docker=true", "--entrypoints.web.address=:80"}, map[string]string{
		"traefik.http.routers.r.rule":                                           "Host(`a.example.com`)",
		"traefik.http.services.s.loadbalancer.server.weight":                    "3",
		"traefik.http.services.s.loadbalancer.responseforwarding.flushinterval": "100ms",
	}, model.Options{})
	for _, want := range []string{"weight is not carried over", "responseForwarding is not carried over"} {
		if !strings.Contains(diags, want) {
			t.Errorf("want %q in\n%s", want, diags)
		}
	}
}
