package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/dockertest"
	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// appProject is one of several compose projects behind one proxy: its
// service web (and what the test adds) on its own default network and on
// the shared external network, with the alias <service>.<project>.internal
// that the config addresses it by. Its .env names the project as -p does,
// so that compose2haproxy and docker-compose agree on the name.
type appProject struct {
	*dockertest.Project
	host string
}

func newAppProject(t *testing.T, images dockertest.Images, network, host, extra string) *appProject {
	t.Helper()
	p := &appProject{Project: dockertest.NewProject(t), host: host}
	p.WriteFile(".env", "COMPOSE_PROJECT_NAME="+p.Name+"\n")
	p.write(images, network, extra)
	return p
}

func (p *appProject) write(images dockertest.Images, network, extra string) {
	service := func(name, host string) string {
		return fmt.Sprintf(`  %s:
    image: %s
    expose: ["80"]
    environment: {SERVICE_NAME: %s, SERVICE: %s/%s}
    networks:
      default:
      proxy:
        aliases: [%s.%s.internal]
`, name, images.Backend, host, p.Name, name, name, p.Name)
	}
	yaml := "services:\n" + service("web", p.host)
	if extra != "" {
		yaml += service(extra, extra+"."+p.host)
	}
	p.WriteFile("compose.yaml", yaml+"networks:\n  proxy:\n    external: true\n    name: "+network+"\n")
}

