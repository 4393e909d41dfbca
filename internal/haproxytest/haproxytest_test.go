package haproxytest

import "testing"

// TestAll names every HAProxy the configs are checked with, so that a
// test log says which versions passed (go test -v).
func TestAll(t *testing.T) {
	for _, bin := range All(t) {
		v, err := Version(bin)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s", bin, v)
	}
}
