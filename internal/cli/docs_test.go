package cli

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/compose2haproxy/compose2haproxy/dialect/all"
	"github.com/compose2haproxy/compose2haproxy/dialect/dockerflow"
	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy"
	"github.com/compose2haproxy/compose2haproxy/dialect/traefik"
	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
	"github.com/compose2haproxy/compose2haproxy/loader"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// The reference tables of the documentation are made from the code that
// decides them: each test below fails when a page and the code disagree,
// and go test ./internal/cli -update rewrites the part of the page between
// its markers.
const (
	readmePage   = "../../README.md"
	docsDir      = "../../docs/"
	commandDoc   = "../../cmd/compose2haproxy/doc.go"
	updateMarker = "go test ./internal/cli -update"
)

// The tag table is made from model's tag table.
func TestTagTable(t *testing.T) {
	docSection(t, docsDir+"registrator.md", "tag table", "made by TestTagTable from model.TagDocs", tagTable(model.TagDocs()))
}

// The docker-flow-proxy label table is made from the dialect's own table.
func TestLabelTable(t *testing.T) {
	docSection(t, docsDir+"docker-flow-proxy.md", "label table", "made by TestLabelTable from dockerflow.Dialect.Table", labelTable(dockerflow.Dialect{}.Table().Keys))
}

// The nginx-proxy variable table is made from the dialect's own table.
func TestNginxProxyTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("| variable | read on | what compose2haproxy does | nginx-proxy's default |\n|---|---|---|---|\n")
	for _, d := range (nginxproxy.Dialect{}).Table().Keys {
		def := ""
		if d.Example != "" {
			def = "`" + d.Example + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", d.Name, d.Value, model.SpellRefs(d.Effect, spellOption), def)
	}
	docSection(t, docsDir+"nginx-proxy.md", "variable table", "made by TestNginxProxyTable from nginxproxy.Dialect.Table", b.String())
}

// The Traefik label table is made from the dialect's own table.
func TestTraefikTable(t *testing.T) {
	docSection(t, docsDir+"traefik.md", "label table", "made by TestTraefikTable from traefik.Dialect.Table", labelTable(traefik.Dialect{}.Table().Keys))
}

// The flag table is made from the flag set and flagDocs.
func TestFlagTable(t *testing.T) {
	docSection(t, docsDir+"command-line.md", "flag table", "made by TestFlagTable from the flag set and flagDocs", flagTable(t, false))
}

// The README's common flags are those flagDocs marks common, with their
// --help line.
func TestCommonFlagsTable(t *testing.T) {
	docSection(t, readmePage, "common flags", "made by TestCommonFlagsTable from the flag set", flagTable(t, true))
}

// The exit codes' table is made from exitDocs, which names the constants
// run returns.
func TestExitCodeTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("| code | meaning | example |\n|---|---|---|\n")
	for _, e := range exitDocs {
		fmt.Fprintf(&b, "| %d | %s | %s |\n", e.code, e.meaning, e.example)
	}
	docSection(t, docsDir+"command-line.md", "exit codes", "made by TestExitCodeTable from exitDocs", b.String())
}

// The limits' table is made from the constants that enforce them.
func TestLimitTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("| limit | value | why |\n|---|---|---|\n")
	for _, l := range model.LimitDocs(all.Dialects()) {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", model.SpellRefs(l.What, spellOption), l.Value, model.SpellRefs(l.Why, spellOption))
	}
	fmt.Fprintf(&b, "| `env_file`, `label_file`, `extends` file, `--env-file`, `.env` | regular file, %d MiB | `env_file: /dev/zero` ran out of memory |\n", loader.MaxFileSize>>20)
	docSection(t, docsDir+"safety-and-limits.md", "limit table", "made by TestLimitTable from model.LimitDocs and loader.MaxFileSize", b.String())
}

// The command's package comment (go doc compose2haproxy) lists the flags
// as --help prints them, and the exit codes.
func TestCommandDocFlags(t *testing.T) {
	var f flags
	usage := flagSet(&f).FlagUsages()
	var b strings.Builder
	b.WriteString("// Flags (each, with an example, in docs/command-line.md):\n//\n")
	for _, line := range strings.Split(strings.TrimSuffix(usage, "\n"), "\n") {
		// gofmt drops the indent pflag gives every line.
		b.WriteString("//\t" + strings.TrimRight(strings.TrimPrefix(line, "  "), " ") + "\n")
	}
	b.WriteString("//\n// Exit codes:\n//\n")
	for _, e := range exitDocs {
		fmt.Fprintf(&b, "//\t%d  %s\n", e.code, strings.ReplaceAll(e.meaning, "`", ""))
	}
	b.WriteString("//\n// On a non-zero exit nothing is written.\n")
	replaceBetween(t, commandDoc, "// Flags (", "package main\n", b.String())
}

