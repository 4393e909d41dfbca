package traefik

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

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
	// tcp: the TCP routers' routes by variant name.
	tcp   map[string]*tcpRoute
	ports map[int][]string
	src   model.Source // what asks to route it, for the model's messages
}

// route is one backend: a router of the service, or one branch of its
// rule when branches differ in more than their hosts or paths.
type route struct {
	router  *config.Router
	variant string
	port    int
	service *config.Service // nil for Traefik's ping, which HAProxy answers
	answer  bool            // ping@internal: HAProxy answers 200 OK
	// scheme: a file service's server url, whose scheme the backend's is;
	// nil: the service's server.scheme.
	scheme *config.Node
	// provider is where the router's middleware names without @provider
	// are: "docker" for labels, "file" for the file provider's routers.
	provider string
	file     bool // a router of the file provider
	// outHint is how to leave the router out: compose2haproxy.traefik.ignore: NAME
	outHint string
	// split: how many backends the router's rule became (groups of
	// branches); each counts its own requests for a limit.
	split    int
	hosts    []string
	paths    []model.Path
	headers  []rule.HeaderMatch
	cond     *model.Match // methods, query parameters, client networks, negations
	diffs    []string     // how they differ in HAProxy
	ruleSrc  model.Source
	priority int64
	// listeners the router takes requests from.
	listeners []listener
	// plain, secure: it takes the plain requests of the shared HTTP
	// listener, the TLS ones of the shared HTTPS listener.
	plain, secure bool
	// epMiddlewares are the middlewares of its entry points, applied
	// before its own.
	epMiddlewares []mwRef
	// redirected: its entry point redirects every plain request to
	// HTTPS before any router sees it (set by applyListeners).
	redirected bool
}

// mwRef is a middleware a router names, with where it is named.
type mwRef struct {
	name string
	src  model.Source
	// provider is where a name without @provider is: the provider of the
	// router (or chain) that names it.
	provider string
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
		return pr.claimTraefik(l, ds)
	}
	tcp, _, _ := model.DeclaredPorts(svc)
	exposed := slices.Sorted(maps.Keys(tcp))
	st := pr.claimLabels(l, exposed, ds)
	labelled := st != nil
	if files := pr.fileRoutes[svc.Name]; len(files) > 0 {
		if st == nil {
			// The file provider routes to a server by its address, whether
			// Traefik reads the container's labels or not.
			st = newServiceState(svc, &config.Labels{})
			st.src = sourceOf(svc, originOf(files[0].r.Service))
			pr.services[svc.Name] = st
		}
		pr.claimFileRouters(st, labelled, exposed, ds)
	}
	if st == nil || len(st.ports) == 0 {
		return model.Claim{}
	}
	return st.claim(st.src, exposed)
}

func newServiceState(svc *model.Service, tl *config.Labels) *serviceState {
	return &serviceState{svc: svc, labels: tl, routes: map[string]*route{}, tcp: map[string]*tcpRoute{}, ports: map[int][]string{}}
}

