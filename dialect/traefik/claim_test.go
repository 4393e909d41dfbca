package traefik

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// The Traefik service's own labels, like any service's, do nothing
// without a Docker provider: said, not dropped.
func TestTraefikServiceLabelsWithoutADockerProviderAreAnError(t *testing.T) {
	p := model.Project{Name: "p", Services: []model.Service{
		{Name: "traefik", Image: "traefik:v3.1", Command: []string{"--entrypoints.web.address=:80", "--ping=true"},
			Labels: map[string]string{"traefik.udp.routers.dns.entrypoints": "web"}},
	}}
	_, ds := model.Build(p, model.Options{Listen: model.Listen{HTTP: ":80"}, Dialects: []model.Dialect{Dialect{}}})
	var all []string
	for _, d := range ds {
		all = append(all, d.String())
	}
	if got := strings.Join(all, "\n"); !strings.Contains(got, "error: traefik: traefik.udp.routers.dns.entrypoints=web: Traefik's service traefik reads no Docker labels") {
		t.Errorf("want an error naming the label; got:\n%s", got)
	}
}
