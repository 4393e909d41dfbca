package rule

import (
	"net/netip"
	"net/textproto"
	"regexp"
	"strings"
	"unicode"
)

// spec is one matcher of Traefik's rule language.
type spec struct {
	name     string
	kind     Kind
	syntax   Syntax
	min, max int // number of arguments; max < 0: any
	doc      string
}

// matchers is the table of what Traefik accepts, per router kind and syntax.
var matchers = []spec{
	{"Host", HTTP, SyntaxV3, 1, 1, "request host equals the name (case-insensitive, port ignored); `*` matches any host; `*.example.com` one label"},
	{"HostRegexp", HTTP, SyntaxV3, 1, 1, "request host matches a Go regexp (searched, not anchored)"},
	{"Path", HTTP, SyntaxV3, 1, 1, "path equals the value"},
	{"PathPrefix", HTTP, SyntaxV3, 1, 1, "path starts with the value (plain string prefix: /api matches /apix)"},
	{"PathRegexp", HTTP, SyntaxV3, 1, 1, "path matches a Go regexp (searched)"},
	{"Method", HTTP, SyntaxV3, 1, 1, "request method"},
	{"Header", HTTP, SyntaxV3, 2, 2, "a header line has exactly the value"},
	{"HeaderRegexp", HTTP, SyntaxV3, 2, 2, "a header line's value matches a Go regexp (searched)"},
	{"Query", HTTP, SyntaxV3, 1, 2, "a query parameter has exactly the value (empty when omitted)"},
	{"QueryRegexp", HTTP, SyntaxV3, 1, 2, "a query parameter's value matches a Go regexp (searched)"},
	{"ClientIP", HTTP, SyntaxV3, 1, 1, "the client address (TCP peer) is the IP or in the CIDR"},

	{"Host", HTTP, SyntaxV2, 1, -1, "request host equals one of the names"},
	{"HostHeader", HTTP, SyntaxV2, 1, -1, "same as Host"},
	{"HostRegexp", HTTP, SyntaxV2, 1, -1, "request host matches one of the templates with {name:regexp} placeholders (whole host, case-insensitive)"},
	{"Path", HTTP, SyntaxV2, 1, -1, "path matches one of the templates (whole path)"},
	{"PathPrefix", HTTP, SyntaxV2, 1, -1, "path starts with one of the templates"},
	{"Method", HTTP, SyntaxV2, 1, -1, "request method is one of the values"},
	{"Headers", HTTP, SyntaxV2, 2, -1, "key, value pairs; all must hold"},
	{"HeadersRegexp", HTTP, SyntaxV2, 2, -1, "key, regexp pairs; all must hold"},
	{"Query", HTTP, SyntaxV2, 1, -1, "key=value pairs (value may hold placeholders); the first occurrence of each key must match"},
	{"ClientIP", HTTP, SyntaxV2, 1, -1, "the client address is one of the IPs or CIDRs"},

	{"HostSNI", TCP, SyntaxV3, 1, 1, "TLS SNI equals the name; `*` matches every connection"},
	{"HostSNIRegexp", TCP, SyntaxV3, 1, 1, "TLS SNI matches a Go regexp (searched)"},
	{"ClientIP", TCP, SyntaxV3, 1, 1, "the client address is the IP or in the CIDR"},
	{"ALPN", TCP, SyntaxV3, 1, 1, "the client offers the ALPN protocol"},

	{"HostSNI", TCP, SyntaxV2, 1, -1, "TLS SNI equals one of the names; `*` matches every connection"},
	{"HostSNIRegexp", TCP, SyntaxV2, 1, -1, "TLS SNI matches one of the templates"},
	{"ClientIP", TCP, SyntaxV2, 1, -1, "the client address is one of the IPs or CIDRs"},
	{"ALPN", TCP, SyntaxV2, 1, -1, "the client offers one of the ALPN protocols"},
}

// lookup finds a matcher as Traefik does: the name as documented, all
// lower case, all upper case, or capitalised lower case ("Pathprefix").
func lookup(written string, syn Syntax, kind Kind) *spec {
	for i := range matchers {
		m := &matchers[i]
		if m.syntax != syn || m.kind != kind {
			continue
		}
		low := strings.ToLower(m.name)
		if written == m.name || written == low || written == strings.ToUpper(m.name) || written == strings.ToUpper(low[:1])+low[1:] {
			return m
		}
	}
	return nil
}

var hostSNIv3 = regexp.MustCompile(`^(\*\.)?[[:word:]\.\-\:]+$`)
var hostSNIv2 = regexp.MustCompile(`^[[:word:]\.\-\:]+$`)

