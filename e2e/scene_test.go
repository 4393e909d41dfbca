package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// A scene is the loopback world of one scenario: a DNS server of its own
// playing Docker's, and stand-in containers that all listen on one port, as
// the containers of an image do, each on its own 127.0.N.x address.
type scene struct {
	t    *testing.T
	dns  *e2etest.DNS
	port int
}

// newScene skips t without HAProxy (fails it with CI=true) and starts the
// scene's DNS.
func newScene(t *testing.T) *scene {
	t.Helper()
	e2etest.RequireHAProxy(t)
	return &scene{t: t, dns: e2etest.StartDNS(t), port: e2etest.FreePort(t)}
}

// serve starts the one container of service at ip, answering as service,
// and has the DNS resolve service to ip.
func (s *scene) serve(service, ip string) *e2etest.Backend {
	s.t.Helper()
	return s.serveAs(service, service, ip)
}

// serveAs is serve for a container that answers as id.
func (s *scene) serveAs(service, id, ip string) *e2etest.Backend {
	s.t.Helper()
	b := e2etest.StartBackendID(s.t, id, ip, s.port)
	s.dns.Set(service, ip)
	return b
}

// service is one service of a scene's compose file: its name and its
// labels, a "key: value" line of YAML each.
type service struct {
	name   string
	labels []string
}

func svc(name string, labels ...string) service { return service{name, labels} }

// compose is a compose file of services, each of image example/NAME and
// exposing the scene's port.
func (s *scene) compose(services ...service) string {
	var b strings.Builder
	b.WriteString("services:\n")
	for _, sv := range services {
		fmt.Fprintf(&b, "  %s:\n    image: example/%[1]s\n    expose: [\"%d\"]\n", sv.name, s.port)
		if len(sv.labels) > 0 {
			b.WriteString("    labels:\n")
		}
		for _, l := range sv.labels {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	return b.String()
}
