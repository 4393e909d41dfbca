package e2e

import (
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// nginxProxyStackOnDocker is a stack as it ran behind nginx-proxy: the
// nginx-proxy container (never started here: its image is not pulled)
// with DEFAULT_HOST, and two applications routed by their VIRTUAL_*
// environment alone, api on the second of its two ports. The HAProxy
// service is the only addition.
const nginxProxyStackOnDocker = `services:
` + proxyService + `  nginx-proxy:
    image: nginxproxy/nginx-proxy:1.7
    ports: ["80:80"]
    environment: {DEFAULT_HOST: www.np.test}
    volumes: ["/var/run/docker.sock:/tmp/docker.sock:ro"]
  web:
    image: BACKEND_IMAGE
    expose: ["80"]
    environment:
      VIRTUAL_HOST: "np.test,www.np.test"
      SERVICE: web
  api:
    image: BACKEND_IMAGE
    expose: ["9090", "8080"]
    environment:
      VIRTUAL_HOST: api.np.test
      VIRTUAL_PORT: "8080"
      PORT: "8080"
      SERVICE: api
`

// TestOnDockerAnNginxProxyStackRoutesFollowsARestartAndScales routes an
// nginx-proxy stack from its unchanged environment on the Docker engine:
// its hosts and DEFAULT_HOST, web restarted onto a new address and
// followed through Docker's DNS, and web scaled to three replicas and
// back to one.
func TestOnDockerAnNginxProxyStackRoutesFollowsARestartAndScales(t *testing.T) {
	t.Parallel()
	p := newDockerProject(t, nginxProxyStackOnDocker)
	p.generate(t)
	// Only the services HAProxy replaces nginx-proxy for: nothing pulled.
	services := []string{"proxy", "web", "api"}
	addr := p.start(t, services...)

	t.Run("hosts", func(t *testing.T) {
		for _, r := range []struct{ host, service string }{
			{"np.test", "web"}, {"www.np.test", "web"}, {"api.np.test", "api"},
			{"nobody.example.com", "web"}, // DEFAULT_HOST
		} {
			e2etest.Eventually(t, dockerWait, r.host+" to be answered by "+r.service, func() (bool, string) {
				return answeredBy(t, addr, r.host, r.service, "")
			})
		}
	})

	t.Run("restart and scale", func(t *testing.T) {
		p.followsRestartAndScale(t, addr, "www.np.test", "default", services)
		e2etest.Eventually(t, dockerWait, "api to answer still", func() (bool, string) {
			return answeredBy(t, addr, "api.np.test", "api", "")
		})
	})
}
