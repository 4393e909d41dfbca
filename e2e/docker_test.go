package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/dockertest"
	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// The TestOnDocker… tests run the seeds' demos on the real Docker engine:
// the HAProxy and backend images of internal/dockertest (built once per
// run, FROM scratch, nothing pulled), a docker-compose project per test,
// and the config the CLI generates from the project's own compose.yaml.
// Requests go only to the proxy's port, published on 127.0.0.1.

// dockerWait is how long a Docker test waits for a condition: long, as an
// engine on a busy machine can take many seconds to start a container; a
// wait ends as soon as its condition holds.
const dockerWait = 60 * time.Second

// proxyService is the proxy of every Docker test's compose file: the
// generated config's directory mounted read-only, port 80 published on a
// free 127.0.0.1 port. Docker's DNS forwards the names it does not know
// (a stopped container's, one on another network) to the host's
// nameservers; "dns: 127.0.0.1" sends them to nowhere instead, inside the
// container, so that no test query leaves the machine.
const proxyService = `  proxy:
    image: HAPROXY_IMAGE
    ports: ["127.0.0.1::80"]
    volumes: ["./haproxy:/usr/local/etc/haproxy:ro"]
    dns: [127.0.0.1]
    labels: {compose2haproxy.proxy: "true"}
`

// dockerProject is a compose project whose compose.yaml is composeYAML
// with HAPROXY_IMAGE and BACKEND_IMAGE replaced by the test images.
type dockerProject struct {
	*dockertest.Project
	images dockertest.Images
}

func newDockerProject(t *testing.T, composeYAML string) *dockerProject {
	t.Helper()
	p := &dockerProject{Project: dockertest.NewProject(t), images: dockertest.BuildImages(t)}
	p.writeCompose(composeYAML)
	return p
}

func (p *dockerProject) writeCompose(composeYAML string) {
	p.WriteFile("compose.yaml", strings.NewReplacer("HAPROXY_IMAGE", p.images.HAProxy, "BACKEND_IMAGE", p.images.Backend).Replace(composeYAML))
}

