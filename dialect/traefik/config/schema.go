package config

import (
	"github.com/compose2haproxy/compose2haproxy/internal/spelling"
	"slices"
	"strconv"
	"strings"
	"time"
)

// grammar is what a key accepts. The tables in tables_*.go are the single
// place where each key's grammar and documentation live.
type grammar int

const (
	gString    grammar = iota
	gBool              // strconv.ParseBool, as Traefik
	gInt               // decimal integer
	gDuration          // Traefik's: an integer is seconds, else time.ParseDuration
	gPort              // 1 to 65535
	gList              // comma-separated where Traefik splits, or a file's sequence
	gEnum              // one of enum, case-insensitively
	gSection           // fixed fields
	gMap               // named entries (routers, services, entry points)
	gItems             // indexed list: domains[0].main
	gStringMap         // names to strings (custom headers)
	gOpaque            // kept as written, not interpreted
)

// Source restricts a field to labels or files: Traefik spells a service's
// server "server" in labels and "servers" (a list) in files.
type source int

const (
	srcAny source = iota
	srcLabel
	srcFile
)

type field struct {
	name       string
	g          grammar
	doc        string
	fields     []*field // gSection
	elem       *field   // gMap, gItems
	enum       []string // gEnum
	allowEmpty bool     // a section enabled by "true" alone, disabled by another value
	only       source
}

func sec(name, doc string, fs ...*field) *field {
	return &field{name: name, g: gSection, doc: doc, fields: fs}
}
func str(name, doc string) *field     { return &field{name: name, g: gString, doc: doc} }
func boolean(name, doc string) *field { return &field{name: name, g: gBool, doc: doc} }
func integer(name, doc string) *field { return &field{name: name, g: gInt, doc: doc} }
func dur(name, doc string) *field     { return &field{name: name, g: gDuration, doc: doc} }
func port(name, doc string) *field    { return &field{name: name, g: gPort, doc: doc} }
func list(name, doc string) *field    { return &field{name: name, g: gList, doc: doc} }
func strMap(name, doc string) *field  { return &field{name: name, g: gStringMap, doc: doc} }
func opaque(name, doc string) *field  { return &field{name: name, g: gOpaque, doc: doc} }
func enum(name, doc string, values ...string) *field {
	return &field{name: name, g: gEnum, doc: doc, enum: values}
}
func mapOf(name, doc string, elem *field) *field {
	return &field{name: name, g: gMap, doc: doc, elem: elem}
}
func items(name, doc string, elem *field) *field {
	return &field{name: name, g: gItems, doc: doc, elem: elem}
}
func (f *field) empty() *field     { f.allowEmpty = true; return f }
func (f *field) labelOnly() *field { f.only = srcLabel; return f }
func (f *field) fileOnly() *field  { f.only = srcFile; return f }

// lookupField finds a field case-insensitively, as paerser's metadata pass does.
func (f *field) lookupField(name string, src source) *field {
	for _, c := range f.fields {
		if (c.only == srcAny || c.only == src) && strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// parseLeaf checks a value against its grammar and fills n. The message
// says what the grammar wants.
func parseLeaf(f *field, n *Node, seq []string, isSeq bool) string {
	v := n.Raw
	n.kind = f.g
	switch f.g {
	case gString, gOpaque:
		return ""
	case gBool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "want true or false"
		}
		n.boolean = b
	case gInt:
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "want a decimal integer"
		}
		n.integer = i
	case gDuration:
		if i, err := strconv.ParseInt(v, 10, 64); err == nil {
			if i < 0 || i > int64(maxDuration/time.Second) {
				return "want a duration between 0 and 10000h"
			}
			n.dur = time.Duration(i) * time.Second
			return ""
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return "want a duration: seconds as an integer, or Go's form (10s, 1m30s, 500ms)"
		}
		if d < 0 || d > maxDuration {
			return "want a duration between 0 and 10000h"
		}
		n.dur = d
	case gPort:
		p, err := strconv.ParseUint(v, 10, 16)
		if err != nil || p == 0 {
			return "want a port number from 1 to 65535"
		}
		n.integer = int64(p)
	case gEnum:
		i := slices.IndexFunc(f.enum, func(e string) bool { return strings.EqualFold(e, v) })
		if i < 0 {
			return "want one of " + strings.Join(f.enum, ", ")
		}
		n.Raw = f.enum[i]
	case gList:
		if isSeq {
			n.list = slices.Clone(seq)
			n.Raw = strings.Join(seq, ",")
		} else if v != "" {
			// Traefik splits on commas and trims spaces; it keeps empty items,
			// which then name nothing: refused here.
			for _, it := range strings.Split(v, ",") {
				it = strings.TrimSpace(it)
				if it == "" {
					return "empty item in a comma-separated list"
				}
				n.list = append(n.list, it)
			}
		}
		if len(n.list) > maxListItems {
			return "too many items (at most " + strconv.Itoa(maxListItems) + ")"
		}
	}
	return ""
}

// suggest returns the candidate closest to name when it is close enough to
// be a typo, for "did you mean" messages.
func suggest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	ln := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := spelling.Distance(ln, lc)
		if strings.HasPrefix(lc, ln) || strings.HasPrefix(ln, lc) {
			d = min(d, 2)
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(2, len(name)/3) {
		return ""
	}
	return best
}

func fieldNames(f *field, src source) []string {
	var out []string
	for _, c := range f.fields {
		if c.only == srcAny || c.only == src {
			out = append(out, c.name)
		}
	}
	return out
}
