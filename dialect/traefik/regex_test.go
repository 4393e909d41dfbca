package traefik

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
)

func pattern(t *testing.T, src string) *rule.Pattern {
	t.Helper()
	return &rule.Pattern{Source: src}
}

// HostRegexp becomes hosts only when the model matches exactly the same
// names: a finite list, or any name ending in .suffix.
func TestRegexpHosts(t *testing.T) {
	for _, tt := range []struct {
		re   string
		want string // hosts joined by spaces, or "!" and a part of the reason
	}{
		{`^(www\.)?example\.com$`, "example.com www.example.com"},
		{`^(?:api|app)\.example\.com$`, "api.example.com app.example.com"},
		{`(?i)^WWW\.Example\.com$`, "www.example.com"},
		{`^[ab]\.example\.com$`, "a.example.com b.example.com"},
		{`^.+\.example\.com$`, "*.example.com"},
		{`\.example\.com$`, "*.example.com"},
		{`^.*\.example\.com$`, "*.example.com"},
		{`^Upper\.example\.com$`, "!matches no host"},
		{`^[a-z]+\.example\.com$`, "!more than"},
		{`example\.com$`, "!not a whole label"},
		{`^example\.com`, "!not anchored"},
		{`^(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)\.com$`, "!more than 64"},
	} {
		t.Run(tt.re, func(t *testing.T) {
			hosts, why := regexpHosts(pattern(t, tt.re))
			got := strings.Join(hosts, " ")
			if why != "" {
				got = "!" + why
			}
			if got != tt.want && !(strings.HasPrefix(tt.want, "!") && strings.Contains(got, tt.want[1:])) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRegexpPaths(t *testing.T) {
	for _, tt := range []struct {
		re   string
		want string
	}{
		{`^/api$`, "[/api exact]"},
		{`^/api`, "[/api begins]"},
		{`^/api/.*`, "[/api/ begins]"},
		{`^/(api|v2)(/.*)?$`, "[/api/ begins /api exact /v2/ begins /v2 exact]"},
		{`^/v[12]/`, "[/v1/ begins /v2/ begins]"},
		{`^/api/.+`, "!more than"},
		{`/api`, "!not anchored at the start"},
		{`^/item/[0-9]+$`, "!more than"},
		{`^(?i)/api`, "!more than"},
	} {
		t.Run(tt.re, func(t *testing.T) {
			ps, why := regexpPaths(pattern(t, tt.re))
			var parts []string
			for _, p := range ps {
				parts = append(parts, p.Prefix+" "+string(p.Kind))
			}
			got := fmt.Sprint(parts)
			if why != "" {
				got = "!" + why
			}
			if got != tt.want && !(strings.HasPrefix(tt.want, "!") && strings.Contains(got, tt.want[1:])) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRegexpValues(t *testing.T) {
	for _, tt := range []struct {
		re   string
		want string
	}{
		{`^(beta|canary)$`, "beta canary"},
		{`^1$`, "1"},
		{`beta`, "!not anchored"},
		{`^v[0-9]+$`, "!more than 8"},
	} {
		t.Run(tt.re, func(t *testing.T) {
			vs, why := regexpValues(pattern(t, tt.re))
			got := strings.Join(vs, " ")
			if why != "" {
				got = "!" + why
			}
			if got != tt.want && !(strings.HasPrefix(tt.want, "!") && strings.Contains(got, tt.want[1:])) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// replacePathRegex's replacement reads Go's references as
// regexp.Expand does: ${01} is a name (no group here: empty), not group 1.
func TestReplacementFormatReadsReferencesAsGo(t *testing.T) {
	for _, tc := range []struct{ regex, repl, want string }{
		{`^/old/([0-9]+)`, "/new/$1", `/new/\1`},
		{`^/old/([0-9]+)`, "/new/${1}x", `/new/\1x`},
		{`^/old/([0-9]+)`, "/new/${01}", `/new/`},
		{`^/old/([0-9]+)`, "/new/$1x", `/new/`},
		{`^/old/(?P<id>[0-9]+)`, "/new/$id", `/new/\1`},
	} {
		p, err := rule.TranslateCapturing(tc.regex)
		if err != nil {
			t.Fatal(err)
		}
		if got, why := replacementFormat(tc.repl, p); got != tc.want || why != "" {
			t.Errorf("replacementFormat(%q) for %s = %q, %q; want %q", tc.repl, tc.regex, got, why, tc.want)
		}
	}
}
