package model

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// unsafeChar explains the first character of s that HAProxy's tokenizer
// would treat specially, or returns "" when there is none. Every value that
// can reach the config passes through here before any grammar check, so the
// message names the real danger rather than a generic "invalid".
func UnsafeChar(s string) string {
	for _, r := range s {
		if unsafeRune(r) {
			return unsafeWhy(r)
		}
	}
	return ""
}

// unsafeRune reports the characters unsafeWhy describes; invalid UTF-8
// ranges as utf8.RuneError, which is one of them (above 0x7e).
func unsafeRune(r rune) bool {
	switch r {
	case ' ', '#', '"', '\'', '`', '$', '%', '\\':
		return true
	}
	return r < 0x20 || r > 0x7e
}

func unsafeWhy(r rune) string {
	switch {
	case r == utf8.RuneError:
		return "is not valid UTF-8"
	case r == '\n' || r == '\r':
		return "contains a line break, which would start a new HAProxy directive"
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf("contains the control character %U, which HAProxy would read as a word or line break", r)
	case r == ' ':
		return "contains a space, which HAProxy reads as the end of a word"
	case r == '#':
		return "contains '#', which starts a comment in haproxy.cfg"
	case r == '"' || r == '\'' || r == '`':
		return fmt.Sprintf("contains the quote %q, which HAProxy's tokenizer interprets", r)
	case r == '$':
		return "contains '$', which HAProxy expands as an environment variable"
	case r == '%':
		return "contains '%', which HAProxy reads as a log-format variable"
	case r == '\\':
		return "contains a backslash, which HAProxy reads as an escape"
	}
	return fmt.Sprintf("contains the non-ASCII character %q; write host names in punycode, like xn--bcher-kva.de", r)
}

var (
	durationRe   = regexp.MustCompile(`^[0-9]{1,9}(us|ms|s|m|h|d)$`)
	bareNumberRe = regexp.MustCompile(`^[0-9]+$`)
	filePathRe   = regexp.MustCompile(`^[A-Za-z0-9._/+@-]+$`)
)

// checkHost validates a lower-cased host name, which may be a wildcard
// ("*.example.com") when wildcard is true. It returns what is wrong, or "".
func checkHost(h string, wildcard bool) string {
	if p := UnsafeChar(h); p != "" {
		return p
	}
	name := h
	if wildcard && strings.HasPrefix(h, "*.") {
		name = h[2:]
	}
	switch {
	case name == "":
		return "is empty"
	case strings.HasPrefix(name, "."):
		return "starts with a dot"
	case strings.HasSuffix(name, "."):
		return "ends with a dot"
	case strings.Contains(name, "*"):
		if wildcard {
			return "has a '*' that is not a leading \"*.\" label"
		}
		return "contains '*'"
	case len(name) > 253:
		return "is longer than 253 characters"
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" {
			return "is not a valid host name: it has two dots in a row"
		}
		if !isHostLabel(label) {
			return fmt.Sprintf("is not a valid host name: its label %q is not 1 to 63 letters, digits and inner '-'", label)
		}
	}
	if name != h && !strings.Contains(name, ".") {
		return `is a wildcard over a whole top-level domain: it needs at least two labels after "*."`
	}
	return ""
}

