package model_test

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// request is what routing looks at: the host (lower-case, without port),
// the path, headers (lower-case names), and the listener it came to (0: a
// shared one, else a service's own port) over TLS or not.
type request struct {
	host, path string
	headers    map[string]string
	listener   int
	tls        bool
	// method, query parameters and client address: "" and nil are a GET
	// with no query from 192.0.2.1.
	method string
	query  map[string]string
	client string
}

// answer is the backend HAProxy sends q to, by the config's routes in
// order: the first that matches, else the default backend or NoRoute.
// This is what render writes, read back as semantics, so that ownership
// can be checked on the model.
func answer(cfg model.Config, q request) (string, *model.Route) {
	for i := range cfg.Routes {
		if r := &cfg.Routes[i]; routeMatches(r, q) {
			return r.Backend, r
		}
	}
	if q.listener != 0 || cfg.DefaultBackend == "" {
		return model.NoRoute, nil
	}
	return cfg.DefaultBackend, nil
}

func routeMatches(r *model.Route, q request) bool {
	return routeHostMatches(r, q) && pathMatches(r.Path, q.path) && conditionHolds(r.Match, q)
}

// pathMatches: by whole segments, or as the path's kind says (Traefik's
// Path is the path itself, its PathPrefix a string prefix).
func pathMatches(p model.Path, path string) bool {
	switch p.Kind {
	case model.PathExact:
		return path == p.Prefix
	case model.PathBegins:
		return strings.HasPrefix(path, p.Prefix)
	}
	return p.Prefix == "" || under(path, p.Prefix)
}

// routeHostMatches: the listener and the host, ignoring paths and
// conditions.
func routeHostMatches(r *model.Route, q request) bool {
	var own []int
	if r.Match != nil {
		for _, l := range r.Match.Listeners {
			own = append(own, l.Port)
		}
	}
	if (len(own) == 0) != (q.listener == 0) || (q.listener != 0 && !slices.Contains(own, q.listener)) {
		return false
	}
	return len(r.Hosts) == 0 || slices.ContainsFunc(r.Hosts, func(h model.Host) bool { return hostMatches(h, q.host) })
}

func hostMatches(h model.Host, host string) bool {
	if h.Wildcard() {
		return len(host) > len(h.Suffix()) && strings.HasSuffix(host, h.Suffix())
	}
	return h.Name == host
}

func under(p, prefix string) bool {
	return strings.HasPrefix(p, prefix) && (len(p) == len(prefix) || p[len(prefix)] == '/')
}

func conditionHolds(m *model.Match, q request) bool {
	if m == nil {
		return true
	}
	for _, h := range m.Headers {
		if q.headers[strings.ToLower(h.Name)] != h.Value {
			return false
		}
	}
	if len(m.UserAgents) > 0 && !slices.ContainsFunc(m.UserAgents, func(u model.UserAgent) bool {
		return strings.Contains(strings.ToLower(q.headers["user-agent"]), strings.ToLower(u.Pattern))
	}) {
		return false
	}
	if slices.ContainsFunc(m.ExcludePaths, func(p model.Path) bool { return under(q.path, p.Prefix) }) {
		return false
	}
	if !m.TLS || q.tls {
		return otherConditionsHold(m, q) && (m.Not == nil || notHolds(m.Not, q))
	}
	return false
}

// otherConditionsHold: the methods, query parameters and client networks
// of Traefik's rules.
func otherConditionsHold(m *model.Match, q request) bool {
	method := cmp.Or(q.method, "GET")
	if len(m.Methods) > 0 && !slices.Contains(m.Methods, method) {
		return false
	}
	for _, c := range m.Queries {
		if q.query[c.Key] != c.Value {
			return false
		}
	}
	client := netip.MustParseAddr(cmp.Or(q.client, "192.0.2.1"))
	return len(m.Clients) == 0 || slices.ContainsFunc(m.Clients, func(n model.Network) bool {
		p, err := netip.ParsePrefix(n.CIDR)
		return err == nil && p.Contains(client)
	})
}

