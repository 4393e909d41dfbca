package nginxproxy

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy/vars"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Dialect is nginx-proxy's: VIRTUAL_* variables and the proxy's settings.
// Build binds it to the project (Prepare); unbound, it reads each
// service with nginx-proxy's defaults, as if there were no proxy container.
type Dialect struct{}

// Prepare reads the proxy container's settings and folders, and every
// container's variables, once.
func (Dialect) Prepare(p model.Project, opts model.Options, ds *model.Diagnostics) model.Dialect {
	return newProject(p, opts, ds)
}

// Claim reads a service unbound to a project.
func (Dialect) Claim(l model.Labels, ds *model.Diagnostics) model.Claim {
	return newProject(model.Project{Services: []model.Service{*l.Service()}}, model.Options{}, &model.Diagnostics{}).Claim(l, ds)
}

// Apply applies a service's variables unbound to a project.
func (Dialect) Apply(a *model.Applier, port int) {
	p := newProject(model.Project{Services: []model.Service{*a.Labels().Service()}}, model.Options{}, &model.Diagnostics{})
	p.Claim(a.Labels(), &model.Diagnostics{})
	p.Apply(a, port)
}

// project is the dialect bound to one project.
type project struct {
	opts       model.Options
	services   []model.Service // the project's, sorted by name, for the report
	proxy      *vars.Proxy
	proxySvc   string // the service whose variables are the proxy's; "" when none
	roles      map[string]vars.Role
	containers map[string]*container
	// internal are the ranges NETWORK_ACCESS=internal lets in; internalProb
	// says why the proxy's replacement cannot be used.
	internal     []netip.Prefix
	internalSrc  model.Source
	internalProb string
	htpasswd     folder
	// defaultHost is DEFAULT_HOST, lower-case; "" when unset.
	defaultHost string
	// wildcards are every suffix wildcard of the project (".example.com"),
	// which nginx prefers to a regex host.
	wildcards []string
	outcomes  map[[2]string]outcome // by service and key: the report's rows
	proxyVars map[string]string
}

// container is one decoded proxied container.
type container struct {
	svc *model.Service
	c   *vars.Container
	vds vars.Diagnostics
	// hosts are the server_alias values of each VIRTUAL_HOST entry that
	// can be matched exactly, by name; nil until Claim.
	hosts map[string][]string
}

// outcome is what became of one variable.
type outcome struct {
	status Status
	note   string
}

func newProject(mp model.Project, opts model.Options, ds *model.Diagnostics) *project {
	p := &project{opts: opts, roles: map[string]vars.Role{}, containers: map[string]*container{}, outcomes: map[[2]string]outcome{}}
	p.internal = vars.InternalRanges
	services := slices.Clone(mp.Services)
	slices.SortFunc(services, func(a, b model.Service) int { return strings.Compare(a.Name, b.Name) })
	p.services = services
	p.findProxy(services, ds)
	for i := range services {
		svc := &services[i]
		if p.roles[svc.Name] != vars.NotProxy || acmeCompanion(svc.Image) {
			continue
		}
		c := p.decode(svc)
		if c == nil {
			continue
		}
		for _, vh := range c.c.Vhosts {
			switch h := vh.Host.V; h.Kind {
			case vars.HostSuffix, vars.HostDotSuffix:
				p.wildcards = append(p.wildcards, h.Match)
			}
		}
	}
	p.checkDefaultHost(ds)
	return p
}

// decode reads a service's variables, once.
func (p *project) decode(svc *model.Service) *container {
	if c, ok := p.containers[svc.Name]; ok {
		return c
	}
	in := vars.ContainerInput{Env: svc.Environment, Labels: svc.Labels}
	for _, pt := range slices.Concat(svc.Ports, svc.Expose) {
		in.Exposed = append(in.Exposed, vars.ExposedPort{Port: pt.Number, Proto: pt.Protocol})
	}
	c, vds, err := vars.DecodeContainer(in)
	if err != nil {
		c = &vars.Container{}
		vds = vars.Diagnostics{{Severity: vars.Error, Origin: vars.Origin{Source: "env", Key: "VIRTUAL_HOST"}, Message: err.Error()}}
	}
	out := &container{svc: svc, c: c, vds: vds}
	p.containers[svc.Name] = out
	return out
}

// acmeCompanion reports acme-companion's images, left out with the proxy.
func acmeCompanion(image string) bool {
	image = strings.ToLower(image)
	return strings.Contains(image, "acme-companion") || strings.Contains(image, "letsencrypt-nginx-proxy-companion")
}

// source is where an Origin of svc's variables is written.
func (p *project) source(svc string, o vars.Origin) model.Source {
	key, item, _ := strings.Cut(o.String(), "[")
	if item != "" {
		item = "[" + item
	}
	s := model.Source{Service: svc, Key: key}
	switch {
	case item != "":
		// A place in VIRTUAL_HOST_MULTIPORTS: shown instead of the YAML.
		s.From, s.Value = "environment", model.SafeShown(item)
	case o.Source == "env":
		s.From = "environment"
		if c := p.containers[svc]; c != nil {
			s.Value = model.SafeShown(c.svc.Environment[key])
		} else if p.proxySvc == svc {
			s.Value = model.SafeShown(p.proxyEnv(key))
		}
	case o.Source == "label":
		s.From = "labels"
		if c := p.containers[svc]; c != nil {
			s.Value = model.SafeShown(c.svc.Labels[key])
		}
	case o.Source == "file":
		s.From = "volumes"
	default:
		s.From = "nginx-proxy default"
	}
	return s
}

