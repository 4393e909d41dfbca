package traefik

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// serviceState is one compose service as Traefik's labels route it.
type serviceState struct {
	svc    *model.Service
	labels *config.Labels
	// routes by variant name: the backends to build.
	routes map[string]*route
	ports  map[int][]string
}

// route is one backend: a router of the service, or one branch of its
// rule when branches differ in more than their hosts or paths.
type route struct {
	router   *config.Router
	variant  string
	port     int
	service  *config.Service
	hosts    []string
	paths    []model.Path
	headers  []rule.HeaderMatch
	cond     *model.Match // methods, query parameters, client networks, negations
	diffs    []string     // how they differ in HAProxy
	ruleSrc  model.Source
	priority int64
	// listeners the router takes requests from.
	listeners []listener
	tls       bool
	// epMiddlewares are the middlewares of its entry points, applied
	// before its own.
	epMiddlewares []mwRef
}

// mwRef is a middleware a router names, with where it is named.
type mwRef struct {
	name string
	src  model.Source
}

// Claim reads a service's traefik.* labels: whether Traefik routes it,
// its routers and the ports of their services. Every router that cannot
// be converted is an error naming it and why.
func (d Dialect) Claim(l model.Labels, ds *model.Diagnostics) model.Claim {
	pr := d.p
	svc := l.Service()
	if pr == nil {
		return model.Claim{}
	}
	if isTraefik(svc) {
		pr.claimTraefik(l, ds)
		return model.Claim{}
	}
	labels := traefikLabels(svc)
	provider := pr.provider(svc)
	if len(labels) == 0 && (pr.assumed || provider == nil) {
		return model.Claim{}
	}
	if provider == nil {
		if len(labels) > 0 {
			src := firstLabel(l, labels)
			ds.Errorf(src, "turn on Traefik's Docker provider (--providers.docker) or remove the traefik.* labels",
				"Traefik's service %s reads no Docker labels (no providers.docker or providers.swarm): these labels do nothing there", pr.traefik.Name)
		}
		return model.Claim{}
	}
	tl, cds, err := pr.decode(svc, labels)
	if err != nil {
		ds.Errorf(firstLabel(l, labels), "use fewer or shorter traefik.* labels", "%v", err)
		return model.Claim{}
	}
	for _, dg := range cds {
		pr.report(ds, dg, sourceOf(svc, dg.Origin))
	}
	if why := pr.leftOut(svc, tl, provider); why != "" {
		pr.leaveOut(svc, tl, why)
		return model.Claim{}
	}
	st := &serviceState{svc: svc, labels: tl, routes: map[string]*route{}, ports: map[int][]string{}}
	pr.services[svc.Name] = st
	name := config.ServiceName(pr.name, svc.Name, svc.Name)
	defRule := ""
	if provider.DefaultRule != "" {
		r, err := config.RenderDefaultRule(provider.DefaultRule, config.RuleData{Name: name, ContainerName: svc.Name, Labels: mergedLabels(svc)})
		if err != nil {
			ds.Errorf(pr.staticSource(config.Origin{Key: "providers.docker.defaultRule"}), "simplify the default rule", "%v", err)
		}
		defRule = r
	}
	for _, dg := range tl.ApplyDefaults(name, defRule) {
		pr.report(ds, dg, sourceOf(svc, dg.Origin))
	}
	ignored := ignoredRouters(l, tl, ds)
	tcp, _, _ := model.DeclaredPorts(svc)
	exposed := slices.Sorted(maps.Keys(tcp))
	claimSrc := firstLabel(l, labels)
	for _, rn := range slices.Sorted(maps.Keys(tl.HTTP.Routers)) {
		it := pr.item(svc.Name, kindRouter, rn)
		if ignored[strings.ToLower(rn)] {
			it.Outcome, it.Detail = model.LeftOut, "named by "+ignoreKey
			continue
		}
		it.Detail = model.Printable(tl.HTTP.Routers[rn].Rule.String())
		pr.nameMiddlewares(tl.HTTP.Routers[rn].Middlewares.List())
		from := len(*ds)
		pr.claimRouter(st, tl.HTTP.Routers[rn], exposed, ds)
		it.record(ds, from)
	}
	pr.refuseOthers(st, ignored, ds)
	if len(st.ports) == 0 {
		return model.Claim{}
	}
	pr.checkNetwork(svc, tl, provider, ds)
	c := model.Claim{Route: true, Source: claimSrc, Routes: st.ports}
	for p := range st.ports {
		c.Add = append(c.Add, p)
	}
	slices.Sort(c.Add)
	for _, p := range exposed {
		if _, ok := st.ports[p]; !ok {
			c.Skip = append(c.Skip, p)
		}
	}
	return c
}

