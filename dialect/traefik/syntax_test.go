package traefik

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// The image's tag says which Traefik reads the rules: v2's syntax for a
// v2, v3's for a v3 or latest; a tag that does not say is 0.
func TestImageVersion(t *testing.T) {
	for image, want := range map[string][2]int{
		"traefik":                  {3, -1},
		"traefik:latest":           {3, -1},
		"traefik:v3.1":             {3, 1},
		"traefik:3":                {3, -1},
		"docker.io/traefik:3.6.1":  {3, 6},
		"traefik:v2.11":            {2, 11},
		"library/traefik:2.10.7":   {2, 10},
		"traefik:v2.11-windows":    {2, 11},
		"traefik:chabichou":        {0, -1},
		"traefik@sha256:0123":      {0, -1},
		"traefik:v3.1@sha256:0123": {3, 1},
		"traefik:v1.7":             {0, -1},
		"example/proxy:3.1":        {0, -1},
	} {
		if major, minor := imageVersion(image); major != want[0] || minor != want[1] {
			t.Errorf("imageVersion(%q) = %d, %d, want %d, %d", image, major, minor, want[0], want[1])
		}
	}
}

// A v2 Traefik reads v2's syntax without a word; when nothing in the
// project says which Traefik it is, a rule only v2 reads is read so, with
// a warning that v3 would drop it.
func TestRuleSyntaxFollowsTheTraefikVersion(t *testing.T) {
	for _, tt := range []struct {
		image string
		label map[string]string
		want  string // a diagnostic's part; "" for none
	}{
		{image: "traefik:v2.11", want: ""},
		{image: "example/edge-proxy:1.0", label: map[string]string{proxyKey: "true"}, want: "warning: .*Traefik v3 drops the router unless traefik.http.routers.r.ruleSyntax=v2"},
		{image: "traefik:v3.1", want: "error: .*ruleSyntax=v2"},
	} {
		t.Run(tt.image, func(t *testing.T) {
			p := model.Project{Name: "p", Services: []model.Service{
				{Name: "proxy", Image: tt.image, Labels: tt.label, Command: []string{"--providers.docker", "--entrypoints.web.address=:80"}},
				{Name: "web", Image: "example/web", Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
					Labels: map[string]string{"traefik.http.routers.r.rule": "Host(`a.example.com`, `b.example.com`)"}},
			}}
			_, ds := model.Build(p, model.Options{Listen: model.Listen{HTTP: ":80"}, Dialects: []model.Dialect{Dialect{}}})
			var got []string
			for _, d := range ds {
				got = append(got, d.String())
			}
			all := strings.Join(got, "\n")
			switch {
			case tt.want == "" && all != "":
				t.Errorf("want no diagnostic, got:\n%s", all)
			case tt.want != "" && !matches(tt.want, all):
				t.Errorf("want %q, got:\n%s", tt.want, all)
			}
		})
	}
}

func matches(pattern, s string) bool {
	before, after, _ := strings.Cut(pattern, ".*")
	i := strings.Index(s, before)
	return i >= 0 && strings.Contains(s[i:], after)
}
