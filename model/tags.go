package model

import (
	"fmt"
	"github.com/compose2haproxy/compose2haproxy/internal/spelling"
	"slices"
	"strconv"
	"strings"
)

// tagDef is everything compose2haproxy knows about one SERVICE_TAGS tag,
// in one place: its name, the form of its value, whether it repeats,
// whether it needs HTTP, what it does (for the README, whose tag table is
// made from this list, see TagDocs) and how it applies to a backend.
type tagDef struct {
	name string
	// aliasOf names the tag this one is another spelling of; such a tag
	// has no fields of its own.
	aliasOf    string
	value      *Form // nil: the tag takes no value
	optional   bool  // the value may be left out (hsts, or hsts=SECONDS)
	repeatable bool
	http       bool // only means something on an HTTP route: an error with tcp=
	tcp        bool // only means something on a TCP service: an error without tcp=
	// https says what the tag does over HTTPS when it means nothing
	// without an HTTPS listener ("it redirects to https"): then it is an
	// error (NeedsHTTPS), and its doc says so (NeedsHTTPSDoc).
	https   string
	doc     string
	example string
	// apply sets what the tag asks for; v is the checked, normalised value.
	apply func(b *Backend, v string, cx tagContext)
}

// tagContext is what a tag's apply may need beyond its backend and value.
type tagContext struct {
	src     Source             // the tag
	secrets map[string]*Secret // the project's, by name (auth=NAME)
	ds      *Diagnostics       // for problems only apply can see (what a named secret holds)
}

// Form is the grammar of a tag's (or a dialect's key's) value.
type Form struct {
	Doc string // the form as the README writes it: HOST, /prefix, N
	Fix string // how to write it, for diagnostics
	// Check returns the value normalised (a host lower-cased, a path
	// without its trailing slash), or what is wrong with it.
	Check func(v string) (norm, prob string)
}

var (
	hostOrWildcard = &Form{"HOST", "give a host name like www.example.com or *.example.com", func(v string) (string, string) { return normHost(v, true) }}
	ExactHost      = &Form{"HOST", "give the old host name, like old.example.com", func(v string) (string, string) { return normHost(v, false) }}
	PathPrefix     = &Form{"/PREFIX", "give a path prefix like /api", checkPath}
	duration       = &Form{"DURATION", "give a duration like 30s", normDuration}
	balanceForm    = &Form{"ALGO", "see HAProxy's balance directive", func(v string) (string, string) { return v, checkBalance(v) }}
)

// wholeNumber is a value from lo to hi.
func wholeNumber(lo, hi int) *Form {
	return &Form{"N", "give a number", func(v string) (string, string) {
		n, prob := ParseInt(v, lo, hi)
		return strconv.Itoa(n), prob
	}}
}

// PortNumber is a TCP port.
var PortNumber = &Form{"PORT", "give a port from 1 to 65535", wholeNumber(1, 65535).Check}

// normHost checks a host before lower-casing it: case folding would turn
// some non-ASCII letters (the Kelvin sign) into ASCII ones.
func normHost(v string, wildcard bool) (string, string) {
	if prob := UnsafeChar(v); prob != "" {
		return "", prob
	}
	h := strings.ToLower(v)
	return h, checkHost(h, wildcard)
}

// atoi reads a value that a wholeNumber form has checked.
func atoi(v string) int {
	n, _ := strconv.Atoi(v)
	return n
}

// tagDefs is the table of known tags, in the README's order. Each group
// of tags is a list of its own, in the file of what it is about.
var tagDefs = slices.Concat(routingTags, policyTags, trafficTags, featureTags)

