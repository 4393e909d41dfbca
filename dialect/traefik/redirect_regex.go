package traefik

import (
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Traefik's redirectRegex (pkg/middlewares/redirect) builds the URL of a
// request, scheme://Host/request-URI (https when the connection is TLS,
// the Host header as sent, the path as its entry point cleaned it and the
// query as sent), replaces every match of its regex in it (Go's
// ReplaceAllString, $1 and ${name} expanded) and, when the result differs,
// answers a redirect there: 302 for GET and 307 for any other method (HEAD
// too), 301 and 308 with permanent. A URL that does not match, or that
// the replacement leaves as it was, goes on. HAProxy does the same with
// regsub on the URL it builds from ssl_fc, the Host header and pathq, the
// regex rewritten for PCRE where the two mean the same
// (rule.TranslateCapturing) and refused where they might not.

// maxGroupRef is the highest group regsub's \N refers to.
const maxGroupRef = 9

func applyRedirectRegex(c *mwContext, m *mw) {
	re, repl, perm := m.opt("regex"), m.opt("replacement"), m.opt("permanent")
	src := re.String()
	p, err := rule.TranslateCapturing(src)
	if err != nil {
		c.refuse(m.src(re), m, "regex %s: %v", model.Printable(src), err)
		return
	}
	// Go's ReplaceAllString and HAProxy's regsub step over empty matches
	// differently; a pattern that needs a character never meets one.
	goRe, err := regexp.Compile(src)
	if err != nil {
		c.refuse(m.src(re), m, "regex %s: %v", model.Printable(src), err)
		return
	}
	if goRe.MatchString("") {
		c.refuse(m.src(re), m, "regex %s matches an empty string, where Go and HAProxy replace differently: make it match at least one character (^http://www\\.(.*), not ^)", model.Printable(src))
		return
	}
	format, why := urlFormat(repl.String(), p)
	if why != "" {
		c.refuse(m.src(repl), m, "replacement %s %s", model.Printable(repl.String()), why)
		return
	}
	b := c.a.Backend()
	if b.Answer != nil {
		// HAProxy's ping answers other methods than GET and HEAD with 405
		// among the checks; Traefik's middleware runs before its ping.
		c.refuse(m.src(re), m, "HAProxy answers ping@internal checking the method before any redirect, where Traefik redirects first: not converted on a router to ping@internal")
		return
	}
	// What an earlier middleware changed, Traefik's URL has changed too;
	// HAProxy's redirect comes before its path rewrites and request headers.
	if len(b.PathEdits) > 0 {
		c.refuse(m.src(re), m, "a middleware before it rewrites the path, and Traefik matches the rewritten URL; HAProxy redirects by the path that was sent: name it before the path rewrites")
		return
	}
	if slices.ContainsFunc(b.Headers, func(h model.Header) bool {
		return !h.Response && h.Action != "del" && strings.EqualFold(h.Name, "Host")
	}) {
		c.refuse(m.src(re), m, "a headers middleware before it sets Host, which Traefik's URL then holds; HAProxy redirects by the Host that was sent: name it before that middleware")
		return
	}
	if names := responseHeaders(b); len(names) > 0 {
		c.differ(m.src(re), m, "HAProxy's redirect answers lack the response headers set before it (%s), which Traefik's carry", strings.Join(names, ", "))
	}
	c.a.HTTPOnly("middleware "+m.m.Name, m.src(re))
	b.URLRedirects = append(b.URLRedirects, model.URLRedirect{Regex: p.PCRE, Format: format, Permanent: perm.Bool(), Source: m.src(re)})
	c.urlRedirects = append(c.urlRedirects, pendingRedirect{index: len(b.URLRedirects) - 1, before: checksOf(b), m: m})
}

// responseHeaders names the response headers a backend sets: HAProxy
// adds none of them to the responses it makes itself.
func responseHeaders(b *model.Backend) []string {
	var names []string
	for _, h := range b.Headers {
		if h.Response && h.Action != "del" && !slices.Contains(names, h.Name) {
			names = append(names, h.Name)
		}
	}
	if b.HSTS > 0 {
		names = append(names, "Strict-Transport-Security")
	}
	if len(b.CORS) > 0 {
		names = append(names, "Access-Control-Allow-Origin")
	}
	return names
}

// checks is what a backend does to a request before its URL redirects:
// the redirect to https, and the policy (and the CORS preflight answer
// the template puts with it).
type checks struct {
	httpsOnly bool
	policy    model.Policy
	cors      int
}

func checksOf(b *model.Backend) checks {
	return checks{httpsOnly: b.HTTPSOnly, policy: b.Policy, cors: len(b.CORS)}
}

// pendingRedirect is a redirectRegex applied, and the checks the backend
// had then: those added by later middlewares come after it in Traefik.
type pendingRedirect struct {
	index  int
	before checks
	m      *mw
}

// placeRedirects puts each URL redirect where Traefik runs it, once every
// middleware is applied: after the checks when none came after it, first
// when all did; checks on both sides are refused, HAProxy having one
// place before them and one after.
func (c *mwContext) placeRedirects() {
	b := c.a.Backend()
	now := checksOf(b)
	for _, r := range c.urlRedirects {
		switch {
		case reflect.DeepEqual(r.before, now):
		case reflect.DeepEqual(r.before, checks{}):
			b.URLRedirects[r.index].First = true
		default:
			c.refuse(r.m.src(nil), r.m, "middlewares before it and after it redirect to https or check requests (an allow list, basic auth, a rate limit, a body limit, CORS); HAProxy redirects by regex before all of those or after all of them: name it first, or after them")
		}
	}
}

// urlFormat turns a Go replacement (regexp.Expand: $1, ${1}, $name,
// ${name}; a group that does not exist is empty) into regsub's format
// (\N), or says why not: its text must be URL characters that go into the
// config, a Location header and Go's URL parser unchanged, and the result
// a URL starting with http://, https:// or /, which Go writes back as it
// reads it (Traefik sends the parsed URL).
func urlFormat(with string, p *rule.Pattern) (string, string) {
	if !strings.HasPrefix(with, "http://") && !strings.HasPrefix(with, "https://") && !strings.HasPrefix(with, "/") {
		return "", "does not start with http://, https:// or /: a URL of another scheme, or none, is not converted"
	}
	var format, sample strings.Builder
	for i := 0; i < len(with); {
		ch := with[i]
		if ch != '$' {
			if !urlChar(ch) {
				return "", "holds " + strconv.QuoteRune(rune(ch)) + ": letters, digits, - . _ ~ : / ? @ ! & ( ) * + , ; = and $N references are converted"
			}
			format.WriteByte(ch)
			sample.WriteByte(ch)
			i++
			continue
		}
		name, n := expandName(with[i+1:])
		if n == 0 {
			return "", "holds a $ that names no group ($$ or a lone $, which Traefik writes as $): not converted"
		}
		i += 1 + n
		g := referencedGroup(name, p)
		switch {
		case g < 0:
			continue // no such group: nothing, in Go
		case g > maxGroupRef:
			return "", "refers to group " + strconv.Itoa(g) + "; HAProxy refers to 9 at most"
		}
		format.WriteString(`\` + strconv.Itoa(g))
		sample.WriteString("x")
	}
	if u, err := url.Parse(sample.String()); err != nil || u.String() != sample.String() {
		return "", "is not a URL that Go's parser, through which Traefik sends it, leaves as it is"
	}
	return format.String(), ""
}

// urlChar reports whether c may be written as it is in a replacement:
// unreserved and sub-delimiter characters of a URL and : / ? @, less '$'
// (Go's references), the quote and '%'.
func urlChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~:/?@!&()*+,;=", c) >= 0
}