// checkNetwork reads traefik.docker.network (or the provider's network):
// the network Traefik reaches the service on must be one of the
// service's, and the proxy that replaces Traefik must be on it too.
func (pr *project) checkNetwork(svc *model.Service, tl *config.Labels, provider *config.DockerProvider, ds *model.Diagnostics) {
	n := tl.Network
	src := sourceOf(svc, originOf(n))
	if !n.Set() {
		n = provider.Network
		src = pr.staticSource(originOf(n))
	}
	if !n.Set() {
		return
	}
	v := n.String()
	// A compose network is named PROJECT_KEY on the engine, unless its
	// name: says otherwise.
	on := func(s *model.Service) bool {
		return slices.ContainsFunc(s.Networks, func(k string) bool { return k == v || pr.name+"_"+k == v })
	}
	switch {
	case svc.NetworkMode != "":
	case !on(svc):
		ds.Warnf(src, "put the service on that network, or name one of its networks", "Traefik reaches the service on network %s, which is not one of its networks (%s): Traefik could not reach it either",
			model.Printable(v), strings.Join(svc.Networks, ", "))
	case pr.traefik != nil && pr.traefik.NetworkMode == "" && !on(pr.traefik):
		ds.Warnf(src, "put the Traefik service, and the HAProxy that replaces it, on that network", "Traefik reaches the service on network %s, which the Traefik service %s is not on (%s)",
			model.Printable(v), pr.traefik.Name, strings.Join(pr.traefik.Networks, ", "))
	}
}

// provider is the provider that reads svc's labels: Swarm's for
// deploy.labels when it is on, else Docker's; nil: none.
func (pr *project) provider(svc *model.Service) *config.DockerProvider {
	provider := pr.static.Docker
	if len(svc.DeployLabels) > 0 && pr.static.Swarm != nil {
		provider = pr.static.Swarm
	}
	if provider == nil && pr.assumed {
		provider = &config.DockerProvider{ExposedByDefault: true, DefaultRule: config.DefaultRuleTemplate}
	}
	return provider
}

// leftOut says why Traefik skips svc's container, routers and
// middlewares alike; "" when it does not.
func (pr *project) leftOut(svc *model.Service, tl *config.Labels, provider *config.DockerProvider) string {
	switch {
	case !tl.Exposed(provider.ExposedByDefault):
		return "Traefik does not expose the service (traefik.enable, providers.docker.exposedByDefault)"
	case provider.Constraint != nil && !provider.Constraint.Match(mergedLabels(svc)):
		return "the service does not meet the Docker provider's constraints"
	}
	return ""
}

// mergedLabels are the labels Traefik's constraints and templates see.
func mergedLabels(svc *model.Service) map[string]string {
	out := maps.Clone(svc.DeployLabels)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, svc.Labels)
	return out
}

// firstLabel is the Source of traefik.enable, else of the first traefik.*
// label, for messages about the whole service.
func firstLabel(l model.Labels, labels map[string]string) model.Source {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if strings.EqualFold(k, "traefik.enable") {
			_, src, _ := l.Get(k)
			return src
		}
	}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		_, src, _ := l.Get(k)
		return src
	}
	return model.Source{Service: l.Service().Name}
}