// notHolds: each condition of a Not fails.
func notHolds(n *model.Conditions, q request) bool {
	for _, h := range n.Headers {
		if q.headers[strings.ToLower(h.Name)] == h.Value {
			return false
		}
	}
	if len(n.Methods) > 0 && otherConditionsHold(&model.Match{Methods: n.Methods}, q) {
		return false
	}
	for _, c := range n.Queries {
		if q.query[c.Key] == c.Value {
			return false
		}
	}
	return len(n.Clients) == 0 || !otherConditionsHold(&model.Match{Clients: n.Clients}, q)
}

// ownershipViolations checks the one rule on q: the request belongs to the
// most specific host claim that matches its host (exact, then the longest
// wildcard, then any host); only the services of that claim may answer
// it; and a service that answers it must be admitted by every other
// service whose route matches it there.
func ownershipViolations(cfg model.Config, q request) []string {
	services := map[string][]string{} // backend → its services (a shared backend has several)
	admits := map[[2]string]bool{}
	for _, b := range cfg.Backends {
		services[b.Name] = append(services[b.Name], b.Service)
		for _, sv := range b.Shared {
			services[b.Name] = append(services[b.Name], sv.Service)
		}
	}
	for _, a := range cfg.Admissions {
		admits[[2]string{a.By, a.Service}] = true
	}
	// The level of a route's claim on q's host: 0 exact, then 1000 minus
	// the wildcard's length (longer first), 2000 for any host.
	level := func(r *model.Route) int {
		switch {
		case len(r.Hosts) == 0:
			return 2000
		case r.Wildcard():
			for _, h := range r.Hosts {
				if hostMatches(h, q.host) {
					return 1000 - len(h.Name)
				}
			}
		}
		return 0
	}
	owning, owners := 3000, map[string]bool{}
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		if r.Backend == model.NoRoute || !routeHostMatches(r, q) {
			continue
		}
		switch l := level(r); {
		case l < owning:
			owning, owners = l, map[string]bool{}
			fallthrough
		case l == owning:
			for _, s := range services[r.Backend] {
				owners[s] = true
			}
		}
	}
	got, route := answer(cfg, q)
	if got == model.NoRoute {
		return nil
	}
	var probs []string
	who := services[got]
	// A less specific route of the owners' own (a router of theirs on any
	// host) may take what their routes on the host leave: only another
	// service may not.
	if owning < 3000 && (route == nil || level(route) != owning) && slices.ContainsFunc(who, func(s string) bool { return !owners[s] }) {
		probs = append(probs, "answered by "+got+", which does not claim the host at its most specific level")
	}
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		if r.Backend == got || r.Backend == model.NoRoute || !routeMatches(r, q) || level(r) != owning {
			continue
		}
		for _, t := range services[r.Backend] {
			for _, s := range who {
				if s != t && !admits[[2]string{t, s}] {
					probs = append(probs, "answered by "+got+" (service "+s+"), though "+r.Backend+"'s route matches it and "+t+" does not admit "+s)
				}
			}
		}
	}
	return probs
}