// claimLabels reads the service's labels: nil when Traefik does not read
// them (no labels, not exposed, no Docker provider).
func (pr *project) claimLabels(l model.Labels, exposed []int, ds *model.Diagnostics) *serviceState {
	svc := l.Service()
	labels := pr.labels(svc)
	provider := pr.provider(svc)
	if len(labels) == 0 && (pr.assumed || provider == nil) {
		return nil
	}
	if provider == nil {
		if len(labels) > 0 {
			src := firstLabel(l, labels)
			ds.Errorf(src, "turn on Traefik's Docker provider (--providers.docker) or remove the traefik.* labels",
				"Traefik's service %s reads no Docker labels (no providers.docker or providers.swarm): these labels do nothing there", pr.traefik.Name)
		}
		return nil
	}
	tl, cds, err := pr.decode(svc)
	if err != nil {
		ds.Errorf(firstLabel(l, labels), "use fewer or shorter traefik.* labels", "%v", err)
		return nil
	}
	for _, dg := range cds {
		pr.report(ds, dg, sourceOf(svc, dg.Origin))
	}
	if why := pr.leftOut(svc, tl, provider); why != "" {
		pr.leaveOut(svc, tl, why)
		return nil
	}
	st := newServiceState(svc, tl)
	pr.services[svc.Name] = st
	name := config.ServiceName(pr.name, svc.Name, svc.Name)
	// Traefik renders the default rule for a router without one only:
	// its template's errors show then, and it costs nothing otherwise.
	defRule := sync.OnceValue(func() string {
		if provider.DefaultRule == "" {
			return ""
		}
		r, err := config.RenderDefaultRule(provider.DefaultRule, config.RuleData{Name: name, ContainerName: svc.Name, Labels: mergedLabels(svc)})
		if err != nil {
			ds.Errorf(pr.staticSource(config.Origin{Key: "providers.docker.defaultRule"}), "simplify the default rule", "%v", err)
		}
		return r
	})
	for _, dg := range tl.ApplyDefaults(name, defRule) {
		pr.report(ds, dg, sourceOf(svc, dg.Origin))
	}
	ignored := pr.ignoredRouters(l, tl, ds)
	st.src = firstLabel(l, labels)
	for _, sn := range slices.Sorted(maps.Keys(tl.HTTP.Services)) {
		pr.nameMiddlewares(tl.HTTP.Services[sn].Middlewares.List(), "docker")
	}
	for _, rn := range slices.Sorted(maps.Keys(tl.HTTP.Routers)) {
		it := pr.item(svc.Name, kindRouter, rn)
		if ignored[strings.ToLower(rn)] {
			it.Outcome, it.Detail = model.LeftOut, "named by "+ignoreKey
			continue
		}
		it.Detail = model.Printable(tl.HTTP.Routers[rn].Rule.String())
		pr.nameMiddlewares(tl.HTTP.Routers[rn].Middlewares.List(), "docker")
		from := len(*ds)
		pr.claimRouter(st, tl.HTTP.Routers[rn], nil, exposed, ds)
		it.record(ds, from)
	}
	pr.eachTCPRouter(svc.Name, tl, ignored, ds, func(r *config.TCPRouter) { pr.claimTCPRouter(st, r, exposed, ds) })
	pr.refuseUDP(st, ignored, ds)
	if len(st.ports) > 0 {
		pr.checkNetwork(svc, tl, provider, ds)
	}
	return st
}

// claim asks to route the ports of the service's routes, and those only.
func (st *serviceState) claim(src model.Source, exposed []int) model.Claim {
	c := model.Claim{Route: true, Source: src, Routes: st.ports}
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
// service's, by the name the engine knows it by (Traefik's lookup; a
// name it does not find, it warns about and takes the container's first
// network), and the proxy that replaces Traefik must be on it too.
func (pr *project) checkNetwork(svc *model.Service, tl *config.Labels, provider *config.DockerProvider, ds *model.Diagnostics) {
	n := tl.Network
	src := sourceOf(svc, originOf(n))
	if !n.Set() {
		n = provider.Network
		src = pr.staticSource(originOf(n))
	}
	if !n.Set() || svc.NetworkMode != "" {
		return
	}
	v := n.String()
	// A Swarm stack's networks are STACK_KEY, the stack named when it is
	// deployed: any prefix names one without a name: of its own.
	swarm := provider == pr.static.Swarm
	on := func(s *model.Service) bool {
		return slices.ContainsFunc(s.Networks, func(k string) bool {
			engine := pr.networkName(k)
			return engine == v || swarm && engine == pr.name+"_"+k && strings.HasSuffix(v, "_"+k)
		})
	}
	names := func(s *model.Service) string {
		var ns []string
		for _, k := range s.Networks {
			ns = append(ns, pr.networkName(k))
		}
		return strings.Join(ns, ", ")
	}
	switch {
	case !on(svc):
		fix := "name one of its networks as the engine knows it"
		for _, k := range svc.Networks {
			if v == k || v == pr.name+"_"+k {
				fix = fmt.Sprintf("write %s, the name the engine knows network %s by", pr.networkName(k), k)
			}
		}
		ds.Warnf(src, fix, "the service is on no network the engine names %s (its networks are %s on the engine): Traefik would warn and take the first of them",
			model.Printable(v), names(svc))
	case pr.traefik != nil && pr.traefik.NetworkMode == "" && !on(pr.traefik):
		ds.Warnf(src, "put the Traefik service, and the HAProxy that replaces it, on that network", "Traefik reaches the service on network %s, which the Traefik service %s is not on (its networks are %s on the engine)",
			model.Printable(v), pr.traefik.Name, names(pr.traefik))
	}
}

// networkName is the name the engine knows the compose network key by.
func (pr *project) networkName(key string) string {
	if n, ok := pr.networkNames[key]; ok {
		return n
	}
	return pr.name + "_" + key
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
	case !provider.Constraint.MatchFunc(func(name string) string { return mergedLabel(svc, name) }):
		return "the service does not meet the Docker provider's constraints"
	}
	return ""
}

