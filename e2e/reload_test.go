package e2e

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/dockertest"
	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
)

// TestOnDockerAReloadDropsNoConnection proves the deploy recipe (docs/deploy.md):
// the stats page behind --stats-auth; a service added, the config
// regenerated into the directory the proxy mounts, the servers' state saved
// from the runtime socket (--runtime-dir), and HAProxy, in master-worker
// mode (-W), reloaded with "docker kill -s USR2" while a request loop runs:
// no request fails, the new service is routed, and the container is the
// same one; a broken config refused by the reload, the running one still
// serving. Without the saved state the new worker would start with no
// server addresses and answer 503 until Docker's DNS answered it.
func TestOnDockerAReloadDropsNoConnection(t *testing.T) {
	t.Parallel()
	web := `  web:
    image: BACKEND_IMAGE
    expose: ["80"]
    environment: {SERVICE_NAME: www_hello, SERVICE: web}
`
	web2 := `  web2:
    image: BACKEND_IMAGE
    expose: ["80"]
    environment: {SERVICE_NAME: www_world, SERVICE: web2}
`
	proxyWithStats := strings.NewReplacer(
		`ports: ["127.0.0.1::80"]`, `ports: ["127.0.0.1::80", "127.0.0.1::8404"]`,
		`volumes: ["./haproxy:/usr/local/etc/haproxy:ro"]`, `volumes: ["./haproxy:/usr/local/etc/haproxy:ro", "./run:/var/run/haproxy"]`,
	).Replace(proxyService)
	e2etest.RequireCommand(t, "socat")
	// ops.users holds alice's password s3cret, hashed with
	// openssl passwd -6 -salt c2he2etest s3cret.
	secrets := "secrets:\n  ops:\n    file: ./ops.users\n"
	p := newDockerProject(t, "services:\n"+proxyWithStats+web+secrets)
	p.WriteFile("ops.users", "alice:$6$c2he2etest$duL57khA7SVxGxfjbXUZ7pC6ATqYsTUfh4iLYJVb8do6YgtjxQ4I5.GSXxnIMTGuvaZMTGCk5zkNYwGeozQas.\n")
	if err := os.Mkdir(filepath.Join(p.Dir, "run"), 0o700); err != nil {
		t.Fatal(err)
	}
	generate := func() { p.generate(t, "--stats-auth", "secret:ops", "--runtime-dir", "/var/run/haproxy") }
	generate()
	addr := p.start(t)
	proxy := p.Container("proxy")

	stats := p.Published("proxy", 8404)
	e2etest.WaitListening(t, stats, dockerWait)
	for _, c := range []struct {
		user, password string
		want           int
	}{{"", "", 401}, {"alice", "wrong", 401}, {"alice", "s3cret", 200}} {
		h := http.Header{}
		if c.user != "" {
			h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.user+":"+c.password)))
		}
		if r := e2etest.Do(t, stats, "GET", "", "/stats", h); r.Status != c.want {
			t.Errorf("the stats page as %q/%q: %v, want %d", c.user, c.password, r, c.want)
		}
	}
	e2etest.Eventually(t, dockerWait, "web to answer", func() (bool, string) {
		return answeredBy(t, addr, "www.hello", "web", "")
	})
	if r := e2etest.Do(t, addr, "GET", "www.world", "/", nil); r.Status != 404 {
		t.Fatalf("www.world before the reload: %v, want 404", r)
	}
	started := dockertest.Inspect(t, proxy, "{{.State.StartedAt}}")

	loop := e2etest.StartLoop(t, addr, "www.hello", "/")
	p.writeCompose("services:\n" + proxyWithStats + web + web2 + secrets)
	p.Up("--no-recreate", "web2")
	generate()
	const fromDNS = "www.hello/web-1 changed its IP from (none)"
	learned := strings.Count(dockertest.Logs(proxy), fromDNS)
	// docs/deploy.md's deploy/reload as written, for a project started
	// with -p.
	p.WriteFile("reload", readmeScript(t, "deploy/reload"))
	if out, err := dockertest.RunIn(p.Dir, "env", "COMPOSE_PROJECT_NAME="+p.Name, "sh", "./reload"); err != nil {
		t.Fatalf("deploy/reload: %v\n%s", err, out)
	}
	// "be_id be_name srv_id srv_name srv_addr …": web's first server has
	// its address.
	if state, _ := os.ReadFile(filepath.Join(p.Dir, "run/servers.state")); !regexp.MustCompile(`(?m)^\d+ \S+ \d+ web-1 \d+\.\d+\.\d+\.\d+ `).Match(state) {
		t.Fatalf("the saved state has no address for web-1:\n%s", state)
	}
	// The socket takes read-only commands: it cannot take a server out.
	if out, _ := dockertest.RunIn(p.Dir, "sh", "-c", `echo "disable server www.hello/web-1" | socat stdio unix-connect:run/haproxy.sock`); !strings.Contains(out, "Permission denied") {
		t.Errorf("a write command on the runtime socket answered %q, want Permission denied", out)
	}
	e2etest.Eventually(t, dockerWait, "www.world to be routed to web2 after the reload", func() (bool, string) {
		return answeredBy(t, addr, "www.world", "web2", "")
	})
	// Keep the loop going until the old worker has gone, so that the
	// requests it would drop are seen.
	e2etest.Eventually(t, dockerWait, "the old worker to exit", func() (bool, string) {
		logs := dockertest.Logs(proxy)
		return strings.Contains(logs, "exited with code"), "no \"exited with code\" line yet"
	})
	res := loop.Stop()
	t.Logf("reloaded under load: %v", res)
	if res.Sent < 10 || res.Failed > 0 {
		t.Errorf("want at least 10 requests and none failed: %v\nHAProxy's log, less the 200s:\n%s", res, without200(dockertest.Logs(proxy)))
	}
	// The new worker took web-1's address from the saved state: DNS had
	// nothing new to tell it. (A 503 needs a request in the millisecond
	// before DNS answers; this fails every time the state is not used.)
	if n := strings.Count(dockertest.Logs(proxy), fromDNS); n != learned {
		t.Errorf("after the reload HAProxy learned web-1's address from DNS again (%q %d times, %d before): the saved state was not used\n%s", fromDNS, n, learned, dockertest.Logs(proxy))
	}
	if now := dockertest.Inspect(t, proxy, "{{.State.StartedAt}}"); now != started {
		t.Errorf("the proxy container was restarted (started %s, now %s), not reloaded", started, now)
	}
	if n := strings.Count(dockertest.Logs(proxy), "Loading success."); n != 2 {
		t.Errorf("HAProxy loaded a config %d times, want 2 (start and reload):\n%s", n, dockertest.Logs(proxy))
	}

	// A config the new worker cannot load leaves the running one serving.
	p.WriteFile("haproxy/broken.cfg", "global\n    no-such-directive\n")
	if err := os.Rename(filepath.Join(p.Dir, "haproxy/broken.cfg"), filepath.Join(p.Dir, "haproxy/haproxy.cfg")); err != nil {
		t.Fatal(err)
	}
	dockertest.Docker(t, "kill", "-s", "USR2", proxy)
	e2etest.Eventually(t, dockerWait, "HAProxy to refuse the broken config", func() (bool, string) {
		return strings.Contains(dockertest.Logs(proxy), "Loading failure"), "no \"Loading failure\" line yet"
	})
	for _, r := range []struct{ host, service string }{{"www.hello", "web"}, {"www.world", "web2"}} {
		if ok, detail := answeredBy(t, addr, r.host, r.service, ""); !ok {
			t.Errorf("after a failed reload: %s", detail)
		}
	}
}

