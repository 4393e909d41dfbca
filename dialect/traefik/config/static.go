package config

import (
	"fmt"
	"math"
	"net"
	"sort"
	"strconv"
	"strings"
)

// StaticInput is the Traefik service of a compose project, as far as its
// static configuration goes.
type StaticInput struct {
	// Command is the service's command, already split (a leading "traefik"
	// is skipped).
	Command []string
	// Environment holds the service's variables; only TRAEFIK_* are read.
	Environment map[string]string
	// File is the static configuration file Traefik finds (--configFile, or
	// /etc/traefik/traefik.{toml,yaml,yml}), when the caller could read it
	// from the project; nil when there is none. FileName chooses TOML or YAML.
	File     []byte
	FileName string
}

// Static is Traefik's static configuration, as far as this package reads it.
type Static struct {
	// Source is where Traefik takes it from: "file", "flags", "env", or ""
	// for Traefik's defaults. Traefik reads exactly one source: a file when
	// it finds one, else the flags when there are any, else TRAEFIK_* variables.
	Source string
	Tree   *Node
	// EntryPoints after Traefik's default: with none defined, "http" on :80.
	EntryPoints map[string]*EntryPoint
	Docker      *DockerProvider // nil: the Docker provider is off
	// Swarm: providers.swarm (v3), or providers.docker with swarmMode (v2).
	Swarm *DockerProvider
	File  *FileProvider // nil: the file provider is off
	API   *Node         // section; Lookup("dashboard"), Lookup("insecure")
	Ping  *Node         // section; nil when off
	// CertificatesResolvers by name; their settings are not interpreted.
	CertificatesResolvers map[string]*Node
}

// EntryPoint is one listener.
type EntryPoint struct {
	Name      string
	Node      *Node
	Address   *Node
	Host      string // empty: every address
	Port      int
	Protocol  string // "tcp" or "udp"
	AsDefault *Node
	// Redirect: http.redirections.entryPoint; nil when unset. Scheme
	// defaults to "https", Permanent to true (Traefik's SetDefaults).
	Redirect         *Redirect
	Middlewares      *Node // http.middlewares: List(), applied to every router here
	TLS              *TLS  // http.tls: applied to every router here
	Default          bool  // Traefik's own "http" entry point
	ForwardedHeaders *Node
}

type Redirect struct {
	To, Scheme, Permanent, Priority *Node
}

// PriorityOrDefault is the redirect router's priority: MaxInt-1 unless set.
func (r *Redirect) PriorityOrDefault() int64 {
	if r.Priority != nil {
		return r.Priority.Int()
	}
	return math.MaxInt - 1
}

// DockerProvider is providers.docker or providers.swarm.
type DockerProvider struct {
	Node             *Node
	ExposedByDefault bool        // default true
	Constraint       *Constraint // never nil; empty matches everything
	DefaultRule      string      // default DefaultRuleTemplate
	Network          *Node
}

type FileProvider struct {
	Node      *Node
	Directory *Node
	Filename  *Node
}

