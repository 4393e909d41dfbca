package cli

import (
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// --help is asked for: it goes to stdout, and succeeds.
func TestHelpGoesToStdout(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		code, stdout, stderr := cli(t, "", arg)
		if code != exitOK || !strings.HasPrefix(stdout, "usage: compose2haproxy") || !strings.Contains(stdout, "--slots") || stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 0 and the usage on stdout", arg, code, stdout, stderr)
		}
	}
}

// Every usage error is one line in one style, "error: --flag=value: what
// (fix)", ending with where to look; never the whole usage.
func TestUsageErrorsAreOneLine(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--slot", "5"}, "error: unknown flag: --slot (see compose2haproxy --help)\n"},
		{[]string{"extra-argument"}, "error: extra-argument: no such folder or compose file: each argument is a project's folder or compose file (flags start with -) (see compose2haproxy --help)\n"},
		{[]string{"--slots", "many"}, "error: --slots=many: not a whole number (see compose2haproxy --help)\n"},
		{[]string{"--format", "xml"}, "error: --format=xml: not a format (use cfg, json, routes or report)\n"},
		{[]string{"--diff"}, "error: --diff: compares with the -o file (add -o FILE)\n"},
		{[]string{"--check", "--format", "json"}, "error: --check: validates haproxy.cfg, and does not go with --format json\n"},
	} {
		code, stdout, stderr := cli(t, webProject, append([]string{"-f", "-"}, tt.args...)...)
		if code != exitUsage || stdout != "" || stderr != tt.want {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and:\n%s", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// A flag value the model rejects is reported in the same style, once:
// --slots 5000 is an error, with no warning that it was capped.
func TestSlotsOutOfRangeIsOneError(t *testing.T) {
	for _, v := range []string{"5000", "-1"} {
		code, _, stderr := cli(t, webProject, "-f", "-", "--slots", v)
		want := "error: --slots=" + v + ": a backend's server-template size is out of range (give a number from 1 to 4096; by default 2 to 10 by the number of services, and twice the replicas)\n"
		if code != exitUsage || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "--slots") != 1 {
			t.Errorf("--slots %s: exit %d, stderr:\n%s\nwant exit 2 and only:\n%s", v, code, stderr, want)
		}
	}
}

// Two listeners on one address and port would each get half the
// connections: a usage error naming both flags.
func TestListenersMayNotShareAPort(t *testing.T) {
	certs := certDir(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--stats", ":80"}, "error: --stats=:80: listens where --bind=:80 does (give each listener its own port)\n"},
		{[]string{"--bind", "127.0.0.1:8080", "--stats", "127.0.0.1:8080"}, "error: --stats=127.0.0.1:8080: listens where --bind=127.0.0.1:8080 does (give each listener its own port)\n"},
		{[]string{"--tls", certs, "--tls-bind", ":80"}, "error: --tls-bind=:80: listens where --bind=:80 does (give each listener its own port)\n"},
		// The stats page's default, 127.0.0.1:8404.
		{[]string{"--bind", "127.0.0.1:8404"}, "error: --stats=127.0.0.1:8404: listens where --bind=127.0.0.1:8404 does (give each listener its own port)\n"},
		// All addresses (":8404") include 127.0.0.1.
		{[]string{"--bind", "127.0.0.1:8404", "--stats", ":8404"}, "error: --stats=:8404: listens where --bind=127.0.0.1:8404 does (give each listener its own port)\n"},
	} {
		code, _, stderr := cli(t, webProject, append([]string{"-f", "-"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant exit 2 and:\n%s", tt.args, code, stderr, tt.want)
		}
	}
	// Different ports, or different hosts on one port, are fine.
	for _, args := range [][]string{{"--stats", ":8081"}, {"--bind", "127.0.0.1:8404", "--stats", "127.0.0.2:8404"}} {
		if code, _, stderr := cli(t, webProject, append([]string{"-f", "-"}, args...)...); code != exitOK {
			t.Errorf("%q: exit %d: %s", args, code, stderr)
		}
	}
}

// A missing --env-file is named; the hint about -f belongs to a missing
// compose file only.
func TestMissingEnvFileIsNamedWithoutTheComposeHint(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "compose.yaml"), webProject)
	code, _, stderr := cli(t, "", "--project-directory", dir, "--env-file", filepath.Join(dir, "prod.env"))
	if code != exitInput || !strings.Contains(stderr, "prod.env") || strings.Contains(stderr, "-f") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 naming prod.env and no hint about -f", code, stderr)
	}
}