// ignoredRouters reads compose2haproxy.traefik.ignore: routers left out
// on purpose.
func ignoredRouters(l model.Labels, tl *config.Labels, ds *model.Diagnostics) map[string]bool {
	v, src, ok := l.Get(ignoreKey)
	if !ok {
		return nil
	}
	out := map[string]bool{}
	for _, name := range model.SplitList(v) {
		found := false
		for rn := range tl.HTTP.Routers {
			found = found || strings.EqualFold(rn, name)
		}
		for rn := range tl.TCP.Routers {
			found = found || strings.EqualFold(rn, name)
		}
		for rn := range tl.UDP.Routers {
			found = found || strings.EqualFold(rn, name)
		}
		if !found {
			ds.Warnf(src.WithItem(name), "name a router of this service's traefik.* labels", "names no router of the service; it leaves nothing out")
		}
		out[strings.ToLower(name)] = true
	}
	return out
}

// refuseOthers reports the TCP and UDP routers, which are not converted
// yet: each is an error naming it.
func (pr *project) refuseOthers(st *serviceState, ignored map[string]bool, ds *model.Diagnostics) {
	fix := func(rn string) string {
		return fmt.Sprintf("route it with SERVICE_<port>_TAGS=tcp=PORT or sni=PORT, or leave it out with %s: %s", ignoreKey, rn)
	}
	for _, rn := range slices.Sorted(maps.Keys(st.labels.TCP.Routers)) {
		it := pr.item(st.svc.Name, kindTCPRouter, rn)
		if ignored[strings.ToLower(rn)] {
			it.Outcome, it.Detail = model.LeftOut, "named by "+ignoreKey
		} else {
			defer it.record(ds, len(*ds))
			ds.Errorf(sourceOf(st.svc, st.labels.TCP.Routers[rn].Node.Origin), fix(rn), "TCP router %s is not converted by compose2haproxy yet", rn)
		}
	}
	for _, rn := range slices.Sorted(maps.Keys(st.labels.UDP.Routers)) {
		it := pr.item(st.svc.Name, kindUDPRouter, rn)
		if ignored[strings.ToLower(rn)] {
			it.Outcome, it.Detail = model.LeftOut, "named by "+ignoreKey
		} else {
			defer it.record(ds, len(*ds))
			ds.Errorf(sourceOf(st.svc, st.labels.UDP.Routers[rn].Node.Origin), fmt.Sprintf("leave it out with %s: %s", ignoreKey, rn), "UDP router %s: HAProxy does not proxy UDP", rn)
		}
	}
}

// variantName is a router's name as a part of a backend name.
func variantName(rn string) string {
	b := []byte(strings.ToLower(rn))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '-'
		}
	}
	return string(b)
}

