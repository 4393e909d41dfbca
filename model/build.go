package model

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// DockerDNS is Docker's embedded DNS server, the resolver by default.
const DockerDNS = "127.0.0.11:53"

// DefaultHSTS is the max-age, in seconds, of Strict-Transport-Security
// when a service asks for HSTS without one: a year.
const DefaultHSTS = 31536000

// Without a slots= tag or the slots option, a server-template holds twice
// the service's replicas (deploy.replicas or scale), and at least
// SlotBudget/(number of services), from MinSlots to DefaultSlots: a small
// project can scale a service out without a new config, and a large one
// does not pay HAProxy for thousands of empty slots (each costs about
// 6 KiB and up to 0.1 ms of start-up; see docs/performance.md).
const (
	DefaultSlots    = 10
	MinSlots        = 2
	SlotBudget      = 2000
	SlotsPerReplica = 2
)

// Options are the choices, besides the project, that shape the config.
// Diagnostics about them name them by Option.
type Options struct {
	Version  string
	Domains  []string // base domains; each routed name also answers as <name>.<domain>
	ProdLine string   // appended to every routed name; empty: none
	All      bool     // route every service with a TCP port
	Swarm    bool     // address servers as tasks.<service>
	Slots    int      // server-template size floor, 1 to MaxSlots; 0: by SlotBudget and the replicas (see DefaultSlots)

	perReplica int // slots a declared replica takes: SlotsPerReplica when Slots was 0, else 1
	// Listen: empty HTTP means ":80"; empty Stats, no stats page; Certs
	// turns on HTTPS, on HTTPS or ":443". No two listeners may share an
	// address and port.
	Listen    Listen
	Resolvers []string // nameservers; empty: Docker's, DockerDNS
	// DNSRate is the most DNS queries a second HAProxy may send while
	// nothing changes, 1 to MaxDNSRate; 0: DefaultDNSRate.
	DNSRate int
	// HostMap is the path of a host map file the config reads; empty:
	// hosts are matched by ACLs in the config itself.
	HostMap string
	// RuntimeDir is a directory of the proxy's own where HAProxy keeps its
	// runtime socket and the server state a reload starts from; empty: no
	// socket, and a reloaded HAProxy asks DNS for every address anew.
	RuntimeDir string
	// Command is the command line that made the config, for its header, so
	// that anyone can make it again; nil: none is recorded.
	Command []string
	// TrustedProxies are the networks whose X-Forwarded-For is believed;
	// Listen.AcceptProxy takes the PROXY protocol.
	TrustedProxies []string
	// StatsAuth holds the users of the stats page; nil: it is open.
	StatsAuth *Secret
	// Dialects read the services' labels, in this order (see Dialect):
	// the CLI's are dialect/all's. Nil: no label routes a service, only
	// All does.
	Dialects []Dialect
	// Features are the target HAProxy and what needs it (features.go).
	Features Features
}

// Build turns a project into a routing config. It is pure: the same project
// and options always give the same Config and Diagnostics. The Config is
// meaningful only when the diagnostics hold no error.
func Build(p Project, opts Options) (Config, Diagnostics) {
	return BuildProjects([]Project{p}, opts)
}

// BuildProjects turns several compose projects into one routing config,
// each project as itself (see projects.go): with one project it is Build.
// With several, every name the config gives (backends, and what render
// names after them) starts with the project's name, a service admits only
// services of its own project, and a host belongs to one project.
func BuildProjects(ps []Project, opts Options) (Config, Diagnostics) {
	return buildProjects(ps, opts, nil)
}

