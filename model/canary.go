package model

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// mergeShared makes one backend of the services routed under one name with
// the same paths and conditions, as registrator and Consul made one service
// of every container registering a name: each keeps its own server-template
// (Shared), and weight= splits the traffic (a canary, blue/green). What
// the backend does with a request must then agree, or it is an error naming
// both services; only the servers may differ. Joining a name takes each
// other's admission (compose2haproxy.admit), with every service already
// under it. bs is sorted by service; the result is kept in its array (a
// backend is a kilobyte).
func mergeShared(bs []Backend, adm admissions, ds *Diagnostics) []Backend {
	first := map[string]int{} // group key → index in out
	out := bs[:0]
	for k := range bs {
		b := &bs[k] // not a copy of a kilobyte each
		key := b.shareKey()
		i, ok := first[key]
		if !ok || b.Service == out[i].Service {
			first[key] = len(out)
			if len(out) < k {
				out = append(out, *b) // after a merged one: moved down
			} else {
				out = out[:k+1]
			}
			continue
		}
		shares := "the name " + b.Name
		if b.ServiceGroup != "" {
			shares = "the group " + b.ServiceGroup
		}
		if stranger := notAdmitted(&out[i], b, adm); stranger != "" {
			ds.Errorf(b.nameSource(), fmt.Sprintf("if both agree, label %s with %s: %s and %s with %s: %s; else give %s another name",
				stranger, admitKey, b.Service, b.Service, admitKey, stranger, b.Service),
				"shares %s with service %s, which makes them one backend, and they do not admit each other", shares, stranger)
			continue
		}
		if what := disagreement(&out[i], b); what != "" {
			ds.Errorf(b.nameSource(), fmt.Sprintf("give %s and %s the same settings but their servers', or %s another name", b.Service, out[i].Service, b.Service),
				"shares %s with service %s, which makes them one backend, but %s", shares, out[i].Service, what)
			continue
		}
		out[i].Shared = append(out[i].Shared, b.Servers)
		out[i].Shared = append(out[i].Shared, b.Shared...)
	}
	return out
}

// shareKey groups the backends that are one: the same name, paths,
// conditions and listener (backends of one name on different paths split
// a host; an HTTP route and an sni= service of one name take different
// connections).
func (b *Backend) shareKey() string {
	if b.ServiceGroup != "" {
		return "group\x00" + b.ServiceGroup + "\x00" + strconv.Itoa(b.TCPPort)
	}
	paths := make([]string, len(b.Paths))
	for i, p := range b.Paths {
		paths[i] = p.Prefix
	}
	listener := ""
	if b.TCPPort != 0 {
		listener = b.TCPKind()
	}
	return b.Name + "\x00" + strings.Join(paths, " ") + "\x00" + b.Match.key() + "\x00" + listener
}

// notAdmitted is a service of the shared backend a (its own, or one of
// Shared) that b's service and it do not both admit; "" if none.
func notAdmitted(a, b *Backend, adm admissions) string {
	for _, sv := range slices.Concat([]Servers{a.Servers}, a.Shared) {
		if !adm.admits(sv.Service, b.Service) || !adm.admits(b.Service, sv.Service) {
			return sv.Service
		}
	}
	return ""
}

// nameSource is where b's name came from, for messages.
func (b *Backend) nameSource() Source {
	for _, h := range b.Hosts {
		if h.Name == b.Name {
			return h.Source
		}
	}
	return Source{Service: b.Service}
}

// perService are the backend's fields that belong to one service of a
// shared backend: they may differ. groupOwn are those a group's services
// keep too: their names, and the hosts a TCP service need not agree on.
var (
	perService = jsonNames[Backend]("Service", "Port", "Servers", "Shared", "Tags")
	groupOwn   = jsonNames[Backend]("Name", "Hosts", "Canonical")
)