// requestsFor are requests that probe every claim of cfg: each host (a
// name under each wildcard) and a host nobody routes, each path, under it
// and beside it, with and without each condition's headers.
func requestsFor(cfg model.Config) []request {
	hosts := []string{"nobody.invalid"}
	paths := []string{"/", "/zzz"}
	headerSets := []map[string]string{{}}
	ports := []int{0}
	methods, queries, clients := []string{""}, []map[string]string{nil}, []string{""}
	for _, r := range cfg.Routes {
		for _, h := range r.Hosts {
			if h.Wildcard() {
				hosts = append(hosts, "x"+h.Suffix())
			} else {
				hosts = append(hosts, h.Name)
			}
		}
		if r.Path.Prefix != "" {
			// Beside it too: a string prefix takes "/apizzz".
			paths = append(paths, r.Path.Prefix, r.Path.Prefix+"/zzz", r.Path.Prefix+"zzz")
		}
		if m := r.Match; m != nil {
			hs := map[string]string{}
			for _, h := range m.Headers {
				hs[strings.ToLower(h.Name)] = h.Value
			}
			for _, u := range m.UserAgents {
				hs["user-agent"] = "x" + u.Pattern + "x"
			}
			headerSets = append(headerSets, hs)
			for _, p := range m.ExcludePaths {
				paths = append(paths, p.Prefix)
			}
			for _, l := range m.Listeners {
				ports = append(ports, l.Port)
			}
			for _, n := range []*model.Conditions{{Methods: m.Methods, Queries: m.Queries, Clients: m.Clients}, m.Not} {
				if n == nil {
					continue
				}
				if len(n.Methods) > 0 {
					methods = append(methods, n.Methods[0])
				}
				for _, c := range n.Queries {
					queries = append(queries, map[string]string{c.Key: c.Value})
				}
				for _, c := range n.Clients {
					if p, err := netip.ParsePrefix(c.CIDR); err == nil {
						clients = append(clients, p.Addr().String())
					}
				}
				for _, h := range n.Headers {
					hs[strings.ToLower(h.Name)] = h.Value
				}
			}
		}
	}
	// Enough of each to meet every claim of a fuzzed project, bounded.
	hosts, paths = slices.Compact(hosts[:min(len(hosts), 40)]), slices.Compact(paths[:min(len(paths), 40)])
	headerSets, ports = headerSets[:min(len(headerSets), 4)], ports[:min(len(ports), 4)]
	methods, queries, clients = methods[:min(len(methods), 3)], queries[:min(len(queries), 3)], clients[:min(len(clients), 3)]
	var qs []request
	for _, h := range hosts {
		for _, p := range paths {
			for _, hs := range headerSets {
				for _, port := range ports {
					for _, tls := range []bool{false, true} {
						qs = append(qs, request{host: h, path: p, headers: hs, listener: port, tls: tls})
					}
					// The other conditions, one at a time: enough for
					// a route with them to take its requests.
					for _, m := range methods[1:] {
						qs = append(qs, request{host: h, path: p, headers: hs, listener: port, method: m})
					}
					for _, qv := range queries[1:] {
						qs = append(qs, request{host: h, path: p, headers: hs, listener: port, query: qv})
					}
					for _, c := range clients[1:] {
						qs = append(qs, request{host: h, path: p, headers: hs, listener: port, client: c})
					}
				}
			}
		}
	}
	return qs
}

func checkOwnership(t *testing.T, cfg model.Config) {
	t.Helper()
	for _, q := range requestsFor(cfg) {
		for _, p := range ownershipViolations(cfg, q) {
			t.Errorf("%s%s %v listener %d tls %t: %s", q.host, q.path, q.headers, q.listener, q.tls, p)
		}
	}
}

func routed(name string, labels map[string]string, port int) model.Service {
	return model.Service{Name: name, Labels: labels, Expose: []model.Port{{Number: port, Protocol: "tcp"}}}
}

const aliceHash = "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/"

// admin is the service the hostile ones below try to take: its host, its
// users and its allow list.
var admin = routed("admin", map[string]string{
	"SERVICE_NAME": "admin", "SERVICE_TAGS": "allow=10.0.0.0/8", "com.df.users": "alice:" + aliceHash, "com.df.usersPassEncrypted": "true",
}, 80)

