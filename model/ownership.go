package model

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Who owns a request: the one rule every route passes through.
//
// A route claims a host (exactly, by a wildcard, or any host), a path
// prefix, and on a listener (the shared ones, or a service's own). A
// request belongs to the most specific host claim that matches it (an
// exact host, then longer wildcards, then routes on any host), and on that
// host to the longest path claimed. A condition (a header, a user agent,
// an excluded path, TLS) only narrows a route: it never makes one more
// specific. So a service's route may answer a request that another
// service's route also matches only when that service admits it
// (compose2haproxy.admit): a longer path inside its path, a condition on
// its host and path, a name shared with it. A request for a host that
// services claim but none of whose routes matches is answered 404, never
// by a route on a less specific host or by the default backend.

// admitKey is the label that names the compose services a service admits.
const admitKey = "compose2haproxy.admit"

// NoRoute is the backend of the requests that no service answers (404).
// A Route to it guards a claimed host's other paths.
const NoRoute = "no_route"

// Admission is a compose service (Service) that another (By) lets answer
// requests its own routes match (compose2haproxy.admit).
type Admission struct {
	// Project is the compose project of both services when a run builds
	// several: a service admits only services of its own project.
	Project string `json:"project,omitempty"`
	By      string `json:"by"`
	Service string `json:"service"`
	Source  Source `json:"source"`
}

// readAdmissions reads each service's compose2haproxy.admit: a
// comma-separated list of other compose services of the project.
func readAdmissions(services []Service, ds *Diagnostics) []Admission {
	names := make(map[string]bool, len(services))
	for _, s := range services {
		names[s.Name] = true
	}
	var out []Admission
	for i := range services {
		svc := &services[i]
		v, src, ok := Labels{svc}.Get(admitKey)
		if !ok || ListTooLong(v, src, ds) {
			continue
		}
		for _, name := range SplitList(v) {
			isrc := src.WithItem(name)
			switch {
			case name == svc.Name:
				ds.Errorf(isrc, "remove it: a service always answers its own requests", "a service cannot admit itself")
			case !names[name]:
				fix := "name a compose service of this project"
				if s := Nearest(name, slices.Sorted(maps.Keys(names))); s != "" {
					fix = "did you mean " + s + "?"
				}
				ds.Warnf(isrc, fix, "names no service of the project; it admits nothing")
			default:
				out = append(out, Admission{By: svc.Name, Service: name, Source: isrc})
			}
		}
	}
	return out
}

// admissions answers whether a service admits another.
type admissions map[[2]string]bool

func admissionsOf(as []Admission) admissions {
	a := make(admissions, len(as))
	for _, ad := range as {
		if ad.Project != "" {
			ad.By, ad.Service = ad.Project+"/"+ad.By, ad.Project+"/"+ad.Service
		}
		a[[2]string{ad.By, ad.Service}] = true
	}
	return a
}

func (a admissions) admits(owner, other string) bool {
	return owner == other || a[[2]string{owner, other}]
}

// conditioned reports whether a backend's routes are narrowed by more than
// the listener they take requests from.
func (m *Match) conditioned() bool {
	return m != nil && (len(m.Headers) > 0 || len(m.UserAgents) > 0 || len(m.ExcludePaths) > 0 || m.TLS || m.Plain ||
		len(m.Methods) > 0 || len(m.Queries) > 0 || len(m.Clients) > 0 || m.Not != nil)
}

// listenerKey tells apart the listeners a route takes requests from: ""
// for the shared ones.
func (m *Match) listenerKey() string {
	if m == nil {
		return ""
	}
	var ls []string
	for _, l := range m.Listeners {
		ls = append(ls, fmt.Sprintf("%d:%t", l.Port, l.TLS))
	}
	slices.Sort(ls)
	return strings.Join(ls, " ")
}

// hostKey is what a host claims: an exact name or a wildcard's suffix.
func hostKey(h Host) string {
	if h.Wildcard() {
		return "*" + h.Suffix()
	}
	return "=" + h.Name
}

