package rule

import (
	"net/netip"
)

// HostMatch tests the request's host (HTTP) or the TLS SNI (TCP), taken in
// lower case, without a port. Exactly one of Names and Pattern is set.
type HostMatch struct {
	// Names: the host is one of these (lower case).
	Names []string
	// Pattern: the host matches this pattern somewhere (see Pattern.PCRE).
	Pattern *Pattern
	// TrailingDot: a host ending in one '.' is tested without it
	// (Traefik's Host matcher; not its regexp matchers, not SNI).
	TrailingDot bool
	// Wildcard is set when Pattern is a one-label wildcard, for display and
	// for ownership checks: "*.example.com". Host(`*.example.com`) also
	// matches an empty first label; HostRegexp(`{sub}.example.com`) does not:
	// Pattern says which.
	Wildcard string
}

// PathMatch tests the request path, as Traefik routes it: percent-encoded
// unreserved characters decoded (/%61pi is /api), reserved ones kept. Exactly
// one field is set.
type PathMatch struct {
	Exact   string   // the path is this
	Prefix  string   // the path starts with this, a plain string prefix: /api matches /apix
	Pattern *Pattern // the path matches this somewhere
}

// HeaderMatch tests request header lines named Name (case-insensitive): one
// line's whole value (commas included, as HAProxy's req.fhdr sees it) is
// Value, or matches Pattern.
type HeaderMatch struct {
	Name    string // canonical form, e.g. X-Forwarded-Proto
	Value   string
	Pattern *Pattern // when set, Value is empty
}

// QueryMatch tests the query parameter Key, its key and value compared
// after percent-decoding ('+' is a space).
type QueryMatch struct {
	Key     string
	Value   string   // the value is exactly this (may be empty: ?key or ?key=)
	Pattern *Pattern // or matches this
	Any     bool     // or: the key is present, any value
	// First: only the first occurrence of Key counts (v2); otherwise any
	// occurrence may match (v3).
	First bool
}

// Cond is one test; exactly one of its fields besides Matcher is set.
type Cond struct {
	Matcher  string // the matcher it comes from, as printed by String, for messages
	Host     *HostMatch
	Path     *PathMatch
	Methods  []string       // the method is one of these (upper case, compared as sent)
	Header   *HeaderMatch   //
	Query    *QueryMatch    //
	ClientIP []netip.Prefix // the TCP peer's address is in one of these
	ALPN     []string       // the client offers one of these protocols
}

// Conjunction is one branch of a translated rule: a request matches it when
// every field that is set holds, every Also holds and no Not holds. The zero
// Conjunction matches everything. Each branch becomes one HAProxy rule.
type Conjunction struct {
	Host     *HostMatch
	Path     *PathMatch
	Methods  []string // one of these
	Headers  []HeaderMatch
	Queries  []QueryMatch
	ClientIP []netip.Prefix // in one of these
	ALPN     []string       // one of these
	// Also holds further positive tests that could not be merged into the
	// fields above (a second, different host or path test).
	Also []Cond
	// Not holds tests that must all fail (HAProxy: !acl).
	Not []Cond
	// Matchers lists, as printed by String, the matchers this branch tests.
	Matchers []string
}
