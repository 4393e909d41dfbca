package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
	"github.com/compose2haproxy/compose2haproxy/model"
	"github.com/compose2haproxy/compose2haproxy/render"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

const (
	testdataDir = "../../testdata"
	goldenDir   = "../../golden"
)

// A golden case is a folder testdata/<case> holding a compose project, an
// optional "args" file (one command-line argument a line) and an optional
// "env" file (KEY=VALUE lines, the whole environment of the run). The CLI
// runs in-process with --project-directory set to the folder; its stdout is
// compared with golden/<case>.cfg and, when it fails or warns, its exit code
// and stderr with golden/<case>.err. $OUT in args is an empty folder: a case
// that writes haproxy.cfg and hosts.map there (-o, --map) is compared with
// golden/<case>.cfg and golden/<case>.map, $OUT standing for the folder.
// The config of every case that exits 0 is checked by HAProxy, also when
// the case shows --format json, routes or report.
// $RUN is a proxy's runtime directory (--runtime-dir) after a reload that
// saved no server, so that such a config is checked as HAProxy loads it; a
// folder of its own, as a socket's path may not be longer than 97 bytes.
// A "projects" file (one folder or compose file of the case a line) runs
// those as project arguments instead of --project-directory: several
// projects in one run.
func TestGolden(t *testing.T) {
	entries, err := os.ReadDir(testdataDir)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "realworld" {
			continue
		}
		name := e.Name()
		ext := formatExt(filepath.Join(testdataDir, name))
		used[name+ext], used[name+".err"], used[name+".map"] = true, true, true
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(testdataDir, name)
			certs, out, run := certDir(t), t.TempDir(), runtimeDir(t)
			code, stdout, stderr := runCase(t, dir, certs, out, run)
			var errText bytes.Buffer
			if code != 0 || stderr != "" {
				fmt.Fprintf(&errText, "exit %d\n%s", code, stderr)
			}
			cfg := filepath.Join(out, "haproxy.cfg")
			written, err := os.ReadFile(cfg)
			if err != nil {
				cfg = ""
				written = []byte(stdout)
			}
			hostMap, _ := os.ReadFile(filepath.Join(out, "hosts.map"))
			// The header writes $OUT relative to the case's folder when the
			// two share more than / (a checkout under $TMPDIR, as CI's may
			// be), else as it is.
			absDir, _ := filepath.Abs(dir)
			relOut, _ := filepath.Rel(absDir, out)
			placeholders := strings.NewReplacer(certs, "$CERTS", out, "$OUT", relOut, "$OUT", run, "$RUN")
			compareGolden(t, filepath.Join(goldenDir, name+ext), []byte(placeholders.Replace(string(written))))
			compareGolden(t, filepath.Join(goldenDir, name+".map"), hostMap)
			compareGolden(t, filepath.Join(goldenDir, name+".err"), errText.Bytes())
			if code != 0 {
				return
			}
			if ext != ".cfg" {
				// The config of a case that shows the JSON model or the
				// routes table: what they describe must be a config
				// HAProxy loads. The last --format wins.
				code, stdout, stderr = runCase(t, dir, certs, t.TempDir(), run, "--format", "cfg")
				if code != 0 {
					t.Fatalf("the same run with --format cfg: exit %d\n%s", code, stderr)
				}
				cfg = ""
			}
			if cfg == "" {
				cfg = filepath.Join(t.TempDir(), "haproxy.cfg")
				writeFile(t, cfg, stdout)
			}
			checkForTarget(t, dir, cfg, certs, run)
		})
	}
	golden, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range golden {
		if !used[g.Name()] && !*update {
			t.Errorf("golden/%s belongs to no case in testdata/: remove it", g.Name())
		}
	}
}

// formatExt is the golden file's extension for the case's --format.
func formatExt(dir string) string {
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	switch {
	case strings.Contains(string(args), "--format\njson"):
		return ".json"
	case strings.Contains(string(args), "--format\nroutes"):
		return ".txt"
	case strings.Contains(string(args), "--format\nreport"):
		return ".report"
	}
	return ".cfg"
}

// runCase runs the case in dir, with extra arguments after those of its
// args file.
func runCase(t *testing.T, dir, certs, out, runtime string, extra ...string) (int, string, string) {
	t.Helper()
	args := []string{"--project-directory", dir}
	if raw, err := os.ReadFile(filepath.Join(dir, "projects")); err == nil {
		args = nil
		for _, p := range strings.Fields(string(raw)) {
			args = append(args, filepath.Join(dir, p))
		}
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				line = strings.NewReplacer("$CERTS", certs, "$CASE", dir, "$OUT", out, "$RUN", runtime).Replace(line)
				args = append(args, line)
			}
		}
	}
	args = append(args, extra...)
	var env []string
	if raw, err := os.ReadFile(filepath.Join(dir, "env")); err == nil {
		env = strings.Fields(string(raw))
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, env, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), strings.NewReplacer(certs, "$CERTS", out, "$OUT", runtime, "$RUN", dir, "$CASE").Replace(stderr.String())
}

// runtimeDir is $RUN: a short folder holding a server-state file with no
// server.
func runtimeDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	writeFile(t, filepath.Join(dir, "servers.state"), string(render.NoServerState()))
	return dir
}

// compareGolden compares got with the file; an empty got means the file
// must not exist. With -update it writes the file first.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if len(got) == 0 {
			os.Remove(path)
		} else if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) && len(got) == 0 {
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it; review the diff):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first lines that differ, enough to see why.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want: %q\n  got:  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// haproxyBinary finds HAProxy; without it the test fails in CI and skips
// elsewhere.
func haproxyBinary(t *testing.T) string {
	t.Helper()
	return haproxytest.Require(t)
}

// checkForTarget checks a case's config with every HAProxy at hand
// (haproxytest.All): one at least as new as the version the case names
// (--haproxy-version; none: every one) must accept it; one older must
// make the CLI refuse --check with it, saying so. A case whose version no
// HAProxy at hand has fails under CI=true and skips elsewhere.
func checkForTarget(t *testing.T, dir, path, certs, run string) {
	t.Helper()
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	target := ""
	if _, after, ok := strings.Cut(string(args), "--haproxy-version\n"); ok {
		target, _, _ = strings.Cut(after, "\n")
	}
	checked := 0
	for _, bin := range haproxytest.All(t) {
		version, _, err := readBuild(context.Background(), bin)
		if err != nil {
			t.Fatal(err)
		}
		if target != "" && model.VersionLess(version, target) {
			code, _, stderr := runCase(t, dir, certs, t.TempDir(), run, "--check", "--haproxy", bin)
			if code != exitUsage || !strings.Contains(stderr, "is newer than the HAProxy --check runs") {
				t.Errorf("--check with %s (%s) for a %s config: exit %d, want %d saying the target is newer:\n%s", bin, version, target, code, exitUsage, stderr)
			}
			continue
		}
		if err := haproxytest.Check(bin, path); err != nil {
			t.Error(err)
		}
		checked++
	}
	if checked == 0 {
		haproxytest.SkipOrFail(t, fmt.Sprintf("no HAProxy %s or later to check this config with (HAPROXY_ALSO: .ci/debian-haproxy forky makes 3.2)", target))
	}
}

// haproxyCheck requires every HAProxy at hand (haproxytest.All) to accept
// the config without a warning.
func haproxyCheck(t *testing.T, path string) {
	t.Helper()
	if err := haproxytest.CheckAll(t, path); err != nil {
		t.Error(err)
	}
}
