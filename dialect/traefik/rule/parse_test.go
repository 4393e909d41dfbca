package rule

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	v2 := Options{Syntax: SyntaxV2}
	v3 := Options{Syntax: SyntaxV3}
	tcp := Options{Kind: TCP}
	tests := []struct {
		name   string
		rule   string
		opts   Options
		want   string // String() of the tree
		syntax Syntax
	}{
		{"host", "Host(`example.com`)", v3, "Host(`example.com`)", SyntaxV3},
		{"double quotes", `Host("example.com")`, v3, "Host(`example.com`)", SyntaxV3},
		{"escape in double quotes", `Path("/a\x62")`, v3, "Path(`/ab`)", SyntaxV3},
		{"backquote kept by quoting", "Header(`X`, \"a`b\")", v3, "Header(`X`, \"a`b\")", SyntaxV3},
		{"name spellings", "HOST(`a`) && pathprefix(`/`) && Pathprefix(`/b`)", v3, "Host(`a`) && PathPrefix(`/`) && PathPrefix(`/b`)", SyntaxV3},
		{"and binds tighter than or", "Host(`a`) || Host(`b`) && Path(`/`)", v3, "Host(`a`) || Host(`b`) && Path(`/`)", SyntaxV3},
		{"parentheses kept where needed", "(Host(`a`) || Host(`b`)) && Path(`/`)", v3, "(Host(`a`) || Host(`b`)) && Path(`/`)", SyntaxV3},
		{"redundant parentheses dropped", "((Host(`a`)) && (Path(`/`)))", v3, "Host(`a`) && Path(`/`)", SyntaxV3},
		{"right-nested and", "Host(`a`) && (Path(`/`) && Method(`GET`))", v3, "Host(`a`) && (Path(`/`) && Method(`GET`))", SyntaxV3},
		{"not", "!Host(`a`) && !(Path(`/`) || Path(`/b`))", v3, "!Host(`a`) && !(Path(`/`) || Path(`/b`))", SyntaxV3},
		{"double not", "!!Host(`a`)", v3, "!!Host(`a`)", SyntaxV3},
		{"trailing comma", "Host(`a`,)", v3, "Host(`a`)", SyntaxV3},
		{"line break after operator", "Host(`a`) ||\n  Host(`b`)\n", v3, "Host(`a`) || Host(`b`)", SyntaxV3},
		{"v2 host list", "Host(`a`, `b`)", v2, "Host(`a`, `b`)", SyntaxV2},
		{"v2 headers", "Headers(`X-A`, `1`, `X-B`, `2`)", v2, "Headers(`X-A`, `1`, `X-B`, `2`)", SyntaxV2},
		{"v3 query one arg", "Query(`debug`)", v3, "Query(`debug`)", SyntaxV3},
		{"auto v3", "Host(`a`) && PathPrefix(`/api`)", Options{}, "Host(`a`) && PathPrefix(`/api`)", SyntaxV3},
		{"auto falls back for a list", "Host(`a`, `b`)", Options{}, "Host(`a`, `b`)", SyntaxV2},
		{"auto falls back for Headers", "Headers(`X`, `1`)", Options{}, "Headers(`X`, `1`)", SyntaxV2},
		{"auto takes placeholders as v2", "HostRegexp(`{sub:[a-z]+}.example.com`)", Options{}, "HostRegexp(`{sub:[a-z]+}.example.com`)", SyntaxV2},
		{"auto path placeholder", "Path(`/user/{id:[0-9]+}`)", Options{}, "Path(`/user/{id:[0-9]+}`)", SyntaxV2},
		{"tcp", "HostSNI(`a.example.com`) && ALPN(`h2`)", tcp, "HostSNI(`a.example.com`) && ALPN(`h2`)", SyntaxV3},
		{"tcp v2 list", "HostSNI(`a`, `b`)", Options{Kind: TCP}, "HostSNI(`a`, `b`)", SyntaxV2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.rule, tt.opts)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.rule, err)
			}
			if got := r.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if r.Syntax != tt.syntax {
				t.Errorf("Syntax = %q, want %q (why: %s)", r.Syntax, tt.syntax, r.Why)
			}
			if r.Syntax == SyntaxV2 && tt.opts.Syntax == SyntaxAuto && r.Why == "" {
				t.Errorf("auto chose v2 without saying why")
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	v2 := Options{Syntax: SyntaxV2}
	v3 := Options{Syntax: SyntaxV3}
	tests := []struct {
		name string
		rule string
		opts Options
		kind error
		col  int    // 1-based column in the message
		msg  string // substring of the message
	}{
		{"empty", "", v3, ErrSyntax, 1, "expected a matcher"},
		{"unclosed paren", "(Host(`a`)", v3, ErrSyntax, 11, "expected ')' to close the '(' at column 1"},
		{"unclosed string", "Host(`a)", v3, ErrSyntax, 6, "no closing backquote"},
		{"single quotes", "Host('a')", v3, ErrSyntax, 6, "single quotes"},
		{"single ampersand", "Host(`a`) & Path(`/`)", v3, ErrSyntax, 11, "the operators are && and ||"},
		{"trailing operator", "Host(`a`) &&", v3, ErrSyntax, 13, "expected a matcher"},
		{"missing operator", "Host(`a`) Path(`/`)", v3, ErrSyntax, 11, "after a complete rule"},
		{"line break before operator", "Host(`a`)\n|| Host(`b`)", v3, ErrSyntax, 10, "semicolon rule"},
		{"unknown matcher", "Hots(`a`)", v3, ErrInvalid, 1, `unknown v3 HTTP matcher "Hots"`},
		{"camel case not accepted", "pathPrefix(`/`)", v3, ErrInvalid, 1, "unknown"},
		{"v2 matcher in v3", "Headers(`X`, `1`)", v3, ErrInvalid, 1, "Headers is a v2 HTTP matcher"},
		{"v3 matcher in v2", "Header(`X`, `1`)", v2, ErrInvalid, 1, "unknown v2 HTTP matcher"},
		{"tcp matcher in http", "HostSNI(`a`)", v3, ErrInvalid, 1, "HostSNI is a v3 TCP matcher"},
		{"v3 list", "Host(`a`, `b`)", v3, ErrInvalid, 1, "takes 1 argument(s) in v3 syntax, got 2"},
		{"no args", "Host()", v3, ErrInvalid, 1, "got 0"},
		{"empty arg", "Path(``)", v3, ErrInvalid, 6, "empty argument"},
		{"path without slash", "PathPrefix(`api`)", v3, ErrInvalid, 12, "does not start with a '/'"},
		{"bad regexp", "PathRegexp(`(`)", v3, ErrInvalid, 12, "invalid regexp"},
		{"bad ip", "ClientIP(`10.0.0.300`)", v3, ErrInvalid, 10, "neither an IP nor a CIDR"},
		{"odd headers", "Headers(`X`)", v2, ErrInvalid, 1, "at least 2"},
		{"odd headers 3", "Headers(`X`, `1`, `Y`)", v2, ErrInvalid, 1, "pairs"},
		{"v2 query without value", "Query(`k`)", v2, ErrInvalid, 1, "key=value pairs"},
		{"v2 unbalanced template", "Path(`/a/{id`)", v2, ErrInvalid, 6, "unbalanced braces"},
		{"number argument", "Host(1)", v3, ErrSyntax, 6, "unexpected character"},
		{"nested call", "Host(Path(`/`))", v3, ErrSyntax, 6, "expected a string argument"},
		{"not equal", "Host(`a`) != Host(`b`)", v3, ErrSyntax, 11, "!="},
		{"invalid utf8", "Host(`\xff`)", v3, ErrSyntax, 7, "invalid UTF-8"},
		{"too long", "Host(`" + strings.Repeat("a", MaxRuleLen) + "`)", v3, ErrLimit, MaxRuleLen + 1, "limit of 4096"},
		{"too deep", strings.Repeat("(", MaxDepth+1) + "Host(`a`)" + strings.Repeat(")", MaxDepth+1), v3, ErrLimit, MaxDepth + 1, "deeper than 64"},
		{"too many nots", strings.Repeat("!", MaxDepth+1) + "Host(`a`)", v3, ErrLimit, MaxDepth + 1, "deeper"},
		{"auto reports v3 error", "Host(`a`) &&", Options{}, ErrSyntax, 13, "expected a matcher"},
		{"tcp unknown", "Host(`a`)", Options{Kind: TCP}, ErrInvalid, 1, "unknown v3 TCP matcher"},
		{"acme alpn", "ALPN(`acme-tls/1`)", Options{Kind: TCP}, ErrInvalid, 6, "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.rule, tt.opts)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want an error", tt.rule)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v is not %v", err, tt.kind)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if e.Pos+1 != tt.col {
				t.Errorf("column %d, want %d (%v)", e.Pos+1, tt.col, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}
}

func TestDefaultPriority(t *testing.T) {
	for _, tt := range []struct {
		rule string
		kind Kind
		want int
	}{
		{"Host(`example.com`)", HTTP, 19},
		{"Host(`a`) && PathPrefix(`/api`)", HTTP, 31},
		{"HostSNI(`*`)", TCP, -1},
		{"HostSNI(`a`)", TCP, 12},
	} {
		r, err := Parse(tt.rule, Options{Kind: tt.kind})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.DefaultPriority(); got != tt.want {
			t.Errorf("DefaultPriority(%q) = %d, want %d", tt.rule, got, tt.want)
		}
	}
}
