package render

import (
	"bytes"
	"cmp"
	"embed"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/compose2haproxy/compose2haproxy/model"
)

//go:embed templates/*.tmpl
var templates embed.FS

// DefaultTemplateName is the embedded template Config renders with.
const DefaultTemplateName = "haproxy.cfg.tmpl"

// DefaultTemplate returns the text of the embedded template, for
// --print-template and as a starting point for custom ones.
func DefaultTemplate() []byte {
	b, err := templates.ReadFile("templates/" + DefaultTemplateName)
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// Data is what templates see: the model plus the frontend rules derived
// from its routes.
type Data struct {
	model.Config
	Frontend Frontend
	// HTTPSOnly holds the redirects to https of each backend that asks for
	// them (https_only, or by X-Forwarded-Proto), by backend name. They are
	// made in the backend, after routing, so that they apply only to
	// requests routed there.
	HTTPSOnly map[string][]Redirect
	// SNI are the listeners that sni= services share, by port.
	SNI []SNIFrontend
	// DNS is how often the resolvers ask about each server's name.
	DNS DNS
}

// DNS paces the resolvers: every name the servers resolve is asked about
// once every Resolve ("timeout resolve"), so that the idle query rate is
// at most the config's DNSRate. A server whose health check fails to
// connect has its name asked about at once (hold valid permitting), which
// is how a moved container is followed between two periodic resolutions.
type DNS struct {
	Names   int    // distinct names the server-templates resolve
	Resolve string // HAProxy time: whole seconds, at least 1s
}

// dnsFor spreads cfg.DNSRate queries a second over the names to resolve.
func dnsFor(cfg model.Config) DNS {
	names := map[string]bool{}
	for _, b := range cfg.Backends {
		for _, s := range append(b.Shared, b.Servers) {
			if s.Address != "" {
				names[s.Address] = true
			}
		}
	}
	rate := max(cfg.DNSRate, 1) // a Config not made by Build may leave it 0
	secs := max(1, (len(names)+rate-1)/rate)
	return DNS{Names: len(names), Resolve: strconv.Itoa(secs) + "s"}
}

// SNIFrontend is a TCP listener on Port whose connections go, by the
// server name of their TLS hello, to the backend of the first rule whose
// patterns match it (Match "str": the name, "end": a suffix).
type SNIFrontend struct {
	Port  int
	Rules []SNIRule
}

// SNIRule is "use_backend Backend if { req_ssl_sni -m Match Patterns… }".
type SNIRule struct {
	Backend, Match string
	Patterns       []string
}

// sniFrontends groups the sni= backends by port, each port's rules in the
// order routes take: exact names first, then wildcards, longer first.
func sniFrontends(cfg model.Config) []SNIFrontend {
	byPort := map[int]*SNIFrontend{}
	type wildcard struct {
		port int
		rule SNIRule
	}
	var wild []wildcard
	for _, b := range cfg.Backends {
		if !b.SNI {
			continue
		}
		f := byPort[b.TCPPort]
		if f == nil {
			f = &SNIFrontend{Port: b.TCPPort}
			byPort[b.TCPPort] = f
		}
		var names []string
		for _, h := range b.Hosts {
			if h.Wildcard() {
				wild = append(wild, wildcard{b.TCPPort, SNIRule{Backend: b.Name, Match: "end", Patterns: []string{h.Suffix()}}})
			} else {
				names = append(names, h.Name)
			}
		}
		for chunk := range slices.Chunk(names, hostsPerLine) {
			f.Rules = append(f.Rules, SNIRule{Backend: b.Name, Match: "str", Patterns: chunk})
		}
	}
	slices.SortStableFunc(wild, func(a, b wildcard) int { return cmp.Compare(len(b.rule.Patterns[0]), len(a.rule.Patterns[0])) })
	for _, w := range wild {
		byPort[w.port].Rules = append(byPort[w.port].Rules, w.rule)
	}
	var fs []SNIFrontend
	for _, port := range slices.Sorted(maps.Keys(byPort)) {
		fs = append(fs, *byPort[port])
	}
	return fs
}

// Config renders cfg with the default template.
func Config(cfg model.Config) ([]byte, error) {
	return Template(cfg, DefaultTemplateName, DefaultTemplate())
}

// Template renders cfg with a text/template (with sprig's functions) named
// name, which appears in error messages with the line that failed.
func Template(cfg model.Config, name string, text []byte) ([]byte, error) {
	t, err := template.New(name).Funcs(sprigFuncs).Funcs(funcs).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return nil, err
	}
	f := frontendFor(cfg)
	var out bytes.Buffer
	out.Grow(sizeHint(cfg, f))
	if err := t.Execute(&out, Data{Config: cfg, Frontend: f, HTTPSOnly: httpsOnlyRedirects(cfg), SNI: sniFrontends(cfg), DNS: dnsFor(cfg)}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// sizeHint is about the size of the default template's config for cfg:
// the frontend's lines and a few lines a backend. Growing the output once
// to it, rather than by doubling, allocates half as much for a large config.
func sizeHint(cfg model.Config, f Frontend) int {
	n := 4096 + 256*len(cfg.Backends)
	for _, a := range f.HostACLs {
		n += 40 + len(a.Name)
		for _, p := range a.Patterns {
			n += 1 + len(p)
		}
	}
	for _, a := range f.PathACLs {
		n += 40 + 2*(len(a.Name)+len(a.Prefix))
	}
	for _, r := range f.Rules {
		n += 24 + len(r.Backend)
		for _, a := range r.ACLs {
			n += 1 + len(a)
		}
	}
	return n
}

// sprigFuncs are sprig's functions less those that would break the
// tool's promises (docs/safety-and-limits.md): sprig's own hermetic set drops env,
// expandenv, getHostByName, the clock, random strings and UUIDs; these go
// too: what reads the clock or the local time zone, random numbers and
// orders, and what makes keys, certificates or salted hashes (random).
var sprigFuncs = func() template.FuncMap {
	m := sprig.HermeticTxtFuncMap()
	for _, name := range []string{
		"ago", "durationRound", "toDate", "mustToDate", "unixEpoch", "mustDateModify", "must_date_modify",
		"randInt", "shuffle",
		"bcrypt", "htpasswd", "encryptAES", "genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert",
		"genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey", "buildCustomCert",
	} {
		delete(m, name)
	}
	return m
}()

var funcs = template.FuncMap{
	"comment":     comment,
	"shellWords":  shellWords,
	"stripRegex":  stripRegex,
	"stripACL":    stripACL,
	"regex":       regex,
	"regexes":     regexes,
	"tcpBind":     tcpBind,
	"quicBind":    quicBind,
	"words":       words,
	"waitBytes":   waitBytes,
	"maxUnsized":  func() int { return maxUnsizedBody },
	"corsAny":     corsAny,
	"corsOrigins": corsOrigins,
	"hasIPv4":     hasIPv4,
	"ipv6":        ipv6,

	// The defaults' timeouts that tags change, as the model documents them.
	"defaultTunnelTimeout": func() string { return model.DefaultTunnelTimeout },
	"defaultClientTimeout": func() string { return model.DefaultClientTimeout },
	"servers":              serverTemplates,
}

// serverTemplates lists a backend's server-templates: its own, then those of the
// services that share it. (sprig's prepend made a list of interfaces,
// whose every field the template then found by reflection: a third of
// the backends' rendering.)
func serverTemplates(own model.Servers, shared []model.Servers) []model.Servers {
	return append([]model.Servers{own}, shared...)
}

// hasIPv4 reports whether one of nets is IPv4 (validated networks: IPv6
// ones hold a ':'). Where a list holds one, the template refuses the
// addresses of 2002::/16 and ::/96 that its IPv6 networks do not name:
// HAProxy's src ACL reads a 6to4 address (2002:a00:1::1) or an
// IPv4-compatible one (::a00:1; ::1 is 0.0.0.1) as the IPv4 address inside
// it (10.0.0.1) against an IPv4 network (HAProxy 2.6, 3.0 and 3.2), so
// anyone who can send from one, or name one in a trusted proxy's
// X-Forwarded-For, would pass an IPv4 allow list. A v4-mapped address
// (::ffff:10.0.0.1) is how a dual-stack socket shows an IPv4 client: it is
// the IPv4 address, and passes as one.
func hasIPv4(nets []model.Network) bool {
	return slices.ContainsFunc(nets, func(n model.Network) bool { return !strings.Contains(n.CIDR, ":") })
}

// ipv6 lists the IPv6 networks of nets.
func ipv6(nets []model.Network) []model.Network {
	var out []model.Network
	for _, n := range nets {
		if strings.Contains(n.CIDR, ":") {
			out = append(out, n)
		}
	}
	return out
}

// corsAny reports whether any origin may call the service.
func corsAny(origins []model.Origin) bool {
	return slices.ContainsFunc(origins, func(o model.Origin) bool { return o.Origin == "*" })
}

// corsOrigins lists the allowed origins, sorted, each once.
func corsOrigins(origins []model.Origin) []string {
	var out []string
	for _, o := range origins {
		out = append(out, o.Origin)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// comment makes words safe in a comment line: a word holding anything but
// printable ASCII other than '"' is Go-quoted, so that a line break in a
// file name cannot end the comment and start a directive.
func comment(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w
		if strings.ContainsFunc(w, func(r rune) bool { return r < 0x20 || r > 0x7e || r == '"' }) {
			out[i] = strconv.QuoteToASCII(w)
		}
	}
	return out
}

// shellWords quotes a command line so that a POSIX shell reads it back as
// the same words: plain words stay bare, others go in single quotes ('\”
// for a quote). A word the comment line cannot hold (see comment) is
// Go-quoted instead, which a shell does not read back but which keeps the
// header a comment.
func shellWords(args []string) []string {
	out := comment(args)
	for i, w := range out {
		switch {
		case w != args[i]:
		case w == "":
			out[i] = "''"
		case strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:@+%") != "":
			out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
	}
	return out
}

// words lists networks as the words of src ACL lines, at most
// hostsPerLine a line (HAProxy ORs lines of one ACL).
func words(nets []model.Network) []string {
	var lines []string
	for chunk := range slices.Chunk(nets, hostsPerLine) {
		cidrs := make([]string, len(chunk))
		for i, n := range chunk {
			cidrs[i] = n.CIDR
		}
		lines = append(lines, strings.Join(cidrs, " "))
	}
	return lines
}

// maxUnsizedBody is how much of a body without Content-Length (and of
// its headers) HAProxy is sure to hold in its buffer (16 KiB, less 1 KiB
// kept for rewrites and room for its own bookkeeping); beyond it, the
// body cannot be counted.
const maxUnsizedBody = 12 << 10

// waitBytes is how much of a body without Content-Length to wait for:
// one byte over the limit proves it too large.
func waitBytes(limit int64) int64 { return min(limit+1, maxUnsizedBody) }

// regex is a validated path as a regex that matches it literally (the
// model's, whose limits bound what render writes).
func regex(path string) string { return model.PathRegex(path) }

// regexes are paths (model.PathChars) as regular expressions that match
// them literally.
func regexes(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = regex(p)
	}
	return out
}

// tcpBind listens for a TCP service on the HTTP listener's host.
func tcpBind(httpBind string, port int) string {
	host := httpBind[:strings.LastIndex(httpBind, ":")]
	return host + ":" + strconv.Itoa(port)
}

// quicBind is the QUIC (UDP) listener beside the HTTPS one: quic6@ for
// an IPv6 host, else quic4@ (every IPv4 address when the host is empty).
func quicBind(httpsBind string) string {
	if strings.HasPrefix(httpsBind, "[") {
		return "quic6@" + httpsBind
	}
	return "quic4@" + httpsBind
}

// stripRegex is strip_path's regex, the model's: it bounds its length.
func stripRegex(paths []model.Path) string { return model.StripRegex(paths) }

// stripACL is the condition of a strip_path rewrite as ACL lines (ORed
// by HAProxy), at most hostsPerLine prefixes a line: the path itself, or
// anything below it.
func stripACL(paths []model.Path) []string {
	var lines []string
	for _, match := range []struct{ fetch, suffix string }{{"path", ""}, {"path_beg", "/"}} {
		for chunk := range slices.Chunk(paths, hostsPerLine) {
			words := []string{match.fetch}
			for _, p := range chunk {
				words = append(words, p.Prefix+match.suffix)
			}
			lines = append(lines, strings.Join(words, " "))
		}
	}
	return lines
}

// Frontend is the HTTP frontend's ACLs, redirects and use_backend rules.
type Frontend struct {
	HostACLs  []HostACL
	PathACLs  []PathACL
	MatchACLs []MatchACL
	// Binds are the listeners services have of their own
	// (com.df.srcPort, srcHttpsPort), sorted.
	Binds     []Bind
	Redirects []Redirect
	Rules     []Rule
	// ClientProto: some backend redirects by the X-Forwarded-Proto the
	// request came with, which the frontend keeps in txn.client_proto.
	ClientProto bool
	// KeepPort: some redirect keeps the port of the request's Host header,
	// which the frontend then sets in txn.port (":8080", or empty).
	KeepPort bool
	// RouteMap is the map file the routes of exact hosts are looked up in
	// (by host and path, longest first: see HostMap), which the frontend
	// does before its rules, in txn.route; empty: none.
	RouteMap string
	// WildDepths are the numbers of labels of the wildcards that are
	// looked up in RouteMap too, by the host's suffix of each, most first
	// (in txn.wild_route); empty: wildcards are rules.
	WildDepths []int
}

// Bind is a service's own listener: Addr, with TLS (--tls's
// certificates) or without.
type Bind struct {
	Addr string
	TLS  bool
	Name string // the socket's name, for so_name
}

// MatchACL is one condition of a backend's routes (model.Match): "acl
// Name Fetch Flags Patterns…".
type MatchACL struct {
	Name     string
	Fetch    string
	Flags    string
	Patterns []string
}

// Redirect is one "http-request redirect prefix" line: to Target, keeping
// the path and query, with status Code.
type Redirect struct {
	Target string
	Code   int
	ACLs   []string
}

// HostACL matches the host (lower-cased, without port) exactly ("str") or
// by suffix ("end"). One ACL may span several lines: HAProxy ORs ACL lines
// of the same name, and a line holds at most 64 words.
type HostACL struct {
	Name     string
	Match    string
	Patterns []string
}

// PathACL is a segment-aware prefix: the path itself or anything below it;
// with Kind "exact" the path itself only, with "begins" any path that
// starts with the prefix as a string. It is named after the prefix and
// kind (pathACLName), shared by every route with them.
type PathACL struct {
	Name   string
	Prefix string
	Kind   string
}

// Rule is one use_backend line.
type Rule struct {
	Backend string
	ACLs    []string
}

const hostsPerLine = 32

func frontendFor(cfg model.Config) Frontend {
	var f Frontend
	routes := routeMapFor(cfg)
	if len(routes.keys) > 0 {
		f.RouteMap, f.WildDepths = cfg.HostMap, routes.wildDepths
	}
	// Routes are as many as the paths or more: their rules, and the path
	// ACLs, are allocated once.
	prefixes := make([]model.Path, 0, len(cfg.Routes))
	for i, r := range cfg.Routes {
		if routes.mapped[i] {
			continue
		}
		if r.Path.Prefix != "" {
			prefixes = append(prefixes, model.Path{Prefix: r.Path.Prefix, Kind: r.Path.Kind})
		}
		if r.Match != nil {
			for _, p := range r.Match.ExcludePaths {
				prefixes = append(prefixes, model.Path{Prefix: p.Prefix})
			}
		}
	}
	comparePath := func(a, b model.Path) int {
		return cmp.Or(strings.Compare(a.Prefix, b.Prefix), strings.Compare(string(a.Kind), string(b.Kind)))
	}
	slices.SortFunc(prefixes, comparePath)
	prefixes = slices.Compact(prefixes)
	if len(prefixes) > 0 {
		f.PathACLs = make([]PathACL, len(prefixes))
		for i, p := range prefixes {
			f.PathACLs[i] = PathACL{Name: pathACLName(p), Prefix: p.Prefix, Kind: string(p.Kind)}
		}
	}
	// A route's path ACL, by binary search in the sorted ACLs: its name is
	// made once, not once per route.
	pathACL := func(p model.Path) string {
		p.Source = model.Source{}
		i, _ := slices.BinarySearchFunc(f.PathACLs, p, func(a PathACL, p model.Path) int {
			return comparePath(model.Path{Prefix: a.Prefix, Kind: model.PathKind(a.Kind)}, p)
		})
		return f.PathACLs[i].Name
	}
	if len(cfg.Routes) > 0 {
		f.Rules = make([]Rule, 0, len(cfg.Routes)+2)
	}

	hostACL, matchACL := map[string]bool{}, map[string]bool{}
	var ownPorts []string // ports of services' own listeners, in rule order
	for i, r := range cfg.Routes {
		if !r.OwnListener() && (i == 0 || cfg.Routes[i-1].OwnListener()) {
			// The routes of services' own listeners come first; after them,
			// their ports serve nothing else.
			if len(ownPorts) > 0 {
				f.Rules = append(f.Rules, Rule{Backend: model.NoRoute, ACLs: []string{ownListeners(ownPorts)}})
			}
			if f.RouteMap != "" {
				// One lookup replaces every mapped rule, and it goes first:
				// a mapped host has all its routes in the map, which answers
				// with the one its rules would have tried first, and exact
				// hosts come before wildcards and routes on any host.
				f.Rules = append(f.Rules, Rule{Backend: "%[var(txn.route)]", ACLs: []string{"{ var(txn.route) -m found }"}})
			}
		}
		if r.Wildcard() && len(f.WildDepths) > 0 && (i == 0 || !cfg.Routes[i-1].Wildcard()) {
			// Routes sort exact hosts, wildcards and any host in turn:
			// the wildcards' lookup takes their place.
			f.Rules = append(f.Rules, Rule{Backend: "%[var(txn.wild_route)]", ACLs: []string{"{ var(txn.wild_route) -m found }"}})
		}
		if routes.mapped[i] {
			continue
		}
		name := "host_" + r.Backend
		if r.Backend == model.NoRoute && len(r.Hosts) > 0 && r.Hosts[0].Source.Project != "" {
			// A project's guarded hosts: one ACL each, so that another
			// project's never changes its line.
			name += "_" + r.Hosts[0].Source.Project
		}
		if r.Wildcard() {
			name = "wild_" + r.Backend + "_" + r.Hosts[0].Suffix()[1:]
		}
		if len(r.Hosts) > 0 && !hostACL[name] {
			// Once per ACL, not per route: a backend's routes, one a path,
			// share its hosts.
			hostACL[name] = true
			if r.Wildcard() {
				suffixes := make([]string, len(r.Hosts))
				for k, h := range r.Hosts {
					suffixes[k] = h.Suffix()
				}
				f.addHostACL(name, "end", suffixes)
			} else {
				f.addHostACL(name, "str", hostNames(r.Hosts))
			}
		}
		rule := Rule{Backend: r.Backend}
		if len(r.Hosts) > 0 || r.Path.Prefix != "" {
			rule.ACLs = make([]string, 0, 2)
		}
		if len(r.Hosts) > 0 {
			rule.ACLs = append(rule.ACLs, name)
		}
		if r.Path.Prefix != "" {
			rule.ACLs = append(rule.ACLs, pathACL(r.Path))
		}
		rule.ACLs = append(rule.ACLs, f.matchACLs(r, matchACL)...)
		f.Rules = append(f.Rules, rule)
		if r.OwnListener() {
			for _, l := range r.Match.Listeners {
				p := strconv.Itoa(l.Port)
				if !slices.Contains(ownPorts, p) {
					ownPorts = append(ownPorts, p)
					f.Binds = append(f.Binds, ownBind(cfg.Listen, l))
				}
			}
		}
	}
	if len(cfg.Routes) > 0 && cfg.Routes[len(cfg.Routes)-1].OwnListener() {
		f.Rules = append(f.Rules, Rule{Backend: model.NoRoute, ACLs: []string{ownListeners(ownPorts)}})
	}
	slices.SortFunc(f.Binds, func(a, b Bind) int { return strings.Compare(a.Addr, b.Addr) })
	f.Redirects = append(f.Redirects, hostRedirects(cfg, &f)...)
	f.ClientProto = slices.ContainsFunc(cfg.Backends, func(b model.Backend) bool { return b.ProtoRedirect != "" && !b.HTTPSOnly })
	return f
}

// matchACLs returns the conditions of r's backend as ACL names for its
// use_backend rule, adding their definitions once per backend: each
// header (all must match), the user agents (any), and not an excluded path.
func (f *Frontend) matchACLs(r model.Route, defined map[string]bool) []string {
	m := r.Match
	if m == nil {
		return nil
	}
	var names []string
	add := func(a MatchACL) {
		if !defined[a.Name] {
			defined[a.Name] = true
			f.MatchACLs = append(f.MatchACLs, a)
		}
		names = append(names, a.Name)
	}
	for i, h := range m.Headers {
		add(MatchACL{Name: "hdr_" + r.Backend + "_" + strconv.Itoa(i+1), Fetch: "req.fhdr(" + h.Name + ")", Flags: "-m str", Patterns: []string{h.Value}})
	}
	if len(m.UserAgents) > 0 {
		var agents []string
		for _, u := range m.UserAgents {
			agents = append(agents, u.Pattern)
		}
		add(MatchACL{Name: "agent_" + r.Backend, Fetch: "req.fhdr(user-agent)", Flags: "-m sub -i", Patterns: agents})
	}
	for _, p := range m.ExcludePaths {
		names = append(names, "!"+pathACLName(model.Path{Prefix: p.Prefix}))
	}
	if len(m.Listeners) > 0 {
		ports := make([]string, len(m.Listeners))
		for i, l := range m.Listeners {
			ports[i] = strconv.Itoa(l.Port)
		}
		names = append(names, ownListeners(ports))
	}
	if m.TLS {
		names = append(names, "{ ssl_fc }")
	}
	if m.Plain {
		names = append(names, "!{ ssl_fc }")
	}
	// add appended each ACL's name to names already.
	f.conditionACLs(r.Backend, "", model.Conditions{Methods: m.Methods, Queries: m.Queries, Clients: m.Clients}, add)
	if m.Not != nil {
		n := len(names)
		f.conditionACLs(r.Backend, "not_", *m.Not, add)
		for i := n; i < len(names); i++ {
			names[i] = "!" + names[i]
		}
	}
	return names
}

// conditionACLs defines the ACLs of m's methods, query parameters and
// client networks (Traefik's rule conditions), named after the backend,
// with add: a Match's (without headers), or its Not's.
func (f *Frontend) conditionACLs(backend, prefix string, m model.Conditions, add func(MatchACL)) {
	def := add
	if prefix != "" { // a Match's own headers are matchACLs'
		for i, h := range m.Headers {
			def(MatchACL{Name: prefix + "hdr_" + backend + "_" + strconv.Itoa(i+1), Fetch: "req.fhdr(" + h.Name + ")", Flags: "-m str", Patterns: []string{h.Value}})
		}
	}
	if len(m.Methods) > 0 {
		def(MatchACL{Name: prefix + "meth_" + backend, Fetch: "method,upper", Flags: "-m str", Patterns: m.Methods})
	}
	for i, q := range m.Queries {
		def(MatchACL{Name: prefix + "query_" + backend + "_" + strconv.Itoa(i+1), Fetch: "urlp(" + q.Key + ")", Flags: "-m str", Patterns: []string{q.Value}})
	}
	if len(m.Clients) > 0 {
		var nets []string
		for _, n := range m.Clients {
			nets = append(nets, n.CIDR)
		}
		def(MatchACL{Name: prefix + "client_" + backend, Fetch: "src", Flags: "-m ip", Patterns: nets})
	}
}

// ownBind is the bind line of a service's own listener: on --bind's host,
// or --tls-bind's for TLS, named for its port.
func ownBind(l model.Listen, own model.Listener) Bind {
	name := ownListenerName(strconv.Itoa(own.Port))
	if own.TLS {
		return Bind{Addr: tcpBind(l.HTTPS, own.Port), TLS: true, Name: name}
	}
	return Bind{Addr: tcpBind(l.HTTP, own.Port), Name: name}
}

// ownListeners is the condition that a request came to one of the
// services' own listeners on ports. It asks the socket that accepted the
// connection (so_name), not its destination port: behind a balancer that
// sends the PROXY protocol, dst_port is the one the balancer was asked
// for, and a service listening on that number would take every request.
func ownListeners(ports []string) string {
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = ownListenerName(p)
	}
	return "{ so_name " + strings.Join(names, " ") + " }"
}

func ownListenerName(port string) string { return "own_" + port }

// httpsOnlyRedirects are the redirects of each https_only backend: to the
// host without its port ("redirect scheme" would keep ":80"), and not for
// a short name, which is internal traffic that no certificate can match.
func httpsOnlyRedirects(cfg model.Config) map[string][]Redirect {
	m := map[string][]Redirect{}
	for _, b := range cfg.Backends {
		acls := []string{"!{ ssl_fc }", "{ var(txn.host) -m sub . }"}
		switch {
		case b.HTTPSOnly:
			m[b.Name] = byMethod(httpsURL("%[var(txn.host)]", cfg.Listen.HTTPSPort), b.HTTPSRedirectCode, b.HTTPSRedirectTemporary, acls)
		// Behind a balancer that terminates TLS on the standard port.
		case b.ProtoRedirect == "when-http":
			m[b.Name] = byMethod("https://%[var(txn.host)]", b.HTTPSRedirectCode, b.HTTPSRedirectTemporary, append(acls, "{ var(txn.client_proto) -m str http }"))
		case b.ProtoRedirect == "unless-https":
			m[b.Name] = byMethod("https://%[var(txn.host)]", b.HTTPSRedirectCode, b.HTTPSRedirectTemporary, append(acls, "!{ var(txn.client_proto) -m str https }"))
		}
	}
	return m
}

// pathACLName names a path ACL after its prefix, so that adding a route
// never renames another's ACL: "/api/v2" is "path:api:v2". ACL names take
// neither '/' nor '~'; ':' is in no path, and "//" is rejected, so "::" is
// free to stand for '~', between dots so that "/~" and "~/" differ.
func pathACLName(p model.Path) string {
	switch p.Kind {
	case model.PathExact:
		return "pathis" + aclEscape.Replace(p.Prefix)
	case model.PathBegins:
		return "pathbeg" + aclEscape.Replace(p.Prefix)
	}
	return "path" + aclEscape.Replace(p.Prefix)
}

var aclEscape = strings.NewReplacer("/", ":", "~", ".::.")

// hostRedirects sends old hosts to each backend's canonical host, over
// https when the route is https_only, else over the scheme the request used.
// A redirect to https lands on the public HTTPS port; one to http keeps the
// port the client asked for (txn.port), since it reached this listener.
func hostRedirects(cfg model.Config, f *Frontend) []Redirect {
	var rs []Redirect
	for _, b := range cfg.Backends {
		if len(b.Redirects) == 0 {
			continue
		}
		name := "redirect_" + b.Name
		f.addHostACL(name, "str", hostNames(b.Redirects))
		https := httpsURL(b.Canonical, cfg.Listen.HTTPSPort)
		http := "http://" + b.Canonical + "%[var(txn.port)]"
		switch {
		case b.HTTPSOnly:
			rs = append(rs, byMethod(https, 0, false, []string{name})...)
		case cfg.Listen.HasHTTPS():
			f.KeepPort = true
			rs = append(rs, byMethod(https, 0, false, []string{name, "{ ssl_fc }"})...)
			rs = append(rs, byMethod(http, 0, false, []string{name, "!{ ssl_fc }"})...)
		default:
			f.KeepPort = true
			rs = append(rs, byMethod(http, 0, false, []string{name})...)
		}
	}
	return rs
}

// httpsURL is the start of a redirect to https on host: the port is left
// out when it is the default.
func httpsURL(host string, port int) string {
	if port == 443 {
		return "https://" + host
	}
	return "https://" + host + ":" + strconv.Itoa(port)
}

// byMethod redirects with code, or when it is 0 with 301 for GET and HEAD
// and 308 for other methods (302 and 307 when temporary): clients turn a
// POST answered with 301 or 302 into a GET, and repeat it with its method
// and body after a 308 or 307.
func byMethod(target string, code int, temporary bool, acls []string) []Redirect {
	if code != 0 {
		return []Redirect{{Target: target, Code: code, ACLs: acls}}
	}
	get, other := 301, 308
	if temporary {
		get, other = 302, 307
	}
	return []Redirect{
		{Target: target, Code: get, ACLs: append(slices.Clone(acls), "METH_GET")},
		{Target: target, Code: other, ACLs: append(slices.Clone(acls), "!METH_GET")},
	}
}

// addHostACL adds the ACL lines of one host ACL, at most hostsPerLine
// patterns a line.
func (f *Frontend) addHostACL(name, match string, patterns []string) {
	for chunk := range slices.Chunk(patterns, hostsPerLine) {
		f.HostACLs = append(f.HostACLs, HostACL{Name: name, Match: match, Patterns: chunk})
	}
}

// routeMap is what cfg.HostMap holds: the routes of exact hosts, keyed
// by host and path, for one longest-prefix lookup (map_beg) of the
// request's host, path and '#' (routeKeys). A key encodes how its route
// matches:
//
//	any path          host/ and host#   (host# for a request without a path)
//	segments of /p    host/p/ and host/p#
//	exactly /p        host/p#
//	begins with /p    host/p
//
// Paths hold no '#' (model.PathChars, and the frontend strips fragments),
// so a key ending in '#' matches the whole path only. The longest key that
// matches is the route HAProxy's rules would try first: rules go from the
// longest prefix to the shortest, an exact path before a segment before a
// string prefix of the same length, which is the order of the keys'
// lengths (a segment's and an exact path's keys are one byte longer than
// the prefix, a string prefix's are not); a key two routes share keeps the
// one tried first. Only hosts without a conditioned route (model.Match)
// are mapped: a condition cannot be looked up, and all of a host's routes
// must be in the map for the longest to win. A route whose hosts are all
// mapped leaves the frontend's rules; one that also serves an unmapped
// host stays a rule too (for its mapped hosts, the lookup before it
// always answers first). A request whose host holds '/' or '#' skips the
// lookup, as it could pass for another host's path: no exact host holds
// either, so none of their rules would match it.
//
// Wildcards are keyed by their suffix in place of the host
// (.example.com/api/ for *.example.com's /api), and looked up after the
// exact hosts' rules, once for each number of labels the wildcards have,
// most first: the suffix of that many labels of the host, its path and
// '#'. A host ends with one suffix of each length only, and a longer
// wildcard's rules come before a shorter's, so the first lookup that
// answers is the rule that would have. A host whose suffix holds '/' or
// '#' matches no wildcard of that length, and skips the lookup. A host
// that starts with '.' may find a wildcard's key in the exact hosts'
// lookup: only the wildcard of its whole name, which is the longest that
// matches it. Wildcards are mapped all or none: none when one has a
// condition.
type routeMap struct {
	keys   map[string]string // key → backend
	mapped []bool            // by route: its rule is left out
	// wildDepths are the numbers of labels of the mapped wildcards'
	// suffixes, most first; none: the wildcards are rules.
	wildDepths []int
}

// routeMapFor decides the map of cfg: none without cfg.HostMap.
func routeMapFor(cfg model.Config) routeMap {
	m := routeMap{mapped: make([]bool, len(cfg.Routes))}
	if cfg.HostMap == "" {
		return m
	}
	exact := func(r model.Route) bool { return len(r.Hosts) > 0 && !r.Wildcard() }
	conditioned := map[string]bool{}
	for _, r := range cfg.Routes {
		if exact(r) && r.Match != nil {
			for _, h := range r.Hosts {
				conditioned[h.Name] = true
			}
		}
	}
	m.keys = map[string]string{}
	for i, r := range cfg.Routes {
		if !exact(r) || r.Match != nil {
			continue
		}
		all := true
		for _, h := range r.Hosts {
			if conditioned[h.Name] {
				all = false
				continue
			}
			for _, k := range routeKeys(h.Name, r.Path) {
				if _, taken := m.keys[k]; !taken { // the route tried first keeps it
					m.keys[k] = r.Backend
				}
			}
		}
		m.mapped[i] = all
	}
	mapWildcards(cfg, &m)
	return m
}

// mapWildcards adds the wildcard routes to m, unless one is conditioned.
func mapWildcards(cfg model.Config, m *routeMap) {
	if slices.ContainsFunc(cfg.Routes, func(r model.Route) bool { return r.Wildcard() && r.Match != nil }) {
		return
	}
	depths := map[int]bool{}
	for i, r := range cfg.Routes {
		if !r.Wildcard() {
			continue
		}
		for _, h := range r.Hosts {
			suffix := h.Suffix()
			depths[strings.Count(suffix, ".")] = true
			for _, k := range routeKeys(suffix, r.Path) {
				if _, taken := m.keys[k]; !taken {
					m.keys[k] = r.Backend
				}
			}
		}
		m.mapped[i] = true
	}
	m.wildDepths = slices.Sorted(maps.Keys(depths))
	slices.Reverse(m.wildDepths)
}

// routeKeys are the map keys of host under path p (see routeMap).
func routeKeys(host string, p model.Path) []string {
	switch {
	case p.Prefix == "":
		return []string{host + "/", host + "#"}
	case p.Kind == model.PathExact:
		return []string{host + p.Prefix + "#"}
	case p.Kind == model.PathBegins:
		return []string{host + p.Prefix}
	}
	return []string{host + p.Prefix + "/", host + p.Prefix + "#"}
}

// MappedRoutes is how many routes cfg.HostMap takes out of the frontend's
// use_backend rules: the rules HAProxy no longer tries one by one.
func MappedRoutes(cfg model.Config) int {
	n := 0
	for _, mapped := range routeMapFor(cfg).mapped {
		if mapped {
			n++
		}
	}
	return n
}

// HostMap is the map file for cfg.HostMap: "key backend" lines (see
// routeMap), sorted.
func HostMap(cfg model.Config) []byte {
	keys := routeMapFor(cfg).keys
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		b.WriteString(k + " " + keys[k] + "\n")
	}
	return []byte(b.String())
}

func hostNames(hs []model.Host) []string {
	names := make([]string, len(hs))
	for i, h := range hs {
		names[i] = h.Name
	}
	return names
}

// NoServerState is a server-state file that holds no server: only the
// format's version line. "haproxy -c -dW" rejects a config whose state file
// is missing, as it is on the machine that checks a config before the
// proxy ever ran; a check reads this one instead.
func NoServerState() []byte { return []byte("1\n") }
