package vars

import (
	"fmt"
	"regexp"
	"strings"
)

// PathKind is the nginx location form a VIRTUAL_PATH becomes: nginx-proxy
// writes "location <VIRTUAL_PATH> {", so the value may carry a modifier.
type PathKind int

const (
	// PathPrefix: "/api", a plain prefix (string prefix, not segments:
	// /api matches /apiary too).
	PathPrefix PathKind = iota
	// PathPrefixNoRegex: "^~ /api", a prefix that, when it is the longest
	// matching prefix, stops nginx from trying regex paths.
	PathPrefixNoRegex
	// PathExact: "= /api", the path and nothing else; checked first.
	PathExact
	// PathRegex: "~re" or "~*re" (case-insensitive), tried in order after
	// prefixes, the first matching wins over every plain prefix.
	PathRegex
)

func (k PathKind) String() string {
	return [...]string{"prefix", "prefix-no-regex", "exact", "regex"}[k]
}

// Path is one VIRTUAL_PATH (or one VIRTUAL_HOST_MULTIPORTS path key).
type Path struct {
	// Raw is the value as written; nginx-proxy names per-path files with
	// its SHA-1 (see PathHash).
	Raw  string
	Kind PathKind
	// Value is the prefix or exact path, or the regex pattern.
	Value string
	// CaseInsensitive is set for "~*" regexes.
	CaseInsensitive bool
}

// RootPath is the path of a container without VIRTUAL_PATH.
var RootPath = Path{Raw: "/", Kind: PathPrefix, Value: "/"}

// PathHash is the SHA-1 of the raw path, which nginx-proxy uses in the
// upstream name and in per-path file names (htpasswd/<host>_<hash>,
// vhost.d/<host>_<hash>_location).
func (p Path) PathHash() string { return sha1Hex(p.Raw) }

// IsRoot reports whether the path is nginx-proxy's "/" (the location that
// takes the requests no other path of the host takes).
func (p Path) IsRoot() bool { return p.Raw == "/" }

// ParsePath reads a VIRTUAL_PATH as nginx reads the location it becomes.
func ParsePath(s string) (Path, error) {
	p := Path{Raw: s}
	rest := s
	switch {
	case strings.HasPrefix(s, "~*"):
		p.Kind, p.CaseInsensitive, rest = PathRegex, true, s[2:]
	case strings.HasPrefix(s, "~"):
		p.Kind, rest = PathRegex, s[1:]
	case strings.HasPrefix(s, "^~"):
		p.Kind, rest = PathPrefixNoRegex, s[2:]
	case strings.HasPrefix(s, "="):
		p.Kind, rest = PathExact, s[1:]
	case strings.HasPrefix(s, "@"):
		return p, fmt.Errorf("a named location is never matched by a request")
	}
	if p.Kind != PathPrefix {
		// nginx takes the modifier glued or as its own argument.
		rest = strings.TrimLeft(rest, " \t")
	}
	p.Value = rest
	if p.Kind == PathRegex {
		if len(rest) > maxRegexLen {
			return p, fmt.Errorf("regex path of %d bytes (at most %d): %w", len(rest), maxRegexLen, ErrLimit)
		}
		if rest == "" {
			return p, fmt.Errorf("empty regex")
		}
		if strings.ContainsAny(rest, nginxUnsafe) {
			return p, fmt.Errorf("nginx-proxy writes the regex unquoted into a location, and nginx refuses a configuration whose regex holds spaces, quotes, ';', '{' or '}' (so every host would stop working): rewrite it without them")
		}
		return p, checkRegex(rest)
	}
	if !strings.HasPrefix(rest, "/") {
		return p, fmt.Errorf("a path must start with '/': nginx never matches %q", rest)
	}
	if strings.ContainsAny(rest, nginxUnsafe) {
		return p, fmt.Errorf("nginx-proxy writes the path unquoted into a location: spaces, quotes, ';', '{' and '}' break nginx's configuration; percent-encoding is not decoded there either")
	}
	return p, nil
}

