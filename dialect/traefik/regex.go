package traefik

import (
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Traefik's regexp matchers (HostRegexp, PathRegexp, HeaderRegexp) are
// converted to what the model matches exactly, never to a pattern HAProxy
// would search differently: a finite set of hosts (the ownership rule then
// holds for each, as for nginx-proxy's regex hosts), a host wildcard when
// the pattern is exactly "any name ending in .suffix", a finite set of
// exact paths and path prefixes, a finite set of header values. Anything
// else is refused with the reason.

// maxForms bounds the strings one pattern expands to.
const maxForms = 64

// open ends a form that anything may follow (a .* in the pattern).
const open = "\x00open"

// form is one string a pattern matches: the whole subject (end), or its
// beginning, anything following; start: anchored at the subject's start.
type form struct {
	s          string
	start, end bool
}

// parseRegexp is a pattern's parse tree, simplified.
func parseRegexp(p *rule.Pattern) (*syntax.Regexp, string) {
	re, err := syntax.Parse(p.Source, syntax.Perl)
	if err != nil {
		return nil, err.Error()
	}
	return re.Simplify(), ""
}

// forms lists what re matches as forms, when finitely many; lower says the
// subject is lower case (a host), so a case-insensitive letter is its
// lower case and an upper-case one never matches.
func forms(re *syntax.Regexp, lower bool) ([]form, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []form{{}}, true
	case syntax.OpBeginText:
		return []form{{start: true}}, true
	case syntax.OpEndText:
		return []form{{end: true}}, true
	case syntax.OpLiteral:
		var b strings.Builder
		for _, r := range re.Rune {
			switch {
			case re.Flags&syntax.FoldCase != 0 && unicode.SimpleFold(r) != r && !lower:
				return nil, false // both cases: too many forms
			case lower && re.Flags&syntax.FoldCase != 0:
				r = unicode.ToLower(r)
			case lower && unicode.ToLower(r) != r:
				return []form{}, true // never matches a lower-case subject
			}
			b.WriteRune(r)
		}
		return []form{{s: b.String()}}, true
	case syntax.OpCharClass:
		var out []form
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if lower && (unicode.ToLower(r) != r || r > unicode.MaxASCII) {
					continue // not in a lower-case host name
				}
				if len(out) >= maxForms {
					return nil, false
				}
				if !slices.Contains(out, form{s: string(r)}) {
					out = append(out, form{s: string(r)})
				}
			}
		}
		return out, true
	case syntax.OpCapture:
		return forms(re.Sub[0], lower)
	case syntax.OpQuest:
		sub, ok := forms(re.Sub[0], lower)
		return append(sub, form{}), ok && len(sub) < maxForms
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 8 {
			return nil, false
		}
		var parts []*syntax.Regexp
		for i := 0; i < re.Max; i++ {
			if i < re.Min {
				parts = append(parts, re.Sub[0])
			} else {
				parts = append(parts, &syntax.Regexp{Op: syntax.OpQuest, Sub: re.Sub})
			}
		}
		return forms(&syntax.Regexp{Op: syntax.OpConcat, Sub: parts}, lower)
	case syntax.OpStar:
		if anyChar(re.Sub[0]) {
			return []form{{s: open}}, true
		}
	case syntax.OpConcat:
		out := []form{{}}
		for _, sub := range re.Sub {
			fs, ok := forms(sub, lower)
			if !ok {
				return nil, false
			}
			var next []form
			for _, x := range out {
				for _, y := range fs {
					empty := y.s == "" && !y.start
					var f form
					switch {
					case strings.HasSuffix(x.s, open):
						if !empty && y.s != open {
							return nil, false // something after "anything"
						}
						f = form{s: x.s, start: x.start, end: x.end || y.end}
					case x.end:
						if !empty {
							continue // nothing follows the end
						}
						f = x
					case y.start:
						if x.s != "" {
							continue // the start is not in the middle
						}
						f = form{s: y.s, start: true, end: y.end}
					default:
						f = form{s: x.s + y.s, start: x.start, end: y.end}
					}
					next = append(next, f)
					if len(next) > maxForms {
						return nil, false
					}
				}
			}
			out = next
		}
		return out, true
	case syntax.OpAlternate:
		var out []form
		for _, sub := range re.Sub {
			fs, ok := forms(sub, lower)
			if !ok || len(out)+len(fs) > maxForms {
				return nil, false
			}
			out = append(out, fs...)
		}
		return out, true
	}
	return nil, false
}

// anyChar reports whether re matches any one character (. or (?s:.)):
// under *, "anything follows".
func anyChar(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	}
	return false
}