// claimRouter converts one HTTP router into routes; what it cannot
// convert is an error naming the router.
func (pr *project) claimRouter(st *serviceState, r *config.Router, exposed []int, ds *model.Diagnostics) {
	svc := st.svc
	rsrc := sourceOf(svc, r.Node.Origin)
	refuse := func(src model.Source, format string, args ...any) {
		ds.Errorf(src, fmt.Sprintf("change it, or leave the router out with %s: %s", ignoreKey, r.Name), "router %s: %s", r.Name, fmt.Sprintf(format, args...))
	}
	ruleSrc := sourceOf(svc, originOf(r.Rule))
	if r.DefaultRule {
		ruleSrc = model.Source{Service: svc.Name, Key: "traefik.http.routers." + r.Name + ".rule", Value: model.SafeShown(r.Rule.String()), From: "traefik"}
	}
	// Its service.
	sname := r.Service.String()
	if i := strings.LastIndexByte(sname, '@'); i >= 0 {
		provider := strings.ToLower(sname[i+1:])
		switch provider {
		case "internal":
			pr.refuseInternal(r, sname[:i], sourceOf(svc, originOf(r.Service)), refuse)
			return
		case "docker", "swarm":
			sname = sname[:i]
		default:
			refuse(sourceOf(svc, originOf(r.Service)), "service %s is from Traefik's %s provider, which compose2haproxy does not read", sname, provider)
			return
		}
	}
	var service *config.Service
	for n, s := range st.labels.HTTP.Services {
		if strings.EqualFold(n, sname) {
			service = s
		}
	}
	if service == nil {
		refuse(sourceOf(svc, originOf(r.Service)), "service %q is not defined by this container's labels (a service of another container is not reachable from its router here)", sname)
		return
	}
	if service.Other != nil || len(service.Servers) > 0 || service.URL != nil {
		refuse(sourceOf(svc, service.Node.Origin), "service %s is not a load balancer of this container's port", service.Name)
		return
	}
	port, ok := config.ServerPort(service.Port, exposed)
	if !ok {
		refuse(rsrc, "service %s has no loadbalancer.server.port and the container exposes no port: Traefik drops the container", service.Name)
		return
	}
	// Its rule.
	parsed, err := rule.Parse(r.Rule.String(), rule.Options{Syntax: rule.Syntax(strings.ToLower(r.RuleSyntax.String())), Kind: rule.HTTP})
	if err != nil {
		refuse(ruleSrc, "rule: %v", err)
		return
	}
	branches, err := parsed.Translate()
	if err != nil {
		refuse(ruleSrc, "rule: %v", err)
		return
	}
	priority := int64(parsed.DefaultPriority())
	if r.Priority != nil {
		priority = r.Priority.Int()
	}
	// Its entry points.
	eps := r.EntryPoints.List()
	epSrc := sourceOf(svc, originOf(r.EntryPoints))
	if len(eps) == 0 {
		if pr.assumed {
			eps = []string{"web"}
			if r.TLS != nil && pr.tls {
				eps = []string{"websecure"}
			}
		} else {
			eps = pr.static.DefaultEntryPoints()
		}
		epSrc = rsrc
	}
	var ls []listener
	var epMW []mwRef
	shared, own := "", ""
	for _, ep := range eps {
		lst, why := pr.entryPoint(ep)
		if why != "" {
			refuse(epSrc.WithItem(ep), "%s", why)
			return
		}
		ls = append(ls, lst)
		if lst.shared {
			shared = ep
		} else {
			own = ep
		}
		if lst.ep != nil {
			for _, m := range lst.ep.Middlewares.List() {
				epMW = append(epMW, mwRef{name: m, src: pr.staticSource(lst.ep.Middlewares.Origin).WithItem(m)})
			}
		}
	}
	if shared != "" && own != "" {
		refuse(epSrc, "it is on entry point %s (a shared listener) and %s (a listener of its own, port %d): a route on both is not converted; list the entry points it is meant for in traefik.http.routers.%s.entrypoints", shared, own, ls[slices.IndexFunc(ls, func(l listener) bool { return !l.shared })].port, r.Name)
		return
	}
	tls := r.TLS != nil
	for _, lst := range ls {
		tls = tls || lst.ep != nil && lst.ep.TLS != nil
	}
	if tls && !pr.tls {
		src := rsrc
		if r.TLS != nil {
			src = sourceOf(svc, r.TLS.Node.Origin)
		}
		refuse(src, "it serves HTTPS, and there is no HTTPS listener: run with --tls DIR (the certificates) or --acme-directory")
		return
	}
	groups, why := groupBranches(branches)
	if why != "" {
		refuse(ruleSrc, "%s", why)
		return
	}
	base := variantName(r.Name)
	for i, g := range groups {
		v := base
		if len(groups) > 1 {
			v = fmt.Sprintf("%s-%d", base, i+1)
		}
		for st.routes[v] != nil {
			v += "-x"
		}
		rt := &route{router: r, variant: v, port: port, service: service, hosts: g.hosts, headers: g.headers, cond: g.cond, diffs: g.diffs,
			ruleSrc: ruleSrc, priority: priority, listeners: ls, tls: tls, epMiddlewares: epMW}
		for _, p := range g.paths {
			p.Source = ruleSrc
			rt.paths = append(rt.paths, p)
		}
		st.routes[v] = rt
		st.ports[port] = append(st.ports[port], v)
	}
}

