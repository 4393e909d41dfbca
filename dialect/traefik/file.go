package traefik

import (
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// fileProvider is what Traefik's file provider reads: the files of
// providers.file.directory or .filename, when the Traefik service mounts
// them from the project (a bind mount; the loader reads it).
type fileProvider struct {
	path    string // the folder or file in the Traefik container
	where   string // the folder or file in the project, for messages
	problem string // why its files could not be read; "" when they were
	// services and serversTransports by lower-case name.
	services   map[string]*config.Service
	transports map[string]*config.Node
	routers    []*fileRouter
}

// fileRouter is an HTTP router of the file provider and the compose
// service it sends requests to, which claims it.
type fileRouter struct {
	r       *config.Router
	target  string // the compose service; "" when refused in Prepare
	claimed bool   // its service was read (a service another dialect leaves out is not)
}

// fileTarget is a file service whose one server is a compose service.
type fileTarget struct {
	service *config.Service
	target  string // the compose service
	port    int
	url     *config.Node // the server's url: its scheme is the backend's
	why     string       // why it is not converted; "" when it is
}

// fileSource is the Source of a value of a file of the file provider:
// the file as the project has it and the line, then the key.
func fileSource(service string, o config.Origin) model.Source {
	k := o.Source + ":" + o.Key
	if o.Line > 0 {
		k = o.Source + ":" + strconv.Itoa(o.Line) + ":" + o.Key
	}
	return model.Source{Service: service, Key: model.SafeShown(k), From: "file"}
}

// nodeSource is sourceOf n's origin with n's value for a file's, as a
// label's Source has the label's.
func nodeSource(svc *model.Service, n *config.Node) model.Source {
	src := sourceOf(svc, originOf(n))
	if src.From == "file" {
		src.Value = model.Redacted
		if !secretKey(n.Origin.Key) {
			src.Value = model.SafeShown(n.String())
			src = src.Shown(n.String())
		}
	}
	return src
}

// mountedFile is the content of a file the Traefik service mounts from
// the project at path (a basicAuth usersFile), or why it cannot be read.
func (pr *project) mountedFile(p string) ([]byte, string) {
	if pr.traefik == nil {
		return nil, "is a file of the Traefik service, and the project has none"
	}
	p = path.Clean(p)
	for _, m := range pr.traefik.Mounts {
		if path.Clean(m.Target) != p || (m.Files == nil && m.Problem == "") {
			continue
		}
		switch {
		case m.Problem != "":
			return nil, "is mounted from the project, and its source " + m.Problem
		case len(m.Files) != 1 || m.Files[0].Name != "":
			return nil, "is a folder"
		}
		return m.Files[0].Content, ""
	}
	for _, m := range pr.traefik.Mounts {
		if m.Bind && strings.HasPrefix(p, path.Clean(m.Target)+"/") {
			return nil, fmt.Sprintf("lies in %s, mounted from the project, whose files compose2haproxy reads only where the compose file names them (a flag, a variable or a label): name it in a label, or list the users in users", m.Target)
		}
	}
	return nil, fmt.Sprintf("is not mounted from the project into the Traefik service %s (a bind mount such as ./users:%s)", pr.traefik.Name, p)
}

// readFileProvider reads the file provider's files, when the Traefik
// service turns it on: its middlewares join the project's (name@file), its
// routers are claimed by the services they send requests to.
func (pr *project) readFileProvider(services []model.Service, ds *model.Diagnostics) {
	fp := pr.static.File
	if fp == nil || pr.traefik == nil {
		return
	}
	n := fp.Directory
	if !n.Set() {
		n = fp.Filename
	}
	if n.String() == "" {
		return // reported by config
	}
	f := &fileProvider{path: path.Clean(n.String()), where: n.String(), services: map[string]*config.Service{}, transports: map[string]*config.Node{}}
	pr.file = f
	src := pr.staticSource(n.Origin)
	// The mount of the folder or file, and files mounted into the folder
	// one by one.
	var ms []*model.Mount
	for i := range pr.traefik.Mounts {
		mt := &pr.traefik.Mounts[i]
		t := path.Clean(mt.Target)
		if mt.Bind && (t == f.path || strings.HasPrefix(t, f.path+"/")) && (mt.Files != nil || mt.Problem != "") {
			ms = append(ms, mt)
		}
	}
	for _, m := range ms {
		if m.Problem != "" {
			f.problem = fmt.Sprintf("%s, whose source %s", m.Target, m.Problem)
		}
	}
	if len(ms) == 0 {
		f.problem = fmt.Sprintf("%s, which is not mounted from the project into the Traefik service %s (a bind mount such as ./rules:%s)", f.path, pr.traefik.Name, f.path)
	}
	if f.problem != "" {
		ds.Errorf(src, "mount it from the project directory, or remove Traefik's file provider", "Traefik's file provider reads %s: its routers and middlewares would be missing", f.problem)
		return
	}
	f.where = ms[0].Source
	for _, m := range ms {
		for _, file := range m.Files {
			name := m.Source
			if file.Name != "" || len(ms) > 1 || fp.Directory.Set() {
				if !config.FileSupported(path.Join(m.Target, file.Name)) {
					continue // Traefik skips a folder's other files
				}
				name = path.Join(m.Source, file.Name)
			}
			d, cds, err := config.DecodeFile(name, file.Content)
			if err != nil {
				ds.Errorf(model.Source{Service: pr.traefik.Name, Key: model.SafeShown(name), From: "file"}, "fix the file", "Traefik's file provider: %s", oneLine(err.Error()))
				continue
			}
			for _, dg := range cds {
				pr.report(ds, dg, fileSource(pr.traefik.Name, dg.Origin))
			}
			pr.collectFile(d, ds)
		}
	}
	pr.resolveFileRouters(services, ds)
}

// collectFile adds one file's middlewares, services, servers transports
// and routers; a name another file defined first is reported and skipped,
// as Traefik does.
func (pr *project) collectFile(d *config.Dynamic, ds *model.Diagnostics) {
	f := pr.file
	tn := pr.traefik.Name
	dup := func(kind, name string, o config.Origin) {
		ds.Warnf(fileSource(tn, o), "give one of them another name", "%s %q is defined by an earlier file too: Traefik keeps the first", kind, name)
	}
	for _, name := range slices.Sorted(maps.Keys(d.HTTP.Middlewares)) {
		m := d.HTTP.Middlewares[name]
		if _, ok := pr.fileMiddleware[strings.ToLower(name)]; ok {
			dup("middleware", name, m.Node.Origin)
			continue
		}
		pr.fileMiddleware[strings.ToLower(name)] = definedMiddleware{m: m, service: tn, svc: pr.traefik, provider: "file"}
	}
	for _, name := range slices.Sorted(maps.Keys(d.HTTP.Services)) {
		if _, ok := f.services[strings.ToLower(name)]; ok {
			dup("service", name, d.HTTP.Services[name].Node.Origin)
			continue
		}
		f.services[strings.ToLower(name)] = d.HTTP.Services[name]
		pr.nameMiddlewares(d.HTTP.Services[name].Middlewares.List(), "file")
	}
	for _, n := range d.Tree.Lookup("http.serversTransports").Entries() {
		if _, ok := f.transports[strings.ToLower(n.Name)]; ok {
			dup("servers transport", n.Name, n.Origin)
			continue
		}
		f.transports[strings.ToLower(n.Name)] = n
	}
	for _, name := range slices.Sorted(maps.Keys(d.HTTP.Routers)) {
		r := d.HTTP.Routers[name]
		if slices.ContainsFunc(f.routers, func(o *fileRouter) bool { return strings.EqualFold(o.r.Name, name) }) {
			dup("router", name, r.Node.Origin)
			continue
		}
		f.routers = append(f.routers, &fileRouter{r: r})
	}
	refuse := func(n *config.Node, kind, name string) {
		ds.Errorf(fileSource(tn, n.Origin), "route it with labels of the service, or remove it",
			"%s %s of Traefik's file provider is not converted: %s", kind, name, map[string]string{"TCP router": "TCP routers are converted from labels only", "UDP router": "HAProxy does not proxy UDP"}[kind])
	}
	for _, name := range slices.Sorted(maps.Keys(d.TCP.Routers)) {
		refuse(d.TCP.Routers[name].Node, "TCP router", name)
	}
	for _, name := range slices.Sorted(maps.Keys(d.UDP.Routers)) {
		refuse(d.UDP.Routers[name].Node, "UDP router", name)
	}
	if t := d.Tree.Child("tls"); t != nil {
		ds.Warnf(fileSource(tn, t.Origin), "give HAProxy the certificates with "+model.OptionCerts.Ref()+" DIR", "Traefik's tls section (certificates, options, stores) is not read: HAProxy's certificates come from %s or ACME", model.OptionCerts.Ref())
	}
}

// fileService resolves a service of the file provider to the compose
// service of its one server; why says why not.
func (pr *project) fileService(name string) (fileTarget, string) {
	f := pr.file
	switch {
	case f == nil:
		return fileTarget{}, "the Traefik service has no file provider (providers.file)"
	case f.problem != "":
		return fileTarget{}, "Traefik's file provider cannot be read: " + f.problem
	}
	s := f.services[strings.ToLower(name)]
	if s == nil {
		return fileTarget{}, fmt.Sprintf("no file of Traefik's file provider (%s) defines it", f.where)
	}
	t := fileTarget{service: s}
	switch {
	case s.Other != nil:
		t.why = fmt.Sprintf("a %s service is not converted (a load balancer of one server is)", s.Other.Name)
		return t, ""
	case len(s.Servers) != 1:
		t.why = fmt.Sprintf("it has %d servers: a load balancer of one server, a service of the project, is converted", len(s.Servers))
		return t, ""
	}
	t.url = s.Servers[0].Child("url")
	u, err := url.Parse(t.url.String())
	if err != nil || u.Host == "" {
		t.why = fmt.Sprintf("its server url %s is not an absolute URL", model.Printable(t.url.String()))
		return t, ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "h2c":
		t.port = 80
	case "https":
		t.port = 443
	default:
		t.why = fmt.Sprintf("its server url's scheme %s is not http, https or h2c", model.Printable(u.Scheme))
		return t, ""
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			t.why = fmt.Sprintf("its server url's port %s is not a port", model.Printable(p))
			return t, ""
		}
		t.port = n
	}
	if s.Servers[0].Child("preservePath").Bool() && strings.Trim(u.Path, "/") != "" {
		t.why = "its server url has a path Traefik puts before the request's (preservePath), which is not converted"
		return t, ""
	}
	host := strings.ToLower(u.Hostname())
	for _, svc := range pr.composeServices {
		if strings.ToLower(svc) == host {
			t.target = svc
		}
	}
	if t.target == "" {
		t.why = fmt.Sprintf("its server %s is not a service of the project (HAProxy reaches the project's services by their name)", model.Printable(u.Host))
	}
	return t, ""
}

