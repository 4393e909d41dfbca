package model

import (
	"cmp"
	"slices"
)

// A Reporter is a Dialect whose users migrate from another proxy
// (Traefik's routers and middlewares): besides filling the model, it says
// what became of each item its labels define, for --format report. A
// dialect opts in by implementing it; Build never calls it.
//
// Report is called once, after Build, on the Dialect that read the
// services (the one Prepare returned, for a Preparer), with Build's final
// diagnostics: a dialect that recorded its items' problems while claiming
// and applying may also attribute those the later passes reported
// (ownership, conflicts) by their Source.
type Reporter interface {
	Report(ds Diagnostics) []ReportItem
}

// ReportItem is one item of a dialect's labels and what became of it.
type ReportItem struct {
	Dialect string // the dialect's Table().Name: "traefik"
	Service string // the compose service whose labels define the item
	Kind    string // the dialect's word for it: "router", "middleware"
	Name    string
	// What the item is, for the reader: "Host(`a`) → web:8080",
	// "stripPrefix". May be empty.
	Detail  string
	Outcome Outcome
	// Notes are the problems that decide the outcome: the errors that
	// refuse it, the warnings that say how the conversion differs.
	Notes Diagnostics
}

// Outcome is what became of an item.
type Outcome string

const (
	// Converted: HAProxy does what the item asks.
	Converted Outcome = "converted"
	// Differs: converted, and the notes (warnings) say how HAProxy's
	// behaviour differs from the original proxy's.
	Differs Outcome = "converted with a difference"
	// Refused: not converted; the notes (errors) say why. Build fails.
	Refused Outcome = "refused"
	// LeftOut: left out on purpose by a label of compose2haproxy's.
	LeftOut Outcome = "left out"
	// Unused: defined, and used by nothing: nothing to convert.
	Unused Outcome = "unused"
	// NotReached: used only by items refused before it was read (a
	// middleware of routers whose rule is refused).
	NotReached Outcome = "not reached"
)

// OutcomeOf is the outcome notes give an item that was converted
// unless they say otherwise: refused by an error, differing by a warning.
func OutcomeOf(notes Diagnostics) Outcome {
	switch {
	case notes.HasErrors():
		return Refused
	case len(notes) > 0:
		return Differs
	}
	return Converted
}

// BuildReport is Build, and the reports of the dialects that are
// Reporters, sorted by dialect, service, kind and name.
func BuildReport(ps []Project, opts Options) (Config, Diagnostics, []ReportItem) {
	var dialects []Dialect
	cfg, ds := buildProjects(ps, opts, &dialects)
	var items []ReportItem
	for _, d := range dialects {
		if r, ok := d.(Reporter); ok {
			items = append(items, r.Report(ds)...)
		}
	}
	for i := range items {
		// Notes a dialect recorded while reading are Build's diagnostics
		// before they were located.
		locate(ps, items[i].Notes)
		items[i].Notes = items[i].Notes.Sort()
	}
	slices.SortStableFunc(items, func(a, b ReportItem) int {
		return cmp.Or(cmp.Compare(a.Dialect, b.Dialect), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	return cfg, ds, items
}

// Refuses reports whether an item of items is refused.
func Refuses(items []ReportItem) bool {
	return slices.ContainsFunc(items, func(it ReportItem) bool { return it.Outcome == Refused })
}