// group is the branches of a rule that become one backend: the same
// conditions, and hosts × paths that are exactly their union.
type group struct {
	hosts   []string // nil: any host
	paths   []model.Path
	headers []rule.HeaderMatch
	// cond: the other conditions (methods, query parameters, client
	// networks, negations), as the model's Match.
	cond  *model.Match
	diffs []string // how HAProxy's conditions differ from Traefik's
}

// groupBranches turns a rule's branches into backends: branches with the
// same hosts and conditions share one (their paths joined), and then
// those with the same paths and conditions (their hosts joined). What the
// model cannot express yet is a reason.
func groupBranches(bs []rule.Conjunction) ([]group, string) {
	var gs []group
	for _, c := range bs {
		g, why := groupOf(c)
		if why != "" {
			return nil, why
		}
		gs = append(gs, g)
	}
	key := func(hs []string, hd []rule.HeaderMatch) string {
		var parts []string
		for _, h := range hd {
			parts = append(parts, strings.ToLower(h.Name)+":"+h.Value)
		}
		slices.Sort(parts)
		return fmt.Sprint(hs == nil, hs, parts)
	}
	condKey := func(g group) string {
		m := g.cond
		if m == nil {
			return ""
		}
		k := fmt.Sprint(m.Methods, m.Queries, m.Clients)
		if n := m.Not; n != nil {
			k += fmt.Sprint(" !", n.Headers, n.Methods, n.Queries, n.Clients)
		}
		return k
	}
	pathKey := func(ps []model.Path) string { return fmt.Sprint(ps) }
	merge := func(gs []group, same func(a, b group) bool, join func(a *group, b group)) []group {
		var out []group
		for _, g := range gs {
			if i := slices.IndexFunc(out, func(o group) bool { return same(o, g) }); i >= 0 {
				join(&out[i], g)
				continue
			}
			out = append(out, g)
		}
		return out
	}
	gs = merge(gs, func(a, b group) bool {
		return key(a.hosts, a.headers) == key(b.hosts, b.headers) && condKey(a) == condKey(b)
	}, func(a *group, b group) {
		if len(a.paths) == 0 || len(b.paths) == 0 {
			a.paths = nil // every path
			return
		}
		a.paths = append(a.paths, b.paths...)
	})
	gs = merge(gs, func(a, b group) bool {
		return pathKey(a.paths) == pathKey(b.paths) && key(nil, a.headers) == key(nil, b.headers) && (a.hosts == nil) == (b.hosts == nil) && condKey(a) == condKey(b)
	}, func(a *group, b group) {
		a.hosts = append(a.hosts, b.hosts...)
	})
	for i := range gs {
		slices.Sort(gs[i].hosts)
		gs[i].hosts = slices.Compact(gs[i].hosts)
	}
	return gs, ""
}