// routingTags say where requests go and how backends are balanced.
var routingTags = []tagDef{
	{name: "server_alias", value: hostOrWildcard, repeatable: true, http: true,
		doc:     "extra host; `*.` wildcard allowed",
		example: "server_alias=hello.home",
		apply:   func(b *Backend, v string, cx tagContext) { b.Hosts = append(b.Hosts, Host{Name: v, Source: cx.src}) }},
	{name: "server_aliases", aliasOf: "server_alias"},
	{name: "path", value: PathPrefix, repeatable: true, http: true,
		doc:     "only requests under this path; segment-aware (`/api` matches `/api` and `/api/x`, not `/apix`); longest prefix wins",
		example: "path=/api",
		apply:   func(b *Backend, v string, cx tagContext) { b.Paths = append(b.Paths, Path{Prefix: v, Source: cx.src}) }},
	{name: "strip_path", http: true,
		doc:     "remove the matched prefix before forwarding (`/api/x?q=1` → `/x?q=1`)",
		example: "path=/api,strip_path",
		apply:   func(b *Backend, _ string, _ tagContext) { b.StripPath = true }},
	{name: "sticky_session", http: true,
		doc:     "a cookie keeps a client on one replica (HAProxy dynamic cookies, which follow DNS changes)",
		example: "sticky_session",
		apply:   func(b *Backend, _ string, _ tagContext) { b.Sticky = true }},
	{name: "balance", value: balanceForm,
		doc:     balanceDoc(),
		example: "balance=leastconn",
		apply:   func(b *Backend, v string, _ tagContext) { b.Balance = v }},
	{name: "weight", value: wholeNumber(1, 256),
		doc:     "server weight, 1–256: services that share a name split its requests by it (a canary)",
		example: "weight=50",
		apply:   func(b *Backend, v string, _ tagContext) { b.Servers.Weight = atoi(v) }},
	{name: "maxconn", value: wholeNumber(1, 1_000_000),
		doc:     "per-server connection limit",
		example: "maxconn=100",
		apply:   func(b *Backend, v string, _ tagContext) { b.Servers.MaxConn = atoi(v) }},
	{name: "slots", value: wholeNumber(1, MaxSlots),
		doc:     fmt.Sprintf("server-template size, 1–%d", MaxSlots),
		example: "slots=3",
		apply:   func(b *Backend, v string, cx tagContext) { b.Servers.Slots, b.Servers.Source = atoi(v), cx.src }},
	{name: "timeout", value: duration,
		doc:     "server timeout of this backend",
		example: "timeout=90s",
		apply:   func(b *Backend, v string, _ tagContext) { b.Timeout = v }},
	{name: "https_only", http: true, https: "it redirects to https",
		doc:     "plain-HTTP requests get a 301 (308 for methods other than GET and HEAD) to https, same host, path and query, on the public HTTPS port; a short name (no dot) is served",
		example: "https_only",
		apply:   func(b *Backend, _ string, _ tagContext) { b.HTTPSOnly = true }},
	{name: "redirect_from", value: ExactHost, repeatable: true, http: true,
		doc:     "301 (308 for methods other than GET and HEAD) from this old host to this route's canonical host, keeping path and query",
		example: "redirect_from=old.example.com",
		apply: func(b *Backend, v string, cx tagContext) {
			b.Redirects = append(b.Redirects, Host{Name: v, Source: cx.src})
		}},
	{name: "listen", value: PortNumber, repeatable: true, http: true,
		doc: "an HTTP listener of the service's own on PORT (on `" + OptionHTTP.Ref() + "`'s address): the route takes only the requests that came there, and the port serves no other service. " +
			"To serve a service to the host itself only, publish that port of the proxy on 127.0.0.1 (`ports: [\"127.0.0.1:8081:8081\"]`): an `allow=127.0.0.0/8` cannot, since through a published port the client address is the bridge's",
		example: "listen=8081",
		apply: func(b *Backend, v string, cx tagContext) {
			m := b.Matching()
			m.Listeners = append(m.Listeners, Listener{Port: atoi(v), Source: cx.src})
		}},
	{name: "tcp", value: PortNumber,
		doc:     "a raw TCP service: its own `mode tcp` listener on PORT (on `" + OptionHTTP.Ref() + "`'s address), no HTTP routing",
		example: "tcp=5432",
		apply:   func(b *Backend, v string, cx tagContext) { b.TCPPort, b.TCPKey = atoi(v), cx.src.Key }},
	{name: "sni", value: PortNumber,
		doc: "TLS passed through, not terminated: a `mode tcp` listener on PORT (on `" + OptionHTTP.Ref() + "`'s address), shared by the `sni=` services of that port, " +
			"sends each connection to the service whose host is the server name of the client's TLS hello (exact hosts first, then longer wildcards); no HTTP routing",
		example: "sni=8443",
		apply:   func(b *Backend, v string, cx tagContext) { b.TCPPort, b.SNI, b.TCPKey = atoi(v), true, cx.src.Key }},
}

// tagsByName finds a tag's definition, aliases resolved to what they
// stand for.
var tagsByName = func() map[string]*tagDef {
	m := map[string]*tagDef{}
	for i := range tagDefs {
		m[tagDefs[i].name] = &tagDefs[i]
	}
	for name, d := range m {
		if d.aliasOf != "" {
			m[name] = m[d.aliasOf]
		}
	}
	return m
}()

// TagDoc describes one known tag for documentation.
type TagDoc struct {
	Name       string
	Aliases    []string // other spellings
	Value      string   // the value's form ("HOST"); empty: no value
	Optional   bool     // the value may be left out
	Repeatable bool
	HTTP       bool   // only for HTTP routes, not tcp=
	TCP        bool   // only for tcp= services
	HTTPS      bool   // needs an HTTPS listener (Doc ends saying so)
	Doc        string // options marked for SpellRefs
	Example    string
}

