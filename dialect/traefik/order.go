package traefik

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Finish compares the order Traefik tries the routers in (priority, by
// default the rule's length: the highest first) with the order HAProxy
// tries their routes in (cfg.Routes: exact hosts, longer paths and
// conditions first), pair by pair of routes that match some request
// alike (model.Finisher). Where they differ, that request gets the other
// router's middlewares: a warning, and an error when the router HAProxy
// tries first lacks an access control of the one Traefik would pick (the
// service would ship open). Across services the ownership rule holds
// whatever the priorities: a route never takes requests from a service
// that does not admit it.
func (d Dialect) Finish(cfg model.Config, ds *model.Diagnostics) {
	pr := d.p
	if pr == nil {
		return
	}
	type tried struct {
		r  model.Route
		b  *model.Backend
		rt *route
	}
	backends := map[string]*model.Backend{}
	for i := range cfg.Backends {
		backends[cfg.Backends[i].Name] = &cfg.Backends[i]
	}
	var order []tried
	for _, r := range cfg.Routes {
		b := backends[r.Backend]
		if b == nil {
			continue
		}
		st := pr.services[b.Service]
		if st == nil || st.routes[b.Variant] == nil {
			continue
		}
		order = append(order, tried{r, b, st.routes[b.Variant]})
	}
	reported := map[[2]*route]bool{}
	meeting := hostIndex(order, func(t tried) []model.Host { return t.r.Hosts })
	for x, first := range order {
		for _, y := range meeting(x) {
			later := order[y]
			a, b := first.rt, later.rt
			if a.router == b.router || b.priority <= a.priority || reported[[2]*route{a, b}] || !overlap(first.r, later.r) {
				continue
			}
			reported[[2]*route{a, b}] = true
			where := describe(first.r, later.r)
			msg := fmt.Sprintf("router %s (priority %d) comes before router %s (priority %d) in Traefik, but HAProxy tries %s first (it orders routes by host, path length and conditions, not by priority): requests both match (%s) %s",
				b.router.Name, b.priority, a.router.Name, a.priority, a.router.Name, where, sentTo(first.b, later.b, a, b))
			fix := fmt.Sprintf("make the rules of %s and %s match different requests", a.router.Name, b.router.Name)
			if why := weakerAccess(first.b.Policy, later.b.Policy); why != "" {
				ds.Errorf(a.ruleSrc, fix+", or give them the same access controls", "%s, %s: the service would ship open", msg, why)
				continue
			}
			if first.b.Service == later.b.Service && first.b.Port == later.b.Port {
				fix += " if it matters"
			}
			ds.Warnf(a.ruleSrc, fix, "%s", msg)
		}
	}
}

// sentTo says where the requests two routers match go in HAProxy (got,
// router a) rather than in Traefik (want, router b): to another service
// or port, or through the other router's middlewares.
func sentTo(got, want *model.Backend, a, b *route) string {
	if got.Service != want.Service || got.Port != want.Port {
		return fmt.Sprintf("go to service %s (port %d) through router %s's middlewares, where Traefik sends them to service %s (port %d)", got.Service, got.Port, a.router.Name, want.Service, want.Port)
	}
	return fmt.Sprintf("would get router %s's middlewares instead of router %s's", a.router.Name, b.router.Name)
}

// hostIndex returns, for the item at index x of items, the indices after
// x, ascending, of the items whose hosts may meet its (hostsMeet): a host
// of the same name, a wildcard over one of the other's hosts, or no host
// (any host). Comparing every pair instead costs n² (25 million pairs at
// 5,000 routers); this is about n × the labels of a host, plus the pairs
// that do meet.
func hostIndex[T any](items []T, hosts func(T) []model.Host) func(x int) []int {
	byName := map[string][]int{}   // exact name or "*.suffix" → items
	bySuffix := map[string][]int{} // ".suffix" → items with a wildcard of it
	under := map[string][]int{}    // ".suffix" → items with a host under it
	var anyHost []int
	for i, it := range items {
		hs := hosts(it)
		if len(hs) == 0 {
			anyHost = append(anyHost, i)
		}
		for _, h := range hs {
			byName[h.Name] = append(byName[h.Name], i)
			if h.Wildcard() {
				bySuffix[h.Suffix()] = append(bySuffix[h.Suffix()], i)
			}
			for k := strings.IndexByte(h.Name, '.'); k >= 0; k = nextDot(h.Name, k) {
				under[h.Name[k:]] = append(under[h.Name[k:]], i)
			}
		}
	}
	return func(x int) []int {
		hs := hosts(items[x])
		var out []int
		add := func(is []int) {
			for _, i := range is {
				if i > x {
					out = append(out, i)
				}
			}
		}
		if len(hs) == 0 {
			for i := x + 1; i < len(items); i++ {
				out = append(out, i)
			}
			return out
		}
		add(anyHost)
		for _, h := range hs {
			add(byName[h.Name])
			for k := strings.IndexByte(h.Name, '.'); k >= 0; k = nextDot(h.Name, k) {
				add(bySuffix[h.Name[k:]])
			}
			if h.Wildcard() {
				add(under[h.Suffix()])
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
}

// nextDot is the index of the next '.' in s after i, or -1.
func nextDot(s string, i int) int {
	if k := strings.IndexByte(s[i+1:], '.'); k >= 0 {
		return i + 1 + k
	}
	return -1
}

// weakerAccess says what access control of the policy Traefik would apply
// (want) the one HAProxy applies (got) lacks; "" when none.
func weakerAccess(got, want model.Policy) string {
	switch {
	case want.Auth != nil && got.Auth == nil:
		return "without its basic auth"
	case len(want.Allow) > 0 && len(got.Allow) == 0:
		return "without its client address allow-list"
	case len(want.Deny) > 0 && len(got.Deny) == 0:
		return "without its client address deny-list"
	}
	return ""
}

// overlap reports whether a request may match both routes: the same
// listeners, hosts and paths that meet, and no condition that tells
// them apart (methods, header or query values that differ).
func overlap(a, b model.Route) bool {
	if listeners(a) != listeners(b) || !hostsMeet(a.Hosts, b.Hosts) || !pathsMeet(a.Path, b.Path) {
		return false
	}
	ma, mb := a.Match, b.Match
	if ma == nil || mb == nil {
		return true
	}
	if ma.TLS && mb.Plain || ma.Plain && mb.TLS {
		return false // one takes TLS requests only, the other plain ones
	}
	if len(ma.Methods) > 0 && len(mb.Methods) > 0 && !slices.ContainsFunc(ma.Methods, func(m string) bool { return slices.Contains(mb.Methods, m) }) {
		return false
	}
	for _, h := range ma.Headers {
		for _, k := range mb.Headers {
			if strings.EqualFold(h.Name, k.Name) && h.Value != k.Value {
				return false
			}
		}
	}
	for _, q := range ma.Queries {
		for _, k := range mb.Queries {
			if q.Key == k.Key && q.Value != k.Value {
				return false
			}
		}
	}
	return true
}

func listeners(r model.Route) string {
	if r.Match == nil {
		return ""
	}
	var ports []string
	for _, l := range r.Match.Listeners {
		ports = append(ports, fmt.Sprint(l.Port))
	}
	slices.Sort(ports)
	return strings.Join(ports, ",")
}

// hostsMeet: no hosts is any host; a wildcard meets the names under it.
func hostsMeet(a, b []model.Host) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			switch {
			case x.Name == y.Name:
				return true
			case x.Wildcard() && strings.HasSuffix(y.Name, x.Suffix()):
				return true
			case y.Wildcard() && strings.HasSuffix(x.Name, y.Suffix()):
				return true
			}
		}
	}
	return false
}

// pathsMeet: some path is under both, by their kinds (segments, exact,
// string prefix); no prefix is every path.
func pathsMeet(a, b model.Path) bool {
	if a.Prefix == "" || b.Prefix == "" {
		return true
	}
	if a.Kind == model.PathExact && b.Kind == model.PathExact {
		return a.Prefix == b.Prefix
	}
	if b.Kind == model.PathExact {
		a, b = b, a
	}
	if a.Kind == model.PathExact {
		return pathIn(a.Prefix, b)
	}
	// Two prefixes meet when a path long enough is under both: the
	// longer one, or a path under it.
	if len(a.Prefix) < len(b.Prefix) {
		a, b = b, a
	}
	return pathIn(a.Prefix, b) || pathIn(a.Prefix+"/", b)
}

// pathIn reports whether the path p is under the prefix of q.
func pathIn(p string, q model.Path) bool {
	switch q.Kind {
	case model.PathExact:
		return p == q.Prefix
	case model.PathBegins:
		return strings.HasPrefix(p, q.Prefix)
	}
	return p == q.Prefix || strings.HasPrefix(p, q.Prefix+"/")
}

// describe names where two routes meet, for messages.
func describe(a, b model.Route) string {
	path := a.Path.Prefix
	if len(b.Path.Prefix) > len(path) {
		path = b.Path.Prefix
	}
	for _, r := range []model.Route{a, b} {
		if len(r.Hosts) > 0 {
			return r.Hosts[0].Name + cmp.Or(path, "/")
		}
	}
	return cmp.Or(path, "/") + " on any host"
}