// check applies the checks Traefik makes when it builds the router: the
// matcher exists in this syntax, its arguments are present, non-empty and
// valid. A rule that fails them is refused by Traefik too.
func check(c *Call, syn Syntax, kind Kind, src string) error {
	part := src[c.NamePos:c.End]
	m := lookup(c.Written, syn, kind)
	if m == nil {
		hint := ""
		for _, other := range []struct {
			s Syntax
			k Kind
		}{{SyntaxV2, kind}, {SyntaxV3, kind}, {syn, 1 - kind}} {
			if o := lookup(c.Written, other.s, other.k); o != nil && (other.s != syn || other.k != kind) {
				hint = " (" + o.name + " is a " + string(other.s) + " " + other.k.String() + " matcher)"
				break
			}
		}
		return errAt(ErrInvalid, c.NamePos, part, "unknown %s %s matcher %q%s", syn, kind, c.Written, hint)
	}
	c.Name = m.name
	n := len(c.Args)
	if n < m.min || (m.max >= 0 && n > m.max) {
		want := itoaRange(m.min, m.max)
		return errAt(ErrInvalid, c.NamePos, part, "%s takes %s argument(s) in %s syntax, got %d", m.name, want, syn, n)
	}
	for _, a := range c.Args {
		if a.Value == "" {
			return errAt(ErrInvalid, a.Pos, part, "empty argument of %s", m.name)
		}
	}
	bad := func(a Arg, format string, args ...any) error {
		return errAt(ErrInvalid, a.Pos, part, format, args...)
	}
	switch {
	case m.name == "Headers" || m.name == "HeadersRegexp":
		if n%2 != 0 {
			return errAt(ErrInvalid, c.NamePos, part, "%s takes key, value pairs: got %d arguments", m.name, n)
		}
	}
	for i, a := range c.Args {
		v := a.Value
		switch m.name {
		case "Host", "HostHeader", "HostRegexp", "HostSNIRegexp":
			if !isASCII(v) {
				return bad(a, "non-ASCII characters are not allowed in %s (use the punycode form)", m.name)
			}
		}
		switch m.name {
		case "HostRegexp", "PathRegexp", "HostSNIRegexp":
			if syn == SyntaxV3 {
				if _, err := regexp.Compile(v); err != nil {
					return bad(a, "invalid regexp: %v", err)
				}
			}
		case "HeaderRegexp", "QueryRegexp", "HeadersRegexp":
			if i%2 == 1 {
				if _, err := regexp.Compile(v); err != nil {
					return bad(a, "invalid regexp: %v", err)
				}
			}
		case "Path", "PathPrefix":
			if !strings.HasPrefix(v, "/") {
				return bad(a, "path %q does not start with a '/'", v)
			}
		case "ClientIP":
			if _, err := parseIP(v); err != nil {
				return bad(a, "%v", err)
			}
		case "HostSNI":
			if v == "*" {
				break
			}
			re := hostSNIv3
			if syn == SyntaxV2 {
				re = hostSNIv2
			}
			if !re.MatchString(v) {
				return bad(a, "%q is not a valid host name or IP for HostSNI", v)
			}
		case "ALPN":
			if v == "acme-tls/1" {
				return bad(a, "ALPN protocol %q is reserved for ACME", v)
			}
		}
		if syn == SyntaxV2 {
			switch m.name {
			case "HostRegexp", "Path", "PathPrefix", "HostSNIRegexp":
				if _, err := expandTemplate(v, m.name); err != nil {
					return bad(a, "%v", err)
				}
			}
		}
	}
	if syn == SyntaxV2 && m.name == "Query" {
		if _, err := queryPairs(c); err != nil {
			return errAt(ErrInvalid, c.NamePos, part, "%v", err)
		}
	}
	return nil
}

func itoaRange(min, max int) string {
	switch {
	case max < 0:
		return "at least " + itoa(min)
	case min == max:
		return itoa(min)
	}
	return itoa(min) + " or " + itoa(max)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// parseIP reads a ClientIP argument as Traefik does (an IP or a CIDR; a
// CIDR's host bits are ignored) and refuses what HAProxy's src would not
// compare the same way.
func parseIP(v string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(v); err == nil {
		if a.Zone() != "" {
			return netip.Prefix{}, errf("IP %q has a zone, which Traefik does not accept", v)
		}
		if a.Is4In6() {
			return netip.Prefix{}, errf("IP %q is an IPv6 form of an IPv4 address: write the IPv4 form", v)
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return netip.Prefix{}, errf("%q is neither an IP nor a CIDR", v)
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, errf("CIDR %q is an IPv6 form of IPv4 addresses: write the IPv4 form", v)
	}
	return p.Masked(), nil
}

// queryPairs reads v2 Query arguments as Traefik does: each argument is
// split at its first '=' and the pieces, taken together, are key, value
// pairs (so Query(`a`, `b`) means a=b).
func queryPairs(c *Call) ([][2]string, error) {
	var pieces []string
	for _, a := range c.Args {
		pieces = append(pieces, strings.SplitN(a.Value, "=", 2)...)
	}
	if len(pieces)%2 != 0 {
		return nil, errf("Query arguments must be key=value pairs, got %d pieces", len(pieces))
	}
	var pairs [][2]string
	for i := 0; i < len(pieces); i += 2 {
		k, v := pieces[i], pieces[i+1]
		if _, err := expandTemplate(k+"="+v, "Query"); err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]string{k, v})
	}
	return pairs, nil
}

// canonicalHeader is the header name as Go's net/http keys it; ok is false
// when the name is not a valid token (Traefik would never find it).
func canonicalHeader(k string) (string, bool) {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return "", false
		}
	}
	return textproto.CanonicalMIMEHeaderKey(k), true
}
