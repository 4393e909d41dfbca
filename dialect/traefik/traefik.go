package traefik

import (
	"cmp"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Keys of compose2haproxy's own that this dialect reads.
const (
	// proxyKey marks the Traefik service when its image does not say so.
	proxyKey = "compose2haproxy.traefik"
	// ignoreKey names routers of the service to leave out, on purpose:
	// the way out of a router that cannot be converted.
	ignoreKey = "compose2haproxy.traefik.ignore"
)

// Dialect is Traefik's. Its zero value is what dialect/all lists; Build
// prepares it for one project (Prepare), and the prepared one reads the
// services.
type Dialect struct {
	p *project
}

// project is what the dialect knows of one project: its Traefik service
// and static configuration, the middlewares every service's labels
// define, and each service's routes once claimed.
type project struct {
	name    string
	traefik *model.Service // nil: none in the project
	static  *config.Static
	// assumed: no Traefik service, so entry points are read by their
	// conventional names.
	assumed    bool
	httpPort   int
	httpsPort  int // 0: no HTTPS listener
	tls        bool
	acme       bool                         // the run gets certificates by ACME (--acme-directory)
	trusted    bool                         // trusted proxies: HAProxy's client address may come from X-Forwarded-For
	middleware map[string]definedMiddleware // by lower-case name
	// tcpMiddleware: the TCP middlewares, a namespace of their own.
	tcpMiddleware map[string]definedMiddleware
	// fileMiddleware: the file provider's (name@file).
	fileMiddleware map[string]definedMiddleware
	// file is Traefik's file provider; nil when it is off.
	file *fileProvider
	// fileRoutes are the file provider's routers by the compose service
	// they send requests to, which claims them.
	fileRoutes map[string][]*fileRouter
	// dockerServices are the compose services by the lower-case names of
	// the Traefik services their labels define (name@docker).
	dockerServices map[string]string
	// composeServices are the project's services' names.
	composeServices []string
	// networkNames are the engine's names of the project's networks that
	// are not PROJECT_KEY, by compose key (model.Project.NetworkNames).
	networkNames map[string]string
	services     map[string]*serviceState
	// items of the migration report (Report), by service, kind and name.
	items map[string]*reportItem
	// catchAlls are the Traefik service's routers that redirect plain
	// HTTP to https (findCatchAlls), converted as redirects.
	catchAlls []*redirect
	// named: the middlewares a router or entry point names, lower case.
	named map[string]bool
	// decoded are the services' labels as Prepare decoded them, by
	// service: Claim takes them from here rather than decode them again.
	decoded map[string]*decodedLabels
	// mwSources: see mw.sources.
	mwSources map[*config.Node]model.Source
}

type decodedLabels struct {
	labels map[string]string // traefikLabels
	l      *config.Labels
	ds     config.Diagnostics
	err    error
}

// labels are svc's traefik.* labels (traefikLabels), read once.
func (pr *project) labels(svc *model.Service) map[string]string {
	d, ok := pr.decoded[svc.Name]
	if !ok {
		d = &decodedLabels{labels: traefikLabels(svc)}
		pr.decoded[svc.Name] = d
	}
	return d.labels
}

// decode decodes svc's Traefik labels once.
func (pr *project) decode(svc *model.Service) (*config.Labels, config.Diagnostics, error) {
	labels := pr.labels(svc)
	d := pr.decoded[svc.Name]
	if d.l == nil && d.err == nil {
		d.l, d.ds, d.err = config.DecodeLabels(pr.decodable(svc, labels))
	}
	return d.l, d.ds, d.err
}

// decodeAll decodes every service's Traefik labels at once, on every CPU:
// decoding is most of this dialect's work, each service's apart from the
// others', and pr.decode hands out each result in the order it always did.
func (pr *project) decodeAll(services []model.Service) {
	var jobs []*decodedLabels
	var labels []map[string]string
	for i := range services {
		if l := pr.labels(&services[i]); len(l) > 0 {
			jobs = append(jobs, pr.decoded[services[i].Name])
			labels = append(labels, pr.decodable(&services[i], l))
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(jobs); i = int(next.Add(1)) - 1 {
				d := jobs[i]
				d.l, d.ds, d.err = config.DecodeLabels(labels[i])
			}
		}()
	}
	wg.Wait()
}

type definedMiddleware struct {
	m       *config.Middleware
	service string
	svc     *model.Service // the service whose labels define it, or the Traefik service
	// provider is "file" for the file provider's; "" for labels'.
	provider string
}

// kind is its kind in the migration report.
func (d definedMiddleware) kind() string {
	if d.provider == "file" {
		return kindFileMiddleware
	}
	return kindMiddleware
}

// Table describes the dialect for the documentation.
func (Dialect) Table() model.Table {
	return model.Table{Name: "traefik", Prefix: "traefik.", Route: "traefik.enable", Keys: labelDocs(), Limits: limitDocs()}
}

// isTraefik reports whether svc is the Traefik service: an image named
// traefik (any registry and tag), or compose2haproxy.traefik=true.
func isTraefik(svc *model.Service) bool {
	if on, _ := model.LabelsOf(svc).Flag(proxyKey); on {
		return true
	}
	image := svc.Image
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndexByte(image, '/'); i >= 0 {
		image = image[i+1:]
	}
	if i := strings.IndexByte(image, ':'); i >= 0 {
		image = image[:i]
	}
	return image == "traefik"
}

// Prepare reads the project's Traefik service and every service's
// middlewares.
func (Dialect) Prepare(p model.Project, opts model.Options, ds *model.Diagnostics) model.Dialect {
	pr := &project{name: p.Name, middleware: map[string]definedMiddleware{}, tcpMiddleware: map[string]definedMiddleware{}, fileMiddleware: map[string]definedMiddleware{},
		services: map[string]*serviceState{}, fileRoutes: map[string][]*fileRouter{}, dockerServices: map[string]string{}, decoded: map[string]*decodedLabels{}, mwSources: map[*config.Node]model.Source{}}
	pr.networkNames = p.NetworkNames
	pr.httpPort = portOf(opts.Listen.HTTP)
	pr.trusted = len(opts.TrustedProxies) > 0
	pr.acme = opts.Listen.ACME
	if opts.Listen.HTTPS != "" || opts.Listen.Certs != "" || opts.Listen.ACME {
		pr.tls = true
		pr.httpsPort = cmp.Or(portOf(opts.Listen.HTTPS), 443)
	}
	services := slices.Clone(p.Services)
	slices.SortFunc(services, func(a, b model.Service) int { return cmp.Compare(a.Name, b.Name) })
	for i := range services {
		svc := &services[i]
		if !isTraefik(svc) {
			continue
		}
		if pr.traefik != nil {
			ds.Errorf(model.Source{Service: svc.Name, Key: "image", Value: svc.Image, From: "compose"}, "keep one Traefik service in the project, or label the other compose2haproxy.traefik: \"false\"",
				"a second Traefik service (the first is %s): whose configuration to follow is unclear", pr.traefik.Name)
			continue
		}
		pr.traefik = svc
	}
	in := config.StaticInput{}
	if pr.traefik != nil {
		in.Command, in.Environment = pr.traefik.Command, pr.traefik.Environment
	} else {
		pr.assumed = true
	}
	st, cds, err := config.DecodeStatic(in)
	if err != nil {
		ds.Errorf(pr.staticSource(config.Origin{}), "shorten Traefik's configuration", "Traefik's static configuration: %v", err)
		st, _, _ = config.DecodeStatic(config.StaticInput{})
	}
	for _, d := range cds {
		pr.report(ds, d, pr.staticSource(d.Origin))
	}
	pr.static = st
	if p := st.Ping; p != nil && !p.Child("manualRouting").Bool() {
		ds.Warnf(pr.staticSource(p.Origin), "for a health endpoint on HAProxy's listeners, route a router to ping@internal (and set --ping.manualrouting=true)",
			"Traefik answers /ping on its entry point %s by itself; that is not converted: HAProxy does not take /ping from every host", cmp.Or(p.Child("entryPoint").String(), "traefik"))
	}
	for _, name := range slices.Sorted(maps.Keys(st.EntryPoints)) {
		pr.nameMiddlewares(st.EntryPoints[name].Middlewares.List(), "docker")
	}
	if pr.traefik != nil && st.Source == "" {
		// No flags, no TRAEFIK_* variables: Traefik reads a file of its
		// own, which compose2haproxy does not read yet.
		pr.assumed = true
		ds.Warnf(model.Source{Service: pr.traefik.Name, Key: "command", From: "compose"}, "give Traefik's settings as command flags to have them read",
			"Traefik's configuration is in a file compose2haproxy does not read: its entry points are taken by their usual names (web and http: the HTTP listener; websecure and https: the HTTPS one) and its Docker provider's defaults")
	}
	pr.decodeAll(services)
	for i := range services {
		pr.composeServices = append(pr.composeServices, services[i].Name)
		pr.readMiddlewares(&services[i], ds)
	}
	pr.readFileProvider(services, ds)
	pr.findCatchAlls()
	return Dialect{p: pr}
}

func portOf(addr string) int {
	n, _ := strconv.Atoi(addr[strings.LastIndexByte(addr, ':')+1:])
	return n
}

// readMiddlewares collects the middlewares svc's labels define: Traefik's
// Docker provider shares them between containers (name@docker).
func (pr *project) readMiddlewares(svc *model.Service, ds *model.Diagnostics) {
	if len(pr.labels(svc)) == 0 {
		return
	}
	l, _, err := pr.decode(svc)
	if err != nil || l == nil {
		return // reported when the service is claimed
	}
	if provider := pr.provider(svc); provider == nil || pr.leftOut(svc, l, provider) != "" {
		return // Traefik skips the container, its middlewares too
	}
	collect := func(defined map[string]*config.Middleware, into map[string]definedMiddleware, kind string) {
		for _, name := range slices.Sorted(maps.Keys(defined)) {
			m := defined[name]
			key := strings.ToLower(name)
			if prev, ok := into[key]; ok && prev.service != svc.Name {
				src := sourceOf(svc, m.Node.Origin)
				ds.Errorf(src, "give one of them another name",
					"%s %q is also defined by service %s: Traefik reports the conflict and uses neither", kind, name, prev.service)
				continue
			}
			into[key] = definedMiddleware{m: m, service: svc.Name, svc: svc}
		}
	}
	collect(l.HTTP.Middlewares, pr.middleware, "middleware")
	collect(l.TCP.Middlewares, pr.tcpMiddleware, "TCP middleware")
	// Its services, for the file provider's routers (name@docker): those
	// its labels define, else Traefik's default one.
	names := slices.Collect(maps.Keys(l.HTTP.Services))
	if len(names) == 0 && l.HasHTTP() && !isTraefik(svc) {
		names = []string{config.ServiceName(pr.name, svc.Name, svc.Name)}
	}
	for _, n := range names {
		pr.dockerServices[strings.ToLower(n)] = svc.Name
	}
}

// traefikLabels are svc's labels and deploy.labels (Traefik's Swarm
// provider reads those), the first winning, below traefik. only.
func traefikLabels(svc *model.Service) map[string]string {
	out := map[string]string{}
	for _, m := range []map[string]string{svc.DeployLabels, svc.Labels} {
		for k, v := range m {
			if len(k) > 8 && strings.EqualFold(k[:8], "traefik.") {
				out[k] = v
			}
		}
	}
	return out
}

// decodable are the labels of svc that Traefik decodes: those its
// provider's constraints name are read by the constraints alone
// (traefik.constraint-label), unless Traefik reads them too
// (traefik.enable).
func (pr *project) decodable(svc *model.Service, labels map[string]string) map[string]string {
	provider := pr.provider(svc)
	if provider == nil {
		return labels
	}
	var out map[string]string
	for _, k := range provider.Constraint.Labels() {
		if _, ok := labels[k]; !ok {
			continue
		}
		switch root, _, _ := strings.Cut(strings.ToLower(strings.TrimPrefix(k, "traefik.")), "."); root {
		case "http", "tcp", "udp", "tls", "enable", "docker", "swarm":
			continue
		}
		if out == nil {
			out = maps.Clone(labels)
		}
		delete(out, k)
	}
	if out == nil {
		return labels
	}
	return out
}

// sourceOf is the model's Source of a value config read from svc's
// labels, or from a file of the file provider (its name and line).
func sourceOf(svc *model.Service, o config.Origin) model.Source {
	switch o.Source {
	case "label":
		if src, ok := labelSource(model.LabelsOf(svc), o.Key); ok {
			return safe(src)
		}
	case "", "flag", "env", "default":
	default:
		return fileSource(svc.Name, o)
	}
	return model.Source{Service: svc.Name, Key: o.Key, From: "traefik"}
}

// labelSource is the Source of one of svc's labels, its value redacted
// only when secretKey says it may hold a secret.
func labelSource(l model.Labels, key string) (model.Source, bool) {
	_, src, ok := l.GetPublic(key)
	if ok && secretKey(key) {
		src.Value = model.Redacted
	}
	return src, ok
}

// secretKey reports whether the value of a Traefik key (a label, or a
// file provider's FILE:LINE:KEY) may hold a secret, so that messages show
// it redacted: the settings of a middleware (basicAuth's users, a header
// named Authorization or X-Api-Key, a plugin's token) and of a service's
// health check headers, whose names the model's credential pattern reads,
// without the middleware's or service's own name. Routers, services and
// the provider's keys hold names, rules and ports, which messages show:
// the pattern alone would hide tls.certResolver and sticky.cookie.name.
func secretKey(key string) bool {
	k := key
	if i := strings.LastIndexByte(k, ':'); i >= 0 {
		k = k[i+1:]
	}
	if len(k) >= len("traefik.") && strings.EqualFold(k[:len("traefik.")], "traefik.") {
		k = k[len("traefik."):]
	}
	// The first three parts and the rest, compared in any case: this runs
	// for every setting read, and a lower-case copy would be one more
	// allocation each.
	var parts [3]string
	rest, four := k, false // four: a fourth part, rest
	for i := range parts {
		p, after, more := strings.Cut(rest, ".")
		parts[i], rest, four = p, after, more
		if !more {
			break
		}
	}
	is := strings.EqualFold
	switch {
	case is(parts[0], "enable") || is(parts[0], "docker") || is(parts[0], "swarm"):
		return false
	case !four || !is(parts[0], "http") && !is(parts[0], "tcp") && !is(parts[0], "udp"):
		return model.CredentialKey(k)
	}
	switch {
	case is(parts[1], "routers"):
		return false
	case is(parts[1], "services"):
		const hc = "loadbalancer.healthcheck.headers."
		return len(rest) > len(hc) && is(rest[:len(hc)], hc) && model.CredentialKey(rest)
	default:
		return model.CredentialKey(rest)
	}
}

// safe is src with its value and item as a Source may show them: Traefik
// rules hold backquotes, which HAProxy's tokenizer reads. Messages show
// the value as written (Source.Shown).
func safe(src model.Source) model.Source {
	raw := src.Value
	src.Value, src.Item = model.SafeShown(src.Value), model.SafeShown(src.Item)
	return src.Shown(raw)
}

// staticSource is the Source of a value of the static configuration.
func (pr *project) staticSource(o config.Origin) model.Source {
	name := ""
	if pr.traefik != nil {
		name = pr.traefik.Name
	}
	switch o.Source {
	case "flag":
		return model.Source{Service: name, Key: "command", Value: model.SafeShown(o.Key), From: "compose"}.Shown(o.Key)
	case "env":
		if pr.traefik != nil {
			if _, src, ok := model.LabelsOf(pr.traefik).Get(o.Key); ok {
				return safe(src)
			}
		}
		return model.Source{Service: name, Key: o.Key, From: "environment"}
	}
	return model.Source{Service: name, Key: cmp.Or(o.Key, "command"), From: "traefik"}
}

// report hands a config diagnostic to the model's.
func (pr *project) report(ds *model.Diagnostics, d config.Diagnostic, src model.Source) {
	msg := oneLine(d.Message)
	switch d.Severity {
	case config.Error:
		ds.Errorf(src, "see Traefik's documentation for this key", "%s", msg)
	case config.Warning:
		ds.Warnf(src, "", "%s", msg)
	}
}

// oneLine is a message of config's, which may name a key of any bytes, as
// one printable line: a byte that is not printable UTF-8 escaped.
func oneLine(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			q := strconv.QuoteToGraphic(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}

// listener is where an entry point's requests come in, for the model.
type listener struct {
	shared bool // the shared HTTP (tls false) or HTTPS listener
	tls    bool
	port   int
	ep     *config.EntryPoint
	name   string // the entry point's, as the router names it
	// routerTLS: the router takes the TLS requests of this entry point,
	// and only those (its tls, or the entry point's http.tls); without,
	// only its plain ones. Traefik keeps the two apart on every entry
	// point.
	routerTLS bool
}

// conventional entry point names, read when the project has no Traefik
// service.
var conventional = map[string]bool{"web": false, "http": false, "websecure": true, "https": true}

// entryPointNamed is the Traefik service's entry point name, in any case
// (the one spelt so first, then the first in name order), or nil and why.
func (pr *project) entryPointNamed(name string) (*config.EntryPoint, string) {
	if ep, ok := pr.static.EntryPoints[name]; ok {
		return ep, ""
	}
	names := slices.Sorted(maps.Keys(pr.static.EntryPoints))
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return pr.static.EntryPoints[n], ""
		}
	}
	if pr.traefik == nil {
		return nil, fmt.Sprintf("entry point %q is not defined", name)
	}
	return nil, fmt.Sprintf("entry point %q is not defined by the Traefik service %s (it defines %s): Traefik drops the router", name, pr.traefik.Name, strings.Join(names, ", "))
}

