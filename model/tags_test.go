package model

import (
	"fmt"
	"strings"
	"testing"
)

// Every tag in the table is documented, applies, and its README example is
// accepted as written: the table is the one home of a tag's knowledge.
func TestTagTableExamplesAreAccepted(t *testing.T) {
	for _, d := range TagDocs() {
		t.Run(d.Name, func(t *testing.T) {
			if d.Doc == "" || d.Example == "" {
				t.Fatalf("tag %s has no doc or example", d.Name)
			}
			if !strings.Contains(d.Example, d.Name) {
				t.Errorf("example %q does not use tag %s", d.Example, d.Name)
			}
			labels := map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": d.Example}
			p := Project{Services: []Service{svc("web", labels, 80)}, Secrets: []Secret{opsSecret}}
			opts := Options{Listen: Listen{Certs: "/certs"}}
			if d.Name == "acme" {
				opts.Listen.Certs, opts.RuntimeDir = "", "/run/haproxy"
				opts.Features = Features{Target: Target{Version: "3.2"}, ACME: &ACMEOptions{Directory: "letsencrypt", Dir: "/etc/haproxy/acme"}}
			}
			if _, ds := buildAll(p, opts); len(ds) > 0 {
				t.Errorf("example %q: %v", d.Example, ds)
			}
			// Without an HTTPS listener the tags marked so, and only those,
			// are an error, said alike; their doc says they need one.
			if d.Name != "acme" {
				_, ds := buildAll(p, Options{})
				if ds.HasErrors() != d.HTTPS || d.HTTPS && !strings.Contains(fmt.Sprint(ds), d.Name+" needs an HTTPS listener (") {
					t.Errorf("example %q without an HTTPS listener: %v; want only an error that it needs one: %v", d.Example, ds, d.HTTPS)
				}
				if got := strings.HasSuffix(d.Doc, " ("+NeedsHTTPSDoc()+")"); got != d.HTTPS {
					t.Errorf("doc %q: says it needs an HTTPS listener: %v, want %v", d.Doc, got, d.HTTPS)
				}
			}
		})
	}
	for _, d := range tagDefs {
		if d.aliasOf == "" && d.apply == nil {
			t.Errorf("tag %s has no apply", d.name)
		}
		if d.aliasOf != "" && tagsByName[d.aliasOf] == nil {
			t.Errorf("tag %s is an alias of unknown %s", d.name, d.aliasOf)
		}
	}
}