// groupOf is one branch as hosts, paths and conditions, or why the model
// cannot express it.
func groupOf(c rule.Conjunction) (group, string) {
	var g group
	if h := c.Host; h != nil {
		switch {
		case h.Wildcard != "":
			return g, fmt.Sprintf("the host %s matches one label that may be empty in Traefik, and a wildcard here matches one or more: not converted", h.Wildcard)
		case h.Pattern != nil:
			return g, fmt.Sprintf("HostRegexp(%s) is not converted yet: list the hosts with Host()", h.Pattern.Source)
		}
		g.hosts = slices.Clone(h.Names)
		if slices.Contains(g.hosts, "*") {
			g.hosts = nil
		}
	}
	if p := c.Path; p != nil {
		switch {
		case p.Pattern != nil:
			return g, fmt.Sprintf("PathRegexp(%s) is not converted yet", p.Pattern.Source)
		case p.Exact != "":
			g.paths = []model.Path{{Prefix: p.Exact, Kind: model.PathExact}}
		case p.Prefix == "/":
			// every path
		default:
			g.paths = []model.Path{{Prefix: p.Prefix, Kind: model.PathBegins}}
		}
	}
	for _, hd := range c.Headers {
		if hd.Pattern != nil {
			return g, fmt.Sprintf("HeaderRegexp(%s) is not converted yet", hd.Name)
		}
		g.headers = append(g.headers, hd)
	}
	switch {
	case len(c.ALPN) > 0:
		return g, "ALPN() is not converted"
	case len(c.Also) > 0:
		return g, fmt.Sprintf("%s tests the host or path twice, which is not converted", c.Also[0].Matcher)
	}
	m := &model.Match{}
	if why := addConditions(m, &g, rule.Cond{Methods: c.Methods, ClientIP: c.ClientIP}, c.Queries); why != "" {
		return g, why
	}
	if len(c.Not) > 0 {
		not := &model.Match{}
		for _, n := range c.Not {
			var qs []rule.QueryMatch
			switch {
			case n.Host != nil || n.Path != nil:
				return g, fmt.Sprintf("!%s: a negated host or path is not converted (it would claim every other host or path)", n.Matcher)
			case len(n.ALPN) > 0:
				return g, fmt.Sprintf("!%s is not converted", n.Matcher)
			case n.Header != nil && n.Header.Pattern != nil:
				return g, fmt.Sprintf("!%s: HeaderRegexp is not converted yet", n.Matcher)
			case n.Header != nil:
				if why := headerValue(n.Header.Value); why != "" {
					return g, fmt.Sprintf("!%s: the value %s", n.Matcher, why)
				}
				not.Headers = append(not.Headers, model.HeaderMatch{Name: n.Header.Name, Value: n.Header.Value})
			case n.Query != nil:
				qs = []rule.QueryMatch{*n.Query}
			}
			// !Method(A) && !Method(B) is the method in neither: one
			// negated ACL of both, as for client networks.
			if why := addConditions(not, &g, rule.Cond{Methods: n.Methods, ClientIP: n.ClientIP}, qs); why != "" {
				return g, "!" + n.Matcher + ": " + why
			}
		}
		m.Not = &model.Conditions{Headers: not.Headers, Methods: not.Methods, Queries: not.Queries, Clients: not.Clients}
	}
	if len(m.Methods) > 0 || len(m.Queries) > 0 || len(m.Clients) > 0 || m.Not != nil {
		g.cond = m
	}
	return g, ""
}

// conditionChars is what a method, a query key or value, or a header
// value of a negation may hold: no ACL pattern reads it differently.
var conditionChars = regexp.MustCompile(`^[A-Za-z0-9._~][A-Za-z0-9._~-]{0,127}$`)

func headerValue(v string) string {
	if !conditionChars.MatchString(v) {
		return fmt.Sprintf("%s is not converted (letters, digits and . _ ~ - only)", model.Printable(v))
	}
	return ""
}

