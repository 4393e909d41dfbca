package traefik

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
)

// imageMajor is the major version of a Traefik image by its tag:
// traefik:v3.1 and traefik:3 are 3, traefik:v2.11 is 2, no tag and latest
// are 3 (latest is v3 since 2024); 0 when the tag does not say (a code
// name, a digest only, another tag).
func imageMajor(image string) int {
	image, digest, _ := strings.Cut(image, "@")
	if i := strings.LastIndexByte(image, '/'); i >= 0 {
		image = image[i+1:]
	}
	name, tag, ok := strings.Cut(image, ":")
	switch {
	case name != "traefik" || !ok && digest != "":
		return 0
	case !ok || tag == "latest":
		return 3
	}
	tag = strings.TrimPrefix(tag, "v")
	major, _, _ := strings.Cut(tag, ".")
	major, _, _ = strings.Cut(major, "-")
	n, err := strconv.Atoi(major)
	if err != nil || n < 2 || n > 3 {
		return 0
	}
	return n
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
	switch imageMajor(pr.traefik.Image) {
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
