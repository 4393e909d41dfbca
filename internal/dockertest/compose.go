package dockertest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// Project is a docker-compose project of one test: a directory of its own
// and a name no other run uses. Everything it starts (containers, networks,
// volumes) is removed when the test ends.
type Project struct {
	Name string // the -p name, "c2h-<random>"
	Dir  string // holds compose.yaml and what the test writes beside it

	tb testing.TB
}

// NewProject makes an empty project; write compose.yaml with WriteFile.
func NewProject(tb testing.TB) *Project {
	tb.Helper()
	Require(tb)
	p := &Project{Name: UniqueName("c2h"), Dir: tb.TempDir(), tb: tb}
	tb.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(p.Dir, "compose.yaml")); err != nil {
			return // nothing was ever started
		}
		if _, err := RunIn(p.Dir, "docker-compose", "-p", p.Name, "-f", "compose.yaml", "down", "-v", "--remove-orphans", "-t", "2"); err != nil {
			tb.Errorf("cleaning up: %v", err)
		}
	})
	return p
}

// UniqueName returns prefix-<8 hex digits>, for names of Docker objects
// that parallel tests and runs must not share.
func UniqueName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// WriteFile writes a file of the project (such as compose.yaml) and
// returns its path.
func (p *Project) WriteFile(name, content string) string {
	p.tb.Helper()
	return writeFile(p.tb, p.Dir, name, content)
}

// writeFile writes dir/name, making its directory, and returns its path.
func writeFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Compose runs docker-compose -p NAME -f compose.yaml ARGS... in the
// project's directory and returns its output; a failure fails the test.
func (p *Project) Compose(args ...string) string {
	p.tb.Helper()
	out, err := RunIn(p.Dir, "docker-compose", append([]string{"-p", p.Name, "-f", "compose.yaml"}, args...)...)
	if err != nil {
		p.tb.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// Up runs "up -d ARGS..." (images are never pulled: they exist locally).
func (p *Project) Up(args ...string) {
	p.tb.Helper()
	p.Compose(append([]string{"up", "-d"}, args...)...)
}

// Containers returns the ids of service's containers, running or not,
// ordered by replica number. (docker ps, not docker-compose ps: the same
// answer in a twentieth of the time.)
func (p *Project) Containers(service string) []string {
	p.tb.Helper()
	out := Docker(p.tb, "ps", "-a", "--filter", "label=com.docker.compose.project="+p.Name,
		"--filter", "label=com.docker.compose.service="+service,
		"--format", `{{.Label "com.docker.compose.container-number"}} {{.ID}}`)
	type replica struct {
		n  int
		id string
	}
	var rs []replica
	for _, line := range strings.Split(out, "\n") {
		if n, id, ok := strings.Cut(line, " "); ok {
			num, _ := strconv.Atoi(n)
			rs = append(rs, replica{num, id})
		}
	}
	slices.SortFunc(rs, func(a, b replica) int { return a.n - b.n })
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.id
	}
	return ids
}

// Container returns the id of service's only (or first) container.
func (p *Project) Container(service string) string {
	p.tb.Helper()
	ids := p.Containers(service)
	if len(ids) == 0 {
		p.tb.Fatalf("service %s has no container", service)
	}
	return ids[0]
}

// Network returns the Docker name of the project's network (such as
// "default").
func (p *Project) Network(name string) string { return p.Name + "_" + name }

// Published returns "127.0.0.1:PORT", where service's container port is
// published; publish it as "127.0.0.1::PORT" so that nothing outside the
// machine can reach it.
func (p *Project) Published(service string, port int) string {
	p.tb.Helper()
	addr := Inspect(p.tb, p.Container(service), fmt.Sprintf(`{{with index .NetworkSettings.Ports "%d/tcp"}}{{with index . 0}}{{.HostIp}}:{{.HostPort}}{{end}}{{end}}`, port))
	if err := e2etest.CheckLoopback(addr); err != nil {
		p.tb.Fatalf("%s's port %d is published at %q: %v (publish it on 127.0.0.1)", service, port, addr, err)
	}
	return addr
}

// IP returns the address of a container on one of the project's networks.
func (p *Project) IP(id, network string) string {
	p.tb.Helper()
	ip := Inspect(p.tb, id, fmt.Sprintf(`{{with index .NetworkSettings.Networks %q}}{{.IPAddress}}{{end}}`, p.Network(network)))
	if ip == "" {
		p.tb.Fatalf("container %s has no address on %s", id, p.Network(network))
	}
	return ip
}

// Hostname returns a container's host name: what the backend image
// answers in X-Backend.
func (p *Project) Hostname(id string) string {
	p.tb.Helper()
	return Inspect(p.tb, id, "{{.Config.Hostname}}")
}

// ShowLogsOnTimeout makes the test's timed-out waits show the log of
// service's first container.
func (p *Project) ShowLogsOnTimeout(service string) {
	id := p.Container(service)
	e2etest.ShowLogOnTimeout(p.tb, "container "+service, func() string { return Logs(id) })
}
