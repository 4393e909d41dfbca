package model

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A diagnostic about a key names the file and line that set it, ahead of
// the service.
func TestBuildNamesTheFileAndLineOfTheKey(t *testing.T) {
	web := svc("web", map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "stiky_session"}, 80)
	web.Positions = map[string]map[string]Position{"labels": {"SERVICE_NAME": {"compose.yaml", 5}, "SERVICE_TAGS": {"docker-compose.override.yml", 14}}}
	_, got := build(t, Options{}, web)
	want := []string{`warning: docker-compose.override.yml:14: web: SERVICE_TAGS=stiky_session: unknown tag "stiky_session" (did you mean "sticky_session"?)`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// locate takes the position from the layer the diagnostic's value was read
// from; without one, from the layer that wins; never for what no label
// sets.
func TestLocateReadsThePositionOfTheLayer(t *testing.T) {
	at := func(line int) Position { return Position{"compose.yaml", line} }
	web := Service{Name: "web",
		Labels:      map[string]string{"K": "a", "L": "b"},
		Environment: map[string]string{"K": "c", "E": "d"},
		Positions:   map[string]map[string]Position{"labels": {"K": at(1), "L": at(2)}, "environment": {"K": at(3), "E": at(4)}},
	}
	other := Service{Name: "web", Labels: map[string]string{"K": "x"}, Positions: map[string]map[string]Position{"labels": {"K": {"other/compose.yaml", 9}}}}
	tests := []struct {
		name     string
		projects []Project
		d        Diagnostic
		want     Position
	}{
		{"labels", []Project{{Services: []Service{web}}}, Diagnostic{Service: "web", Key: "K", From: "labels"}, at(1)},
		{"environment, which labels also set", []Project{{Services: []Service{web}}}, Diagnostic{Service: "web", Key: "K", From: "environment"}, at(3)},
		{"no layer: the one that wins", []Project{{Services: []Service{web}}}, Diagnostic{Service: "web", Key: "K"}, at(1)},
		{"a dialect's own source: the one that sets it", []Project{{Services: []Service{web}}}, Diagnostic{Service: "web", Key: "E", From: "traefik"}, at(4)},
		{"a layer that does not set it", []Project{{Services: []Service{web}}}, Diagnostic{Service: "web", Key: "E", From: "labels"}, Position{}},
		{"compose's own attribute", []Project{{Services: []Service{web}}}, Diagnostic{Service: "web", Key: "K", From: "compose"}, Position{}},
		{"an option", []Project{{Services: []Service{web}}}, Diagnostic{Key: "K", From: "option", Option: true}, Position{}},
		{"another service", []Project{{Services: []Service{web}}}, Diagnostic{Service: "api", Key: "K"}, Position{}},
		{"the project's service, of several", []Project{{Name: "a", Services: []Service{web}}, {Name: "b", Services: []Service{other}}},
			Diagnostic{Project: "b", Service: "web", Key: "K", From: "labels"}, Position{"other/compose.yaml", 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := Diagnostics{tt.d}
			locate(tt.projects, ds)
			if got := (Position{ds[0].File, ds[0].Line}); got != tt.want {
				t.Errorf("locate: %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDiagnosticStringPrintsTheFileFirst(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Severity: Error, File: "override.yml", Line: 14, Service: "web", Key: "SERVICE_TAGS", Value: "x", Message: "m", Fix: "f"},
			"error: override.yml:14: web: SERVICE_TAGS=x: m (f)"},
		{Diagnostic{Severity: Warning, File: "/elsewhere/web.env", Service: "web", Key: "K", Value: "v", Message: "m"},
			"warning: /elsewhere/web.env: web: K=v: m"},
		{Diagnostic{Severity: Error, File: "my project/compose.yaml", Line: 3, Project: "p", Service: "web", Key: "K", Value: "v", Message: "m"},
			"error: my project/compose.yaml:3: p/web: K=v: m"},
		{Diagnostic{Severity: Error, File: "a\nb.yml", Line: 3, Service: "web", Key: "K", Value: "v", Message: "m"},
			`error: "a\nb.yml":3: web: K=v: m`},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// Sort drops a diagnostic that prints as another does, though it was read
// from another layer, and orders by what is printed.
func TestSortDropsRepeatsOfALine(t *testing.T) {
	d := Diagnostic{Severity: Error, File: "compose.yaml", Line: 3, Service: "web", Key: "K", Value: "v", Message: "m"}
	fromLabels, fromNowhere, below := d, d, d
	fromLabels.From = "labels"
	below.Line = 9
	got := Diagnostics{below, fromLabels, fromNowhere}.Sort()
	if len(got) != 2 || got[0].Line != 3 || got[1].Line != 9 {
		t.Errorf("Sort() = %+v, want line 3 once, then line 9", got)
	}
}

// A Source made safe for the config (a Traefik rule's backquotes and
// spaces as '?') keeps the value as written for its diagnostics, and
// only for them: the JSON model and templates see the safe one.
func TestDiagnosticShowsTheValueAsWritten(t *testing.T) {
	rule := "Host(`a.example.com`) && Path(`/x`)"
	src := Source{Service: "web", Key: "traefik.http.routers.web.rule", Value: SafeShown(rule), From: "labels"}.Shown(rule)
	var ds Diagnostics
	ds.Errorf(src, "", "bad")
	if got := ds[0].Value; got != rule {
		t.Errorf("diagnostic value %q, want %q", got, rule)
	}
	raw, err := json.Marshal(src)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(string(raw), "` ") {
		t.Errorf("the JSON of the Source holds the raw value: %s", raw)
	}
}
