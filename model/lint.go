package model

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// lintShadows warns where one route covers another's hosts or paths: a
// wildcard alias over another service's host, or a path prefix over a
// longer one on a shared host. Both still work (the more specific wins, see
// SortRoutes), but a reader of the compose file may not expect it. Each
// covering is found by looking up what could cover it (a host's suffixes,
// a path's parents), never by comparing pairs of backends, so the cost is
// linear in the hosts and paths. It runs only on a project without errors,
// where no two backends share a host and path.
func lintShadows(bs []Backend, ds *Diagnostics) {
	if ds.HasErrors() {
		return
	}
	lintWildcards(bs, ds)
	lintPaths(bs, ds)
}

// lintWildcards warns once per pair of backends when a wildcard of one
// covers a host of the other: about a's first wildcard that covers any of
// b's hosts, and b's first host it covers.
func lintWildcards(bs []Backend, ds *Diagnostics) {
	// suffix → the backends with a host ending in it, each with its first
	// two such hosts (the first may be the wildcard itself).
	type entry struct {
		b     *Backend
		hosts []Host
	}
	bySuffix := map[string][]entry{}
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 {
			continue
		}
		for _, h := range b.Hosts {
			for j := strings.IndexByte(h.Name, '.'); j >= 0; j = nextDot(h.Name, j) {
				l := bySuffix[h.Name[j:]]
				if n := len(l); n == 0 || l[n-1].b != b {
					l = append(l, entry{b: b})
				}
				if e := &l[len(l)-1]; len(e.hosts) < 2 {
					e.hosts = append(e.hosts, h)
				}
				bySuffix[h.Name[j:]] = l
			}
		}
	}
	warned := map[[2]*Backend]bool{}
	for i := range bs {
		a := &bs[i]
		if a.TCPPort != 0 {
			continue
		}
		for _, w := range a.Hosts {
			if !w.Wildcard() {
				continue
			}
			for _, e := range bySuffix[w.Suffix()] {
				if e.b.Service == a.Service || warned[[2]*Backend{a, e.b}] {
					continue
				}
				h := e.hosts[0]
				if h.Name == w.Name {
					if len(e.hosts) < 2 {
						continue
					}
					h = e.hosts[1]
				}
				warned[[2]*Backend{a, e.b}] = true
				kind := "exact hosts win"
				if h.Wildcard() {
					kind = "the longer wildcard wins"
				}
				ds.warnf(w.Source, "nothing to do if that is intended",
					"wildcard %s also matches %s of service %s; %s, so %s answers it", w.Name, h.Name, e.b.Service, kind, e.b.Service)
			}
		}
	}
}

// lintPaths warns once per pair of backends that share a host when a path
// prefix of one covers a longer prefix of the other: about a's first such
// prefix (they are longest first) and b's first prefix under it.
func lintPaths(bs []Backend, ds *Diagnostics) {
	byHost := map[string][]*Backend{} // backends with paths, by host ("" for any host)
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 || len(b.Paths) == 0 {
			continue
		}
		if len(b.Hosts) == 0 {
			byHost[""] = append(byHost[""], b)
		}
		for _, h := range b.Hosts {
			byHost[h.Name] = append(byHost[h.Name], b)
		}
	}
	type at struct{ p, q int } // indexes into a.Paths and b.Paths
	best := map[[2]*Backend]at{}
	seen := map[string]bool{} // groups already looked at: hosts shared by the same backends
	for _, group := range byHost {
		key := fmt.Sprint(group)
		if seen[key] {
			continue
		}
		seen[key] = true
		type routed struct {
			b *Backend
			i int // the prefix's index in b.Paths
		}
		owner := map[string]routed{} // prefix → the backend routing it on this host
		for _, b := range group {
			for i, p := range b.Paths {
				owner[p.Prefix] = routed{b, i}
			}
		}
		for _, b := range group {
			for qi, q := range b.Paths {
				for parent := path.Dir(q.Prefix); parent != "/" && parent != "."; parent = path.Dir(parent) {
					o, ok := owner[parent]
					if !ok || o.b.Service == b.Service {
						continue
					}
					a, pi := o.b, o.i
					if prev, ok := best[[2]*Backend{a, b}]; !ok || pi < prev.p || pi == prev.p && qi < prev.q {
						best[[2]*Backend{a, b}] = at{pi, qi}
					}
				}
			}
		}
	}
	for pair, x := range best {
		a, b := pair[0], pair[1]
		p, q := a.Paths[x.p], b.Paths[x.q]
		ds.warnf(p.Source, "nothing to do if that is intended",
			"path %s also covers %s of service %s on the same host; the longest prefix wins, so %s answers %s", p.Prefix, q.Prefix, b.Service, b.Service, q.Prefix)
	}
}

// isProxy reports whether svc is the proxy itself: an haproxy image, or
// labelled compose2haproxy.proxy=true.
func isProxy(svc *Service) bool {
	if on, _ := (labels{svc}).flag("compose2haproxy.proxy"); on {
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
	for _, b := range bs {
		svc := byName[b.Service]
		if svc == nil || warned[svc.Name] {
			continue
		}
		if svc.NetworkMode != "" {
			warned[svc.Name] = true
			ds.warnf(Source{Service: svc.Name, Key: "network_mode", Value: svc.NetworkMode, From: "compose"}, "put it on a compose network, or route it by another means",
				"has no DNS name on a compose network, so the proxy cannot resolve %s", b.Servers.Address)
			continue
		}
		for _, p := range proxies {
			if p == svc || p.NetworkMode != "" || slices.ContainsFunc(svc.Networks, func(n string) bool { return slices.Contains(p.Networks, n) }) {
				continue
			}
			warned[svc.Name] = true
			ds.warnf(Source{Service: svc.Name}, fmt.Sprintf("add one of %s's networks to %s, or the other way round", p.Name, svc.Name),
				"shares no network with the proxy %s: %s is on %s, %s on %s, so HAProxy can neither resolve nor reach it",
				p.Name, svc.Name, listOrNone(svc.Networks), p.Name, listOrNone(p.Networks))
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
func lintKeys(l labels, ds *Diagnostics) {
	for _, k := range l.keys() {
		rest, ok := strings.CutPrefix(k, "x-")
		if !ok {
			rest, ok = strings.CutPrefix(k, "X-")
		}
		if ok && (strings.HasPrefix(rest, "SERVICE_") || strings.HasPrefix(rest, "com.df.")) {
			_, src, _ := l.get(k)
			ds.errorf(src, "rename it to "+rest, "compose drops keys that start with \"x-\" (it reads them as extensions), so this one does nothing")
		}
	}
}
