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
// SortRoutes), but a reader of the compose file may not expect it. Only
// candidates are compared (wildcards, backends on one host), not every
// pair of backends, so large projects stay linear.
func lintShadows(bs []Backend, ds *Diagnostics) {
	var wildcards []*Backend
	byHost := map[string][]*Backend{} // backends with paths, by host ("" for any host)
	bySuffix := map[string][]int{}    // backends with a host ending in the key (".example.com")
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 {
			continue
		}
		if slices.ContainsFunc(b.Hosts, Host.Wildcard) {
			wildcards = append(wildcards, b)
		}
		for _, h := range b.Hosts {
			for j := 1; j < len(h.Name); j++ {
				if s := h.Name[j:]; s[0] == '.' {
					if l := bySuffix[s]; len(l) == 0 || l[len(l)-1] != i {
						bySuffix[s] = append(l, i)
					}
				}
			}
		}
		if len(b.Paths) == 0 {
			continue
		}
		if len(b.Hosts) == 0 {
			byHost[""] = append(byHost[""], b)
		}
		for _, h := range b.Hosts {
			byHost[h.Name] = append(byHost[h.Name], b)
		}
	}
	// A wildcard can only cover hosts ending in its suffix: look those up.
	for _, a := range wildcards {
		var js []int
		for _, w := range a.Hosts {
			if w.Wildcard() {
				js = append(js, bySuffix[w.Suffix()]...)
			}
		}
		slices.Sort(js)
		for _, j := range slices.Compact(js) {
			if b := &bs[j]; b != a && b.Service != a.Service {
				lintWildcard(a, b, ds)
			}
		}
	}
	warned := map[[2]*Backend]bool{}
	for _, group := range byHost {
		for _, a := range group {
			for _, b := range group {
				if a != b && a.Service != b.Service && !warned[[2]*Backend{a, b}] {
					warned[[2]*Backend{a, b}] = lintPaths(a, b, ds)
				}
			}
		}
	}
}

// lintWildcard warns once per pair when a wildcard of a covers a host of b.
func lintWildcard(a, b *Backend, ds *Diagnostics) {
	for _, w := range a.Hosts {
		if !w.Wildcard() {
			continue
		}
		for _, h := range b.Hosts {
			if h.Name == w.Name || !strings.HasSuffix(h.Name, w.Suffix()) {
				continue
			}
			kind := "exact hosts win"
			if h.Wildcard() {
				kind = "the longer wildcard wins"
			}
			ds.warnf(w.Source, "nothing to do if that is intended",
				"wildcard %s also matches %s of service %s; %s, so %s answers it", w.Name, h.Name, b.Service, kind, b.Service)
			return
		}
	}
}

// lintPaths warns when a path prefix of a covers a longer prefix of b (the
// two share a host), and reports whether it did.
func lintPaths(a, b *Backend, ds *Diagnostics) bool {
	for _, p := range a.Paths {
		for _, q := range b.Paths {
			if p.Prefix != "" && strings.HasPrefix(q.Prefix, p.Prefix+"/") {
				ds.warnf(p.Source, "nothing to do if that is intended",
					"path %s also covers %s of service %s on the same host; the longest prefix wins, so %s answers %s", p.Prefix, q.Prefix, b.Service, b.Service, q.Prefix)
				return true
			}
		}
	}
	return false
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
