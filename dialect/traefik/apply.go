package traefik

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Apply applies one route (a router, or a branch of its rule) to its
// backend: hosts, paths and conditions from the rule, listeners from the
// entry points, the service's settings and the middlewares.
func (d Dialect) Apply(a *model.Applier, port int) {
	if d.p == nil {
		return
	}
	b := a.Backend()
	st := d.p.services[b.Service]
	if st == nil {
		return
	}
	if t := st.tcp[a.Variant()]; t != nil && t.port == port {
		d.p.applyTCP(a, st, t)
		return
	}
	rt := st.routes[a.Variant()]
	if rt == nil || rt.port != port {
		return
	}
	ds := a.Diagnostics()
	defer rt.item(d.p, st).record(ds, len(*ds))
	who := "traefik.http.routers." + rt.router.Name + ".rule"
	for _, h := range rt.hosts {
		a.Apply("server_alias", h, rt.ruleSrc.WithItem(h), who)
	}
	for _, p := range rt.paths {
		if !model.PathChars(p.Prefix) {
			ds.Errorf(rt.ruleSrc, "use paths of letters, digits and / . _ ~ - only, or leave the router out with "+rt.outHint,
				"router %s: path %s is not converted (characters HAProxy's path match would read differently)", rt.router.Name, model.Printable(p.Prefix))
			continue
		}
		b.Paths = append(b.Paths, p)
		a.HTTPOnly(who, rt.ruleSrc)
	}
	for _, h := range rt.headers {
		a.Apply("match_header", h.Name+":"+h.Value, rt.ruleSrc.WithItem(h.Name), who)
	}
	d.p.applyConditions(a, rt, who)
	d.p.applyListeners(a, rt)
	d.p.applyCertResolver(a, st, rt)
	if rt.answer {
		applyPing(a, rt)
	} else {
		d.p.applyService(a, st, rt)
	}
	refs := append(append([]mwRef(nil), rt.epMiddlewares...), routerMiddlewares(st, rt)...)
	refs = append(refs, d.p.serviceMiddlewares(a, st, rt)...)
	c := &mwContext{a: a, p: d.p, st: st, rt: rt, seen: map[string]bool{}}
	for _, ref := range refs {
		c.apply(ref, 0)
	}
	c.placeRedirects()
}

// applyConditions puts the rule's methods, query parameters, client
// networks and negations on the backend's Match.
func (pr *project) applyConditions(a *model.Applier, rt *route, who string) {
	c := rt.cond
	if c == nil {
		return
	}
	ds := a.Diagnostics()
	if (len(c.Clients) > 0 || c.Not != nil && len(c.Not.Clients) > 0) && pr.trusted {
		ds.Errorf(rt.ruleSrc, "leave the router out with "+rt.outHint+", or run without "+model.OptionTrustedProxies.Ref(),
			"router %s: ClientIP() tests the connection's address in Traefik; with trusted proxies HAProxy's client address comes from X-Forwarded-For: not converted", rt.router.Name)
		return
	}
	set := func(m *model.Conditions) {
		for i := range m.Queries {
			m.Queries[i].Source = rt.ruleSrc.WithItem(m.Queries[i].Key)
		}
		for i := range m.Clients {
			m.Clients[i].Source = rt.ruleSrc.WithItem(m.Clients[i].CIDR)
		}
		for i := range m.Headers {
			m.Headers[i].Source = rt.ruleSrc.WithItem(m.Headers[i].Name)
		}
	}
	m := a.Backend().Matching()
	own := model.Conditions{Queries: c.Queries, Clients: c.Clients}
	set(&own)
	m.Methods = append(m.Methods, c.Methods...)
	m.Queries = append(m.Queries, c.Queries...)
	m.Clients = append(m.Clients, c.Clients...)
	if c.Not != nil {
		set(c.Not)
		m.Not = c.Not
	}
	a.HTTPOnly(who, rt.ruleSrc)
	for _, d := range rt.diffs {
		ds.Warnf(rt.ruleSrc, "", "router %s: %s", rt.router.Name, d)
	}
}

