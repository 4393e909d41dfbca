package nginxproxy

import (
	"slices"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy/vars"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// portRoute is one host and path of a container on the port being built.
type portRoute struct {
	vh *vars.Vhost
	r  *vars.Route
}

// Apply gives the backend of one port the hosts, paths, protocol, rewrite
// and settings of the container's routes on that port.
func (p *project) Apply(a *model.Applier, port int) {
	svc := a.Labels().Service()
	c := p.containers[svc.Name]
	if c == nil || !c.c.Routed || c.hosts == nil {
		return
	}
	var rs []portRoute
	for i := range c.c.Vhosts {
		vh := &c.c.Vhosts[i]
		for j := range vh.Routes {
			if vh.Routes[j].Port.V.Number == port {
				rs = append(rs, portRoute{vh, &vh.Routes[j]})
			}
		}
	}
	if len(rs) == 0 {
		return
	}
	ds := a.Diagnostics()
	if !p.samePaths(svc.Name, port, rs, ds) {
		return
	}
	p.applyHosts(a, c, rs)
	p.applyPaths(a, svc.Name, port, rs)
	p.applyProto(a, svc.Name, port, rs)
	p.applySettings(a, c, rs)
	p.applyAuth(a, svc.Name, rs)
	clearHeaders(a, p.source(svc.Name, rs[0].vh.Host.Origin))
	if p.defaultHost != "" {
		for _, r := range rs {
			if r.vh.Host.V.Kind == vars.HostExact && r.vh.Host.V.Match == p.defaultHost && r.r.Path.V.IsRoot() {
				src := p.source(p.proxySvc, p.proxy.DefaultHost.Origin)
				p.record(src, Converted, "")
				a.Apply("default", "", src, "DEFAULT_HOST")
				break
			}
		}
	}
}

// clearedHeaders are the request headers nginx-proxy always sets from
// the connection (X-Real-IP, X-Forwarded-Ssl, X-Original-URI) or clears
// (Proxy, against httpoxy), so that a client's value never reaches the
// servers. The config does not send the first three
// (docs/nginx-proxy.md): all four are deleted.
var clearedHeaders = []string{"X-Real-IP", "X-Forwarded-Ssl", "X-Original-URI", "Proxy"}

// clearHeaders deletes clearedHeaders on their way to the servers; a
// header the service sets or deletes by label of its own wins (Weak).
func clearHeaders(a *model.Applier, src model.Source) {
	b := a.Backend()
	for _, name := range clearedHeaders {
		b.Headers = append(b.Headers, model.Header{Action: "del", Name: name, Source: src, Weak: true})
	}
}

// samePaths checks that every host of the port has the same paths: one
// backend routes each of its hosts on each of its paths.
func (p *project) samePaths(svc string, port int, rs []portRoute, ds *model.Diagnostics) bool {
	paths := map[string][]string{}
	var hosts []string
	for _, r := range rs {
		h := r.vh.Host.V.Name
		if _, ok := paths[h]; !ok {
			hosts = append(hosts, h)
		}
		paths[h] = append(paths[h], r.r.Path.V.Raw)
	}
	for _, h := range hosts[1:] {
		if !slices.Equal(paths[h], paths[hosts[0]]) {
			src := p.source(svc, rs[0].vh.Host.Origin)
			p.errorf(ds, src, "give the hosts of one port the same paths, or route the other paths to another port",
				"on port %d, host %s has the paths %s and host %s the paths %s: compose2haproxy routes every host of a port on the same paths (several routes a port are not supported yet)",
				port, hosts[0], strings.Join(paths[hosts[0]], " "), h, strings.Join(paths[h], " "))
			return false
		}
	}
	return true
}

// applyHosts gives the backend the routes' hosts as server_alias, as
// Claim checked them.
func (p *project) applyHosts(a *model.Applier, c *container, rs []portRoute) {
	seen := map[string]bool{}
	for _, r := range rs {
		h := r.vh.Host.V
		if seen[h.Name] {
			continue
		}
		seen[h.Name] = true
		src := p.source(c.svc.Name, r.vh.Host.Origin).WithItem(model.SafeShown(h.Name))
		for _, n := range c.hosts[h.Name] {
			a.Apply("server_alias", n, src, src.Key)
		}
	}
}

// hostNames are the server_alias values of a host, or why it is refused
// (reported at src).
func (p *project) hostNames(h vars.Host, src model.Source, ds *model.Diagnostics) []string {
	switch h.Kind {
	case vars.HostExact:
		p.record(src, Converted, "")
		return []string{h.Match}
	case vars.HostSuffix:
		p.record(src, Converted, "")
		return []string{"*" + h.Match}
	case vars.HostDotSuffix:
		p.record(src, Converted, "")
		return []string{h.Match[1:], "*" + h.Match}
	case vars.HostPrefix:
		p.errorf(ds, src, "list the full names instead ("+h.Match+"com, "+h.Match+"org, …)",
			"nginx's %s takes any name that starts with %s; compose2haproxy's wildcards are suffixes (*.example.com)", h.Name, h.Match)
		return nil
	}
	names, why := expandRegex(h.Match)
	if why != "" {
		p.errorf(ds, src, "list the names it should match instead, or anchor a finite pattern like ~^(www\\.)?example\\.com$",
			"the regex host cannot be matched exactly here: %s", why)
		return nil
	}
	for _, n := range names {
		if w := p.wildcardOver(n); w != "" {
			p.errorf(ds, src, "list the names without those the wildcard takes",
				"the regex host matches %s, which nginx gives to the wildcard *%s first; here the name would win", n, w)
			return nil
		}
	}
	p.record(src, Converted, "")
	return names
}

// wildcardOver is the project's suffix wildcard that takes name, or "".
func (p *project) wildcardOver(name string) string {
	for _, w := range p.wildcards {
		if strings.HasSuffix(name, w) && len(name) > len(w) || "."+name == w {
			return w
		}
	}
	return ""
}

// applyPaths gives the backend the routes' paths, segment-aware, with a
// warning naming the difference from nginx's string prefix, and the
// VIRTUAL_DEST rewrite.
func (p *project) applyPaths(a *model.Applier, svc string, port int, rs []portRoute) {
	ds := a.Diagnostics()
	var paths []*vars.Route
	root := false
	for _, r := range rs {
		if !slices.ContainsFunc(paths, func(q *vars.Route) bool { return q.Path.V.Raw == r.r.Path.V.Raw }) {
			paths = append(paths, r.r)
			root = root || r.r.Path.V.IsRoot()
		}
	}
	for _, r := range paths {
		pv := r.Path.V
		src := p.source(svc, r.Path.Origin)
		if src.From == "nginx-proxy default" {
			continue
		}
		src = src.WithItem(model.SafeShown(pv.Raw))
		switch {
		case pv.Kind == vars.PathExact || pv.Kind == vars.PathRegex:
			p.errorf(ds, src, "use a path prefix, like /api",
				"an nginx %s location has no equivalent here: compose2haproxy's paths are prefixes", pv.Kind)
			continue
		case pv.IsRoot():
			if len(paths) > 1 {
				a.Apply("path", "/", src, src.Key)
			}
			p.record(src, Converted, "")
			continue
		}
		a.Apply("path", pv.Value, src, src.Key)
		trimmed := strings.TrimRight(pv.Value, "/")
		if strings.HasSuffix(pv.Value, "/") {
			p.warnf(ds, src, "nothing to do unless clients rely on the redirect; "+model.OptionStrict.Ref()+" makes this an error",
				"nginx answers %s (without its slash) with a 301 to %s; here %s reaches the service as it is", trimmed, pv.Value, trimmed)
		} else {
			p.warnf(ds, src, "nothing to do unless a path like "+trimmed+"x must reach this service; "+model.OptionStrict.Ref()+" makes this an error",
				"nginx matches %s as a string prefix (%sx too); here it is segment-aware: %s and %s/… only", pv.Value, trimmed, trimmed, trimmed)
		}
	}
	p.applyDest(a, svc, port, paths, root)
}

// applyDest maps VIRTUAL_DEST: the prefix is replaced by the destination.
func (p *project) applyDest(a *model.Applier, svc string, port int, paths []*vars.Route, _ bool) {
	ds := a.Diagnostics()
	var with []*vars.Route
	for _, r := range paths {
		if r.Rewrite.Set() && r.Rewrite.V.Dest != "" {
			with = append(with, r)
		}
	}
	if len(with) == 0 {
		return
	}
	r := with[0]
	src := p.source(svc, r.Rewrite.Origin)
	if len(paths) > 1 {
		p.errorf(ds, src, "route the paths with VIRTUAL_DEST to ports of their own",
			"port %d has %d paths and a rewrite: compose2haproxy rewrites every path of a port alike", port, len(paths))
		return
	}
	strip, dest := r.Rewrite.V.Strip, r.Rewrite.V.Dest
	switch {
	case strip == "/" && dest == "/":
		// nothing is replaced
	case strings.HasSuffix(strip, "/") && dest == "/":
		a.Apply("strip_path", "", src, src.Key)
	case dest == "" || !model.OnlyPathChars(dest) || strings.Contains(dest, "//"):
		p.errorf(ds, src, "use "+model.PathCharsDoc+" in VIRTUAL_DEST", "the destination has characters a path rewrite here does not take")
		return
	default:
		a.HTTPOnly(src.Key, src)
		a.Backend().Rewrite = &model.Rewrite{Search: "^" + strip, Replace: dest, Source: src}
	}
	p.record(src, Converted, "")
}

// applyProto maps VIRTUAL_PROTO (one a port).
func (p *project) applyProto(a *model.Applier, svc string, port int, rs []portRoute) {
	ds := a.Diagnostics()
	proto := rs[0].r.Proto
	for _, r := range rs[1:] {
		if r.r.Proto.V != proto.V {
			p.errorf(ds, p.source(svc, r.r.Proto.Origin), "give the paths of one port one proto",
				"port %d is spoken to as %s and as %s: one backend speaks one protocol", port, proto.V, r.r.Proto.V)
			return
		}
	}
	src := p.source(svc, proto.Origin)
	switch proto.V {
	case vars.ProtoHTTPS:
		a.Apply("backend_tls", "insecure", src, src.Key)
	case vars.ProtoGRPC:
		a.Apply("proto", "h2", src, src.Key)
	case vars.ProtoGRPCS:
		a.Apply("backend_tls", "insecure", src, src.Key)
		a.Apply("proto", "h2", src, src.Key)
	case vars.ProtoFastCGI:
		p.errorf(ds, src, "run the application behind an HTTP server (php-fpm behind nginx or caddy, say) and route that",
			"FastCGI servers are not in compose2haproxy's vocabulary")
		return
	}
	if src.From != "nginx-proxy default" {
		p.record(src, Converted, "")
	}
}

// applySettings maps the container's settings (and the proxy's defaults):
// HTTPS_METHOD, HSTS, NETWORK_ACCESS, SSL_POLICY, CERT_NAME, ACME hosts,
// the load-balancing label.
func (p *project) applySettings(a *model.Applier, c *container, rs []portRoute) {
	ds := a.Diagnostics()
	svc := c.svc.Name
	cc := c.c
	https := p.opts.HasHTTPS()
	method, msrc, mset := setting(p, svc, cc.HTTPSMethod, p.proxy.HTTPSMethod)
	onMissing, osrc, _ := setting(p, svc, cc.EnableHTTPOnMissingCert, p.proxy.EnableHTTPOnMissing)
	switch {
	case !https && (method == vars.Redirect || method == vars.NoHTTP) && !onMissing:
		p.errorf(ds, osrc, "add "+model.OptionCerts.Ref()+" with the certificates, or remove it",
			"without a certificate nginx-proxy would send this host to an HTTPS it cannot serve, and there is no HTTPS listener")
	case !https && mset && (method == vars.Redirect || method == vars.NoHTTP):
		p.warnf(ds, msrc, "add "+model.OptionCerts.Ref()+" with the certificates",
			"there is no HTTPS listener: the hosts are served over plain HTTP, as nginx-proxy does for a host without certificate")
	case https && method == vars.Redirect:
		a.Apply("https_only", "", msrc, msrc.Key)
		code, csrc, cset := setting(p, svc, cc.NonGetRedirect, p.proxy.NonGetRedirect)
		switch code {
		case 301:
			a.Backend().HTTPSRedirectCode = 301
		case 307:
			if cset {
				p.warnf(ds, csrc, "use 308, which keeps the method too", "methods other than GET are redirected with 308 here, not 307")
			}
		}
		p.record(msrc, Converted, "")
	case https && method == vars.NoHTTP:
		a.Apply("deny_http", "", msrc, msrc.Key)
		p.warnf(ds, msrc, "nothing to do unless a client relies on the status", "plain-HTTP requests for these hosts get 403 here; nginx-proxy answers 503, as for an unknown host")
	case https && method == vars.NoHTTPS:
		p.warnf(ds, msrc, "nothing to do unless the hosts must not answer over HTTPS",
			"these hosts are also served over HTTPS here: compose2haproxy cannot keep a host off its HTTPS listener")
	}
	if mset {
		p.record(msrc, Converted, "")
	}
	hsts, hsrc, _ := setting(p, svc, cc.HSTS, p.proxy.HSTS)
	if https && (method == vars.Redirect || method == vars.NoHTTP) && !hsts.Off {
		if age, ok := strings.CutPrefix(hsts.Value, "max-age="); ok && strings.Trim(age, "0123456789") == "" && atoi(age) >= 1 && atoi(age) <= 2*model.DefaultHSTS {
			a.Apply("hsts", age, hsrc, hsrc.Key)
		} else if strings.IndexFunc(hsts.Value, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
			p.errorf(ds, hsrc, "write max-age=SECONDS, with includeSubDomains or preload after a ';' if needed", "the value has characters a header here cannot hold")
		} else {
			b := a.Backend()
			b.Headers = append(b.Headers, model.Header{Response: true, Action: "set", Name: "Strict-Transport-Security", Value: model.Literal(hsts.Value), Source: hsrc})
			a.HTTPOnly(hsrc.Key, hsrc)
		}
		if hsrc.From != "nginx-proxy default" {
			p.record(hsrc, Converted, "")
		}
	}
	if cc.Internal.Set() && cc.Internal.V {
		src := p.source(svc, cc.Internal.Origin)
		if p.internalProb != "" {
			p.errorf(ds, src, "mount a network_internal.conf of allow lines from inside the project, or remove the mount",
				"the proxy's network_internal.conf %s: the addresses that may reach these routes are unknown", p.internalProb)
		} else {
			for _, r := range p.internal {
				a.Apply("allow", r.String(), src.WithItem(r.String()), src.Key)
			}
			p.record(src, Converted, "")
		}
	}
	if cc.SSLPolicy.Set() {
		p.sslPolicy(ds, p.source(svc, cc.SSLPolicy.Origin), cc.SSLPolicy.V)
	}
	if cc.CertName.Set() {
		src := p.source(svc, cc.CertName.Origin)
		if !https {
			p.warnf(ds, src, "add "+model.OptionCerts.Ref()+" with "+cc.CertName.V+".crt and .key concatenated into one PEM file",
				"there is no HTTPS listener: the hosts are served over plain HTTP, as nginx-proxy does without the certificate")
		} else {
			p.record(src, ConvertedDiff, "HAProxy picks the certificate among "+model.OptionCerts.Ref()+"'s by the server name")
		}
	}
	if cc.Root.Set() {
		if proto := rs[0].r.Proto.V; proto != vars.ProtoFastCGI {
			p.warnf(ds, p.source(svc, cc.Root.Origin), "remove it", "nginx-proxy reads it only with VIRTUAL_PROTO=fastcgi: it has no effect")
		}
	}
	for _, k := range []string{"EXTERNAL_HTTP_PORT", "EXTERNAL_HTTPS_PORT"} {
		if v := c.svc.Environment[k]; v != "" {
			p.errorf(ds, model.Source{Service: svc, Key: k, Value: model.SafeShown(v), From: "environment"}, "remove it, and route the hosts on the shared listeners",
				"hosts served on proxy ports of their own are not translated")
		}
	}
	if cc.ACME != nil {
		p.applyACME(a, c)
	}
	if cc.LoadBalance.Set() {
		p.applyBalance(a, svc, cc.LoadBalance)
	}
	if cc.HTTP2.Set() && !cc.HTTP2.V {
		p.warnf(ds, p.source(svc, cc.HTTP2.Origin), "remove it", "HAProxy offers HTTP/2 over TLS to every host: it cannot be turned off for some")
	}
}

// sslPolicy accepts the policy the config's TLS settings are closest to,
// with a warning, and refuses the others.
func (p *project) sslPolicy(ds *model.Diagnostics, src model.Source, pol vars.SSLPolicy) {
	if pol.Name == vars.DefaultSSLPolicy {
		p.warnf(ds, src, "nothing to do unless a client offers only DHE-RSA ciphers",
			"the config's TLS settings are Mozilla's intermediate profile for every host, without the three DHE-RSA ciphers of nginx-proxy's")
		return
	}
	p.errorf(ds, src, "remove it: the config uses Mozilla's intermediate profile (TLS 1.2 and 1.3) for every host",
		"the policy %s (TLS %s to %s) is not what the config sets", pol.Name, pol.MinVersion, pol.MaxVersion)
}

// applyACME maps acme-companion's hosts onto the acme tag.
func (p *project) applyACME(a *model.Applier, c *container) {
	ds := a.Diagnostics()
	key := "ACME_HOST"
	if c.svc.Environment[key] == "" {
		key = "LETSENCRYPT_HOST"
	}
	src := model.Source{Service: c.svc.Name, Key: key, Value: model.SafeShown(c.svc.Environment[key]), From: "environment"}
	switch {
	case p.opts.Features.ACME != nil:
		a.Apply("acme", "", src, key)
		var extra []string
		for _, vh := range c.c.Vhosts {
			if !slices.Contains(c.c.ACME.Hosts, vh.Host.V.Match) && vh.Host.V.Kind == vars.HostExact {
				extra = append(extra, vh.Host.V.Match)
			}
		}
		if len(extra) > 0 {
			p.warnf(ds, src, "nothing to do unless those hosts must not get certificates",
				"the acme tag gets certificates for every host of the route: also %s", strings.Join(extra, ", "))
		} else {
			p.record(src, Converted, "")
		}
	case p.opts.Listen.Certs != "":
		p.record(src, ConvertedDiff, "the certificates come from "+model.OptionCerts.Ref())
	default:
		p.errorf(ds, src, "add "+model.OptionACMEDirectory.Ref()+" letsencrypt and "+model.OptionACMEContact.Ref()+" EMAIL (HAProxy 3.2 or later, see docs/acme.md), or put the certificates in "+model.OptionCerts.Ref()+"'s folder",
			"acme-companion's certificates for %s: nothing here gets them", strings.Join(c.c.ACME.Hosts, ", "))
	}
}

// applyBalance maps the loadbalance label onto the balance tag.
func (p *project) applyBalance(a *model.Applier, svc string, lb vars.Val[vars.Balance]) {
	ds := a.Diagnostics()
	src := p.source(svc, lb.Origin)
	algo := lb.V.Algorithm
	var diff []string
	switch algo {
	case "uri whole":
		algo = "uri"
		diff = append(diff, "HAProxy's uri hashes the path without the query, nginx's $request_uri with it")
	case "random(2)":
		algo = "random"
		diff = append(diff, "HAProxy's random picks one server, nginx's random two the less loaded of two")
	}
	if lb.V.Consistent {
		diff = append(diff, "the hash is not consistent here: most keys move when a server comes or goes")
	}
	if lb.V.Difference != "" {
		diff = append(diff, lb.V.Difference)
	}
	a.Apply("balance", algo, src, src.Key)
	if len(diff) > 0 {
		p.warnf(ds, src, "nothing to do unless clients rely on it", "%s", strings.Join(diff, "; "))
	} else {
		p.record(src, Converted, "")
	}
}
