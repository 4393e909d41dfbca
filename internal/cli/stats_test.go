package cli

import (
	"strings"
	"testing"
)

// The stats page shows every backend, server and address: by default it
// listens on 127.0.0.1 only, and one that listens beyond this host without
// --stats-auth is a warning, an error under --strict.
func TestStatsPageIsLocalUnlessItAsksForAPassword(t *testing.T) {
	const hash = "$6$ViEJ.yPI3rV1T1WP$7l7M/IhsEA2xWnBJtX.3nH6hKbpnS/ntXXL1WzqEHXgwl1XW62nTadVXVEOBj8NtA7Ugw/J52V3NqyMPt5kgb1"
	users := writeFile(t, t.TempDir()+"/stats.users", "admin:"+hash+"\n")
	const warning = "the stats page listens beyond this host and asks for no password"
	for _, tt := range []struct {
		args     []string
		code     int
		bind     string // the stats frontend's bind line
		diagnose string // the start of the diagnostic, if any
	}{
		{nil, exitOK, "bind 127.0.0.1:8404\n", ""},
		{[]string{"--stats", "127.0.0.2:9000"}, exitOK, "bind 127.0.0.2:9000\n", ""},
		{[]string{"--stats", "[::1]:8404"}, exitOK, "bind [::1]:8404\n", ""},
		{[]string{"--stats", "localhost:8404"}, exitOK, "bind localhost:8404\n", ""},
		{[]string{"--stats", ":8404"}, exitOK, "bind :8404\n", "warning: --stats=:8404: "},
		{[]string{"--stats", "0.0.0.0:8404", "--strict"}, exitUsage, "", "error: --stats=0.0.0.0:8404: "},
		{[]string{"--stats", "[::]:8404"}, exitOK, "bind [::]:8404\n", "warning: --stats=[::]:8404: "},
		{[]string{"--stats", "10.1.2.3:8404"}, exitOK, "bind 10.1.2.3:8404\n", "warning: --stats=10.1.2.3:8404: "},
		{[]string{"--stats", ":8404", "--stats-auth", users, "--strict"}, exitOK, "bind :8404\n", ""},
	} {
		code, stdout, stderr := cli(t, webProject, append([]string{"-f", "-"}, tt.args...)...)
		if code != tt.code || tt.bind != "" && !strings.Contains(stdout, "frontend stats\n    "+tt.bind) {
			t.Errorf("%q: exit %d, want %d and %q in:\n%s%s", tt.args, code, tt.code, tt.bind, stdout, stderr)
		}
		switch {
		case tt.diagnose == "" && strings.Contains(stderr, warning):
			t.Errorf("%q: a warning about the stats page: %s", tt.args, stderr)
		case tt.diagnose != "" && !strings.Contains(stderr, tt.diagnose+warning):
			t.Errorf("%q: stderr %q, want %q", tt.args, stderr, tt.diagnose+warning)
		case tt.diagnose != "" && !strings.Contains(stderr, "--stats-auth"):
			t.Errorf("%q: the message does not say to give --stats-auth: %s", tt.args, stderr)
		}
	}
}

// --stats-auth names one thing: secret:NAME a compose secret, a path with
// a '/' a file. A bare NAME is an error: a service author who declares a
// secret named as the operator's users file must not get the stats page.
func TestStatsAuthNamesASecretOrAFileNeverEither(t *testing.T) {
	const admin = "admin:$6$ViEJ.yPI3rV1T1WP$7l7M/IhsEA2xWnBJtX.3nH6hKbpnS/ntXXL1WzqEHXgwl1XW62nTadVXVEOBj8NtA7Ugw/J52V3NqyMPt5kgb1\n"
	const mallory = "mallory:$5$4AIE8wQFMTLdmatF$AzvWN2FREixjdXIqh1DHQKkE1Lp5dyyYLzzgfNJKFY/\n"
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, "compose.yaml", webProject+"secrets:\n  stats.users:\n    file: ./evil.users\n  ops:\n    file: ./ops.users\n")
	writeFile(t, "evil.users", mallory)
	writeFile(t, "ops.users", admin)
	writeFile(t, "stats.users", admin)
	for _, tt := range []struct {
		flag string
		code int
		want string // the user the stats page asks for, or a part of the error
	}{
		{"./stats.users", exitOK, "admin"},
		{dir + "/stats.users", exitOK, "admin"},
		{"secret:stats.users", exitOK, "mallory"},
		{"secret:ops", exitOK, "admin"},
		{"ops", exitUsage, "error: --stats-auth=ops: names neither a compose secret nor a file: a secret is secret:NAME, a file a path (write secret:ops for the compose secret, or ./ops for the file)"},
		{"stats.users", exitUsage, "error: --stats-auth=stats.users: names neither"},
		{"evil.users", exitUsage, "error: --stats-auth=evil.users: names neither"},
		{"secret:nope", exitUsage, "error: --stats-auth=secret:nope: there is no compose secret nope"},
		{"secret:", exitUsage, "error: --stats-auth=secret:: "},
	} {
		code, stdout, stderr := cli(t, "", "-f", "compose.yaml", "--stats-auth", tt.flag)
		got := stderr
		if tt.code == exitOK {
			got = stdout
			tt.want = "userlist stats_users\n    user " + tt.want + " password"
		}
		if code != tt.code || !strings.Contains(got, tt.want) {
			t.Errorf("--stats-auth %s: exit %d, want %d and %q in:\n%s", tt.flag, code, tt.code, tt.want, got)
		}
	}
}
