package rule

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits that bound the time and memory any input costs.
const (
	MaxRuleLen      = 4096 // bytes of rule text
	MaxDepth        = 64   // nesting of parentheses and !
	MaxConjunctions = 64   // branches after distributing && over ||
	MaxRegexpLen    = 1024 // bytes of one regular expression, as Traefik compiles it
)

// Syntax is Traefik's rule syntax version.
type Syntax string

const (
	// SyntaxAuto (the zero value) reads a rule as v3, Traefik v3's default,
	// and as v2 when it is valid only in v2 or uses v2's {name:regexp}
	// placeholders (see Parse).
	SyntaxAuto Syntax = ""
	SyntaxV2   Syntax = "v2"
	SyntaxV3   Syntax = "v3"
)

// Kind says which router a rule belongs to.
type Kind int

const (
	HTTP Kind = iota // traefik.http.routers.*.rule (the zero value)
	TCP              // traefik.tcp.routers.*.rule
)

func (k Kind) String() string {
	if k == TCP {
		return "TCP"
	}
	return "HTTP"
}

// Options say how to read a rule. The zero value reads an HTTP rule in
// Traefik v3's syntax with the v2 fallback.
type Options struct {
	Syntax Syntax // SyntaxAuto (zero), SyntaxV2 or SyntaxV3
	Kind   Kind   // HTTP (zero) or TCP
}

// Rule is a parsed router rule.
type Rule struct {
	Text   string // the rule as given
	Syntax Syntax // the syntax it was read with: SyntaxV2 or SyntaxV3, never SyntaxAuto
	Kind   Kind
	Root   Node
	// Why says why SyntaxAuto chose v2 (empty otherwise).
	Why string
}

func (r *Rule) String() string { return String(r.Root) }

// DefaultPriority is the priority Traefik gives the router when its
// priority label is unset or 0: the length of the rule in bytes (v2 and v3
// alike). A TCP rule that is exactly HostSNI(`*`) gets -1, so it is tried last.
func (r *Rule) DefaultPriority() int {
	if r.Kind == TCP {
		if c, ok := r.Root.(*Call); ok && c.Name == "HostSNI" && len(c.Args) == 1 && c.Args[0].Value == "*" {
			return -1
		}
	}
	return len(r.Text)
}

// Parse reads a rule. With SyntaxAuto the rule is read as v3; if that fails
// and it reads as v2, or if it reads as both but an argument of a v2
// template matcher (Path, PathPrefix, HostRegexp, HostSNIRegexp) holds a
// {name:regexp} placeholder, which v3 would take literally, it is read as v2
// and Rule.Why says so. Errors are *Error values with the offset of the
// problem.
func Parse(text string, opts Options) (*Rule, error) {
	if len(text) > MaxRuleLen {
		return nil, errAt(ErrLimit, MaxRuleLen, "", "rule is %d bytes, longer than the limit of %d", len(text), MaxRuleLen)
	}
	if !utf8.ValidString(text) {
		i := 0
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, errAt(ErrSyntax, i, "", "invalid UTF-8")
	}
	if i := strings.IndexByte(text, 0); i >= 0 {
		return nil, errAt(ErrSyntax, i, "", "NUL character")
	}
	if opts.Kind != HTTP && opts.Kind != TCP {
		return nil, errAt(ErrInvalid, 0, "", "unknown router kind %d", opts.Kind)
	}
	switch opts.Syntax {
	case SyntaxV2, SyntaxV3:
		return parseAs(text, opts.Syntax, opts.Kind)
	case SyntaxAuto:
	default:
		return nil, errAt(ErrInvalid, 0, "", "unknown rule syntax %q (want v2 or v3)", opts.Syntax)
	}
	r3, err3 := parseAs(text, SyntaxV3, opts.Kind)
	if err3 == nil {
		if c := placeholderCall(r3.Root); c != nil {
			if r2, err2 := parseAs(text, SyntaxV2, opts.Kind); err2 == nil {
				r2.Why = "the argument of " + c.Written + " at column " + strconv.Itoa(c.NamePos+1) + " has a v2 {name:regexp} placeholder"
				return r2, nil
			}
		}
		return r3, nil
	}
	if e, ok := err3.(*Error); ok && (e.Err == ErrLimit) {
		return nil, err3
	}
	r2, err2 := parseAs(text, SyntaxV2, opts.Kind)
	if err2 != nil {
		return nil, err3 // v3 is the default: its reading explains best
	}
	r2.Why = "not valid v3 syntax (" + err3.Error() + ")"
	return r2, nil
}

func parseAs(text string, syn Syntax, kind Kind) (*Rule, error) {
	p := &parser{lx: newLexer(text), syn: syn, kind: kind}
	if err := p.advance(); err != nil {
		return nil, err
	}
	root, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, errAt(ErrSyntax, p.tok.pos, p.tok.text, "unexpected %s after a complete rule", p.tok.kind)
	}
	return &Rule{Text: text, Syntax: syn, Kind: kind, Root: root}, nil
}

type parser struct {
	lx   *lexer
	tok  token
	syn  Syntax
	kind Kind
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) or(depth int) (Node, error) {
	x, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokOr {
		pos := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		y, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: Or, X: x, Y: y, OpPos: pos}
	}
	return x, nil
}

func (p *parser) and(depth int) (Node, error) {
	x, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokAnd {
		pos := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		y, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: And, X: x, Y: y, OpPos: pos}
	}
	return x, nil
}

func (p *parser) unary(depth int) (Node, error) {
	if depth >= MaxDepth {
		return nil, errAt(ErrLimit, p.tok.pos, p.tok.text, "nesting of parentheses and ! deeper than %d", MaxDepth)
	}
	switch p.tok.kind {
	case tokNot:
		pos := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Not{X: x, NotPos: pos}, nil
	case tokLParen:
		open := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, errAt(ErrSyntax, p.tok.pos, p.tok.text, "expected ')' to close the '(' at column %d, found %s", open+1, p.tok.kind)
		}
		return x, p.advance()
	case tokIdent:
		return p.call()
	}
	return nil, errAt(ErrSyntax, p.tok.pos, p.tok.text, "expected a matcher, '(' or '!', found %s", p.tok.kind)
}

func (p *parser) call() (Node, error) {
	c := &Call{Written: p.tok.text, NamePos: p.tok.pos}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokLParen {
		return nil, errAt(ErrSyntax, p.tok.pos, p.tok.text, "expected '(' after %s, found %s", c.Written, p.tok.kind)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	for p.tok.kind != tokRParen {
		if p.tok.kind != tokString {
			return nil, errAt(ErrSyntax, p.tok.pos, p.tok.text, "expected a string argument of %s (in backquotes or double quotes), found %s", c.Written, p.tok.kind)
		}
		c.Args = append(c.Args, Arg{Value: p.tok.val, Pos: p.tok.pos})
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tokComma {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		if p.tok.kind != tokRParen {
			return nil, errAt(ErrSyntax, p.tok.pos, p.tok.text, "expected ',' or ')' in the arguments of %s, found %s", c.Written, p.tok.kind)
		}
	}
	c.End = p.tok.pos + 1
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := check(c, p.syn, p.kind, p.lx.src); err != nil {
		return nil, err
	}
	return c, nil
}
