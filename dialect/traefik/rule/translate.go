package rule

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// Translate turns the rule into a disjunction of conjunctions, each one
// HAProxy rule, or an error naming the part HAProxy cannot express exactly.
// A rule that can never match is an ErrUnsupported error too.
func (r *Rule) Translate() ([]Conjunction, error) {
	f, err := r.lower(r.Root, false)
	if err != nil {
		return nil, err
	}
	branches, err := dnf(f, r.Text)
	if err != nil {
		return nil, err
	}
	var out []Conjunction
	for _, lits := range branches {
		c, ok := merge(lits)
		if ok {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, errAt(ErrUnsupported, 0, "", "the rule can never match (its conditions contradict each other)")
	}
	return out, nil
}

// form is a boolean formula over tests, with negation pushed to the tests.
type form struct {
	op   formOp
	cond *Cond
	neg  bool
	subs []*form
	pos  int
}

type formOp int

const (
	fTrue formOp = iota
	fFalse
	fLit
	fAnd
	fOr
)

func (r *Rule) lower(n Node, neg bool) (*form, error) {
	switch n := n.(type) {
	case *Not:
		return r.lower(n.X, !neg)
	case *Binary:
		x, err := r.lower(n.X, neg)
		if err != nil {
			return nil, err
		}
		y, err := r.lower(n.Y, neg)
		if err != nil {
			return nil, err
		}
		op := fAnd
		if (n.Op == Or) != neg { // De Morgan
			op = fOr
		}
		return &form{op: op, subs: []*form{x, y}, pos: n.OpPos}, nil
	case *Call:
		f, err := r.call(n)
		if err != nil {
			return nil, err
		}
		if neg {
			f = negate(f)
		}
		return f, nil
	}
	return nil, errAt(ErrSyntax, 0, "", "unknown node")
}

func negate(f *form) *form {
	switch f.op {
	case fTrue:
		return &form{op: fFalse}
	case fFalse:
		return &form{op: fTrue}
	case fLit:
		return &form{op: fLit, cond: f.cond, neg: !f.neg}
	}
	g := &form{op: fAnd, pos: f.pos}
	if f.op == fAnd {
		g.op = fOr
	}
	for _, s := range f.subs {
		g.subs = append(g.subs, negate(s))
	}
	return g
}

func lit(c *Cond) *form { return &form{op: fLit, cond: c} }

func anyOf(fs []*form) *form {
	if len(fs) == 1 {
		return fs[0]
	}
	return &form{op: fOr, subs: fs}
}

func allOf(fs []*form) *form {
	if len(fs) == 1 {
		return fs[0]
	}
	return &form{op: fAnd, subs: fs}
}

var oneLabelTemplate = regexp.MustCompile(`^\{[A-Za-z0-9_]+(:\[\^\.\]\+)?\}(\.[A-Za-z0-9.-]+)$`)

// call lowers one matcher to tests, with Traefik's meaning for the syntax.
func (r *Rule) call(c *Call) (*form, error) {
	part := String(c)
	refuse := func(a Arg, format string, args ...any) (*form, error) {
		return nil, errAt(ErrUnsupported, a.Pos, part, format, args...)
	}
	pattern := func(a Arg, src string) (*Pattern, error) {
		p, err := translatePattern(src)
		if err != nil {
			return nil, errAt(ErrUnsupported, a.Pos, part, "%v", err)
		}
		return p, nil
	}
	for _, a := range c.Args {
		for i := 0; i < len(a.Value); i++ {
			if b := a.Value[i]; b < 0x20 || b == 0x7f {
				return refuse(a, "control character %q in the value: no HTTP request carries it and HAProxy's configuration cannot hold it", b)
			}
		}
	}
	v2 := r.Syntax == SyntaxV2
	mk := func(cond Cond) *form {
		cond.Matcher = part
		return lit(&cond)
	}
	var alts []*form
	switch c.Name {
	case "Host", "HostHeader", "HostSNI":
		sni := c.Name == "HostSNI"
		h := &HostMatch{TrailingDot: !sni}
		for _, a := range c.Args {
			v := strings.ToLower(a.Value)
			if v == "*" && (sni || !v2) {
				return &form{op: fTrue}, nil
			}
			if sni {
				v = strings.TrimSuffix(v, ".")
			} else if strings.HasSuffix(v, ".") {
				return refuse(a, "a host name ending in '.': Traefik then also matches the name with two trailing dots; write it without the dot")
			}
			if strings.HasPrefix(v, "*.") && !v2 && !strings.Contains(v[1:], "*") {
				p, err := pattern(a, "^[^.]*"+regexp.QuoteMeta(v[1:])+"$")
				if err != nil {
					return nil, err
				}
				alts = append(alts, mk(Cond{Host: &HostMatch{Pattern: p, Wildcard: v, TrailingDot: h.TrailingDot}}))
				continue
			}
			if strings.Contains(v, "*") {
				if v2 {
					return refuse(a, "Traefik's v2 syntax compares %q literally, so no request matches it (v3 reads *.name as a wildcard)", a.Value)
				}
				return refuse(a, "Traefik only reads '*' as a whole name or as a leading '*.' label")
			}
			if !slices.Contains(h.Names, v) {
				h.Names = append(h.Names, v)
			}
			if sni && v2 && strings.HasSuffix(strings.ToLower(a.Value), ".") && !slices.Contains(h.Names, v+".") {
				h.Names = append(h.Names, v+".") // v2 compares the name as written and without its dot
			}
		}
		if len(h.Names) > 0 {
			alts = append(alts, mk(Cond{Host: h}))
		}
	case "HostRegexp", "HostSNIRegexp":
		for _, a := range c.Args {
			if v2 {
				if !strings.ContainsAny(a.Value, "{}") {
					alts = append(alts, mk(Cond{Host: &HostMatch{Names: []string{strings.ToLower(a.Value)}}}))
					continue
				}
				src, err := expandTemplate(a.Value, c.Name)
				if err != nil {
					return nil, errAt(ErrInvalid, a.Pos, part, "%v", err)
				}
				p, err := pattern(a, src)
				if err != nil {
					return nil, err
				}
				h := &HostMatch{Pattern: p}
				if m := oneLabelTemplate.FindStringSubmatch(a.Value); m != nil {
					h.Wildcard = "*" + strings.ToLower(m[2])
				}
				alts = append(alts, mk(Cond{Host: h}))
				continue
			}
			p, err := pattern(a, a.Value)
			if err != nil {
				return nil, err
			}
			alts = append(alts, mk(Cond{Host: &HostMatch{Pattern: p}}))
		}
	case "Path", "PathPrefix":
		for _, a := range c.Args {
			pm := &PathMatch{}
			switch {
			case v2 && strings.ContainsAny(a.Value, "{}"):
				src, err := expandTemplate(a.Value, c.Name)
				if err != nil {
					return nil, errAt(ErrInvalid, a.Pos, part, "%v", err)
				}
				if pm.Pattern, err = pattern(a, src); err != nil {
					return nil, err
				}
			case c.Name == "Path":
				pm.Exact = a.Value
			default:
				pm.Prefix = a.Value
			}
			alts = append(alts, mk(Cond{Path: pm}))
		}
	case "PathRegexp":
		a := c.Args[0]
		p, err := pattern(a, a.Value)
		if err != nil {
			return nil, err
		}
		pm := &PathMatch{Pattern: p}
		if p.Start && p.Literal != "" {
			pm = &PathMatch{Prefix: p.Literal}
			if p.End {
				pm = &PathMatch{Exact: p.Literal}
			}
		}
		alts = append(alts, mk(Cond{Path: pm}))
	case "Method":
		var ms []string
		for _, a := range c.Args {
			m := strings.ToUpper(a.Value)
			if !isToken(m) {
				return refuse(a, "%q is not a method name (no request carries it)", a.Value)
			}
			if !slices.Contains(ms, m) {
				ms = append(ms, m)
			}
		}
		alts = append(alts, mk(Cond{Methods: ms}))
	case "Header", "HeaderRegexp", "Headers", "HeadersRegexp":
		var all []*form
		for i := 0; i+1 < len(c.Args); i += 2 {
			k, v := c.Args[i], c.Args[i+1]
			name, ok := canonicalHeader(k.Value)
			if !ok {
				return refuse(k, "%q is not a valid header name, so Traefik never matches it", k.Value)
			}
			h := &HeaderMatch{Name: name, Value: v.Value}
			if strings.HasSuffix(c.Name, "Regexp") {
				p, err := pattern(v, v.Value)
				if err != nil {
					return nil, err
				}
				h = &HeaderMatch{Name: name, Pattern: p}
			}
			all = append(all, mk(Cond{Header: h}))
		}
		return allOf(all), nil
	case "Query", "QueryRegexp":
		if v2 {
			pairs, err := queryPairs(c)
			if err != nil {
				return nil, errAt(ErrInvalid, c.NamePos, part, "%v", err)
			}
			var all []*form
			for _, kv := range pairs {
				q := &QueryMatch{Key: kv[0], First: true}
				switch {
				case strings.ContainsAny(kv[0], "{}"):
					return refuse(c.Args[0], "a placeholder in a query key (%q) is outside the accepted subset", kv[0])
				case kv[1] == "":
					q.Any = true
				case strings.ContainsAny(kv[1], "{}"):
					src, err := expandTemplate(kv[1], "QueryValue")
					if err != nil {
						return nil, errAt(ErrInvalid, c.NamePos, part, "%v", err)
					}
					if q.Pattern, err = pattern(c.Args[0], src); err != nil {
						return nil, err
					}
				default:
					q.Value = kv[1]
				}
				all = append(all, mk(Cond{Query: q}))
			}
			return allOf(all), nil
		}
		q := &QueryMatch{Key: c.Args[0].Value}
		if len(c.Args) == 2 {
			if c.Name == "QueryRegexp" {
				p, err := pattern(c.Args[1], c.Args[1].Value)
				if err != nil {
					return nil, err
				}
				q.Pattern = p
			} else {
				q.Value = c.Args[1].Value
			}
		}
		alts = append(alts, mk(Cond{Query: q}))
	case "ClientIP":
		var ps []netip.Prefix
		for _, a := range c.Args {
			p, err := parseIP(a.Value)
			if err != nil {
				return nil, errAt(ErrInvalid, a.Pos, part, "%v", err)
			}
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		alts = append(alts, mk(Cond{ClientIP: ps}))
	case "ALPN":
		var ps []string
		for _, a := range c.Args {
			if !slices.Contains(ps, a.Value) {
				ps = append(ps, a.Value)
			}
		}
		alts = append(alts, mk(Cond{ALPN: ps}))
	default:
		return nil, errAt(ErrUnsupported, c.NamePos, part, "matcher %s is not translated", c.Name)
	}
	return anyOf(alts), nil
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

type litT struct {
	cond *Cond
	neg  bool
}

// dnf distributes && over ||, refusing more than MaxConjunctions branches.
func dnf(f *form, text string) ([][]litT, error) {
	switch f.op {
	case fTrue:
		return [][]litT{nil}, nil
	case fFalse:
		return nil, nil
	case fLit:
		return [][]litT{{{f.cond, f.neg}}}, nil
	case fOr:
		var out [][]litT
		for _, s := range f.subs {
			d, err := dnf(s, text)
			if err != nil {
				return nil, err
			}
			if len(out)+len(d) > MaxConjunctions {
				return nil, tooMany(f.pos, text)
			}
			out = append(out, d...)
		}
		return out, nil
	}
	out := [][]litT{nil}
	for _, s := range f.subs {
		d, err := dnf(s, text)
		if err != nil {
			return nil, err
		}
		if len(out)*len(d) > MaxConjunctions {
			return nil, tooMany(f.pos, text)
		}
		next := make([][]litT, 0, len(out)*len(d))
		for _, x := range out {
			for _, y := range d {
				next = append(next, append(slices.Clip(x), y...))
			}
		}
		out = next
	}
	return out, nil
}

func tooMany(pos int, text string) error {
	op := ""
	if pos+2 <= len(text) {
		op = text[pos : pos+2]
	}
	return errAt(ErrLimit, pos, op, "distributing && over || gives more than %d HAProxy rules; split the router into several", MaxConjunctions)
}
