package model

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// sortHosts puts exact hosts first, then wildcards, each alphabetically.
func sortHosts(hs []Host) {
	slices.SortFunc(hs, func(a, b Host) int {
		return cmp.Or(compareBool(a.Wildcard(), b.Wildcard()), cmp.Compare(a.Name, b.Name))
	})
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// nameBackends gives each backend a name that depends only on its own
// service and port, so that adding a service renames nothing (a reload
// keeps every other backend's server state). A backend that takes every
// request for its routed name keeps the name; one narrowed by paths or a
// condition, which shares the name's host with others, is
// <name>_<service>_<port> (<name>_<port> when the name is the service's).
// Routed names never hold '_', so these cannot collide with another routed
// name; two backends of one name, paths and condition are one
// (mergeShared) or a conflict.
func nameBackends(bs []Backend) {
	count := map[string]int{}
	for i := range bs {
		b := &bs[i]
		switch {
		case b.Variant != "":
			// One of several routes of a port: named by all three.
			b.Name = b.Service + "_" + strconv.Itoa(b.Port) + "_" + b.Variant
		case len(b.Paths) > 0 || b.Match != nil:
			b.Name = narrowedName(b)
		}
		count[bs[i].Name]++
	}
	// Left: one service's ports under one name (a TCP port and an HTTP
	// one, say).
	for i := range bs {
		if count[bs[i].Name] > 1 {
			bs[i].Name += "_" + bs[i].Service + "_" + strconv.Itoa(bs[i].Port)
		}
	}
}

func narrowedName(b *Backend) string {
	if b.Name == b.Service {
		return b.Name + "_" + strconv.Itoa(b.Port)
	}
	return b.Name + "_" + b.Service + "_" + strconv.Itoa(b.Port)
}

// checkConflicts reports every host and path that two backends claim, a
// redirect from a host that is routed, and two TCP services on one port.
func checkConflicts(bs []Backend, listen Listen, adm admissions, ds *Diagnostics) {
	tcp := map[int]*Backend{}
	for _, addr := range []string{listen.HTTP, listen.HTTPS, listen.Stats} {
		if i := strings.LastIndex(addr, ":"); i >= 0 {
			if n, err := strconv.Atoi(addr[i+1:]); err == nil {
				tcp[n] = nil
			}
		}
	}
	var selfTaken []*Backend
	for i := range bs {
		b := &bs[i]
		if b.TCPPort == 0 {
			continue
		}
		src := b.tcpSource()
		switch prev, taken := tcp[b.TCPPort]; {
		case taken && prev == nil:
			ds.Errorf(src, "pick another port", "TCP port %d is already the HTTP, HTTPS or stats listener's", b.TCPPort)
		case taken && prev.SNI && b.SNI:
			// One listener, by server name: checkSNIHosts.
		case taken && prev.id(prev.Service) == b.id(b.Service):
			if !slices.Contains(selfTaken, prev) {
				selfTaken = append(selfTaken, prev)
				tcpOnEveryPort(bs, prev, src, ds)
			}
		case taken:
			ds.Errorf(src, "give one of them another port", "TCP port %d is also taken by %s (%s)", b.TCPPort, prev.who(), prev.TCPKind())
		default:
			tcp[b.TCPPort] = b
		}
	}
	checkSNIHosts(bs, ds)
	checkOwnListeners(bs, tcp, ds)
	checkOwnership(bs, adm, ds)
	checkRedirects(bs, ds)
}

// tcpOnEveryPort explains a tcp= tag that the service's tags for all its
// ports gave to each of them: it belongs in the tags of one port.
func tcpOnEveryPort(bs []Backend, first *Backend, src Source, ds *Diagnostics) {
	var ports []int
	for _, b := range bs {
		if b.Service == first.Service && b.TCPPort == first.TCPPort {
			ports = append(ports, b.Port)
		}
	}
	slices.Sort(ports)
	forPort := ports[0]
	if slices.Contains(ports, first.TCPPort) {
		forPort = first.TCPPort
	}
	fix := fmt.Sprintf("put it in SERVICE_%d_TAGS, the tags of the port it is for (a docker-flow-proxy service: set com.df.port to the one port to route)", forPort)
	ds.Errorf(src, fix, "%s applies to every port of %s (%s), and one TCP port cannot forward to several",
		first.TCPKind(), first.Service, strings.ReplaceAll(strings.Trim(fmt.Sprint(ports), "[]"), " ", ", "))
}

// checkSNIHosts reports a server name that two sni= services of one port
// both take: exactly, or by the same wildcard. (A longer wildcard inside a
// shorter one is a normal layout: the longer is tried first.)
func checkSNIHosts(bs []Backend, ds *Diagnostics) {
	type claim struct {
		port int
		host string
	}
	first := map[claim]*Backend{}
	for i := range bs {
		b := &bs[i]
		if !b.SNI {
			continue
		}
		for _, h := range b.Hosts {
			k := claim{b.TCPPort, h.Name}
			prev, taken := first[k]
			switch {
			case !taken:
				first[k] = b
			case prev != b:
				ds.Errorf(h.Source, "give one of them another host, or another sni= port",
					"server name %s on port %d is also taken by %s", h.Name, b.TCPPort, prev.who())
			}
		}
	}
}

// reportConflict says that b claims host (empty: any host) under p, which
// prev claimed first.
func reportConflict(prev, b *Backend, host string, p Path, ds *Diagnostics) {
	claim := func(b *Backend) Source {
		if host == "" {
			return b.Paths[slices.IndexFunc(b.Paths, func(q Path) bool { return q.Prefix == p.Prefix })].Source
		}
		return b.Hosts[slices.IndexFunc(b.Hosts, func(h Host) bool { return h.Name == host })].Source
	}
	what := "any host"
	if host != "" {
		what = "host " + strconv.Quote(host)
	}
	if p.Prefix != "" {
		what += " path " + p.Prefix
	}
	src := claim(prev)
	ds.Errorf(claim(b), "give one of them another name, alias or path= tag",
		"%s is also routed to %s (%s=%s)", what, prev.who(), src.Key, Printable(src.Value))
}

// checkRedirects reports a redirected host that another backend routes in
// any way: under any path, or through a wildcard that covers it. Redirects
// run before use_backend, so the redirect would take that traffic. Routes
// on any host are not counted: they come after every host's rules, and a
// redirected host is one of those. Two backends redirecting one host are
// an error too.
func checkRedirects(bs []Backend, ds *Diagnostics) {
	if !slices.ContainsFunc(bs, func(b Backend) bool { return len(b.Redirects) > 0 }) {
		return
	}
	// Up to two backends for each host or wildcard suffix, each with the
	// host it has there: enough to find one that is not the redirecting
	// backend, without pairwise work.
	type owner struct {
		b *Backend
		h *Host
	}
	type owners [2]owner
	add := func(m map[string]owners, key string, b *Backend, h *Host) {
		o := m[key]
		switch {
		case o[0].b == nil:
			o[0] = owner{b, h}
		case o[0].b != b && o[1].b == nil:
			o[1] = owner{b, h}
		}
		m[key] = o
	}
	other := func(o owners, b *Backend) owner {
		if o[0].b != nil && o[0].b != b {
			return o[0]
		}
		return o[1]
	}
	exact, wild, redirected := map[string]owners{}, map[string]owners{}, map[string]owners{}
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 {
			continue
		}
		for k := range b.Hosts {
			h := &b.Hosts[k]
			if h.Wildcard() {
				add(wild, h.Suffix(), b, h)
			} else {
				add(exact, h.Name, b, h)
			}
		}
		for k := range b.Redirects {
			add(redirected, b.Redirects[k].Name, b, &b.Redirects[k])
		}
	}
	const fix = "redirect only a host that no other service routes, under any path"
	for i := range bs {
		b := &bs[i]
		for _, h := range b.Redirects {
			if o := other(exact[h.Name], b); o.b != nil {
				ds.Errorf(h.Source, fix, "redirected host %q is also routed to %s (%s=%s), and redirects come before routing",
					h.Name, o.b.who(), o.h.Source.Key, Printable(o.h.Source.Value))
				continue
			}
			if o := other(redirected[h.Name], b); o.b != nil && o.b == redirected[h.Name][0].b {
				ds.Errorf(h.Source, "give one of them another name, alias or path= tag",
					"redirected host %q is also routed to %s (%s=%s)", h.Name, o.b.who(), o.h.Source.Key, Printable(o.h.Source.Value))
				continue
			}
			for j := strings.IndexByte(h.Name, '.'); j >= 0; j = nextDot(h.Name, j) {
				if o := other(wild[h.Name[j:]], b); o.b != nil {
					ds.Errorf(h.Source, fix, "redirected host %q is also routed to %s by its wildcard %s (%s=%s), and redirects come before routing",
						h.Name, o.b.who(), o.h.Name, o.h.Source.Key, Printable(o.h.Source.Value))
					break
				}
			}
		}
	}
}

