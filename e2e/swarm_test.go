package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/dockertest"
	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// goDemoOnSwarm is seed 004 as a Swarm stack: docker-flow-proxy's com.df.*
// labels in deploy.labels route by path to go-demo and books, and the
// proxy reads the generated config from a Swarm config. The proxy
// publishes its port in host mode: the ingress routing mesh does not
// answer on every machine.
const goDemoOnSwarm = `services:
  proxy:
    image: HAPROXY_IMAGE
    ports: [{target: 80, published: PROXY_PORT, protocol: tcp, mode: host}]
    configs: [{source: haproxy, target: /usr/local/etc/haproxy/haproxy.cfg}]
    dns: [127.0.0.1]
    labels: {compose2haproxy.proxy: "true"}
    networks: [proxy]
  go-demo:
    image: BACKEND_IMAGE
    environment: {PORT: "8080", SERVICE: go-demo}
    networks: [proxy]
    deploy:
      replicas: 2
      restart_policy: {delay: 1s}
      labels:
        com.df.notify: "true"
        com.df.servicePath: /demo
        com.df.port: "8080"
  books:
    image: BACKEND_IMAGE
    environment: {PORT: "8080", SERVICE: books}
    networks: [proxy]
    deploy:
      labels:
        com.df.notify: "true"
        com.df.servicePath: /api/v1/books
        com.df.port: "8080"
networks:
  proxy: {driver: overlay}
configs:
  haproxy: {file: ./haproxy/haproxy.cfg}
`

// TestOnSwarmTheGoDemoStackRoutesScalesAndRecovers is seed 004 for real:
// path routing from deploy.labels, "docker service scale" followed without
// a new config, and a task killed and replaced by Swarm.
func TestOnSwarmTheGoDemoStackRoutesScalesAndRecovers(t *testing.T) {
	t.Parallel()
	bystander := dockertest.StartBystander(t)
	t.Cleanup(func() { bystander.Check(t) }) // last: after the stack is gone
	s := dockertest.NewStack(t)
	images := s.Engine.BuildImages(t)
	port := e2etest.FreePort(t)
	s.WriteFile("stack.yaml", strings.NewReplacer("HAPROXY_IMAGE", images.HAProxy, "BACKEND_IMAGE", images.Backend,
		"PROXY_PORT", fmt.Sprint(port)).Replace(goDemoOnSwarm))
	if err := os.MkdirAll(filepath.Join(s.Dir, "haproxy"), 0o755); err != nil {
		t.Fatal(err)
	}
	compose2haproxy(t, s.Dir, "-f", "stack.yaml", "--swarm", "-o", "haproxy/haproxy.cfg", "--check", "--haproxy", e2etest.RequireHAProxy(t))
	s.Deploy()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	e2etest.ShowLogOnTimeout(t, "service proxy", func() string {
		out, _ := s.Engine.Run("service", "logs", "--raw", s.Service("proxy"))
		return out
	})
	e2etest.WaitListening(t, addr, dockerWait)

	// hostnames answers the X-Backend values of service's running tasks.
	hostnames := func(service string) []string {
		var hs []string
		for _, id := range s.Containers(service) {
			hs = append(hs, s.Engine.Inspect(t, id, "{{.Config.Hostname}}"))
		}
		return hs
	}
	// allTasks waits until the service runs n tasks and every one of them
	// answers /demo/hello, and returns their host names.
	allTasks := func(n int, what string) []string {
		t.Helper()
		var hs []string
		e2etest.Eventually(t, dockerWait, what, func() (bool, string) {
			if hs = hostnames("go-demo"); len(hs) != n {
				return false, fmt.Sprintf("%d tasks run: %v", len(hs), hs)
			}
			got := e2etest.Spread(t, addr, "", "/demo/hello", 4*n)
			return e2etest.SameKeys(got, hs...), fmt.Sprintf("tasks %v, answers %v", hs, got)
		})
		return hs
	}

	start := time.Now()
	phase := func(what string) { t.Logf("%v: %s", time.Since(start).Round(100*time.Millisecond), what) }
	allTasks(2, "the two tasks of go-demo to answer /demo/hello")
	phase("deployed")
	for _, r := range []struct{ path, service string }{
		{"/demo/hello", "go-demo"}, {"/demo", "go-demo"}, {"/api/v1/books/1", "books"},
	} {
		e2etest.Eventually(t, dockerWait, r.path+" to be answered by "+r.service, func() (bool, string) {
			got := e2etest.Do(t, addr, "GET", "", r.path, nil)
			return got.Status == 200 && got.Header.Get("X-Service") == r.service, fmt.Sprintf("%s: %v", r.path, got)
		})
	}
	if got := e2etest.Do(t, addr, "GET", "", "/elsewhere", nil); got.Status != 404 {
		t.Errorf("/elsewhere: %v, want 404", got)
	}

	s.Engine.Docker(t, "service", "scale", "--detach", s.Service("go-demo")+"=4")
	four := allTasks(4, "the four tasks of go-demo to answer after docker service scale")
	phase("scaled to 4")

	victim := s.Containers("go-demo")[0]
	killed := s.Engine.Inspect(t, victim, "{{.Config.Hostname}}")
	s.Engine.Docker(t, "kill", victim)
	after := allTasks(4, "Swarm to replace the killed task "+killed+" and the new one to answer")
	phase("killed task replaced")
	if slices.Contains(after, killed) {
		t.Errorf("the killed task %s still answers: %v", killed, after)
	}
	t.Logf("go-demo's tasks: %v; %s killed, now %v", four, killed, after)
}