var (
	serviceNameRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$`)
	numberRe      = regexp.MustCompile(`^([0-9]+|0[xX][0-9A-Fa-f]+)$`)
)

// checkServiceName validates a compose service name, which HAProxy
// resolves through Docker's DNS (server-template): it must be one DNS
// label, or HAProxy connects to an address (a service named 127.0.0.1) or
// looks up a domain that is not the service.
func checkServiceName(n string) string {
	if prob := UnsafeChar(n); prob != "" {
		return prob
	}
	if _, err := netip.ParseAddr(n); err == nil {
		return "is an IP address: HAProxy would connect to that address instead of the service"
	}
	if numberRe.MatchString(n) {
		return "is a number, which resolvers read as an IPv4 address (2130706433 is 127.0.0.1)"
	}
	if !serviceNameRe.MatchString(n) {
		return "is not a DNS label (1 to 63 letters, digits, inner '-' and '_', no dots), so Docker's DNS would not answer for it alone"
	}
	return ""
}

// isHostLabel reports whether l is a DNS label: 1 to 63 lower-case
// letters, digits and inner '-'. A loop rather than a regexp: every host
// of a long list goes through it.
func isHostLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := range len(l) {
		if c := l[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// pathPunct are the characters besides ASCII letters and digits that a
// path may hold wherever one is written (a path= tag, a dialect's path,
// a rewrite): none needs quoting in haproxy.cfg, and of those only the
// dot means something in a regex, which render quotes (PathRegex).
const pathPunct = "._~/-"

// PathCharsDoc names them for messages.
const PathCharsDoc = "letters, digits and . _ ~ / -"

// OnlyPathChars reports whether s holds only letters, digits and
// pathPunct.
func OnlyPathChars(s string) bool { return onlyChars(s, pathPunct) }

// onlyChars reports whether s holds only ASCII letters, digits and the
// characters of punct.
func onlyChars(s, punct string) bool {
	for i := range len(s) {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && strings.IndexByte(punct, c) < 0 {
			return false
		}
	}
	return true
}

// checkPath validates a path prefix and returns it without a trailing
// slash ("/" becomes "", which matches every path).
func checkPath(p string) (string, string) {
	if prob := UnsafeChar(p); prob != "" {
		return "", prob
	}
	if !strings.HasPrefix(p, "/") {
		return "", "does not start with '/'"
	}
	if !OnlyPathChars(p) {
		return "", "has characters other than " + PathCharsDoc
	}
	if strings.Contains(p, "//") {
		return "", "contains an empty segment (\"//\")"
	}
	return strings.TrimRight(p, "/"), ""
}

func checkCheckPath(p string) string {
	if prob := UnsafeChar(p); prob != "" {
		return prob
	}
	// A check's path may carry a query.
	if !strings.HasPrefix(p, "/") || !onlyChars(p, pathPunct+"?=&") {
		return "is not a path like /health (" + PathCharsDoc + ", and ? = & only)"
	}
	return ""
}

// normDuration checks a duration and writes it in one unit HAProxy reads:
// "30s" as it is, a Go-style duration as Consul takes it ("1m30s") as
// "90s". A bare number is an error: HAProxy reads milliseconds where most
// people mean seconds.
func normDuration(d string) (string, string) {
	if prob := UnsafeChar(d); prob != "" {
		return "", prob
	}
	if bareNumberRe.MatchString(d) {
		return "", fmt.Sprintf("has no unit, which HAProxy reads as milliseconds: write %ss for seconds (or %sms)", d, d)
	}
	const notDuration = "is not a duration like 500ms, 5s, 1m or 1m30s"
	norm, micros := d, int64(0)
	if m := durationRe.FindStringSubmatch(d); m != nil {
		n, _ := strconv.ParseInt(d[:len(d)-len(m[1])], 10, 64)
		if n > MaxTimerMillis*1000/unitMicros[m[1]] {
			return "", "is longer than HAProxy's longest timer (24 days)"
		}
		micros = n * unitMicros[m[1]]
	} else {
		// Go's form, several units ("1m30s") or a fraction ("1.5s"), in the
		// largest unit that holds it exactly.
		gd, err := time.ParseDuration(d)
		if err != nil || gd < 0 {
			return "", notDuration
		}
		micros = gd.Microseconds()
		for _, u := range []string{"h", "m", "s", "ms", "us"} {
			if micros%unitMicros[u] == 0 {
				norm = strconv.FormatInt(micros/unitMicros[u], 10) + u
				break
			}
		}
	}
	switch {
	case micros > MaxTimerMillis*1000:
		return "", "is longer than HAProxy's longest timer (24 days)"
	case micros < 1000:
		return "", "is shorter than 1ms"
	}
	return norm, ""
}

const MaxTimerMillis = 1<<31 - 1

var unitMicros = map[string]int64{"us": 1, "ms": 1000, "s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000, "d": 86_400_000_000}

// parseInt parses a whole number in [lo, hi].
func ParseInt(s string, lo, hi int) (int, string) {
	if prob := UnsafeChar(s); prob != "" {
		return 0, prob
	}
	// Digits only: Atoi also takes a sign, which an address keeps verbatim.
	n, err := strconv.Atoi(s)
	if err != nil || strings.TrimLeft(s, "0123456789") != "" || n < lo || n > hi {
		return 0, fmt.Sprintf("is not a whole number from %d to %d", lo, hi)
	}
	return n, ""
}

// algorithm is one of HAProxy's balance algorithms a backend may have;
// an http one needs HTTP: on a TCP service HAProxy would fall back to
// roundrobin.
type algorithm struct {
	name string // hdr(NAME) stands for any header name
	http bool
}

// balanceAlgos are the algorithms in the documentation's order, the
// default first.
var balanceAlgos = []algorithm{{"roundrobin", false}, {"static-rr", false}, {"leastconn", false}, {"source", false},
	{"first", false}, {"random", false}, {"uri", true}, {"hdr(NAME)", true}}

// DefaultBalance is a backend's balance algorithm unless it names one.
var DefaultBalance = balanceAlgos[0].name

// findBalance finds b among balanceAlgos; false when it is none.
func findBalance(b string) (algorithm, bool) {
	if name, ok := strings.CutPrefix(b, "hdr("); ok && strings.HasSuffix(name, ")") && headerNameRe.MatchString(name[:len(name)-1]) {
		b = "hdr(NAME)"
	}
	i := slices.IndexFunc(balanceAlgos, func(a algorithm) bool { return a.name == b })
	if i < 0 {
		return algorithm{}, false
	}
	return balanceAlgos[i], true
}

// balanceNames lists the algorithms' names through format: all of them,
// or only those that do not need HTTP.
func balanceNames(http bool, format func(string) string) []string {
	var names []string
	for _, a := range balanceAlgos {
		if http || !a.http {
			names = append(names, format(a.name))
		}
	}
	return names
}

func checkBalance(b string) string {
	if prob := UnsafeChar(b); prob != "" {
		return prob
	}
	if _, ok := findBalance(b); !ok {
		return "is not a balance algorithm (use " + orList(balanceNames(true, func(s string) string { return s })) + ")"
	}
	return ""
}

// PlainPath reports whether HAProxy reads path as one plain file name,
// even inside map(…): letters, digits and . _ - / + @ only.
func PlainPath(path string) bool { return filePathRe.MatchString(path) }

// balanceDoc is the balance tag's doc: every algorithm, the default first.
func balanceDoc() string {
	names := balanceNames(true, func(s string) string { return "`" + s + "`" })
	names[0] += " (default)"
	return strings.Join(names, ", ")
}

// orList joins items as "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
