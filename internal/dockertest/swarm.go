package dockertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

var swarm struct {
	once      sync.Once
	joined    bool // this run made the Swarm, so Cleanup leaves it
	gwCreated bool // and swarm init made docker_gwbridge, which leaving keeps
	err       error
}

// JoinSwarm makes sure the engine is a Swarm manager: it runs
// "docker swarm init --advertise-addr 127.0.0.1" when the engine is in no
// Swarm (Cleanup leaves it again), and uses the Swarm it is in otherwise.
func JoinSwarm(tb testing.TB) {
	tb.Helper()
	Require(tb)
	swarm.once.Do(func() {
		state, err := Run("docker", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")
		switch state = strings.TrimSpace(state); {
		case err != nil:
			swarm.err = err
		case state == "inactive false":
			_, gwErr := Run("docker", "network", "inspect", "docker_gwbridge")
			if _, swarm.err = Run("docker", "swarm", "init", "--advertise-addr", "127.0.0.1"); swarm.err == nil {
				swarm.joined, swarm.gwCreated = true, gwErr != nil
			}
		case state != "active true":
			swarm.err = fmt.Errorf("the engine is in a Swarm but not as a manager (%s)", state)
		}
	})
	if swarm.err != nil {
		tb.Fatalf("joining a Swarm: %v", swarm.err)
	}
}

// leaveSwarm leaves the Swarm if JoinSwarm made it.
func leaveSwarm() {
	if !swarm.joined {
		return
	}
	if _, err := Run("docker", "swarm", "leave", "--force"); err != nil {
		fmt.Fprintf(os.Stderr, "dockertest: %v\n", err)
		return
	}
	if swarm.gwCreated {
		if _, err := Run("docker", "network", "rm", "docker_gwbridge"); err != nil {
			fmt.Fprintf(os.Stderr, "dockertest: %v\n", err)
		}
	}
}

// Stack is a Swarm stack of one test, with a unique name, removed when the
// test ends (with its services, networks and configs).
type Stack struct {
	Name string // "c2h-<random>"
	Dir  string // holds stack.yaml and what it refers to

	tb testing.TB
}

// NewStack joins the Swarm and returns an empty stack: write stack.yaml
// with WriteFile, then Deploy.
func NewStack(tb testing.TB) *Stack {
	tb.Helper()
	JoinSwarm(tb)
	s := &Stack{Name: UniqueName("c2h"), Dir: tb.TempDir(), tb: tb}
	tb.Cleanup(s.remove)
	return s
}

// WriteFile writes a file of the stack and returns its path.
func (s *Stack) WriteFile(name, content string) string {
	s.tb.Helper()
	return writeFile(s.tb, s.Dir, name, content)
}

// Deploy runs docker stack deploy with stack.yaml; images are used as
// they are on this node, never looked up in a registry.
func (s *Stack) Deploy() {
	s.tb.Helper()
	if _, err := RunIn(s.Dir, "docker", "stack", "deploy", "--resolve-image", "never", "-c", "stack.yaml", s.Name); err != nil {
		s.tb.Fatal(err)
	}
}

// Service returns the Swarm name of a service of the stack.
func (s *Stack) Service(name string) string { return s.Name + "_" + name }

// Containers returns the ids of the running containers of a service's
// tasks.
func (s *Stack) Containers(service string) []string {
	s.tb.Helper()
	return strings.Fields(Docker(s.tb, "ps", "-q", "--filter", "label=com.docker.swarm.service.name="+s.Service(service)))
}

// remove runs docker stack rm and waits until the stack's containers and
// networks are gone, so that the next test (or leaving the Swarm) starts
// clean.
func (s *Stack) remove() {
	if _, err := os.Stat(filepath.Join(s.Dir, "stack.yaml")); err != nil {
		return
	}
	if _, err := Run("docker", "stack", "rm", s.Name); err != nil {
		s.tb.Errorf("cleaning up: %v", err)
		return
	}
	label := "label=com.docker.stack.namespace=" + s.Name
	e2etest.Eventually(s.tb, 90*time.Second, "stack "+s.Name+" to be gone", func() (bool, string) {
		left, err := Run("docker", "ps", "-aq", "--filter", label)
		if err != nil {
			return false, err.Error()
		}
		nets, err := Run("docker", "network", "ls", "-q", "--filter", label)
		if err != nil {
			return false, err.Error()
		}
		return strings.TrimSpace(left+nets) == "", fmt.Sprintf("containers and networks left: %q", strings.Fields(left+nets))
	})
}
