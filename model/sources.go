package model

import (
	"reflect"
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
	type key struct{ project, service, key, from string }
	type value struct {
		cleaned string
		prob    string // of the service or key, each unless it is the value
	}
	firstProb := func(ss ...string) string {
		for _, s := range ss {
			if prob := UnsafeChar(s); prob != "" {
				return prob
			}
		}
		return ""
	}
	cleaned := map[key]value{}
	for i := range bs {
		b := &bs[i]
		for src := range b.sources() {
			k := key{src.Project, src.Service, src.Key, src.From}
			v, done := cleaned[k]
			var prob string
			if !done {
				v.cleaned = joinList(src.Value)
				for _, s := range []string{src.Service, src.Key} {
					if s != v.cleaned && v.prob == "" {
						v.prob = UnsafeChar(s)
					}
				}
				cleaned[k] = v
				prob = firstProb(src.Service, src.Key, v.cleaned, src.Item)
			} else if prob = v.prob; prob == "" && src.Item != v.cleaned {
				prob = UnsafeChar(src.Item)
			}
			src.Value = v.cleaned
			if prob != "" {
				ds.Errorf(*src, "remove it", "value %s; templates can print where a setting came from", prob)
			}
		}
	}
}

// sources yields a pointer to every Source b holds, in the order of the
// fields, wherever one is: the walk is derived from Backend's type, so a
// Source a new field brings is checked without being listed here.
func (b *Backend) sources() func(yield func(*Source) bool) {
	return func(yield func(*Source) bool) {
		backendSources(reflect.ValueOf(b).Elem(), yield)
	}
}

// sourceWalk yields the Sources in an addressable value of one type; it
// reports false when yield asked to stop.
type sourceWalk func(v reflect.Value, yield func(*Source) bool) bool

// backendSources walks a Backend, made once: reflection finds the fields
// that lead to a Source when the package starts, not per backend.
var backendSources = walkerFor(reflect.TypeFor[Backend](), map[reflect.Type]sourceWalk{})

// walkerFor returns the walk of the Sources in a value of type t, or nil
// when t holds none. Structs, pointers and slices are followed; a map, an
// interface or an array holding a Source would not be (their elements are
// not addressable, or none is there yet): TestSourcesCoverEveryField says
// so when one appears.
func walkerFor(t reflect.Type, seen map[reflect.Type]sourceWalk) sourceWalk {
	if w, ok := seen[t]; ok {
		return w
	}
	seen[t] = nil // a type that holds itself adds nothing the first visit lacks
	var w sourceWalk
	switch {
	case t == reflect.TypeFor[Source]():
		w = func(v reflect.Value, yield func(*Source) bool) bool {
			return yield(v.Addr().Interface().(*Source))
		}
	case t.Kind() == reflect.Pointer:
		if elem := walkerFor(t.Elem(), seen); elem != nil {
			w = func(v reflect.Value, yield func(*Source) bool) bool {
				return v.IsNil() || elem(v.Elem(), yield)
			}
		}
	case t.Kind() == reflect.Slice:
		if elem := walkerFor(t.Elem(), seen); elem != nil {
			w = func(v reflect.Value, yield func(*Source) bool) bool {
				for i := range v.Len() {
					if !elem(v.Index(i), yield) {
						return false
					}
				}
				return true
			}
		}
	case t.Kind() == reflect.Struct:
		type field struct {
			index int
			walk  sourceWalk
		}
		var fields []field
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				if fw := walkerFor(f.Type, seen); fw != nil {
					fields = append(fields, field{i, fw})
				}
			}
		}
		if len(fields) > 0 {
			w = func(v reflect.Value, yield func(*Source) bool) bool {
				for _, f := range fields {
					if !f.walk(v.Field(f.index), yield) {
						return false
					}
				}
				return true
			}
		}
	}
	seen[t] = w
	return w
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
func SafeShown(f string) string {
	if UnsafeChar(f) == "" {
		return f // most are: no copy
	}
	var b strings.Builder
	for _, r := range f {
		if unsafeRune(r) {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
