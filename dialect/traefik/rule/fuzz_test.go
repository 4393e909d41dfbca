package rule

import (
	"errors"
	"testing"
)

// equalTree compares two trees, ignoring positions and the written spelling.
func equalTree(a, b Node) bool {
	switch a := a.(type) {
	case *Binary:
		b, ok := b.(*Binary)
		return ok && a.Op == b.Op && equalTree(a.X, b.X) && equalTree(a.Y, b.Y)
	case *Not:
		b, ok := b.(*Not)
		return ok && equalTree(a.X, b.X)
	case *Call:
		b, ok := b.(*Call)
		if !ok || a.Name != b.Name || len(a.Args) != len(b.Args) {
			return false
		}
		for i := range a.Args {
			if a.Args[i].Value != b.Args[i].Value {
				return false
			}
		}
		return true
	}
	return false
}

var fuzzOptions = []Options{
	{},
	{Syntax: SyntaxV3},
	{Syntax: SyntaxV2},
	{Kind: TCP},
	{Kind: TCP, Syntax: SyntaxV2},
}

// FuzzParse checks that no input panics, that every error is an *Error
// inside the rule, and that what Parse accepts prints to a rule that parses
// back to the same tree (and the same syntax, when detected).
func FuzzParse(f *testing.F) {
	seeds := []string{
		"Host(`example.com`)",
		"Host(`example.com`) && PathPrefix(`/api`)",
		"Host(`a.example.com`) || Host(`b.example.com`)",
		"(Host(`a`) || Host(`b`)) && !Path(`/health`)",
		"Host(`shop.example.org`) && (PathPrefix(`/cart`) || PathPrefix(`/pay`)) && Method(`POST`)",
		"Host(`*.example.net`)",
		"HostRegexp(`^[a-z0-9-]+\\.apps\\.example\\.com$`)",
		"HostRegexp(`{subdomain:[a-z]+}.example.com`)",
		"HostRegexp(`{catchall:.+}`)",
		"Host(`www.example.com`, `example.com`)",
		"Path(`/users/{id:[0-9]+}`) && Method(`GET`, `HEAD`)",
		"PathRegexp(`^/v[0-9]+/items$`)",
		"Header(`X-Forwarded-Proto`, `https`) && HeaderRegexp(`User-Agent`, `curl/.*`)",
		"Headers(`X-Env`, `prod`, `X-Team`, `web`)",
		"HeadersRegexp(`Content-Type`, `^application/(json|xml)$`)",
		"Query(`mobile`, `true`) || QueryRegexp(`page`, `^[0-9]+$`)",
		"Query(`mobile=true`, `id={id:[0-9]+}`)",
		"ClientIP(`192.168.0.0/16`) || ClientIP(`2001:db8::/32`)",
		"!ClientIP(`10.0.0.0/8`) && Host(`admin.example.com`)",
		"HOST(\"example.com\") && pathprefix(\"/a\\x62c\")",
		"HostSNI(`*`)",
		"HostSNI(`db.example.com`) && ALPN(`postgresql`)",
		"HostSNIRegexp(`^.+\\.example\\.com$`)",
		"HostSNI(`a.example.com`, `b.example.com`)",
		"Host(`a`) ||\n Host(`b`)",
		"!!(Host(`a`) && !(Path(`/x`) || Path(`/y`)))",
		"Host(`a`,)",
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, text string, mode uint8) {
		opts := fuzzOptions[int(mode)%len(fuzzOptions)]
		r, err := Parse(text, opts)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q): error %T is not *Error", text, err)
			}
			if e.Pos < 0 || e.Pos > len(text) && !errors.Is(err, ErrLimit) {
				t.Fatalf("Parse(%q): position %d outside the rule", text, e.Pos)
			}
			return
		}
		if _, err := r.Translate(); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Translate(%q): error %T is not *Error", text, err)
			}
		}
		printed := r.String()
		r2, err := Parse(printed, Options{Syntax: r.Syntax, Kind: r.Kind})
		if err != nil {
			if errors.Is(err, ErrLimit) && len(printed) > MaxRuleLen {
				return // quoting grew the rule past the limit
			}
			t.Fatalf("Parse(%q) ok, but its print %q fails: %v", text, printed, err)
		}
		if !equalTree(r.Root, r2.Root) {
			t.Fatalf("Parse(%q) and Parse(%q) differ", text, printed)
		}
		if again := r2.String(); again != printed {
			t.Fatalf("printing is not stable: %q then %q", printed, again)
		}
		if opts.Syntax == SyntaxAuto {
			r3, err := Parse(printed, opts)
			if err != nil || r3.Syntax != r.Syntax {
				t.Fatalf("auto syntax of %q is %s, of its print %q: %v %v", text, r.Syntax, printed, r3, err)
			}
		}
	})
}
