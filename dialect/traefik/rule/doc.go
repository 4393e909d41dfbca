// Package rule reads Traefik's router rules (the value of
// traefik.http.routers.<name>.rule and traefik.tcp.routers.<name>.rule) and
// says what HAProxy can do with them.
//
// It exists because a rule is a small language, not a pattern: matchers
// joined by &&, || and !, in two syntaxes (Traefik v2's, and v3's, its
// default), and a rule HAProxy cannot express exactly must be an error that
// names the part, never a silently different route. The package uses only
// the standard library so that any dialect package can import it.
//
//	r, err := rule.Parse("Host(`example.com`) && PathPrefix(`/api`)", rule.Options{})
//	branches, err := r.Translate() // one HAProxy rule per branch
//	prio := r.DefaultPriority()   // len(rule), Traefik's default
//
// # Reading
//
// Parse follows what Traefik does (it hands the rule to Go's expression
// parser): matcher names as documented, all lower case, all upper case or
// capitalised ("Pathprefix"); arguments are Go string literals in backquotes
// or double quotes (single quotes are refused, as by Traefik); a trailing
// comma is allowed; && binds tighter than ||; ! applies to a matcher or a
// parenthesised group; a line break after a matcher ends the rule (Go's
// semicolon rule). The matchers, their number of arguments and the checks on
// their values (empty arguments, bad regexps, bad IPs, paths not starting
// with '/') are Traefik's, per syntax and router kind; see the table in
// matchers.go. Options.Syntax picks v2 or v3; left empty, a rule is read as
// v3 and falls back to v2 when it is valid only in v2 (Host(`a`, `b`)) or
// when a template matcher holds a {name:regexp} placeholder that v3 would
// take literally; Rule.Syntax and Rule.Why report the choice.
//
// Limits, so that any input costs bounded time and memory: MaxRuleLen bytes
// of rule, MaxDepth levels of parentheses and !, MaxConjunctions branches
// after distributing && over ||, MaxRegexpLen bytes per regexp. Each is an
// ErrLimit error naming the limit.
//
// # Meaning
//
// Translate returns an OR of Conjunctions. The semantics carried into them
// are Traefik's, not compose2haproxy's, so the caller can decide:
//   - Host compares the host lower-cased, without its port, ignoring one
//     trailing dot; `*` matches every request; `*.example.com` (v3) is one
//     label, possibly empty. HostRegexp (v3) searches a Go regexp in the
//     lower-cased host, unanchored; v2's HostRegexp is a template matched
//     against the whole host, case-insensitively.
//   - Path is exact; PathPrefix is a plain string prefix, not segment-aware:
//     PathPrefix(`/api`) matches /apix. Traefik matches the path with
//     percent-encoded unreserved characters decoded; HAProxy's path is as sent.
//   - Header compares a whole header line (HAProxy's req.fhdr, all
//     occurrences); Query compares decoded values, any occurrence in v3, the
//     first in v2 (QueryMatch.First).
//   - ClientIP is the TCP peer (HAProxy's src), not X-Forwarded-For.
//   - Priority defaults to the rule's length in bytes, in v2 and v3; a TCP
//     rule that is exactly HostSNI(`*`) gets -1.
//
// # Subset accepted and refused
//
// Negation is kept as a test that must fail (HAProxy's !acl), so every
// matcher may be negated. Refused, with ErrUnsupported and the part:
//   - host names ending in '.' (Traefik then also matches two trailing dots);
//     '*' anywhere but a whole name or a leading "*." label (Traefik never
//     matches those); in v2, names with '*' (compared literally);
//   - values with control characters, invalid header names, methods that
//     are not tokens (no request can match them);
//   - regexps outside the subset below; query keys with placeholders;
//   - rules whose branches all contradict each other (never match).
//
// Regular expressions are never passed through unchecked. Traefik compiles
// them with Go's RE2; HAProxy with PCRE2, without UTF mode. A pattern is
// accepted when its meaning is the same in both for HAProxy's question (does
// it match somewhere), and is rewritten from Go's parse tree (Pattern.PCRE):
// printable ASCII source only; literals (non-ASCII ones by their UTF-8
// bytes), ASCII classes, groups (made non-capturing), alternation, *, +, ?,
// {n,m} up to 1000 (greediness does not change whether it matches), ^ and $
// without (?m) ($ becomes \z: PCRE's $ also matches before a final newline),
// (?i) on ASCII letters (written [Aa]; Go would also fold the Kelvin sign
// and the long s, which no host name holds). Refused: . and negated classes
// except directly under * or + (Go counts characters, PCRE bytes; only an
// unbounded repetition with a minimum of 0 or 1 makes them agree), classes
// with some but not all non-ASCII characters, \b and \B, (?m) anchors,
// nested unbounded repetition such as (a+)+ (exponential backtracking in
// PCRE), patterns that cannot match. v2 templates are expanded as Traefik's
// mux does (a {name} placeholder is [^.]+ in hosts, [^/]+ in paths) and the
// result goes through the same check.
package rule
