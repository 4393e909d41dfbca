package traefik

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
)

// imageVersion is the version of a Traefik image by its tag: traefik:v3.1
// is 3 and 1, traefik:3 and latest (v3 since 2024) are 3 and -1 (minor
// unknown), traefik:v2.11 is 2 and 11; major 0 when the tag does not say
// (a code name, a digest only, another image).
func imageVersion(image string) (major, minor int) {
	image, digest, _ := strings.Cut(image, "@")
	if i := strings.LastIndexByte(image, '/'); i >= 0 {
		image = image[i+1:]
	}
	name, tag, ok := strings.Cut(image, ":")
	switch {
	case name != "traefik" || !ok && digest != "":
		return 0, -1
	case !ok || tag == "latest":
		return 3, -1
	}
	tag, _, _ = strings.Cut(strings.TrimPrefix(tag, "v"), "-")
	parts := strings.Split(tag, ".")
	major, err := strconv.Atoi(parts[0])
	if err != nil || major < 2 || major > 3 {
		return 0, -1
	}
	minor = -1
	if len(parts) > 1 {
		if n, err := strconv.Atoi(parts[1]); err == nil {
			minor = n
		}
	}
	return major, minor
}

// syntaxOf is the syntax Traefik reads a router's rule in, and why: the
// router's ruleSyntax (Traefik v3), else the Traefik service's
// core.defaultRuleSyntax (not for a default rule, which Traefik reads in
// v3's), else its image's version; SyntaxAuto (v3, falling back to v2)
// when nothing says.
func (pr *project) syntaxOf(ruleSyntax *config.Node, defaultRule bool) (rule.Syntax, string) {
	if ruleSyntax.Set() {
		return rule.Syntax(strings.ToLower(ruleSyntax.String())), ruleSyntax.Name
	}
	if pr.traefik == nil {
		return rule.SyntaxAuto, ""
	}
	if n := pr.static.Tree.Lookup("core.defaultRuleSyntax"); n.Set() && !defaultRule {
		switch v := strings.ToLower(n.String()); v {
		case "v2", "v3":
			return rule.Syntax(v), "the Traefik service's core.defaultRuleSyntax"
		}
	}
	switch major, _ := imageVersion(pr.traefik.Image); major {
	case 2:
		return rule.SyntaxV2, "Traefik v2 (the image " + pr.traefik.Image + ")"
	case 3:
		return rule.SyntaxV3, "Traefik v3 (the image " + pr.traefik.Image + ")"
	}
	return rule.SyntaxAuto, ""
}

// parseRule reads a router's rule as Traefik would (syntaxOf): what a v3
// Traefik would not read as written (v2's Host(`a`, `b`), a {name:regexp}
// placeholder) is refused, naming ruleSyntax=v2; read as v2 with no word
// from the project on its version, a warning says so. why is a refusal,
// warn a difference.
func (pr *project) parseRule(text string, ruleSyntax *config.Node, defaultRule bool, kind rule.Kind, key string) (r *rule.Rule, why, warn string) {
	syn, by := pr.syntaxOf(ruleSyntax, defaultRule)
	opts := rule.Options{Syntax: syn, Kind: kind}
	if syn == rule.SyntaxV3 {
		opts.Syntax = rule.SyntaxAuto // to tell a v2 rule from a broken one
	}
	r, err := rule.Parse(text, opts)
	switch {
	case err != nil:
		return nil, fmt.Sprintf("rule: %v", err), ""
	case r.Syntax == rule.SyntaxV2 && syn == rule.SyntaxV3:
		fix := fmt.Sprintf("set %s.ruleSyntax=v2, or write it in v3's syntax", key)
		if inner, ok := strings.CutPrefix(r.Why, "not valid v3 syntax ("); ok {
			return nil, fmt.Sprintf("rule: written in Traefik v2's syntax, which %s does not read (%s): Traefik drops the router; %s", by, strings.TrimSuffix(inner, ")"), fix), ""
		}
		return nil, fmt.Sprintf("rule: written in Traefik v2's syntax: %s, and %s reads {name:regexp} as part of the value, not as a placeholder, so the router would match other requests; %s", r.Why, by, fix), ""
	case r.Syntax == rule.SyntaxV2 && syn == rule.SyntaxAuto:
		warn = fmt.Sprintf("the rule is read in Traefik v2's syntax (%s), as Traefik v2 reads it; Traefik v3 drops the router unless %s.ruleSyntax=v2 (nothing in the project says which Traefik it is)", r.Why, key)
	}
	return r, "", warn
}
