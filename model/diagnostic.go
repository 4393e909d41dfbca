package model

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Severity says whether a Diagnostic stops the run.
type Severity int

const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Diagnostic is one problem with the input, naming where it is.
type Diagnostic struct {
	Severity Severity
	// Project is the compose project of Service when a run builds several
	// projects; empty for one. It is printed as PROJECT/SERVICE.
	Project string
	Service string // compose service; empty for flags
	Key     string // label, environment key or flag
	Value   string
	Message string // what is wrong
	Fix     string // how to fix it; may be empty
	// Option: Key names one of Options' settings (an Option), not a label:
	// the front end's usage, not the compose project, is wrong.
	Option bool
}

// Spell returns d with the options it names, as its Key or in its message
// and fix, spelled by spell: the CLI turns OptionCerts into "--tls".
func (d Diagnostic) Spell(spell func(Option) string) Diagnostic {
	if d.Option {
		d.Key = spell(Option(d.Key))
	}
	d.Message, d.Fix = SpellRefs(d.Message, spell), SpellRefs(d.Fix, spell)
	return d
}

// String formats d as "SERVICE: KEY=VALUE: message (fix)". Values with
// characters that would garble a terminal (and such keys and service
// names) are quoted; options keep the
// model's names (see Spell).
func (d Diagnostic) String() string {
	if strings.Contains(d.Message+d.Fix, refStart) {
		// Once: a label's own \x01, which no option reference closes,
		// stays as it is (it recursed until the stack overflowed).
		d = d.Spell(func(o Option) string { return string(o) })
	}
	var b strings.Builder
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	switch {
	case d.Project != "" && d.Service != "":
		b.WriteString(Printable(d.Project + "/" + d.Service))
		b.WriteString(": ")
	case d.Project != "":
		b.WriteString("project " + Printable(d.Project))
		b.WriteString(": ")
	case d.Service != "":
		b.WriteString(Printable(d.Service))
		b.WriteString(": ")
	}
	if d.Key != "" {
		b.WriteString(Printable(d.Key)) // a label's name is the author's too
		b.WriteString("=")
		b.WriteString(Printable(d.Value))
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	if d.Fix != "" {
		b.WriteString(" (")
		b.WriteString(d.Fix)
		b.WriteString(")")
	}
	return b.String()
}

// printable is s for a message: quoted when it would garble a terminal,
// and shortened when long, so that a huge value costs one short line.
func Printable(s string) string {
	s = shorten(s)
	if !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == '"' {
			return strconv.Quote(s)
		}
	}
	return s
}

// Diagnostics is a list of problems, reported together.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// BadOption reports whether an error is in an option's value rather than
// in the compose project: the CLI exits with its usage code then.
func (ds Diagnostics) BadOption() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error && d.Option })
}

// Sort orders diagnostics by service, key, value and message, and drops
// exact repeats, so the same input always reports the same lines.
func (ds Diagnostics) Sort() Diagnostics {
	slices.SortFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Project, b.Project), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Key, b.Key),
			cmp.Compare(a.Value, b.Value), cmp.Compare(a.Message, b.Message), cmp.Compare(a.Severity, b.Severity))
	})
	return slices.Compact(ds)
}

// Strict turns every warning into an error (--strict).
func (ds Diagnostics) Strict() Diagnostics {
	out := slices.Clone(ds)
	for i := range out {
		out[i].Severity = Error
	}
	return out
}

func (ds *Diagnostics) add(sev Severity, src Source, msg, fix string, args ...any) {
	*ds = append(*ds, Diagnostic{Severity: sev, Project: src.Project, Service: src.Service, Key: src.Key, Value: src.Value,
		Message: fmt.Sprintf(msg, args...), Fix: fix, Option: src.From == "option"})
}

func (ds *Diagnostics) Errorf(src Source, fix, msg string, args ...any) {
	ds.add(Error, src, msg, fix, args...)
}

func (ds *Diagnostics) Warnf(src Source, fix, msg string, args ...any) {
	ds.add(Warning, src, msg, fix, args...)
}
