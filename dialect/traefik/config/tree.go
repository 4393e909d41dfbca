package config

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Caps that bound the time and memory any input costs.
const (
	maxKeys       = 4096     // labels, flags or variables in one input
	maxKeyLen     = 1024     // bytes in one key
	maxValueLen   = 64 << 10 // bytes in one value
	maxInputBytes = 4 << 20  // bytes of keys and values, or of one file
	maxDepth      = 24       // segments in one key, or nesting in a file
	maxIndex      = 999      // largest [n]
	maxListItems  = 1000     // items in one list
	maxFileNodes  = 200000   // YAML/TOML values in one file
	maxDuration   = 10000 * time.Hour
)

// raw is the untyped tree built from flat keys or a file, before the schema
// check. Names merge case-insensitively; the first spelling in byte order
// wins, as in paerser.
type raw struct {
	name     string
	origin   Origin
	value    string
	hasValue bool
	seq      []string // a file's sequence of scalars
	isSeq    bool
	children []*raw
}

func (r *raw) child(name string) *raw {
	for _, c := range r.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

func (r *raw) add(name string, a *rawArena) *raw {
	if c := r.child(name); c != nil {
		return c
	}
	c := a.new(name)
	r.children = append(r.children, c)
	return c
}

// rawArena hands out raws from chunks, the first one sized by its user: a
// container's labels make dozens of them, which one allocation each made a
// tenth of decoding's.
type rawArena struct{ buf []raw }

func (a *rawArena) new(name string) *raw {
	if len(a.buf) == cap(a.buf) {
		a.buf = make([]raw, 0, max(32, 2*cap(a.buf)))
	}
	a.buf = append(a.buf, raw{name: name})
	return &a.buf[len(a.buf)-1]
}

// splitKey splits a flat key into segments as paerser does: dots separate,
// "domains[0]" is "domains" then "[0]". The message is empty when the key is
// well formed.
func splitKey(key string) ([]string, string) {
	parts := make([]string, 0, strings.Count(key, ".")+2)
	for rest, more := key, true; more; {
		var s string
		s, rest, more = strings.Cut(rest, ".")
		switch {
		case s == "":
			return nil, "empty segment in key"
		case s[0] == '[':
			return nil, "a segment cannot start with '[' (brackets index a list: domains[0])"
		case strings.HasSuffix(s, "]"):
			i := strings.Index(s, "[")
			if i < 0 {
				return nil, "unbalanced ']' in key"
			}
			idx := s[i+1 : len(s)-1]
			if n, err := strconv.Atoi(idx); err != nil || n < 0 || n > maxIndex || strconv.Itoa(n) != idx {
				return nil, fmt.Sprintf("list index %q: want 0 to %d", idx, maxIndex)
			}
			parts = append(parts, s[:i], "["+idx+"]")
		default:
			parts = append(parts, s)
		}
	}
	if len(parts) > maxDepth {
		return nil, "too many segments in key"
	}
	return parts, ""
}

// flat is one key=value pair of labels, flags or variables.
type flat struct {
	path   []string // after the root
	value  string
	origin Origin
}

// buildFlat builds the raw tree from pairs sorted by their original key, so
// that the first spelling of a name and the last value of a key win as in
// Traefik. A later pair for the same key replaces the value: reported.
// It returns the root and how many raws are below it.
func buildFlat(pairs []flat, ds *Diagnostics) (*raw, int) {
	slices.SortStableFunc(pairs, func(a, b flat) int { return strings.Compare(a.origin.Key, b.origin.Key) })
	root := &raw{}
	// As many raws as there are paths' prefixes at most: a sorted key
	// shares its first segments with the key before it or with none.
	n := 0
	for i, p := range pairs {
		shared := 0
		if i > 0 {
			prev := pairs[i-1].path
			for shared < min(len(prev), len(p.path)) && prev[shared] == p.path[shared] {
				shared++
			}
		}
		n += len(p.path) - shared
	}
	a := rawArena{buf: make([]raw, 0, n)}
	for _, p := range pairs {
		r := root
		for _, s := range p.path {
			r = r.add(s, &a)
		}
		if r.hasValue && r.origin.Key != p.origin.Key && r.origin.Source == p.origin.Source {
			ds.add(Warning, r.origin, r.value, "%s sets the same key (keys are case-insensitive); Traefik keeps the later value %q", p.origin.Key, p.value)
		}
		r.value, r.hasValue, r.origin = p.value, true, p.origin
	}
	return root, len(a.buf)
}

// check validates r against f and returns the typed node, or nil when the
// value is refused or disabled; every refusal is a diagnostic.
func check(r *raw, f *field, src source, at Origin, ds *Diagnostics, na *nodeArena) *Node {
	o := firstOrigin(r, at)
	n := na.new(Node{Name: r.name, Raw: r.value, Origin: o, kind: f.g})
	switch f.g {
	case gSection:
		if r.hasValue && len(r.children) == 0 && !f.allowEmpty {
			ds.add(Error, o, r.value, "%s is a section, not a value: set one of its keys (%s)", f.name, strings.Join(fieldNames(f, src), ", "))
			return nil
		}
		if r.hasValue && f.allowEmpty && r.value != "" && !strings.EqualFold(r.value, "true") {
			if len(r.children) > 0 {
				ds.add(Warning, o, r.value, "a value other than true disables %s in Traefik, and its %d other key(s) with it", f.name, len(r.children))
			}
			return nil
		}
		if r.hasValue && !f.allowEmpty && r.value != "" {
			ds.add(Warning, o, r.value, "%s is a section: Traefik ignores this value", f.name)
		}
		for _, c := range r.children {
			cf := f.lookupField(c.name, src)
			if cf == nil {
				unknown(c, f, src, o, ds, n.Name)
				continue
			}
			c.name = cf.name
			if cn := check(c, cf, src, o, ds, na); cn != nil {
				n.Children = append(n.Children, cn)
			}
		}
		sortByName(n.Children)
	case gMap, gStringMap:
		if len(r.children) == 0 {
			if r.hasValue {
				ds.add(Error, o, r.value, "%s needs a name below it (%s.<name>...)", f.name, f.name)
			}
			return nil
		}
		for _, c := range r.children {
			if strings.HasPrefix(c.name, "[") {
				ds.add(Error, originOf(c, o), c.value, "%s takes names, not list indexes", f.name)
				continue
			}
			var cn *Node
			if f.g == gStringMap {
				cn = checkString(c, o, ds, na)
			} else {
				cn = check(c, f.elem, src, o, ds, na)
			}
			if cn != nil {
				n.Children = append(n.Children, cn)
			}
		}
		sortByName(n.Children)
	case gItems:
		for _, c := range r.children {
			if !strings.HasPrefix(c.name, "[") {
				ds.add(Error, originOf(c, o), c.value, "%s is a list: write %s[0].%s", f.name, f.name, c.name)
				continue
			}
			if cn := check(c, f.elem, src, o, ds, na); cn != nil {
				n.Children = append(n.Children, cn)
			}
		}
		slices.SortStableFunc(n.Children, func(a, b *Node) int { return cmp.Compare(index(a.Name), index(b.Name)) })
		if len(n.Children) == 0 {
			if r.hasValue {
				ds.add(Error, o, r.value, "%s is a list of sections: write %s[0].<key>", f.name, f.name)
			}
			return nil
		}
	case gOpaque:
		return opaqueNode(r, o)
	default:
		if len(r.children) > 0 {
			ds.add(Error, originOf(r.children[0], o), r.children[0].value, "%s is a value, not a section: nothing goes below it", f.name)
			return nil
		}
		if msg := parseLeaf(f, n, r.seq, r.isSeq); msg != "" {
			ds.add(Error, o, r.value, "%s", msg)
			return nil
		}
	}
	return n
}

func checkString(r *raw, at Origin, ds *Diagnostics, na *nodeArena) *Node {
	o := originOf(r, at)
	if len(r.children) > 0 {
		ds.add(Error, originOf(r.children[0], o), r.children[0].value, "%s is a value, not a section", r.name)
		return nil
	}
	return na.new(Node{Name: r.name, Raw: r.value, Origin: o, kind: gString})
}

// nodeArena hands out the Nodes of one check from chunks, as rawArena the
// raws; check makes at most one Node a raw.
type nodeArena struct{ buf []Node }

func (a *nodeArena) new(n Node) *Node {
	if len(a.buf) == cap(a.buf) {
		a.buf = make([]Node, 0, max(32, 2*cap(a.buf)))
	}
	a.buf = append(a.buf, n)
	return &a.buf[len(a.buf)-1]
}

func opaqueNode(r *raw, at Origin) *Node {
	n := &Node{Name: r.name, Raw: r.value, Origin: originOf(r, at), kind: gOpaque, list: r.seq}
	for _, c := range r.children {
		n.Children = append(n.Children, opaqueNode(c, n.Origin))
	}
	return n
}

func originOf(r *raw, at Origin) Origin {
	if r.origin.Key != "" {
		return r.origin
	}
	return at
}

// unknown reports a key the schema does not have, with a near miss.
func unknown(r *raw, f *field, src source, at Origin, ds *Diagnostics, parent string) {
	o := firstOrigin(r, at)
	where := f.name
	if where == "" {
		where = parent
	}
	msg := fmt.Sprintf("unknown key %q under %s", r.name, orRoot(where))
	if f.name == "" && src == srcLabel && v1Labels[strings.ToLower(r.name)] {
		ds.add(Error, o, firstValue(r), "%q is a Traefik v1 label: Traefik v2 and v3 ignore it; write traefik.http.routers.<name>.* and traefik.http.services.<name>.*", r.name)
		return
	}
	if f.name == "" && parent == "" && o.Source == "label" {
		// Traefik decodes only traefik.http, .tcp, .udp and .tls, and
		// reads traefik.enable, .docker and .swarm: it skips any other
		// label without a word (its constraints may read it).
		if s := suggest(r.name, fieldNames(f, src)); s != "" {
			ds.add(Error, o, firstValue(r), "%s; did you mean %q? Traefik ignores this label, so it has no effect", msg, s)
			return
		}
		ds.add(Warning, o, firstValue(r), "Traefik reads only the labels traefik.enable, traefik.http.*, traefik.tcp.*, traefik.udp.*, traefik.tls.*, traefik.docker.* and traefik.swarm.* (and those its constraints name): it ignores this one")
		return
	}
	if s := suggest(r.name, fieldNames(f, src)); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else if names := fieldNames(f, src); len(names) <= 12 {
		msg += " (known: " + strings.Join(names, ", ") + ")"
	}
	ds.add(Error, o, firstValue(r), "%s", msg)
}

func orRoot(s string) string {
	if s == "" {
		return "the root"
	}
	return s
}

// firstOrigin finds a key written below r, so that a message about a
// section names a label that exists.
func firstOrigin(r *raw, at Origin) Origin {
	if r.origin.Key != "" {
		return r.origin
	}
	for _, c := range r.children {
		if o := firstOrigin(c, Origin{}); o.Key != "" {
			return o
		}
	}
	return at
}

func firstValue(r *raw) string {
	if r.hasValue || len(r.children) == 0 {
		return r.value
	}
	return firstValue(r.children[0])
}

func sortByName(ns []*Node) {
	slices.SortStableFunc(ns, func(a, b *Node) int { return strings.Compare(a.Name, b.Name) })
}

func index(name string) int {
	n, _ := strconv.Atoi(strings.Trim(name, "[]"))
	return n
}

// v1Labels are Traefik v1's top-level label names, common in old stacks.
var v1Labels = map[string]bool{
	"frontend": true, "backend": true, "port": true, "protocol": true, "weight": true,
	"tags": true, "domain": true, "webservice": true,
}
