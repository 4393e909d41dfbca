package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Severity orders diagnostics: an Error means Traefik would refuse (or this
// package cannot read) the value; a Warning is read but probably not what was
// meant; a Note explains a Traefik behaviour the caller may want to show.
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
	// ErrLimit: an input exceeds one of this package's caps (size, count, depth).
	ErrLimit = errors.New("input too large")
	// ErrSyntax: an expression or file does not parse.
	ErrSyntax = errors.New("syntax error")
)

// Origin says where a value was written. It is for messages only.
type Origin struct {
	Source string // "label", "flag", "env", "default", or the file's name
	Key    string // the key as written: label key, flag, variable, or dotted path in a file
	Line   int    // 1-based line in the file; 0 when the decoder does not say
}

func (o Origin) String() string {
	switch {
	case o.Line > 0:
		return fmt.Sprintf("%s:%d: %s", o.Source, o.Line, o.Key)
	case o.Source == "label" || o.Source == "":
		return o.Key
	}
	return o.Source + ": " + o.Key
}

// Diagnostic is one problem, reported with all the others.
type Diagnostic struct {
	Severity Severity
	Origin   Origin // Key is the label, flag, variable or file path
	Value    string
	Message  string // what is wrong, and the way out when there is one
}

func (d Diagnostic) String() string {
	if d.Value != "" {
		return fmt.Sprintf("%s: %s=%q: %s", d.Severity, d.Origin, d.Value, d.Message)
	}
	return fmt.Sprintf("%s: %s: %s", d.Severity, d.Origin, d.Message)
}

// Diagnostics is sorted by Sort: by source, line, key, then message.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Sort orders ds so that reports are stable whatever map order produced them.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Origin.Source, b.Origin.Source),
			cmp.Compare(a.Origin.Line, b.Origin.Line),
			cmp.Compare(a.Origin.Key, b.Origin.Key),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

func (ds *Diagnostics) add(sev Severity, o Origin, value, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Severity: sev, Origin: o, Value: value, Message: fmt.Sprintf(format, args...)})
}
