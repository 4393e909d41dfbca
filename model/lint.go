package model

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
)

// lintShadows warns about routes that a request they name never reaches:
// a path of a wildcard route (or a route on any host) under a shorter path
// that a more specific host routes, which comes first whatever the length
// of the paths (exact hosts before wildcards, longer wildcards before
// shorter ones, any host last; see SortRoutes). A shorter prefix beside a
// longer one on the same host, or a wildcard beside exact hosts, is a
// normal layout and not reported. Each route looks up what could come
// before it, by its host's suffixes and its path's routed parents, never
// by comparing pairs of backends or walking a path's segments, so the
// cost is about linear in the hosts, paths and wildcard routes. It runs
// only on a project without errors, where no two backends share a host
// and path.
func lintShadows(bs []Backend, ds *Diagnostics) {
	if ds.HasErrors() {
		return
	}
	// Only the suffixes of wildcards, and "" when a route is on any host,
	// are looked up: a project without them records nothing, and one with
	// them records the routes under those suffixes alone.
	looked := map[string]bool{}
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 || len(b.Paths) == 0 {
			continue
		}
		if len(b.Hosts) == 0 {
			looked[""] = true
		}
		for _, h := range b.Hosts {
			if h.Wildcard() {
				looked[h.Suffix()] = true
			}
		}
	}
	if len(looked) == 0 {
		return
	}
	pt := routedParents(bs)
	// (suffix, prefix) → the first path route of a host under that suffix
	// ("" for any host), which comes before a wildcard route on the suffix.
	// Only a clean prefix can be a parent, so only those are recorded.
	type key struct {
		suffix string
		prefix int32
	}
	type first struct {
		b    *Backend
		host string
	}
	before := map[key]first{}
	claims := map[string]string{} // of one backend: suffix → its first host there
	var order []string            // those suffixes, in the order of the hosts
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 {
			continue
		}
		clear(claims)
		order = order[:0]
		for _, h := range b.Hosts {
			name := h.Name
			if h.Wildcard() {
				name = h.Suffix()[1:]
			}
			for j := strings.IndexByte(name, '.'); ; j = nextDot(name, j) {
				suffix := ""
				if j >= 0 {
					suffix = name[j:]
				}
				if _, seen := claims[suffix]; looked[suffix] && !seen {
					claims[suffix] = h.Name
					order = append(order, suffix)
				}
				if j < 0 {
					break
				}
			}
		}
		for _, p := range b.Paths {
			id, ok := pt.id[p.Prefix]
			if !ok {
				continue
			}
			for _, suffix := range order {
				if k := (key{suffix, id}); before[k].b == nil {
					before[k] = first{b, claims[suffix]}
				}
			}
		}
	}
	owner := func(suffix string, id int32) *Backend { return before[key{suffix, id}].b }
	// up is the nearest routed parent of id that a route under suffix
	// claims; other is the nearest above a claimed id that another service
	// claims. Both are remembered, so that a chain of nested paths is
	// walked once for each suffix, not once for each of its paths.
	upMemo, otherMemo := map[key]int32{}, map[key]int32{}
	var walk []int32
	remember := func(memo map[key]int32, suffix string, r int32) int32 {
		for _, id := range walk {
			memo[key{suffix, id}] = r
		}
		return r
	}
	up := func(suffix string, id int32) int32 {
		walk = walk[:0]
		for {
			if r, ok := upMemo[key{suffix, id}]; ok {
				return remember(upMemo, suffix, r)
			}
			walk = append(walk, id)
			p := pt.parent[id]
			if p < 0 || owner(suffix, p) != nil {
				return remember(upMemo, suffix, p)
			}
			id = p
		}
	}
	var chain []int32
	other := func(suffix string, id int32) int32 {
		service := owner(suffix, id).Service
		chain = chain[:0]
		r := int32(-1)
		for {
			if m, ok := otherMemo[key{suffix, id}]; ok {
				r = m
				break
			}
			chain = append(chain, id)
			if u := up(suffix, id); u < 0 || owner(suffix, u).Service != service {
				r = u
				break
			} else {
				id = u
			}
		}
		for _, id := range chain {
			otherMemo[key{suffix, id}] = r
		}
		return r
	}
	var starts []int32
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 {
			continue
		}
		suffixes := []string{""} // a route on any host
		if len(b.Hosts) > 0 {
			suffixes = nil
			for _, h := range b.Hosts {
				if h.Wildcard() {
					suffixes = append(suffixes, h.Suffix())
				}
			}
		}
		if len(suffixes) == 0 {
			continue
		}
		starts = starts[:0]
		for _, q := range b.Paths {
			starts = append(starts, pt.start(q.Prefix))
		}
		for _, suffix := range suffixes {
			for k, q := range b.Paths {
				a := starts[k]
				if a >= 0 && owner(suffix, a) == nil {
					a = up(suffix, a)
				}
				if a >= 0 && owner(suffix, a).Service == b.Service {
					a = other(suffix, a)
				}
				if a < 0 {
					continue
				}
				f, parent := before[key{suffix, a}], pt.name[a]
				where, why := "of *"+suffix, "exact hosts come before wildcards"
				switch {
				case suffix == "":
					where, why = "on any host", "routes on a host come before routes on any host"
				case strings.HasPrefix(f.host, "*."):
					why = "longer wildcards come first"
				}
				ds.Warnf(q.Source, fmt.Sprintf("route %s on %s too, or give one of them another path", q.Prefix, f.host),
					"path %s %s is never reached on %s: service %s routes %s there, and %s", q.Prefix, where, f.host, f.b.Service, parent, why)
			}
		}
	}
}

