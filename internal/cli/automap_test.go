package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostsProject is n services, each routed by a host of its own.
func hostsProject(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("services:\n")
	for i := range n {
		fmt.Fprintf(&b, "  web%d:\n    image: example/web\n    expose: [\"80\"]\n    labels:\n      SERVICE_NAME: host%d\n", i, i)
	}
	return writeFile(t, filepath.Join(dir, "compose.yaml"), b.String())
}

// With -o, a project of autoMapRoutes host routes or more gets its map
// beside the config, named after it and read from the config's directory
// wherever HAProxy runs; fewer, stdout and --map none keep one file.
func TestHostMapIsTheDefaultBesideAFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		args    []string
		wantMap bool
	}{
		{"many hosts", autoMapRoutes, nil, true},
		{"few hosts", autoMapRoutes - 1, nil, false},
		{"many hosts, --map none", autoMapRoutes, []string{"--map", "none"}, false},
		{"many hosts, a template", autoMapRoutes, []string{"--template", "TEMPLATE"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			project := hostsProject(t, dir, tc.n)
			out := filepath.Join(dir, "etc", "proxy.cfg")
			if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-f", project, "-o", out}, tc.args...)
			for i, a := range args {
				if a == "TEMPLATE" {
					args[i] = writeFile(t, filepath.Join(dir, "t.tmpl"), "{{ .HostMap }}\n")
				}
			}
			if code, _, stderr := cli(t, "", args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			cfg, _ := os.ReadFile(out)
			mapFile := filepath.Join(dir, "etc", "proxy.map")
			_, err := os.Stat(mapFile)
			if got := err == nil; got != tc.wantMap {
				t.Fatalf("map written: %v, want %v", got, tc.wantMap)
			}
			if got := strings.Contains(string(cfg), "map_beg(proxy.map)"); got != tc.wantMap {
				t.Errorf("config reads the map: %v, want %v:\n%s", got, tc.wantMap, cfg)
			}
			if got := strings.Contains(string(cfg), "\n    default-path config\n"); got != tc.wantMap {
				t.Errorf("default-path config: %v, want %v", got, tc.wantMap)
			}
			if tc.wantMap {
				haproxyCheck(t, out) // from another directory: the map is found beside the config
			}
		})
	}
	// Standard output is one file, whatever the project.
	dir := t.TempDir()
	code, stdout, stderr := cli(t, "", "-f", hostsProject(t, dir, autoMapRoutes))
	if code != 0 || strings.Contains(stdout, "map(") {
		t.Errorf("stdout: exit %d, %s; a map lookup: %v", code, stderr, strings.Contains(stdout, "map("))
	}
}