// entryPoint resolves a router's entry point name.
func (pr *project) entryPoint(name string) (listener, string) {
	if pr.assumed {
		tls, ok := conventional[strings.ToLower(name)]
		switch {
		case !ok:
			return listener{}, fmt.Sprintf("entry point %q is defined nowhere: the project has no Traefik service (an image named traefik, or the label %s)", name, proxyKey)
		case tls && !pr.tls:
			return listener{}, "entry point " + name + " is HTTPS, and there is no HTTPS listener"
		case tls:
			return listener{shared: true, tls: true, port: pr.httpsPort}, ""
		}
		return listener{shared: true, port: pr.httpPort}, ""
	}
	ep, undefined := pr.entryPointNamed(name)
	switch {
	case ep == nil:
		return listener{}, undefined
	case ep.Protocol == "udp":
		return listener{}, "entry point " + name + " is UDP, which HAProxy does not proxy"
	case ep.Port == 0:
		return listener{}, "entry point " + name + " has no port this tool reads (see the error about its address)"
	case ep.Port == pr.httpPort:
		return listener{shared: true, port: ep.Port, ep: ep}, ""
	case pr.tls && ep.Port == pr.httpsPort:
		return listener{shared: true, tls: true, port: ep.Port, ep: ep}, ""
	}
	return listener{port: ep.Port, ep: ep}, ""
}

// redirectsToHTTPS reports the entry point of the shared HTTP listener
// that redirects every request to HTTPS (http.redirections), if any.
func (pr *project) redirectsToHTTPS() *config.EntryPoint {
	if pr.static == nil {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(pr.static.EntryPoints)) {
		ep := pr.static.EntryPoints[name]
		if ep.Port == pr.httpPort && ep.Redirect != nil {
			return ep
		}
	}
	return nil
}