// TestOnDockerTheReloadScriptFollowsNoLinkInRun runs docs/deploy.md's
// deploy/reload as root, as its recipe says, on a proxy that runs as
// HAProxy's user (uid 99, as the official image's haproxy) and owns run/,
// as the recipe sets up. That user can put anything in run/: a link it
// planted where the script saves the state must not make root write
// through it. The script refuses (fails, reloading nothing) and the
// link's target, a file of root's, is untouched; with the link gone it
// saves the state as run/'s owner and reloads.
func TestOnDockerTheReloadScriptFollowsNoLinkInRun(t *testing.T) {
	t.Parallel()
	e2etest.RequireCommand(t, "socat")
	if os.Geteuid() != 0 {
		haproxytest.SkipOrFail(t, "the proxy's run/ must belong to HAProxy's user, uid 99: chown needs root")
	}
	const haproxyUser = 99
	proxy := strings.NewReplacer(
		`volumes: ["./haproxy:/usr/local/etc/haproxy:ro"]`, `volumes: ["./haproxy:/usr/local/etc/haproxy:ro", "./run:/var/run/haproxy"]`+"\n    user: \"99:99\"",
	).Replace(proxyService)
	web := "  web:\n    image: BACKEND_IMAGE\n    expose: [\"80\"]\n    environment: {SERVICE_NAME: www_hello, SERVICE: web}\n"
	p := newDockerProject(t, "services:\n"+proxy+web)
	run := filepath.Join(p.Dir, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(run, haproxyUser, haproxyUser); err != nil {
		t.Fatal(err)
	}
	p.generate(t, "--runtime-dir", "/var/run/haproxy")
	addr := p.start(t)
	container := p.Container("proxy")
	e2etest.Eventually(t, dockerWait, "web to answer", func() (bool, string) {
		return answeredBy(t, addr, "www.hello", "web", "")
	})
	p.WriteFile("reload", readmeScript(t, "deploy/reload"))

	// Root's file, and HAProxy's user's link to it where the state goes.
	const precious = "root's own file\n"
	target := p.WriteFile("precious", precious)
	planted := filepath.Join(run, "servers.state.new")
	if err := os.Symlink(target, planted); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(planted, haproxyUser, haproxyUser); err != nil {
		t.Fatal(err)
	}
	out, err := dockertest.RunIn(p.Dir, "env", "COMPOSE_PROJECT_NAME="+p.Name, "sh", "./reload")
	if got, _ := os.ReadFile(target); string(got) != precious {
		t.Errorf("deploy/reload wrote through the link run/servers.state.new into root's %s:\n%s", target, got)
	}
	if err == nil {
		t.Errorf("deploy/reload succeeded with a link planted in run/, want it refused:\n%s", out)
	} else {
		t.Logf("refused: %v", err)
	}
	if n := strings.Count(dockertest.Logs(container), "Loading success."); n != 1 {
		t.Errorf("HAProxy loaded a config %d times, want once: a refused save must not reload\n%s", n, dockertest.Logs(container))
	}

	// Without the link the state is saved, as run/'s owner, and HAProxy
	// reloads.
	if err := os.Remove(planted); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if out, err := dockertest.RunIn(p.Dir, "env", "COMPOSE_PROJECT_NAME="+p.Name, "sh", "./reload"); err != nil {
		t.Fatalf("deploy/reload: %v\n%s", err, out)
	}
	state := filepath.Join(run, "servers.state")
	if saved, _ := os.ReadFile(state); !regexp.MustCompile(`(?m)^\d+ \S+ \d+ web-1 \d+\.\d+\.\d+\.\d+ `).Match(saved) {
		t.Errorf("the saved state has no address for web-1:\n%s", saved)
	}
	if fi, err := os.Lstat(state); err != nil || fi.Sys().(*syscall.Stat_t).Uid != haproxyUser {
		t.Errorf("run/servers.state: %v, %v; want a file of HAProxy's user, uid %d, who owns run/", fi, err, haproxyUser)
	}
	e2etest.Eventually(t, dockerWait, "HAProxy to reload", func() (bool, string) {
		n := strings.Count(dockertest.Logs(container), "Loading success.")
		return n == 2, fmt.Sprintf("%d \"Loading success.\" lines", n)
	})
}

// deployPage is the documentation page whose recipes the Docker tests run.
const deployPage = "../docs/deploy.md"

// readmeScript returns the deploy page's shell script that names itself on
// its second line ("# NAME: …"), so that a test runs a recipe as documented.
func readmeScript(t *testing.T, name string) string {
	t.Helper()
	page, err := os.ReadFile(deployPage)
	if err != nil {
		t.Fatal(err)
	}
	start := "```sh\n#!/bin/sh\n# " + name + ": "
	_, script, ok := strings.Cut(string(page), start)
	script, _, closed := strings.Cut(script, "```")
	if !ok || !closed {
		t.Fatalf("%s has no script starting %q", deployPage, start)
	}
	return "#!/bin/sh\n# " + name + ": " + script
}

// without200 drops the log lines of requests answered 200.
func without200(log string) string {
	var keep []string
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, " 200 ") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}
