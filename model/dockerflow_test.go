package model

import (
	"slices"
	"strings"
	"testing"
)

// The label table holds docker-flow-proxy's 59 Reconfigure parameters and
// com.df.notify, sorted, each with a complete entry; an applying label's
// README example is accepted as written (with the users a secret gives).
func TestLabelTable(t *testing.T) {
	if n := len(dockerFlowLabels); n != 60 {
		t.Errorf("the label table has %d labels, want docker-flow-proxy's 60", n)
	}
	if !slices.IsSortedFunc(dockerFlowLabels, func(a, b dfLabel) int { return strings.Compare(a.name, b.name) }) {
		t.Error("the label table is not sorted by name")
	}
	for _, d := range dockerFlowLabels {
		t.Run(d.name, func(t *testing.T) {
			if d.example == "" {
				t.Error("no example")
			}
			switch d.status {
			case dfApplies:
				if d.doc == "" {
					t.Error("no doc")
				}
				if d.tag != "" && tagsByName[d.tag] == nil {
					t.Errorf("means unknown tag %s", d.tag)
				}
				if d.tag == "" && d.apply == nil && !d.elsewhere {
					t.Error("neither a tag, an apply nor read elsewhere")
				}
				// com.df.users and usersSecret are read together; so are the
				// labels of a TCP service, and the deprecated rewrite pair.
				labels := map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "web.example.com", "com.df.httpsOnly": "true",
					"com.df.usersPassEncrypted": "true", "com.df.usersSecret": "monitoring", "com.df.compressionAlgo": "gzip"}
				if d.tcp || d.tag != "" && tagsByName[d.tag].tcp || d.name == "srcPort" || d.name == "reqMode" {
					labels = map[string]string{"com.df.notify": "true", "com.df.reqMode": "tcp", "com.df.srcPort": "6379"}
				}
				for k, v := range map[string]map[string]string{
					"reqPathReplace": {"com.df.reqPathSearch": "/something/"},
					"reqPathSearch":  {"com.df.reqPathReplace": "/demo/"},
				}[d.name] {
					labels[k] = v
				}
				labels["com.df."+d.name] = d.example
				p := Project{Services: []Service{svc("go-demo", labels, 80)}, Secrets: []Secret{{Name: "dfp_users_monitoring", Content: opsSecret.Content}}}
				if _, ds := Build(p, Options{Listen: Listen{Certs: "/certs"}}); len(ds) > 0 {
					t.Errorf("example %q: %v", d.example, ds)
				}
			case dfRefused:
				if d.why == "" || d.fix == "" {
					t.Error("refused without a reason and a fix")
				}
			default:
				if d.why == "" {
					t.Error("no reason")
				}
			}
		})
	}
}
