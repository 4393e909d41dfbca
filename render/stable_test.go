package render

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/dialect/all"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// A reviewer diffs configs: a service added on its own host must show up
// as added lines only, never as renamed ACLs in unrelated services.
func TestAddingAServiceOnlyAddsLines(t *testing.T) {
	svc := func(name, tags string) model.Service {
		return model.Service{
			Name:   name,
			Labels: map[string]string{"SERVICE_NAME": name, "SERVICE_TAGS": tags},
			Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
		}
	}
	before := []model.Service{
		svc("shop", "path=/cart,path=/orders"),
		svc("blog", "path=/posts"),
		svc("www", "server_alias=*.example.org"),
	}
	for _, added := range []model.Service{
		svc("admin", "path=/a"),                // sorts before every other path
		svc("api", "path=/orders/export"),      // longer than a path in use
		svc("docs", "path=/cart"),              // a path in use, another host
		svc("zeta", ""),                        // no path at all
		svc("mail", "server_alias=*.mail.org"), // another wildcard
	} {
		t.Run(added.Name, func(t *testing.T) {
			old := renderServices(t, before)
			grown := renderServices(t, append(before[:len(before):len(before)], added))
			if line, ok := subsequence(old, grown); !ok {
				t.Errorf("adding %s changed or removed a line; first one missing: %q\nbefore:\n%s\nafter:\n%s", added.Name, line, old, grown)
			}
		})
	}
}

func renderServices(t *testing.T, services []model.Service) string {
	t.Helper()
	cfg, ds := model.Build(model.Project{Name: "p", Files: []string{"compose.yaml"}, Services: services}, model.Options{Domains: []string{"example.com"}, Dialects: all.Dialects()})
	if ds.HasErrors() {
		t.Fatalf("Build: %v", ds)
	}
	out, err := Config(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// subsequence reports whether every line of old appears in grown in the
// same order (so a line diff has only additions), or the first that does not.
func subsequence(old, grown string) (string, bool) {
	g := strings.Split(grown, "\n")
	for _, line := range strings.Split(old, "\n") {
		for len(g) > 0 && g[0] != line {
			g = g[1:]
		}
		if len(g) == 0 {
			return line, false
		}
		g = g[1:]
	}
	return "", true
}

// Path ACL names are valid HAProxy names and tell every path apart, even
// the ones that differ only by where a '~' stands.
func TestPathACLNamesAreDistinctAndValid(t *testing.T) {
	var paths []model.Path
	for _, p := range []string{"/a", "/a/b", "/a.b", "/a_b", "/a-b", "/a~/b", "/a/~b", "/~", "/a~~b", "/a~b", "/is", "/beg", "/a/"} {
		for _, k := range []model.PathKind{"", model.PathExact, model.PathBegins} {
			if k == "" && strings.HasSuffix(p, "/") {
				continue
			}
			paths = append(paths, model.Path{Prefix: p, Kind: k})
		}
	}
	seen := map[string]model.Path{}
	for _, p := range paths {
		name := pathACLName(p)
		if strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.-") != "" {
			t.Errorf("%s: name %q has a character HAProxy does not take", p, name)
		}
		if other, dup := seen[name]; dup {
			t.Errorf("%s and %s share the ACL name %q", other, p, name)
		}
		seen[name] = p
	}
}

// The recorded command line reads back as the same words in a shell, and
// no word can end the header's comment line.
func TestShellWords(t *testing.T) {
	got := strings.Join(shellWords([]string{"--file", "a b.yaml", "--stats=", "--domain", "example.com", "it's", "", "x\ny"}), " ")
	want := `--file 'a b.yaml' --stats= --domain example.com 'it'\''s' '' "x\ny"`
	if got != want {
		t.Errorf("shellWords = %s, want %s", got, want)
	}
}