// checkOwnership reports every route that would answer requests another
// service's route matches on the same host claim without that service's
// admission, and two routes that claim the same host and path without a
// condition. Hosts that the same backends claim are checked once, with
// the first of them named: the cost is the hosts plus the paths, not their
// product.
func checkOwnership(bs []Backend, adm admissions, ds *Diagnostics) {
	claimants := map[string][]int{} // listener + host key ("" for any host) → backends, in order
	shown := map[string]string{}    // the same key → the host as it is written ("" for any host)
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 || b.defaultOnly() {
			continue
		}
		l := b.Match.listenerKey() + "\x00"
		if len(b.Hosts) == 0 {
			claimants[l] = append(claimants[l], i)
		}
		for _, h := range b.Hosts {
			k := l + hostKey(h)
			claimants[k] = append(claimants[k], i)
			shown[k] = h.Name
		}
	}
	groups := map[string][]string{} // the claimants, as a key → their hosts' keys
	for key, is := range claimants {
		if len(is) > 1 {
			k := fmt.Sprint(is)
			groups[k] = append(groups[k], key)
		}
	}
	for _, keys := range groups {
		slices.Sort(keys)
		hosts := make([]string, len(keys))
		for i, k := range keys {
			hosts[i] = shown[k]
		}
		if !checkProjectClaims(bs, claimants[keys[0]], hosts, ds) {
			checkClaims(bs, claimants[keys[0]], hosts, adm, ds)
		}
	}
}

// claim is one path of one backend on a host.
type claim struct {
	b    *Backend
	path Path
}

// owners are the services of the claims on a stack of nested paths, each
// once, in the order they came, with the claim that brought each: the
// cost of a question is the services that answer it, not the depth.
type owners struct {
	order []string
	count map[string]int
	first map[string]*claim
}

func (o *owners) push(c *claim) {
	for _, s := range servicesOf(c.b) {
		if o.count[s] == 0 {
			o.order = append(o.order, s)
			o.first[s] = c
		}
		o.count[s]++
	}
}

// pop takes c off: a stack's services leave in the reverse order they came.
func (o *owners) pop(c *claim) {
	ss := servicesOf(c.b)
	for i := len(ss) - 1; i >= 0; i-- {
		if s := ss[i]; o.count[s]-1 == 0 {
			o.order = o.order[:len(o.order)-1]
			delete(o.first, s)
			delete(o.count, s)
		} else {
			o.count[s]--
		}
	}
}

// checkClaims checks the claims of the backends is on hosts (the first
// names them all in messages), a run of claims of one path at a time: in
// the order HAProxy tries them (conditions first, then by ACL name), each
// must be admitted by the services of the claims tried after it that it
// would take requests from, and by those of the claims it is inside of.
func checkClaims(bs []Backend, is []int, hosts []string, adm admissions, ds *Diagnostics) {
	var cs []claim
	for _, i := range is {
		b := &bs[i]
		if len(b.Paths) == 0 {
			cs = append(cs, claim{b: b})
		}
		for _, p := range b.Paths {
			cs = append(cs, claim{b: b, path: p})
		}
	}
	slices.SortStableFunc(cs, func(x, y claim) int {
		return cmp.Or(comparePaths(x.path.Prefix, y.path.Prefix),
			compareBool(!x.b.Match.conditioned(), !y.b.Match.conditioned()),
			cmp.Compare(cmp.Or(x.b.ACLName, x.b.Name), cmp.Or(y.b.ACLName, y.b.Name)),
			cmp.Compare(x.b.Name, y.b.Name))
	})
	var stack [][]claim // the runs of the paths the current run is inside of
	above := owners{count: map[string]int{}, first: map[string]*claim{}}
	for start := 0; start < len(cs); {
		end := start + 1
		for end < len(cs) && cs[end].path.Prefix == cs[start].path.Prefix {
			end++
		}
		run := cs[start:end]
		for len(stack) > 0 && !underOrAt(run[0].path.Prefix, stack[len(stack)-1][0].path.Prefix) {
			top := stack[len(stack)-1]
			for k := len(top) - 1; k >= 0; k-- {
				if top[k].path.Kind != PathExact {
					above.pop(&top[k])
				}
			}
			stack = stack[:len(stack)-1]
		}
		checkRun(run, hosts, adm, ds)
		for k := range run {
			if owner, x := adm.refusal(above.order, run[k].b); owner != "" {
				oc := above.first[owner]
				reportTaken(&run[k], x, owner, hosts, fmt.Sprintf("is inside service %s's route%s, and would take those requests from it", serviceOf(owner), claimRef(oc, hosts)), ds)
			}
		}
		for k := range run {
			// An exact path holds no other: requests under it are not its.
			if run[k].path.Kind != PathExact {
				above.push(&run[k])
			}
		}
		stack = append(stack, run)
		start = end
	}
	checkBegins(cs, hosts, adm, ds)
}

