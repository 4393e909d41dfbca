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

	t.Run("restart onto a new address", func(t *testing.T) {
		web := p.Container("web")
		before := p.IP(web, "proxy")
		e2etest.Eventually(t, dockerWait, "web to answer at "+before, func() (bool, string) {
			return answeredBy(t, addr, "www.tr.test", "web", before)
		})
		p.Compose("stop", "-t", "2", "web")
		// Another container on the network, so that web cannot get its
		// old address back.
		filler := dockertest.Docker(t, "run", "-d", "--label", "compose2haproxy.e2e=1", "--network", p.Network("proxy"), p.images.Backend)
		t.Cleanup(func() { dockertest.Run("docker", "rm", "-f", filler) })
		p.Compose("start", "web")
		after := p.IP(web, "proxy")
		if after == before {
			t.Fatalf("web came back on its old address %s: the test proves nothing", before)
		}
		e2etest.Eventually(t, dockerWait, "web to answer at its new address "+after, func() (bool, string) {
			return answeredBy(t, addr, "www.tr.test", "web", after)
		})
	})

	hostnames := func(service string) []string {
		var hs []string
		for _, id := range p.Containers(service) {
			hs = append(hs, p.Hostname(id))
		}
		return hs
	}
	t.Run("scale out and in", func(t *testing.T) {
		p.Up(append([]string{"--no-recreate", "--scale", "web=3"}, services...)...)
		three := hostnames("web")
		if len(three) != 3 {
			t.Fatalf("web has %d replicas, want 3", len(three))
		}
		e2etest.Eventually(t, dockerWait, "the three replicas of web to answer", func() (bool, string) {
			return onlyBackends(t, addr, "tr.test", 12, three...)
		})
		p.Up(append([]string{"--no-recreate", "--scale", "web=1"}, services...)...)
		one := hostnames("web")
		e2etest.Eventually(t, dockerWait, "only the last replica of web to answer", func() (bool, string) {
			return onlyBackends(t, addr, "tr.test", 12, one...)
		})
	})

	if ids := p.Containers("traefik"); len(ids) != 0 {
		t.Errorf("the Traefik service has containers %v: it was started", ids)
	}
	if !hadTraefik && hasTraefik() {
		t.Errorf("the image %s was pulled", traefikImage)
	}
}
