package rule

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// dump renders branches compactly: one line per branch.
func dump(cs []Conjunction) string {
	var lines []string
	for _, c := range cs {
		var f []string
		if c.Host != nil {
			f = append(f, "host="+dumpHost(c.Host))
		}
		if c.Path != nil {
			f = append(f, "path="+dumpPath(c.Path))
		}
		if c.Methods != nil {
			f = append(f, "method="+strings.Join(c.Methods, "|"))
		}
		for _, h := range c.Headers {
			f = append(f, "hdr="+dumpHeader(&h))
		}
		for _, q := range c.Queries {
			f = append(f, "query="+dumpQuery(&q))
		}
		if c.ClientIP != nil {
			f = append(f, fmt.Sprintf("src=%v", c.ClientIP))
		}
		if c.ALPN != nil {
			f = append(f, "alpn="+strings.Join(c.ALPN, "|"))
		}
		for _, d := range c.Also {
			f = append(f, "also("+dumpCond(&d)+")")
		}
		for _, d := range c.Not {
			f = append(f, "not("+dumpCond(&d)+")")
		}
		if len(f) == 0 {
			f = append(f, "any")
		}
		lines = append(lines, strings.Join(f, " "))
	}
	return strings.Join(lines, "\n")
}

func dumpCond(d *Cond) string {
	switch {
	case d.Host != nil:
		return "host=" + dumpHost(d.Host)
	case d.Path != nil:
		return "path=" + dumpPath(d.Path)
	case d.Methods != nil:
		return "method=" + strings.Join(d.Methods, "|")
	case d.Header != nil:
		return "hdr=" + dumpHeader(d.Header)
	case d.Query != nil:
		return "query=" + dumpQuery(d.Query)
	case d.ClientIP != nil:
		return fmt.Sprintf("src=%v", d.ClientIP)
	case d.ALPN != nil:
		return "alpn=" + strings.Join(d.ALPN, "|")
	}
	return "?"
}

func dumpHost(h *HostMatch) string {
	s := strings.Join(h.Names, "|")
	if h.Pattern != nil {
		s = "~" + h.Pattern.PCRE
	}
	if h.Wildcard != "" {
		s += "(" + h.Wildcard + ")"
	}
	if h.TrailingDot {
		s += "."
	}
	return s
}

func dumpPath(p *PathMatch) string {
	switch {
	case p.Pattern != nil:
		return "~" + p.Pattern.PCRE
	case p.Prefix != "":
		return p.Prefix + "*"
	}
	return p.Exact
}

func dumpHeader(h *HeaderMatch) string {
	if h.Pattern != nil {
		return h.Name + "~" + h.Pattern.PCRE
	}
	return h.Name + ":" + h.Value
}

func dumpQuery(q *QueryMatch) string {
	s := q.Key
	switch {
	case q.Any:
		s += "=*"
	case q.Pattern != nil:
		s += "~" + q.Pattern.PCRE
	default:
		s += "=" + q.Value
	}
	if q.First {
		s += "(first)"
	}
	return s
}