// flagTable is the reference table of every flag, or (common) the
// README's short table of the common ones.
func flagTable(t *testing.T, common bool) string {
	t.Helper()
	var f flags
	fs := flagSet(&f)
	var b strings.Builder
	if common {
		b.WriteString("| flag | default | what |\n|---|---|---|\n")
	} else {
		b.WriteString("| flag | default | meaning | example |\n|---|---|---|---|\n")
	}
	seen := map[string]bool{}
	row := func(name, short, arg, def, usage string) {
		seen[name] = true
		d, ok := flagDocs[name]
		if !ok {
			t.Errorf("flag --%s has no flagDocs entry", name)
			return
		}
		flag := "--" + name
		if short != "" {
			flag = "-" + short + ", " + flag
		}
		if arg != "" {
			flag += " " + arg
		}
		if def != "" {
			def = "`" + def + "`"
		}
		switch {
		case common && d.common:
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", flag, def, usage)
		case !common:
			fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` |\n", flag, def, d.doc, d.example)
		}
	}
	fs.VisitAll(func(fl *pflag.Flag) {
		arg, usage := pflag.UnquoteUsage(fl)
		if fl.Value.Type() == "bool" {
			arg = ""
		}
		def := fl.DefValue
		if def == "false" || def == "[]" || fl.Value.Type() == "int" && def == "0" {
			def = ""
		}
		row(fl.Name, fl.Shorthand, arg, def, usage)
	})
	for name := range flagDocs {
		if !seen[name] {
			t.Errorf("flagDocs documents --%s, which is no flag", name)
		}
	}
	return b.String()
}

// docSection compares the part of path between "<!-- name: origin;
// go test ./internal/cli -update -->" and "<!-- end of name -->" with
// want, or rewrites it with -update.
func docSection(t *testing.T, path, name, origin, want string) {
	t.Helper()
	replaceBetween(t, path, "<!-- "+name+": "+origin+"; "+updateMarker+" -->\n", "<!-- end of "+name+" -->\n", want)
}

// replaceBetween compares the text of path between begin and end with
// want, or rewrites it with -update.
func replaceBetween(t *testing.T, path, begin, end, want string) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(text, []byte(begin))
	j := i + bytes.Index(text[max(i, 0):], []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s has no section between %q and %q", path, begin, end)
	}
	from := i
	if strings.HasPrefix(begin, "<!--") {
		from += len(begin)
	}
	got := string(text[from:j])
	if got == want {
		return
	}
	if *update {
		out := slices.Concat(text[:from], []byte(want), text[j:])
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s differs from the code (run %s):\n--- page\n%s--- code\n%s", path, updateMarker, got, want)
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
		fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` |\n", name, model.SpellRefs(d.Doc, spellOption), yes(d.Repeatable), yes(d.HTTP), d.Example)
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
		// A table cell takes no bare '|'; a code span that holds a
		// backquote is written between two.
		cell := strings.NewReplacer("|", `\|`).Replace
		example := ""
		switch {
		case strings.Contains(d.Example, "`"):
			example = "`` " + d.Example + " ``"
		case d.Example != "":
			example = "`" + d.Example + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", d.Name, value, cell(model.SpellRefs(d.Effect, spellOption)), cell(example))
	}
	return b.String()
}

// The HAProxy versions page lists the versions the configs are checked
// with: every HAProxy this run has (haproxytest.All) must be a row, and
// under CI=true, where CI installs them all, every row must be one of
// them. The Debian suites .ci/run makes roots of are named on the page.
func TestHAProxyVersionTable(t *testing.T) {
	page, err := os.ReadFile(docsDir + "haproxy-versions.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(string(page), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) > 2 && regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(strings.TrimSpace(cells[1])) {
			rows[strings.TrimSpace(cells[1])] = true
		}
	}
	if len(rows) == 0 {
		t.Fatal("docs/haproxy-versions.md has no table of versions")
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\.ci/debian-haproxy (\w+)`).FindAllStringSubmatch(string(ci), -1) {
		if !strings.Contains(string(page), "("+m[1]+")") {
			t.Errorf(".ci/run checks with Debian %s's HAProxy, which docs/haproxy-versions.md does not name", m[1])
		}
	}
	tested := map[string]bool{}
	for _, bin := range haproxytest.All(t) {
		v, err := haproxytest.Version(bin)
		if err != nil {
			t.Fatal(err)
		}
		version := regexp.MustCompile(`version (\d+\.\d+\.\d+)`).FindStringSubmatch(v)
		if version == nil {
			t.Fatalf("%s: no version in %q", bin, v)
		}
		tested[version[1]] = true
		if !rows[version[1]] {
			t.Errorf("%s is HAProxy %s, which docs/haproxy-versions.md does not list", bin, version[1])
		}
	}
	if os.Getenv("CI") == "true" {
		for v := range rows {
			if !tested[v] {
				t.Errorf("docs/haproxy-versions.md lists HAProxy %s, which this CI run did not check with", v)
			}
		}
	}
}
