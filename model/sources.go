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
	type key struct{ service, key, from string }
	cleaned := map[key]string{}
	for i := range bs {
		b := &bs[i]
		for src := range b.sources() {
			k := key{src.Service, src.Key, src.From}
			v, done := cleaned[k]
			if !done {
				v = joinList(src.Value)
				cleaned[k] = v
			}
			src.Value = v
			for _, s := range []string{src.Service, src.Key, src.Value, src.Item} {
				if done && s == src.Value {
					continue
				}
				if prob := unsafeChar(s); prob != "" {
					ds.errorf(*src, "remove it", "value %s; templates can print where a setting came from", prob)
					break
				}
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
