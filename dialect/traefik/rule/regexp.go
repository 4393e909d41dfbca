package rule

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// expandTemplate turns a v2 template, which Traefik hands to its fork of
// gorilla/mux, into the Go regexp that mux compiles: literal text quoted,
// each {name} or {name:pattern} a group, anchored at the start and, except
// for PathPrefix, at the end; host templates are case-insensitive.
func expandTemplate(tpl, matcher string) (string, error) {
	var idx []int
	level, start := 0, 0
	for i := 0; i < len(tpl); i++ {
		switch tpl[i] {
		case '{':
			if level++; level == 1 {
				start = i
			}
		case '}':
			if level--; level == 0 {
				idx = append(idx, start, i+1)
			} else if level < 0 {
				return "", errf("unbalanced braces in %q", tpl)
			}
		}
	}
	if level != 0 {
		return "", errf("unbalanced braces in %q", tpl)
	}
	def := "[^/]+"
	var b strings.Builder
	switch matcher {
	case "HostRegexp", "HostSNIRegexp":
		def = "[^.]+"
		b.WriteString("(?i)")
	case "Query":
		def = ".*"
	}
	b.WriteByte('^')
	end := 0
	for i := 0; i < len(idx); i += 2 {
		b.WriteString(regexp.QuoteMeta(tpl[end:idx[i]]))
		end = idx[i+1]
		name, patt, found := strings.Cut(tpl[idx[i]+1:end-1], ":")
		if !found {
			patt = def
		}
		if name == "" || patt == "" {
			return "", errf("missing name or pattern in %q", tpl[idx[i]:end])
		}
		b.WriteString("(?:" + patt + ")")
	}
	b.WriteString(regexp.QuoteMeta(tpl[end:]))
	if matcher == "Query" && strings.HasSuffix(tpl, "=") {
		b.WriteString(def)
	}
	if matcher != "PathPrefix" {
		b.WriteByte('$')
	}
	pat := b.String()
	if _, err := regexp.Compile(pat); err != nil {
		return "", errf("invalid pattern in template %q: %v", tpl, err)
	}
	return pat, nil
}

// hasPlaceholder reports whether v holds a v2 placeholder: {name} or
// {name:pattern}, name being a word.
func hasPlaceholder(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] != '{' {
			continue
		}
		j := i + 1
		for j < len(v) && (isIdentStart(v[j]) || (v[j] >= '0' && v[j] <= '9')) {
			j++
		}
		if j > i+1 && j < len(v) && (v[j] == ':' || v[j] == '}') {
			return true
		}
	}
	return false
}

// placeholderCall finds a v3 template-like matcher whose argument holds a
// v2 placeholder.
func placeholderCall(n Node) *Call {
	switch n := n.(type) {
	case *Binary:
		if c := placeholderCall(n.X); c != nil {
			return c
		}
		return placeholderCall(n.Y)
	case *Not:
		return placeholderCall(n.X)
	case *Call:
		switch n.Name {
		case "HostRegexp", "Path", "PathPrefix", "HostSNIRegexp", "PathRegexp":
			for _, a := range n.Args {
				if hasPlaceholder(a.Value) {
					return n
				}
			}
		}
	}
	return nil
}

// Pattern is a regular expression in the subset that means the same to Go's
// RE2, which Traefik uses, and to HAProxy's PCRE2 (compiled without UTF
// mode, so it reads bytes), for the question HAProxy asks: does it match
// somewhere in the subject.
type Pattern struct {
	// Source is the pattern as Traefik compiles it (for v2, the expanded template).
	Source string
	// PCRE is the same language rewritten for HAProxy: only ASCII letters and
	// digits appear literally, every other byte is \xHH, groups are (?:…),
	// case-insensitive letters are [Xx], and the end anchor is \z. It holds no
	// space, quote, '#', '$' or '%', so it can go in single quotes unchanged.
	PCRE string
	// Literal and Anchored describe a pattern that is plain text: ^text$
	// (Anchored both ends) or ^text (start only); empty otherwise.
	Literal string
	Start   bool // Literal is anchored at the start
	End     bool // Literal is anchored at the end
	// Groups is the number of capturing groups, Names their names by
	// number (CapNames: "" for an unnamed one), for TranslateCapturing.
	Groups int
	Names  []string
}

