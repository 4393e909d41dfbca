package model

import (
	"strings"
	"testing"
)

// A header name is one grammar wherever one is written: a header label,
// match_header and balance hdr(NAME) accept and refuse the same names
// (balance's had a pattern of its own).
func TestHeaderNameIsOneGrammar(t *testing.T) {
	for _, name := range []string{"X-Canary", "x", "X-Forwarded-For", strings.Repeat("a", 64),
		strings.Repeat("a", 65), "", "X_Canary", "X.Canary", "X Canary", "Ü", "X:Y", "X(Y)"} {
		label := CheckHeaderName(name) == ""
		_, prob := headerCondition.Check(name + ":1")
		match := prob == ""
		balance := checkBalance("hdr("+name+")") == ""
		if match != label || balance != label {
			t.Errorf("header name %q: a header label takes it: %v, match_header: %v, balance hdr(): %v", name, label, match, balance)
		}
	}
}
