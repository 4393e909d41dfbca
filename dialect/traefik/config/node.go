package config

import (
	"sort"
	"strings"
	"time"
)

// Node is one checked value of a configuration tree. Sections and named
// entries have Children; leaves have a parsed value. Every method is safe on a
// nil *Node and then returns the zero value, so callers can write
// r.Priority.Int() for a router that sets no priority.
type Node struct {
	// Name is the schema's spelling for a field ("entryPoints"), and the
	// spelling as written for a named entry (a router's or a header's name;
	// Traefik keeps the first spelling in byte order when several differ in case).
	Name string
	// Raw is the value as written; for an item of an indexed list, empty.
	Raw string
	// Origin is where the value was written, for messages only.
	Origin Origin
	// Children in a stable order: fields and entries by name, items by index.
	Children []*Node

	kind    grammar
	boolean bool
	integer int64
	dur     time.Duration
	list    []string
}

// Set reports whether the value was given.
func (n *Node) Set() bool { return n != nil }

// String returns the value as written (after Traefik's trimming of list items).
func (n *Node) String() string {
	if n == nil {
		return ""
	}
	return n.Raw
}

// Bool returns a boolean value; an enabled section (allowEmpty) is true.
func (n *Node) Bool() bool {
	if n == nil {
		return false
	}
	if n.kind == gSection {
		return true
	}
	return n.boolean
}

// Int returns an integer value, or a port's number.
func (n *Node) Int() int64 {
	if n == nil {
		return 0
	}
	return n.integer
}

// Duration returns a duration (an integer is seconds, as in Traefik).
func (n *Node) Duration() time.Duration {
	if n == nil {
		return 0
	}
	return n.dur
}

// List returns a list's items: a comma-separated value split and trimmed
// where Traefik splits it, or a file's sequence.
func (n *Node) List() []string {
	if n == nil {
		return nil
	}
	return n.list
}

// Child returns the child named name, compared case-insensitively as Traefik does.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// Lookup follows a dotted path of child names ("ipStrategy.depth").
func (n *Node) Lookup(path string) *Node {
	for n != nil {
		name, rest, more := strings.Cut(path, ".")
		n = n.Child(name)
		if !more {
			break
		}
		path = rest
	}
	return n
}

// Pairs returns a string map's entries (custom headers, health-check
// headers) in name order, names as written.
func (n *Node) Pairs() [][2]string {
	if n == nil {
		return nil
	}
	out := make([][2]string, 0, len(n.Children))
	for _, c := range n.Children {
		out = append(out, [2]string{c.Name, c.Raw})
	}
	return out
}

// Walk calls fn for n and every node below it, depth first.
func (n *Node) Walk(fn func(*Node)) {
	if n == nil {
		return
	}
	fn(n)
	for _, c := range n.Children {
		c.Walk(fn)
	}
}

// synth makes a value that Traefik's defaults supply.
func synth(name, value, why string) *Node {
	return &Node{Name: name, Raw: value, kind: gString, Origin: Origin{Source: "default", Key: why}}
}

func sortStrings(s []string) { sort.Strings(s) }

// Entries returns n's children; nil for a nil node.
func (n *Node) Entries() []*Node {
	if n == nil {
		return nil
	}
	return n.Children
}