// One service never answers requests another service's routes match,
// unless that service admits it; each way in found by a hostile review is
// refused with an error that says how to admit it.
func TestAServiceCannotTakeAnothersRequests(t *testing.T) {
	opts := model.Options{Domains: []string{"example.com"}}
	tests := []struct {
		name string
		evil model.Service
		want string // a diagnostic holds it
	}{
		{"an excluded path is a condition, not a claim of its own",
			routed("evil", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "admin.example.com", "com.df.servicePath": "/", "com.df.servicePathExclude": "/zzz-never"}, 80),
			`error: evil: com.df.serviceDomain=admin.example.com: host "admin.example.com" of service evil has a condition, which would take requests first from service admin's route`},
		{"a user agent every browser sends",
			routed("evil", map[string]string{"SERVICE_NAME": "evil", "SERVICE_TAGS": "server_alias=admin.example.com", "com.df.userAgent": "mozilla,curl"}, 80),
			`host "admin.example.com" of service evil has a condition`},
		{"a header every browser sends",
			routed("evil", map[string]string{"SERVICE_NAME": "evil", "SERVICE_TAGS": "server_alias=admin.example.com,match_header=Sec-Fetch-Mode:navigate"}, 80),
			`host "admin.example.com" of service evil has a condition`},
		{"a longer path on another's host",
			routed("evil", map[string]string{"SERVICE_NAME": "evil", "SERVICE_TAGS": "server_alias=admin.example.com,path=/api"}, 80),
			`host "admin.example.com" path /api of service evil is inside service admin's route (SERVICE_NAME=admin), and would take those requests from it`},
		{"a shared name with a hash of its own for admin's user",
			routed("aaa-evil", map[string]string{"SERVICE_NAME": "admin", "SERVICE_TAGS": "allow=10.0.0.0/8", "com.df.usersPassEncrypted": "true", "com.df.users": "alice:$6$other$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/", "compose2haproxy.admit": "admin"}, 80),
			`error: admin: SERVICE_NAME=admin: shares the name admin with service aaa-evil, which makes them one backend, and they do not admit each other`},
		{"a shared name with a copy of the policy and all the weight",
			routed("evil", map[string]string{"SERVICE_NAME": "admin", "SERVICE_TAGS": "allow=10.0.0.0/8,weight=256", "com.df.users": "alice:" + aliceHash, "com.df.usersPassEncrypted": "true"}, 80),
			`error: evil: SERVICE_NAME=admin: shares the name admin with service admin, which makes them one backend, and they do not admit each other`},
		{"servers addressed as another service",
			routed("evil", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "evil.example.com", "com.df.outboundHostname": "admin"}, 80),
			`error: evil: com.df.outboundHostname=admin: is service admin of this project`},
		{"servers addressed as another service's container",
			routed("evil", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "evil.example.com", "com.df.outboundHostname": "test-admin-1"}, 80),
			`is service admin of this project`},
		{"servers addressed as an IP address",
			routed("evil", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "evil.example.com", "com.df.outboundHostname": "127.0.0.1"}, 80),
			`com.df.outboundHostname=127.0.0.1`},
		{"servers addressed as a number",
			routed("evil", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "evil.example.com", "com.df.outboundHostname": "2130706433"}, 80),
			`is a number or an IP address`},
		{"servers addressed as the proxy itself",
			routed("evil", map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "evil.example.com", "com.df.outboundHostname": "localhost"}, 80),
			`is the proxy's own host`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := buildAll(model.Project{Name: "test", Services: []model.Service{admin, tt.evil}}, opts)
			var all []string
			for _, d := range ds {
				all = append(all, d.String())
			}
			if !slices.ContainsFunc(all, func(d string) bool { return strings.Contains(d, tt.want) }) || !ds.HasErrors() {
				t.Errorf("diagnostics %q\nwant an error holding %q", all, tt.want)
			}
		})
	}
}

// What admin admits is allowed, and only that: the routes then answer as
// the rule says.
func TestAdmittedServicesShareRequests(t *testing.T) {
	opts := model.Options{Domains: []string{"example.com"}}
	adm := admin
	adm.Labels = map[string]string{"compose2haproxy.admit": "mobile, api, canary"}
	for k, v := range admin.Labels {
		adm.Labels[k] = v
	}
	policy := map[string]string{"SERVICE_NAME": "admin", "SERVICE_TAGS": "allow=10.0.0.0/8,weight=10", "com.df.users": "alice:" + aliceHash, "com.df.usersPassEncrypted": "true", "compose2haproxy.admit": "admin, api, mobile"}
	cfg, ds := buildAll(model.Project{Name: "test", Services: []model.Service{adm,
		routed("mobile", map[string]string{"SERVICE_NAME": "mobile", "SERVICE_TAGS": "server_alias=admin.example.com", "com.df.userAgent": "iphone", "compose2haproxy.admit": "api"}, 80),
		routed("api", map[string]string{"SERVICE_NAME": "admin", "SERVICE_TAGS": "path=/api"}, 80),
		routed("canary", policy, 80),
	}}, opts)
	if ds.HasErrors() {
		t.Fatalf("diagnostics: %v", ds)
	}
	checkOwnership(t, cfg)
	for _, tc := range []struct {
		q    request
		want string
	}{
		{request{host: "admin.example.com", path: "/"}, "admin"},
		{request{host: "admin.example.com", path: "/", headers: map[string]string{"user-agent": "an iPhone"}}, "mobile_80"},
		{request{host: "admin.example.com", path: "/api/x"}, "admin_api_80"},
	} {
		if got, _ := answer(cfg, tc.q); got != tc.want {
			t.Errorf("%s%s %v: answered by %s, want %s", tc.q.host, tc.q.path, tc.q.headers, got, tc.want)
		}
	}
	if b := cfg.Backends[slices.IndexFunc(cfg.Backends, func(b model.Backend) bool { return b.Name == "admin" })]; len(b.Shared) != 1 || b.Shared[0].Service != "canary" {
		t.Errorf("admin's backend shares its servers with %+v, want canary's", b.Shared)
	}
}

