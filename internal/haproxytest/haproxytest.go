// Package haproxytest finds the HAProxy that tests validate and run
// configs with, holds the project's rule for when it, or any tool or
// engine a test needs, is missing (SkipOrFail: a failure under CI=true, a
// skip elsewhere), and the one "haproxy -c -dW" check every test uses.
package haproxytest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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
	if os.Getenv("HAPROXY") != "" {
		tb.Fatalf("%v; HAPROXY is set, so this is a failure", err)
	}
	SkipOrFail(tb, err)
	return ""
}

// SkipOrFail is the project's rule for a test whose tool or engine is
// missing (why): a failure under CI=true, where it means a broken CI
// script, a skip elsewhere.
func SkipOrFail(tb testing.TB, why any) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%v; CI=true, so this is a failure", why)
	}
	tb.Skip(why)
}

// All returns Require's HAProxy, then every binary listed in
// $HAPROXY_ALSO (space-separated): further versions that tests check
// configs with, such as those .ci/debian-haproxy makes. A listed binary
// that does not run fails the test.
func All(tb testing.TB) []string {
	tb.Helper()
	all := []string{Require(tb)}
	for _, bin := range strings.Fields(os.Getenv("HAPROXY_ALSO")) {
		if _, err := Version(bin); err != nil {
			tb.Fatalf("HAPROXY_ALSO: %v", err)
		}
		all = append(all, bin)
	}
	return all
}

// WithFeature returns the first HAProxy of All whose build lists +feature
// in "haproxy -vv" (ACME, PROMEX, QUIC) and is at least version since
// (MAJOR.MINOR; empty: any). Without one it fails the test when CI=true
// and skips it elsewhere.
func WithFeature(tb testing.TB, feature, since string) string {
	tb.Helper()
	for _, bin := range All(tb) {
		out, err := exec.Command(bin, "-vv").Output()
		if err != nil {
			continue
		}
		v := strings.Fields(strings.TrimPrefix(string(out), "HAProxy version "))
		if len(v) == 0 || since != "" && versionLess(v[0], since) {
			continue
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "Feature list :") && slices.Contains(strings.Fields(line), "+"+feature) {
				return bin
			}
		}
	}
	SkipOrFail(tb, fmt.Sprintf("no HAProxy %s+ built with %s among haproxy and $HAPROXY_ALSO (.ci/debian-haproxy forky makes 3.2 with ACME, PROMEX and QUIC)", since, feature))
	return ""
}

// versionLess compares the MAJOR.MINOR of versions like "3.2.26-1".
func versionLess(a, b string) bool {
	num := func(v string) [2]int {
		var n [2]int
		fmt.Sscanf(v, "%d.%d", &n[0], &n[1])
		return n
	}
	x, y := num(a), num(b)
	return x[0] < y[0] || x[0] == y[0] && x[1] < y[1]
}

// Version returns the first line of "bin -v", such as "HAProxy version
// 3.0.11-1+deb13u4 2026/10/15 - https://haproxy.org/".
func Version(bin string) (string, error) {
	out, err := exec.Command(bin, "-v").Output()
	if err != nil {
		return "", fmt.Errorf("%s -v: %v", bin, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return first, nil
}

// Check runs "bin -c -dW -f path": HAProxy must accept the configuration
// without a single warning (-dW makes every warning fatal). The error
// carries HAProxy's output. The exit code decides, not the text: 3.0 and
// later print nothing for a valid file.
func Check(bin, path string) error {
	out, err := exec.Command(bin, "-c", "-dW", "-f", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s -c -dW -f %s: %v\n%s", bin, path, err, out)
	}
	return nil
}

// CheckAll runs Check with every HAProxy of All at once and joins their
// errors.
func CheckAll(tb testing.TB, path string) error {
	tb.Helper()
	bins := All(tb)
	errs := make([]error, len(bins))
	var wg sync.WaitGroup
	for i, bin := range bins {
		wg.Add(1) // not wg.Go, which needs Go 1.25: go.mod asks for 1.24
		go func() { defer wg.Done(); errs[i] = Check(bin, path) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// CheckConfig writes cfg to a temporary file and runs Check on it with
// Require's HAProxy. It returns the file's path and Check's error.
func CheckConfig(tb testing.TB, cfg []byte) (path string, err error) {
	tb.Helper()
	bin := Require(tb)
	path = filepath.Join(tb.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, cfg, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path, Check(bin, path)
}
