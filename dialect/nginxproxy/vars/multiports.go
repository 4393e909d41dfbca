package vars

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Caps on VIRTUAL_HOST_MULTIPORTS: its size, and the YAML nodes visited
// (aliases counted each time they are followed).
const (
	maxMultiportsLen   = 64 << 10
	maxMultiportsNodes = 10000
)

const mpKey = "VIRTUAL_HOST_MULTIPORTS"

// DecodeMultiports reads VIRTUAL_HOST_MULTIPORTS, YAML or JSON:
//
//	host:                      # empty: {"/": {}}
//	  external_http_port: int  # default: the proxy's HTTP_PORT
//	  external_https_port: int # default: the proxy's HTTPS_PORT
//	  /path:                   # empty: port default, proto http, dest ""
//	    port: int              # default: DefaultPort(exposed)
//	    proto: string          # default: http
//	    dest: string           # default: ""
//
// nginx-proxy silently skips keys it does not know and paths that do not
// start with "/"; they are errors here. A value that does not parse makes
// nginx-proxy drop the container; it is an error, and no host is returned.
// Hosts come back sorted by name, paths by raw path, as nginx-proxy ranges
// over them.
//
// The error is non-nil only when the value exceeds a cap (ErrLimit).
func DecodeMultiports(value string, exposed []ExposedPort) ([]Vhost, Diagnostics, error) {
	if len(value) > maxMultiportsLen {
		return nil, nil, fmt.Errorf("%s of %d bytes (at most %d): %w", mpKey, len(value), maxMultiportsLen, ErrLimit)
	}
	m := &mp{exposed: exposed}
	root := Origin{Source: "env", Key: mpKey}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(value), &doc); err != nil {
		m.ds.add(Error, root, "", "not valid YAML or JSON, so nginx-proxy does not route this container: %v", err)
		return nil, m.ds, nil
	}
	top, err := m.deref(&doc)
	if err != nil {
		return nil, nil, err
	}
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		if top, err = m.deref(top.Content[0]); err != nil {
			return nil, nil, err
		}
	}
	if top.Kind != yaml.MappingNode || len(top.Content) == 0 {
		m.ds.add(Error, root, "", "not a mapping of hosts, so nginx-proxy does not route this container")
		return nil, m.ds, nil
	}
	pairs, err := m.pairs(top, root)
	if err != nil {
		return nil, nil, err
	}
	var out []Vhost
	for _, p := range pairs {
		v, err := m.vhost(p.key, p.val)
		if err != nil {
			return nil, nil, err
		}
		if v != nil {
			out = append(out, *v)
		}
	}
	slices.SortFunc(out, func(a, b Vhost) int { return strings.Compare(a.Host.V.Name, b.Host.V.Name) })
	m.ds.Sort()
	return out, m.ds, nil
}

type mp struct {
	exposed []ExposedPort
	ds      Diagnostics
	nodes   int
}

type pair struct {
	key string
	kn  *yaml.Node
	val *yaml.Node
}

// deref follows aliases and counts every node visited.
func (m *mp) deref(n *yaml.Node) (*yaml.Node, error) {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > 32 {
			return nil, fmt.Errorf("%s: alias chain too long: %w", mpKey, ErrLimit)
		}
		n = n.Alias
	}
	m.nodes++
	if m.nodes > maxMultiportsNodes {
		return nil, fmt.Errorf("%s: more than %d YAML nodes: %w", mpKey, maxMultiportsNodes, ErrLimit)
	}
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}, nil
	}
	return n, nil
}

// pairs returns a mapping's entries, reporting duplicate and non-scalar keys.
func (m *mp) pairs(n *yaml.Node, o Origin) ([]pair, error) {
	var out []pair
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, err := m.deref(n.Content[i])
		if err != nil {
			return nil, err
		}
		v, err := m.deref(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		ko := Origin{Source: "env", Key: o.Key, Line: k.Line}
		if k.Kind != yaml.ScalarNode {
			m.ds.add(Error, ko, "", "a key must be a string")
			continue
		}
		if seen[k.Value] {
			m.ds.add(Error, ko, k.Value, "key given twice")
			continue
		}
		seen[k.Value] = true
		out = append(out, pair{k.Value, k, v})
	}
	return out, nil
}

func isEmpty(n *yaml.Node) bool {
	return (n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "")) ||
		(n.Kind == yaml.MappingNode && len(n.Content) == 0)
}

