package nginxproxy

import (
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// maxRegexNames bounds the names one regex host expands to.
const maxRegexNames = 64

// expandRegex lists the names a regex host matches, when they are
// finitely many: nginx searches the regex in the lower-cased host, so it
// must be anchored at both ends (^…$) to match whole names only. why says
// why not.
func expandRegex(pattern string) (names []string, why string) {
	re, err := syntax.Parse(pattern, syntax.Perl|syntax.FoldCase)
	if err != nil {
		return nil, err.Error()
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 ||
		re.Sub[0].Op != syntax.OpBeginText && re.Sub[0].Op != syntax.OpBeginLine ||
		re.Sub[len(re.Sub)-1].Op != syntax.OpEndText && re.Sub[len(re.Sub)-1].Op != syntax.OpEndLine {
		return nil, "it is not anchored at both ends (^…$), so nginx finds it inside any longer name"
	}
	body := &syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1 : len(re.Sub)-1]}
	out, ok := enumerate(body)
	if !ok {
		return nil, "it matches more than " + strconv.Itoa(maxRegexNames) + " names (a repetition, a wildcard or a large class)"
	}
	slices.Sort(out)
	return slices.Compact(out), ""
}

// enumerate lists the strings re matches, lower-cased, if at most
// maxRegexNames.
func enumerate(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(unicode.ToLower(r)))
				if len(out) > 2*maxRegexNames {
					return nil, false
				}
			}
		}
		slices.Sort(out)
		return slices.Compact(out), len(out) <= maxRegexNames
	case syntax.OpCapture:
		return enumerate(re.Sub[0])
	case syntax.OpQuest:
		sub, ok := enumerate(re.Sub[0])
		return append(sub, ""), ok && len(sub) < maxRegexNames
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 8 {
			return nil, false
		}
		parts := []*syntax.Regexp{}
		for i := 0; i < re.Min; i++ {
			parts = append(parts, re.Sub[0])
		}
		for i := re.Min; i < re.Max; i++ {
			parts = append(parts, &syntax.Regexp{Op: syntax.OpQuest, Sub: re.Sub})
		}
		return enumerate(&syntax.Regexp{Op: syntax.OpConcat, Sub: parts})
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range re.Sub {
			sub, ok := enumerate(s)
			if !ok || len(out)*len(sub) > maxRegexNames {
				return nil, false
			}
			var next []string
			for _, a := range out {
				for _, b := range sub {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, true
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			sub, ok := enumerate(s)
			if !ok {
				return nil, false
			}
			out = append(out, sub...)
			if len(out) > maxRegexNames {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}
