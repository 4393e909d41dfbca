package e2e

import (
	"fmt"
	"os"
	"path/filepath"
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
	_, stderr := compose2haproxy(t, p.Dir, append([]string{"-f", "compose.yaml", "-o", "haproxy/haproxy.cfg",
		"--check", "--haproxy", e2etest.RequireHAProxy(t)}, args...)...)
	return stderr
}

// start runs "up -d" and returns the proxy's address once it accepts
// connections; timed-out waits show the proxy's log.
func (p *dockerProject) start(t *testing.T, args ...string) string {
	t.Helper()
	p.Up(args...)
	p.ShowLogsOnTimeout("proxy")
	addr := p.Published("proxy", 80)
	e2etest.WaitListening(t, addr, 20*time.Second)
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
	e2etest.Eventually(t, 20*time.Second, "web to answer at "+before, func() (bool, string) {
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

	took := e2etest.Eventually(t, 20*time.Second, "web to answer at its new address "+after, func() (bool, string) {
		return answeredBy(t, addr, "www.hello", "web", after)
	})
	t.Logf("web moved from %s to %s; HAProxy followed %v after it started", before, after, took.Round(10*time.Millisecond))
	e2etest.Eventually(t, 10*time.Second, "HAProxy to log the change", func() (bool, string) {
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
