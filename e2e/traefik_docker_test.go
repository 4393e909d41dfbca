package e2e

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/dockertest"
	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// traefikImage is the Traefik service's image: named, never pulled nor
// run (HAProxy takes Traefik's place).
const traefikImage = "traefik:v3.1"

// traefikStackOnDocker is a stack as it ran behind Traefik: the Traefik
// service (never started here) with its Docker provider on the proxy
// network, and two applications routed by their traefik.* labels alone,
// api on the second of its two ports with its path prefix stripped. The
// HAProxy service, on the proxy network, is the only addition. PROJECT is
// the compose project's name, as the proxy network's engine name holds
// it.
const traefikStackOnDocker = `services:
` + proxyService + `    networks: [proxy]
  traefik:
    image: ` + traefikImage + `
    command:
      - --providers.docker.exposedbydefault=false
      - --providers.docker.network=PROJECT_proxy
      - --entrypoints.web.address=:80
    ports: ["80:80"]
    volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
    networks: [proxy]
  web:
    image: BACKEND_IMAGE
    expose: ["80"]
    networks: [proxy]
    environment: {SERVICE: web}
    labels:
      traefik.enable: "true"
      traefik.http.routers.web.rule: Host(` + "`tr.test`" + `) || Host(` + "`www.tr.test`" + `)
      traefik.http.routers.web.entrypoints: web
  api:
    image: BACKEND_IMAGE
    expose: ["9090", "8080"]
    networks: [proxy, back]
    environment: {SERVICE: api, PORT: "8080"}
    labels:
      traefik.enable: "true"
      traefik.docker.network: PROJECT_proxy
      traefik.http.routers.api.rule: Host(` + "`api.tr.test`" + `) && PathPrefix(` + "`/v1`" + `)
      traefik.http.routers.api.middlewares: api-strip
      traefik.http.middlewares.api-strip.stripprefix.prefixes: /v1
      traefik.http.services.api.loadbalancer.server.port: "8080"
networks:
  proxy: {}
  back: {}
`

// TestOnDockerATraefikStackRoutesFollowsARestartAndScales routes a
// Traefik-labelled stack from its unchanged labels on the Docker engine:
// its hosts and api's stripped prefix, web restarted onto a new address
// and followed through Docker's DNS, and web scaled to three replicas and
// back to one. The Traefik service is neither started nor pulled.
func TestOnDockerATraefikStackRoutesFollowsARestartAndScales(t *testing.T) {
	t.Parallel()
	hasTraefik := func() bool { _, err := dockertest.Machine.Run("image", "inspect", traefikImage); return err == nil }
	hadTraefik := hasTraefik()
	p := newDockerProject(t, traefikStackOnDocker)
	p.writeCompose(strings.ReplaceAll(traefikStackOnDocker, "PROJECT", p.Name))
	// The project's name, as docker-compose -p gives it: the networks'
	// engine names hold it.
	if stderr := p.generate(t, "-p", p.Name); strings.Contains(stderr, "on network") {
		t.Errorf("the CLI warned about the proxy network, which every routed service shares:\n%s", stderr)
	}
	// Only the services HAProxy replaces Traefik for: nothing pulled.
	services := []string{"proxy", "web", "api"}
	addr := p.start(t, services...)

	t.Run("hosts", func(t *testing.T) {
		for _, r := range []struct{ host, service string }{
			{"tr.test", "web"}, {"www.tr.test", "web"},
		} {
			e2etest.Eventually(t, dockerWait, r.host+" to be answered by "+r.service, func() (bool, string) {
				return answeredBy(t, addr, r.host, r.service, "")
			})
		}
		e2etest.Eventually(t, dockerWait, "api.tr.test/v1/orders to reach api as /orders", func() (bool, string) {
			r := e2etest.Do(t, addr, "GET", "api.tr.test", "/v1/orders?id=7", nil)
			return r.Status == 200 && r.Header.Get("X-Service") == "api" && strings.HasSuffix(r.Body, " GET /orders?id=7\n"), r.String()
		})
		for _, path := range []string{"/", "/orders"} {
			if r := e2etest.Do(t, addr, "GET", "api.tr.test", path, nil); r.Status != 404 {
				t.Errorf("api.tr.test%s (no router): %v, want 404", path, r)
			}
		}
		if r := e2etest.Do(t, addr, "GET", "nobody.example.com", "/", nil); r.Status != 404 {
			t.Errorf("an unknown host: %v, want 404", r)
		}
	})

	t.Run("restart and scale", func(t *testing.T) {
		p.followsRestartAndScale(t, addr, "www.tr.test", "proxy", services)
	})

	if ids := p.Containers("traefik"); len(ids) != 0 {
		t.Errorf("the Traefik service has containers %v: it was started", ids)
	}
	if !hadTraefik && hasTraefik() {
		t.Errorf("the image %s was pulled", traefikImage)
	}
}
