package model

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// buildService returns one backend per routed port of svc.
func buildService(svc *Service, opts Options, domains []Host, secrets map[string]*Secret, ds *Diagnostics) []Backend {
	l := Labels{svc}
	lintKeys(l, opts.Dialects, ds)
	var said Diagnostics // the claims' problems, dropped when one leaves the service out
	claims := make([]Claim, len(opts.Dialects))
	for i, d := range opts.Dialects {
		if claims[i] = d.Claim(l, &said); claims[i].Ignore {
			return nil
		}
	}
	*ds = append(*ds, said...)
	ports, routed := routedPorts(svc, claims, opts.All, ds)
	if !routed {
		return nil
	}
	if len(ports) > MaxPorts {
		ds.Errorf(Source{Service: svc.Name}, "route fewer ports: SERVICE_<port>_IGNORE, or name them in SERVICE_<port>_NAME without "+OptionAll.Ref(),
			"%s routes %d ports; the limit is %d", svc.Name, len(ports), MaxPorts)
		return nil
	}
	if prob := checkServiceName(svc.Name); prob != "" {
		ds.Errorf(Source{Service: svc.Name, Key: "service", Value: svc.Name, From: "compose"},
			"rename the service to letters, digits, '-' and '_'; SERVICE_NAME sets the host it is routed as",
			"compose service name %s", prob)
		return nil
	}
	named := slices.ContainsFunc(claims, func(c Claim) bool { return c.Named })
	asked := slices.ContainsFunc(claims, func(c Claim) bool { return c.Route })
	var out []Backend
	for _, port := range ports {
		for _, variant := range variants(claims, port) {
			r := route{l: l, port: port, several: len(ports) > 1, claims: claims, nameHosts: named || !asked, secrets: secrets, variant: variant}
			if bs := r.buildAll(opts, ds, domains); out == nil {
				out = bs // one port and route: no copy
			} else {
				out = append(out, bs...)
			}
		}
	}
	return out
}

// variants are the routes a port is built as (Claim.Routes): "" alone
// when no dialect asks for several.
func variants(claims []Claim, port int) []string {
	var vs []string
	for _, c := range claims {
		vs = append(vs, c.Routes[port]...)
	}
	if len(vs) == 0 {
		return []string{""}
	}
	slices.Sort(vs)
	return slices.Compact(vs)
}

// buildAll builds the route's backend and those the claims derive from it.
func (r route) buildAll(opts Options, ds *Diagnostics, domains []Host) []Backend {
	b, ok := r.build(opts, domains, ds)
	var derived []Backend // their problems do not take b out
	for _, c := range r.claims {
		if c.Derive != nil {
			if d, ok := c.Derive(b, opts.usesHTTPS(), ds); ok {
				derived = append(derived, d)
			}
		}
	}
	if !ok {
		return nil
	}
	return append([]Backend{b}, derived...)
}

// DeclaredPorts are the ports svc declares (ports:, expose:): TCP ones,
// others (udp, sctp), which are never routed, and numbers that are no
// port.
func DeclaredPorts(svc *Service) (tcp, udp map[int]bool, bad []int) {
	tcp, udp = map[int]bool{}, map[int]bool{}
	for _, p := range slices.Concat(svc.Ports, svc.Expose) {
		if p.Number < 1 || p.Number > 65535 {
			bad = append(bad, p.Number)
			continue
		}
		if p.Protocol == "" || p.Protocol == "tcp" {
			tcp[p.Number] = true
		} else {
			udp[p.Number] = true
		}
	}
	return tcp, udp, bad
}

