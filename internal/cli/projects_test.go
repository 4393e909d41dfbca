package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyCase copies the folders of a golden case into a temporary folder.
func copyCase(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(testdataDir, name))); err != nil {
		t.Fatal(err)
	}
	return dst
}

// Regenerating after one project changed changes only that project's
// lines, so that --diff in each project's CI shows its own change alone;
// and the header is the same however the projects are spelled and
// wherever the command runs, as it is recorded from the -o file's folder.
func TestRegeneratingOneProjectLeavesTheOtherProjectsLinesAlone(t *testing.T) {
	dir := copyCase(t, "projects_each_name_their_backends_and_servers_by_project")
	out := filepath.Join(dir, "proxy", "haproxy.cfg")
	writeFile(t, out, "")
	t.Chdir(dir)
	if code, _, stderr := cli(t, "", "shop", "blog", "wiki/compose.yaml", "-o", "proxy/haproxy.cfg"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}

	// The same projects, spelled otherwise, in another order, from another
	// folder: no difference.
	t.Chdir(filepath.Join(dir, "proxy"))
	if code, stdout, stderr := cli(t, "", filepath.Join(dir, "wiki", "compose.yaml"), "../blog/", "./../shop", "-o", "haproxy.cfg", "--diff"); code != 0 {
		t.Fatalf("--diff of the same projects: exit %d\n%s%s", code, stdout, stderr)
	}

	// shop changes its rate limit and adds a service on a path.
	writeFile(t, filepath.Join(dir, "shop", "compose.yaml"), `services:
  web:
    image: example/shop
    expose: ["80"]
    labels:
      SERVICE_NAME: www.shop.test
      SERVICE_TAGS: rate_limit=50/10s
      compose2haproxy.admit: cart
    networks:
      default:
      proxy:
        aliases: [web.shop.internal]
  cart:
    image: example/cart
    expose: ["80"]
    labels:
      SERVICE_NAME: www.shop.test
      SERVICE_TAGS: path=/cart
    networks:
      proxy:
        aliases: [cart.shop.internal]
networks:
  proxy:
    external: true
`)
	code, stdout, stderr := cli(t, "", "../shop", "../blog", "../wiki/compose.yaml", "-o", "haproxy.cfg", "--diff")
	if code != exitInput || stderr != "" {
		t.Fatalf("--diff after shop changed: exit %d, want %d\n%s", code, exitInput, stderr)
	}
	if !strings.Contains(stdout, "+backend shop.www.shop.test_cart_80") {
		t.Fatalf("--diff does not show shop's new backend:\n%s", stdout)
	}
	// Every line of the other projects is there, byte for byte.
	if code, _, stderr := cli(t, "", "../shop", "../blog", "../wiki/compose.yaml", "-o", "haproxy.cfg"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	after, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// Without shop's sections and lines (and its new path's ACL), the two
	// configs are the same: nothing else changed.
	if b, a := without(string(before), "shop.", "path:cart"), without(string(after), "shop.", "path:cart"); b != a {
		t.Errorf("lines of other projects changed:\n%s\nbecame\n%s", b, a)
	}
	if !strings.Contains(string(before), "backend blog.www.blog.test") {
		t.Fatal("no blog backend: the case changed?")
	}
}

// without is cfg without the sections of backends whose name starts with
// prefix, the lines that hold prefix or one of extra, and blank lines.
func without(cfg, prefix string, extra ...string) string {
	var out []string
	skipping := false
	for _, line := range strings.Split(cfg, "\n") {
		if line != "" && line[0] != ' ' && line[0] != '#' {
			skipping = strings.HasPrefix(line, "backend "+prefix)
		}
		drop := skipping || line == "" || strings.Contains(line, prefix)
		for _, e := range extra {
			drop = drop || strings.Contains(line, e)
		}
		if !drop {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
