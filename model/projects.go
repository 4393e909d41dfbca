package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Several projects, one config (BuildProjects).
//
// Each project is built as it would be alone; then its backends are made
// its own, so that no name, address or claim of one project can be
// another's:
//   - A backend is named "<project>.<name>" (compose project names hold no
//     '.', so the prefix is unambiguous), and what render names after a
//     backend (host ACLs, userlists, stick-tables) follows.
//   - Its servers are addressed as ProjectAlias: Docker's DNS answers a
//     service's name on a shared network with the containers of every
//     project that has a service of that name, so "web" would mix two
//     projects' web in one backend. The alias is one the project gives its
//     services on the shared network; lintProjectAliases checks it is there.
//   - Services are identified by project and name: compose2haproxy.admit
//     names services of the same project, and there is no admission across
//     projects, so a host (or "any host") claimed by two projects is an
//     error naming both, whatever their paths (checkProjectClaims).
//
// A single project keeps its plain names: a config made from one project
// does not change when the tool learns about several.

// AliasSuffix ends every ProjectAlias. When no container answers a name,
// Docker's DNS asks the host's nameservers; "web.shop" is a name anyone can
// register under the public .shop top-level domain, so a project that is
// down would send its traffic to a stranger. ".internal" is reserved for
// private use and is never delegated.
const AliasSuffix = ".internal"

// ProjectAlias is the DNS name the proxy reaches service of project by in
// a run of several projects: "<service>.<project>.internal", lower-case.
func ProjectAlias(service, project string) string {
	return strings.ToLower(service) + "." + strings.ToLower(project) + AliasSuffix
}

// id is service as the ownership rule tells services apart: its name, or
// in a run of several projects "<project>/<name>".
func (b *Backend) id(service string) string {
	if b.Project == "" {
		return service
	}
	return b.Project + "/" + service
}

// who names b's service in messages: "service web", or "service web of
// project shop" in a run of several projects.
func (b *Backend) who() string {
	if b.Project == "" {
		return "service " + b.Service
	}
	return "service " + b.Service + " of project " + b.Project
}

// serviceOf is the service name of an id.
func serviceOf(id string) string {
	return id[strings.LastIndexByte(id, '/')+1:]
}

// checkProjectNames refuses two projects of one name, whose backends and
// aliases would be one another's, and what a run of several projects
// cannot do.
func checkProjectNames(ps []Project, opts Options, ds *Diagnostics) {
	first := map[string]Project{}
	for _, p := range ps {
		prev, seen := first[p.Name]
		if !seen {
			first[p.Name] = p
			continue
		}
		ds.Errorf(Source{Project: p.Name}, "give one of them another name: rename its folder, or set name: in its compose file (or COMPOSE_PROJECT_NAME in its .env)",
			"two projects are named %s (from %s and %s), and one config cannot tell their services apart", p.Name, firstFile(prev), firstFile(p))
	}
	if opts.Swarm {
		ds.Errorf(OptionSwarm.source("true"), "make one config per stack, or deploy the services in one stack",
			"several projects do not go with swarm: a stack's services have no alias of their project")
	}
}

func firstFile(p Project) string {
	if len(p.Files) == 0 {
		return "its folder"
	}
	return p.Files[0]
}

// qualify makes a project's backends, admissions and diagnostics its own.
func qualify(project string, bs []Backend, as []Admission, ds Diagnostics) {
	for i := range bs {
		b := &bs[i]
		b.Project = project
		b.Name = project + "." + b.Name
		for sv := range b.serverTemplates() {
			if sv.Address == sv.Service && b.AddressKey == "" {
				sv.Address = ProjectAlias(sv.Service, project)
			}
		}
		for src := range b.sources() {
			src.Project = project
		}
	}
	for i := range as {
		as[i].Project = project
	}
	for i := range ds {
		if !ds[i].Option {
			ds[i].Project = project
		}
	}
}

// serverTemplates yields b's own server-template and those it shares.
func (b *Backend) serverTemplates() func(yield func(*Servers) bool) {
	return func(yield func(*Servers) bool) {
		if !yield(&b.Servers) {
			return
		}
		for i := range b.Shared {
			if !yield(&b.Shared[i]) {
				return
			}
		}
	}
}

