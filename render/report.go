package render

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Report is the migration report (--format report): a summary line, then
// every item of the dialects that report (model.Reporter), one block each:
// what it is, what became of it, and the notes that say why or how it
// differs, one diagnostic a line. Items come sorted (model.BuildReport).
// Then the errors no item's notes hold (a misspelt label of a service,
// say): the run fails on them too, so the report says why.
func Report(items []model.ReportItem, diags model.Diagnostics) []byte {
	var b bytes.Buffer
	reportItems(&b, items)
	reportOthers(&b, items, diags)
	return b.Bytes()
}

func reportItems(b *bytes.Buffer, items []model.ReportItem) {
	if len(items) == 0 {
		b.WriteString("# nothing to report: no router or middleware of a dialect that reports (traefik)\n")
		return
	}
	count := map[model.Outcome]int{}
	kinds := map[string]int{}
	var kindOrder []string
	for _, it := range items {
		count[it.Outcome]++
		k := it.Dialect + " " + it.Kind
		if kinds[k] == 0 {
			kindOrder = append(kindOrder, k)
		}
		kinds[k]++
	}
	var what, outcomes []string
	for _, k := range kindOrder {
		what = append(what, fmt.Sprintf("%d %s%s", kinds[k], k, plural(kinds[k])))
	}
	for _, o := range []model.Outcome{model.Converted, model.Differs, model.Refused, model.LeftOut, model.Unused, model.NotReached} {
		if count[o] > 0 {
			outcomes = append(outcomes, fmt.Sprintf("%d %s", count[o], o))
		}
	}
	fmt.Fprintf(b, "# %s: %s\n", strings.Join(what, ", "), strings.Join(outcomes, ", "))
	for _, it := range items {
		fmt.Fprintf(b, "\n%s %s %s (service %s): %s\n", it.Dialect, it.Kind, it.Name, it.Service, it.Outcome)
		if it.Detail != "" {
			fmt.Fprintf(b, "    %s\n", it.Detail)
		}
		for _, d := range it.Notes {
			fmt.Fprintf(b, "    - %s\n", d)
		}
	}
}

// reportOthers appends to b the errors of diags that no item's notes hold.
func reportOthers(b *bytes.Buffer, items []model.ReportItem, diags model.Diagnostics) {
	noted := map[model.Diagnostic]bool{}
	for _, it := range items {
		for _, d := range it.Notes {
			noted[d] = true
		}
	}
	var others model.Diagnostics
	for _, d := range diags {
		if d.Severity == model.Error && !noted[d] {
			others = append(others, d)
		}
	}
	if len(others) == 0 {
		return
	}
	fmt.Fprintf(b, "\n# %d error%s outside the items above (the run fails on them too)\n", len(others), plural(len(others)))
	for _, d := range others {
		fmt.Fprintf(b, "    - %s\n", d)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
