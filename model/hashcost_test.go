package model

import (
	"fmt"
	"strings"
	"testing"
)

// A hash's cost is bounded near its scheme's default: HAProxy runs
// crypt(3) on it at every start and reload and at every login, on its
// event loop. The message names the user, never the hash, and says how to
// hash again.
func TestHashCostPerUser(t *testing.T) {
	sha512 := func(rounds string) string {
		return strings.Replace(sha512Hash, "$6$", "$6$rounds="+rounds+"$", 1)
	}
	bcrypt := func(cost string) string { return strings.Replace(bcryptHash, "$12$", "$"+cost+"$", 1) }
	yescrypt := func(params string) string { return strings.Replace(yescryptHash, "$j9T$", "$"+params+"$", 1) }
	tests := []struct {
		hash string
		prob string // empty: accepted
	}{
		{sha512Hash, ""},
		{sha512("1000"), ""},
		{sha512("10000"), ""},
		{sha512("10001"), "has rounds=10001: SHA-crypt above 10000 rounds"},
		{sha512("999999999"), "has rounds=999999999: SHA-crypt above 10000 rounds"},
		{strings.Replace(sha256Hash, "$5$", "$5$rounds=20000$", 1), "has rounds=20000: SHA-crypt above 10000 rounds"},
		{bcrypt("04"), ""},
		{bcrypt("10"), ""},
		{bcrypt("12"), ""},
		{bcrypt("13"), "has bcrypt cost 13: above 12"},
		{bcrypt("31"), "has bcrypt cost 31: above 12"},
		{bcrypt("03"), "has bcrypt cost 03, which crypt(3) refuses"},
		{yescryptHash, ""},    // j9T: N 4096, r 32 (mkpasswd's default, cost 5)
		{yescrypt("jAT"), ""}, // N 8192: cost 6
		{yescrypt("j75"), ""}, // N 1024, r 8: cost 1
		{yescrypt("jBT"), "has yescrypt N×r 524288 (N=16384, r=32): above 262144"}, // cost 7
		{yescrypt("jFT"), "has yescrypt N×r 8388608 (N=262144, r=32): above 262144"},
		{yescrypt("j9T5"), "has yescrypt parameters beyond N and r"},
		{yescrypt("j"), "is not a well-formed yescrypt hash"},
	}
	for _, tt := range tests {
		content := "alice:" + tt.hash + "\n"
		p, msgs := buildPolicy(t, map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "auth=ops"}, Secret{Name: "ops", Content: []byte(content)})
		var errs []string
		for _, m := range msgs {
			if strings.HasPrefix(m, "error:") {
				errs = append(errs, m)
			}
		}
		switch {
		case tt.prob == "" && (len(errs) > 0 || p.Auth == nil):
			t.Errorf("%s: refused: %q", tt.hash, errs)
		case tt.prob != "" && (len(errs) != 1 || !strings.Contains(errs[0], "error: web: SERVICE_TAGS=auth=ops: secret ops, line 1: the password hash of user alice "+tt.prob)):
			t.Errorf("%s: %q, want one error with %q", tt.hash, errs, tt.prob)
		case tt.prob != "" && strings.Contains(errs[0], tt.hash):
			t.Errorf("the message repeats the hash: %s", errs[0])
		case tt.prob != "" && !strings.Contains(errs[0], "hash the password again with"):
			t.Errorf("the message does not say how to hash again: %s", errs[0])
		}
	}
}

// Each backend with basic auth has a userlist of its own, and HAProxy
// checks every hash of every userlist at each start and reload: the
// estimated sum is bounded too.
func TestHashCostInAll(t *testing.T) {
	var users strings.Builder
	for i := range 10 {
		fmt.Fprintf(&users, "user%d:%s\n", i, bcryptHash) // about 0.2 s each
	}
	build := func(services int) []string {
		var ss []Service
		for i := range services {
			ss = append(ss, svc(fmt.Sprintf("web%d", i), map[string]string{"SERVICE_NAME": fmt.Sprintf("web%d", i), "SERVICE_TAGS": "auth=ops"}, 80))
		}
		_, ds := buildAll(Project{Services: ss, Secrets: []Secret{{Name: "ops", Content: []byte(users.String())}}}, Options{})
		var errs []string
		for _, d := range ds {
			if d.Severity == Error {
				errs = append(errs, d.String())
			}
		}
		return errs
	}
	if errs := build(4); len(errs) > 0 {
		t.Errorf("40 bcrypt hashes of cost 12: %q", errs)
	}
	errs := build(6)
	if len(errs) != 1 || !strings.Contains(errs[0], "error: the userlists hold 60 password hashes, which HAProxy checks at every start and reload: about 12.0 s of CPU, over the limit of 10 s") {
		t.Errorf("60 bcrypt hashes of cost 12: %q, want one error about their sum", errs)
	}
}