// resolveFileRouters finds the compose service each file router sends
// requests to: the one whose labels define its name@docker service, or
// the one a file service's server names. A router that cannot be sent
// anywhere is refused here; the others are claimed by their service.
func (pr *project) resolveFileRouters(services []model.Service, ds *model.Diagnostics) {
	tn := pr.traefik.Name
	ignored := map[string]bool{}
	if v, _, ok := model.LabelsOf(pr.traefik).Get(ignoreKey); ok {
		for _, name := range model.SplitList(v) {
			if n, ok := strings.CutSuffix(strings.ToLower(name), "@file"); ok {
				ignored[n] = true
			}
		}
	}
	for _, fr := range pr.file.routers {
		r := fr.r
		it := pr.item(tn, kindFileRouter, r.Name)
		if ignored[strings.ToLower(r.Name)] {
			it.Outcome, it.Detail = model.LeftOut, "named by "+ignoreKey+" of the Traefik service"
			continue
		}
		it.Detail = model.Printable(r.Rule.String())
		pr.nameMiddlewares(r.Middlewares.List(), "file")
		from := len(*ds)
		refuse := func(format string, args ...any) {
			ds.Errorf(nodeSource(pr.traefik, r.Service), "send it to a service of the project, or remove the router",
				"router %s@file: %s", r.Name, fmt.Sprintf(format, args...))
		}
		sname, provider := r.Service.String(), "file"
		if i := strings.LastIndexByte(sname, '@'); i >= 0 {
			sname, provider = sname[:i], strings.ToLower(sname[i+1:])
		}
		switch provider {
		case "":
			refuse("it has no service")
		case "file":
			t, why := pr.fileService(sname)
			switch {
			case why != "":
				refuse("service %s: %s", sname, why)
			case t.why != "":
				refuse("service %s: %s", sname, t.why)
			default:
				fr.target = t.target
			}
		case "docker", "swarm":
			if to, ok := pr.dockerServices[strings.ToLower(sname)]; ok {
				fr.target = to
			} else {
				refuse("service %s@%s is defined by no container Traefik routes", sname, provider)
			}
		case "internal":
			fr.target = tn // ping@internal: HAProxy answers; the dashboard is refused there
		default:
			refuse("service %s is from Traefik's %s provider, which compose2haproxy does not read", model.Printable(r.Service.String()), model.Printable(provider))
		}
		it.record(ds, from)
		if fr.target != "" {
			pr.fileRoutes[fr.target] = append(pr.fileRoutes[fr.target], fr)
		}
	}
}

// claimFileRouters claims the file routers that send requests to st's
// service; labelled says whether Traefik reads its labels (its
// name@docker services exist only then).
func (pr *project) claimFileRouters(st *serviceState, labelled bool, exposed []int, ds *model.Diagnostics) {
	tn := pr.traefik.Name
	for _, fr := range pr.fileRoutes[st.svc.Name] {
		fr.claimed = true
		it := pr.item(tn, kindFileRouter, fr.r.Name)
		from := len(*ds)
		_, provider, _ := strings.Cut(fr.r.Service.String(), "@")
		if !labelled && (strings.EqualFold(provider, "docker") || strings.EqualFold(provider, "swarm")) {
			ds.Errorf(nodeSource(pr.traefik, fr.r.Service), "send it to a service of the project, or remove the router",
				"router %s@file: service %s is defined by a container Traefik does not route", fr.r.Name, fr.r.Service.String())
		} else {
			pr.claimRouter(st, fr.r, fr, exposed, ds)
		}
		it.record(ds, from)
	}
}