// TagDocs lists the known tags in the README's order: the README's tag
// table is generated from it, so the two cannot drift apart.
func TagDocs() []TagDoc {
	var out []TagDoc
	for _, d := range tagDefs {
		if d.aliasOf != "" {
			for i := range out {
				if out[i].Name == d.aliasOf {
					out[i].Aliases = append(out[i].Aliases, d.name)
				}
			}
			continue
		}
		doc := TagDoc{Name: d.name, Optional: d.optional, Repeatable: d.repeatable, HTTP: d.http, TCP: d.tcp, Doc: d.doc, Example: d.example}
		if d.https != "" {
			doc.HTTPS = true
			doc.Doc += " (" + NeedsHTTPSDoc() + ")"
		}
		if d.value != nil {
			doc.Value = d.value.Doc
		}
		out = append(out, doc)
	}
	return out
}

// foreignTags belong to other tools of the registrator ecosystem; they are
// kept for custom templates without a warning.
var foreignTags = map[string]bool{"public_ipaddress": true}

// ParseTags splits a SERVICE_TAGS value into tags. Each value is checked for
// characters HAProxy would interpret even when the tag is unknown, because
// custom templates can print any tag.
func ParseTags(raw string, src Source, ds *Diagnostics) []Tag {
	if ListTooLong(raw, src, ds) {
		return nil
	}
	tags := make([]Tag, 0, strings.Count(raw, ",")+1)
	for item := range strings.SplitSeq(raw, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, hasValue := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		value = strings.TrimSpace(value)
		if prob := UnsafeChar(item); prob != "" {
			ds.Errorf(src, "remove it from the tag", "tag %s %s", Printable(item), prob)
			continue
		}
		def := tagsByName[name]
		tag := Tag{Name: name, Value: value, Known: def != nil, Source: src.WithItem(item)}
		switch {
		case def == nil && foreignTags[name]:
		case def == nil:
			fix := "remove it, or see the README for the tags compose2haproxy knows"
			if s := suggest(name); s != "" {
				fix = fmt.Sprintf("did you mean %q?", s)
			}
			ds.Warnf(src, fix, "unknown tag %q", name)
		case def.value != nil && !def.optional && (!hasValue || value == ""):
			ds.Errorf(src, fmt.Sprintf("write it as %s=%s", name, def.value.Doc), "tag %q needs a value", name)
			continue
		case def.value == nil && hasValue:
			ds.Errorf(src, fmt.Sprintf("write just %q", name), "tag %q takes no value", name)
			continue
		}
		tags = append(tags, tag)
	}
	if len(tags) == 0 {
		return nil
	}
	return tags
}

// Applier applies tags, and the dialects' settings that mean the same,
// to one backend. It remembers what set each setting that does not
// repeat, so that two different values are an error naming both, and what
// set an HTTP-only setting, which a TCP service cannot honour.
type Applier struct {
	b       *Backend
	l       Labels
	secrets map[string]*Secret
	ds      *Diagnostics
	set     map[string]setting // tag name → its first value and where it came from
	http    []setting          // HTTP-only settings: what (a tag or label) and where
	tcp     []setting          // TCP-only settings, likewise
	https   []needsHTTPS       // settings that need an HTTPS listener
	// aliases are the server_alias settings: HTTP hosts, which an sni=
	// service takes as server names.
	aliases []setting
	// canonical is the host a dialect named the service's own (Prefer).
	canonical string
	// checkHTTP names the setting of the HTTP check, checkTCP is the
	// first that asked for the TCP check or not (CheckHTTP, CheckTCP).
	checkHTTP string
	checkTCP  *setting
	finally   []func()
}

type setting struct {
	value string // the value; for http, the tag or label that set it
	src   Source
}

// needsHTTPS is a setting that means nothing without an HTTPS listener:
// what names it (a tag, a dialect's key), why says what it does over
// HTTPS.
type needsHTTPS struct {
	what, why string
	src       Source
}

func newApplier(b *Backend, l Labels, secrets map[string]*Secret, ds *Diagnostics) *Applier {
	return &Applier{b: b, l: l, secrets: secrets, ds: ds, set: map[string]setting{}}
}

// Backend is the backend being built.
func (a *Applier) Backend() *Backend { return a.b }

// Variant is the route of the port being built (Claim.Routes); "" when
// the port has one.
func (a *Applier) Variant() string { return a.b.Variant }

// Labels are its service's.
func (a *Applier) Labels() Labels { return a.l }

// Secrets are the project's, by name.
func (a *Applier) Secrets() map[string]*Secret { return a.secrets }

// Diagnostics collect the problems.
func (a *Applier) Diagnostics() *Diagnostics { return a.ds }

// HTTPOnly records a setting (what names it in messages) that means
// something only on an HTTP route: a TCP service's is an error.
func (a *Applier) HTTPOnly(what string, src Source) { a.http = append(a.http, setting{what, src}) }