// routerMiddlewares are the middlewares a router names.
func routerMiddlewares(st *serviceState, rt *route) []mwRef {
	var out []mwRef
	n := rt.router.Middlewares
	for _, m := range n.List() {
		out = append(out, mwRef{name: m, src: nodeSource(st.svc, n).WithItem(m), provider: rt.provider})
	}
	return out
}

// serviceMiddlewares are the middlewares of the router's service
// (Traefik v3.7), which every request of the service gets after its
// router's; a name without @provider is the service's provider's.
func (pr *project) serviceMiddlewares(a *model.Applier, st *serviceState, rt *route) []mwRef {
	s := rt.service
	if s == nil || !s.Middlewares.Set() {
		return nil
	}
	n := s.Middlewares
	src := nodeSource(st.svc, n)
	provider := "file"
	if s.Node.Origin.Source == "label" {
		provider = "docker"
	}
	if pr.traefik != nil {
		if major, minor := imageVersion(pr.traefik.Image); major == 2 || major == 3 && minor >= 0 && minor < 7 {
			a.Diagnostics().Warnf(src, "run Traefik v3.7 or later, or name them in the routers' middlewares",
				"service %s: service middlewares are Traefik v3.7's: Traefik of the image %s does not read them, and skips the container's labels (an unknown key); converted as v3.7 does", s.Name, pr.traefik.Image)
		}
	}
	var out []mwRef
	for _, m := range n.List() {
		out = append(out, mwRef{name: m, src: src.WithItem(m), provider: provider})
	}
	return out
}

// applyListeners turns the router's entry points into the model's
// listeners: the shared ones, taking only the plain or only the TLS
// requests when the router takes only those, or a listener of its own.
func (pr *project) applyListeners(a *model.Applier, rt *route) {
	b := a.Backend()
	for _, l := range rt.listeners {
		if !l.shared {
			m := b.Matching()
			m.Listeners = append(m.Listeners, model.Listener{Port: l.port, TLS: l.routerTLS, Source: rt.ruleSrc})
		}
	}
	if !rt.plain && !rt.secure {
		return
	}
	rd, why := pr.redirectOf(rt)
	if why != "" {
		a.Diagnostics().Errorf(rt.ruleSrc, "leave the router out with "+rt.outHint, "router %s: %s", rt.router.Name, why)
		return
	}
	if rd != nil && pr.redirectConverts(a.Diagnostics(), rd) {
		// Its plain requests are redirected before the router sees them
		// (every one, for an entry point's): the route serves HTTPS, and
		// plain HTTP is redirected to it.
		who := rd.what
		if rd.ep != nil {
			who += " redirections"
		}
		a.Apply("https_only", "", rd.src, who)
		b.HTTPSRedirectTemporary = !rd.permanent
		rt.redirected = true
		if !rt.secure {
			// Redirected to an HTTPS the router does not answer: a 404
			// there, as from Traefik.
			b.Matching().Plain = true
			a.Diagnostics().Warnf(rt.ruleSrc, "put the router on the HTTPS entry point, or leave it out with "+rt.outHint,
				"router %s takes only plain HTTP, and %s redirects its plain requests to https before any router of a lower priority sees them: Traefik never sends it a request; here its requests are redirected too, and HTTPS answers 404", rt.router.Name, rd.what)
		}
		return
	}
	switch {
	case rt.secure && !rt.plain:
		b.Matching().TLS = true
	case rt.plain && !rt.secure && pr.tls:
		b.Matching().Plain = true
	}
}

