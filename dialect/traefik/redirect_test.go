package traefik

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// A catch-all's pattern takes every host when it is .+ or .*, anchored,
// grouped or not; anything narrower takes the hosts it matches.
func TestAnyHost(t *testing.T) {
	for src, want := range map[string]bool{
		".+": true, "^.+$": true, "(?i)^(?P<host>.+)$": true, ".*": true, "": true, "^(.*)$": true,
		"^[a-z-.]+$": false, "^.+\\.example\\.com$": false, "a.+": false, "^[^.]+$": false,
	} {
		if got := anyHost(src); got != want {
			t.Errorf("anyHost(%q) = %v, want %v", src, got, want)
		}
	}
}

// A route some of whose hosts a catch-all redirect takes, and some not,
// is refused: one backend cannot redirect some of its hosts only.
func TestCatchAllTakingSomeHostsOfARouteIsRefused(t *testing.T) {
	p := model.Project{Name: "p", Services: []model.Service{
		{Name: "traefik", Image: "traefik:v2.11", Command: []string{"--providers.docker", "--entrypoints.web.address=:80", "--entrypoints.websecure.address=:443"},
			Labels: map[string]string{
				"traefik.http.routers.catchall.rule":                      "HostRegexp(`{host:[a-z.]+}`)",
				"traefik.http.routers.catchall.entrypoints":               "web",
				"traefik.http.routers.catchall.middlewares":               "to-https",
				"traefik.http.middlewares.to-https.redirectscheme.scheme": "https",
			}},
		{Name: "web", Image: "example/web", Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
			Labels: map[string]string{
				"traefik.http.routers.r.rule":        "Host(`a.example.com`, `b2.example.com`)",
				"traefik.http.routers.r.entrypoints": "websecure",
				"traefik.http.routers.r.tls":         "true",
			}},
	}}
	_, ds := model.Build(p, model.Options{Listen: model.Listen{HTTP: ":80", HTTPS: ":443", Certs: "/certs"}, Dialects: []model.Dialect{Dialect{}}})
	var all []string
	for _, d := range ds {
		all = append(all, d.String())
	}
	if got := strings.Join(all, "\n"); !strings.Contains(got, "error: ") || !strings.Contains(got, "router catchall redirects plain requests for a.example.com to https and not for the route's other hosts") {
		t.Errorf("want the route refused, naming the catch-all and a host it takes; got:\n%s", got)
	}
}