// eachTCPRouter claims a container's TCP routers with claim, in name
// order, each an item of the report: left out when ignored names it, else
// with the problems claim reported.
func (pr *project) eachTCPRouter(service string, tl *config.Labels, ignored map[string]bool, ds *model.Diagnostics, claim func(*config.TCPRouter)) {
	for _, rn := range slices.Sorted(maps.Keys(tl.TCP.Routers)) {
		it := pr.item(service, kindTCPRouter, rn)
		if ignored[strings.ToLower(rn)] {
			it.Outcome, it.Detail = model.LeftOut, "named by "+ignoreKey
			continue
		}
		r := tl.TCP.Routers[rn]
		it.Detail = model.Printable(r.Rule.String())
		from := len(*ds)
		claim(r)
		it.record(ds, from)
	}
}

// mergedLabel is the label of mergedLabels at name, without making them.
func mergedLabel(svc *model.Service, name string) string {
	if v, ok := svc.Labels[name]; ok {
		return v
	}
	return svc.DeployLabels[name]
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
	first, enable := "", ""
	for k := range labels {
		if strings.EqualFold(k, "traefik.enable") && (enable == "" || k < enable) {
			enable = k
		}
		if first == "" || k < first {
			first = k
		}
	}
	if enable != "" {
		first = enable
	}
	if first == "" {
		return model.Source{Service: l.Service().Name}
	}
	src, _ := labelSource(l, first)
	return safe(src)
}

// redirectsScheme reports whether a router names a redirectScheme
// middleware: a redirect the Traefik service's router may be meant as.
func (pr *project) redirectsScheme(r *config.Router) bool {
	for _, ref := range r.Middlewares.List() {
		name, provider, _ := strings.Cut(ref, "@")
		defined := pr.middleware
		if strings.EqualFold(provider, "file") {
			defined = pr.fileMiddleware
		}
		if def, ok := defined[strings.ToLower(name)]; ok && strings.EqualFold(def.m.Type, "redirectScheme") {
			return true
		}
	}
	return false
}

// leaveOutHint is how to leave a router out on purpose, for messages.
func (pr *project) leaveOutHint(name string, file bool) string {
	if file {
		return fmt.Sprintf("%s: %s@file on the Traefik service %s", ignoreKey, name, pr.traefik.Name)
	}
	return ignoreKey + ": " + name
}

