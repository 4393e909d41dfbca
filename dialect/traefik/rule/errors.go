package rule

import (
	"errors"
	"fmt"
)

// Error categories, for errors.Is. Every error this package returns is an
// *Error wrapping one of them.
var (
	// ErrSyntax: the text is not a rule (bad token, unbalanced parenthesis…).
	ErrSyntax = errors.New("syntax error")
	// ErrInvalid: the rule is well formed but Traefik refuses it (unknown
	// matcher, wrong number of arguments, empty argument, bad regexp or IP).
	ErrInvalid = errors.New("invalid rule")
	// ErrLimit: a size, depth or expansion bound of this package was hit.
	ErrLimit = errors.New("limit exceeded")
	// ErrUnsupported: Traefik accepts the rule but HAProxy cannot express
	// it exactly.
	ErrUnsupported = errors.New("not expressible in HAProxy")
)

// Error is a problem at a place in a rule.
type Error struct {
	Err  error  // one of ErrSyntax, ErrInvalid, ErrLimit, ErrUnsupported
	Pos  int    // byte offset in the rule, 0-based
	Part string // the part of the rule at fault, as written (may be empty)
	Msg  string
}

func (e *Error) Error() string {
	if e.Part != "" {
		return fmt.Sprintf("column %d, %s: %s", e.Pos+1, e.Part, e.Msg)
	}
	return fmt.Sprintf("column %d: %s", e.Pos+1, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

func errAt(kind error, pos int, part, format string, args ...any) *Error {
	const maxPart = 80
	if len(part) > maxPart {
		part = part[:maxPart] + "…"
	}
	return &Error{Err: kind, Pos: pos, Part: part, Msg: fmt.Sprintf(format, args...)}
}

type plainError string

func (e plainError) Error() string { return string(e) }

func errf(format string, args ...any) error { return plainError(fmt.Sprintf(format, args...)) }

func itoa(n int) string { return fmt.Sprint(n) }