// prefixTree holds the routed path prefixes that can be another's parent
// (clean ones: path.Dir cleans what it returns), each with its nearest
// routed parent, and where each prefix's parents start.
type prefixTree struct {
	id     map[string]int32
	name   []string
	parent []int32          // the nearest routed parent, or -1
	dir    map[string]int32 // an unclean prefix → the nearest routed parent of path.Dir of it, or -1
}

// start is the nearest routed parent of prefix, or -1: the first that
// walking up from path.Dir(prefix) meets, short of "/".
func (t *prefixTree) start(prefix string) int32 {
	if id, ok := t.id[prefix]; ok {
		return t.parent[id]
	}
	if id, ok := t.dir[prefix]; ok {
		return id
	}
	return -1
}

// routedParents finds every routed prefix's parents in one sorted sweep:
// sorted with '/' before every other character, a prefix is followed by
// all the paths under it, so a stack of the prefixes above the current one
// gives its nearest parent. Nothing walks a path segment by segment, which
// for a long path of many segments would cost its length squared.
func routedParents(bs []Backend) *prefixTree {
	t := &prefixTree{id: map[string]int32{}, dir: map[string]int32{}}
	type entry struct {
		path   string
		routed bool
		of     string // for the path.Dir of an unclean prefix: that prefix
	}
	var es []entry
	for i := range bs {
		if bs[i].TCPPort != 0 {
			continue
		}
		for _, p := range bs[i].Paths {
			q := p.Prefix
			if _, ok := t.id[q]; ok || q == "" {
				continue
			}
			if _, ok := t.dir[q]; ok {
				continue
			}
			if path.Clean(q) == q {
				t.id[q] = int32(len(t.name))
				t.name = append(t.name, q)
				es = append(es, entry{path: q, routed: true})
			} else {
				t.dir[q] = -1
				es = append(es, entry{path: path.Dir(q), of: q})
			}
		}
	}
	t.parent = make([]int32, len(t.name))
	slices.SortFunc(es, func(a, b entry) int {
		return cmp.Or(comparePaths(a.path, b.path), compareBool(!a.routed, !b.routed))
	})
	var stack []int32
	for _, e := range es {
		for len(stack) > 0 && !underOrAt(e.path, t.name[stack[len(stack)-1]]) {
			stack = stack[:len(stack)-1]
		}
		top := int32(-1)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if !e.routed {
			t.dir[e.of] = top
			continue
		}
		id := t.id[e.path]
		t.parent[id] = top
		stack = append(stack, id)
	}
	return t
}

