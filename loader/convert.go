package loader

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// convert reduces a loaded compose-go project to what routing needs.
func convert(p *types.Project, files []string) (model.Project, error) {
	out := model.Project{Name: p.Name, Files: files}
	// p.Services holds only the services of active profiles.
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		s := p.Services[name]
		expose, err := parseExpose(s.Expose)
		if err != nil {
			return model.Project{}, fmt.Errorf("service %q: %w", name, err)
		}
		svc := model.Service{
			Name:        name,
			Image:       s.Image,
			Labels:      cloneLabels(s.Labels),
			Environment: environment(s.Environment),
			Ports:       ports(s.Ports),
			Expose:      expose,
			NetworkMode: s.NetworkMode,
			Command:     []string(s.Command),
			// compose-go already puts a service without networks or
			// network_mode on "default", as docker compose does.
			Networks:       sortedKeys(s.Networks),
			NetworkAliases: aliases(s.Networks),
		}
		if s.Deploy != nil {
			svc.DeployLabels = cloneLabels(s.Deploy.Labels)
		}
		// compose-go rejects scale and deploy.replicas that disagree.
		switch {
		case s.Scale != nil:
			svc.Replicas = *s.Scale
		case s.Deploy != nil && s.Deploy.Replicas != nil:
			svc.Replicas = *s.Deploy.Replicas
		}
		out.Services = append(out.Services, svc)
	}
	for _, name := range slices.Sorted(maps.Keys(p.Networks)) {
		if bool(p.Networks[name].External) {
			out.ExternalNetworks = append(out.ExternalNetworks, name)
		}
		if n := p.Networks[name].Name; n != "" && n != p.Name+"_"+name {
			if out.NetworkNames == nil {
				out.NetworkNames = map[string]string{}
			}
			out.NetworkNames[name] = n
		}
	}
	return out, nil
}

// aliases are a service's aliases on each of its networks; nil when none.
func aliases(ns map[string]*types.ServiceNetworkConfig) map[string][]string {
	var out map[string][]string
	for name, n := range ns {
		if n == nil || len(n.Aliases) == 0 {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		out[name] = slices.Sorted(slices.Values(n.Aliases))
	}
	return out
}

func cloneLabels(l types.Labels) map[string]string {
	if len(l) == 0 {
		return nil
	}
	return maps.Clone(map[string]string(l))
}

// environment keeps variables that have a value: `- FOO` with FOO unset
// anywhere is not in the container's environment, so it cannot be a label.
func environment(env types.MappingWithEquals) map[string]string {
	var out map[string]string
	for k, v := range env {
		if v == nil {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = *v
	}
	return out
}

func ports(ps []types.ServicePortConfig) []model.Port {
	var out []model.Port
	for _, p := range ps {
		out = append(out, model.Port{Number: int(p.Target), Protocol: protocol(p.Protocol)})
	}
	return out
}

func protocol(p string) string {
	if p == "" {
		return "tcp"
	}
	return strings.ToLower(p)
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// parseExpose reads expose entries the way Docker does: PORT, PORT/PROTO,
// START-END or START-END/PROTO; ranges become one port each. compose-go
// keeps them as free-form strings.
func parseExpose(entries types.StringOrNumberList) ([]model.Port, error) {
	var out []model.Port
	// A set, not a search of out: three full ranges are 196,605 ports.
	seen := map[model.Port]bool{}
	for _, e := range entries {
		spec, proto, _ := strings.Cut(e, "/")
		proto = protocol(proto)
		switch proto {
		case "tcp", "udp", "sctp":
		default:
			return nil, fmt.Errorf("expose %q: unknown protocol %q (use tcp or udp)", e, proto)
		}
		first, last, isRange := strings.Cut(spec, "-")
		lo, err := parsePort(first)
		if err != nil {
			return nil, fmt.Errorf("expose %q: %w", e, err)
		}
		hi := lo
		if isRange {
			if hi, err = parsePort(last); err != nil {
				return nil, fmt.Errorf("expose %q: %w", e, err)
			}
			if hi < lo {
				return nil, fmt.Errorf("expose %q: range ends before it starts", e)
			}
		}
		for n := lo; n <= hi; n++ {
			p := model.Port{Number: n, Protocol: proto}
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a port number (1-65535)", s)
	}
	return n, nil
}
