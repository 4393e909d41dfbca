package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/cli"
	"github.com/compose2haproxy/compose2haproxy/internal/dockertest"
	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// TestMain runs the CLI when e2etest.CLI started this test binary as
// compose2haproxy, and the tests otherwise.
func TestMain(m *testing.M) {
	e2etest.RunMainIfAsked(cli.Main)
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	code := m.Run()
	if err := dockertest.Cleanup(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	return code
}

// hermeticEnv is the environment the CLI runs with: the test's own, minus
// the variables that would change what it generates.
func hermeticEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "COMPOSE_") || name == "PROD_LINE" || name == "HAPROXY_DOMAIN" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// generate writes files (by name; compose.yaml and what it refers to, a
// secret's file say) to a fresh directory and runs "compose2haproxy -f
// compose.yaml ARGS..." there, returning the generated configuration.
// (startProxy adds the --bind, --stats and --resolver arguments that point
// the configuration at the test's loopback world.)
func generate(tb testing.TB, files map[string]string, args ...string) []byte {
	tb.Helper()
	dir := tb.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	stdout, _ := compose2haproxy(tb, dir, append([]string{"-f", "compose.yaml"}, args...)...)
	return stdout
}

// compose2haproxy runs the CLI with args in dir and returns what it
// printed. A non-zero exit fails the test with the CLI's stderr and
// dir/compose.yaml; warnings are logged.
func compose2haproxy(tb testing.TB, dir string, args ...string) (stdout []byte, stderr string) {
	tb.Helper()
	bin, env := e2etest.CLI(tb, hermeticEnv()...)
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, env
	var out, errs bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errs
	if err := cmd.Run(); err != nil {
		composeYAML, _ := os.ReadFile(filepath.Join(dir, "compose.yaml"))
		tb.Fatalf("compose2haproxy %s: %v\nstderr:\n%s\ncompose.yaml:\n%s",
			strings.Join(args, " "), err, errs.String(), e2etest.Numbered(composeYAML))
	}
	if errs.Len() > 0 {
		tb.Logf("compose2haproxy %s printed:\n%s", strings.Join(args, " "), errs.String())
	}
	return out.Bytes(), errs.String()
}

// proxy is a running HAProxy on a generated configuration.
type proxy struct {
	*e2etest.HAProxy
	Addr  string // the HTTP frontend, "127.0.0.1:PORT"
	Stats string // the stats listener, "127.0.0.1:PORT"
}

// startProxy generates the configuration of composeYAML with the HTTP
// frontend and the stats page on free loopback ports and d as the only
// nameserver (plus args), starts HAProxy on it and waits until the
// frontend accepts connections.
func startProxy(tb testing.TB, d *e2etest.DNS, composeYAML string, args ...string) *proxy {
	tb.Helper()
	return startProject(tb, d, map[string]string{"compose.yaml": composeYAML}, nil, args...)
}

// startProject is startProxy for a project of several files, by name, with
// HAProxy run through prefix if there is one (see
// e2etest.StartHAProxyPrefix).
func startProject(tb testing.TB, d *e2etest.DNS, files map[string]string, prefix []string, args ...string) *proxy {
	tb.Helper()
	p := &proxy{
		Addr:  fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb)),
		Stats: fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb)),
	}
	cfg := generate(tb, files, append([]string{
		"--bind", p.Addr, "--stats", p.Stats, "--resolver", d.Addr(),
	}, args...)...)
	p.HAProxy = e2etest.StartHAProxyPrefix(tb, cfg, prefix...)
	e2etest.WaitListening(tb, p.Addr, 30*time.Second)
	return p
}

// routesTo reports whether a GET of host and path through addr is answered
// by backend want with status 200, for Eventually.
func routesTo(tb testing.TB, addr, host, path, want string) (bool, string) {
	tb.Helper()
	r := e2etest.Do(tb, addr, "GET", host, path, nil)
	return r.Err == nil && r.Status == 200 && r.Backend == want, fmt.Sprintf("%s%s: %v", host, path, r)
}

// waitRoutes waits (10s at most) until r, sent through addr, is answered
// by backend want with status 200.
func waitRoutes(tb testing.TB, addr string, r e2etest.Request, want string) {
	tb.Helper()
	e2etest.Eventually(tb, 10*time.Second, r.Host+r.Path+" to reach "+want, func() (bool, string) {
		got := e2etest.Send(tb, addr, r)
		return got.Err == nil && got.Status == 200 && got.Backend == want, got.String()
	})
}

// onlyBackends sends n requests and reports whether every one was answered
// by one of want (and each of want answered at least once), for Eventually.
func onlyBackends(tb testing.TB, addr, host string, n int, want ...string) (bool, string) {
	tb.Helper()
	got := e2etest.Spread(tb, addr, host, "/", n)
	return e2etest.SameKeys(got, want...), fmt.Sprint(got)
}
