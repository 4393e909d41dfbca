package model

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// unsupportedKeys are registrator keys for checks HAProxy cannot run.
var unsupportedKeys = []string{"SERVICE_CHECK_SCRIPT", "SERVICE_CHECK_TTL", "SERVICE_CHECK_CMD", "SERVICE_CHECK_HTTPS"}

// buildService returns one backend per routed port of svc.
func buildService(svc *Service, opts Options, domains []Host, secrets map[string]*Secret, ds *Diagnostics) []Backend {
	l := labels{svc}
	lintKeys(l, ds)
	if ignored, _ := l.flag("SERVICE_IGNORE"); ignored {
		return nil
	}
	for _, k := range unsupportedKeys {
		if _, src, ok := l.get(k); ok {
			ds.warnf(src, "use SERVICE_CHECK_HTTP or SERVICE_CHECK_TCP", "HAProxy cannot run this check; it is ignored")
		}
	}
	df := readDockerFlow(l, ds)
	ports, named, routed := routedPorts(l, opts.All, df, ds)
	if !routed {
		return nil
	}
	if len(ports) > MaxPorts {
		ds.errorf(Source{Service: svc.Name}, "route fewer ports: SERVICE_<port>_IGNORE, or name them in SERVICE_<port>_NAME without --all",
			"%s routes %d ports; the limit is %d", svc.Name, len(ports), MaxPorts)
		return nil
	}
	if prob := checkServiceName(svc.Name); prob != "" {
		ds.errorf(Source{Service: svc.Name, Key: "service", Value: svc.Name, From: "compose"},
			"rename the service to letters, digits, '-' and '_'; SERVICE_NAME sets the host it is routed as",
			"compose service name %s", prob)
		return nil
	}
	var out []Backend
	for _, port := range ports {
		r := route{l: l, port: port, several: len(ports) > 1, named: named, df: df, secrets: secrets}
		b, ok := r.build(opts, domains, ds)
		t, twin := httpsTwin(b, l, opts.Listen.Certs != "", ds)
		if ok {
			out = append(out, b)
		}
		if ok && twin {
			out = append(out, t)
		}
	}
	return out
}

