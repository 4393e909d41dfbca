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
func Report(items []model.ReportItem) []byte {
	var b bytes.Buffer
	if len(items) == 0 {
		b.WriteString("# nothing to report: no router or middleware of a dialect that reports (traefik)\n")
		return b.Bytes()
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
	fmt.Fprintf(&b, "# %s: %s\n", strings.Join(what, ", "), strings.Join(outcomes, ", "))
	for _, it := range items {
		fmt.Fprintf(&b, "\n%s %s %s (service %s): %s\n", it.Dialect, it.Kind, it.Name, it.Service, it.Outcome)
		if it.Detail != "" {
			fmt.Fprintf(&b, "    %s\n", it.Detail)
		}
		for _, d := range it.Notes {
			fmt.Fprintf(&b, "    - %s\n", d)
		}
	}
	return b.Bytes()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
