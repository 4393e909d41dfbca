package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runnerToken stands for a CI job's token in the runner's environment.
const runnerToken = "glcbt-64-SECRETVALUE"

// runEnv runs the command in-process with this environment.
func runEnv(t *testing.T, environ []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, environ, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// A variable of the runner's environment reaches neither a message, the
// config nor the JSON model unless --env names it.
func TestRunnerEnvironmentReachesNothingWithoutEnv(t *testing.T) {
	project := `services:
  web:
    image: nginx
    expose: ["80"]
    labels:
      SERVICE_NAME: web
      compose2haproxy.response-header.X-Build: "${CI_JOB_TOKEN:-none}"
  api:
    image: nginx
    expose: ["80"]
    labels:
      SERVICE_NAME: api
      SERVICE_TAGS: "path=${CI_JOB_TOKEN}"
`
	environ := []string{"CI_JOB_TOKEN=" + runnerToken}
	for _, format := range []string{"cfg", "json", "routes"} {
		code, stdout, stderr := runEnv(t, environ, project, "-f", "-", "--format", format)
		if strings.Contains(stdout+stderr, runnerToken) {
			t.Errorf("--format %s: exit %d; the token reached the output or a message:\n%s\n%s", format, code, stderr, stdout)
		}
		if !strings.Contains(stderr, "--env CI_JOB_TOKEN") {
			t.Errorf("--format %s: stderr %q; want a warning naming --env CI_JOB_TOKEN", format, stderr)
		}
	}
	// Allowed, the value is used: here it is a path the model refuses,
	// and the message shows it, as it shows every value it refuses.
	code, _, stderr := runEnv(t, environ, project, "-f", "-", "--env", "CI_JOB_TOKEN")
	if code != exitInput || !strings.Contains(stderr, "path="+runnerToken) || strings.Contains(stderr, "--env CI_JOB_TOKEN") {
		t.Errorf("--env CI_JOB_TOKEN: exit %d, stderr %q; want exit 1 naming the refused path", code, stderr)
	}
}

// --env takes a variable's name, never its value: a value on the command
// line would be recorded in the header and seen by ps.
func TestEnvTakesANameOnly(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "TOKEN=abc"}, "error: --env=TOKEN=abc: takes the name of a variable of the environment, not a value (export TOKEN and pass --env TOKEN, or put TOKEN=… in an --env-file)"},
		{[]string{"--env", "1TAG"}, "error: --env=1TAG: not a variable name (letters, digits and _, not starting with a digit)"},
		{[]string{"--env", ""}, "error: --env: not a variable name (letters, digits and _, not starting with a digit)"},
	} {
		code, stdout, stderr := cli(t, webProject, append([]string{"-f", "-"}, tt.args...)...)
		if code != exitUsage || stdout != "" || stderr != tt.want+"\n" {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// --prod-line sets PROD_LINE; the runner's PROD_LINE is used only when
// --env PROD_LINE allows it (then it wins, as SPEC §2 says).
func TestProdLineAndTheRunnersProdLine(t *testing.T) {
	project := "services:\n  web:\n    image: nginx\n    expose: [\"80\"]\n    labels:\n      SERVICE_NAME: web\n      SERVICE_TAGS: server_alias=web-${PROD_LINE}.example.com\n"
	environ := []string{"PROD_LINE=prod"}
	_, stdout, stderr := runEnv(t, environ, project, "-f", "-", "--prod-line", "feat42")
	if !strings.Contains(stdout, " web-feat42.example.com") {
		t.Errorf("--prod-line feat42 with PROD_LINE=prod not allowed: want web-feat42.example.com; stderr %q:\n%s", stderr, stdout)
	}
	_, stdout, stderr = runEnv(t, environ, project, "-f", "-", "--prod-line", "feat42", "--env", "PROD_LINE")
	if !strings.Contains(stdout, " web-prod.example.com") {
		t.Errorf("--env PROD_LINE: want web-prod.example.com; stderr %q:\n%s", stderr, stdout)
	}
}
