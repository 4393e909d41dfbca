package vars

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/compose2haproxy/compose2haproxy/internal/spelling"
	"slices"
	"strings"
)

// Severity orders diagnostics: an Error means nginx-proxy would not do what
// the value says, or HAProxy cannot do exactly what nginx-proxy does; a
// Warning is read but probably not what was meant; a Note explains an
// nginx-proxy behaviour the caller may want to show.
type Severity int

const (
	Note Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// Sentinel categories, wrapped by the errors this package returns.
var (
	// ErrLimit: an input exceeds one of this package's caps.
	ErrLimit = errors.New("input too large")
)

// Origin says where a value was written. It is for messages only: no
// decision in this package depends on it.
type Origin struct {
	// Source is "env", "label", "file" (a mounted file, Key is its path
	// in the proxy container), or "default" (nginx-proxy's default; Key
	// names the variable it stands for).
	Source string
	// Key is the variable or label as written; for VIRTUAL_HOST_MULTIPORTS
	// it is followed by the YAML path, "VIRTUAL_HOST_MULTIPORTS[a.example][/api].port".
	Key string
	// Line is the 1-based line in a multiports value or a file; 0 when unknown.
	Line int
}

func (o Origin) String() string {
	if o.Line > 0 {
		return fmt.Sprintf("%s:%d", o.Key, o.Line)
	}
	return o.Key
}

// Val is a decoded value and where it came from. The zero Val is unset.
type Val[T any] struct {
	V      T
	Origin Origin
}

// Set reports whether the value was written (or defaulted) at all.
func (v Val[T]) Set() bool { return v.Origin.Source != "" }

func envVal[T any](key string, v T) Val[T] {
	return Val[T]{V: v, Origin: Origin{Source: "env", Key: key}}
}

func defVal[T any](key string, v T) Val[T] {
	return Val[T]{V: v, Origin: Origin{Source: "default", Key: key}}
}

// Diagnostic is one problem, reported with all the others.
type Diagnostic struct {
	Severity Severity
	Origin   Origin
	Value    string
	Message  string // what is wrong, and the way out when there is one
}

func (d Diagnostic) String() string {
	if d.Value != "" {
		return fmt.Sprintf("%s: %s=%q: %s", d.Severity, d.Origin, d.Value, d.Message)
	}
	return fmt.Sprintf("%s: %s: %s", d.Severity, d.Origin, d.Message)
}

// Diagnostics is sorted by Sort: by key, line, then message.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Sort orders ds so that reports are stable whatever map order produced them.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Origin.Key, b.Origin.Key),
			cmp.Compare(a.Origin.Line, b.Origin.Line),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Value, b.Value),
		)
	})
}

func (ds *Diagnostics) add(sev Severity, o Origin, value, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Severity: sev, Origin: o, Value: value, Message: fmt.Sprintf(format, args...)})
}

// suggest returns the candidate closest to name when it is close enough to
// be a typo, for "did you mean" messages.
func suggest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	ln := strings.ToUpper(name)
	limit := max(2, len(name)/4)
	for _, c := range candidates {
		lc := strings.ToUpper(c)
		prefix := len(ln) > 3 && (strings.HasPrefix(lc, ln) || strings.HasPrefix(ln, lc))
		if !prefix && max(len(ln)-len(lc), len(lc)-len(ln)) > limit {
			// The distance is at least the difference of the lengths: too
			// far to be suggested, and every variable of every service is
			// asked (a quarter of a large project's Build).
			continue
		}
		d := spelling.Distance(ln, lc)
		if prefix {
			d = min(d, 2)
		}
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > limit {
		return ""
	}
	return best
}