// Matches reports whether the location matches uri (a normalized,
// percent-decoded path, as nginx matches it), ignoring precedence.
func (p Path) Matches(uri string) bool {
	switch p.Kind {
	case PathExact:
		return uri == p.Value
	case PathRegex:
		flags := ""
		if p.CaseInsensitive {
			flags = "(?i)"
		}
		re, err := regexp.Compile(flags + p.Value)
		return err == nil && re.MatchString(uri)
	}
	return strings.HasPrefix(uri, p.Value)
}

// SelectPath returns the index of the path nginx serves uri with, or -1 (then
// nginx-proxy answers DEFAULT_ROOT, 404 unless set). nginx's order: an exact
// match wins; else the longest matching prefix is remembered; if it is a
// "^~" prefix it wins; else the regexes are tried in the order nginx-proxy
// writes them (sorted by raw value) and the first match wins; else the
// remembered prefix.
func SelectPath(ps []Path, uri string) int {
	longest := -1
	for i, p := range ps {
		switch p.Kind {
		case PathExact:
			if p.Matches(uri) {
				return i
			}
		case PathPrefix, PathPrefixNoRegex:
			if p.Matches(uri) && (longest < 0 || len(p.Value) > len(ps[longest].Value)) {
				longest = i
			}
		}
	}
	if longest >= 0 && ps[longest].Kind == PathPrefixNoRegex {
		return longest
	}
	first := -1
	for i, p := range ps {
		if p.Kind == PathRegex && p.Matches(uri) && (first < 0 || p.Raw < ps[first].Raw) {
			first = i
		}
	}
	if first >= 0 {
		return first
	}
	return longest
}

// Rewrite is VIRTUAL_DEST: the part of the path the location matched is
// replaced by Dest (nginx's proxy_pass with a URI). The zero Rewrite leaves
// the path alone.
type Rewrite struct {
	// Strip is the matched prefix (the whole path for an exact location).
	Strip string
	// Dest replaces it; it starts with "/".
	Dest string
}

// Apply returns the path the server receives for uri.
func (r Rewrite) Apply(uri string) string {
	if r.Dest == "" || !strings.HasPrefix(uri, r.Strip) {
		return uri
	}
	return r.Dest + uri[len(r.Strip):]
}

// ParseDest reads VIRTUAL_DEST for a path. Empty means no rewrite.
func ParseDest(dest string, p Path) (Rewrite, error) {
	if dest == "" {
		return Rewrite{}, nil
	}
	if p.Kind == PathRegex {
		return Rewrite{}, fmt.Errorf("VIRTUAL_DEST cannot be used with a regex VIRTUAL_PATH: nginx refuses a proxy_pass with a URI in a regex location (as nginx-proxy's documentation says)")
	}
	if !strings.HasPrefix(dest, "/") {
		return Rewrite{}, fmt.Errorf("VIRTUAL_DEST must start with '/': nginx-proxy appends it to the upstream name, so %q would change the upstream nginx connects to", dest)
	}
	if strings.ContainsAny(dest, nginxUnsafe+"$") {
		return Rewrite{}, fmt.Errorf("VIRTUAL_DEST holds a space, quote, ';', '{', '}' or an nginx variable ('$'), which nginx-proxy writes into proxy_pass unquoted: refused")
	}
	return Rewrite{Strip: p.Value, Dest: dest}, nil
}

// RedirectsWithoutSlash reports nginx's rule for a prefix location ending in
// "/" served by proxy_pass (and the other *_pass): a request for the prefix
// without its slash ("/app" for "/app/") gets a 301 to the path with the
// slash, unless another location matches it exactly.
func (p Path) RedirectsWithoutSlash() bool {
	return (p.Kind == PathPrefix || p.Kind == PathPrefixNoRegex) && len(p.Value) > 1 && strings.HasSuffix(p.Value, "/")
}