// buildProjects is BuildProjects; prepared, when not nil, receives the
// dialects each project's services were read with (BuildReport asks them).
func buildProjects(ps []Project, opts Options, prepared *[]Dialect) (Config, Diagnostics) {
	var ds Diagnostics
	add := checkFeatures(&opts, &ds)
	domains := checkOptions(&opts, &ds)
	if opts.perReplica == SlotsPerReplica {
		services := 0
		for _, p := range ps {
			services += len(p.Services)
		}
		opts.Slots = min(max(SlotBudget/max(services, 1), MinSlots), DefaultSlots)
	}
	trusted, statsAuth := checkAccessFlags(opts, &ds)
	multi := len(ps) > 1
	if multi {
		checkProjectNames(ps, opts, &ds)
	}

	var backends []Backend
	var admits []Admission
	var files []string
	var read []Dialect // every project's dialects, as Prepare bound them
	for _, p := range ps {
		bs, as, pds := buildProject(p, opts, domains, multi, &read)
		if backends == nil {
			backends = bs // one project: no copy
		} else {
			backends = append(backends, bs...)
		}
		admits = append(admits, as...)
		ds = append(ds, pds...)
		files = append(files, p.Files...)
	}
	limitHashWork(backends, statsAuth, &ds)
	slices.SortFunc(backends, func(a, b Backend) int { return cmp.Compare(a.Name, b.Name) })
	checkSources(backends, &ds)
	adm := admissionsOf(admits)
	checkConflicts(backends, opts.Listen, adm, &ds)
	defaultBackend := pickDefault(backends, &ds)
	finishFeatures(&add, opts, backends, statsAuth, &ds)
	lintShadows(backends, &ds)
	lintLoopbackAllow(ps, backends, &ds)
	if len(backends) == 0 && !ds.HasErrors() {
		var keys []string
		for _, t := range tables(opts.Dialects) {
			keys = append(keys, t.Route)
		}
		fix := "turn on " + OptionAll.Ref()
		if len(keys) > 0 {
			fix = "set " + strings.Join(keys, " or ") + " on a service, or " + fix
		}
		ds.Warnf(Source{}, fix, "no service is routed; the config answers every request with 404")
	}

	cfg := Config{
		Version:   opts.Version,
		Files:     headerNames(files),
		Projects:  projectNames(ps),
		Command:   headerNames(opts.Command),
		Listen:    opts.Listen,
		Resolvers: opts.Resolvers,
		DNSRate:   opts.DNSRate,
		Backends:  backends,
		Routes:    routesFor(backends, defaultBackend),
		HostMap:   opts.HostMap,
		Runtime:   runtimeFor(opts.RuntimeDir),

		TrustedProxies: trusted,
		StatsAuth:      statsAuth,
		Admissions:     admits,
		DefaultBackend: defaultBackend,
		Additions:      add,
	}
	for _, d := range read {
		if f, ok := d.(Finisher); ok {
			f.Finish(cfg, &ds)
		}
	}
	if prepared != nil {
		*prepared = read
	}
	locate(ps, ds)
	return cfg, ds.Sort()
}

// prepare gives each Preparer of opts the project, and returns the
// dialects to read its services with.
// They run at once, each reading the project alone (Prepare only reads
// it), and their diagnostics are added in the dialects' order.
func prepare(p Project, opts Options, ds *Diagnostics) []Dialect {
	out := slices.Clone(opts.Dialects)
	said := make([]Diagnostics, len(out))
	var wg sync.WaitGroup
	for i, d := range out {
		if pr, ok := d.(Preparer); ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out[i] = pr.Prepare(p, opts, &said[i])
			}()
		}
	}
	wg.Wait()
	for _, s := range said {
		*ds = append(*ds, s...)
	}
	return out
}

