// Package haproxytest finds the HAProxy that tests validate and run
// configs with, and applies the project's rule for when there is none: a
// failure under CI=true, a skip elsewhere.
package haproxytest

import (
	"errors"
	"os"
	"os/exec"
	"testing"
)

// Find returns $HAPROXY (an explicit choice that does not work is an
// error, not a reason to test another HAProxy), else haproxy on PATH, else
// Debian's /usr/sbin/haproxy.
func Find() (string, error) {
	if p := os.Getenv("HAPROXY"); p != "" {
		return exec.LookPath(p)
	}
	for _, bin := range []string{"haproxy", "/usr/sbin/haproxy"} {
		if p, err := exec.LookPath(bin); err == nil {
			return p, nil
		}
	}
	return "", errors.New("haproxy not found in PATH nor at /usr/sbin/haproxy (apt-get install haproxy)")
}

// Require returns Find's HAProxy. Without one it fails the test when
// CI=true, where a missing HAProxy means a broken CI script, and skips it
// elsewhere.
func Require(tb testing.TB) string {
	tb.Helper()
	bin, err := Find()
	if err == nil {
		return bin
	}
	if os.Getenv("CI") == "true" || os.Getenv("HAPROXY") != "" {
		tb.Fatalf("%v; CI=true or HAPROXY set, so this is a failure", err)
	}
	tb.Skip(err)
	return ""
}
