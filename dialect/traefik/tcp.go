package traefik

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// tcpRoute is one TCP router on one entry point, as a TCP service of
// HAProxy: sni= (TLS passed through by server name) or tcp= (every
// connection of the port).
type tcpRoute struct {
	router  *config.TCPRouter
	variant string
	port    int // the container's port
	service *config.TCPService
	listen  int  // the entry point's port
	sni     bool // by server name; else every connection
	hosts   []string
	ruleSrc model.Source
	diffs   []string // how HAProxy differs, said as warnings
}

// claimTCPRouter converts one TCP router into TCP services, one per entry
// point; what it cannot convert is an error naming the router.
func (pr *project) claimTCPRouter(st *serviceState, r *config.TCPRouter, exposed []int, ds *model.Diagnostics) {
	svc := st.svc
	rsrc := sourceOf(svc, r.Node.Origin)
	refuse := func(src model.Source, format string, args ...any) {
		ds.Errorf(src, fmt.Sprintf("change it, or leave the router out with %s: %s", ignoreKey, r.Name), "TCP router %s: %s", r.Name, fmt.Sprintf(format, args...))
	}
	ruleSrc := nodeSource(svc, r.Rule)
	// Its service.
	sname := r.Service.String()
	if i := strings.LastIndexByte(sname, '@'); i >= 0 {
		switch provider := strings.ToLower(sname[i+1:]); provider {
		case "docker", "swarm":
			sname = sname[:i]
		default:
			refuse(sourceOf(svc, originOf(r.Service)), "service %s is from Traefik's %s provider, which is not converted for TCP routers", sname, provider)
			return
		}
	}
	var service *config.TCPService
	for n, s := range st.labels.TCP.Services {
		if strings.EqualFold(n, sname) {
			service = s
		}
	}
	if service == nil {
		refuse(sourceOf(svc, originOf(r.Service)), "TCP service %q is not defined by this container's labels", sname)
		return
	}
	if service.Other != nil || len(service.Servers) > 0 {
		refuse(sourceOf(svc, service.Node.Origin), "TCP service %s is not a load balancer of this container's port", service.Name)
		return
	}
	port, ok := config.ServerPort(service.Port, exposed)
	if !ok {
		refuse(rsrc, "TCP service %s has no loadbalancer.server.port and the container exposes no port: Traefik drops the container", service.Name)
		return
	}
	// Its rule: server names, or every connection.
	parsed, why, warn := pr.parseRule(r.Rule.String(), r.RuleSyntax, false, rule.TCP, "traefik.tcp.routers."+r.Name)
	if why != "" {
		refuse(ruleSrc, "%s", why)
		return
	}
	if warn != "" {
		ds.Warnf(ruleSrc, "", "TCP router %s: %s", r.Name, warn)
	}
	branches, err := parsed.Translate()
	if err != nil {
		refuse(ruleSrc, "rule: %v", err)
		return
	}
	var hosts []string
	every := false
	for _, c := range branches {
		switch {
		case len(c.ClientIP) > 0 || slices.ContainsFunc(c.Not, func(n rule.Cond) bool { return n.ClientIP != nil }):
			refuse(ruleSrc, "ClientIP() on a TCP router is not converted: HAProxy's tcp= and sni= services have no client address condition")
			return
		case len(c.ALPN) > 0 || len(c.Not) > 0 || len(c.Also) > 0:
			refuse(ruleSrc, "%s is not converted on a TCP router (HostSNI alone is)", strings.Join(c.Matchers, " && "))
			return
		case c.Host == nil:
			every = true
		case c.Host.Pattern != nil:
			refuse(ruleSrc, "%s", sniPatternWhy(c.Host))
			return
		default:
			hosts = append(hosts, c.Host.Names...)
		}
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	tls := r.TLS != nil
	passthrough := tls && r.TLS.Passthrough.Bool()
	tlsSrc := rsrc
	if tls {
		tlsSrc = sourceOf(svc, r.TLS.Node.Origin)
	}
	var diffs []string
	switch {
	case tls && !passthrough:
		refuse(tlsSrc, "Traefik terminates TLS here and forwards the decrypted stream; HAProxy's TCP services pass TLS through untouched: set tls.passthrough=true and let the server terminate it")
		return
	case !every && !tls:
		refuse(ruleSrc, "HostSNI with a name matches only TLS connections, and the router has no tls: Traefik never routes a connection to it; add tls.passthrough=true")
		return
	case every && passthrough:
		hosts = nil
		diffs = append(diffs, "HostSNI(`*`) with tls.passthrough takes the TLS connections of the entry point in Traefik, and HAProxy's tcp= service every connection, TLS or not")
	case every:
		hosts = nil
	}
	if tls {
		for _, n := range []*config.Node{r.TLS.CertResolver, r.TLS.Options} {
			if n.Set() {
				ds.Warnf(sourceOf(svc, n.Origin), "remove it", "TCP router %s: %s has no effect with tls.passthrough: the server's own certificate is what clients see", r.Name, n.Name)
			}
		}
		if len(r.TLS.Domains) > 0 {
			ds.Warnf(tlsSrc, "remove it", "TCP router %s: tls.domains have no effect with tls.passthrough: the server's own certificate is what clients see", r.Name)
		}
	}
	if n := r.Middlewares; len(n.List()) > 0 {
		pr.refuseTCPMiddlewares(n, sourceOf(svc, n.Origin), ds, refuse)
		return
	}
	// Its entry points: a listener of the port's own each.
	eps := r.EntryPoints.List()
	epSrc := sourceOf(svc, originOf(r.EntryPoints))
	if len(eps) == 0 {
		if pr.assumed {
			refuse(rsrc, "it names no entry point, and the project has no Traefik service to say which ports its entry points listen on")
			return
		}
		eps, epSrc = pr.static.DefaultEntryPoints(), rsrc
	}
	base := variantName(r.Name)
	for _, name := range eps {
		listen, why := pr.tcpEntryPoint(name)
		if why != "" {
			refuse(epSrc.WithItem(name), "%s", why)
			return
		}
		v := base + "-tcp"
		if len(eps) > 1 {
			v += "-" + variantName(name)
		}
		for st.routes[v] != nil || st.tcp[v] != nil {
			v += "-x"
		}
		st.tcp[v] = &tcpRoute{router: r, variant: v, port: port, service: service, listen: listen, sni: !every, hosts: hosts, ruleSrc: ruleSrc, diffs: diffs}
		st.ports[port] = append(st.ports[port], v)
	}
}

// sniPatternWhy says why a server name pattern is not converted.
func sniPatternWhy(h *rule.HostMatch) string {
	if h.Wildcard != "" {
		return fmt.Sprintf("the server name %s matches one label that may be empty in Traefik, and an sni= wildcard here one or more: not converted; list the names", h.Wildcard)
	}
	return fmt.Sprintf("HostSNIRegexp(%s) is not converted: list the names with HostSNI()", h.Pattern.Source)
}

// tcpEntryPoint is the port of a TCP router's entry point, or why it
// cannot be one of HAProxy's TCP listeners.
func (pr *project) tcpEntryPoint(name string) (int, string) {
	if pr.assumed {
		return 0, fmt.Sprintf("entry point %q: the project has no Traefik service (an image named traefik, or the label %s) to say which port it listens on", name, proxyKey)
	}
	ep, undefined := pr.entryPointNamed(name)
	switch {
	case ep == nil:
		return 0, undefined
	case ep.Protocol == "udp":
		return 0, "entry point " + name + " is UDP"
	case ep.Port == 0:
		return 0, "entry point " + name + " has no port this tool reads (see the error about its address)"
	case ep.Port == pr.httpPort:
		return 0, fmt.Sprintf("entry point %s is on port %d, HAProxy's HTTP listener, which takes every connection there; Traefik tries TCP routers before its HTTP ones: give the TCP router an entry point of its own port", name, ep.Port)
	case pr.tls && ep.Port == pr.httpsPort:
		return 0, fmt.Sprintf("entry point %s is on port %d, HAProxy's HTTPS listener, which terminates TLS for every connection there; Traefik picks TCP routers by server name first: give the TCP router an entry point of its own port, or run without an HTTPS listener on it", name, ep.Port)
	}
	return ep.Port, ""
}

// refuseTCPMiddlewares refuses a TCP router's middlewares: HAProxy's TCP
// services have no client address allow-list nor a per-client connection
// limit.
func (pr *project) refuseTCPMiddlewares(n *config.Node, src model.Source, ds *model.Diagnostics, refuse func(model.Source, string, ...any)) {
	for _, ref := range n.List() {
		name, _, _ := strings.Cut(ref, "@")
		def, ok := pr.tcpMiddleware[strings.ToLower(name)]
		if !ok {
			refuse(src.WithItem(ref), "TCP middleware %s is defined nowhere in the project: Traefik refuses the router; if it is an access control, the service would ship open", ref)
			continue
		}
		it := pr.item(def.service, kindTCPMiddleware, def.m.Name)
		it.used = true
		from := len(*ds)
		switch {
		case strings.EqualFold(def.m.Type, "ipAllowList") || strings.EqualFold(def.m.Type, "ipWhiteList"):
			refuse(src.WithItem(ref), "TCP middleware %s (%s): HAProxy's TCP services have no client address allow-list here; without it the service would ship open", ref, def.m.Type)
		default:
			refuse(src.WithItem(ref), "TCP middleware %s (%s) is not converted: HAProxy limits connections per server (maxconn=), not per client", ref, def.m.Type)
		}
		it.record(ds, from)
	}
}

// applyTCP applies a TCP route to its backend: sni= or tcp= on the entry
// point's port, its server names, and its TCP service's settings.
func (pr *project) applyTCP(a *model.Applier, st *serviceState, rt *tcpRoute) {
	ds := a.Diagnostics()
	defer pr.item(st.svc.Name, kindTCPRouter, rt.router.Name).record(ds, len(*ds))
	who := "traefik.tcp.routers." + rt.router.Name
	if rt.sni {
		a.Apply("sni", strconv.Itoa(rt.listen), rt.ruleSrc, who+".tls.passthrough")
		for _, h := range rt.hosts {
			a.Apply("server_alias", h, rt.ruleSrc.WithItem(h), who+".rule")
		}
	} else {
		a.Apply("tcp", strconv.Itoa(rt.listen), rt.ruleSrc, who+".rule")
	}
	for _, d := range rt.diffs {
		ds.Warnf(rt.ruleSrc, "", "TCP router %s: %s", rt.router.Name, d)
	}
	s := rt.service
	src := func(n *config.Node) model.Source { return sourceOf(st.svc, originOf(n)) }
	refuse := func(n *config.Node, format string, args ...any) {
		ds.Errorf(src(n), fmt.Sprintf("remove it, or leave the router out with %s: %s", ignoreKey, rt.router.Name), "TCP service %s: %s", s.Name, fmt.Sprintf(format, args...))
	}
	lb := s.Node.Child("loadBalancer")
	for _, n := range lb.Entries() {
		switch strings.ToLower(n.Name) {
		case "server":
			for _, k := range n.Entries() {
				switch strings.ToLower(k.Name) {
				case "port":
				case "tls":
					switch {
					case !k.Bool():
					case rt.sni:
						refuse(k, "server.tls would wrap the client's TLS, passed through by server name, in a second one")
					default:
						a.Apply("backend_tls", "", src(k), "loadbalancer.server.tls")
					}
				case "weight":
					ds.Warnf(src(k), "remove it", "TCP service %s: server.weight has no effect here: every replica of the container gets the same share", s.Name)
				default:
					refuse(k, "server.%s is not converted", k.Name)
				}
			}
		case "proxyprotocol":
			switch v := n.Child("version"); {
			case !v.Set() || v.Int() == 2:
				a.Apply("send_proxy", "", src(n), "loadbalancer.proxyprotocol")
			default:
				refuse(v, "PROXY protocol version %d is not converted: HAProxy sends version 2 (set version=2 if the server reads it)", v.Int())
			}
		case "terminationdelay":
			ds.Warnf(src(n), "remove it", "TCP service %s: terminationDelay is not carried over: HAProxy closes both sides as each ends", s.Name)
		default:
			refuse(n, "%s is not converted", n.Name)
		}
	}
}