// lintProjectAliases warns about each routed service of a project, in a
// run of several, that lacks the alias its servers are addressed by, and
// gives the compose override that adds it: the service's networks as they
// are, and the shared network with the alias.
func lintProjectAliases(p Project, services []Service, bs []Backend, opts Options, ds *Diagnostics) {
	byName := map[string]*Service{}
	for i := range services {
		byName[services[i].Name] = &services[i]
	}
	warned := map[string]bool{}
	for i := range bs {
		b := &bs[i]
		if b.AddressKey != "" {
			continue
		}
		for sv := range b.serverTemplates() {
			svc := byName[sv.Service]
			if svc == nil || warned[svc.Name] || svc.NetworkMode != "" {
				continue
			}
			alias := ProjectAlias(svc.Name, p.Name)
			shared := ""
			for _, n := range svc.Networks {
				if slices.Contains(p.ExternalNetworks, n) {
					if shared == "" {
						shared = n
					}
					if slices.ContainsFunc(svc.NetworkAliases[n], func(a string) bool { return strings.EqualFold(a, alias) }) {
						shared = "\x00"
					}
				}
			}
			if shared == "\x00" {
				continue
			}
			warned[svc.Name] = true
			ds.Warnf(Source{Service: svc.Name, Key: "networks", Value: strings.Join(svc.Networks, ","), From: "compose"},
				"add to the project, with -f or in COMPOSE_FILE, this override: "+aliasOverride(svc, shared, alias),
				"the proxy reaches this service of project %s as %s, an alias it does not have on a network shared with other projects%s",
				p.Name, alias, sharedHint(shared))
		}
	}
}

func sharedHint(shared string) string {
	if shared == "" {
		return " (it joins no external network)"
	}
	return "; its plain name is also every other project's service of that name"
}

// aliasOverride is a compose file, in YAML's one-line flow style, that
// gives svc alias on the shared network, keeping the networks it is on
// (an override's networks replace a service's implicit default one).
func aliasOverride(svc *Service, shared, alias string) string {
	declare := ""
	if shared == "" {
		shared = "proxy"
		declare = ", networks: {proxy: {external: true}}"
	}
	var nets []string
	for _, n := range svc.Networks {
		if n != shared {
			nets = append(nets, quoteYAML(n)+": {}")
		}
	}
	nets = append(nets, fmt.Sprintf("%s: {aliases: [%s]}", quoteYAML(shared), alias))
	slices.Sort(nets)
	return fmt.Sprintf("{services: {%s: {networks: {%s}}}%s}", quoteYAML(svc.Name), strings.Join(nets, ", "), declare)
}

// quoteYAML quotes a compose name that plain YAML would misread.
func quoteYAML(s string) string {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-' || r == '.') {
			return strconv.Quote(s)
		}
	}
	return s
}

// checkProjectClaims reports a host claim (on one listener) that backends
// of two projects make, naming both; it reports whether it did, and the
// claims are then not checked further.
func checkProjectClaims(bs []Backend, is []int, hosts []string, ds *Diagnostics) bool {
	first := &bs[is[0]]
	var other *Backend
	for _, i := range is[1:] {
		if bs[i].Project != first.Project {
			other = &bs[i]
			break
		}
	}
	if other == nil {
		return false
	}
	what := "any host"
	if hosts[0] != "" {
		what = "host " + strconv.Quote(hosts[0])
	}
	if len(hosts) > 1 {
		what += fmt.Sprintf(" (and %d more)", len(hosts)-1)
	}
	theirs := claimSource(&claim{b: first}, hosts)
	ds.Errorf(claimSource(&claim{b: other}, hosts), "route it from one project; the other can take a host of its own",
		"%s is also routed by project %s (service %s, %s): a host belongs to one project, and services of two projects cannot admit each other",
		what, first.Project, first.Service, keyValue(theirs))
	return true
}

// projectNames are the names of a run of several projects, sorted; nil
// for one.
func projectNames(ps []Project) []string {
	if len(ps) < 2 {
		return nil
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