// NeedsHTTPS records a setting (what names it in messages) that means
// nothing without an HTTPS listener; why says what it does over HTTPS
// ("it redirects to https"). Without one it is an error (NoHTTPS).
func (a *Applier) NeedsHTTPS(what string, src Source, why string) {
	a.https = append(a.https, needsHTTPS{what, why, src})
}

// TCPOnly records a setting that means something only on a TCP service's
// own listener: an HTTP route's is an error.
func (a *Applier) TCPOnly(what string, src Source) { a.tcp = append(a.tcp, setting{what, src}) }

// Prefer names a host of the backend as the service's own: the first
// named is where redirects lead (Backend.Canonical).
func (a *Applier) Prefer(host string) {
	if a.canonical == "" {
		a.canonical = host
	}
}

// Finally runs f once every setting of every dialect and tag is applied:
// a check of settings that others may change.
func (a *Applier) Finally(f func()) { a.finally = append(a.finally, f) }

// TagForm is the form of a tag's value; nil for a tag without one, or no
// tag.
func TagForm(name string) *Form {
	if d := tagsByName[name]; d != nil {
		return d.value
	}
	return nil
}

// context is what an apply gets for a value from src.
func (a *Applier) context(src Source) tagContext {
	return tagContext{src: src, secrets: a.secrets, ds: a.ds}
}

// applyTags sets what the backend's known tags ask for.
func (a *Applier) applyTags() {
	// A long list is hosts and paths, each an HTTP setting: room for them
	// at once rather than by doubling.
	hosts, paths, http := 0, 0, 0
	for _, t := range a.b.Tags {
		if def := tagsByName[t.Name]; def != nil {
			switch def.name {
			case "server_alias":
				hosts++
			case "path":
				paths++
			}
			if def.http {
				http++
			}
		}
	}
	a.b.Hosts, a.b.Paths = slices.Grow(a.b.Hosts, hosts), slices.Grow(a.b.Paths, paths)
	a.http = slices.Grow(a.http, http)
	for _, t := range a.b.Tags {
		if def := tagsByName[t.Name]; def != nil {
			a.apply(def, t.Value, t.Source, "tag "+t.Name)
		}
	}
	if a.b.StripPath && len(a.b.Paths) == 0 {
		a.ds.Warnf(a.b.tagSource("strip_path"), "add a path=/prefix tag", "strip_path has no path to strip")
		a.b.StripPath = false
	}
}

// Apply checks v against the form of the tag name and applies it; who
// names the tag ("tag path") or the dialect's key in messages.
func (a *Applier) Apply(name, v string, src Source, who string) {
	a.apply(tagsByName[name], v, src, who)
}

func (a *Applier) apply(def *tagDef, v string, src Source, who string) {
	if def.value != nil && (v != "" || !def.optional) {
		norm, prob := def.value.Check(v)
		if prob != "" {
			a.ds.Errorf(src, def.value.Fix, "%s=%s %s", who, Printable(v), prob)
			return
		}
		v = norm
	}
	if !def.repeatable {
		if prev, ok := a.set[def.name]; ok {
			if prev.value != v {
				a.ds.Errorf(src, "keep one of them", "%s is set twice: to %q here and to %q by %s", def.name, v, prev.value, prev.src.Key)
			}
			return
		}
		a.set[def.name] = setting{v, src}
	}
	switch {
	case def.name == "server_alias":
		a.aliases = append(a.aliases, setting{who, src})
	case def.http:
		a.http = append(a.http, setting{who, src})
	}
	if def.tcp {
		a.tcp = append(a.tcp, setting{who, src})
	}
	if def.https != "" {
		a.NeedsHTTPS(def.name, src, def.https)
	}
	def.apply(a.b, v, a.context(src))
}

// tagSource is where the first tag of that name came from.
func (b *Backend) tagSource(name string) Source {
	for _, t := range b.Tags {
		if t.Name == name {
			return t.Source
		}
	}
	return Source{Service: b.Service}
}

// suggest returns the known tag nearest to name, if it is near enough to be
// a typo.
func suggest(name string) string {
	names := make([]string, len(tagDefs))
	for i, d := range tagDefs {
		names[i] = d.name
	}
	return Nearest(name, names)
}

// Nearest is the candidate closest to name by edit distance (a tie goes to
// the first in sort order), or "" when none is close enough to be a likely
// typo: at most 2 edits, and at most half of name. It is exported for the
// loader's suggestions, so that every "did you mean" measures alike.
func Nearest(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if dist := spelling.Distance(name, c); dist < bestDist || (dist == bestDist && c < best) {
			best, bestDist = c, dist
		}
	}
	if best == "" || bestDist > len(name)/2 {
		return ""
	}
	return best
}
