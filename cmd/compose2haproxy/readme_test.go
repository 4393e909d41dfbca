package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

const readme = "../../README.md"

// The README's tag table is made from model's tag table, so the two cannot
// drift apart: this fails when they differ, and -update rewrites the part
// of the README between the markers.
func TestREADMETagTable(t *testing.T) {
	const begin, end = "<!-- tag table: made by TestREADMETagTable from model.TagDocs; go test ./cmd/compose2haproxy -update -->\n", "<!-- end of tag table -->\n"
	text, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(text, []byte(begin)), bytes.Index(text, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md has no tag table between %q and %q", begin, end)
	}
	want := tagTable(model.TagDocs())
	got := string(text[i+len(begin) : j])
	if got == want {
		return
	}
	if *update {
		out := slices.Concat(text[:i+len(begin)], []byte(want), text[j:])
		if err := os.WriteFile(readme, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's tag table differs from model.TagDocs (run go test ./cmd/compose2haproxy -update):\n--- README\n%s--- model\n%s", got, want)
}

func tagTable(docs []model.TagDoc) string {
	var b strings.Builder
	b.WriteString("| tag | effect | repeatable | HTTP only | example |\n|---|---|---|---|---|\n")
	yes := func(v bool) string {
		if v {
			return "yes"
		}
		return ""
	}
	for _, d := range docs {
		name := "`" + d.Name
		if d.Value != "" {
			name += "=" + d.Value
		}
		name += "`"
		for _, a := range d.Aliases {
			name += fmt.Sprintf(" (also `%s`)", a)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` |\n", name, d.Doc, yes(d.Repeatable), yes(d.HTTP), d.Example)
	}
	return b.String()
}