// nextDot is the index of the next '.' in s after i, or -1.
func nextDot(s string, i int) int {
	if k := strings.IndexByte(s[i+1:], '.'); k >= 0 {
		return i + 1 + k
	}
	return -1
}

// checkOwnListeners reports a service's own listener (com.df.srcPort,
// srcHttpsPort) on a port another listener or a tcp= service has, and one
// port asked for with and without TLS.
func checkOwnListeners(bs []Backend, taken map[int]*Backend, ds *Diagnostics) {
	tls := map[int]Listener{}
	for i := range bs {
		if bs[i].Match == nil {
			continue
		}
		for _, l := range bs[i].Match.Listeners {
			if b, ok := taken[l.Port]; ok {
				what := "the HTTP, HTTPS or stats listener's"
				if b != nil {
					what = "taken by the TCP " + b.who()
				}
				ds.Errorf(l.Source, "pick another port", "port %d is %s", l.Port, what)
			} else if prev, ok := tls[l.Port]; ok && prev.TLS != l.TLS {
				ds.Errorf(l.Source, "use one port for HTTP and another for HTTPS", "port %d is also asked for %s by %s=%s", l.Port, map[bool]string{true: "with TLS", false: "without TLS"}[prev.TLS], prev.Source.Key, prev.Source.Value)
			} else {
				tls[l.Port] = l
			}
		}
	}
}