// checkBegins checks the claims of string prefixes (PathBegins), which
// the nesting of segments above does not see: "/api" also takes "/apix"
// and "/api-v2/x", so a longer claim of another service that starts with
// it as a string, without being under it by segments, is tried first and
// takes its requests. It costs the string-prefix claims times the claims,
// and only string-prefix claims (Traefik's PathPrefix) make any.
func checkBegins(cs []claim, hosts []string, adm admissions, ds *Diagnostics) {
	for i := range cs {
		o := &cs[i]
		if o.path.Kind != PathBegins {
			continue
		}
		for k := range cs {
			c := &cs[k]
			if c.b == o.b || c.path.Prefix == o.path.Prefix || !strings.HasPrefix(c.path.Prefix, o.path.Prefix) || underOrAt(c.path.Prefix, o.path.Prefix) {
				continue
			}
			if owner, x := adm.refusal(servicesOf(o.b), c.b); owner != "" {
				reportTaken(c, x, owner, hosts, fmt.Sprintf("starts with service %s's path prefix (%s), and would take those requests from it", owner, keyValue(claimSource(o, hosts))), ds)
			}
		}
	}
}

// checkRun checks the claims of one path, in the order HAProxy tries
// them: two without a condition, of two services, are a conflict; one
// with a condition must be admitted by the services of the claims after
// it, whose requests it would take first. Each claim is reported once.
func checkRun(run []claim, hosts []string, adm admissions, ds *Diagnostics) {
	var plain *claim // the first claim without a condition
	for k := range run {
		c := &run[k]
		switch {
		case c.b.Match.conditioned():
		case plain == nil:
			plain = c
		case plain.b.Service != c.b.Service:
			for _, h := range hosts {
				reportConflict(plain.b, c.b, h, c.path, ds)
			}
		case plain.b != c.b:
			reportTwoPorts(plain, c, hosts, ds)
		}
	}
	later := owners{count: map[string]int{}, first: map[string]*claim{}} // the claims after the current one
	for k := len(run) - 1; k >= 0; k-- {
		c := &run[k]
		if c.b.Match.conditioned() {
			if owner, x := adm.refusal(later.order, c.b); owner != "" {
				reportTaken(c, x, owner, hosts, fmt.Sprintf("has a condition, which would take requests first from service %s's route%s", serviceOf(owner), claimRef(later.first[owner], hosts)), ds)
			}
		}
		later.push(c)
	}
}

// servicesOf are the services whose servers b holds: its own, and those
// that share its name (Shared).
func servicesOf(b *Backend) []string {
	ss := []string{b.id(b.Service)}
	for _, sv := range b.Shared {
		ss = append(ss, b.id(sv.Service))
	}
	return ss
}

// refusal is an owner that does not admit a service of b, and that
// service; "" when every owner admits every one.
func (a admissions) refusal(owners []string, b *Backend) (owner, service string) {
	for _, x := range servicesOf(b) {
		for _, o := range owners {
			if !a.admits(o, x) {
				return o, x
			}
		}
	}
	return "", ""
}

// claimSource is what made c: its path, or its host (the first of hosts).
func claimSource(c *claim, hosts []string) Source {
	if c.path.Prefix != "" || hosts[0] == "" {
		if c.path.Source.Key != "" {
			return c.path.Source
		}
	}
	for _, h := range c.b.Hosts {
		if h.Name == hosts[0] {
			return h.Source
		}
	}
	if len(c.b.Paths) > 0 {
		return c.b.Paths[0].Source
	}
	return Source{Service: c.b.Service}
}

