package nginxproxy

import (
	"bytes"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy/vars"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// folder is one of the proxy's mounted folders: its files by name, or why
// they cannot be read.
type folder struct {
	mounted bool
	files   map[string][]byte
	problem string
	src     model.Source
}

func (f folder) names() []string {
	var out []string
	for n := range f.files {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// acme-companion finds the proxy by these labels (the second is
// letsencrypt-nginx-proxy-companion's).
const (
	acmeLabel       = "com.github.nginx-proxy.nginx"
	acmeLegacyLabel = "com.github.jrcs.letsencrypt_nginx_proxy_companion.nginx_proxy"
)

// findProxy finds the nginx-proxy container (or the docker-gen and nginx
// of the separate-containers setup), reads its settings and its folders.
func (p *project) findProxy(services []model.Service, ds *model.Diagnostics) {
	var envSvc, mountSvc *model.Service
	nginxLabel := ""
	for i := range services {
		s := &services[i]
		switch r := vars.ProxyRole(s.Image, s.Labels, ""); r {
		case vars.RoleProxy, vars.RoleDockerGen:
			p.roles[s.Name] = r
			if envSvc == nil {
				envSvc = s
				nginxLabel = s.Environment["NGINX_CONTAINER_LABEL"]
			} else {
				ds.Warnf(model.Source{Service: s.Name, Key: "image", Value: model.SafeShown(s.Image), From: "compose"}, "keep one nginx-proxy in the project",
					"a second nginx-proxy container: the settings of %s are read, these are not", envSvc.Name)
			}
			if r == vars.RoleProxy && mountSvc == nil {
				mountSvc = s
			}
		}
	}
	for i := range services {
		s := &services[i]
		_, companion := s.Labels[acmeLabel]
		_, legacy := s.Labels[acmeLegacyLabel]
		if p.roles[s.Name] == vars.NotProxy && (companion || legacy) && envSvc == nil {
			// acme-companion's mark of the proxy: an image built from
			// nginx-proxy's, whose variables are the proxy's.
			p.roles[s.Name] = vars.RoleProxy
			envSvc, mountSvc = s, s
			continue
		}
		if p.roles[s.Name] == vars.NotProxy && (companion || legacy || vars.ProxyRole(s.Image, s.Labels, nginxLabel) == vars.RoleNginx) {
			p.roles[s.Name] = vars.RoleNginx
			if mountSvc == nil || p.roles[mountSvc.Name] != vars.RoleProxy {
				mountSvc = s
			}
		}
	}
	env := map[string]string{}
	if envSvc != nil {
		p.proxySvc = envSvc.Name
		env = envSvc.Environment
	}
	px, vds, err := vars.DecodeProxy(env)
	if err != nil {
		px, _, _ = vars.DecodeProxy(nil)
		ds.Errorf(model.Source{Service: p.proxySvc}, "", "%v", err)
	}
	p.proxy = px
	if envSvc != nil {
		p.report(envSvc.Name, vds, ds, nil)
		p.checkProxy(envSvc, ds)
	}
	if mountSvc != nil {
		p.readFolders(mountSvc, ds)
	}
}

// proxyEnv is a variable of the proxy's.
func (p *project) proxyEnv(key string) string {
	return p.proxyVars[key]
}

// checkProxy maps the proxy's own settings that are not containers'
// defaults: listeners, forwarded headers, DEFAULT_ROOT.
func (p *project) checkProxy(s *model.Service, ds *model.Diagnostics) {
	p.proxyVars = s.Environment
	px := p.proxy
	src := func(v vars.Origin) model.Source { return p.source(s.Name, v) }
	if px.TrustDownstreamProxy.Origin.Source == "env" {
		if px.TrustDownstreamProxy.V {
			p.record(src(px.TrustDownstreamProxy.Origin), ConvertedDiff, "X-Forwarded-For is appended to; X-Forwarded-Proto is set from the connection")
		} else {
			p.errorf(ds, src(px.TrustDownstreamProxy.Origin), "remove it, and have the applications read the last address of X-Forwarded-For ("+model.OptionTrustedProxies.Ref()+" names the proxies in front)",
				"nginx-proxy replaces the client's X-Forwarded-For; the config appends to it, so an application reading its first address would trust what the client wrote")
		}
	}
	if px.DefaultRoot.Origin.Source == "env" {
		if r := px.DefaultRoot.V; r.Status == 404 && r.Body == "" && r.URL == "" {
			p.record(src(px.DefaultRoot.Origin), Converted, "")
		} else {
			p.errorf(ds, src(px.DefaultRoot.Origin), "remove it: a host's paths no route takes get 404 here",
				"the answer for a host's other paths is 404 here; another answer is not translated")
		}
	}
	if v := px.HTTPPort; v.Origin.Source == "env" && listenPort(p.opts.Listen.HTTP) != v.V {
		p.warnf(ds, src(v.Origin), "give "+model.OptionHTTP.Ref()+" :"+strconv.Itoa(v.V)+" if clients reach that port",
			"nginx-proxy listened on %d; HAProxy listens where %s says (%s)", v.V, model.OptionHTTP.Ref(), cmpOr(p.opts.Listen.HTTP, ":80"))
	}
	if v := px.HTTPSPort; v.Origin.Source == "env" && p.opts.HasHTTPS() && listenPort(p.opts.Listen.HTTPS) != v.V {
		p.warnf(ds, src(v.Origin), "give "+model.OptionHTTPS.Ref()+" :"+strconv.Itoa(v.V)+", or "+model.OptionHTTPSPort.Ref()+" for the redirects",
			"nginx-proxy listened on %d for HTTPS; HAProxy listens where %s says", v.V, model.OptionHTTPS.Ref())
	}
	if v := px.EnableIPv6; v.V && !strings.HasPrefix(p.opts.Listen.HTTP, "[") {
		p.warnf(ds, src(v.Origin), "give "+model.OptionHTTP.Ref()+" [::]:80 (Linux answers IPv4 there too)",
			"HAProxy listens only where %s says, which is no IPv6 address", model.OptionHTTP.Ref())
	}
	if v := px.ProxyProtocol; v.V && !p.opts.Listen.AcceptProxy {
		p.errorf(ds, src(v.Origin), "add "+model.OptionAcceptProxy.Ref(), "nginx-proxy takes the client's address from a PROXY protocol header; without %s HAProxy would refuse those connections", model.OptionAcceptProxy.Ref())
	}
	if v := px.EnableHTTP2; v.Origin.Source == "env" && !v.V {
		p.warnf(ds, src(v.Origin), "remove it", "HAProxy offers HTTP/2 over TLS to every host")
	}
	if v := px.SSLPolicy; v.Origin.Source == "env" {
		p.sslPolicy(ds, src(v.Origin), v.V)
	}
	if v := px.DefaultHost; v.Set() {
		p.defaultHost = strings.ToLower(v.V)
	}
}

// listenPort is the port of a listen address, 0 if none.
func listenPort(addr string) int {
	if addr == "" {
		return 0
	}
	n, _ := strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	return n
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkDefaultHost reports a DEFAULT_HOST that no container's "/" serves.
func (p *project) checkDefaultHost(ds *model.Diagnostics) {
	if p.defaultHost == "" {
		return
	}
	src := p.source(p.proxySvc, p.proxy.DefaultHost.Origin)
	served, root := false, false
	for _, c := range p.containers {
		for _, vh := range c.c.Vhosts {
			if vh.Host.V.Kind == vars.HostExact && vh.Host.V.Match == p.defaultHost {
				served = true
				for _, r := range vh.Routes {
					root = root || r.Path.V.IsRoot()
				}
			}
		}
	}
	switch {
	case !served:
		p.warnf(ds, src, "route the host, or remove it", "no container serves %s: nginx-proxy then changes nothing, and neither does this", p.defaultHost)
	case !root:
		p.errorf(ds, src, "give the host a container on the path /, or remove it",
			"the containers of %s serve only some paths: nginx-proxy would answer unknown hosts with those paths, which has no equivalent here", p.defaultHost)
	}
}

// readFolders reads the proxy's mounted folders: htpasswd, certs,
// vhost.d, network_internal.conf, and the nginx configuration refused.
func (p *project) readFolders(s *model.Service, ds *model.Diagnostics) {
	var vms []vars.Mount
	for _, m := range s.Mounts {
		vms = append(vms, vars.Mount{Source: m.Source, Target: m.Target})
	}
	_, vds := vars.ClassifyMounts(vms)
	for _, d := range vds {
		src := model.Source{Service: s.Name, Key: "volumes", Value: model.SafeShown(d.Value), Item: d.Origin.Key, From: "compose"}
		switch d.Severity {
		case vars.Error:
			p.errorf(ds, src, "", "%s", d.Message)
		case vars.Warning:
			p.warnf(ds, src, "", "%s", d.Message)
		}
	}
	certs := collect(s, vars.CertsDir)
	p.htpasswd = collect(s, vars.HtpasswdDir)
	vhost := collect(s, vars.VhostDir)
	if p.htpasswd.mounted && p.htpasswd.problem != "" {
		p.errorf(ds, p.htpasswd.src, "mount a folder inside the project directory, so that its users can be read",
			"the basic-auth folder %s: the users that protect its hosts would be dropped", p.htpasswd.problem)
	}
	if vhost.mounted {
		if vhost.problem != "" {
			p.warnf(ds, vhost.src, "check that it holds no nginx configuration besides acme-companion's",
				"vhost.d %s: nginx configuration there is not translated", vhost.problem)
		} else {
			var hosts []vars.Host
			for _, c := range p.containers {
				for _, vh := range c.c.Vhosts {
					hosts = append(hosts, vh.Host.V)
				}
			}
			for _, d := range vars.CheckVhostDir(vhost.names(), hosts) {
				p.errorf(ds, vhost.src.WithItem(path.Base(d.Origin.Key)), "", "%s", d.Message)
			}
		}
	}
	if certs.mounted {
		pairs, cds := vars.CertPairs(certs.names())
		for _, d := range cds {
			if d.Severity == vars.Error {
				p.errorf(ds, certs.src.WithItem(path.Base(d.Origin.Key)), "remove the file", "%s", d.Message)
			}
		}
		switch {
		case p.opts.Listen.Certs != "" || p.opts.Features.ACME != nil:
			p.record(certs.src, Converted, "")
		case certs.problem != "":
			p.warnf(ds, certs.src, "copy the certificates out, each NAME.crt and NAME.key concatenated into NAME.pem, and give "+model.OptionCerts.Ref()+" that folder",
				"the certificates folder %s: HAProxy reads certificates from %s", certs.problem, model.OptionCerts.Ref())
		case len(pairs) > 0:
			var names []string
			for _, pr := range pairs {
				names = append(names, pr.Name)
			}
			p.warnf(ds, certs.src, "concatenate each NAME.crt and NAME.key into NAME.pem in one folder, and give it to "+model.OptionCerts.Ref(),
				"the certificates of %s are not served: HAProxy reads certificates from %s", strings.Join(names, ", "), model.OptionCerts.Ref())
		}
	}
	for _, m := range s.Mounts {
		if path.Clean(m.Target) != vars.NetworkInternalFile {
			continue
		}
		p.internalSrc = model.Source{Service: s.Name, Key: "volumes", Value: model.SafeShown(m.Source), Item: m.Target, From: "compose"}
		if m.Problem != "" || len(m.Files) != 1 {
			p.internalProb = cmpOr(m.Problem, "cannot be read")
			continue
		}
		r, err := vars.ParseNetworkInternal(m.Files[0].Content)
		if err != nil {
			p.internalProb = "is not translated: " + err.Error()
			continue
		}
		p.internal = r
	}
}

// collect gathers the files mounted at dir or in it.
func collect(s *model.Service, dir string) folder {
	f := folder{files: map[string][]byte{}}
	for _, m := range s.Mounts {
		t := path.Clean(m.Target)
		if t != dir && path.Dir(t) != dir {
			continue
		}
		if !f.mounted {
			f.src = model.Source{Service: s.Name, Key: "volumes", Value: model.SafeShown(m.Source), Item: t, From: "compose"}
		}
		f.mounted = true
		if m.Problem != "" {
			f.problem = m.Problem
			continue
		}
		for _, mf := range m.Files {
			name := mf.Name
			if t != dir {
				name = path.Base(t)
			}
			f.files[name] = mf.Content
		}
	}
	return f
}

// applyAuth protects the backend with the htpasswd file nginx-proxy would
// use for its hosts and paths; every host and path of one backend must
// have the same users, or none.
func (p *project) applyAuth(a *model.Applier, svc string, rs []portRoute) {
	if !p.htpasswd.mounted || p.htpasswd.problem != "" {
		return
	}
	ds := a.Diagnostics()
	names := p.htpasswd.names()
	var file string
	var content []byte
	for i, r := range rs {
		f := vars.HtpasswdFile(r.vh.Host.V, r.r.Path.V, names)
		var c []byte
		if f != "" {
			c = p.htpasswd.files[f]
		}
		if i > 0 && (f == "") != (file == "") || f != "" && file != "" && !bytes.Equal(c, content) {
			p.errorf(ds, p.htpasswd.src.WithItem(cmpOr(f, file)), "give every host and path of the container the same htpasswd file, or none",
				"host %s path %s has other users than the rest of its port: one backend has one list of users", r.vh.Host.V.Name, r.r.Path.V.Raw)
			return
		}
		if i == 0 || f != "" {
			file, content = f, c
		}
	}
	if file == "" {
		return
	}
	src := p.htpasswd.src.WithItem(vars.HtpasswdDir + "/" + file)
	h, vds, err := vars.ParseHtpasswd(vars.HtpasswdDir+"/"+file, content)
	if err != nil {
		p.errorf(ds, src, "", "%v", err)
		return
	}
	bad := false
	for _, d := range vds {
		if d.Severity == vars.Error {
			bad = true
			p.errorf(ds, src, "", "line %d: %s", d.Origin.Line, d.Message)
		}
	}
	if bad {
		return
	}
	var entries []model.UserEntry
	for _, u := range h.Users {
		entries = append(entries, model.UserEntry{Name: u.Name, Hash: u.Hash, Colon: true, Pos: "line " + strconv.Itoa(u.Line)})
	}
	users := model.CheckUsers(entries, "htpasswd file "+file, src, ds)
	if users == nil {
		return
	}
	a.HTTPOnly("htpasswd", src)
	a.Backend().Policy.Auth = &model.Auth{Users: users, Source: src}
	p.record(src, Converted, "")
}