func (m *mp) vhost(name string, n *yaml.Node) (*Vhost, error) {
	o := Origin{Source: "env", Key: fmt.Sprintf("%s[%s]", mpKey, name), Line: n.Line}
	h, err := ParseHost(name)
	if err != nil {
		m.ds.add(Error, o, name, "%v", err)
		return nil, nil
	}
	v := &Vhost{Host: Val[Host]{h, o}}
	if isEmpty(n) {
		v.Routes = []Route{m.route(RootPath, o, nil)}
		return v, nil
	}
	if n.Kind != yaml.MappingNode {
		m.ds.add(Error, o, n.Value, "a host takes a mapping of paths (or nothing, for /)")
		return nil, nil
	}
	pairs, err := m.pairs(n, o)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		po := Origin{Source: "env", Key: fmt.Sprintf("%s[%s][%s]", mpKey, name, p.key), Line: p.kn.Line}
		switch {
		case p.key == "external_http_port" || p.key == "external_https_port":
			port, err := parsePort(scalar(p.val))
			if err != nil || p.val.Kind != yaml.ScalarNode {
				m.ds.add(Error, po, scalar(p.val), "not a port (1 to 65535)")
				continue
			}
			if p.key == "external_http_port" {
				v.ExternalHTTPPort = Val[int]{port, po}
			} else {
				v.ExternalHTTPSPort = Val[int]{port, po}
			}
		case strings.HasPrefix(p.key, "/"):
			path, err := ParsePath(p.key)
			if err != nil {
				m.ds.add(Error, po, p.key, "%v", err)
				continue
			}
			if isEmpty(p.val) {
				v.Routes = append(v.Routes, m.route(path, po, nil))
				continue
			}
			if p.val.Kind != yaml.MappingNode {
				m.ds.add(Error, po, scalar(p.val), "a path takes a mapping of port, proto and dest (or nothing)")
				continue
			}
			fields, err := m.pairs(p.val, po)
			if err != nil {
				return nil, err
			}
			v.Routes = append(v.Routes, m.route(path, po, fields))
		case strings.HasPrefix(p.key, "~") || strings.HasPrefix(p.key, "="):
			m.ds.add(Error, po, p.key, "nginx-proxy skips paths that do not start with '/' in %s: this path would not be routed; a regex or exact path needs VIRTUAL_PATH", mpKey)
		default:
			msg := "unknown key, skipped by nginx-proxy"
			if s := suggest(p.key, []string{"external_http_port", "external_https_port"}); s != "" {
				msg += fmt.Sprintf("; did you mean %s?", s)
			} else if !strings.HasPrefix(p.key, "/") {
				msg += "; a path starts with '/'"
			}
			m.ds.add(Error, po, p.key, "%s", msg)
		}
	}
	if len(v.Routes) == 0 {
		m.ds.add(Error, o, name, "no path: nginx-proxy routes nothing for this host (give \"/\": or leave the host empty)")
		return nil, nil
	}
	slices.SortFunc(v.Routes, func(a, b Route) int { return strings.Compare(a.Path.V.Raw, b.Path.V.Raw) })
	return v, nil
}

func scalar(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// route builds one path's route from its fields, with nginx-proxy's defaults.
func (m *mp) route(path Path, o Origin, fields []pair) Route {
	r := Route{
		Path:  Val[Path]{path, o},
		Proto: Val[Proto]{ProtoHTTP, Origin{Source: "default", Key: o.Key + ".proto"}},
	}
	var dest *pair
	for i, f := range fields {
		fo := Origin{Source: "env", Key: o.Key + "." + f.key, Line: f.kn.Line}
		if f.val.Kind != yaml.ScalarNode {
			m.ds.add(Error, fo, "", "a scalar is expected")
			continue
		}
		val := f.val.Value
		if f.val.Tag == "!!null" {
			continue
		}
		switch f.key {
		case "port":
			n, err := parsePort(val)
			if err != nil {
				m.ds.add(Error, fo, val, "%v", err)
				continue
			}
			r.Port = Val[Port]{Port{n, PortVariable}, fo}
		case "proto":
			p, err := parseProto(val)
			if err != nil {
				m.ds.add(Error, fo, val, "%v", err)
				continue
			}
			r.Proto = Val[Proto]{p, fo}
		case "dest":
			dest = &fields[i]
		default:
			msg := "unknown key, skipped by nginx-proxy"
			if s := suggest(f.key, []string{"port", "proto", "dest"}); s != "" {
				msg += fmt.Sprintf("; did you mean %s?", s)
			}
			m.ds.add(Error, fo, f.key, "%s", msg)
		}
	}
	if !r.Port.Set() {
		p := DefaultPort(m.exposed)
		r.Port = Val[Port]{p, Origin{Source: "default", Key: o.Key + ".port"}}
		if p.Rule == PortDefault && len(m.exposed) > 1 && !slices.ContainsFunc(m.exposed, func(e ExposedPort) bool { return e.Port == 80 }) {
			m.ds.add(Warning, r.Port.Origin, "", "no port given and %d ports exposed, none of them 80: nginx-proxy uses 80 all the same; give port:", len(m.exposed))
		}
	}
	if dest != nil && dest.val.Value != "" {
		fo := Origin{Source: "env", Key: o.Key + ".dest", Line: dest.kn.Line}
		if r.Proto.V != ProtoHTTP && r.Proto.V != ProtoHTTPS {
			m.ds.add(Warning, fo, dest.val.Value, "ignored with proto %s, as nginx-proxy does", r.Proto.V)
		} else if rw, err := ParseDest(dest.val.Value, path); err != nil {
			m.ds.add(Error, fo, dest.val.Value, "%v", err)
		} else {
			r.Rewrite = Val[Rewrite]{rw, fo}
		}
	}
	return r
}