// claimRef names the label behind c, " (KEY=VALUE)", or nothing when no
// label gave it (a route on every host and path).
func claimRef(c *claim, hosts []string) string {
	if src := claimSource(c, hosts); src.Key != "" {
		return " (" + keyValue(src) + ")"
	}
	return ""
}

// reportTaken says that service x of c would take requests of owner's
// claim, why, and how to admit it.
func reportTaken(c *claim, x, owner string, hosts []string, why string, ds *Diagnostics) {
	x, owner = serviceOf(x), serviceOf(owner)
	what := claimed(hosts, len(hosts) > 1, c.path)
	fix := fmt.Sprintf("if service %s agrees, label it %s: %s; else route %s by another host or path", owner, admitKey, x, x)
	ds.Errorf(claimSource(c, hosts), fix, "%s of service %s %s", what, x, why)
}

// reportTwoPorts says that two ports of one service claim the same host
// and path: tags for every port (SERVICE_TAGS) gave it to both.
func reportTwoPorts(first, c *claim, hosts []string, ds *Diagnostics) {
	what := claimed(hosts, false, c.path)
	if first.b.Variant != "" || c.b.Variant != "" {
		ds.Errorf(claimSource(c, hosts), "make one rule narrower (a path, a header), or remove one of them",
			"%s is routed by two routes of %s, %s and %s, without a condition, and a request can reach only one", what, c.b.Service, cmp.Or(first.b.Variant, "its own"), cmp.Or(c.b.Variant, "its own"))
		return
	}
	p1, p2 := min(first.b.Port, c.b.Port), max(first.b.Port, c.b.Port)
	ds.Errorf(claimSource(c, hosts), fmt.Sprintf("put the tag in SERVICE_%d_TAGS or SERVICE_%d_TAGS, the tags of the port it is for", p1, p2),
		"%s is routed to two ports of %s, %d and %d, and a request can reach only the first", what, c.b.Service, p1, p2)
}

// claimed names a claim in messages: its host (the first of hosts, with
// how many more when more counts), or any host, and its path.
func claimed(hosts []string, more bool, p Path) string {
	what := "any host"
	if hosts[0] != "" {
		what = "host " + strconv.Quote(hosts[0])
	}
	if more {
		what += fmt.Sprintf(" (and %d more)", len(hosts)-1)
	}
	if p.Prefix != "" {
		what += " path " + Printable(p.Prefix)
	}
	return what
}

func keyValue(s Source) string { return s.Key + "=" + Printable(s.Value) }