// buildProject makes the backends of one project and reads its
// admissions. In a run of several projects (multi) they are then made the
// project's own: named, addressed and traced to it (qualify).
func buildProject(p Project, opts Options, domains []Host, multi bool, read *[]Dialect) ([]Backend, []Admission, Diagnostics) {
	var ds Diagnostics
	opts.Dialects = prepare(p, opts, &ds)
	*read = append(*read, opts.Dialects...)
	services := slices.Clone(p.Services)
	slices.SortFunc(services, func(a, b Service) int { return cmp.Compare(a.Name, b.Name) })

	secrets := map[string]*Secret{}
	for i := range p.Secrets {
		secrets[p.Secrets[i].Name] = &p.Secrets[i]
	}
	admits := readAdmissions(services, &ds)
	// A Backend is a kilobyte: the slices of backends are made once, at
	// about their size, rather than grown by copying (issue 21).
	backends := make([]Backend, 0, len(services))
	for i := range services {
		backends = append(backends, buildService(&services[i], opts, domains, secrets, &ds)...)
	}
	checkServers(backends, p, &ds)
	backends = limitBackends(backends, &ds)
	backends = mergeShared(backends, admissionsOf(admits), &ds)
	nameBackends(backends)
	lintNetworks(services, backends, &ds)
	if multi {
		lintProjectAliases(p, services, backends, opts, &ds)
		qualify(p.Name, backends, admits, ds)
	}
	return backends, admits, ds
}

// pickDefault returns the backend that asked to get the requests no route
// matches; two that ask are an error naming both.
func pickDefault(bs []Backend, ds *Diagnostics) string {
	var first *Backend
	for i := range bs {
		b := &bs[i]
		switch {
		case b.Default == nil:
		case first == nil:
			first = b
		default:
			ds.Errorf(*b.Default, "keep one default backend", "%s is the default backend already (%s=%s)", first.who(), first.Default.Key, Printable(first.Default.Value))
		}
	}
	if first == nil {
		return ""
	}
	return first.Name
}

// checkOptions validates the options that reach the config and fills
// defaults. It returns the domains as hosts.
func checkOptions(opts *Options, ds *Diagnostics) []Host {
	var domains []Host
	for _, d := range opts.Domains {
		src := OptionDomains.source(d)
		name, prob := normHost(d, false)
		if prob != "" {
			fix := "give a domain like example.com"
			if trimmed := strings.TrimLeft(name, "."); strings.HasPrefix(name, ".") && checkHost(trimmed, false) == "" {
				fix = fmt.Sprintf("drop the leading dot: %s %s", OptionDomains.Ref(), trimmed)
			}
			ds.Errorf(src, fix, "domain %s", prob)
			continue
		}
		domains = append(domains, Host{Name: name, Source: src})
	}
	if opts.ProdLine != "" {
		src := OptionProdLine.source(opts.ProdLine)
		if prob := UnsafeChar(opts.ProdLine); prob != "" {
			ds.Errorf(src, "use a branch or commit id made of letters, digits and '-'", "production line %s", prob)
		} else if !isHostLabel(strings.ToLower(opts.ProdLine)) {
			ds.Errorf(src, "use a branch or commit id made of letters, digits and '-'", "production line is not a single DNS label")
		}
		opts.ProdLine = strings.ToLower(opts.ProdLine)
	}
	opts.perReplica = 1
	if opts.Slots == 0 {
		opts.perReplica = SlotsPerReplica // sized by Build
	} else if opts.Slots < 1 || opts.Slots > MaxSlots {
		ds.Errorf(OptionSlots.source(strconv.Itoa(opts.Slots)),
			fmt.Sprintf("give a number from 1 to %d; by default %d to %d by the number of services, and twice the replicas", MaxSlots, MinSlots, DefaultSlots), "a backend's server-template size is out of range")
		// Reported once: no backend warns that it was capped.
		opts.Slots = min(max(opts.Slots, 1), MaxSlots)
	}
	if opts.usesHTTPS() {
		src := OptionCerts.source(opts.Listen.Certs)
		if prob := UnsafeChar(opts.Listen.Certs); prob != "" {
			ds.Errorf(src, "move the certificates to a directory whose path has no such character", "certificate directory %s", prob)
		}
		if opts.Listen.HTTPS == "" {
			opts.Listen.HTTPS = ":443"
		}
		checkAddr(OptionHTTPS.source(opts.Listen.HTTPS), opts.Listen.HTTPS, false, ds)
		if opts.Listen.HTTPSPort == 0 {
			opts.Listen.HTTPSPort = addrPort(opts.Listen.HTTPS)
		}
		if p := opts.Listen.HTTPSPort; p < 0 || p > 65535 {
			ds.Errorf(OptionHTTPSPort.source(strconv.Itoa(p)), "give the port clients use for HTTPS, like 443", "port is not a whole number from 1 to 65535")
		}
	} else {
		if opts.Listen.HTTPS != "" {
			NoHTTPS(ds, OptionHTTPS.source(opts.Listen.HTTPS), OptionHTTPS.Ref(), "it is the HTTPS listener's address")
		}
		if opts.Listen.HTTPSPort != 0 {
			NoHTTPS(ds, OptionHTTPSPort.source(strconv.Itoa(opts.Listen.HTTPSPort)), OptionHTTPSPort.Ref(), "redirects to https name this port")
		}
	}
	if opts.HostMap != "" {
		// It is printed inside map(...): a comma would start a default
		// value, a parenthesis end the arguments.
		checkPlainPath(OptionHostMap.source(opts.HostMap), "map file path", ds)
	}
	if opts.RuntimeDir != "" {
		checkRuntimeDir(opts.RuntimeDir, ds)
	}
	if opts.Listen.HTTP == "" {
		opts.Listen.HTTP = ":80"
	}
	if len(opts.Resolvers) == 0 {
		opts.Resolvers = []string{DockerDNS}
	}
	if opts.DNSRate == 0 {
		opts.DNSRate = DefaultDNSRate
	}
	if opts.DNSRate < 1 || opts.DNSRate > MaxDNSRate {
		ds.Errorf(OptionDNSRate.source(strconv.Itoa(opts.DNSRate)),
			fmt.Sprintf("give a number of queries a second from 1 to %d; the default is %d", MaxDNSRate, DefaultDNSRate), "the DNS query rate is out of range")
		opts.DNSRate = min(max(opts.DNSRate, 1), MaxDNSRate)
	}
	for _, r := range opts.Resolvers {
		checkAddr(OptionResolvers.source(r), r, true, ds)
	}
	checkAddr(OptionHTTP.source(opts.Listen.HTTP), opts.Listen.HTTP, false, ds)
	if opts.Listen.Stats != "" {
		checkAddr(OptionStats.source(opts.Listen.Stats), opts.Listen.Stats, false, ds)
	}
	checkListeners(opts.Listen, ds)
	return domains
}

