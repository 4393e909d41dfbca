package config

import (
	"fmt"
	"sort"
	"strings"
)

// Labels is what Traefik's Docker (or Swarm) provider reads from one
// container's labels.
type Labels struct {
	// Enable is traefik.enable; nil when absent, and then the provider's
	// exposedByDefault decides (see Exposed).
	Enable *Node
	// Network is traefik.docker.network, else traefik.swarm.network (v3):
	// the network Traefik reaches the container on; nil: the provider's
	// network, else the container's first network.
	Network *Node
	// LBSwarm is traefik.docker.lbswarm or traefik.swarm.lbswarm.
	LBSwarm *Node
	Dynamic
}

// Exposed reports whether Traefik considers the container at all, before
// constraints: traefik.enable when set, else exposedByDefault.
func (l *Labels) Exposed(exposedByDefault bool) bool {
	if l.Enable != nil {
		return l.Enable.Bool()
	}
	return exposedByDefault
}

// HasHTTP reports whether the labels declare anything HTTP. Traefik creates
// the default HTTP service and router for every container except one whose
// labels declare TCP or UDP and nothing HTTP.
func (l *Labels) HasHTTP() bool {
	return len(l.HTTP.Routers)+len(l.HTTP.Services)+len(l.HTTP.Middlewares) > 0 ||
		len(l.TCP.Routers)+len(l.TCP.Services)+len(l.UDP.Routers)+len(l.UDP.Services) == 0
}

// DecodeLabels reads one container's labels as Traefik does: keys below
// "traefik." are split on dots, compared case-insensitively, and checked
// against Traefik's schema. Labels that do not start with "traefik." are not
// Traefik's and are skipped. Every traefik.* label is either decoded or
// reported; an Error diagnostic means Traefik would refuse the container, or
// the value.
//
// The error is non-nil only when the input exceeds a cap (ErrLimit); the
// diagnostics are then about what was read before.
func DecodeLabels(labels map[string]string) (*Labels, Diagnostics, error) {
	var ds Diagnostics
	if len(labels) > maxKeys {
		return nil, nil, fmt.Errorf("%d labels (at most %d): %w", len(labels), maxKeys, ErrLimit)
	}
	total := 0
	var pairs []flat
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := labels[k]
		total += len(k) + len(v)
		if total > maxInputBytes {
			return nil, nil, fmt.Errorf("labels exceed %d bytes: %w", maxInputBytes, ErrLimit)
		}
		o := Origin{Source: "label", Key: k}
		root, rest, ok := strings.Cut(k, ".")
		if !strings.EqualFold(root, "traefik") {
			continue
		}
		if root != "traefik" {
			// paerser's filters match case-insensitively, then its root check
			// does not: Traefik logs "invalid label root" and skips the container.
			ds.add(Error, o, v, "the root must be spelled \"traefik\" in lower case: Traefik refuses the container's labels")
			continue
		}
		if len(k) > maxKeyLen || len(v) > maxValueLen {
			ds.add(Error, o, "", "label longer than this tool reads (key %d bytes, value %d bytes)", maxKeyLen, maxValueLen)
			continue
		}
		if !ok || rest == "" {
			ds.add(Error, o, v, "\"traefik\" alone is not a Traefik label; did you mean traefik.enable?")
			continue
		}
		path, msg := splitKey(rest)
		if msg != "" {
			ds.add(Error, o, v, "%s", msg)
			continue
		}
		pairs = append(pairs, flat{path: path, value: v, origin: o})
	}
	r, raws := buildFlat(pairs, &ds)
	tree := check(r, labelSchemaOnce(), srcLabel, Origin{Source: "label"}, &ds, &nodeArena{buf: make([]Node, 0, raws+1)})
	if tree == nil {
		tree = &Node{kind: gSection}
	}
	notTraefiks(tree, &ds)
	l := &Labels{Enable: tree.Child("enable"), Dynamic: view(tree, &ds)}
	dk, sw := tree.Child("docker"), tree.Child("swarm")
	l.Network = dk.Child("network")
	l.LBSwarm = dk.Child("lbSwarm")
	if sw != nil {
		if dk != nil {
			ds.add(Error, sw.Origin, "", "both traefik.docker.* and traefik.swarm.* labels: Traefik's Swarm provider refuses the service (\"both Docker and Swarm labels are defined\")")
		}
		if n := sw.Child("network"); n != nil {
			l.Network = n
		}
		if n := sw.Child("lbSwarm"); n != nil {
			l.LBSwarm = n
		}
	}
	ds.Sort()
	return l, ds, nil
}

// notTraefiks notes labels Traefik's providers skip without a word:
// traefik.tls.* other than the default store is not read from labels.
func notTraefiks(tree *Node, ds *Diagnostics) {
	for _, c := range tree.Child("tls").Entries() {
		if c.Name != "stores" || len(c.Children) != 1 || !strings.EqualFold(c.Children[0].Name, "default") {
			ds.add(Warning, c.Origin, c.Raw, "Traefik reads only traefik.tls.stores.default.* from labels: it ignores this label")
		}
	}
}
