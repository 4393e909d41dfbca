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
	// File and Line are where Service's Key was set, as Service.Positions
	// say (Build fills them in, see locate): the compose file, env_file or
	// label_file, relative to the project directory. Empty, and Line 0,
	// when unknown or when Key is no label or variable (an option, a
	// compose attribute).
	File string
	Line int
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
	// From is the Source's From: which of the service's layers Key was
	// read from, which decides its File and Line. It is not printed.
	From string
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

// String formats d as "SEVERITY: FILE:LINE: SERVICE: KEY=VALUE: message
// (fix)", each part only when d has it. Values with characters that would
// garble a terminal (and such keys, service and file names) are quoted;
// options keep the model's names (see Spell).
func (d Diagnostic) String() string {
	if strings.Contains(d.Message+d.Fix, refStart) {
		// Once: a label's own \x01, which no option reference closes,
		// stays as it is (it recursed until the stack overflowed).
		d = d.Spell(func(o Option) string { return string(o) })
	}
	var b strings.Builder
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	if d.File != "" {
		b.WriteString(Printable(d.File))
		if d.Line > 0 {
			b.WriteString(":" + strconv.Itoa(d.Line))
		}
		b.WriteString(": ")
	}
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

// Sort orders diagnostics by service, key, value and message (then by
// every other field, so that the order never depends on the order found),
// and drops repeats of a line, so the same input always reports the same
// lines.
func (ds Diagnostics) Sort() Diagnostics {
	slices.SortFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Project, b.Project), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Key, b.Key),
			cmp.Compare(a.Value, b.Value), cmp.Compare(a.Message, b.Message), cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Fix, b.Fix),
			compareBool(a.Option, b.Option), cmp.Compare(a.From, b.From))
	})
	// From is last in the order: two that differ only there print the
	// same line, and one is dropped.
	return slices.CompactFunc(ds, func(a, b Diagnostic) bool {
		a.From, b.From = "", ""
		return a == b
	})
}

// locate fills in the File and Line of each diagnostic about a key a
// service of ps sets, from the service's Positions: one pass at the end of
// Build, so that no check needs to know where a label was written. With
// several projects, a diagnostic's Project says whose service it names.
func locate(ps []Project, ds Diagnostics) {
	type name struct{ project, service string }
	services := map[name]*Service{}
	for i := range ps {
		project := ""
		if len(ps) > 1 {
			project = ps[i].Name
		}
		for j := range ps[i].Services {
			if svc := &ps[i].Services[j]; svc.Positions != nil {
				services[name{project, svc.Name}] = svc
			}
		}
	}
	if len(services) == 0 {
		return
	}
	for i := range ds {
		d := &ds[i]
		if d.Key == "" || d.File != "" || d.Option {
			continue
		}
		if svc := services[name{d.Project, d.Service}]; svc != nil {
			if pos, ok := svc.positionOf(d.From, d.Key); ok {
				d.File, d.Line = pos.File, pos.Line
			}
		}
	}
}

// Position is where a label or environment variable was set.
type Position struct {
	// File is the compose file, env_file or label_file, relative to the
	// project directory when inside it, else absolute; "-" is standard
	// input.
	File string
	Line int // from 1; 0 when unknown
}

// positionOf is where svc set key, read from the layer from names; for
// any other source but compose's own attributes, from the layer that
// sets key first (a Source made without From, a dialect's own name for a
// label it read).
func (svc *Service) positionOf(from, key string) (Position, bool) {
	if from == "compose" || from == "option" {
		return Position{}, false
	}
	layers := svc.layers()
	named := slices.ContainsFunc(layers[:], func(l layer) bool { return l.from == from })
	for _, l := range layers {
		if named && l.from != from {
			continue
		}
		if _, set := l.m[key]; set {
			pos, ok := svc.Positions[l.from][key]
			return pos, ok
		}
	}
	return Position{}, false
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
	*ds = append(*ds, Diagnostic{Severity: sev, Project: src.Project, Service: src.Service, Key: src.Key, Value: cmp.Or(src.shown, src.Value),
		Message: fmt.Sprintf(msg, args...), Fix: fix, Option: src.From == "option", From: src.From})
}

func (ds *Diagnostics) Errorf(src Source, fix, msg string, args ...any) {
	ds.add(Error, src, msg, fix, args...)
}

func (ds *Diagnostics) Warnf(src Source, fix, msg string, args ...any) {
	ds.add(Warning, src, msg, fix, args...)
}