// generate writes haproxy/haproxy.cfg from compose.yaml, checked with
// --check by the same HAProxy the image runs, and returns the CLI's
// warnings.
func (p *dockerProject) generate(t *testing.T, args ...string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(p.Dir, "haproxy"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The stats page on every address of the proxy's container: a
	// published port reaches that, never its 127.0.0.1 (the default).
	_, stderr := compose2haproxy(t, p.Dir, append([]string{"-f", "compose.yaml", "-o", "haproxy/haproxy.cfg",
		"--check", "--haproxy", e2etest.RequireHAProxy(t), "--stats", ":8404"}, args...)...)
	return stderr
}

// start runs "up -d" and returns the proxy's address once it accepts
// connections; timed-out waits show the proxy's log.
func (p *dockerProject) start(t *testing.T, args ...string) string {
	t.Helper()
	p.Up(args...)
	p.ShowLogsOnTimeout("proxy")
	addr := p.Published("proxy", 80)
	e2etest.WaitListening(t, addr, dockerWait)
	return addr
}

// answeredBy reports whether a GET of host through addr gets 200 from a
// container of service at ip (any address when ip is ""), for Eventually.
func answeredBy(t *testing.T, addr, host, service, ip string) (bool, string) {
	r := e2etest.Do(t, addr, "GET", host, "/", nil)
	ok := r.Err == nil && r.Status == 200 && r.Header.Get("X-Service") == service &&
		(ip == "" || r.Header.Get("X-Backend-IP") == ip)
	return ok, fmt.Sprintf("%s: %v from %s", host, r, r.Header.Get("X-Backend-IP"))
}

// followsRestartAndScale proves that the proxy at addr follows service
// web, answering for host on network: restarted onto a new address (found
// through Docker's DNS, no reload), then scaled to three replicas and back
// to one with docker-compose up (services: those it may start).
func (p *dockerProject) followsRestartAndScale(t *testing.T, addr, host, network string, services []string) {
	t.Helper()
	web := p.Container("web")
	before := p.IP(web, network)
	e2etest.Eventually(t, dockerWait, "web to answer at "+before, func() (bool, string) {
		return answeredBy(t, addr, host, "web", before)
	})
	p.Compose("stop", "-t", "2", "web")
	// Another container on the network, so that web cannot get its old
	// address back.
	filler := dockertest.Docker(t, "run", "-d", "--label", "compose2haproxy.e2e=1", "--network", p.Network(network), p.images.Backend)
	t.Cleanup(func() { dockertest.Run("docker", "rm", "-f", filler) })
	p.Compose("start", "web")
	after := p.IP(web, network)
	if after == before {
		t.Fatalf("web came back on its old address %s: the test proves nothing", before)
	}
	e2etest.Eventually(t, dockerWait, "web to answer at its new address "+after, func() (bool, string) {
		return answeredBy(t, addr, host, "web", after)
	})

	hostnames := func() []string {
		var hs []string
		for _, id := range p.Containers("web") {
			hs = append(hs, p.Hostname(id))
		}
		return hs
	}
	p.Up(append([]string{"--no-recreate", "--scale", "web=3"}, services...)...)
	three := hostnames()
	if len(three) != 3 {
		t.Fatalf("web has %d replicas, want 3", len(three))
	}
	e2etest.Eventually(t, dockerWait, "the three replicas of web to answer", func() (bool, string) {
		return onlyBackends(t, addr, host, 12, three...)
	})
	p.Up(append([]string{"--no-recreate", "--scale", "web=1"}, services...)...)
	one := hostnames()
	e2etest.Eventually(t, dockerWait, "only the last replica of web to answer", func() (bool, string) {
		return onlyBackends(t, addr, host, 12, one...)
	})
}

// TestOnDockerARestartedContainerIsFollowedWithoutAReload is seeds 000 and
// 001 for real: web stops, another container takes an address, web starts
// again on a new one, and HAProxy follows through Docker's DNS, without a
// reload, saying so in its log.
func TestOnDockerARestartedContainerIsFollowedWithoutAReload(t *testing.T) {
	t.Parallel()
	p := newDockerProject(t, `services:
`+proxyService+`  web:
    image: BACKEND_IMAGE
    expose: ["80"]
    environment: {SERVICE_NAME: www_hello, SERVICE: web}
`)
	p.generate(t)
	addr := p.start(t)
	proxy, web := p.Container("proxy"), p.Container("web")
	before := p.IP(web, "default")
	e2etest.Eventually(t, dockerWait, "web to answer at "+before, func() (bool, string) {
		return answeredBy(t, addr, "www.hello", "web", before)
	})
	pid := dockertest.Inspect(t, proxy, "{{.State.Pid}} {{.State.StartedAt}}")

	p.Compose("stop", "-t", "2", "web")
	// Another container on the network, so that web cannot get its old
	// address back whichever way Docker hands addresses out.
	filler := dockertest.Docker(t, "run", "-d", "--network", p.Network("default"), p.images.Backend)
	t.Cleanup(func() { dockertest.Run("docker", "rm", "-f", filler) })
	p.Compose("start", "web")
	after := p.IP(web, "default")
	if after == before {
		t.Fatalf("web came back on its old address %s: the test proves nothing", before)
	}

	took := e2etest.Eventually(t, dockerWait, "web to answer at its new address "+after, func() (bool, string) {
		return answeredBy(t, addr, "www.hello", "web", after)
	})
	t.Logf("web moved from %s to %s; HAProxy followed %v after it started", before, after, took.Round(10*time.Millisecond))
	e2etest.Eventually(t, dockerWait, "HAProxy to log the change", func() (bool, string) {
		logs := dockertest.Logs(proxy)
		return e2etest.LogsIPChange(logs, after), "no \"changed its IP from … to " + after + "\" line yet"
	})
	if now := dockertest.Inspect(t, proxy, "{{.State.Pid}} {{.State.StartedAt}}"); now != pid {
		t.Errorf("the proxy container was restarted (pid and start %q, then %q)", pid, now)
	}
	if n := strings.Count(dockertest.Logs(proxy), "New worker"); n != 1 {
		t.Errorf("HAProxy started %d workers, want 1 (no reload):\n%s", n, dockertest.Logs(proxy))
	}
}

// TestOnDockerAServiceOffTheProxyNetworkIsUnreachable is seed 003: api is
// on a network the proxy does not share. The network lint says so, and,
// run for real, the warning is right: the proxy cannot resolve api, so
// api's host answers 503, while web, on the proxy's network, answers.
func TestOnDockerAServiceOffTheProxyNetworkIsUnreachable(t *testing.T) {
	t.Parallel()
	p := newDockerProject(t, `services:
`+strings.Replace(proxyService, "    dns:", "    networks: [front]\n    dns:", 1)+`  web:
    image: BACKEND_IMAGE
    expose: ["80"]
    networks: [front]
    environment: {SERVICE_NAME: web, SERVICE: web}
  api:
    image: BACKEND_IMAGE
    expose: ["80"]
    networks: [back]
    environment: {SERVICE_NAME: api, SERVICE: api}
networks:
  front: {}
  back: {}
`)
	warnings := p.generate(t)
	if want := "warning: api: shares no network with the proxy proxy"; !strings.Contains(warnings, want) {
		t.Errorf("the CLI did not warn %q; it printed:\n%s", want, warnings)
	}
	addr := p.start(t)
	e2etest.Eventually(t, dockerWait, "web to answer", func() (bool, string) {
		return answeredBy(t, addr, "web", "web", "")
	})
	// web answers, so HAProxy's resolvers work and have asked for api
	// too (every name is asked each round); api is up, on its network.
	if running := dockertest.Inspect(t, p.Container("api"), "{{.State.Running}}"); running != "true" {
		t.Fatalf("api is not running (%s): the test proves nothing", running)
	}
	got := e2etest.Spread(t, addr, "api", "/", 20)
	if !e2etest.SameKeys(got, "<status 503>") {
		t.Errorf("api, off the proxy's network: %v, want only 503", got)
	}
	if logs := dockertest.Logs(p.Container("proxy")); regexp.MustCompile(`api/api-[0-9]+.*(IP|UP)`).MatchString(logs) {
		t.Errorf("HAProxy found a server for api:\n%s", logs)
	}
}

// registratorDemoOnDocker is seed 002's demo as the Docker tests run it: web
// (www_hello, an HTTP check every second so that a failing replica leaves
// quickly, where the demo checks every 15s; a stopped replica fails its
// check for 4s before it goes, so that HAProxy stops sending it requests
// first) and web2 (www_world_dev with aliases
// and sticky sessions), and the proxy's own stats page routed as
// proxy-admin_infra. (The demo's consul service is left out: there is no
// image for it here.)
const registratorDemoOnDocker = `services:
` + proxyService + `    environment: {SERVICE_8404_NAME: proxy-admin_infra}
  web:
    image: BACKEND_IMAGE
    expose: ["80"]
    environment:
      SERVICE_NAME: www_hello
      SERVICE_CHECK_HTTP: /health
      SERVICE_CHECK_INTERVAL: 1s
      SERVICE: web
      DRAIN: 4s
  web2:
    image: BACKEND_IMAGE
    expose: ["80"]
    environment:
      SERVICE_NAME: www_world_dev
      SERVICE_TAGS: sticky_session,server_alias=hello.home,server_alias=www.world.home
      SERVICE: web2
`

// TestOnDockerTheRegistratorDemoRoutesScalesAndHeals is seed 002 for
// real: every documented host, scaling out and in under load with no
// failed request, a replica whose health check fails taken out and put
// back, and sticky sessions across replicas.
func TestOnDockerTheRegistratorDemoRoutesScalesAndHeals(t *testing.T) {
	t.Parallel()
	p := newDockerProject(t, registratorDemoOnDocker)
	p.generate(t, "--domain", "127.0.0.1.nip.io")
	addr := p.start(t)

	t.Run("hosts", func(t *testing.T) {
		for _, r := range []struct{ host, service string }{
			{"www.hello", "web"}, {"www.hello.127.0.0.1.nip.io", "web"},
			{"www.world.dev", "web2"}, {"www.world.dev.127.0.0.1.nip.io", "web2"},
			{"hello.home", "web2"}, {"www.world.home", "web2"},
		} {
			e2etest.Eventually(t, dockerWait, r.host+" to be answered by "+r.service, func() (bool, string) {
				return answeredBy(t, addr, r.host, r.service, "")
			})
		}
		stats := e2etest.Do(t, addr, "GET", "proxy-admin.infra", "/stats", nil)
		if stats.Status != 200 || !strings.Contains(stats.Body, "Statistics Report") {
			t.Errorf("proxy-admin.infra/stats: %v, want HAProxy's stats page", stats)
		}
		if r := e2etest.Do(t, addr, "GET", "nobody.example.com", "/", nil); r.Status != 404 {
			t.Errorf("an unknown host: %v, want 404", r)
		}
	})

	// hostnames are the X-Backend answers of service's replicas.
	hostnames := func(service string) []string {
		var hs []string
		for _, id := range p.Containers(service) {
			hs = append(hs, p.Hostname(id))
		}
		return hs
	}

	t.Run("scale out and in", func(t *testing.T) {
		loop := e2etest.StartLoop(t, addr, "www.hello", "/")
		p.Up("--no-recreate", "--scale", "web=3", "--scale", "web2=3")
		three := hostnames("web")
		e2etest.Eventually(t, dockerWait, "the three replicas of web to answer", func() (bool, string) {
			return onlyBackends(t, addr, "www.hello", 12, three...)
		})
		p.Up("--no-recreate", "--scale", "web=1", "--scale", "web2=3")
		one := hostnames("web")
		e2etest.Eventually(t, dockerWait, "only the last replica of web to answer", func() (bool, string) {
			return onlyBackends(t, addr, "www.hello", 12, one...)
		})
		res := loop.Stop()
		t.Logf("scaled web 1 → 3 → 1 under load: %v", res)
		if res.Failed > 0 || len(res.Backends) < 3 {
			t.Errorf("want no failed request, and answers from the three replicas: %v", res)
		}
	})

	t.Run("health check", func(t *testing.T) {
		p.Up("--no-recreate", "--scale", "web=3", "--scale", "web2=3")
		ids, all := p.Containers("web"), hostnames("web")
		e2etest.Eventually(t, dockerWait, "the three replicas of web to answer", func() (bool, string) {
			return onlyBackends(t, addr, "www.hello", 12, all...)
		})
		sick := all[1]
		dockertest.Docker(t, "exec", ids[1], "/backend", "health", "down")
		e2etest.Eventually(t, dockerWait, "the replica failing its check ("+sick+") to be taken out", func() (bool, string) {
			return onlyBackends(t, addr, "www.hello", 12, all[0], all[2])
		})
		dockertest.Docker(t, "exec", ids[1], "/backend", "health", "up")
		e2etest.Eventually(t, dockerWait, "the healed replica ("+sick+") to be put back", func() (bool, string) {
			return onlyBackends(t, addr, "www.hello", 12, all...)
		})
	})

	t.Run("sticky sessions", func(t *testing.T) {
		three := hostnames("web2")
		if len(three) != 3 {
			t.Fatalf("web2 has %d replicas, want 3", len(three))
		}
		e2etest.Eventually(t, dockerWait, "the three replicas of web2 to answer", func() (bool, string) {
			return onlyBackends(t, addr, "www.world.dev", 12, three...)
		})
		c := e2etest.NewClient(t, addr)
		first := c.Get("www.world.dev", "/")
		if first.Status != 200 || first.Header.Get("Set-Cookie") == "" {
			t.Fatalf("first request: %v, want 200 and a cookie", first)
		}
		for range 12 {
			if r := c.Get("www.world.dev", "/"); r.Backend != first.Backend {
				t.Fatalf("with the cookie, %v, want every answer from %s", r, first.Backend)
			}
		}
	})
}

// TestOnDockerCheckRunsTheImagesHAProxy proves docs/deploy.md's haproxy-prod
// script: --check --haproxy ./haproxy-prod runs "haproxy -c -dW" in the
// proxy's image, which accepts a generated config and rejects a broken one.
func TestOnDockerCheckRunsTheImagesHAProxy(t *testing.T) {
	t.Parallel()
	images := dockertest.BuildImages(t)
	dir := t.TempDir()
	// docs/deploy.md's, with the test image for haproxy:3.0.
	script := strings.Replace(readmeScript(t, "deploy/haproxy-prod"), " haproxy:3.0 ", " "+images.HAProxy+" ", 1)
	if err := os.WriteFile(filepath.Join(dir, "haproxy-prod"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(`services:
  web:
    image: nginx
    expose: ["80"]
    environment: {SERVICE_NAME: www_hello}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	// With --runtime-dir, as the CI job of docs/ci.md: the state file the check
	// gives HAProxy is under $TMPDIR too.
	compose2haproxy(t, dir, "-f", "compose.yaml", "-o", "haproxy.cfg", "--check", "--haproxy", "./haproxy-prod", "--runtime-dir", "/var/run/haproxy")

	// A template that renders a directive HAProxy does not know.
	if err := os.WriteFile(filepath.Join(dir, "broken.tmpl"), []byte("global\n    no-such-directive\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin, env := e2etest.CLI(t, hermeticEnv()...)
	cmd := exec.Command(bin, "-f", "compose.yaml", "--template", "broken.tmpl", "--check", "--haproxy", "./haproxy-prod")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 || !strings.Contains(string(out), "no-such-directive") {
		t.Errorf("a config the image's HAProxy rejects: %v, want exit 3 naming the directive; output:\n%s", err, out)
	}
}