// checkListeners refuses two listeners on one address and port: the kernel
// would hand each of them part of the connections.
func checkListeners(l Listen, ds *Diagnostics) {
	type listener struct {
		opt  Option
		addr string
	}
	ls := []listener{{OptionHTTP, l.HTTP}}
	if l.HasHTTPS() {
		ls = append(ls, listener{OptionHTTPS, l.HTTPS})
	}
	if l.Stats != "" {
		ls = append(ls, listener{OptionStats, l.Stats})
	}
	for i, b := range ls {
		for _, a := range ls[:i] {
			if sameListener(a.addr, b.addr) {
				ds.Errorf(b.opt.source(b.addr), "give each listener its own port", "listens where %s=%s does", a.opt.Ref(), a.addr)
				break
			}
		}
	}
}

// sameListener reports whether two listen addresses take the same port on
// a common address: an empty host (or 0.0.0.0, [::]) is every address.
func sameListener(a, b string) bool {
	ha, hb := a[:max(strings.LastIndex(a, ":"), 0)], b[:max(strings.LastIndex(b, ":"), 0)]
	any := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "[::]" || h == "*" }
	return addrPort(a) == addrPort(b) && addrPort(a) != 0 && (any(ha) || any(hb) || strings.EqualFold(ha, hb))
}

// DefaultDNSRate bounds the DNS queries a second that re-resolving every
// server's name costs while nothing changes (see docs/performance.md):
// up to this many names are asked about every second, more
// names less often. A moved container is followed sooner than that: its
// failing health check asks DNS again at once.
const DefaultDNSRate = 100

// MaxDNSRate is the largest DNSRate: one query a millisecond.
const MaxDNSRate = 1000

