package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --diff compares what the compose files give, not how the command that
// wrote the file spelled its paths: one config, written once, is unchanged
// for every spelling of the same input, from any working directory.
func TestDiffIgnoresHowPathsAreSpelled(t *testing.T) {
	root := t.TempDir()
	deploy := filepath.Join(root, "deploy")
	writeFile(t, filepath.Join(deploy, "compose.yaml"), webProject)
	writeFile(t, filepath.Join(deploy, "ops.users"), "alice:$6$c2h$Cj6j7t4rH1Ap1l9U3hNJ6S8Z0oS8b6lR3JpO4hB6rXgD1r0W8o7g6Jc5h7v4QkG2w9uT0kYxW1bqLw2r3N4mE/\n")
	if err := os.Mkdir(filepath.Join(deploy, "haproxy"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deploy)
	code, _, stderr := cli(t, "", "-f", "compose.yaml", "--domain", "example.com", "--stats-auth", "./ops.users", "-o", "haproxy/haproxy.cfg")
	if code != exitOK {
		t.Fatalf("writing the config: exit %d: %s", code, stderr)
	}
	for _, tt := range []struct {
		dir  string // the working directory, under root
		args []string
	}{
		{"deploy", []string{"-f", "./compose.yaml", "--domain", "example.com", "--stats-auth", "./ops.users", "-o", "./haproxy/haproxy.cfg"}},
		{"deploy", []string{"--domain", "example.com", "--stats-auth", "./ops.users", "-o", "haproxy/haproxy.cfg"}},
		{"deploy", []string{"-o", "haproxy/haproxy.cfg", "--stats-auth=./ops.users", "--domain=example.com", "--file=compose.yaml"}},
		{"deploy", []string{"-f", "compose.yaml", "--domain", "example.com", "--stats-auth", "./ops.users", "-o", "haproxy/haproxy.cfg", "--bind", ":80", "--slots", "0", "--all=false"}},
		{"deploy", []string{"--project-directory", ".", "-f", "compose.yaml", "--domain", "example.com", "--stats-auth", "./ops.users", "-o", "haproxy//haproxy.cfg"}},
		{"", []string{"-f", "deploy/compose.yaml", "--domain", "example.com", "--stats-auth", "deploy/ops.users", "-o", "deploy/haproxy/haproxy.cfg"}},
		{"", []string{"--project-directory", "deploy", "--domain", "example.com", "--stats-auth", "deploy/ops.users", "-o", "deploy/haproxy/../haproxy/haproxy.cfg"}},
		{"deploy/haproxy", []string{"-f", "../compose.yaml", "--domain", "example.com", "--stats-auth", "../ops.users", "-o", "haproxy.cfg"}},
		{"deploy/haproxy", []string{"-f", filepath.Join(deploy, "compose.yaml"), "--domain", "example.com", "--stats-auth", filepath.Join(deploy, "ops.users"), "-o", filepath.Join(deploy, "haproxy", "haproxy.cfg")}},
	} {
		t.Chdir(filepath.Join(root, tt.dir))
		code, stdout, stderr := cli(t, "", append(tt.args, "--diff")...)
		if code != exitOK || stdout != "" {
			t.Errorf("in ROOT/%s, %s --diff: exit %d, want 0 and no difference:\n%s%s", tt.dir, strings.Join(tt.args, " "), code, stdout, stderr)
		}
	}
}

// The header's command, run in the project directory, writes the same
// bytes: it names the compose files the run loaded and the paths it was
// given relative to that directory, whatever the working directory was.
func TestTheHeaderRegeneratesTheFileFromTheProjectDirectory(t *testing.T) {
	root := t.TempDir()
	deploy := filepath.Join(root, "deploy")
	writeFile(t, filepath.Join(deploy, "compose.yaml"), webProject)
	writeFile(t, filepath.Join(deploy, "prod.yaml"), "services:\n  web:\n    labels:\n      SERVICE_NAME: prod_hello\n")
	if err := os.Mkdir(filepath.Join(root, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	code, _, stderr := cli(t, "", "-f", "deploy/compose.yaml", "-f", "./deploy/prod.yaml", "--domain", "example.com", "-o", "out/haproxy.cfg", "--runtime-dir", "/var/run/haproxy")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	written, err := os.ReadFile(filepath.Join(root, "out", "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	recorded := recordedCommand(string(written))
	want := "--file compose.yaml --file prod.yaml --output ../out/haproxy.cfg --domain example.com --runtime-dir /var/run/haproxy"
	if recorded != want {
		t.Fatalf("header records %q, want %q", recorded, want)
	}
	if err := os.Remove(filepath.Join(root, "out", "haproxy.cfg")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deploy)
	if code, _, stderr := cli(t, "", splitShell(t, recorded)...); code != exitOK {
		t.Fatalf("running the recorded command: exit %d: %s", code, stderr)
	}
	if again, _ := os.ReadFile(filepath.Join(root, "out", "haproxy.cfg")); string(again) != string(written) {
		t.Errorf("running the recorded command in the project directory wrote another file:\n%s", again)
	}
}

// A project directory that is not the first compose file's is recorded as
// "--project-directory .", so that the command finds the same .env and
// relative paths when run there.
func TestTheHeaderKeepsAProjectDirectoryOtherThanTheComposeFiles(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "compose", "compose.yaml"), webProject)
	writeFile(t, filepath.Join(root, ".env"), "HAPROXY_DOMAIN=example.org\n")
	t.Chdir(filepath.Join(root, "compose"))
	code, stdout, stderr := cli(t, "", "--project-directory", "..", "-f", "compose.yaml")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recorded := recordedCommand(stdout)
	if want := "--file compose/compose.yaml --project-directory ."; recorded != want {
		t.Fatalf("header records %q, want %q", recorded, want)
	}
	t.Chdir(root)
	if _, again, stderr := cli(t, "", splitShell(t, recorded)...); again != stdout {
		t.Errorf("running the recorded command in the project directory gave another config (%s):\n%s", stderr, again)
	}
}

// recordedCommand is the command line the header records, less
// "compose2haproxy".
func recordedCommand(cfg string) string {
	const prefix = "#   compose2haproxy "
	for _, line := range strings.Split(cfg, "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.TrimPrefix(line, prefix)
		}
	}
	return ""
}
