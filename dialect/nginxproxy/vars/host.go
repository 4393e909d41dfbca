package vars

import (
	"cmp"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// HostKind is how nginx matches a server_name, and so how VIRTUAL_HOST
// entries match a request's Host.
type HostKind int

const (
	// HostExact: the name itself, case-insensitively.
	HostExact HostKind = iota
	// HostSuffix: "*.example.org", any name ending in ".example.org", at any
	// depth (a.b.example.org too), not example.org itself.
	HostSuffix
	// HostDotSuffix: ".example.org", example.org and any name ending in
	// ".example.org" (nginx's special form).
	HostDotSuffix
	// HostPrefix: "mail.*", any name starting with "mail.".
	HostPrefix
	// HostRegex: "~re", a PCRE that nginx searches (unanchored unless the
	// pattern anchors itself) in the lower-cased name, case-insensitively.
	HostRegex
)

func (k HostKind) String() string {
	return [...]string{"exact", "suffix", "dot-suffix", "prefix", "regex"}[k]
}

// Host is one VIRTUAL_HOST entry (or one VIRTUAL_HOST_MULTIPORTS key).
type Host struct {
	// Name is the entry as nginx-proxy uses it: trimmed, as written. It
	// names the files nginx-proxy looks for (certificates, htpasswd,
	// vhost.d), except for regexes, which use FileName.
	Name string
	Kind HostKind
	// Match is what HAProxy compares, lower case: the name (exact), the
	// suffix with its leading dot (".example.org" for both suffix forms),
	// the prefix with its trailing dot ("mail."), or the regex pattern
	// without "~".
	Match string
}

// maxHostLen caps one host; maxRegexLen caps a regex host or path, so that
// compiling and matching stay bounded.
const (
	maxHostLen  = 253
	maxRegexLen = 1024
)

// FileName is the name nginx-proxy gives this host's files in
// /etc/nginx/{certs,htpasswd,vhost.d}: the name, or the SHA-1 of a regex
// host (nginx-proxy 1.7 and later).
func (h Host) FileName() string {
	if h.Kind == HostRegex {
		return sha1Hex(h.Name)
	}
	return h.Name
}

// Matches reports whether nginx would select this server_name for a request
// whose Host (port removed) is name. It is an oracle for tests of what the
// caller generates.
func (h Host) Matches(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	switch h.Kind {
	case HostExact:
		return name == h.Match
	case HostSuffix:
		return strings.HasSuffix(name, h.Match) && len(name) > len(h.Match)
	case HostDotSuffix:
		return name == h.Match[1:] || (strings.HasSuffix(name, h.Match) && len(name) > len(h.Match))
	case HostPrefix:
		return strings.HasPrefix(name, h.Match) && len(name) > len(h.Match)
	}
	re, err := regexp.Compile("(?i)" + h.Match)
	return err == nil && re.MatchString(name)
}

// nginxUnsafe are the characters nginx-proxy writes into server_name and
// location unquoted, which end the directive or start a block: nginx then
// refuses the whole configuration.
const nginxUnsafe = " \t\r\n;{}\"'"

// ParseHost reads one VIRTUAL_HOST entry as nginx-proxy and nginx do. The
// error says why the entry is refused; it does not wrap a sentinel.
func ParseHost(s string) (Host, error) {
	h := Host{Name: s}
	if s == "" {
		return h, fmt.Errorf("empty host")
	}
	if strings.HasPrefix(s, "~") {
		h.Kind, h.Match = HostRegex, s[1:]
		if len(s) > maxRegexLen {
			return h, fmt.Errorf("regex host of %d bytes (at most %d): %w", len(s), maxRegexLen, ErrLimit)
		}
		if strings.ContainsAny(h.Match, nginxUnsafe) {
			return h, fmt.Errorf("nginx-proxy writes the regex unquoted into server_name, and nginx refuses a configuration whose regex holds spaces, quotes, ';', '{' or '}' (so every host would stop working): rewrite it without them, e.g. [0-9][0-9] for [0-9]{2}")
		}
		if err := checkRegex(h.Match); err != nil {
			return h, err
		}
		return h, nil
	}
	if len(s) > maxHostLen {
		return h, fmt.Errorf("host of %d bytes (at most %d)", len(s), maxHostLen)
	}
	l := strings.ToLower(s)
	switch {
	case strings.HasPrefix(l, "*."):
		h.Kind, h.Match = HostSuffix, l[1:]
	case strings.HasPrefix(l, "."):
		h.Kind, h.Match = HostDotSuffix, l
	case strings.HasSuffix(l, ".*"):
		h.Kind, h.Match = HostPrefix, l[:len(l)-1]
	default:
		h.Kind, h.Match = HostExact, l
	}
	core := strings.Trim(h.Match, ".")
	if core == "" {
		return h, fmt.Errorf("no name around the wildcard")
	}
	if strings.Contains(core, "*") {
		return h, fmt.Errorf("nginx accepts '*' only as a whole first or last label (\"*.example.org\", \"mail.*\") and refuses the configuration otherwise; use a regex host such as ~^www\\..+\\.example\\.org$")
	}
	if strings.Contains(core, "..") {
		return h, fmt.Errorf("empty label in host")
	}
	if i := strings.IndexFunc(core, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_')
	}); i >= 0 {
		if strings.Contains(core, ":") && !strings.HasPrefix(core, "[") {
			return h, fmt.Errorf("a port in a host is never matched: nginx compares the Host header without its port; use EXTERNAL_HTTP_PORT or EXTERNAL_HTTPS_PORT")
		}
		return h, fmt.Errorf("character %q is not allowed in a host name (letters, digits, '-', '_' and '.')", core[i])
	}
	return h, nil
}

// checkRegex accepts the patterns whose meaning is the same in nginx's PCRE
// and in an RE2 engine, so that the caller can both evaluate them here and
// hand them to HAProxy; PCRE-only constructs are refused with the reason.
func checkRegex(p string) error {
	if _, err := syntax.Parse(p, syntax.Perl); err != nil {
		return fmt.Errorf("regex not supported: %v (backreferences, lookaround, possessive and atomic groups have no exact equivalent; rewrite it without them)", err)
	}
	return nil
}

// SortHosts orders hosts in nginx's precedence for one request: exact names,
// then suffix wildcards longest first, then prefix wildcards longest first,
// then regexes in the order nginx-proxy writes them (sorted by the whole
// entry, as its template ranges over a map). A request goes to the first
// host in this order that matches; the caller's rules must keep that order.
func SortHosts(hs []Host) { slices.SortStableFunc(hs, compareHosts) }

func hostRank(h Host) int {
	switch h.Kind {
	case HostExact:
		return 0
	case HostSuffix, HostDotSuffix:
		return 1
	case HostPrefix:
		return 2
	}
	return 3
}

func compareHosts(a, b Host) int {
	ra, rb := hostRank(a), hostRank(b)
	if ra != rb {
		return cmp.Compare(ra, rb)
	}
	if ra == 1 || ra == 2 {
		if c := cmp.Compare(len(b.Match), len(a.Match)); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.Name, b.Name)
}

// SelectHost returns the index in hs of the host nginx serves a request for
// name with, or -1: nginx-proxy then answers from its default host, or 503
// (see doc.go).
func SelectHost(hs []Host, name string) int {
	order := make([]int, len(hs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareHosts(hs[a], hs[b]) })
	for _, i := range order {
		if hs[i].Matches(name) {
			return i
		}
	}
	return -1
}