// comparePaths orders paths as strings in which '/' comes first.
func comparePaths(a, b string) int {
	for i := range min(len(a), len(b)) {
		if x, y := a[i], b[i]; x != y {
			switch {
			case x == '/':
				return -1
			case y == '/':
				return 1
			}
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// underOrAt reports whether p is parent or p itself, by whole segments.
func underOrAt(p, parent string) bool {
	return strings.HasPrefix(p, parent) && (len(p) == len(parent) || p[len(parent)] == '/')
}

// isProxy reports whether svc is the proxy itself: an haproxy image, or
// labelled compose2haproxy.proxy=true.
func isProxy(svc *Service) bool {
	if on, _ := (Labels{svc}).Flag("compose2haproxy.proxy"); on {
		return true
	}
	image := svc.Image
	if i := strings.IndexAny(image, "@"); i >= 0 {
		image = image[:i]
	}
	base := path.Base(image)
	if i := strings.Index(base, ":"); i >= 0 {
		base = base[:i]
	}
	return base == "haproxy" || strings.HasPrefix(base, "haproxy-")
}

// lintNetworks warns about routed services that share no network with the
// proxy, when the project holds the proxy: HAProxy could neither resolve
// nor reach them, the most common cause of 502/503 behind a proxy.
func lintNetworks(services []Service, bs []Backend, ds *Diagnostics) {
	var proxies []*Service
	for i := range services {
		if isProxy(&services[i]) {
			proxies = append(proxies, &services[i])
		}
	}
	byName := map[string]*Service{}
	for i := range services {
		byName[services[i].Name] = &services[i]
	}
	warned := map[string]bool{}
	// Every server-template, shared ones too, in place: a Servers is
	// large, and there is one for each backend.
	check := func(sv *Servers) {
		svc := byName[sv.Service]
		if svc == nil || warned[svc.Name] {
			return
		}
		if svc.NetworkMode != "" {
			warned[svc.Name] = true
			ds.Warnf(Source{Service: svc.Name, Key: "network_mode", Value: svc.NetworkMode, From: "compose"}, "put it on a compose network, or route it by another means",
				"has no DNS name on a compose network, so the proxy cannot resolve %s", sv.Address)
			return
		}
		for _, p := range proxies {
			if p == svc || p.NetworkMode != "" || slices.ContainsFunc(svc.Networks, func(n string) bool { return slices.Contains(p.Networks, n) }) {
				continue
			}
			warned[svc.Name] = true
			ds.Warnf(Source{Service: svc.Name}, fmt.Sprintf("add one of %s's networks to %s, or the other way round", p.Name, svc.Name),
				"shares no network with the proxy %s: %s is on %s, %s on %s, so HAProxy can neither resolve nor reach it",
				p.Name, svc.Name, listOrNone(svc.Networks), p.Name, listOrNone(p.Networks))
		}
	}
	for i := range bs {
		check(&bs[i].Servers)
		for j := range bs[i].Shared {
			check(&bs[i].Shared[j])
		}
	}
}

func listOrNone(ns []string) string {
	if len(ns) == 0 {
		return "no network"
	}
	return strings.Join(ns, ", ")
}

// lintKeys reports label keys meant for compose2haproxy that an "x-"
// prefix hides: compose drops such keys even inside labels (the loader
// hands them over anyway so that this can say so).
func mayHideOwnKey(k string) bool {
	return strings.HasPrefix(k, "x-") || strings.HasPrefix(k, "X-") || strings.HasPrefix(k, "compose2haproxy.")
}

func lintKeys(l Labels, dialects []Dialect, ds *Diagnostics) {
	for _, k := range l.KeysWhere(mayHideOwnKey) {
		rest, ok := strings.CutPrefix(k, "x-")
		if !ok {
			rest, ok = strings.CutPrefix(k, "X-")
		}
		if ok && slices.ContainsFunc(dialects, func(d Dialect) bool { return strings.HasPrefix(rest, d.Table().Prefix) }) {
			_, src, _ := l.Get(k)
			ds.Errorf(src, "rename it to "+rest, "compose drops keys that start with \"x-\" (it reads them as extensions), so this one does nothing")
		}
		if own, ok := strings.CutPrefix(k, "compose2haproxy."); ok && !knownOwnKey(own) && !dialectKey(dialects, k) {
			_, src, _ := l.Get(k)
			fix := "see the README for compose2haproxy's labels"
			if s := Nearest(strings.SplitAfter(own, ".")[0], []string{"proxy", "request-header.", "response-header."}); s != "" {
				fix = "did you mean compose2haproxy." + s + "…?"
			}
			ds.Warnf(src, fix, "unknown compose2haproxy label; it is ignored")
		}
	}
}

// dialectKey reports whether a dialect's table lists key: a
// compose2haproxy.* label of its own (compose2haproxy.traefik.ignore).
func dialectKey(dialects []Dialect, key string) bool {
	return slices.ContainsFunc(dialects, func(d Dialect) bool {
		return slices.ContainsFunc(d.Table().Keys, func(l LabelDoc) bool { return l.Name == key })
	})
}

// knownOwnKey reports whether compose2haproxy.KEY is one of the tool's own
// labels.
func knownOwnKey(key string) bool {
	return key == "proxy" || key == "admit" || slices.ContainsFunc(headerLabels, func(h headerLabelKind) bool {
		name, ok := strings.CutPrefix("compose2haproxy."+key, h.prefix)
		return ok && name != ""
	})
}