// addConditions adds a branch's methods, client networks and query
// parameters to m, or says why they are not converted.
func addConditions(m *model.Match, g *group, c rule.Cond, queries []rule.QueryMatch) string {
	for _, meth := range c.Methods {
		if !conditionChars.MatchString(meth) || strings.ToUpper(meth) != meth {
			return fmt.Sprintf("the method %s is not converted (upper-case letters only)", model.Printable(meth))
		}
		m.Methods = append(m.Methods, meth)
	}
	for _, p := range c.ClientIP {
		m.Clients = append(m.Clients, model.Network{CIDR: p.Masked().String()})
	}
	for _, q := range queries {
		switch {
		case q.Pattern != nil:
			return fmt.Sprintf("Query(%s) with a regular expression is not converted yet", model.Printable(q.Key))
		case q.Any || q.Value == "":
			return fmt.Sprintf("Query(%s) without a value is not converted", model.Printable(q.Key))
		case !conditionChars.MatchString(q.Key) || !conditionChars.MatchString(q.Value):
			return fmt.Sprintf("Query(%s=%s): letters, digits and . _ ~ - only are converted", model.Printable(q.Key), model.Printable(q.Value))
		}
		m.Queries = append(m.Queries, model.QueryMatch{Key: q.Key, Value: q.Value})
		if !q.First {
			g.diffs = append(g.diffs, fmt.Sprintf("Query(%s=%s): HAProxy compares the first occurrence of the parameter, as sent; Traefik any occurrence, percent-decoded", q.Key, q.Value))
		} else {
			g.diffs = append(g.diffs, fmt.Sprintf("Query(%s=%s): HAProxy compares the value as sent; Traefik percent-decodes it", q.Key, q.Value))
		}
	}
	return ""
}

// refuseInternal explains a router to one of Traefik's own services.
func (pr *project) refuseInternal(r *config.Router, name string, src model.Source, refuse func(model.Source, string, ...any)) {
	switch strings.ToLower(name) {
	case "api", "dashboard":
		refuse(src, "%s@internal is Traefik's own dashboard; HAProxy's equivalent is its stats page (--stats ADDR, with --stats-auth)", name)
	case "ping":
		refuse(src, "ping@internal is Traefik's health endpoint; HAProxy's is not offered by compose2haproxy yet")
	default:
		refuse(src, "%s@internal is a service of Traefik's own, with no HAProxy equivalent", name)
	}
}

// sortedRoutes are a service's routes in variant order.
func (st *serviceState) sortedRoutes() []*route {
	out := slices.Collect(maps.Values(st.routes))
	slices.SortFunc(out, func(a, b *route) int { return cmp.Compare(a.variant, b.variant) })
	return out
}

// originOf is where n was written; nothing for an absent value.
func originOf(n *config.Node) config.Origin {
	if n == nil {
		return config.Origin{}
	}
	return n.Origin
}

// claimTraefik reports the routers of the Traefik service's own labels:
// its dashboard and API, which HAProxy does not have, or a route to Traefik
// itself, which HAProxy replaces.
func (pr *project) claimTraefik(l model.Labels, ds *model.Diagnostics) {
	svc := l.Service()
	tl, _, err := config.DecodeLabels(traefikLabels(svc))
	if err != nil || tl == nil {
		return
	}
	ignored := ignoredRouters(l, tl, ds)
	for _, rn := range slices.Sorted(maps.Keys(tl.HTTP.Routers)) {
		r := tl.HTTP.Routers[rn]
		it := pr.item(svc.Name, kindRouter, rn)
		if ignored[strings.ToLower(rn)] {
			it.Outcome, it.Detail = model.LeftOut, "named by "+ignoreKey
			continue
		}
		it.Detail = model.Printable(r.Rule.String())
		pr.nameMiddlewares(r.Middlewares.List())
		from := len(*ds)
		defer it.record(ds, from)
		refuse := func(src model.Source, format string, args ...any) {
			ds.Errorf(src, fmt.Sprintf("leave the router out with %s: %s", ignoreKey, r.Name), "router %s: %s", r.Name, fmt.Sprintf(format, args...))
		}
		sname := r.Service.String()
		if i := strings.LastIndexByte(sname, '@'); i >= 0 && strings.EqualFold(sname[i+1:], "internal") {
			pr.refuseInternal(r, sname[:i], sourceOf(svc, originOf(r.Service)), refuse)
			continue
		}
		refuse(sourceOf(svc, r.Node.Origin), "it routes to the Traefik service itself, which HAProxy replaces")
	}
}