// regexpHosts is what HostRegexp matches as the model's hosts: the names
// of a pattern anchored at both ends with finitely many, or a wildcard
// *.suffix for a pattern that is any name ending in .suffix (^.+\.s$ or
// \.s$, searched). why says why it is not converted.
func regexpHosts(p *rule.Pattern) (hosts []string, why string) {
	re, prob := parseRegexp(p)
	if prob != "" {
		return nil, prob
	}
	if suffix, ok := hostSuffix(re); ok {
		if !strings.HasPrefix(suffix, ".") || len(suffix) < 2 {
			return nil, "it matches any name ending in " + model.Printable(suffix) + ", which is not a whole label: a wildcard *.example.com is"
		}
		return []string{"*" + suffix}, ""
	}
	fs, ok := forms(re, true)
	if !ok {
		return nil, "it matches more than " + itoa(maxForms) + " names, or a part of a name (a repetition, a wildcard or a large class): only a finite list of names, anchored with ^ and $, or any name ending in .suffix (^.+\\.example\\.com$), is converted"
	}
	for _, f := range fs {
		if !f.start || !f.end || strings.Contains(f.s, open) {
			return nil, "it is not anchored at both ends (^…$), so Traefik finds it inside longer names"
		}
		if f.s != "" && !slices.Contains(hosts, f.s) {
			hosts = append(hosts, f.s)
		}
	}
	if len(hosts) == 0 {
		return nil, "it matches no host name (Traefik compares the host in lower case)"
	}
	slices.Sort(hosts)
	return hosts, ""
}

// hostSuffix recognises ^.+SUFFIX$, ^.*SUFFIX$ and SUFFIX$ (searched):
// any name ending in SUFFIX, a literal in lower case.
func hostSuffix(re *syntax.Regexp) (string, bool) {
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	if len(subs) < 2 || subs[len(subs)-1].Op != syntax.OpEndText {
		return "", false
	}
	lit := subs[len(subs)-2]
	head := subs[:len(subs)-2]
	if lit.Op != syntax.OpLiteral {
		return "", false
	}
	switch {
	case len(head) == 0: // searched: anything before
	case len(head) == 2 && head[0].Op == syntax.OpBeginText && (head[1].Op == syntax.OpStar || head[1].Op == syntax.OpPlus) && anyChar(head[1].Sub[0]):
	case len(head) == 1 && (head[0].Op == syntax.OpStar || head[0].Op == syntax.OpPlus) && anyChar(head[0].Sub[0]):
	default:
		return "", false
	}
	s := string(lit.Rune)
	if lit.Flags&syntax.FoldCase != 0 {
		s = strings.ToLower(s)
	} else if strings.ToLower(s) != s {
		return "", false
	}
	return s, utf8.ValidString(s)
}

// regexpPaths is what PathRegexp matches as the model's paths: exact
// paths (^/a$) and string prefixes (^/a, ^/a.*), finitely many; why says
// why it is not converted.
func regexpPaths(p *rule.Pattern) ([]model.Path, string) {
	re, prob := parseRegexp(p)
	if prob != "" {
		return nil, prob
	}
	fs, ok := forms(re, false)
	if !ok {
		return nil, "it matches more than " + itoa(maxForms) + " paths or prefixes, or a repetition or class inside a path: only finitely many exact paths (^/a$) and prefixes (^/a) are converted"
	}
	var out []model.Path
	for _, f := range fs {
		s, isOpen := strings.CutSuffix(f.s, open)
		switch {
		case !f.start:
			return nil, "it is not anchored at the start (^), so Traefik finds it anywhere in the path"
		case !strings.HasPrefix(s, "/"):
			if s == "" && !f.end {
				return nil, "it matches every path: write PathPrefix(`/`)"
			}
			return nil, "it matches " + model.Printable(s) + ", which does not start with /"
		}
		kind := model.PathExact
		if isOpen || !f.end {
			kind = model.PathBegins
		}
		if !slices.ContainsFunc(out, func(q model.Path) bool { return q.Prefix == s && q.Kind == kind }) {
			out = append(out, model.Path{Prefix: s, Kind: kind})
		}
	}
	if len(out) == 0 {
		return nil, "it matches no path"
	}
	return out, ""
}

// expandHeaderRegexps turns each branch's HeaderRegexp into a branch per
// value it matches, as the model compares whole values; a negated one
// becomes one negation per value. why says why one is not converted.
func expandHeaderRegexps(bs []rule.Conjunction) ([]rule.Conjunction, string) {
	var out []rule.Conjunction
	for _, c := range bs {
		var nots []rule.Cond
		for _, n := range c.Not {
			if n.Header == nil || n.Header.Pattern == nil {
				nots = append(nots, n)
				continue
			}
			vs, why := regexpValues(n.Header.Pattern)
			if why != "" {
				return nil, "!" + n.Matcher + ": " + why
			}
			for _, v := range vs {
				nots = append(nots, rule.Cond{Matcher: n.Matcher, Header: &rule.HeaderMatch{Name: n.Header.Name, Value: v}})
			}
		}
		c.Not = nots
		branches := []rule.Conjunction{c}
		for i, h := range c.Headers {
			if h.Pattern == nil {
				continue
			}
			vs, why := regexpValues(h.Pattern)
			if why != "" {
				return nil, "HeaderRegexp(" + h.Name + "): " + why
			}
			var next []rule.Conjunction
			for _, b := range branches {
				for _, v := range vs {
					nb := b
					nb.Headers = slices.Clone(b.Headers)
					nb.Headers[i] = rule.HeaderMatch{Name: h.Name, Value: v}
					next = append(next, nb)
				}
			}
			if branches = next; len(branches) > rule.MaxConjunctions {
				return nil, "HeaderRegexp(" + h.Name + ") gives more than " + itoa(rule.MaxConjunctions) + " branches; split the router"
			}
		}
		out = append(out, branches...)
		if len(out) > rule.MaxConjunctions {
			return nil, "the header patterns give more than " + itoa(rule.MaxConjunctions) + " branches; split the router"
		}
	}
	return out, ""
}