// maxRepeat bounds {n,m} counts (Go's own limit is 1000).
const maxRepeat = 1000

// translatePattern checks that src is in the safe subset and rewrites it
// for PCRE. The error says which construct is outside the subset and why.
func translatePattern(src string) (*Pattern, error) { return translate(src, false) }

// TranslateRegexp checks a regexp of a middleware (stripPrefixRegex) as
// the matchers' are, and rewrites it for PCRE.
func TranslateRegexp(src string) (*Pattern, error) { return translate(src, false) }

// TranslateCapturing is translatePattern for a rewrite: its groups stay
// capturing, numbered as Go numbers them (Pattern.Groups), for \N
// references in HAProxy's replace-path.
func TranslateCapturing(src string) (*Pattern, error) { return translate(src, true) }

// emitter writes a parse tree in PCRE form; captures keeps groups capturing.
type emitter struct{ captures bool }

func translate(src string, captures bool) (*Pattern, error) {
	if len(src) > MaxRegexpLen {
		return nil, errf("regexp is %d bytes, longer than the limit of %d", len(src), MaxRegexpLen)
	}
	for i := 0; i < len(src); i++ {
		if src[i] < 0x20 || src[i] >= 0x7f {
			return nil, errf("regexp holds a non-ASCII or control character; only printable ASCII is accepted")
		}
	}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil, errf("invalid regexp: %v", err)
	}
	var b strings.Builder
	if err := (emitter{captures: captures}).emit(&b, re, false); err != nil {
		return nil, err
	}
	if b.Len() > 4*MaxRegexpLen {
		return nil, errf("regexp rewritten for HAProxy is %d bytes, longer than the limit of %d", b.Len(), 4*MaxRegexpLen)
	}
	p := &Pattern{Source: src, PCRE: b.String(), Groups: re.MaxCap(), Names: re.CapNames()}
	p.Literal, p.Start, p.End = literalOf(re)
	return p, nil
}

// literalOf recognises ^text$, ^text and their variants with captures.
func literalOf(re *syntax.Regexp) (string, bool, bool) {
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	var lit []rune
	start, end := false, false
	for i, s := range subs {
		switch {
		case s.Op == syntax.OpBeginText && i == 0:
			start = true
		case s.Op == syntax.OpEndText && i == len(subs)-1:
			end = true
		case s.Op == syntax.OpLiteral && s.Flags&syntax.FoldCase == 0:
			lit = append(lit, s.Rune...)
		default:
			return "", false, false
		}
	}
	if !start {
		return "", false, false
	}
	return string(lit), start, end
}

func hasUnbounded(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		return true
	case syntax.OpRepeat:
		if re.Max < 0 {
			return true
		}
	}
	for _, s := range re.Sub {
		if hasUnbounded(s) {
			return true
		}
	}
	return false
}