// routedPorts decides whether svc is routed, by a dialect's claim or by
// --all, and on which TCP ports.
func routedPorts(svc *Service, claims []Claim, all bool, ds *Diagnostics) (ports []int, routed bool) {
	// asker is what asks to route the service: the claim that names it,
	// else the first that routes it.
	asker := slices.IndexFunc(claims, func(c Claim) bool { return c.Named })
	if asker < 0 {
		asker = slices.IndexFunc(claims, func(c Claim) bool { return c.Route })
	}
	tcp, udp, bad := DeclaredPorts(svc)
	// --all leaves out the proxy itself: routing it to itself is a loop.
	if asker < 0 && !(all && len(tcp) > 0 && !isProxy(svc)) {
		return nil, false
	}
	for _, n := range bad {
		ds.Errorf(Source{Service: svc.Name, Key: "ports", Value: strconv.Itoa(n), From: "compose"},
			"use the container port, from 1 to 65535", "%d is not a TCP port", n)
	}
	if i := slices.IndexFunc(claims, func(c Claim) bool { return c.Port != 0 }); i >= 0 {
		return []int{claims[i].Port}, true
	}
	for _, c := range claims {
		*ds = append(*ds, c.PortProblems...)
		for _, p := range c.Add {
			tcp[p] = true
		}
	}
	skipped := func(p int) bool {
		return slices.ContainsFunc(claims, func(c Claim) bool { return slices.Contains(c.Skip, p) })
	}
	for _, p := range slices.Sorted(maps.Keys(tcp)) {
		if !skipped(p) {
			ports = append(ports, p)
			if asker < 0 {
				lintWellKnownPort(svc, p, ds)
			}
		}
	}
	switch {
	case len(tcp) > 0:
		return ports, true
	case len(udp) > 0:
		src := claims[asker].Source
		ds.Errorf(src, "publish a TCP port, or remove "+src.Key,
			"service %s publishes only UDP ports (%s), which compose2haproxy does not route", svc.Name, joinInts(slices.Sorted(maps.Keys(udp))))
		return nil, false
	default:
		ds.Warnf(Source{Service: svc.Name}, "declare the port with ports:, expose: or SERVICE_<port>_NAME",
			"no port declared; routing to port 80")
		return []int{80}, true
	}
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// route is one routed port of a service while its backend is built.
type route struct {
	l         Labels
	port      int
	several   bool // the service has several routed ports
	claims    []Claim
	nameHosts bool // the routed name is a host: a dialect names it, or none routes it (--all)
	secrets   map[string]*Secret
	variant   string // one of the port's routes (Claim.Routes); "" when it has one
}

func (r route) build(opts Options, domains []Host, ds *Diagnostics) (Backend, bool) {
	svc := r.l.svc
	name, nameSrc, ok := r.routedName(opts.ProdLine, ds)
	if !ok {
		return Backend{}, false
	}
	b := Backend{
		Name:    name,
		Service: svc.Name,
		Port:    r.port,
		Variant: r.variant,
		Balance: DefaultBalance,
		Servers: Servers{Service: svc.Name, Prefix: svc.Name + "-", Address: svc.Name, Port: r.port, Slots: opts.Slots,
			Source: OptionSlots.source(strconv.Itoa(opts.Slots))},
	}
	if want := svc.Replicas * max(opts.perReplica, 1); want > opts.Slots {
		// Twice the replicas only up to MaxSlots: the cap's warning is
		// for replicas that do not fit.
		b.Servers.Slots = min(want, max(svc.Replicas, MaxSlots))
		b.Servers.Source = Source{Service: svc.Name, Key: "replicas", Value: strconv.Itoa(svc.Replicas), From: "compose"}
	}
	if b.Servers.Slots > MaxSlots {
		ds.Warnf(b.Servers.Source, "use a slots= tag to choose a size",
			"server-template capped at %d slots (HAProxy's start-up slows with every slot)", MaxSlots)
		b.Servers.Slots = MaxSlots
	}
	if opts.Swarm {
		b.Servers.Address = "tasks." + svc.Name
	}
	// A service that dialects route and none names answers on the hosts
	// its settings give, or on any host (docker-flow-proxy's way);
	// otherwise on its name.
	if r.nameHosts {
		b.Hosts = append(b.Hosts, Host{Name: name, Source: nameSrc})
		for _, d := range domains {
			b.Hosts = append(b.Hosts, Host{Name: name + "." + d.Name, Source: nameSrc})
		}
	}

	errs := len(*ds)
	a := newApplier(&b, r.l, r.secrets, ds)
	for _, d := range opts.Dialects {
		d.Apply(a, r.port)
	}
	a.applyHeaderLabels(r.l)
	a.applyTags()
	finishPolicy(&b.Policy, ds)
	a.checkTraffic()
	if b.Servers.TLS != "" {
		// The service's own name, or the host it is reached at
		// (outboundHostname); lower-cased, as hosts are: a compose service
		// may be "Web", and server names compare in any case.
		b.Servers.SNI = strings.ToLower(strings.TrimPrefix(b.Servers.Address, "tasks."))
	}
	a.finishCheck()
	b.Canonical = canonicalHost(b, domains, a.canonical)
	r.checkKind(a, opts.usesHTTPS())
	for _, f := range a.finally {
		f()
	}

	sortHosts(b.Hosts)
	b.Hosts = slices.CompactFunc(b.Hosts, func(a, b Host) bool { return a.Name == b.Name })
	sortHosts(b.Redirects)
	b.Redirects = slices.CompactFunc(b.Redirects, func(a, b Host) bool { return a.Name == b.Name })
	slices.SortFunc(b.Paths, func(x, y Path) int {
		return cmp.Or(cmp.Compare(len(y.Prefix), len(x.Prefix)), cmp.Compare(x.Prefix, y.Prefix), cmp.Compare(x.Kind.order(), y.Kind.order()))
	})
	b.Paths = slices.CompactFunc(b.Paths, func(a, b Path) bool { return a.Prefix == b.Prefix && a.Kind == b.Kind })
	return b, !Diagnostics((*ds)[errs:]).HasErrors()
}

// canonicalHost is where redirects lead (see Backend.Canonical). It is
// computed before hosts are sorted, so "first" means first as written.
func canonicalHost(b Backend, domains []Host, preferred string) string {
	switch {
	case preferred != "":
		return preferred
	case len(b.Hosts) == 0:
		return ""
	case len(domains) > 0:
		return b.Name + "." + domains[0].Name
	}
	for _, h := range b.Hosts {
		if !h.Wildcard() && h.Name != b.Name { // not the routed name's host
			return h.Name
		}
	}
	if b.Hosts[0].Wildcard() {
		return ""
	}
	return b.Hosts[0].Name
}

// checkKind reports settings that the kind of route cannot honour: HTTP
// features on a TCP service, https without TLS, a route on any host
// without a path or a host to redirect to.
func (r route) checkKind(a *Applier, tls bool) {
	b, ds := a.b, a.ds
	if b.TCPPort == 0 {
		for _, s := range a.tcp {
			ds.Errorf(s.src, "remove it, or make the service a TCP service (tcp=PORT, or com.df.reqMode: tcp)", "%s applies to a TCP service's own listener; an HTTP service shares the HTTP frontend", s.value)
		}
	}
	if b.TCPPort != 0 {
		kind := b.TCPKind()
		notHTTP := a.http
		if !b.SNI { // an sni= service's aliases are its server names
			notHTTP = slices.Concat(a.http, a.aliases)
		}
		for _, s := range notHTTP {
			ds.Errorf(s.src, "remove it, or drop "+b.TCPTag()+"= to route HTTP", "%s does not apply to a TCP service (%s): HAProxy sees no HTTP there", s.value, kind)
		}
		if b.Check.HTTPPath != "" {
			ds.Errorf(b.Check.Sources[0], "remove it: a TCP service is checked by connecting",
				"an HTTP check on a TCP service (%s) fails on every server, which HAProxy then takes out", kind)
		}
		if algo, _ := findBalance(b.Balance); algo.http {
			// HAProxy would fall back to roundrobin, with a warning.
			ds.Errorf(a.set["balance"].src, "use "+orList(balanceNames(false, func(s string) string { return s })),
				"balance %s needs HTTP, but the service is a TCP service (%s)", b.Balance, kind)
		}
		if b.SNI {
			a.checkSNI()
		}
		return
	}
	checkStripRegex(b, ds)
	if !tls {
		for _, n := range a.https {
			NoHTTPS(ds, n.src, n.what, n.why)
		}
	}
	if b.Canonical == "" && len(b.Redirects) > 0 {
		ds.Errorf(b.Redirects[0].Source, "add a host that is not a wildcard (com.df.serviceDomain or server_alias) to redirect to", "there is no host to redirect to")
	}
}

// routedName is the name a port is routed under: the port's own name
// from a dialect (SERVICE_<port>_NAME), else the service's
// (SERVICE_NAME), else the compose name, those two with "-<port>" when
// the service has several ports; "_" become "." and the production line
// is appended.
func (r route) routedName(line string, ds *Diagnostics) (string, Source, bool) {
	var v *Value
	for _, c := range r.claims {
		if pv, ok := c.PortNames[r.port]; ok {
			v = &pv
			break
		}
	}
	if v == nil {
		v = &Value{Raw: r.l.svc.Name, Source: Source{Service: r.l.svc.Name, Key: "service", Value: r.l.svc.Name, From: "compose"}}
		if i := slices.IndexFunc(r.claims, func(c Claim) bool { return c.Name != nil }); i >= 0 {
			v = r.claims[i].Name
		}
		if r.several {
			v = &Value{Raw: v.Raw + "-" + strconv.Itoa(r.port), Source: v.Source}
		}
	}
	raw, src := v.Raw, v.Source
	// Checked before case folding: strings.ToLower turns the Kelvin sign into k.
	unsafe := UnsafeChar(raw)
	name := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(raw), "_", "."))
	if line != "" && name != line && !strings.HasSuffix(name, "."+line) {
		name += "." + line
	}
	prob := unsafe
	if prob == "" {
		prob = checkHost(name, false)
	}
	if prob != "" {
		if name == "" || strings.Trim(name, ".") == "" {
			prob = "gives an empty host name"
		} else if unsafe == "" && UnsafeChar(name) == "" {
			prob = fmt.Sprintf("gives the host %q, which %s", name, prob)
		}
		ds.Errorf(src, "use letters, digits, '-' and '_', which becomes '.', like www_hello", "service name %s", prob)
		return "", src, false
	}
	return name, src, true
}

