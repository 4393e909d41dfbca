package traefik

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// transport is how Traefik connects to a service's servers: a servers
// transport of the file provider (serversTransport: NAME@file), or the
// static configuration's serversTransport, the default@internal one.
type transport struct {
	node     *config.Node // nil: Traefik's defaults
	insecure *config.Node // insecureSkipVerify=true
	why      string       // why it is not converted; "" when it is
	where    string       // its name, for messages
}

// serversTransport resolves the transport of service s, whose names
// without @provider are the provider's.
func (pr *project) serversTransport(s *config.Service, provider string) transport {
	n := s.ServersTransport
	if !n.Set() || strings.EqualFold(n.String(), "default@internal") {
		if pr.static == nil {
			return transport{}
		}
		t := pr.static.Tree.Child("serversTransport")
		return transportOf(t, "the static serversTransport")
	}
	name, p, ok := strings.Cut(n.String(), "@")
	if !ok {
		p = provider
	}
	switch strings.ToLower(p) {
	case "file":
		f := pr.file
		switch {
		case f == nil:
			return transport{node: n, why: fmt.Sprintf("servers transport %s: the Traefik service has no file provider (providers.file)", n.String())}
		case f.problem != "":
			return transport{node: n, why: fmt.Sprintf("servers transport %s: Traefik's file provider cannot be read: %s", n.String(), f.problem)}
		case f.transports[strings.ToLower(name)] == nil:
			return transport{node: n, why: fmt.Sprintf("servers transport %s: no file of Traefik's file provider (%s) defines it", n.String(), f.where)}
		}
		return transportOf(f.transports[strings.ToLower(name)], name+"@file")
	}
	return transport{node: n, why: fmt.Sprintf("servers transport %s: Traefik defines servers transports in its file provider or static configuration, not in labels", n.String())}
}

// transportOf reads a servers transport's settings: insecureSkipVerify is
// converted, the timeouts and pool sizes have no HAProxy meaning here,
// the others (CAs, client certificates, server name, SPIFFE) are not
// converted.
func transportOf(t *config.Node, where string) transport {
	tr := transport{node: t, where: where}
	for _, c := range t.Entries() {
		switch strings.ToLower(c.Name) {
		case "insecureskipverify":
			if b, err := strconv.ParseBool(c.Raw); err != nil {
				tr.why = fmt.Sprintf("%s: insecureSkipVerify=%s is not true or false", where, model.Printable(c.Raw))
			} else if b {
				tr.insecure = c
			}
		case "maxidleconnsperhost", "forwardingtimeouts", "disablehttp2":
			// pool sizes and timeouts: said by applyTransport
		default:
			tr.why = fmt.Sprintf("%s: %s is not converted (HAProxy checks the servers' certificates against the system's CAs for the service's name, or not at all)", where, c.Name)
		}
	}
	return tr
}

// applyTransport applies the servers transport of an https service:
// insecureSkipVerify → backend_tls=insecure. tls says whether the backend
// speaks TLS to its servers.
func applyTransport(a *model.Applier, tr transport, src func(*config.Node) model.Source, tls bool, refuse func(*config.Node, string, ...any)) string {
	if tr.why != "" {
		refuse(tr.node, "%s", tr.why)
		return ""
	}
	for _, c := range tr.node.Entries() {
		switch strings.ToLower(c.Name) {
		case "maxidleconnsperhost", "forwardingtimeouts":
			a.Diagnostics().Warnf(src(c), "remove it, or set HAProxy's timeouts with timeout= in SERVICE_TAGS", "%s: %s is not carried over: HAProxy keeps its own connection pool and timeouts", tr.where, c.Name)
		}
	}
	if tr.insecure != nil && tls {
		return "insecure"
	}
	return ""
}
