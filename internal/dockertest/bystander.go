package dockertest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// Bystander stands for a stack someone else runs on the machine's engine
// while the tests do: a backend container on a network of its own,
// published on 127.0.0.1. From StartBystander on, the machine's Swarm
// state is watched; Check fails the test if it ever changed or the
// bystander lost its network or stopped answering (issue 16: the Swarm
// tests made the machine's engine a Swarm and left it, and Docker
// detached the containers of stacks started meanwhile).
type Bystander struct {
	ID      string // the container, labelled compose2haproxy.e2e=bystander
	Network string // its network, "c2h-bystander-<random>"
	Addr    string // its published port, "127.0.0.1:PORT"

	before string // machineSwarm at the start
	stop   chan struct{}
	done   chan struct{}
	mu     sync.Mutex
	seen   []string // machineSwarm answers that differed from before
}

// StartBystander starts a bystander on Machine, waits until it answers and
// starts watching the machine's Swarm state (once a second). Its container
// and network are removed when the test ends.
func StartBystander(tb testing.TB) *Bystander {
	tb.Helper()
	images := BuildImages(tb)
	b := &Bystander{Network: UniqueName("c2h-bystander"), stop: make(chan struct{}), done: make(chan struct{})}
	Docker(tb, "network", "create", "--label", "compose2haproxy.e2e=bystander", b.Network)
	tb.Cleanup(func() {
		if _, err := Run("docker", "network", "rm", b.Network); err != nil {
			tb.Errorf("cleaning up: %v", err)
		}
	})
	b.ID = Docker(tb, "run", "-d", "--label", "compose2haproxy.e2e=bystander", "--network", b.Network,
		"-p", "127.0.0.1::8080", "-e", "PORT=8080", "-e", "SERVICE=bystander", images.Backend)
	tb.Cleanup(func() {
		if _, err := Run("docker", "rm", "-f", "-v", b.ID); err != nil {
			tb.Errorf("cleaning up: %v", err)
		}
	})
	b.Addr = Inspect(tb, b.ID, `{{with index .NetworkSettings.Ports "8080/tcp"}}{{with index . 0}}{{.HostIp}}:{{.HostPort}}{{end}}{{end}}`)
	if err := e2etest.CheckLoopback(b.Addr); err != nil {
		tb.Fatalf("the bystander's port: %v", err)
	}
	e2etest.Eventually(tb, time.Minute, "the bystander to answer", b.answers(tb))
	var err error
	if b.before, err = machineSwarm(); err != nil {
		tb.Fatal(err)
	}
	go b.watch()
	tb.Cleanup(b.stopWatching)
	return b
}

// machineSwarm describes the machine's engine's Swarm: its state, its
// node and the two networks a Swarm makes (ingress, docker_gwbridge).
// Networks of a user's own stacks are left out: they may come and go.
func machineSwarm() (string, error) {
	state, err := Run("docker", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.NodeID}}")
	if err != nil {
		return "", err
	}
	nets, err := Run("docker", "network", "ls", "--format", "{{.Name}}/{{.ID}}")
	if err != nil {
		return "", err
	}
	var made []string
	for _, n := range strings.Fields(nets) {
		if strings.HasPrefix(n, "ingress/") || strings.HasPrefix(n, "docker_gwbridge/") {
			made = append(made, n)
		}
	}
	return fmt.Sprintf("Swarm %s, networks %v", strings.TrimSpace(state), made), nil
}

func (b *Bystander) watch() {
	defer close(b.done)
	for {
		select {
		case <-b.stop:
			return
		case <-time.After(time.Second):
		}
		if now, err := machineSwarm(); err == nil && now != b.before {
			b.mu.Lock()
			if len(b.seen) == 0 || b.seen[len(b.seen)-1] != now {
				b.seen = append(b.seen, now)
			}
			b.mu.Unlock()
		}
	}
}

func (b *Bystander) stopWatching() {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
}

// answers is a condition for Eventually: the bystander answers GET /.
func (b *Bystander) answers(tb testing.TB) func() (bool, string) {
	return func() (bool, string) {
		r := e2etest.Do(tb, b.Addr, "GET", "", "/", nil)
		return r.Err == nil && r.Status == 200 && r.Header.Get("X-Service") == "bystander", r.String()
	}
}

// Check stops the watch and fails the test if the machine's Swarm state
// changed at any time since StartBystander, or changed now, or the
// bystander is no longer running on its network and answering.
func (b *Bystander) Check(tb testing.TB) {
	tb.Helper()
	b.stopWatching()
	if now, err := machineSwarm(); err != nil {
		tb.Error(err)
	} else if now != b.before && (len(b.seen) == 0 || b.seen[len(b.seen)-1] != now) {
		b.seen = append(b.seen, now)
	}
	if len(b.seen) > 0 {
		tb.Errorf("the machine's Docker engine changed: %s before, then %q", b.before, b.seen)
	}
	state := Inspect(tb, b.ID, fmt.Sprintf(`{{.State.Status}} {{with index .NetworkSettings.Networks %q}}{{.IPAddress}}{{end}}`, b.Network))
	if status, ip, _ := strings.Cut(state, " "); status != "running" || ip == "" {
		tb.Errorf("the bystander %s is %q on its network %s, want running with an address", b.ID, state, b.Network)
	}
	if ok, got := b.answers(tb)(); !ok {
		tb.Errorf("the bystander at %s does not answer: %s", b.Addr, got)
	}
}