// guardRoutes are the routes that answer 404 for the claimed hosts whose
// routes do not take every path unconditionally, when a less specific
// route of another service (a wildcard covering the host, a route on any
// host) or the default backend would otherwise answer them. Hosts of
// services' own listeners are guarded by render already.
func guardRoutes(bs []Backend, defaultBackend string) []Route {
	type hostInfo struct {
		host     Host
		services []string
		full     bool // some route takes every path without a condition
	}
	info := map[string]*hostInfo{}
	var keys []string
	anyHost := map[string]bool{} // services routed on any host
	for i := range bs {
		b := &bs[i]
		if b.TCPPort != 0 || b.defaultOnly() || b.Match.listenerKey() != "" {
			continue
		}
		if len(b.Hosts) == 0 {
			anyHost[b.id(b.Service)] = true
		}
		full := (len(b.Paths) == 0 || slices.ContainsFunc(b.Paths, func(p Path) bool { return p.Prefix == "" })) && !b.Match.conditioned()
		for _, h := range b.Hosts {
			k := hostKey(h)
			hi := info[k]
			if hi == nil {
				hi = &hostInfo{host: h}
				info[k] = hi
				keys = append(keys, k)
			}
			if id := b.id(b.Service); !slices.Contains(hi.services, id) {
				hi.services = append(hi.services, id)
			}
			hi.full = hi.full || full
		}
	}
	// others reports whether a service other than those of hi may answer
	// what falls through its host.
	others := func(hi *hostInfo, services []string) bool {
		return slices.ContainsFunc(services, func(s string) bool { return !slices.Contains(hi.services, s) })
	}
	anyHostServices := slices.Sorted(maps.Keys(anyHost))
	exact := map[string][]Host{} // by project: one project's guard never changes with another's
	wild := map[int][]Host{}
	slices.Sort(keys)
	for _, k := range keys {
		hi := info[k]
		if hi.full {
			continue
		}
		guard := defaultBackend != "" || others(hi, anyHostServices)
		// A wildcard of another service that covers the host: of an exact
		// host, any; of a wildcard, a shorter one.
		rest := hi.host.Name
		if hi.host.Wildcard() {
			rest = hi.host.Suffix()[1:]
		}
		for i := strings.IndexByte(rest, '.'); !guard && i >= 0; i = nextDot(rest, i) {
			if w := info["*"+rest[i:]]; w != nil && others(hi, w.services) {
				guard = true
			}
		}
		if !guard {
			continue
		}
		if hi.host.Wildcard() {
			wild[len(hi.host.Name)] = append(wild[len(hi.host.Name)], hi.host)
		} else {
			exact[hi.host.Source.Project] = append(exact[hi.host.Source.Project], hi.host)
		}
	}
	var rs []Route
	for _, project := range slices.Sorted(maps.Keys(exact)) {
		rs = append(rs, Route{Backend: NoRoute, Hosts: exact[project]})
	}
	for _, n := range slices.Sorted(maps.Keys(wild)) {
		hs := wild[n]
		slices.SortFunc(hs, func(a, b Host) int { return cmp.Compare(a.Name, b.Name) })
		rs = append(rs, Route{Backend: NoRoute, Hosts: hs})
	}
	return rs
}

// ServerHost is a host the servers are instead of the service
// (com.df.outboundHostname): a DNS name, held to the rules of a service
// name, since HAProxy connects to whatever it resolves to.
var ServerHost = &Form{"HOST", "give the DNS name of the servers, like api.example.com", func(v string) (string, string) {
	h, prob := normHost(v, false)
	if prob != "" {
		return h, prob
	}
	last := h[strings.LastIndexByte(h, '.')+1:]
	switch {
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		return h, "is the proxy's own host: HAProxy would connect to itself (its stats page, say)"
	case numberRe.MatchString(last):
		// An all-digit top label is no DNS name: libc reads 127.1 and
		// 2130706433 as IPv4 addresses.
		return h, "is a number or an IP address, which resolvers read as an address (2130706433 is 127.0.0.1)"
	}
	return h, ""
}}

// checkServers refuses servers addressed as another compose service of the
// project (Backend.SetAddress): its requests would skip that
// service's own routes and access policy.
func checkServers(bs []Backend, p Project, ds *Diagnostics) {
	names := make(map[string]bool, len(p.Services))
	for _, s := range p.Services {
		names[strings.ToLower(s.Name)] = true
	}
	for i := range bs {
		b := &bs[i]
		addr := strings.TrimPrefix(b.Servers.Address, "tasks.")
		if addr == strings.ToLower(b.Service) {
			continue
		}
		other := ""
		switch {
		case names[addr]:
			other = addr
		case p.Name != "":
			// A container's own name: <project>-<service>-<n> (or with '_').
			for _, sep := range []string{"-", "_"} {
				if rest, ok := strings.CutPrefix(addr, strings.ToLower(p.Name)+sep); ok {
					if k := strings.LastIndex(rest, sep); k > 0 && numberRe.MatchString(rest[k+1:]) && names[rest[:k]] {
						other = rest[:k]
					}
				}
			}
		}
		if other != "" && other != strings.ToLower(b.Service) {
			src := Source{Service: b.Service, Key: b.AddressKey, Value: b.Servers.Address}
			ds.Errorf(src, "route "+other+" by its own labels, or remove "+src.Key,
				"is service %s of this project: requests would reach it without its own routes and access policy", other)
		}
	}
}