// disagreement says how b would handle a request differently from a, or
// returns "". Every field but perService's is compared, so a setting added
// to Backend later is compared too; where a value came from (its source)
// does not count.
func disagreement(a, b *Backend) string {
	av, bv := comparable(a), comparable(b)
	var diffs []string
	for _, k := range slices.Sorted(maps.Keys(mergedKeys(av, bv))) {
		x, _ := json.Marshal(av[k])
		y, _ := json.Marshal(bv[k])
		if string(x) != string(y) {
			diffs = append(diffs, fmt.Sprintf("%s (%s here, %s in %s)", k, shown(y), shown(x), a.Service))
		}
	}
	if len(diffs) == 0 {
		return ""
	}
	return "they differ in " + strings.Join(diffs, ", ")
}

func mergedKeys(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// comparable is b as JSON fields, without its per-service fields and
// without where its values came from.
func comparable(b *Backend) map[string]any {
	raw, _ := json.Marshal(b)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, k := range perService {
		delete(m, k)
	}
	if b.ServiceGroup != "" {
		for _, k := range groupOwn {
			delete(m, k)
		}
	}
	if a := b.Policy.Auth; a != nil {
		// The hashes are left out of JSON, but a different password is a
		// different policy: compared, never shown.
		hashes := make([]string, len(a.Users))
		for i, u := range a.Users {
			hashes[i] = u.Name + ":" + u.Hash
		}
		m["password hashes"] = redactedList(hashes)
	}
	withoutSources(m, reflect.TypeFor[Backend]())
	return m
}

var (
	sourceType  = reflect.TypeFor[Source]()
	sourcesType = reflect.TypeFor[[]Source]()
	settingType = reflect.TypeFor[*Source]()
)

// withoutSources returns v, the JSON of a value of type t, without where
// its values came from: the fields of type Source or []Source are left
// out, and one of type *Source (a setting that is on, and what set it:
// deny_http, default) is true. The walk follows t, so the names are the
// types' own.
func withoutSources(v any, t reflect.Type) any {
	switch {
	case t == settingType:
		return v != nil
	case t.Kind() == reflect.Pointer:
		return withoutSources(v, t.Elem())
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		if items, ok := v.([]any); ok {
			for i := range items {
				items[i] = withoutSources(items[i], t.Elem())
			}
		}
	case t.Kind() == reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for k := range m {
				m[k] = withoutSources(m[k], t.Elem())
			}
		}
	case t.Kind() == reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		for _, f := range reflect.VisibleFields(t) {
			name, ok := jsonName(f)
			if _, set := m[name]; !ok || !set {
				continue
			}
			if f.Type == sourceType || f.Type == sourcesType {
				delete(m, name)
			} else {
				m[name] = withoutSources(m[name], f.Type)
			}
		}
	}
	return v
}

// jsonName is the key encoding/json gives field f; false for a field it
// leaves out, or whose fields it promotes (an embedded struct, which
// VisibleFields lists them for).
func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() || f.Anonymous && tag == "" {
		return "", false
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name, true
	}
	return f.Name, true
}

// jsonNames are the JSON keys of T's fields of these Go names; a name T
// lacks panics when the package starts, so a renamed field cannot be
// silently compared.
func jsonNames[T any](fields ...string) []string {
	names := make([]string, len(fields))
	for i, field := range fields {
		f, ok := reflect.TypeFor[T]().FieldByName(field)
		name, named := jsonName(f)
		if !ok || !named {
			panic("model: " + reflect.TypeFor[T]().Name() + " has no JSON field " + field)
		}
		names[i] = name
	}
	return names
}

// shown is a JSON value for a message: "none" for nothing, and at most 80
// characters.
func shown(raw []byte) string {
	s := string(raw)
	switch s {
	case "null", `""`, "[]", "{}", "false", "0":
		return "none"
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// redactedList compares as its items but shows as "redacted".
type redactedList []string

func (r redactedList) MarshalJSON() ([]byte, error) {
	return json.Marshal(fmt.Sprintf("redacted %x", sha256.Sum256([]byte(strings.Join(r, "\n"))))[:18])
}