// redirectConverts reports whether HAProxy can redirect as rd does: to
// its HTTPS listener; what it cannot is an error.
func (pr *project) redirectConverts(ds *model.Diagnostics, rd *redirect) bool {
	if rd.ep == nil {
		if !pr.tls {
			ds.Errorf(rd.src, "run with "+model.OptionCerts.Ref()+" DIR (the certificates of the HTTPS listener)", "%s redirects plain HTTP to https, and there is no HTTPS listener", rd.what)
			return false
		}
		return true
	}
	ep := rd.ep
	to := ep.Redirect.To.String()
	target, _ := pr.entryPointNamed(to)
	switch {
	case !strings.EqualFold(ep.Redirect.Scheme.String(), "https"):
		ds.Errorf(rd.src, "redirect to https", "entry point %s redirects to scheme %s, which is not converted", ep.Name, ep.Redirect.Scheme.String())
		return false
	case target == nil || !pr.tls || target.Port != pr.httpsPort:
		ds.Errorf(rd.src, "run with "+model.OptionCerts.Ref()+" DIR and "+model.OptionHTTPS.Ref()+" on the port of the entry point it redirects to",
			"entry point %s redirects to %s, which is not the HTTPS listener", ep.Name, to)
		return false
	}
	return true
}

// applyCertResolver: a router's tls.certresolver (or its entry point's
// http.tls.certResolver) gets its certificates by ACME; with
// --acme-directory HAProxy does too (the acme tag), else the certificates
// come from --tls.
func (pr *project) applyCertResolver(a *model.Applier, st *serviceState, rt *route) {
	var n, domains *config.Node
	if t := rt.router.TLS; t != nil {
		n = t.CertResolver
		if len(t.Domains) > 0 {
			domains = t.Domains[0].Main
		}
	}
	src := nodeSource(st.svc, n)
	for _, l := range rt.listeners {
		if !n.Set() && l.ep != nil && l.ep.TLS != nil && l.ep.TLS.CertResolver.Set() {
			n, src = l.ep.TLS.CertResolver, pr.staticSource(l.ep.TLS.CertResolver.Origin)
		}
	}
	if !n.Set() || !pr.acme {
		return // certificates from --tls, as the table says
	}
	a.Apply("acme", "", src, "tls.certresolver")
	if domains.Set() {
		a.Diagnostics().Warnf(nodeSource(st.svc, domains), "", "router %s: tls.domains are not used: HAProxy gets a certificate for each host of the route", rt.router.Name)
	}
}

// applyPing makes the backend Traefik's ping: HAProxy answers GET and
// HEAD with 200 OK itself (other methods get 405, as from Traefik).
func applyPing(a *model.Applier, rt *route) {
	src := sourceOf(a.Labels().Service(), originOf(rt.router.Service))
	a.Backend().Answer = &model.Answer{Status: 200, Body: "OK", Source: src}
	a.HTTPOnly("ping@internal", src)
	a.Apply("method", "GET", src, "ping@internal")
}