// emit writes re in PCRE form. manyOK says re is the operand of a
// repetition with no upper bound and a minimum of 0 or 1: there, a class
// holding every non-ASCII character matches the same strings whether it
// reads UTF-8 characters (Go) or bytes (PCRE without UTF).
func (e emitter) emit(b *strings.Builder, re *syntax.Regexp, manyOK bool) error {
	switch re.Op {
	case syntax.OpNoMatch:
		return errf("regexp can never match")
	case syntax.OpEmptyMatch:
		b.WriteString("(?:)")
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		for _, r := range re.Rune {
			if err := emitRune(b, r, fold); err != nil {
				return err
			}
		}
	case syntax.OpCharClass:
		return emitClass(b, re.Rune, manyOK)
	case syntax.OpAnyCharNotNL:
		return emitClass(b, []rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune}, manyOK)
	case syntax.OpAnyChar:
		return emitClass(b, []rune{0, utf8.MaxRune}, manyOK)
	case syntax.OpBeginText:
		b.WriteString("^")
	case syntax.OpEndText:
		b.WriteString(`\z`) // Go's $ is the end of text; PCRE's $ also matches before a final newline
	case syntax.OpBeginLine, syntax.OpEndLine:
		return errf("multi-line anchors ((?m) with ^ or $) are outside the accepted subset")
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return errf(`word boundaries (\b, \B) are outside the accepted subset`)
	case syntax.OpCapture:
		if e.captures {
			b.WriteString("(") // numbered as in Go: every other group is (?:…)
		} else {
			b.WriteString("(?:")
		}
		if err := e.emit(b, re.Sub[0], manyOK); err != nil {
			return err
		}
		b.WriteString(")")
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		sub := re.Sub[0]
		unbounded := re.Op == syntax.OpStar || re.Op == syntax.OpPlus || (re.Op == syntax.OpRepeat && re.Max < 0)
		if unbounded && hasUnbounded(sub) {
			return errf("nested unbounded repetition (like (a+)+) can make PCRE backtrack for exponential time; it is outside the accepted subset")
		}
		min := 0
		switch re.Op {
		case syntax.OpPlus:
			min = 1
		case syntax.OpRepeat:
			min = re.Min
			if re.Min > maxRepeat || re.Max > maxRepeat {
				return errf("repetition count above %d", maxRepeat)
			}
		}
		b.WriteString("(?:")
		if err := e.emit(b, sub, unbounded && min <= 1); err != nil {
			return err
		}
		b.WriteString(")")
		switch re.Op {
		case syntax.OpStar:
			b.WriteString("*")
		case syntax.OpPlus:
			b.WriteString("+")
		case syntax.OpQuest:
			b.WriteString("?")
		default:
			b.WriteString("{" + itoa(re.Min))
			if re.Max != re.Min {
				b.WriteString(",")
				if re.Max >= 0 {
					b.WriteString(itoa(re.Max))
				}
			}
			b.WriteString("}")
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if err := e.emit(b, s, false); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		b.WriteString("(?:")
		for i, s := range re.Sub {
			if i > 0 {
				b.WriteString("|")
			}
			if err := e.emit(b, s, manyOK); err != nil {
				return err
			}
		}
		b.WriteString(")")
	default:
		return errf("regexp construct %v is outside the accepted subset", re.Op)
	}
	return nil
}

func emitRune(b *strings.Builder, r rune, fold bool) error {
	if r > 0x7f {
		if fold && unicode.SimpleFold(r) != r {
			return errf("case-insensitive non-ASCII letter %q is outside the accepted subset", r)
		}
		var buf [utf8.UTFMax]byte
		for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
			writeHex(b, c) // Go matches the character's UTF-8 bytes, PCRE the same bytes
		}
		return nil
	}
	lower, upper := r|0x20, r&^0x20
	if fold && lower >= 'a' && lower <= 'z' {
		b.WriteString("[" + string(upper) + string(lower) + "]")
		return nil
	}
	if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
		b.WriteRune(r)
		return nil
	}
	writeHex(b, byte(r))
	return nil
}

func writeHex(b *strings.Builder, c byte) {
	const digits = "0123456789abcdef"
	b.WriteString(`\x`)
	b.WriteByte(digits[c>>4])
	b.WriteByte(digits[c&15])
}

// emitClass writes a character class given as Go's sorted range pairs.
func emitClass(b *strings.Builder, ranges []rune, manyOK bool) error {
	var ascii []rune
	nonASCII := false
	allNonASCII := false
	for i := 0; i < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if lo <= 0x7f {
			h := hi
			if h > 0x7f {
				h = 0x7f
			}
			ascii = append(ascii, lo, h)
		}
		if hi > 0x7f {
			// (?i) adds the long s (ſ, U+017F) and the Kelvin sign (U+212A)
			// to classes holding s and k; they fold to ASCII only in Go.
			if lo == hi && (lo == 0x17f || lo == 0x212a) {
				continue
			}
			nonASCII = true
			if (lo <= 0x80) && hi == utf8.MaxRune {
				allNonASCII = true
			}
		}
	}
	if nonASCII && !allNonASCII {
		return errf("a character class with some non-ASCII characters is outside the accepted subset")
	}
	if allNonASCII && !manyOK {
		return errf("a class matching non-ASCII characters (such as . or [^.]) is accepted only repeated with * or +, where Go's characters and PCRE's bytes agree")
	}
	if len(ascii) == 0 && !allNonASCII {
		return errf("regexp can never match")
	}
	b.WriteByte('[')
	for i := 0; i < len(ascii); i += 2 {
		writeHex(b, byte(ascii[i]))
		if ascii[i+1] != ascii[i] {
			b.WriteByte('-')
			writeHex(b, byte(ascii[i+1]))
		}
	}
	if allNonASCII {
		b.WriteString(`\x80-\xff`)
	}
	b.WriteByte(']')
	return nil
}