// OwnListener reports whether r takes requests from listeners of its
// service's own only (com.df.srcPort, srcHttpsPort).
func (r Route) OwnListener() bool { return r.Match != nil && len(r.Match.Listeners) > 0 }

// key tells conditions apart: equal keys, the same requests.
func (m *Match) key() string {
	if m == nil {
		return ""
	}
	var parts []string
	for _, h := range m.Headers {
		parts = append(parts, "h:"+strings.ToLower(h.Name)+":"+h.Value)
	}
	for _, u := range m.UserAgents {
		parts = append(parts, "u:"+strings.ToLower(u.Pattern))
	}
	for _, p := range m.ExcludePaths {
		parts = append(parts, "x:"+p.Prefix)
	}
	for _, l := range m.Listeners {
		parts = append(parts, fmt.Sprintf("l:%d:%t", l.Port, l.TLS))
	}
	if m.TLS {
		parts = append(parts, "tls")
	}
	if m.Plain {
		parts = append(parts, "plain")
	}
	for _, v := range m.Methods {
		parts = append(parts, "m:"+v)
	}
	for _, q := range m.Queries {
		parts = append(parts, "q:"+q.Key+"="+q.Value)
	}
	for _, n := range m.Clients {
		parts = append(parts, "c:"+n.CIDR)
	}
	if n := m.Not; n != nil {
		k := (&Match{Headers: n.Headers, Methods: n.Methods, Queries: n.Queries, Clients: n.Clients}).key()
		parts = append(parts, "!("+k+")")
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), " ")
}

// tcpSource is what made b a TCP service: its tcp= or sni= tag, or the
// dialect's key that meant one (docker-flow-proxy's srcPort, with reqMode
// tcp or sni).
func (b *Backend) tcpSource() Source {
	if i := slices.IndexFunc(b.Tags, func(t Tag) bool { return t.Name == b.TCPTag() }); i >= 0 {
		return b.Tags[i].Source
	}
	return Source{Service: b.Service, Key: b.TCPKey, Value: strconv.Itoa(b.TCPPort)}
}

// defaultOnly reports whether b is routed only as the default backend: a
// docker-flow-proxy service with isDefaultBackend and neither a path nor a
// domain.
func (b *Backend) defaultOnly() bool {
	return b.Default != nil && len(b.Hosts) == 0 && len(b.Paths) == 0
}