// TestOnDockerOneProxyServesThreeProjectsEachAsItself is docs/multi-project.md
// on the engine: three projects in three folders, each with a service
// called web (shop's scaled to 3), one HAProxy in a project of its own on
// a shared network. Every host reaches its own project's containers and
// never another's, although Docker's DNS answers "web" with all five; shop
// changes and the config is regenerated and reloaded under request loops
// on the others, whose lines stay byte-identical and whose servers keep
// their addresses; wiki is taken down and its host gets a clean 503 while
// the others keep working.
func TestOnDockerOneProxyServesThreeProjectsEachAsItself(t *testing.T) {
	t.Parallel()
	e2etest.RequireCommand(t, "socat")
	images := dockertest.BuildImages(t)
	network := dockertest.UniqueName("c2h-proxy")
	dockertest.Docker(t, "network", "create", network)
	t.Cleanup(func() {
		if _, err := dockertest.Run("docker", "network", "rm", network); err != nil {
			t.Errorf("removing network %s: %v", network, err)
		}
	})

	shop := newAppProject(t, images, network, "shop.test", "")
	blog := newAppProject(t, images, network, "blog.test", "")
	wiki := newAppProject(t, images, network, "wiki.test", "")
	shop.Up("--scale", "web=3")
	blog.Up()
	wiki.Up()

	proxy := newDockerProject(t, `services:
  proxy:
    image: HAPROXY_IMAGE
    ports: ["127.0.0.1::80"]
    volumes: ["./haproxy:/usr/local/etc/haproxy:ro", "./run:/var/run/haproxy"]
    dns: [127.0.0.1]
    labels: {compose2haproxy.proxy: "true"}
    networks: [proxy]
networks:
  proxy:
    external: true
    name: `+network+"\n")
	for _, dir := range []string{"haproxy", "run"} {
		if err := os.Mkdir(filepath.Join(proxy.Dir, dir), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(proxy.Dir, "haproxy", "haproxy.cfg")
	generate := func() string {
		t.Helper()
		_, stderr := compose2haproxy(t, proxy.Dir, shop.Dir, blog.Dir, wiki.Dir, "-o", "haproxy/haproxy.cfg",
			"--runtime-dir", "/var/run/haproxy", "--check", "--haproxy", e2etest.RequireHAProxy(t))
		if stderr != "" {
			t.Errorf("compose2haproxy warned:\n%s", stderr)
		}
		cfg, err := os.ReadFile(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		return string(cfg)
	}
	before := generate()
	addr := proxy.start(t)
	container := proxy.Container("proxy")

	// Each host: its own project's containers only, every replica of shop.
	for _, p := range []*appProject{shop, blog, wiki} {
		seen := map[string]bool{}
		want := len(p.Containers("web"))
		e2etest.Eventually(t, dockerWait, fmt.Sprintf("%s to answer from its %d containers", p.host, want), func() (bool, string) {
			r := e2etest.Do(t, addr, "GET", p.host, "/", nil)
			if r.Err == nil && r.Status == 200 {
				if got := r.Header.Get("X-Service"); got != p.Name+"/web" {
					t.Fatalf("%s answered by %s, a container of another project", p.host, got)
				}
				seen[r.Header.Get("X-Backend-IP")] = true
			}
			return len(seen) == want, fmt.Sprintf("%v; seen %d of %d", r, len(seen), want)
		})
	}
	for _, p := range []*appProject{shop, blog, wiki} {
		for i := 0; i < 20; i++ {
			if r := e2etest.Do(t, addr, "GET", p.host, "/", nil); r.Status != 200 || r.Header.Get("X-Service") != p.Name+"/web" {
				t.Fatalf("%s: %v from %s, want 200 from %s/web", p.host, r, r.Header.Get("X-Service"), p.Name)
			}
		}
	}

	// shop adds a service; regenerated, the other projects' lines are the
	// same bytes, and the reload under load fails no request.
	loops := []*e2etest.Loop{e2etest.StartLoop(t, addr, blog.host, "/"), e2etest.StartLoop(t, addr, wiki.host, "/")}
	shop.write(images, network, "admin")
	shop.Up("--no-recreate", "admin")
	after := generate()
	for _, p := range []*appProject{blog, wiki} {
		if b, a := projectLines(before, p.Name), projectLines(after, p.Name); b != a || b == "" {
			t.Errorf("%s's lines changed after shop changed:\n%s\nbecame\n%s", p.Name, b, a)
		}
	}
	learned := strings.Count(dockertest.Logs(container), "changed its IP from (none)")
	proxy.WriteFile("reload", readmeScript(t, "deploy/reload"))
	if out, err := dockertest.RunIn(proxy.Dir, "env", "COMPOSE_PROJECT_NAME="+proxy.Name, "sh", "./reload"); err != nil {
		t.Fatalf("deploy/reload: %v\n%s", err, out)
	}
	e2etest.Eventually(t, dockerWait, "admin.shop.test to answer after the reload", func() (bool, string) {
		r := e2etest.Do(t, addr, "GET", "admin."+shop.host, "/", nil)
		return r.Status == 200 && r.Header.Get("X-Service") == shop.Name+"/admin", r.String()
	})
	e2etest.Eventually(t, dockerWait, "the old worker to exit", func() (bool, string) {
		return strings.Contains(dockertest.Logs(container), "exited with code"), "no \"exited with code\" line yet"
	})
	for _, l := range loops {
		if res := l.Stop(); res.Sent < 10 || res.Failed > 0 {
			t.Errorf("a request loop on another project during the reload: %v, want at least 10 requests and none failed", res)
		}
	}
	// The new worker took the other backends' addresses from the saved
	// state; only shop's new admin servers were learned from DNS.
	log := dockertest.Logs(container)
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "changed its IP from (none)") && !strings.Contains(line, "admin") {
			learned--
		}
	}
	if learned < 0 {
		t.Errorf("after the reload HAProxy learned addresses from DNS again: the saved state was not used\n%s", log)
	}

	// wiki goes down: its host answers 503, the others keep working.
	wiki.Compose("down", "-t", "1")
	e2etest.Eventually(t, dockerWait, "wiki.test to answer 503", func() (bool, string) {
		r := e2etest.Do(t, addr, "GET", wiki.host, "/", nil)
		return r.Err == nil && r.Status == 503, r.String()
	})
	for _, p := range []*appProject{shop, blog} {
		if r := e2etest.Do(t, addr, "GET", p.host, "/", nil); r.Status != 200 || r.Header.Get("X-Service") != p.Name+"/web" {
			t.Errorf("%s after wiki went down: %v from %s", p.host, r, r.Header.Get("X-Service"))
		}
	}
}

// projectLines are the lines of a config that belong to project: those
// that name it, and every line of its backends.
func projectLines(cfg, project string) string {
	var out []string
	in := false
	for _, line := range strings.Split(cfg, "\n") {
		if line != "" && line[0] != ' ' {
			in = strings.HasPrefix(line, "backend "+project+".")
		}
		if in || strings.Contains(line, project+".") || strings.Contains(line, project+"/") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