// checkSNI reports what an sni= service cannot have: tcp= besides, the
// settings of a listener of its own (it shares its port's), or no host
// for a server name to match.
func (a *Applier) checkSNI() {
	b, ds := a.b, a.ds
	if tcp, ok := a.set["tcp"]; ok {
		ds.Errorf(tcp.src, "keep one of them", "tcp= and sni= both give the service a TCP listener: tcp= its own, sni= one shared by server name")
	}
	for _, s := range a.tcp {
		ds.Errorf(s.src, "remove it, or use tcp= for a listener of the service's own", "%s applies to a TCP service's own listener, and the sni= services of a port share theirs", s.value)
	}
	if len(b.Hosts) == 0 {
		ds.Errorf(a.set["sni"].src, "give it a host: SERVICE_NAME, server_alias or com.df.serviceDomain", "an sni= service needs a host for the server name of a TLS hello to match")
	}
	if s, ok := a.set["backend_tls"]; ok {
		ds.Errorf(s.src, "remove it: the client's TLS reaches the servers as it is", "backend_tls would wrap the client's TLS, passed through by sni=, in a second one")
	}
}

// tcpTag is the tag that made b a TCP service: tcp or sni.
func (b *Backend) TCPTag() string {
	if b.SNI {
		return "sni"
	}
	return "tcp"
}

// tcpKind is that tag with its port, as written: tcp=5432.
func (b *Backend) TCPKind() string { return fmt.Sprintf("%s=%d", b.TCPTag(), b.TCPPort) }