func TestTranslate(t *testing.T) {
	v2 := Options{Syntax: SyntaxV2}
	v3 := Options{Syntax: SyntaxV3}
	tcp := Options{Kind: TCP}
	tests := []struct {
		name string
		rule string
		opts Options
		want string
	}{
		{"host", "Host(`Example.COM`)", v3, "host=example.com."},
		{"host any", "Host(`*`)", v3, "any"},
		{"host wildcard", "Host(`*.example.com`)", v3, `host=~^(?:[\x00-\x2d\x2f-\x7f\x80-\xff])*\x2eexample\x2ecom\z(*.example.com).`},
		{"path prefix not segment-aware", "Host(`a`) && PathPrefix(`/api`)", v3, "host=a. path=/api*"},
		{"path exact", "Path(`/x`)", v3, "path=/x"},
		{"method", "Method(`get`)", v3, "method=GET"},
		{"header", "Header(`x-forwarded-proto`, `https`)", v3, "hdr=X-Forwarded-Proto:https"},
		{"header regexp", "HeaderRegexp(`X-Env`, `^(dev|test)$`)", v3, `hdr=X-Env~^(?:(?:dev|test))\z`},
		{"query", "Query(`debug`) && Query(`a`, `1`)", v3, "query=debug= query=a=1"},
		{"query regexp", "QueryRegexp(`page`, `^[0-9]+$`)", v3, `query=page~^(?:[\x30-\x39])+\z`},
		{"client ip", "ClientIP(`10.1.2.3/8`) || ClientIP(`::1`)", v3, "src=[10.0.0.0/8]\nsrc=[::1/128]"},
		{"and over or", "Host(`a`) || Host(`b`) && Path(`/b`)", v3, "host=a.\nhost=b. path=/b"},
		{"parentheses", "(Host(`a`) || Host(`b`)) && Path(`/b`)", v3, "host=a. path=/b\nhost=b. path=/b"},
		{"not", "Host(`a`) && !PathPrefix(`/admin`)", v3, "host=a. not(path=/admin*)"},
		{"de morgan", "Host(`a`) && !(Path(`/x`) || Method(`POST`))", v3, "host=a. not(path=/x) not(method=POST)"},
		{"not of and", "!(Host(`a`) && Path(`/x`))", v3, "not(host=a.)\nnot(path=/x)"},
		{"hosts intersect", "(Host(`a`) || Host(`b`)) && Host(`b`)", v3, "host=b."},
		{"prefixes merge", "PathPrefix(`/api`) && PathPrefix(`/api/v1`)", v3, "path=/api/v1*"},
		{"exact within prefix", "PathPrefix(`/api`) && Path(`/api/x`)", v3, "path=/api/x"},
		{"contradiction dropped", "(Path(`/a`) || Path(`/b`)) && PathPrefix(`/a`)", v3, "path=/a"},
		{"methods intersect", "(Method(`GET`) || Method(`POST`)) && Method(`POST`)", v3, "method=POST"},
		{"ips intersect", "ClientIP(`10.0.0.0/8`) && ClientIP(`10.1.0.0/16`)", v3, "src=[10.1.0.0/16]"},
		{"second host kept aside", "Host(`a`) && HostRegexp(`^a$`)", v3, `host=a. also(host=~^a\z)`},
		{"path regexp literal", "PathRegexp(`^/api/`)", v3, "path=/api/*"},
		{"path regexp exact", "PathRegexp(`^/api$`)", v3, "path=/api"},
		{"path regexp", "PathRegexp(`^/api/v[0-9]+/`)", v3, `path=~^\x2fapi\x2fv(?:[\x30-\x39])+\x2f`},
		{"host regexp v3", "HostRegexp(`^[a-z]+\\.example\\.com$`)", v3, `host=~^(?:[\x61-\x7a])+\x2eexample\x2ecom\z`},
		{"case-insensitive regexp", "PathRegexp(`(?i)^/Ab`)", v3, `path=~^\x2f[Aa][Bb]`},
		{"v2 host list", "Host(`a`, `B`)", v2, "host=a|b."},
		{"v2 host regexp template", "HostRegexp(`{sub:[a-z]+}.example.com`)", v2, `host=~^(?:[\x41-\x5a\x61-\x7a])+\x2e[Ee][Xx][Aa][Mm][Pp][Ll][Ee]\x2e[Cc][Oo][Mm]\z`},
		{"v2 host regexp one label", "HostRegexp(`{sub}.example.com`)", v2, `host=~^(?:[\x00-\x2d\x2f-\x7f\x80-\xff])+\x2e[Ee][Xx][Aa][Mm][Pp][Ll][Ee]\x2e[Cc][Oo][Mm]\z(*.example.com)`},
		{"v2 host regexp plain", "HostRegexp(`Example.com`)", v2, "host=example.com"},
		{"v2 host regexp list", "HostRegexp(`a.com`, `{x:.+}.b.com`)", v2, "host=a.com\n" + `host=~^(?:[\x00-\x09\x0b-\x7f\x80-\xff])+\x2e[Bb]\x2e[Cc][Oo][Mm]\z`},
		{"v2 path template", "Path(`/user/{id:[0-9]+}`)", v2, `path=~^\x2fuser\x2f(?:[\x30-\x39])+\z`},
		{"v2 path default placeholder", "PathPrefix(`/u/{name}/`)", v2, `path=~^\x2fu\x2f(?:[\x00-\x2e\x30-\x7f\x80-\xff])+\x2f`},
		{"v2 path list", "Path(`/a`, `/b`)", v2, "path=/a\npath=/b"},
		{"v2 methods", "Method(`GET`, `head`)", v2, "method=GET|HEAD"},
		{"v2 headers pairs", "Headers(`X-A`, `1`, `X-B`, `2`)", v2, "hdr=X-A:1 hdr=X-B:2"},
		{"v2 not headers", "!Headers(`X-A`, `1`, `X-B`, `2`)", v2, "not(hdr=X-A:1)\nnot(hdr=X-B:2)"},
		{"v2 query", "Query(`a=1`, `b=`)", v2, "query=a=1(first) query=b=*(first)"},
		{"v2 query split pieces", "Query(`a`, `b`)", v2, "query=a=b(first)"},
		{"v2 query template", "Query(`id={id:[0-9]+}`)", v2, `query=id~^(?:[\x30-\x39])+\z(first)`},
		{"v2 client ips", "ClientIP(`10.0.0.1`, `192.168.0.0/16`)", v2, "src=[10.0.0.1/32 192.168.0.0/16]"},
		{"tcp sni", "HostSNI(`A.example.com.`)", tcp, "host=a.example.com"},
		{"tcp sni any", "HostSNI(`*`)", tcp, "any"},
		{"tcp sni wildcard", "HostSNI(`*.example.com`) && ALPN(`h2`)", tcp, `host=~^(?:[\x00-\x2d\x2f-\x7f\x80-\xff])*\x2eexample\x2ecom\z(*.example.com) alpn=h2`},
		{"tcp v2 sni list", "HostSNI(`a.com.`, `b.com`)", Options{Kind: TCP, Syntax: SyntaxV2}, "host=a.com|a.com.|b.com"},
		{"tcp v2 any", "HostSNI(`a`, `*`)", Options{Kind: TCP, Syntax: SyntaxV2}, "any"},
		{"tcp client ip not", "HostSNI(`*`) && !ClientIP(`10.0.0.0/8`)", tcp, "not(src=[10.0.0.0/8])"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.rule, tt.opts)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.rule, err)
			}
			cs, err := r.Translate()
			if err != nil {
				t.Fatalf("Translate(%q): %v", tt.rule, err)
			}
			if got := dump(cs); got != tt.want {
				t.Errorf("Translate(%q) =\n%s\nwant\n%s", tt.rule, got, tt.want)
			}
		})
	}
}

