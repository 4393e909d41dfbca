package rule

import (
	"strconv"
	"strings"
)

// Node is a node of a parsed rule: *Binary, *Not or *Call.
type Node interface {
	Pos() int // byte offset of the node's first byte in the rule
	node()
}

// Op is a binary operator.
type Op int

const (
	And Op = iota + 1 // &&
	Or                // ||
)

func (o Op) String() string {
	if o == And {
		return "&&"
	}
	return "||"
}

// Binary is X && Y or X || Y.
type Binary struct {
	Op    Op
	X, Y  Node
	OpPos int
}

// Not is !X.
type Not struct {
	X      Node
	NotPos int
}

// Call is a matcher with its arguments, e.g. Host(`example.com`).
type Call struct {
	Name    string // canonical spelling, e.g. "PathPrefix", whatever case was written
	Written string // the name as written, e.g. "PATHPREFIX"
	NamePos int
	Args    []Arg
	End     int // offset just after the closing parenthesis
}

// Arg is a string argument of a matcher.
type Arg struct {
	Value string // unquoted
	Pos   int    // offset of the opening quote
}

func (b *Binary) Pos() int { return b.X.Pos() }
func (n *Not) Pos() int    { return n.NotPos }
func (c *Call) Pos() int   { return c.NamePos }

func (*Binary) node() {}
func (*Not) node()    {}
func (*Call) node()   {}

// String prints a rule that parses back to the same tree: canonical matcher
// names, ", " between arguments, backquotes where the value allows them,
// and only the parentheses the precedence of && over || requires.
func String(n Node) string {
	var b strings.Builder
	printNode(&b, n, 0)
	return b.String()
}

func (b *Binary) String() string { return String(b) }
func (n *Not) String() string    { return String(n) }
func (c *Call) String() string   { return String(c) }

// prec: 0 anywhere, 1 operand of ||, 2 operand of &&, 3 operand of !.
func printNode(b *strings.Builder, n Node, ctx int) {
	switch n := n.(type) {
	case *Binary:
		p := 1
		if n.Op == And {
			p = 2
		}
		paren := ctx > p
		if paren {
			b.WriteByte('(')
		}
		printNode(b, n.X, p)
		b.WriteString(" " + n.Op.String() + " ")
		printNode(b, n.Y, p+1) // a right operand of the same operator needs parentheses
		if paren {
			b.WriteByte(')')
		}
	case *Not:
		b.WriteByte('!')
		printNode(b, n.X, 3)
	case *Call:
		b.WriteString(n.Name)
		b.WriteByte('(')
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quote(a.Value))
		}
		b.WriteByte(')')
	}
}

// quote writes v as a Go string literal: raw when possible (Go drops
// carriage returns from raw strings), interpreted otherwise.
func quote(v string) string {
	if strconv.CanBackquote(v) {
		return "`" + v + "`"
	}
	return strconv.Quote(v)
}