// A misspelled key gets compose-go's schema error and the key it meant.
func TestMisspelledComposeKeySuggestsTheKey(t *testing.T) {
	code, _, stderr := cli(t, "services:\n  web:\n    image: nginx\n    lables: {SERVICE_NAME: web}\n", "-f", "-")
	if code != exitInput || !strings.Contains(stderr, "services.web.lables") || !strings.Contains(stderr, "did you mean labels?") {
		t.Errorf("exit %d, stderr:\n%s\nwant the schema error and \"did you mean labels?\"", code, stderr)
	}
}

// HAPROXY_DOMAIN in .env is read, as COMPOSE_* variables there are; the
// environment wins over it.
func TestHAProxyDomainInDotEnv(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "compose.yaml"), webProject)
	writeFile(t, filepath.Join(dir, ".env"), "HAPROXY_DOMAIN=example.org\n")
	code, stdout, stderr := cli(t, "", "--project-directory", dir)
	if code != exitOK || !strings.Contains(stdout, " www.hello.example.org") {
		t.Errorf("exit %d, stderr %q; want hosts under example.org:\n%s", code, stderr, stdout)
	}
}

// The header holds the command line that made the config, so that anyone
// can make it again: running it in the project directory gives the same
// bytes.
func TestHeaderRecordsTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	project := writeFile(t, filepath.Join(dir, "my-project", "compose.yaml"), webProject)
	args := []string{"-f", project, "--domain", "example.com", "--stats=", "--all=false", "--check=false"}
	code, stdout, stderr := cli(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	const prefix = "#   compose2haproxy "
	var recorded string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, prefix) {
			recorded = strings.TrimPrefix(line, prefix)
		}
	}
	// --all=false and --check=false change nothing: left out.
	want := "--file compose.yaml --domain example.com --stats="
	if recorded != want {
		t.Fatalf("header records %q, want %q:\n%s", recorded, want, stdout)
	}
	t.Chdir(filepath.Dir(project))
	_, again, _ := cli(t, "", splitShell(t, recorded)...)
	if again != stdout {
		t.Errorf("running the recorded command gave another config:\n%s", again)
	}
}

// splitShell splits what the header records: words, some in '…'.
func splitShell(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	for s != "" {
		s = strings.TrimLeft(s, " ")
		if strings.HasPrefix(s, "'") {
			end := strings.Index(s[1:], "'")
			if end < 0 {
				t.Fatalf("unterminated quote in %q", s)
			}
			words, s = append(words, s[1:end+1]), s[end+2:]
			continue
		}
		word, rest, _ := strings.Cut(s, " ")
		words, s = append(words, word), rest
	}
	return words
}

// --version is the module version a go install stamps into the binary,
// unless the release sets one.
func TestVersionComesFromTheBuild(t *testing.T) {
	for _, tt := range []struct {
		ldflags, module, want string
	}{
		{"", "v1.2.3", "v1.2.3"},
		{"", "(devel)", "(devel)"},
		{"", "", "(devel)"},
		{"v9.9.9", "v1.2.3", "v9.9.9"},
	} {
		info := &debug.BuildInfo{Main: debug.Module{Version: tt.module}}
		if got := versionOf(tt.ldflags, info, true); got != tt.want {
			t.Errorf("-X …/internal/cli.version=%q, module %q: %q, want %q", tt.ldflags, tt.module, got, tt.want)
		}
	}
	if got := versionOf("", nil, false); got != "(devel)" {
		t.Errorf("no build info: %q, want (devel)", got)
	}
}

// --strict fails on compose's own warnings too: an unset variable
// interpolates to nothing, which is as likely a mistake as an unknown tag.
func TestStrictFailsOnComposeWarnings(t *testing.T) {
	project := "services:\n  web:\n    image: nginx:${TAG}\n    expose: [\"80\"]\n    labels: {SERVICE_NAME: web}\n"
	code, stdout, stderr := cli(t, project, "-f", "-")
	if code != exitOK || !strings.Contains(stderr, `"TAG" variable is not set`) {
		t.Fatalf("without --strict: exit %d, stderr %q; want 0 and compose's warning", code, stderr)
	}
	code, stdout, stderr = cli(t, project, "-f", "-", "--strict")
	if code != exitInput || stdout != "" || !strings.Contains(stderr, `"TAG" variable is not set`) || !strings.Contains(stderr, "nothing written") {
		t.Errorf("--strict: exit %d, stdout %q, stderr %q; want exit 1, the warning and nothing written", code, stdout, stderr)
	}
}
