package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Constraint is a parsed providers.docker.constraints expression.
// The zero-length expression matches every container, as in Traefik.
type Constraint struct {
	expr   string
	root   *cnode
	never  bool     // a constraint Traefik cannot evaluate matches nothing
	labels []string // what Labels returns, read for every container
}

type cop int

const (
	cLabel cop = iota
	cLabelRegex
	cAnd
	cOr
	cNot
)

type cnode struct {
	op          cop
	name, value string
	re          *regexp.Regexp
	a, b        *cnode
}

const (
	maxConstraintBytes = 4096
	maxConstraintDepth = 64
	maxConstraintCalls = 256
	maxRegexBytes      = 1024
)

// ParseConstraint parses Traefik's constraint language: Label(`name`,
// `value`), LabelRegex(`name`, `regexp`), combined with &&, ||, ! and
// parentheses; strings are Go literals ("…" or `…`), as Traefik's parser
// (vulcand/predicate, Go syntax) reads them. && binds tighter than ||.
//
// Unlike Traefik, an invalid regexp is an error here: Traefik accepts it
// and the LabelRegex never matches.
func ParseConstraint(expr string) (*Constraint, error) {
	if len(expr) > maxConstraintBytes {
		return nil, fmt.Errorf("constraint longer than %d bytes: %w", maxConstraintBytes, ErrLimit)
	}
	c := &Constraint{expr: expr}
	if strings.TrimSpace(expr) == "" {
		return c, nil
	}
	p := &cparser{s: expr}
	n, err := p.or(0)
	if err == nil {
		p.space()
		if p.i < len(p.s) {
			err = p.errf("unexpected %q", p.s[p.i:min(len(p.s), p.i+10)])
		}
	}
	if err != nil {
		return nil, err
	}
	c.root = n
	c.labels = labelsOf(n)
	return c, nil
}

// Labels are the names of the labels the expression reads (Label and
// LabelRegex), sorted, once each.
func (c *Constraint) Labels() []string {
	if c == nil {
		return nil
	}
	return c.labels
}

func labelsOf(root *cnode) []string {
	seen := map[string]bool{}
	var walk func(n *cnode)
	walk = func(n *cnode) {
		if n == nil {
			return
		}
		if n.op == cLabel || n.op == cLabelRegex {
			seen[n.name] = true
		}
		walk(n.a)
		walk(n.b)
	}
	walk(root)
	return slices.Sorted(maps.Keys(seen))
}

// String returns the expression as written.
func (c *Constraint) String() string { return c.expr }

// Match reports whether a container's labels satisfy the constraint.
// Label compares the label's value exactly (a missing label is ""), with
// the label name matched exactly; LabelRegex is an unanchored match.
func (c *Constraint) Match(labels map[string]string) bool {
	return c.MatchFunc(func(name string) string { return labels[name] })
}

// MatchFunc is Match with the labels read by label, which gives "" for a
// missing one.
func (c *Constraint) MatchFunc(label func(name string) string) bool {
	if c == nil {
		return true
	}
	if c.never {
		return false
	}
	if c.root == nil {
		return true
	}
	return c.root.eval(label)
}

func (n *cnode) eval(l func(string) string) bool {
	switch n.op {
	case cLabel:
		return l(n.name) == n.value
	case cLabelRegex:
		return n.re.MatchString(l(n.name))
	case cAnd:
		return n.a.eval(l) && n.b.eval(l)
	case cOr:
		return n.a.eval(l) || n.b.eval(l)
	}
	return !n.a.eval(l)
}

type cparser struct {
	s     string
	i     int
	calls int
}

func (p *cparser) errf(format string, args ...any) error {
	return fmt.Errorf("constraint at offset %d: %s: %w", p.i, fmt.Sprintf(format, args...), ErrSyntax)
}

func (p *cparser) space() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\r\n", rune(p.s[p.i])) {
		p.i++
	}
}

func (p *cparser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *cparser) or(depth int) (*cnode, error) {
	a, err := p.and(depth)
	for err == nil && p.eat("||") {
		var b *cnode
		if b, err = p.and(depth); err == nil {
			a = &cnode{op: cOr, a: a, b: b}
		}
	}
	return a, err
}

func (p *cparser) and(depth int) (*cnode, error) {
	a, err := p.unary(depth)
	for err == nil && p.eat("&&") {
		var b *cnode
		if b, err = p.unary(depth); err == nil {
			a = &cnode{op: cAnd, a: a, b: b}
		}
	}
	return a, err
}

func (p *cparser) unary(depth int) (*cnode, error) {
	if depth > maxConstraintDepth {
		return nil, fmt.Errorf("constraint nested deeper than %d: %w", maxConstraintDepth, ErrLimit)
	}
	if p.eat("!") {
		a, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &cnode{op: cNot, a: a}, nil
	}
	if p.eat("(") {
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, p.errf("missing )")
		}
		return n, nil
	}
	p.space()
	start := p.i
	for p.i < len(p.s) && (isIdent(p.s[p.i])) {
		p.i++
	}
	fn := p.s[start:p.i]
	if fn == "" {
		return nil, p.errf("want Label(…), LabelRegex(…), ! or (")
	}
	if fn != "Label" && fn != "LabelRegex" {
		p.i = start
		return nil, p.errf("unknown function %q: want Label or LabelRegex (case-sensitive)", fn)
	}
	if p.calls++; p.calls > maxConstraintCalls {
		return nil, fmt.Errorf("more than %d calls in a constraint: %w", maxConstraintCalls, ErrLimit)
	}
	if !p.eat("(") {
		return nil, p.errf("want ( after %s", fn)
	}
	name, err := p.str()
	if err != nil {
		return nil, err
	}
	if !p.eat(",") {
		return nil, p.errf("%s takes two strings", fn)
	}
	value, err := p.str()
	if err != nil {
		return nil, err
	}
	if !p.eat(")") {
		return nil, p.errf("%s takes two strings: missing )", fn)
	}
	n := &cnode{op: cLabel, name: name, value: value}
	if fn == "LabelRegex" {
		if len(value) > maxRegexBytes {
			return nil, fmt.Errorf("regexp longer than %d bytes: %w", maxRegexBytes, ErrLimit)
		}
		re, err := regexp.Compile(value)
		if err != nil {
			return nil, fmt.Errorf("LabelRegex(%q, %q): %v (Traefik would never match it): %w", name, value, err, ErrSyntax)
		}
		n.op, n.re = cLabelRegex, re
	}
	return n, nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// str reads a Go string literal: `raw` or "interpreted".
func (p *cparser) str() (string, error) {
	p.space()
	if p.i >= len(p.s) {
		return "", p.errf("want a string")
	}
	q := p.s[p.i]
	switch q {
	case '`':
		end := strings.IndexByte(p.s[p.i+1:], '`')
		if end < 0 {
			return "", p.errf("unterminated `string`")
		}
		v := p.s[p.i+1 : p.i+1+end]
		p.i += end + 2
		return v, nil
	case '"':
		for j := p.i + 1; j < len(p.s); j++ {
			switch p.s[j] {
			case '\\':
				j++
			case '"':
				v, err := strconv.Unquote(p.s[p.i : j+1])
				if err != nil {
					return "", p.errf("bad string %s", p.s[p.i:j+1])
				}
				p.i = j + 1
				return v, nil
			}
		}
		return "", p.errf("unterminated \"string\"")
	}
	return "", p.errf("want a string in ` or \" quotes")
}