// MaxSlots caps a server-template: HAProxy's start-up slows with every slot.
const MaxSlots = 4096

// checkAddr validates a listen or nameserver address: [HOST]:PORT. A
// nameserver needs a host; a listener may omit it (all addresses).
func checkAddr(src Source, addr string, needHost bool, ds *Diagnostics) {
	fix := "write it as :80, 127.0.0.1:8080 or [::1]:80"
	if needHost {
		fix = "write it as IP:PORT, like " + DockerDNS
	}
	if prob := UnsafeChar(addr); prob != "" {
		ds.Errorf(src, fix, "address %s", prob)
		return
	}
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		ds.Errorf(src, fix, "address has no port")
		return
	}
	host, port := addr[:i], addr[i+1:]
	if _, prob := ParseInt(port, 1, 65535); prob != "" {
		ds.Errorf(src, fix, "port %s", prob)
		return
	}
	if strings.ContainsAny(host, "[]:") {
		// Only an IPv6 address may hold a colon, and a pair of brackets
		// around the whole host holds nothing else.
		bare, open := strings.CutPrefix(host, "[")
		bare, closed := strings.CutSuffix(bare, "]")
		if open != closed || strings.ContainsAny(bare, "[]") {
			ds.Errorf(src, fix, "address has unmatched brackets")
		} else if a, err := netip.ParseAddr(bare); err != nil || !a.Is6() || a.Zone() != "" {
			ds.Errorf(src, fix, "%q is not an IPv6 address", bare)
		}
		return
	}
	if needHost && host == "" {
		ds.Errorf(src, fix, "address has no host")
		return
	}
	if host == "" {
		return
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
		return
	}
	if prob := checkHost(strings.ToLower(host), false); prob != "" {
		ds.Errorf(src, fix, "host %q %s", host, prob)
	}
}

// addrPort is the port of an address that checkAddr accepted; 0 if none.
func addrPort(addr string) int {
	n, _ := strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	return n
}

// headerNames are words for the header (the input files' names, the
// command line), safe to print anywhere: render quotes them, but a custom
// template may print them as they are.
func headerNames(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = SafeShown(f)
	}
	return out
}

// maxSocketPath is the longest Unix socket path HAProxy binds whatever
// its pid: it binds PATH.PID.tmp first, which Linux's 108 bytes must hold
// with a pid of 7 digits (haproxy -c takes up to 97, for 5).
const maxSocketPath = 95

// checkRuntimeDir accepts an absolute path that HAProxy reads as one word
// and whose socket path Linux can bind.
func checkRuntimeDir(dir string, ds *Diagnostics) {
	src := OptionRuntimeDir.source(dir)
	switch {
	case !checkPlainPath(src, "runtime directory", ds):
	case !strings.HasPrefix(dir, "/"):
		ds.Errorf(src, "write the directory's path inside the proxy container, like /var/run/haproxy", "runtime directory is not an absolute path")
	case len(runtimeFor(dir).Socket) > maxSocketPath:
		ds.Errorf(src, "choose a shorter path, like /var/run/haproxy", "runtime directory is too long: the socket's path would be longer than the %d bytes HAProxy can bind", maxSocketPath)
	}
}

func runtimeFor(dir string) *Runtime {
	if dir == "" {
		return nil
	}
	dir = strings.TrimSuffix(dir, "/")
	return &Runtime{Dir: dir, Socket: dir + "/haproxy.sock", ServerState: dir + "/servers.state"}
}

// checkPlainPath reports the path src holds unless HAProxy reads it as one
// plain file name (PlainPath); what names it in messages.
func checkPlainPath(src Source, what string, ds *Diagnostics) bool {
	switch {
	case UnsafeChar(src.Value) != "":
		ds.Errorf(src, "choose a path without it", "%s %s", what, UnsafeChar(src.Value))
	case !PlainPath(src.Value):
		ds.Errorf(src, "choose a path without them", "%s has characters other than letters, digits and . _ - / + @", what)
	default:
		return true
	}
	return false
}