// ignoredRouters reads compose2haproxy.traefik.ignore: routers left out
// on purpose.
// On the Traefik service, NAME@file names a router of the file provider.
func (pr *project) ignoredRouters(l model.Labels, tl *config.Labels, ds *model.Diagnostics) map[string]bool {
	v, src, ok := l.Get(ignoreKey)
	if !ok {
		return nil
	}
	out := map[string]bool{}
	for _, name := range model.SplitList(v) {
		found := false
		if n, ok := strings.CutSuffix(strings.ToLower(name), "@file"); ok && l.Service() == pr.traefik && pr.file != nil {
			found = slices.ContainsFunc(pr.file.routers, func(fr *fileRouter) bool { return strings.EqualFold(fr.r.Name, n) })
		}
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

// refuseUDP reports the UDP routers, which HAProxy does not proxy: each
// is an error naming it.
func (pr *project) refuseUDP(st *serviceState, ignored map[string]bool, ds *model.Diagnostics) {
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
func (pr *project) claimRouter(st *serviceState, r *config.Router, via *fileRouter, exposed []int, ds *model.Diagnostics) {
	svc := st.svc
	rsrc := sourceOf(svc, r.Node.Origin)
	refuse := func(src model.Source, format string, args ...any) {
		ds.Errorf(src, "change it, or leave the router out with "+pr.leaveOutHint(r.Name, via != nil), "router %s: %s", r.Name, fmt.Sprintf(format, args...))
	}
	ruleSrc := nodeSource(svc, r.Rule)
	if r.DefaultRule {
		ruleSrc = model.Source{Service: svc.Name, Key: "traefik.http.routers." + r.Name + ".rule", Value: model.SafeShown(r.Rule.String()), From: "traefik"}.Shown(r.Rule.String())
	}
	// Its service: one of the container's, a file service's server, or
	// Traefik's own ping.
	tg, ok := pr.routerTarget(st, r, via, exposed, refuse)
	if !ok {
		return
	}
	port := tg.port
	// Its rule.
	parsed, why, warn := pr.parseRule(r.Rule.String(), r.RuleSyntax, r.DefaultRule, rule.HTTP, "traefik.http.routers."+r.Name)
	if why != "" {
		refuse(ruleSrc, "%s", why)
		return
	}
	if warn != "" {
		ds.Warnf(ruleSrc, "", "router %s: %s", r.Name, warn)
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
			// Traefik's own: every entry point, here the conventional
			// ones HAProxy listens for.
			switch {
			case r.TLS != nil && pr.tls:
				eps = []string{"websecure"}
			case pr.tls:
				eps = []string{"web", "websecure"}
			default:
				eps = []string{"web"}
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
				epMW = append(epMW, mwRef{name: m, src: pr.staticSource(lst.ep.Middlewares.Origin).WithItem(m), provider: tg.provider})
			}
		}
	}
	if shared != "" && own != "" {
		refuse(epSrc, "it is on entry point %s (a shared listener) and %s (a listener of its own, port %d): a route on both is not converted; list the entry points it is meant for in traefik.http.routers.%s.entrypoints", shared, own, ls[slices.IndexFunc(ls, func(l listener) bool { return !l.shared })].port, r.Name)
		return
	}
	tls := false
	for i := range ls {
		l := &ls[i]
		l.name = eps[i]
		// Without a Traefik service (or with its file unread), the
		// conventional HTTPS entry point is taken to terminate TLS.
		l.routerTLS = r.TLS != nil || l.ep != nil && l.ep.TLS != nil || pr.assumed && l.ep == nil && l.tls
		tls = tls || l.routerTLS
	}
	if tls && !pr.tls {
		src := rsrc
		if r.TLS != nil {
			src = sourceOf(svc, r.TLS.Node.Origin)
		}
		if r.TLS != nil && r.TLS.CertResolver.Set() {
			refuse(src, "it serves HTTPS, and there is no HTTPS listener: run with %s (HAProxy then gets the route's certificates by ACME, as Traefik's resolver %s did), or with %s DIR (the certificates)", model.OptionACMEDirectory.Ref(), model.Printable(r.TLS.CertResolver.String()), model.OptionCerts.Ref())
			return
		}
		refuse(src, "it serves HTTPS, and there is no HTTPS listener: run with %s DIR (the certificates) or %s", model.OptionCerts.Ref(), model.OptionACMEDirectory.Ref())
		return
	}
	plain, secure := false, false
	var mismatch []string // shared listeners the router takes no request of
	for _, l := range ls {
		switch {
		case !l.shared:
		case l.tls && l.routerTLS:
			secure = true
		case !l.tls && !l.routerTLS:
			plain = true
		case l.tls:
			mismatch = append(mismatch, fmt.Sprintf("on entry point %s (port %d) it has no tls, so Traefik answers it only over plain HTTP there, which HAProxy's HTTPS listener does not take; set traefik.http.routers.%s.tls=true, or the entry point's http.tls", l.name, l.port, r.Name))
		default:
			mismatch = append(mismatch, fmt.Sprintf("on entry point %s (port %d) it has tls, so Traefik answers it only over TLS there, which HAProxy's HTTP listener does not speak; put it on the HTTPS entry point", l.name, l.port))
		}
	}
	if !plain && !secure && len(mismatch) > 0 {
		refuse(epSrc, "%s", strings.Join(mismatch, "; "))
		return
	}
	branches, why = expandHeaderRegexps(branches)
	if why != "" {
		refuse(ruleSrc, "%s", why)
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
		rt := &route{router: r, variant: v, outHint: pr.leaveOutHint(r.Name, via != nil), port: port, service: tg.service, answer: tg.answer, scheme: tg.scheme, provider: tg.provider, file: via != nil, split: len(groups), hosts: g.hosts, headers: g.headers, cond: g.cond, diffs: g.diffs,
			ruleSrc: ruleSrc, priority: priority, listeners: ls, plain: plain, secure: secure, epMiddlewares: epMW}
		for _, p := range g.paths {
			p.Source = ruleSrc
			rt.paths = append(rt.paths, p)
		}
		st.routes[v] = rt
		st.ports[port] = append(st.ports[port], v)
	}
}

// target is where a router's requests go.
type target struct {
	service  *config.Service // nil: HAProxy answers them (ping@internal)
	port     int
	answer   bool
	scheme   *config.Node // a file service's server url; nil: service.Scheme
	provider string       // where its middleware names without @provider are
}

// routerTarget resolves a router's service: the container's own (a
// label router's, or a file router's name@docker), a file service whose
// one server is the container, or Traefik's ping, which HAProxy answers.
func (pr *project) routerTarget(st *serviceState, r *config.Router, via *fileRouter, exposed []int, refuse func(model.Source, string, ...any)) (target, bool) {
	svc := st.svc
	tg := target{provider: "docker"}
	if via != nil {
		tg.provider = "file"
	}
	src := sourceOf(svc, originOf(r.Service))
	sname, provider := r.Service.String(), tg.provider
	if i := strings.LastIndexByte(sname, '@'); i >= 0 {
		sname, provider = sname[:i], strings.ToLower(sname[i+1:])
	}
	switch provider {
	case "internal":
		if !strings.EqualFold(sname, "ping") {
			pr.refuseInternal(r, sname, src, refuse)
			return tg, false
		}
		// HAProxy answers it: the port only names the backend.
		tg.answer, tg.port = true, 80
		if len(exposed) > 0 {
			tg.port = exposed[0]
		}
		return tg, true
	case "file":
		fs, why := pr.fileService(sname)
		if why == "" {
			var to string
			tg.service, to, tg.port, tg.scheme, why = fs.service, fs.target, fs.port, fs.url, fs.why
			if why == "" && to != svc.Name {
				why = fmt.Sprintf("its server is service %s, not this one: the route would take requests to another service", to)
			}
		}
		if why != "" {
			refuse(src, "service %s@file: %s", sname, why)
			return tg, false
		}
		return tg, true
	case "docker", "swarm":
	default:
		refuse(src, "service %s is from Traefik's %s provider, which compose2haproxy does not read", model.Printable(r.Service.String()), model.Printable(provider))
		return tg, false
	}
	for n, s := range st.labels.HTTP.Services {
		if strings.EqualFold(n, sname) {
			tg.service = s
		}
	}
	if tg.service == nil {
		refuse(src, "service %q is not defined by this container's labels (a service of another container is not reachable from its router here)", sname)
		return tg, false
	}
	if s := tg.service; s.Other != nil || len(s.Servers) > 0 || s.URL != nil {
		refuse(sourceOf(svc, s.Node.Origin), "service %s is not a load balancer of this container's port", s.Name)
		return tg, false
	}
	port, ok := config.ServerPort(tg.service.Port, exposed)
	if !ok {
		refuse(sourceOf(svc, r.Node.Origin), "service %s has no loadbalancer.server.port and the container exposes no port: Traefik drops the container", tg.service.Name)
		return tg, false
	}
	tg.port = port
	return tg, true
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
	// otherKey is the conditions but the methods.
	otherKey := func(g group) string {
		m := g.cond
		if m == nil || len(m.Queries) == 0 && len(m.Clients) == 0 && m.Not == nil {
			return ""
		}
		k := fmt.Sprint(m.Queries, m.Clients)
		if n := m.Not; n != nil {
			k += fmt.Sprint(" !", n.Headers, n.Methods, n.Queries, n.Clients)
		}
		return k
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
	// Method(A) || Method(B): branches that differ only in their methods
	// are one backend taking either.
	gs = merge(gs, func(a, b group) bool {
		return key(a.hosts, a.headers) == key(b.hosts, b.headers) && pathKey(a.paths) == pathKey(b.paths) && otherKey(a) == otherKey(b)
	}, func(a *group, b group) {
		if a.cond == nil || b.cond == nil || len(a.cond.Methods) == 0 || len(b.cond.Methods) == 0 {
			if a.cond != nil {
				a.cond.Methods = nil // one of them takes every method
			}
		} else {
			a.cond.Methods = append(a.cond.Methods, b.cond.Methods...)
			slices.Sort(a.cond.Methods)
			a.cond.Methods = slices.Compact(a.cond.Methods)
		}
		a.diffs = append(a.diffs, b.diffs...)
		if m := a.cond; m != nil && len(m.Methods) == 0 && len(m.Queries) == 0 && len(m.Clients) == 0 && m.Not == nil {
			a.cond = nil
		}
	})
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
			return g, fmt.Sprintf("the host %s matches exactly one label in Traefik (for Host(`*.…`), one that may be empty), and a wildcard here one or more: not converted; list the names, or match any name ending in the suffix with HostRegexp(`^.+%s$`)", h.Wildcard, strings.ReplaceAll(h.Wildcard[1:], ".", "\\."))
		case h.Pattern != nil:
			hosts, why := regexpHosts(h.Pattern)
			if why != "" {
				return g, fmt.Sprintf("HostRegexp(%s): %s", model.Printable(h.Pattern.Source), why)
			}
			g.hosts = hosts
		default:
			g.hosts = slices.Clone(h.Names)
		}
		if slices.Contains(g.hosts, "*") {
			g.hosts = nil
		}
	}
	if p := c.Path; p != nil {
		switch {
		case p.Pattern != nil:
			paths, why := regexpPaths(p.Pattern)
			if why != "" {
				return g, fmt.Sprintf("PathRegexp(%s): %s", model.Printable(p.Pattern.Source), why)
			}
			g.paths = paths
			if slices.ContainsFunc(paths, func(p model.Path) bool { return p.Prefix == "/" && p.Kind == model.PathBegins }) {
				g.paths = nil // every path
			}
		case p.Exact != "":
			g.paths = []model.Path{{Prefix: p.Exact, Kind: model.PathExact}}
		case p.Prefix == "/":
			// every path
		default:
			g.paths = []model.Path{{Prefix: p.Prefix, Kind: model.PathBegins}}
		}
	}
	for _, hd := range c.Headers {
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
		refuse(src, "%s@internal is Traefik's own dashboard; HAProxy's equivalent is its stats page (%s ADDR, with %s)", name, model.OptionStats.Ref(), model.OptionStatsAuth.Ref())
	default:
		refuse(src, "%s@internal is a service of Traefik's own, with no HAProxy equivalent", name)
	}
}

// item is the route's router's item of the report: a router of the
// service's labels, or of the file provider (under the Traefik service).
func (rt *route) item(pr *project, st *serviceState) *reportItem {
	if rt.file {
		return pr.item(pr.traefik.Name, kindFileRouter, rt.router.Name)
	}
	return pr.item(st.svc.Name, kindRouter, rt.router.Name)
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

// claimTraefik reads the routers of the Traefik service's own labels: a
// router to ping@internal is HAProxy's own health endpoint; its dashboard
// and API, which HAProxy does not have, and a route to Traefik itself,
// which HAProxy replaces, are refused.
func (pr *project) claimTraefik(l model.Labels, ds *model.Diagnostics) model.Claim {
	svc := l.Service()
	labels := pr.labels(svc)
	tl, cds, err := pr.decode(svc)
	if err != nil || tl == nil {
		if err != nil {
			ds.Errorf(firstLabel(l, labels), "use fewer or shorter traefik.* labels", "%v", err)
		}
		tl = &config.Labels{}
	}
	provider := pr.provider(svc)
	if provider == nil && len(labels) > 0 {
		ds.Errorf(firstLabel(l, labels), "turn on Traefik's Docker provider (--providers.docker) or remove the traefik.* labels",
			"Traefik's service %s reads no Docker labels (no providers.docker or providers.swarm): these labels do nothing there", svc.Name)
	}
	for _, dg := range cds {
		if provider != nil { // else said above: Traefik reads none of them
			pr.report(ds, dg, sourceOf(svc, dg.Origin))
		}
	}
	if provider == nil || pr.leftOut(svc, tl, provider) != "" {
		if provider != nil {
			pr.leaveOut(svc, tl, pr.leftOut(svc, tl, provider))
		}
		tl = &config.Labels{} // Traefik skips its own container too
	}
	st := newServiceState(svc, tl)
	pr.services[svc.Name] = st
	tcp, _, _ := model.DeclaredPorts(svc)
	exposed := slices.Sorted(maps.Keys(tcp))
	ignored := pr.ignoredRouters(l, tl, ds)
	for _, rn := range slices.Sorted(maps.Keys(tl.HTTP.Routers)) {
		r := tl.HTTP.Routers[rn]
		it := pr.item(svc.Name, kindRouter, rn)
		if ignored[strings.ToLower(rn)] {
			it.Outcome, it.Detail = model.LeftOut, "named by "+ignoreKey
			continue
		}
		it.Detail = model.Printable(r.Rule.String())
		pr.nameMiddlewares(r.Middlewares.List(), "docker")
		from := len(*ds)
		sname := r.Service.String()
		i := strings.LastIndexByte(sname, '@')
		switch {
		case slices.ContainsFunc(pr.catchAlls, func(rd *redirect) bool { return rd.what == "router "+r.Name }):
			// A redirect of plain HTTP, applied to the routes it takes
			// (applyListeners).
		case i >= 0 && strings.EqualFold(sname, "ping@internal"):
			pr.claimRouter(st, r, nil, exposed, ds)
		case i >= 0 && strings.EqualFold(sname[i+1:], "internal"):
			pr.refuseInternal(r, sname[:i], sourceOf(svc, originOf(r.Service)), func(src model.Source, format string, args ...any) {
				ds.Errorf(src, fmt.Sprintf("leave the router out with %s: %s", ignoreKey, r.Name), "router %s: %s", r.Name, fmt.Sprintf(format, args...))
			})
		default:
			fix := fmt.Sprintf("leave the router out with %s: %s", ignoreKey, r.Name)
			if pr.redirectsScheme(r) {
				fix = "to redirect plain HTTP to https, give the router a rule of any host (HostRegexp(`{host:.+}`), or HostRegexp(`.+`) in v3), the HTTP entry point alone, no tls and the redirectScheme first, or set the entry point's http.redirections.entryPoint.to; or " + fix
			}
			ds.Errorf(sourceOf(svc, r.Node.Origin), fix, "router %s: it routes to the Traefik service itself, which HAProxy replaces", r.Name)
		}
		it.record(ds, from)
	}
	pr.eachTCPRouter(svc.Name, tl, ignored, ds, func(r *config.TCPRouter) {
		ds.Errorf(sourceOf(svc, r.Node.Origin), fmt.Sprintf("leave the router out with %s: %s", ignoreKey, r.Name),
			"TCP router %s: it routes to the Traefik service itself, which HAProxy replaces", r.Name)
	})
	pr.refuseUDP(st, ignored, ds)
	pr.claimFileRouters(st, true, exposed, ds)
	if len(st.ports) == 0 {
		// HAProxy replaces it: no port of its own is routed, not even by
		// --all (as HAProxy's own service and nginx-proxy's proxy).
		return model.Claim{Skip: exposed}
	}
	return st.claim(firstLabel(l, labels), exposed)
}