// A host that a service routes is that service's whatever the path: its
// other paths get 404, not a route on any host, another service's
// wildcard or the default backend.
func TestAClaimedHostsOtherPathsAreNoOnesElse(t *testing.T) {
	api := routed("admin", map[string]string{"SERVICE_NAME": "admin", "SERVICE_TAGS": "path=/api"}, 80)
	for _, tt := range []struct {
		name  string
		other model.Service
	}{
		{"a route on any host", routed("evil", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/"}, 80)},
		{"the default backend", routed("evil", map[string]string{"com.df.notify": "true", "com.df.isDefaultBackend": "true"}, 80)},
		{"a wildcard", routed("evil", map[string]string{"SERVICE_NAME": "evil", "SERVICE_TAGS": "server_alias=*.example.com"}, 80)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ds := buildAll(model.Project{Name: "test", Services: []model.Service{api, tt.other}}, model.Options{Domains: []string{"example.com"}})
			if ds.HasErrors() {
				t.Fatalf("diagnostics: %v", ds)
			}
			checkOwnership(t, cfg)
			for _, p := range []string{"/", "/other"} {
				if got, _ := answer(cfg, request{host: "admin.example.com", path: p}); got != model.NoRoute {
					t.Errorf("admin.example.com%s: answered by %s, want %s", p, got, model.NoRoute)
				}
			}
			if got, _ := answer(cfg, request{host: "admin.example.com", path: "/api/x"}); !strings.HasPrefix(got, "admin") {
				t.Errorf("admin.example.com/api/x: answered by %s, want admin's", got)
			}
			if got, _ := answer(cfg, request{host: "other.example.com", path: "/"}); !strings.HasPrefix(got, "evil") {
				t.Errorf("other.example.com/: answered by %s, want evil's", got)
			}
		})
	}
}

// A backend's name depends only on its own service and port: a service
// that joins a host by a path renames nothing, so a reload keeps every
// server's state.
func TestAddingAServiceRenamesNoBackend(t *testing.T) {
	web := routed("web", map[string]string{"SERVICE_NAME": "www_hello", "compose2haproxy.admit": "api"}, 80)
	names := func(services ...model.Service) []string {
		cfg, ds := buildAll(model.Project{Name: "test", Services: services}, model.Options{})
		if ds.HasErrors() {
			t.Fatalf("diagnostics: %v", ds)
		}
		var ns []string
		for _, b := range cfg.Backends {
			ns = append(ns, b.Service+"="+b.Name)
		}
		return ns
	}
	before := names(web)
	after := names(web, routed("api", map[string]string{"SERVICE_NAME": "www_hello", "SERVICE_TAGS": "path=/api"}, 8080))
	if !slices.Contains(after, before[0]) {
		t.Errorf("backends %q after adding api, want %q kept", after, before)
	}
}

// Services that admit each other share a name only with the same policy,
// password hashes included (they are compared, never shown).
func TestASharedNameNeedsTheSameHashes(t *testing.T) {
	adm := admin
	adm.Labels = map[string]string{"compose2haproxy.admit": "canary"}
	for k, v := range admin.Labels {
		adm.Labels[k] = v
	}
	canary := routed("canary", map[string]string{"SERVICE_NAME": "admin", "SERVICE_TAGS": "allow=10.0.0.0/8", "compose2haproxy.admit": "admin",
		"com.df.usersPassEncrypted": "true", "com.df.users": "alice:" + strings.Replace(aliceHash, "saltsalt", "saltpepr", 1)}, 80)
	_, ds := buildAll(model.Project{Name: "test", Services: []model.Service{adm, canary}}, model.Options{})
	want := `error: canary: SERVICE_NAME=admin: shares the name admin with service admin, which makes them one backend, but they differ in password hashes`
	if len(ds) != 1 || !strings.HasPrefix(ds[0].String(), want) || strings.Contains(ds[0].String(), "salt") {
		t.Errorf("diagnostics %v\nwant one starting %q that shows no hash", ds, want)
	}
}