// setting is a container's value, else the proxy's (or nginx-proxy's
// default), with its source.
func setting[T any](p *project, svc string, own vars.Val[T], proxy vars.Val[T]) (T, model.Source, bool) {
	if own.Set() {
		return own.V, p.source(svc, own.Origin), true
	}
	if proxy.Origin.Source == "env" && p.proxySvc != "" {
		return proxy.V, p.source(p.proxySvc, proxy.Origin), true
	}
	return proxy.V, model.Source{Service: svc, Key: proxy.Origin.Key, From: "nginx-proxy default"}, false
}

// statusRank orders the outcomes of a variable: the worst wins.
var statusRank = map[Status]int{"": 0, NoEffect: 1, Converted: 2, ConvertedDiff: 3, Refused: 4}

// record notes what became of a variable, for the report: the worst
// outcome wins.
func (p *project) record(src model.Source, st Status, note string) {
	k := [2]string{src.Service, src.Key}
	if o, ok := p.outcomes[k]; ok && statusRank[o.status] >= statusRank[st] {
		return
	}
	p.outcomes[k] = outcome{st, note}
}

func (p *project) errorf(ds *model.Diagnostics, src model.Source, fix, msg string, args ...any) {
	d := model.Diagnostics{}
	d.Errorf(src, fix, msg, args...)
	p.record(src, Refused, d[0].Message)
	*ds = append(*ds, d...)
}

func (p *project) warnf(ds *model.Diagnostics, src model.Source, fix, msg string, args ...any) {
	d := model.Diagnostics{}
	d.Warnf(src, fix, msg, args...)
	p.record(src, ConvertedDiff, d[0].Message)
	*ds = append(*ds, d...)
}

// report hands vars' diagnostics on: errors and warnings as the model's,
// notes to the report only. skip leaves out those the dialect answers
// itself.
func (p *project) report(svc string, vds vars.Diagnostics, ds *model.Diagnostics, skip func(vars.Diagnostic) bool) {
	for _, d := range vds {
		if skip != nil && skip(d) {
			continue
		}
		src := p.source(svc, d.Origin)
		if d.Value != "" && src.Item == "" && d.Value != src.Value {
			src.Item = model.SafeShown(d.Value)
		}
		switch d.Severity {
		case vars.Error:
			p.errorf(ds, src, "", "%s", d.Message)
		case vars.Warning:
			p.warnf(ds, src, "", "%s", d.Message)
		default:
			p.record(src, Converted, d.Message)
		}
	}
}

// Claim leaves the proxy out, and routes a container with VIRTUAL_HOST
// (or VIRTUAL_HOST_MULTIPORTS) on the ports its routes give.
func (p *project) Claim(l model.Labels, ds *model.Diagnostics) model.Claim {
	svc := l.Service()
	if p.roles[svc.Name] != vars.NotProxy || acmeCompanion(svc.Image) {
		return model.Claim{Ignore: true}
	}
	c := p.decode(svc)
	for _, k := range []string{"VIRTUAL_HOST", "VIRTUAL_PORT", "VIRTUAL_PATH", "VIRTUAL_HOST_MULTIPORTS", "LETSENCRYPT_HOST"} {
		if v, ok := svc.Labels[k]; ok {
			if _, inEnv := svc.Environment[k]; !inEnv {
				p.warnf(ds, model.Source{Service: svc.Name, Key: k, Value: model.SafeShown(v), From: "labels"}, "set it in environment:",
					"nginx-proxy reads %s from the container's environment, not its labels: it is ignored", k)
			}
		}
	}
	p.report(svc.Name, c.vds, ds, func(d vars.Diagnostic) bool {
		return (d.Origin.Key == "ACME_HOST" || d.Origin.Key == "LETSENCRYPT_HOST") && strings.HasPrefix(d.Message, "certificates are not obtained")
	})
	if !c.c.Routed {
		return model.Claim{}
	}
	c.hosts = map[string][]string{}
	for _, vh := range c.c.Vhosts {
		h := vh.Host.V
		if _, done := c.hosts[h.Name]; done {
			continue
		}
		src := p.source(svc.Name, vh.Host.Origin).WithItem(model.SafeShown(h.Name))
		if names := p.hostNames(h, src, ds); names != nil {
			c.hosts[h.Name] = names
		}
	}
	if len(c.hosts) == 0 {
		return model.Claim{}
	}
	key := "VIRTUAL_HOST"
	if c.c.Multiports {
		key = "VIRTUAL_HOST_MULTIPORTS"
	}
	cl := model.Claim{Route: true, Source: model.Source{Service: svc.Name, Key: key, Value: model.SafeShown(svc.Environment[key]), From: "environment"}}
	var ports []int
	for _, vh := range c.c.Vhosts {
		for _, r := range vh.Routes {
			if !slices.Contains(ports, r.Port.V.Number) {
				ports = append(ports, r.Port.V.Number)
			}
			if r.Port.V.Rule == vars.PortDefault && len(svc.Ports)+len(svc.Expose) == 0 {
				p.warnf(ds, p.source(svc.Name, r.Port.Origin), "set VIRTUAL_PORT, or declare the port with expose:",
					"no port given and none declared: nginx-proxy would use the image's port if it exposes only one; compose2haproxy cannot see images and routes port 80")
			}
		}
	}
	slices.Sort(ports)
	if len(ports) == 1 {
		cl.Port = ports[0]
		return cl
	}
	cl.Add = ports
	tcp, _, _ := model.DeclaredPorts(svc)
	for n := range tcp {
		if !slices.Contains(ports, n) {
			cl.Skip = append(cl.Skip, n)
		}
	}
	slices.Sort(cl.Skip)
	return cl
}

// atoi reads a number vars has checked.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// Table is the dialect's.
func (p *project) Table() model.Table { return Dialect{}.Table() }