// regexpValues is what HeaderRegexp matches as whole header values,
// finitely many; why says why it is not converted.
func regexpValues(p *rule.Pattern) ([]string, string) {
	re, prob := parseRegexp(p)
	if prob != "" {
		return nil, prob
	}
	fs, ok := forms(re, false)
	if !ok || len(fs) > 8 {
		return nil, "it matches more than 8 values, or a repetition or class inside one: only a few whole values, anchored with ^ and $, are converted"
	}
	var out []string
	for _, f := range fs {
		if !f.start || !f.end || strings.Contains(f.s, open) {
			return nil, "it is not anchored at both ends (^…$), so Traefik finds it inside longer values"
		}
		if !slices.Contains(out, f.s) {
			out = append(out, f.s)
		}
	}
	slices.Sort(out)
	return out, ""
}

// anchoredStart reports whether a regexp only matches at the subject's
// start (^, in every alternative).
func anchoredStart(src string) bool {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return false
	}
	var starts func(re *syntax.Regexp) bool
	starts = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpBeginText:
			return true
		case syntax.OpCapture:
			return starts(re.Sub[0])
		case syntax.OpConcat:
			return len(re.Sub) > 0 && starts(re.Sub[0])
		case syntax.OpAlternate:
			for _, s := range re.Sub {
				if !starts(s) {
					return false
				}
			}
			return true
		}
		return false
	}
	return starts(re.Simplify())
}

// replacementFormat turns a Go replacement ($1, ${1}, $name, ${name}, as
// regexp.Expand reads them) into HAProxy's replace-path format (\N); a
// reference to no group is empty, as in Go. Literal text is path
// characters, and the result starts with '/'.
func replacementFormat(with string, p *rule.Pattern) (string, string) {
	var b strings.Builder
	for i := 0; i < len(with); i++ {
		c := with[i]
		if c != '$' {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/._~-", c) >= 0) {
				return "", "holds " + model.Printable(string(c)) + ": path characters (letters, digits, / . _ ~ -) and $N references are converted"
			}
			b.WriteByte(c)
			continue
		}
		name, n := expandName(with[i+1:])
		if n == 0 {
			return "", "holds a $ that names no group ($$ or a lone $)"
		}
		i += n
		switch g := referencedGroup(name, p); {
		case g == 0:
			return "", "refers to the whole match ($0), which HAProxy's format does not hold"
		case g > 0:
			b.WriteString(`\` + strconv.Itoa(g))
		} // else: no such group, an empty string in Go
	}
	if !strings.HasPrefix(b.String(), "/") {
		return "", "does not start with /"
	}
	return b.String(), ""
}

func itoa(n int) string { return strconv.Itoa(n) }

// expandName reads the name of a reference after '$' as regexp.Expand
// does: ${name} or the longest run of letters, digits and '_'; n is the
// bytes it takes, 0 when it is no reference (Go writes the '$' then).
func expandName(s string) (name string, n int) {
	brace := strings.HasPrefix(s, "{")
	rest := s
	if brace {
		rest = s[1:]
	}
	i := 0
	for i < len(rest) && (rest[i] == '_' || rest[i] >= 'a' && rest[i] <= 'z' || rest[i] >= 'A' && rest[i] <= 'Z' || rest[i] >= '0' && rest[i] <= '9') {
		i++
	}
	switch {
	case i == 0:
		return "", 0
	case !brace:
		return rest[:i], i
	case i < len(rest) && rest[i] == '}':
		return rest[:i], i + 2
	}
	return "", 0
}

// referencedGroup is the group a reference names, as regexp.Expand finds it: a
// number (below 1e9, without a leading zero; 0 is the whole match), else
// a group's name; -1 when there is none.
func referencedGroup(name string, p *rule.Pattern) int {
	n := 0
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' || n >= 1e8 {
			n = -1
			break
		}
		n = n*10 + int(name[i]-'0')
	}
	if name[0] == '0' && len(name) > 1 {
		n = -1
	}
	switch {
	case n > p.Groups:
		return -1
	case n >= 0:
		return n
	}
	return slices.Index(p.Names, name) // Names[0] is the whole match's, ""
}
