package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// JSON is the whole model, with the source of every host and path, for
// other tools. Field names are documented in docs/templates-and-json.md
// and kept stable.
func JSON(cfg model.Config) ([]byte, error) {
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Routes is a table a person reads at a glance: one row per host and path,
// in the order HAProxy tries them, then TCP services and redirects.
func Routes(cfg model.Config) []byte {
	var out bytes.Buffer
	w := tabwriter.NewWriter(&out, 0, 4, 2, ' ', 0)
	// A run of several projects shows each route's project first.
	row := func(project, format string, args ...any) {
		if cfg.Projects != nil {
			fmt.Fprintf(w, "%s\t", project)
		}
		fmt.Fprintf(w, format, args...)
	}
	row("PROJECT", "HOST\tPATH\tBACKEND\tSERVERS\tCHECK\tPOLICY\tFROM\n")
	backends := map[string]model.Backend{}
	for _, b := range cfg.Backends {
		backends[b.Name] = b
	}
	for _, r := range cfg.Routes {
		if r.Backend == model.NoRoute {
			// The claimed hosts' other paths: see model's guardRoutes.
			for _, h := range r.Hosts {
				row(h.Source.Project, "%s\t(other paths)\t404\t-\t-\t-\t%s\n", h.Name, source(h.Source))
			}
			continue
		}
		b := backends[r.Backend]
		path := r.Path.Prefix
		if path == "" {
			path = "/"
		}
		if c := conditions(r.Match); c != "" {
			path += " [" + c + "]"
		}
		hosts := r.Hosts
		if len(hosts) == 0 {
			hosts = []model.Host{{Name: "*", Source: r.Path.Source}}
		}
		for _, h := range hosts {
			from := source(h.Source)
			if r.Path.Prefix != "" && r.Path.Source != h.Source && len(r.Hosts) > 0 {
				from += ", " + keyValue(r.Path.Source)
			}
			host := h.Name
			if r.OwnListener() {
				host += " " + ownPorts(r.Match.Listeners)
			}
			if b.HTTPSOnly && strings.Contains(h.Name, ".") {
				// The redirect leaves a short name alone (httpsOnlyRedirects).
				host += " (https only)"
			}
			row(b.Project, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", host, path, b.Name, servers(b), check(b), policy(b.Policy), from)
		}
	}
	for _, b := range cfg.Backends {
		switch {
		case b.SNI:
			for _, h := range b.Hosts {
				row(b.Project, "sni :%d %s\t-\t%s\t%s\t%s\t-\t%s\n", b.TCPPort, h.Name, b.Name, servers(b), check(b), source(h.Source))
			}
		case b.TCPPort != 0:
			row(b.Project, "tcp :%d\t-\t%s\t%s\t%s\t-\t%s\n", b.TCPPort, b.Name, servers(b), check(b), b.Service)
		}
		for _, h := range b.Redirects {
			row(b.Project, "%s\t/\t301 → %s\t-\t-\t-\t%s\n", h.Name, b.Canonical, source(h.Source))
		}
	}
	w.Flush()
	return out.Bytes()
}

// conditions sums up what a route's requests must also be: "X-Canary:1,
// agent iphone|android, not /api/internal".
func conditions(m *model.Match) string {
	if m == nil {
		return ""
	}
	var parts []string
	for _, h := range m.Headers {
		parts = append(parts, h.Name+":"+h.Value)
	}
	if len(m.UserAgents) > 0 {
		agents := make([]string, len(m.UserAgents))
		for i, u := range m.UserAgents {
			agents[i] = u.Pattern
		}
		parts = append(parts, "agent "+strings.Join(agents, "|"))
	}
	for _, p := range m.ExcludePaths {
		parts = append(parts, "not "+p.Prefix)
	}
	return strings.Join(parts, ", ")
}

// perSource names the source a limit counts per, after its number: ""
// for the client address, " per host", " per X-Api-Key".
func perSource(per, header string) string {
	switch per {
	case "host":
		return " per host"
	case "header":
		return " per " + header
	}
	return ""
}

// policy sums up who may come in, in the order the rules run: "auth ops,
// allow 10.0.0.0/8, 100/10s"; "-" when everyone may.
func policy(p model.Policy) string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if p.DenyHTTP != nil {
		add("no plain http")
	}
	if len(p.Allow) > 0 {
		add("allow %s", cidrs(p.Allow))
	}
	if len(p.Deny) > 0 {
		add("deny %s", cidrs(p.Deny))
	}
	if p.Maintenance != nil {
		add("maintenance")
	}
	if r := p.RateLimit; r != nil {
		add("%d/%s%s", r.Requests, r.Period, perSource(r.Per, r.Header))
	}
	if f := p.MaxInFlight; f != nil {
		add("%d in flight%s", f.Requests, perSource(f.Per, f.Header))
	}
	switch {
	case len(p.Methods) > 0:
		add("methods %s", p.AllowHeader())
	case len(p.DeniedMethods) > 0:
		add("not %s", methodNames(p.DeniedMethods))
	}
	if a := p.Auth; a != nil {
		if a.Secret != "" {
			add("auth %s", a.Secret)
		} else {
			add("auth %s", a.Source.Key)
		}
	}
	if p.MaxBody != nil {
		add("max body %s", p.MaxBody.Size)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func cidrs(ns []model.Network) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.CIDR
	}
	return strings.Join(s, " ")
}

func methodNames(ms []model.Method) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.Name
	}
	return strings.Join(s, ",")
}

// servers shows a backend's server-templates: "web:80 ×10", and for one
// shared by services, each with its weight ("web:80 ×10 w90 + canary:80 ×2
// w10": the weight is per replica).
func servers(b model.Backend) string {
	if a := b.Answer; a != nil {
		return fmt.Sprintf("answered %d", a.Status)
	}
	if len(b.Shared) == 0 {
		return fmt.Sprintf("%s:%d ×%d", b.Servers.Address, b.Servers.Port, b.Servers.Slots)
	}
	var parts []string
	for _, s := range append([]model.Servers{b.Servers}, b.Shared...) {
		parts = append(parts, fmt.Sprintf("%s:%d ×%d w%d", s.Address, s.Port, s.Slots, max(s.Weight, 1)))
	}
	return strings.Join(parts, " + ")
}

func check(b model.Backend) string {
	if b.Check.HTTPPath != "" {
		return "http " + b.Check.HTTPPath
	}
	return "tcp"
}

// source names the service and the label a value came from.
func source(s model.Source) string {
	if s.Service == "" {
		return keyValue(s)
	}
	return s.Service + ": " + keyValue(s)
}

func keyValue(s model.Source) string {
	if s.From == "compose" {
		return "compose service name"
	}
	if s.Item != "" {
		return s.Key + "(" + s.Item + ")"
	}
	v := s.Value
	if strings.ContainsAny(v, " \t") {
		v = fmt.Sprintf("%q", v)
	}
	return s.Key + "=" + v
}

// ownPorts are a service's own listeners as a person reads them: ":8081",
// ":8444 tls".
func ownPorts(ls []model.Listener) string {
	ports := make([]string, len(ls))
	for i, l := range ls {
		ports[i] = ":" + strconv.Itoa(l.Port)
		if l.TLS {
			ports[i] += " tls"
		}
	}
	return strings.Join(ports, " ")
}