// cookieName is what a sticky cookie's name may be: a token HAProxy's
// cookie directive takes as one word.
var cookieName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// applyService applies the router's Traefik service: its port is the
// backend's; scheme, sticky cookie, health check and the rest.
func (pr *project) applyService(a *model.Applier, st *serviceState, rt *route) {
	s := rt.service
	ds := a.Diagnostics()
	src := func(n *config.Node) model.Source { return sourceOf(st.svc, originOf(n)) }
	refuse := func(n *config.Node, format string, args ...any) {
		ds.Errorf(src(n), "remove it, or leave the router out with "+rt.outHint, "service %s: %s", s.Name, fmt.Sprintf(format, args...))
	}
	scheme, schemeNode := s.Scheme.String(), s.Scheme
	if rt.scheme != nil { // a file service's server url
		scheme, _, _ = strings.Cut(rt.scheme.String(), "://")
		schemeNode = rt.scheme
	}
	tls := strings.EqualFold(scheme, "https")
	if tls || s.ServersTransport.Set() {
		tr := pr.serversTransport(s, rt.provider)
		tsrc := src(s.ServersTransport)
		if !s.ServersTransport.Set() { // the static configuration's
			tsrc = pr.staticSource(originOf(tr.insecure))
		}
		if v := applyTransport(a, tr, src, tls, refuse); v != "" {
			a.Apply("backend_tls", v, tsrc, tr.where)
			tls = false
		}
	}
	switch strings.ToLower(scheme) {
	case "", "http":
	case "https":
		if tls {
			a.Apply("backend_tls", "", src(schemeNode), "loadbalancer.server.scheme")
		}
	case "h2c":
		a.Apply("proto", "h2", src(schemeNode), "loadbalancer.server.scheme")
	default:
		refuse(schemeNode, "scheme %s is not http, https or h2c", model.Printable(scheme))
	}
	if s.PassHostHeader.Set() && !s.PassHostHeader.Bool() {
		refuse(s.PassHostHeader, "passhostheader=false (sending the server's address as Host) is not converted")
	}
	if v := strings.ToLower(s.Strategy.String()); v != "" && v != "wrr" {
		refuse(s.Strategy, "strategy %s is not converted (HAProxy balances round robin)", model.Printable(s.Strategy.String()))
	}
	// The keys without HAProxy meaning here, said rather than dropped.
	lb := s.Node.Child("loadBalancer")
	for _, n := range []*config.Node{lb.Lookup("server.weight"), lb.Lookup("server.preservePath"), lb.Child("passiveHealthCheck"), lb.Child("responseForwarding")} {
		if n.Set() {
			ds.Warnf(src(n), "remove it", "service %s: %s is not carried over: %s", s.Name, n.Name, map[string]string{
				"weight":             "every replica of the container gets the same share, in Traefik too",
				"preservePath":       "it means something only with a server url, which is not converted",
				"passiveHealthCheck": "HAProxy takes servers out by its active checks",
				"responseForwarding": "HAProxy passes responses on as they come",
			}[n.Name])
		}
	}
	if sc := s.Sticky; sc != nil {
		a.Apply("sticky_session", "", src(sc.Node), "loadbalancer.sticky")
		ck := &model.Cookie{Secure: sc.Secure.Bool(), HTTPOnly: sc.HTTPOnly.Bool(), Source: src(sc.Node)}
		if n := sc.Name; n.Set() {
			if !cookieName.MatchString(n.String()) {
				refuse(n, "sticky.cookie.name %s: letters, digits, '-' and '_' are converted", model.Printable(n.String()))
			}
			ck.Name = n.String()
		}
		if n := sc.SameSite; n.Set() {
			ck.SameSite = strings.ToUpper(n.String()[:1]) + strings.ToLower(n.String()[1:]) // Lax, Strict, None
		}
		if ck.Name != "" || ck.Secure || ck.HTTPOnly || ck.SameSite != "" {
			a.Backend().StickyCookie = ck
		}
		for _, n := range []*config.Node{sc.MaxAge, sc.Path, sc.Domain} {
			if n.Set() {
				ds.Warnf(src(n), "", "HAProxy's sticky cookie lasts the browser's session, on every path of the host: this setting of Traefik's cookie is not carried over")
			}
		}
	}
	if hc := s.HealthCheck; hc != nil {
		if hc.Path.Set() {
			a.CheckHTTP(hc.Path.String(), src(hc.Path), "loadbalancer.healthcheck.path")
		}
		if hc.Interval.Set() {
			a.CheckTimer(&a.Backend().Check.Interval, hc.Interval.Duration().String(), src(hc.Interval))
		}
		if hc.Timeout.Set() {
			a.CheckTimer(&a.Backend().Check.Timeout, hc.Timeout.Duration().String(), src(hc.Timeout))
		}
		if n := hc.Port; n.Set() {
			a.Backend().Check.Port = int(n.Int()) // over TLS when the servers speak it, as Traefik's default scheme
		}
		if n := hc.Scheme; n.Set() && (strings.EqualFold(n.String(), "https") != strings.EqualFold(scheme, "https") || strings.EqualFold(n.String(), "h2c")) {
			refuse(n, "healthcheck.scheme %s differs from the servers' (%s): HAProxy checks them the way it talks to them", n.String(), cmp.Or(scheme, "http"))
		}
		for _, n := range []*config.Node{hc.Hostname, hc.Method, hc.Status, hc.Mode, hc.FollowRedirects, hc.Headers, hc.UnhealthyInterval} {
			if n.Set() {
				refuse(n, "healthcheck.%s is not converted: HAProxy checks GET PATH on the server's port and expects 2xx", strings.ToLower(n.Name))
			}
		}
	}
}
