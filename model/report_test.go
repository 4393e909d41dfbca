package model_test

import (
	"testing"

	"github.com/compose2haproxy/compose2haproxy/dialect/all"

	"github.com/compose2haproxy/compose2haproxy/model"
)

func TestBuildReport(t *testing.T) {
	svc := func(name string, labels map[string]string) model.Service {
		return model.Service{Name: name, Image: "example/" + name, Labels: labels, Networks: []string{"default"},
			Expose: []model.Port{{Number: 80, Protocol: "tcp"}}}
	}
	p := model.Project{Name: "p", Services: []model.Service{
		svc("web", map[string]string{
			"traefik.http.routers.ok.rule":                        "Host(`a.example.com`)",
			"traefik.http.routers.ok.middlewares":                 "zip",
			"traefik.http.routers.bad.rule":                       "Host(`b.example.com`)",
			"traefik.http.routers.bad.middlewares":                "sso",
			"traefik.http.routers.out.rule":                       "Host(`c.example.com`)",
			"traefik.http.middlewares.zip.compress":               "true",
			"traefik.http.middlewares.sso.forwardauth.address":    "http://auth",
			"traefik.http.middlewares.spare.stripprefix.prefixes": "/x",
			"compose2haproxy.traefik.ignore":                      "out",
		}),
		svc("off", map[string]string{"traefik.enable": "false", "traefik.http.routers.off.rule": "Host(`d.example.com`)"}),
	}}
	_, ds, items := model.BuildReport([]model.Project{p}, model.Options{Dialects: all.Dialects(), Listen: model.Listen{HTTP: ":80"}})
	if !ds.HasErrors() {
		t.Errorf("want the refused router's error, got %v", ds)
	}
	want := map[string]model.Outcome{
		"off router off":       model.LeftOut,
		"web middleware spare": model.Unused,
		"web middleware sso":   model.Refused,
		"web middleware zip":   model.Differs,
		"web router bad":       model.Refused,
		"web router ok":        model.Differs,
		"web router out":       model.LeftOut,
	}
	got := map[string]model.Outcome{}
	for _, it := range items {
		got[it.Service+" "+it.Kind+" "+it.Name] = it.Outcome
		if it.Dialect != "traefik" {
			t.Errorf("%s: dialect %q", it.Name, it.Dialect)
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("items %v, want %v", got, want)
	}
	if !model.Refuses(items) {
		t.Error("Refuses: false with a refused router")
	}
}

func TestOutcomeOf(t *testing.T) {
	for _, tt := range []struct {
		notes model.Diagnostics
		want  model.Outcome
	}{
		{nil, model.Converted},
		{model.Diagnostics{{Severity: model.Warning}}, model.Differs},
		{model.Diagnostics{{Severity: model.Warning}, {Severity: model.Error}}, model.Refused},
	} {
		if got := model.OutcomeOf(tt.notes); got != tt.want {
			t.Errorf("OutcomeOf(%v) = %q, want %q", tt.notes, got, tt.want)
		}
	}
}