// routesFor lists the HTTP routing rules of bs in the order HAProxy tries
// them (see SortRoutes), with the guards of claimed hosts (guardRoutes).
func routesFor(bs []Backend, defaultBackend string) []Route {
	routed := func(b *Backend) bool { return b.TCPPort == 0 && !b.defaultOnly() }
	wild := make([][][]Host, len(bs)) // of each backend, its wildcards by length
	n := 0
	for i := range bs {
		if b := &bs[i]; routed(b) {
			wild[i] = wildcardsByLength(b.Hosts)
			n += max(len(b.Paths), 1) * (len(wild[i]) + 1)
		}
	}
	rs := make([]Route, 0, n)
	for i := range bs {
		b := &bs[i]
		if !routed(b) {
			continue
		}
		paths := b.Paths
		if len(paths) == 0 {
			paths = []Path{{}}
		}
		exact := exactHosts(b.Hosts)
		for _, p := range paths {
			if len(exact) > 0 || len(b.Hosts) == 0 {
				rs = append(rs, Route{Backend: b.Name, Hosts: exact, Path: p, Match: b.Match, ACLName: b.ACLName})
			}
			for _, hs := range wild[i] {
				rs = append(rs, Route{Backend: b.Name, Hosts: hs, Path: p, Match: b.Match, ACLName: b.ACLName})
			}
		}
	}
	rs = append(rs, guardRoutes(bs, defaultBackend)...)
	SortRoutes(rs)
	return rs
}

// wildcardsByLength groups the wildcards of sorted hosts hs by length,
// longest first: a backend's wildcards of one length are one route for
// each path. HAProxy would try them one after the other for the same
// backend anyway (routes sort by suffix length, then by backend), so one
// rule with all their suffixes is the same, and a service's wildcards do
// not make a rule each for every path.
func wildcardsByLength(hs []Host) [][]Host {
	var wild []Host
	for _, h := range hs {
		if h.Wildcard() {
			wild = append(wild, h)
		}
	}
	slices.SortStableFunc(wild, func(a, b Host) int { return cmp.Compare(len(b.Name), len(a.Name)) })
	var groups [][]Host
	for i := 0; i < len(wild); {
		j := i + 1
		for j < len(wild) && len(wild[j].Name) == len(wild[i].Name) {
			j++
		}
		groups = append(groups, wild[i:j:j])
		i = j
	}
	return groups
}

// exactHosts are the hosts of hs that are not wildcards. Sorted hosts
// (sortHosts) have them first, and the routes share that part of hs; the
// capacity is cut so that no append reaches the wildcards.
func exactHosts(hs []Host) []Host {
	k := slices.IndexFunc(hs, Host.Wildcard)
	switch {
	case len(hs) == 0:
		return nil
	case k < 0:
		return hs
	}
	if !slices.ContainsFunc(hs[k:], func(h Host) bool { return !h.Wildcard() }) {
		return hs[:k:k]
	}
	return slices.DeleteFunc(slices.Clone(hs), Host.Wildcard)
}

// hostKind orders routes by how specific their hosts are.
func (r Route) hostKind() int {
	switch {
	case len(r.Hosts) == 0:
		return 2 // any host
	case r.Wildcard():
		return 1
	}
	return 0
}

// SortRoutes orders routes from the most to the least specific, which is
// the order HAProxy must try them in for the most specific to win: exact
// hosts, then wildcards (longer suffixes first), then routes on any host;
// within each, longer path prefixes first, and routes with a condition
// (Match) before those without; ties by ACL name (com.df.aclName, else the
// backend name).
func SortRoutes(rs []Route) {
	first := func(r *Route) string {
		if len(r.Hosts) == 0 {
			return ""
		}
		return r.Hosts[0].Name
	}
	compare := func(a, b *Route) int {
		// Routes of a service's own listener come first: that listener
		// serves nothing else (see render).
		c := cmp.Or(compareBool(!a.OwnListener(), !b.OwnListener()), cmp.Compare(a.hostKind(), b.hostKind()))
		if c == 0 && a.Wildcard() {
			c = cmp.Compare(len(first(b)), len(first(a)))
		}
		return cmp.Or(c,
			cmp.Compare(len(b.Path.Prefix), len(a.Path.Prefix)),
			cmp.Compare(a.Path.Kind.order(), b.Path.Kind.order()),
			compareBool(a.Match == nil, b.Match == nil),
			cmp.Compare(cmp.Or(a.ACLName, a.Backend), cmp.Or(b.ACLName, b.Backend)),
			cmp.Compare(a.Backend, b.Backend),
			cmp.Compare(a.Path.Prefix, b.Path.Prefix),
			cmp.Compare(first(a), first(b)))
	}
	// The stable sort swaps elements many times over; it sorts indices,
	// and each route then moves once, following the permutation's cycles.
	idx := make([]int32, len(rs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int { return compare(&rs[i], &rs[j]) })
	for s := range rs {
		if int(idx[s]) == s {
			continue
		}
		moved := rs[s]
		for k := s; ; {
			next := int(idx[k])
			idx[k] = int32(k)
			if next == s {
				rs[k] = moved
				break
			}
			rs[k], k = rs[next], next
		}
	}
}
