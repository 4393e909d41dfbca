package model

import (
	"fmt"
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

// balanceAlgos is the one list of balance algorithms: the tag's doc names
// each, the tag takes each, a TCP service refuses the HTTP ones and its
// fix offers the others, and an unknown one's error lists them all.
func TestBalanceAlgorithmsAreOneTable(t *testing.T) {
	doc := tagsByName["balance"].doc
	build := func(tags string) string {
		_, ds := buildAll(Project{Services: []Service{svc("web", map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": tags}, 80)}}, Options{})
		return fmt.Sprint(ds)
	}
	unknown, onTCP := build("balance=fastest"), build("tcp=5432,balance=uri")
	_, fix, _ := strings.Cut(onTCP, "(use ")
	for _, a := range balanceAlgos {
		v := strings.Replace(a.name, "NAME", "X-User", 1)
		if !strings.Contains(doc, "`"+a.name+"`") {
			t.Errorf("the balance tag's doc %q does not name %s", doc, a.name)
		}
		if !strings.Contains(unknown, a.name) {
			t.Errorf("an unknown algorithm's error does not offer %s: %s", a.name, unknown)
		}
		if got := build("balance=" + v); got != "[]" {
			t.Errorf("balance=%s: %s", v, got)
		}
		if got := build("tcp=5432,balance=" + v); (got != "[]") != a.http {
			t.Errorf("balance=%s on a TCP service: %s; want an error: %v", v, got, a.http)
		}
		if offered := strings.Contains(fix, a.name); offered == a.http {
			t.Errorf("balance=uri on a TCP service offers %s: %v, want %v: %s", a.name, offered, !a.http, onTCP)
		}
	}
}