func TestTranslateErrors(t *testing.T) {
	v2 := Options{Syntax: SyntaxV2}
	v3 := Options{Syntax: SyntaxV3}
	tests := []struct {
		name string
		rule string
		opts Options
		kind error
		col  int
		msg  string
	}{
		{"single dot", "PathRegexp(`^/a.b`)", v3, ErrUnsupported, 12, "only repeated with * or +"},
		{"bounded dot", "HostRegexp(`^.{2,}$`)", v3, ErrUnsupported, 12, "only repeated"},
		{"word boundary", "PathRegexp(`\\bapi`)", v3, ErrUnsupported, 12, `\b`},
		{"multiline", "PathRegexp(`(?m)^/a$`)", v3, ErrUnsupported, 12, "multi-line"},
		{"nested repetition", "PathRegexp(`^(a+)+$`)", v3, ErrUnsupported, 12, "exponential"},
		{"unicode class", "PathRegexp(`\\pL+`)", v3, ErrUnsupported, 12, "non-ASCII"},
		{"non-ascii source", "PathRegexp(`/é`)", v3, ErrUnsupported, 12, "non-ASCII"},
		{"host trailing dot", "Host(`a.com.`)", v3, ErrUnsupported, 6, "two trailing dots"},
		{"odd wildcard", "Host(`a.*.com`)", v3, ErrUnsupported, 6, "leading '*.'"},
		{"v2 wildcard literal", "Host(`*.example.com`)", v2, ErrUnsupported, 6, "literally"},
		{"control char", `Path("/a\tb")`, v3, ErrUnsupported, 6, "control character"},
		{"bad header name", "Header(`X A`, `1`)", v3, ErrUnsupported, 8, "not a valid header name"},
		{"never matches", "Path(`/a`) && Path(`/b`)", v3, ErrUnsupported, 1, "never match"},
		{"v2 query key placeholder", "Query(`{k}=1`)", v2, ErrUnsupported, 7, "query key"},
		{"expansion cap", strings.Repeat("(Path(`/a`) || Path(`/b`)) && ", 7) + "Host(`a`)", v3, ErrLimit, 0, "more than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.rule, tt.opts)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.rule, err)
			}
			_, err = r.Translate()
			if err == nil {
				t.Fatalf("Translate(%q) succeeded, want an error", tt.rule)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v is not %v", err, tt.kind)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if tt.col != 0 && e.Pos+1 != tt.col {
				t.Errorf("column %d, want %d (%v)", e.Pos+1, tt.col, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}
}
