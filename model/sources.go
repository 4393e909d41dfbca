package model

import (
	"strings"
)

// checkSources makes every Source the config holds safe to print: custom
// templates can print where a setting came from, so the recorded value
// passes the same character checks as the setting itself. A list value is
// recorded without the spaces around its items ("a, b" becomes "a,b");
// what is still unsafe (a line break inside SERVICE_CHECK_TCP's value,
// which only needs to be true) is an error.
func checkSources(bs []Backend, ds *Diagnostics) {
	// Many sources share one long value (every tag of a SERVICE_TAGS):
	// each distinct value of a service is cleaned and checked once.
	// Sources with one value share its service and key: after the first,
	// what is wrong with those is known, and only the item is new.
	type key struct{ service, key, from string }
	type value struct {
		cleaned string
		prob    string // of the service or key, each unless it is the value
	}
	firstProb := func(ss ...string) string {
		for _, s := range ss {
			if prob := unsafeChar(s); prob != "" {
				return prob
			}
		}
		return ""
	}
	cleaned := map[key]value{}
	for i := range bs {
		b := &bs[i]
		for src := range b.sources() {
			k := key{src.Service, src.Key, src.From}
			v, done := cleaned[k]
			var prob string
			if !done {
				v.cleaned = joinList(src.Value)
				for _, s := range []string{src.Service, src.Key} {
					if s != v.cleaned && v.prob == "" {
						v.prob = unsafeChar(s)
					}
				}
				cleaned[k] = v
				prob = firstProb(src.Service, src.Key, v.cleaned, src.Item)
			} else if prob = v.prob; prob == "" && src.Item != v.cleaned {
				prob = unsafeChar(src.Item)
			}
			src.Value = v.cleaned
			if prob != "" {
				ds.errorf(*src, "remove it", "value %s; templates can print where a setting came from", prob)
			}
		}
	}
}

// sources yields a pointer to every Source b holds.
func (b *Backend) sources() func(yield func(*Source) bool) {
	return func(yield func(*Source) bool) {
		for _, hs := range [][]Host{b.Hosts, b.Redirects} {
			for i := range hs {
				if !yield(&hs[i].Source) {
					return
				}
			}
		}
		for i := range b.Paths {
			if !yield(&b.Paths[i].Source) {
				return
			}
		}
		for i := range b.Tags {
			if !yield(&b.Tags[i].Source) {
				return
			}
		}
		for i := range b.Check.Sources {
			if !yield(&b.Check.Sources[i]) {
				return
			}
		}
		if !yield(&b.Servers.Source) {
			return
		}
		for i := range b.Shared {
			if !yield(&b.Shared[i].Source) {
				return
			}
		}
		for i := range b.Headers {
			if !yield(&b.Headers[i].Source) {
				return
			}
		}
		for i := range b.CORS {
			if !yield(&b.CORS[i].Source) {
				return
			}
		}
		if m := b.Match; m != nil {
			for i := range m.Headers {
				if !yield(&m.Headers[i].Source) {
					return
				}
			}
			for i := range m.UserAgents {
				if !yield(&m.UserAgents[i].Source) {
					return
				}
			}
			for i := range m.ExcludePaths {
				if !yield(&m.ExcludePaths[i].Source) {
					return
				}
			}
		}
		for _, src := range []*Source{b.Default} {
			if src != nil && !yield(src) {
				return
			}
		}
		if b.Compression != nil && !yield(&b.Compression.Source) {
			return
		}
		if b.Rewrite != nil {
			yield(&b.Rewrite.Source)
		}
	}
}

// joinList is v with the spaces around its comma-separated items removed.
func joinList(v string) string {
	items := strings.Split(v, ",")
	for i := range items {
		items[i] = strings.TrimSpace(items[i])
	}
	return strings.Join(items, ",")
}

// safeShown shows a file name, or a value whose grammar allows them (a
// header value), with each character that HAProxy's tokenizer would
// interpret as '?': the header prints the names, and a custom template may
// print a Source anywhere.
func safeShown(f string) string {
	var b strings.Builder
	for _, r := range f {
		if unsafeChar(string(r)) != "" {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