// DefaultEntryPoints are the entry points of a router that names none:
// those with asDefault when any has it, else all; never UDP ones nor
// Traefik's internal "traefik"; sorted (Traefik's getDefaultsEntrypoints).
func (s *Static) DefaultEntryPoints() []string {
	any := false
	for _, e := range s.EntryPoints {
		any = any || e.AsDefault.Bool()
	}
	var out []string
	for name, e := range s.EntryPoints {
		if (any && !e.AsDefault.Bool()) || e.Protocol == "udp" || name == "traefik" {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// DecodeStatic reads the static configuration from the one source Traefik
// would use. Diagnostics note the sources Traefik ignores. The error is
// non-nil when the file does not parse or an input exceeds a cap.
func DecodeStatic(in StaticInput) (*Static, Diagnostics, error) {
	var ds Diagnostics
	args := in.Command
	if len(args) > 0 && args[0] == "traefik" {
		args = args[1:]
	}
	if len(args) > maxKeys || len(in.Environment) > maxKeys {
		return nil, nil, fmt.Errorf("more than %d flags or variables: %w", maxKeys, ErrLimit)
	}
	env := traefikEnv(in.Environment)
	var r *raw
	st := &Static{}
	switch {
	case in.File != nil:
		st.Source = "file"
		var err error
		if r, err = fileRaw(in.FileName, in.File); err != nil {
			return nil, nil, err
		}
		if flagsBesides(args) {
			ds.add(Note, Origin{Source: "flag", Key: args[0]}, "", "Traefik reads its configuration file %s and ignores its other flags", in.FileName)
		}
		if len(env) > 0 {
			ds.add(Note, Origin{Source: "env", Key: env[0]}, "", "Traefik reads its configuration file %s and ignores TRAEFIK_* variables", in.FileName)
		}
	case len(args) > 0:
		st.Source = "flags"
		r, _ = buildFlat(parseFlags(args, &ds), &ds)
		if len(env) > 0 {
			ds.add(Note, Origin{Source: "env", Key: env[0]}, "", "Traefik has flags, so it ignores TRAEFIK_* variables")
		}
	case len(env) > 0:
		st.Source = "env"
		r, _ = buildFlat(parseEnv(in.Environment, env, &ds), &ds)
	default:
		r = &raw{}
	}
	src := srcLabel // flags and variables are flat keys, as labels
	if st.Source == "file" {
		src = srcFile
	}
	tree := check(r, staticSchema(), src, Origin{Source: st.Source}, &ds, &nodeArena{})
	if tree == nil {
		tree = &Node{kind: gSection}
	}
	st.Tree = tree
	st.fill(&ds)
	ds.Sort()
	return st, ds, nil
}

func flagsBesides(args []string) bool {
	for _, a := range args {
		if !strings.HasPrefix(strings.ToLower(strings.TrimLeft(a, "-")), "configfile") {
			return true
		}
	}
	return false
}

// traefikEnv lists the TRAEFIK_* variables, sorted; the prefix is matched
// case-insensitively, as paerser does.
func traefikEnv(env map[string]string) []string {
	var out []string
	for k := range env {
		if len(k) > len("TRAEFIK_") && strings.EqualFold(k[:len("TRAEFIK_")], "TRAEFIK_") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// parseEnv: TRAEFIK_ENTRYPOINTS_WEB_ADDRESS is traefik.entrypoints.web.address;
// every "_" is a dot, so names with "_" cannot be written this way.
func parseEnv(env map[string]string, names []string, ds *Diagnostics) []flat {
	var out []flat
	for _, k := range names {
		o := Origin{Source: "env", Key: k}
		v := env[k]
		if len(k) > maxKeyLen || len(v) > maxValueLen {
			ds.add(Error, o, "", "variable longer than this tool reads")
			continue
		}
		path, msg := splitKey(strings.ReplaceAll(strings.ToLower(k[len("TRAEFIK_"):]), "_", "."))
		if msg != "" {
			ds.add(Error, o, v, "%s", msg)
			continue
		}
		out = append(out, flat{path: path, value: v, origin: o})
	}
	return out
}

// parseFlags reads flags as paerser does: -name or --name, with =value, or
// alone for a boolean or a section (meaning true), else with the next
// argument as value; a repeated list flag appends. Reading stops at the
// first argument that is not a flag, or after "--".
func parseFlags(args []string, ds *Diagnostics) []flat {
	schema := staticSchema()
	var out []flat
	seen := map[string]int{}
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		args = args[1:]
		o := Origin{Source: "flag", Key: a}
		if name == "" || name[0] == '-' || name[0] == '=' {
			ds.add(Error, o, "", "bad flag syntax (Traefik refuses to start)")
			continue
		}
		value, hasValue := "", false
		if i := strings.IndexByte(name[1:], '='); i >= 0 {
			name, value, hasValue = name[:i+1], name[i+2:], true
			o.Key = "--" + name
		}
		if len(name) > maxKeyLen || len(value) > maxValueLen {
			ds.add(Error, o, "", "flag longer than this tool reads")
			continue
		}
		path, msg := splitKey(name)
		if msg != "" {
			ds.add(Error, o, value, "%s", msg)
			continue
		}
		if !hasValue {
			switch flagKind(schema, path) {
			case gBool, gSection:
				value = "true"
			case gOpaque:
				// not interpreted: a following flag or nothing means "true"
				if len(args) == 0 || strings.HasPrefix(args[0], "-") {
					value = "true"
				} else {
					value, args = args[0], args[1:]
				}
			default:
				if len(args) == 0 {
					ds.add(Error, o, "", "flag needs an argument (Traefik refuses to start)")
					continue
				}
				value, args = args[0], args[1:]
			}
		}
		lk := strings.ToLower(name)
		if i, ok := seen[lk]; ok && flagKind(schema, path) == gList {
			out[i].value += "," + value
			continue
		}
		seen[lk] = len(out)
		out = append(out, flat{path: path, value: value, origin: o})
	}
	if len(args) > 0 {
		ds.add(Warning, Origin{Source: "flag", Key: args[0]}, "", "Traefik stops reading flags here: %d argument(s) from this one on are not read", len(args))
	}
	return out
}

// flagKind walks the schema along path to tell how a flag without value reads.
func flagKind(f *field, path []string) grammar {
	for _, p := range path {
		switch f.g {
		case gSection:
			if f = f.lookupField(p, srcLabel); f == nil {
				return gString
			}
		case gMap, gItems:
			f = f.elem
		case gOpaque:
			return gOpaque
		default:
			return gString
		}
	}
	if f.g == gSection && f.allowEmpty {
		return gSection
	}
	return f.g
}

func (st *Static) fill(ds *Diagnostics) {
	t := st.Tree
	st.EntryPoints = map[string]*EntryPoint{}
	for _, n := range t.Child("entryPoints").Entries() {
		e := &EntryPoint{Name: n.Name, Node: n, Address: n.Child("address"), AsDefault: n.Child("asDefault"),
			Middlewares: n.Lookup("http.middlewares"), TLS: tlsOf(n.Lookup("http.tls")),
			ForwardedHeaders: n.Child("forwardedHeaders")}
		if rd := n.Lookup("http.redirections.entryPoint"); rd != nil {
			e.Redirect = &Redirect{To: rd.Child("to"), Scheme: rd.Child("scheme"), Permanent: rd.Child("permanent"), Priority: rd.Child("priority")}
			if e.Redirect.Scheme == nil {
				e.Redirect.Scheme = synth("scheme", "https", "Traefik's default redirection scheme")
			}
			if e.Redirect.Permanent == nil {
				e.Redirect.Permanent = &Node{Name: "permanent", Raw: "true", boolean: true, kind: gBool, Origin: Origin{Source: "default", Key: "Traefik's default: permanent"}}
			}
			if e.Redirect.To == nil {
				ds.add(Error, rd.Origin, "", "entry point %q redirects without redirections.entryPoint.to", n.Name)
			}
		}
		if e.Address == nil {
			ds.add(Error, n.Origin, "", "entry point %q has no address", n.Name)
		} else if msg := e.parseAddress(); msg != "" {
			ds.add(Error, e.Address.Origin, e.Address.Raw, "entry point %q: %s", n.Name, msg)
		}
		st.EntryPoints[n.Name] = e
	}
	if len(st.EntryPoints) == 0 {
		a := synth("address", ":80", "Traefik's default entry point")
		st.EntryPoints["http"] = &EntryPoint{Name: "http", Node: &Node{Name: "http", Origin: a.Origin}, Address: a, Port: 80, Protocol: "tcp", Default: true}
	}
	p := t.Child("providers")
	if d := p.Child("docker"); d != nil {
		dp := dockerProvider(d, ds)
		if d.Child("swarmMode").Bool() {
			st.Swarm = dp
		} else {
			st.Docker = dp
		}
	}
	if s := p.Child("swarm"); s != nil {
		st.Swarm = dockerProvider(s, ds)
	}
	if f := p.Child("file"); f != nil {
		st.File = &FileProvider{Node: f, Directory: f.Child("directory"), Filename: f.Child("filename")}
		switch {
		case st.File.Directory.String() != "" && st.File.Filename.String() != "":
			ds.add(Warning, st.File.Filename.Origin, st.File.Filename.Raw, "providers.file sets both directory and filename: Traefik reads only the directory")
			st.File.Filename = nil
		case st.File.Directory.String() == "" && st.File.Filename.String() == "":
			ds.add(Error, f.Origin, "", "providers.file needs directory or filename (Traefik: \"neither filename nor directory is defined\")")
		}
	}
	st.API, st.Ping = t.Child("api"), t.Child("ping")
	st.CertificatesResolvers = map[string]*Node{}
	for _, n := range t.Child("certificatesResolvers").Entries() {
		st.CertificatesResolvers[n.Name] = n
	}
}

func dockerProvider(n *Node, ds *Diagnostics) *DockerProvider {
	dp := &DockerProvider{Node: n, ExposedByDefault: true, DefaultRule: DefaultRuleTemplate, Network: n.Child("network")}
	if e := n.Child("exposedByDefault"); e != nil {
		dp.ExposedByDefault = e.Bool()
	}
	if r := n.Child("defaultRule"); r != nil {
		dp.DefaultRule = r.Raw
	}
	c := n.Child("constraints")
	con, err := ParseConstraint(c.String())
	if err != nil {
		// Traefik drops every container when its constraint does not
		// evaluate ("Error matching constraints expression"): match none.
		ds.add(Error, c.Origin, c.Raw, "%v: Traefik routes no container of this provider", err)
		con = &Constraint{expr: c.String(), never: true}
	}
	dp.Constraint = con
	return dp
}

// parseAddress: Traefik's "[host]:port[/tcp|/udp]".
func (e *EntryPoint) parseAddress() string {
	a := e.Address.Raw
	e.Protocol = "tcp"
	if i := strings.LastIndexByte(a, '/'); i >= 0 {
		switch strings.ToLower(a[i+1:]) {
		case "tcp", "udp":
			e.Protocol = strings.ToLower(a[i+1:])
		default:
			return "want [host]:port[/tcp|/udp]"
		}
		a = a[:i]
	}
	h, p, err := net.SplitHostPort(a)
	if err != nil {
		return "want [host]:port[/tcp|/udp]"
	}
	n, err := strconv.ParseUint(p, 10, 16)
	if named, ok := namedPorts[strings.ToLower(p)]; ok && e.Protocol == "tcp" {
		n, err = uint64(named), nil
	}
	if err != nil || n == 0 {
		return "want a port from 1 to 65535 (a port name other than Go's own, http, https, smtp…, depends on the image's /etc/services: write the number)"
	}
	e.Host, e.Port = h, int(n)
	return ""
}

// namedPorts are the TCP port names Go resolves without /etc/services
// (net's own table), so Traefik's listener resolves them in any image:
// --entrypoints.web.address=:http is port 80.
var namedPorts = map[string]int{
	"ftp": 21, "ftps": 990, "gopher": 70, "http": 80, "https": 443, "imap2": 143, "imap3": 220,
	"imaps": 993, "pop3": 110, "pop3s": 995, "smtp": 25, "submissions": 465, "ssh": 22, "telnet": 23,
}