// routedPorts decides whether svc is routed and on which TCP ports, and
// whether it is named by registrator keys (or only by com.df.* labels or
// --all).
func routedPorts(l labels, all bool, df dockerFlow, ds *Diagnostics) (ports []int, named, routed bool) {
	_, nameSrc, named := l.get("SERVICE_NAME")
	l.paddedPortKeys(ds)
	byKey := l.portKeys()
	for p := range byKey {
		if _, _, ok := l.get("SERVICE_" + strconv.Itoa(p) + "_NAME"); ok {
			named = true
		}
	}
	if df.notify && !named {
		_, nameSrc, _ = l.get("com.df.notify")
	}

	// udp holds every non-TCP port (udp, sctp): none is routed.
	tcp, udp := map[int]bool{}, map[int]bool{}
	var bad []int // not ports; reported once the service is known to be routed
	for _, p := range slices.Concat(l.svc.Ports, l.svc.Expose) {
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
	// --all leaves out the proxy itself: routing it to itself is a loop.
	if !named && !df.notify && !(all && len(tcp) > 0 && !isProxy(l.svc)) {
		return nil, false, false
	}
	for _, n := range bad {
		ds.errorf(Source{Service: l.svc.Name, Key: "ports", Value: strconv.Itoa(n), From: "compose"},
			"use the container port, from 1 to 65535", "%d is not a TCP port", n)
	}
	if df.port != 0 {
		// docker-flow-proxy routes the one port it is told.
		return []int{df.port}, named, true
	}
	for p, src := range byKey {
		if p < 1 || p > 65535 {
			ds.errorf(src, "use the container port, from 1 to 65535", "%d is not a TCP port", p)
			continue
		}
		if ignored, _ := l.flag("SERVICE_" + strconv.Itoa(p) + "_IGNORE"); ignored && udp[p] && !tcp[p] {
			continue // asks for what happens anyway
		}
		if udp[p] && !tcp[p] {
			ds.errorf(src, fmt.Sprintf("publish %d/tcp, or remove the SERVICE_%d_* keys", p, p),
				"port %d is declared only as UDP, which compose2haproxy does not route", p)
			continue
		}
		tcp[p] = true
	}

	for _, p := range slices.Sorted(maps.Keys(tcp)) {
		// Only a port with SERVICE_<port>_* keys can have an _IGNORE one.
		if _, keyed := byKey[p]; keyed {
			if ignored, _ := l.flag("SERVICE_" + strconv.Itoa(p) + "_IGNORE"); ignored {
				continue
			}
		}
		ports = append(ports, p)
	}
	switch {
	case len(tcp) > 0:
		return ports, named, true
	case len(udp) > 0:
		ds.errorf(nameSrc, "publish a TCP port, or remove "+nameSrc.Key,
			"service %s publishes only UDP ports (%s), which compose2haproxy does not route", l.svc.Name, joinInts(slices.Sorted(maps.Keys(udp))))
		return nil, named, false
	default:
		ds.warnf(Source{Service: l.svc.Name}, "declare the port with ports:, expose: or SERVICE_<port>_NAME",
			"no port declared; routing to port 80")
		return []int{80}, named, true
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
	l       labels
	port    int
	several bool // the service has several routed ports
	named   bool // by SERVICE_NAME or SERVICE_<port>_NAME
	df      dockerFlow
	secrets map[string]*Secret
}

func (r route) build(opts Options, domains []Host, ds *Diagnostics) (Backend, bool) {
	svc := r.l.svc
	name, nameSrc, ok := routedName(r.l, r.port, r.several, opts.ProdLine, ds)
	if !ok {
		return Backend{}, false
	}
	b := Backend{
		Name:    name,
		Service: svc.Name,
		Port:    r.port,
		Balance: "roundrobin",
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
		ds.warnf(b.Servers.Source, "use a slots= tag to choose a size",
			"server-template capped at %d slots (HAProxy's start-up slows with every slot)", MaxSlots)
		b.Servers.Slots = MaxSlots
	}
	if opts.Swarm {
		b.Servers.Address = "tasks." + svc.Name
	}
	// A service routed only by com.df.* labels answers on its serviceDomain
	// hosts, or on any host, as docker-flow-proxy does; otherwise on its name.
	if r.named || !r.df.notify {
		b.Hosts = append(b.Hosts, Host{Name: name, Source: nameSrc})
		for _, d := range domains {
			b.Hosts = append(b.Hosts, Host{Name: name + "." + d.Name, Source: nameSrc})
		}
	}

	errs := len(*ds)
	a := newApplier(&b, r.l, r.secrets, ds)
	applyDockerFlow(a, r.l)
	a.applyHeaderLabels(r.l)
	if raw, src, ok := r.l.forPort(r.port, "TAGS"); ok {
		b.Tags = parseTags(raw, src, ds)
	}
	a.applyTags()
	finishPolicy(&b.Policy, ds)
	a.checkTraffic(opts.Listen.Certs != "")
	if b.Servers.TLS != "" {
		// The service's own name, or the host it is reached at
		// (outboundHostname); lower-cased, as hosts are: a compose service
		// may be "Web", and server names compare in any case.
		b.Servers.SNI = strings.ToLower(strings.TrimPrefix(b.Servers.Address, "tasks."))
	}
	b.Check = buildCheck(r.l, r.port, ds)
	b.Canonical = canonicalHost(b, domains)
	r.checkKind(a, opts.Listen.Certs != "")

	sortHosts(b.Hosts)
	b.Hosts = slices.CompactFunc(b.Hosts, func(a, b Host) bool { return a.Name == b.Name })
	sortHosts(b.Redirects)
	b.Redirects = slices.CompactFunc(b.Redirects, func(a, b Host) bool { return a.Name == b.Name })
	slices.SortFunc(b.Paths, func(x, y Path) int {
		return cmp.Or(cmp.Compare(len(y.Prefix), len(x.Prefix)), cmp.Compare(x.Prefix, y.Prefix))
	})
	b.Paths = slices.CompactFunc(b.Paths, func(a, b Path) bool { return a.Prefix == b.Prefix })
	return b, !Diagnostics((*ds)[errs:]).HasErrors()
}

// canonicalHost is where redirects lead (see Backend.Canonical). It is
// computed before hosts are sorted, so "first" means first as written.
func canonicalHost(b Backend, domains []Host) string {
	for _, h := range b.Hosts {
		if h.Source.Key == "com.df.serviceDomain" && !h.Wildcard() {
			return h.Name
		}
	}
	switch {
	case len(b.Hosts) == 0:
		return ""
	case len(domains) > 0:
		return b.Name + "." + domains[0].Name
	}
	for _, h := range b.Hosts {
		if h.Source.Key != "SERVICE_NAME" && !h.Wildcard() && h.Name != b.Name {
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
func (r route) checkKind(a *applier, tls bool) {
	b, ds := a.b, a.ds
	if b.TCPPort == 0 {
		for _, s := range a.tcp {
			ds.errorf(s.src, "remove it, or make the service a TCP service (tcp=PORT, or com.df.reqMode: tcp)", "%s applies to a TCP service's own listener; an HTTP service shares the HTTP frontend", s.value)
		}
	}
	if b.TCPPort != 0 {
		kind := b.tcpKind()
		notHTTP := a.http
		if !b.SNI { // an sni= service's aliases are its server names
			notHTTP = slices.Concat(a.http, a.aliases)
		}
		for _, s := range notHTTP {
			ds.errorf(s.src, "remove it, or drop "+b.tcpTag()+"= to route HTTP", "%s does not apply to a TCP service (%s): HAProxy sees no HTTP there", s.value, kind)
		}
		if b.Check.HTTPPath != "" {
			ds.errorf(b.Check.Sources[0], "remove it: a TCP service is checked by connecting",
				"an HTTP check on a TCP service (%s) fails on every server, which HAProxy then takes out", kind)
		}
		if b.Balance == "uri" || strings.HasPrefix(b.Balance, "hdr(") {
			// HAProxy would fall back to roundrobin, with a warning.
			ds.errorf(a.set["balance"].src, "use roundrobin, leastconn, source, first, random or static-rr",
				"balance %s needs HTTP, but the service is a TCP service (%s)", b.Balance, kind)
		}
		if b.SNI {
			a.checkSNI()
		}
		return
	}
	checkStripRegex(b, ds)
	if s, ok := a.set["com.df.httpsRedirectCode"]; ok && !b.HTTPSOnly && b.ProtoRedirect == "" {
		ds.warnf(s.src, "add com.df.httpsOnly: \"true\", or remove it", "it has no effect without com.df.httpsOnly")
	}
	if b.Policy.DenyHTTP != nil && !tls {
		ds.errorf(*b.Policy.DenyHTTP, "add --tls DIR with the certificates, or drop it", "plain HTTP is refused, but there is no HTTPS listener: every request would get 403")
	}
	if m := b.Match; m != nil && !tls {
		for _, l := range m.Listeners {
			if l.TLS {
				ds.errorf(l.Source, "add "+OptionCerts.ref()+" with the directory of the certificates, or remove it", "an HTTPS listener needs certificates")
			}
		}
	}
	if b.HTTPSOnly && !tls {
		ds.errorf(a.set["https_only"].src, "add "+OptionCerts.ref()+" with the directory of the certificates, or drop https_only", "https_only redirects to https, but there is no HTTPS listener")
	}
	if len(b.Hosts) == 0 && len(b.Paths) == 0 && b.Default == nil {
		_, src, _ := r.l.get("com.df.notify")
		ds.errorf(src, "add com.df.servicePath or com.df.serviceDomain", "a docker-flow-proxy service needs a path or a domain to be routed by")
	}
	if b.Canonical == "" && len(b.Redirects) > 0 {
		ds.errorf(b.Redirects[0].Source, "add a host that is not a wildcard (com.df.serviceDomain or server_alias) to redirect to", "there is no host to redirect to")
	}
}

// routedName is the name a port is routed under: SERVICE_<port>_NAME, else
// SERVICE_NAME (or the compose name) with "-<port>" when the service has
// several ports; "_" become "." and the production line is appended.
func routedName(l labels, port int, several bool, line string, ds *Diagnostics) (string, Source, bool) {
	raw, src, ok := l.get("SERVICE_" + strconv.Itoa(port) + "_NAME")
	if !ok {
		raw, src, ok = l.get("SERVICE_NAME")
		if !ok {
			raw, src = l.svc.Name, Source{Service: l.svc.Name, Key: "service", Value: l.svc.Name, From: "compose"}
		}
		if several {
			raw += "-" + strconv.Itoa(port)
		}
	}
	// Checked before case folding: strings.ToLower turns the Kelvin sign into k.
	unsafe := unsafeChar(raw)
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
		} else if unsafe == "" && unsafeChar(name) == "" {
			prob = fmt.Sprintf("gives the host %q, which %s", name, prob)
		}
		ds.errorf(src, "use letters, digits, '-' and '_', which becomes '.', like www_hello", "service name %s", prob)
		return "", src, false
	}
	return name, src, true
}

// buildCheck reads the SERVICE_CHECK_* keys.
func buildCheck(l labels, port int, ds *Diagnostics) Check {
	var c Check
	if v, src, ok := l.forPort(port, "CHECK_HTTP"); ok {
		if prob := checkCheckPath(v); prob != "" {
			ds.errorf(src, "give a path like /health", "health check path %s", prob)
		} else {
			c.HTTPPath = v
			c.Sources = append(c.Sources, src)
		}
	}
	for _, k := range []struct {
		suffix string
		dst    *string
	}{{"CHECK_INTERVAL", &c.Interval}, {"CHECK_TIMEOUT", &c.Timeout}} {
		if v, src, ok := l.forPort(port, k.suffix); ok {
			if norm, prob := normDuration(v); prob != "" {
				ds.errorf(src, "give a duration like 5s", "%s", prob)
			} else {
				*k.dst = norm
				c.Sources = append(c.Sources, src)
			}
		}
	}
	v, src, ok := l.forPort(port, "CHECK_TCP")
	if df, dfSrc, dfOK := l.get("com.df.checkTcp"); !ok && dfOK {
		on, _ := parseFlag(df)
		v, src, ok = strconv.FormatBool(on), dfSrc, true
	}
	if ok && isTrue(v) {
		if c.HTTPPath != "" {
			ds.warnf(src, "remove one of "+src.Key+" and SERVICE_CHECK_HTTP", "%s wins over SERVICE_CHECK_HTTP=%s", src.Key, c.HTTPPath)
		}
		c.HTTPPath = ""
		c.Sources = append(c.Sources, src)
	}
	return c
}

// checkSNI reports what an sni= service cannot have: tcp= besides, the
// settings of a listener of its own (it shares its port's), or no host
// for a server name to match.
func (a *applier) checkSNI() {
	b, ds := a.b, a.ds
	if tcp, ok := a.set["tcp"]; ok {
		ds.errorf(tcp.src, "keep one of them", "tcp= and sni= both give the service a TCP listener: tcp= its own, sni= one shared by server name")
	}
	for _, s := range a.tcp {
		ds.errorf(s.src, "remove it, or use tcp= for a listener of the service's own", "%s applies to a TCP service's own listener, and the sni= services of a port share theirs", s.value)
	}
	if len(b.Hosts) == 0 {
		ds.errorf(a.set["sni"].src, "give it a host: SERVICE_NAME, server_alias or com.df.serviceDomain", "an sni= service needs a host for the server name of a TLS hello to match")
	}
	if s, ok := a.set["backend_tls"]; ok {
		ds.errorf(s.src, "remove it: the client's TLS reaches the servers as it is", "backend_tls would wrap the client's TLS, passed through by sni=, in a second one")
	}
}

// tcpTag is the tag that made b a TCP service: tcp or sni.
func (b *Backend) tcpTag() string {
	if b.SNI {
		return "sni"
	}
	return "tcp"
}

// tcpKind is that tag with its port, as written: tcp=5432.
func (b *Backend) tcpKind() string { return fmt.Sprintf("%s=%d", b.tcpTag(), b.TCPPort) }
