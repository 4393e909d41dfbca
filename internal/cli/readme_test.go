package cli

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/dialect/dockerflow"
	"github.com/compose2haproxy/compose2haproxy/model"
)

const readme = "../../README.md"

// The README's tag table is made from model's tag table, so the two cannot
// drift apart: this fails when they differ, and -update rewrites the part
// of the README between the markers.
func TestREADMETagTable(t *testing.T) {
	readmeSection(t, "tag table", "made by TestREADMETagTable from model.TagDocs", tagTable(model.TagDocs()))
}

// The README's docker-flow-proxy label table is made from the dialect's
// own table in the same way.
func TestREADMELabelTable(t *testing.T) {
	readmeSection(t, "label table", "made by TestREADMELabelTable from dockerflow.Dialect.Table", labelTable(dockerflow.Dialect{}.Table().Keys))
}

// readmeSection compares the part of the README between "<!-- name:
// origin; go test ./internal/cli -update -->" and "<!-- end of name
// -->" with want, or rewrites it with -update.
func readmeSection(t *testing.T, name, origin, want string) {
	t.Helper()
	begin := "<!-- " + name + ": " + origin + "; go test ./internal/cli -update -->\n"
	end := "<!-- end of " + name + " -->\n"
	text, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(text, []byte(begin))
	j := i + bytes.Index(text[max(i, 0):], []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md has no section between %q and %q", begin, end)
	}
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
	t.Errorf("README.md's %s differs from the model (run go test ./internal/cli -update):\n--- README\n%s--- model\n%s", name, got, want)
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
		switch {
		case d.Value != "" && d.Optional:
			name += "[=" + d.Value + "]"
		case d.Value != "":
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

func labelTable(docs []model.LabelDoc) string {
	var b strings.Builder
	b.WriteString("| label | value | what compose2haproxy does | example |\n|---|---|---|---|\n")
	for _, d := range docs {
		value := ""
		if d.Value != "" {
			value = "`" + d.Value + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` |\n", d.Name, value, model.SpellRefs(d.Effect, spellOption), d.Example)
	}
	return b.String()
}
