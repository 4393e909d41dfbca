package model

import (
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
// before it, by its host's suffixes and its path's parents, never by
// comparing pairs of backends, so the cost is linear in the hosts and
// paths. It runs only on a project without errors, where no two backends
// share a host and path.
func lintShadows(bs []Backend, ds *Diagnostics) {
	if ds.HasErrors() {
		return
	}
	// (suffix, prefix) → the first path route of a host under that suffix
	// ("" for any host), which comes before a wildcard route on the suffix.
	type key struct{ suffix, prefix string }
	type first struct {
		b    *Backend
		host string
	}
	// Only the suffixes of wildcards, and "" when a route is on any host,
	// are looked up: a project without them records nothing, and one with
	// them records the pairs under those suffixes alone.
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
	before := map[key]first{}
	var suffixes []string // of one host, those looked up
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 {
			continue
		}
		for _, h := range b.Hosts {
			name := h.Name
			if h.Wildcard() {
				name = h.Suffix()[1:]
			}
			suffixes = suffixes[:0]
			for j := strings.IndexByte(name, '.'); ; j = nextDot(name, j) {
				suffix := ""
				if j >= 0 {
					suffix = name[j:]
				}
				if looked[suffix] {
					suffixes = append(suffixes, suffix)
				}
				if j < 0 {
					break
				}
			}
			for _, p := range b.Paths {
				for _, suffix := range suffixes {
					if k := (key{suffix, p.Prefix}); before[k].b == nil {
						before[k] = first{b, h.Name}
					}
				}
			}
		}
	}
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
		for _, suffix := range suffixes {
			for _, q := range b.Paths {
				for parent := path.Dir(q.Prefix); parent != "/" && parent != "."; parent = path.Dir(parent) {
					f := before[key{suffix, parent}]
					if f.b == nil || f.b.Service == b.Service {
						continue
					}
					where, why := "of *"+suffix, "exact hosts come before wildcards"
					switch {
					case suffix == "":
						where, why = "on any host", "routes on a host come before routes on any host"
					case strings.HasPrefix(f.host, "*."):
						why = "longer wildcards come first"
					}
					ds.warnf(q.Source, fmt.Sprintf("route %s on %s too, or give one of them another path", q.Prefix, f.host),
						"path %s %s is never reached on %s: service %s routes %s there, and %s", q.Prefix, where, f.host, f.b.Service, parent, why)
					break
				}
			}
		}
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
	var servers []Servers // every server-template, shared ones too
	for _, b := range bs {
		servers = append(append(servers, b.Servers), b.Shared...)
	}
	for _, sv := range servers {
		svc := byName[sv.Service]
		if svc == nil || warned[svc.Name] {
			continue
		}
		if svc.NetworkMode != "" {
			warned[svc.Name] = true
			ds.warnf(Source{Service: svc.Name, Key: "network_mode", Value: svc.NetworkMode, From: "compose"}, "put it on a compose network, or route it by another means",
				"has no DNS name on a compose network, so the proxy cannot resolve %s", sv.Address)
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
		if own, ok := strings.CutPrefix(k, "compose2haproxy."); ok && !knownOwnKey(own) {
			_, src, _ := l.get(k)
			fix := "see the README for compose2haproxy's labels"
			if s := Nearest(strings.SplitAfter(own, ".")[0], []string{"proxy", "request-header.", "response-header."}); s != "" {
				fix = "did you mean compose2haproxy." + s + "…?"
			}
			ds.warnf(src, fix, "unknown compose2haproxy label; it is ignored")
		}
	}
}

// knownOwnKey reports whether compose2haproxy.KEY is one of the tool's own
// labels.
func knownOwnKey(key string) bool {
	return key == "proxy" || slices.ContainsFunc(headerLabels, func(h headerLabelKind) bool {
		name, ok := strings.CutPrefix("compose2haproxy."+key, h.prefix)
		return ok && name != ""
	})
}
