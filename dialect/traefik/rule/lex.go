package rule

import (
	"strconv"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token of a rule.
type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokLParen
	tokRParen
	tokComma
	tokAnd
	tokOr
	tokNot
)

func (k tokKind) String() string {
	switch k {
	case tokEOF:
		return "end of rule"
	case tokIdent:
		return "matcher name"
	case tokString:
		return "string"
	case tokLParen:
		return "'('"
	case tokRParen:
		return "')'"
	case tokComma:
		return "','"
	case tokAnd:
		return "'&&'"
	case tokOr:
		return "'||'"
	case tokNot:
		return "'!'"
	}
	return "token"
}

type token struct {
	kind tokKind
	pos  int    // byte offset of the token's first byte
	text string // the token as written
	val  string // tokString: the unquoted value
}

// lexer splits a rule into tokens the way Go's scanner does for the subset
// Traefik accepts (Traefik parses rules with go/parser): identifiers, string
// literals in backquotes or double quotes, parentheses, commas, &&, || and !.
type lexer struct {
	src  string
	pos  int
	last tokKind // kind of the previous token, for Go's semicolon rule
	semi int     // >=0: offset of a line break that ended the expression
}

func newLexer(src string) *lexer { return &lexer{src: src, last: tokEOF, semi: -1} }

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c == ' ' || c == '\t' || c == '\r' {
			l.pos++
			continue
		}
		if c == '\n' {
			// Go inserts a semicolon after an identifier, a literal or ')'
			// at a line break; go/parser.ParseExpr then accepts only the end.
			if l.semi < 0 && (l.last == tokIdent || l.last == tokString || l.last == tokRParen) {
				l.semi = l.pos
			}
			l.pos++
			continue
		}
		break
	}
	if l.pos >= len(l.src) {
		return token{kind: tokEOF, pos: len(l.src)}, nil
	}
	if l.semi >= 0 {
		return token{}, errAt(ErrSyntax, l.semi, "", "a line break after %s ends the rule (Go's semicolon rule, which Traefik follows); put the operator before the line break", l.last)
	}
	t, err := l.scan()
	if err != nil {
		return t, err
	}
	l.last = t.kind
	return t, nil
}

func (l *lexer) scan() (token, error) {
	start := l.pos
	c := l.src[start]
	one := func(k tokKind) (token, error) {
		l.pos++
		return token{kind: k, pos: start, text: l.src[start:l.pos]}, nil
	}
	switch {
	case c == '(':
		return one(tokLParen)
	case c == ')':
		return one(tokRParen)
	case c == ',':
		return one(tokComma)
	case c == '!':
		if start+1 < len(l.src) && l.src[start+1] == '=' {
			return token{}, errAt(ErrSyntax, start, "!=", "operator != is not part of the rule language")
		}
		return one(tokNot)
	case c == '&' || c == '|':
		if start+1 < len(l.src) && l.src[start+1] == c {
			l.pos += 2
			k := tokAnd
			if c == '|' {
				k = tokOr
			}
			return token{kind: k, pos: start, text: l.src[start:l.pos]}, nil
		}
		return token{}, errAt(ErrSyntax, start, string(c), "unexpected %q (the operators are && and ||)", c)
	case c == '`':
		end := indexFrom(l.src, start+1, '`')
		if end < 0 {
			return token{}, errAt(ErrSyntax, start, "`", "string not terminated: no closing backquote")
		}
		return l.str(start, end+1)
	case c == '"':
		for i := start + 1; i < len(l.src); i++ {
			switch l.src[i] {
			case '\\':
				i++
			case '\n':
				return token{}, errAt(ErrSyntax, start, `"`, "string not terminated before the line break")
			case '"':
				return l.str(start, i+1)
			}
		}
		return token{}, errAt(ErrSyntax, start, `"`, "string not terminated: no closing double quote")
	case c == '\'':
		return token{}, errAt(ErrSyntax, start, "'", "single quotes are not accepted: use backquotes (`) or double quotes")
	case isIdentStart(c):
		i := start
		for i < len(l.src) && (isIdentStart(l.src[i]) || (l.src[i] >= '0' && l.src[i] <= '9')) {
			i++
		}
		l.pos = i
		return token{kind: tokIdent, pos: start, text: l.src[start:i]}, nil
	}
	r, _ := utf8.DecodeRuneInString(l.src[start:])
	return token{}, errAt(ErrSyntax, start, string(r), "unexpected character %q", r)
}

func (l *lexer) str(start, end int) (token, error) {
	raw := l.src[start:end]
	v, err := strconv.Unquote(raw)
	if err != nil {
		return token{}, errAt(ErrSyntax, start, raw, "invalid string literal (escapes follow Go's rules)")
	}
	l.pos = end
	return token{kind: tokString, pos: start, text: raw, val: v}, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func indexFrom(s string, from int, c byte) int {
	for i := from; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
