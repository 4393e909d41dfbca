package dockerflow

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// users is a compose secret of two users, with SHA-512 and SHA-256 hashes.
var users = []byte("alice:$6$ViEJ.yPI3rV1T1WP$7l7M/IhsEA2xWnBJtX.3nH6hKbpnS/ntXXL1WzqEHXgwl1XW62nTadVXVEOBj8NtA7Ugw/J52V3NqyMPt5kgb1\nops:$5$4AIE8wQFMTLdmatF$AzvWN2FREixjdXIqh1DHQKkE1Lp5dyyYLzzgfNJKFY/\n")

// The label table holds docker-flow-proxy's reconfigure parameters, as
// its documentation lists them (testdata/reconfigure-parameters.txt), and
// com.df.notify (Docker Flow Swarm Listener's), sorted, each with a
// complete entry; an applying label's README example is accepted as
// written (with the users a secret gives).
func TestLabelTable(t *testing.T) {
	raw, err := os.ReadFile("testdata/reconfigure-parameters.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"notify"}
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			want = append(want, line)
		}
	}
	slices.Sort(want)
	var got []string
	for _, d := range labels {
		got = append(got, d.name)
	}
	if !slices.Equal(got, want) {
		for _, name := range want {
			if !slices.Contains(got, name) {
				t.Errorf("docker-flow-proxy's parameter %s is not in the label table", name)
			}
		}
		for _, name := range got {
			if !slices.Contains(want, name) {
				t.Errorf("the label table's %s is no parameter of docker-flow-proxy's", name)
			}
		}
	}
	if !slices.IsSortedFunc(labels, func(a, b dfLabel) int { return strings.Compare(a.name, b.name) }) {
		t.Error("the label table is not sorted by name")
	}
	for _, d := range labels {
		t.Run(d.name, func(t *testing.T) {
			if d.example == "" {
				t.Error("no example")
			}
			switch d.status {
			case dfApplies:
				if d.doc == "" {
					t.Error("no doc")
				}
				tags := map[string]model.TagDoc{}
				for _, td := range model.TagDocs() {
					tags[td.Name] = td
					for _, a := range td.Aliases {
						tags[a] = td
					}
				}
				if _, ok := tags[d.tag]; d.tag != "" && !ok {
					t.Errorf("means unknown tag %s", d.tag)
				}
				if d.tag == "" && d.apply == nil && !d.elsewhere {
					t.Error("neither a tag, an apply nor read elsewhere")
				}
				// com.df.users and usersSecret are read together; so are the
				// labels of a TCP service, and the deprecated rewrite pair.
				ls := map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "web.example.com", "com.df.httpsOnly": "true",
					"com.df.usersPassEncrypted": "true", "com.df.usersSecret": "monitoring", "com.df.compressionAlgo": "gzip"}
				if d.tcp || d.tag != "" && tags[d.tag].TCP || d.name == "srcPort" || d.name == "reqMode" {
					ls = map[string]string{"com.df.notify": "true", "com.df.reqMode": "tcp", "com.df.srcPort": "6379"}
				}
				for k, v := range map[string]map[string]string{
					"reqPathReplace": {"com.df.reqPathSearch": "/something/"},
					"reqPathSearch":  {"com.df.reqPathReplace": "/demo/"},
				}[d.name] {
					ls[k] = v
				}
				ls["com.df."+d.name] = d.example
				p := model.Project{Services: []model.Service{{Name: "go-demo", Labels: ls, Expose: []model.Port{{Number: 80, Protocol: "tcp"}}}},
					Secrets: []model.Secret{{Name: "dfp_users_monitoring", Content: users}}}
				if _, ds := model.Build(p, model.Options{Listen: model.Listen{Certs: "/certs"}, Dialects: []model.Dialect{Dialect{}}}); len(ds) > 0 {
					t.Errorf("example %q: %v", d.example, ds)
				}
				// Without an HTTPS listener the labels that need one (their
				// own https, or their tag's), and only those, are an error,
				// said alike; their doc says they need one.
				needs := d.https != "" || d.tag != "" && tags[d.tag].HTTPS
				if d.name != "httpsOnly" {
					delete(ls, "com.df.httpsOnly")
				}
				_, ds := model.Build(p, model.Options{Dialects: []model.Dialect{Dialect{}}})
				if ds.HasErrors() != needs || needs && !strings.Contains(fmt.Sprint(ds), " needs an HTTPS listener (") {
					t.Errorf("example %q without an HTTPS listener: %v; want only an error that it needs one: %v", d.example, ds, needs)
				}
				if effect := (Dialect{}).Table().Keys[slices.IndexFunc(labels, func(l dfLabel) bool { return l.name == d.name })].Effect; d.https != "" && !strings.HasSuffix(effect, " ("+model.NeedsHTTPSDoc()+")") {
					t.Errorf("effect %q does not say it needs an HTTPS listener", effect)
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

// A rewrite's search and replacement hold the path characters of every
// other path (model.OnlyPathChars), the search maybe after a ^.
func TestRewriteTakesPathCharacters(t *testing.T) {
	for c := byte(0x21); c < 0x7f; c++ {
		if c == ',' {
			continue // the pair's separator
		}
		want := model.OnlyPathChars(string(c))
		search, replace := "^/a"+string(c), "/b"+string(c)
		if got := checkRewriteValue(search+",/b") == ""; got != want {
			t.Errorf("search %q: accepted %v, want %v", search, got, want)
		}
		if got := checkRewriteValue("/a,"+replace) == ""; got != want {
			t.Errorf("replacement %q: accepted %v, want %v", replace, got, want)
		}
	}
}

// A label read on its own (elsewhere) is checked by the form the table
// gives it, not by a grammar of its own: with a form that refuses
// everything in its place, its example is an error.
func TestLabelsReadElsewhereUseTheTablesForm(t *testing.T) {
	for i := range labels {
		d := &labels[i]
		if !d.elsewhere || d.value == nil {
			continue
		}
		t.Run(d.name, func(t *testing.T) {
			form := d.value
			t.Cleanup(func() { d.value = form })
			d.value = &model.Form{Doc: form.Doc, Fix: "the test's fix", Check: func(string) (string, string) { return "", "is refused by the test's form" }}
			ls := map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "web.example.com", "com.df." + d.name: d.example}
			if d.name == "srcPort" || d.name == "reqMode" {
				ls["com.df.reqMode"], ls["com.df.srcPort"] = "tcp", "6379"
				ls["com.df."+d.name] = d.example
			}
			p := model.Project{Services: []model.Service{{Name: "go-demo", Labels: ls, Expose: []model.Port{{Number: 80, Protocol: "tcp"}}}}}
			_, ds := model.Build(p, model.Options{Listen: model.Listen{Certs: "/certs"}, Dialects: []model.Dialect{Dialect{}}})
			if !strings.Contains(fmt.Sprint(ds), "is refused by the test's form") {
				t.Errorf("com.df.%s=%s with a form that refuses it: %v", d.name, d.example, ds)
			}
		})
	}
}
