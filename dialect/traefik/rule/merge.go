package rule

import (
	"net/netip"
	"slices"
	"strings"
)

// merge folds one branch's tests into a Conjunction. ok is false when the
// tests contradict each other (two different exact hosts, say), so the
// branch can never match and is dropped.
func merge(lits []litT) (c Conjunction, ok bool) {
	for _, l := range lits {
		if !slices.Contains(c.Matchers, l.cond.Matcher) {
			c.Matchers = append(c.Matchers, l.cond.Matcher)
		}
		if l.neg {
			c.Not = append(c.Not, *l.cond)
			continue
		}
		d := l.cond
		switch {
		case d.Host != nil:
			if c.Host == nil {
				c.Host = d.Host
				break
			}
			h, fits, sat := mergeHost(c.Host, d.Host)
			if !sat {
				return c, false
			}
			if fits {
				c.Host = h
			} else {
				c.Also = append(c.Also, *d)
			}
		case d.Path != nil:
			if c.Path == nil {
				c.Path = d.Path
				break
			}
			p, fits, sat := mergePath(c.Path, d.Path)
			if !sat {
				return c, false
			}
			if fits {
				c.Path = p
			} else {
				c.Also = append(c.Also, *d)
			}
		case d.Methods != nil:
			if c.Methods = intersect(c.Methods, d.Methods); len(c.Methods) == 0 {
				return c, false
			}
		case d.ALPN != nil:
			if c.ALPN = intersect(c.ALPN, d.ALPN); len(c.ALPN) == 0 {
				return c, false
			}
		case d.ClientIP != nil:
			if c.ClientIP = intersectPrefixes(c.ClientIP, d.ClientIP); len(c.ClientIP) == 0 {
				return c, false
			}
		case d.Header != nil:
			c.Headers = append(c.Headers, *d.Header)
		case d.Query != nil:
			c.Queries = append(c.Queries, *d.Query)
		}
	}
	return c, true
}

// mergeHost intersects two host tests when the result is one test.
func mergeHost(a, b *HostMatch) (h *HostMatch, fits, sat bool) {
	switch {
	case a.Names != nil && b.Names != nil && a.TrailingDot == b.TrailingDot:
		names := intersect(a.Names, b.Names)
		return &HostMatch{Names: names, TrailingDot: a.TrailingDot}, true, len(names) > 0
	case a.Pattern != nil && b.Pattern != nil && a.Pattern.PCRE == b.Pattern.PCRE && a.TrailingDot == b.TrailingDot:
		return a, true, true
	}
	return nil, false, true
}

// mergePath intersects two path tests when the result is one test.
func mergePath(a, b *PathMatch) (p *PathMatch, fits, sat bool) {
	if a.Pattern != nil || b.Pattern != nil {
		if a.Pattern != nil && b.Pattern != nil && a.Pattern.PCRE == b.Pattern.PCRE {
			return a, true, true
		}
		return nil, false, true
	}
	if b.Exact != "" {
		a, b = b, a
	}
	switch {
	case a.Exact != "" && b.Exact != "":
		return a, true, a.Exact == b.Exact
	case a.Exact != "":
		return a, true, strings.HasPrefix(a.Exact, b.Prefix)
	case strings.HasPrefix(a.Prefix, b.Prefix):
		return a, true, true
	case strings.HasPrefix(b.Prefix, a.Prefix):
		return b, true, true
	}
	return nil, true, false
}

func intersect(a, b []string) []string {
	if a == nil {
		return slices.Clone(b)
	}
	out := []string{}
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func intersectPrefixes(a, b []netip.Prefix) []netip.Prefix {
	if a == nil {
		return slices.Clone(b)
	}
	out := []netip.Prefix{}
	for _, x := range a {
		for _, y := range b {
			if !x.Overlaps(y) {
				continue
			}
			z := x
			if y.Bits() > x.Bits() {
				z = y
			}
			if !slices.Contains(out, z) {
				out = append(out, z)
			}
		}
	}
	return out
}
