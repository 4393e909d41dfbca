package traefik

import (
	"regexp"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
)

// A replacement turned into regsub's format gives, for every URL, what
// Go's ReplaceAllString gives Traefik. The format is applied here as
// HAProxy's regsub applies it (\N a group's text, \0 the match, nothing
// for a group that did not match), on Go's matches of the same regex.
func TestURLFormatExpandsAsGoDoes(t *testing.T) {
	urls := []string{
		"http://www.example.com/a/b?x=1",
		"https://example.com/2019/hello?x=1&y=2",
		"http://blog.example.com:8080/2019/",
	}
	for _, tc := range []struct{ regex, repl string }{
		{`^https?://www\.(.*)`, "https://${1}"},
		{`^https?://www\.(.*)`, "https://$1"},
		{`^https?://(?P<host>[^/]+)/([0-9]{4})/(.*)`, "https://${host}/posts/${2}-$3"},
		{`^https?://(?P<host>[^/]+)/([0-9]{4})/(.*)`, "https://$host/x"},
		// $1x is the group named 1x, none: empty, in Go as here.
		{`^http://(www\.)?(.*)`, "https://$1x$2"},
		{`^http://(www\.)?(.*)`, "https://${2}x"},
		// A group that does not exist, or did not match, is empty; ${01}
		// is a name, not a number.
		{`^http://(www\.)?(.*)`, "https://a/$9${01}/$2"},
		{`[0-9]+`, "/$0-n"},
		{`example`, "/ex(am)ple!*+,;=@~"},
	} {
		p, err := rule.TranslateCapturing(tc.regex)
		if err != nil {
			t.Fatalf("%s: %v", tc.regex, err)
		}
		format, why := urlFormat(tc.repl, p)
		if why != "" {
			t.Errorf("%s → %s: refused: %s", tc.regex, tc.repl, why)
			continue
		}
		re := regexp.MustCompile(tc.regex)
		for _, u := range urls {
			if got, want := regsub(re, u, format), re.ReplaceAllString(u, tc.repl); got != want {
				t.Errorf("%s with %s (format %s) on %s: %q, Go %q", tc.regex, tc.repl, format, u, got, want)
			}
		}
	}
}

// regsub is HAProxy's regsub(,,g) on Go's matches: each match replaced by
// format, \N its group.
func regsub(re *regexp.Regexp, s, format string) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		for i := 0; i < len(format); i++ {
			if format[i] == '\\' {
				i++
				if n := int(format[i] - '0'); m[2*n] >= 0 {
					b.WriteString(s[m[2*n]:m[2*n+1]])
				}
				continue
			}
			b.WriteByte(format[i])
		}
		last = m[1]
	}
	return b.String() + s[last:]
}

// What cannot reach the config, a Location header and Go's URL parser
// unchanged is refused, saying why.
func TestURLFormatRefusesWhatItCannotWriteAlike(t *testing.T) {
	p, err := rule.TranslateCapturing(`^(h)(t)(t)(p)(s)?(:)(/)(/)(w)(.*)`)
	if err != nil {
		t.Fatal(err)
	}
	for repl, want := range map[string]string{
		"https://$${2}":          "$$ or a lone $",
		"https://${2":            "$$ or a lone $",
		"https://x/$":            "$$ or a lone $",
		"https://x/%41":          "holds '%'",
		"https://x/'":            `holds '\''`,
		`https://x/"`:            `holds '"'`,
		"https://x/ y":           "holds ' '",
		"https://x/#top":         "holds '#'",
		`https://x/\1`:           `holds '\\'`,
		"https://x/[a]":          "holds '['",
		"HTTPS://x/":             "does not start with",
		"${1}ttps://x/":          "does not start with",
		"example.com/$10":        "does not start with",
		"https://x/$10":          "group 10; HAProxy refers to 9 at most",
		"https://a:b:c/":         "Go's parser",
		"https://ex$1mple.com:x": "Go's parser",
	} {
		if _, why := urlFormat(repl, p); !strings.Contains(why, want) {
			t.Errorf("urlFormat(%q): %q, want it refused saying %q", repl, why, want)
		}
	}
}
