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

// A path holds the same characters wherever one is written: a path= tag,
// a dialect's path (PathChars), a health check's path (which adds a
// query's ? = &).
func TestPathCharactersAreOneSet(t *testing.T) {
	for c := byte(0x21); c < 0x7f; c++ {
		want := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._~/-", c) >= 0
		p := "/a" + string(c) + "b"
		_, prob := checkPath(p)
		check := checkCheckPath(p) == "" && strings.IndexByte("?=&", c) < 0
		if tag, dialect := prob == "", PathChars(p); tag != want || dialect != want || check != want {
			t.Errorf("%q: a path= tag takes it: %v, a dialect's path: %v, a check's path: %v; want %v", p, tag, dialect, check, want)
		}
	}
}
