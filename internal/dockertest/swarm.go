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
	once   sync.Once
	engine *Engine
	err    error
}

// SwarmEngine returns the engine the Swarm tests share: a private one
// (StartEngine's), started on first use and stopped by Cleanup. The
// machine's engine is never made a Swarm, nor made to leave one.
func SwarmEngine(tb testing.TB) *Engine {
	tb.Helper()
	RequireEngine(tb)
	swarm.once.Do(func() { swarm.engine, swarm.err = startEngine() })
	if swarm.err != nil {
		tb.Fatalf("starting the Swarm tests' Docker engine: %v", swarm.err)
	}
	return swarm.engine
}

// stopSwarmEngine stops SwarmEngine's engine if it was started.
func stopSwarmEngine() error {
	if swarm.engine == nil {
		return nil
	}
	return swarm.engine.Stop()
}

// Stack is a Swarm stack of one test, with a unique name, removed when the
// test ends (with its services, networks and configs).
type Stack struct {
	Name   string  // "c2h-<random>"
	Dir    string  // holds stack.yaml and what it refers to
	Engine *Engine // SwarmEngine's: run docker on it, build images there

	tb testing.TB
}

// NewStack returns an empty stack on SwarmEngine: write stack.yaml with
// WriteFile, then Deploy.
func NewStack(tb testing.TB) *Stack {
	tb.Helper()
	s := &Stack{Name: UniqueName("c2h"), Dir: tb.TempDir(), Engine: SwarmEngine(tb), tb: tb}
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
	if _, err := s.Engine.RunIn(s.Dir, "stack", "deploy", "--resolve-image", "never", "-c", "stack.yaml", s.Name); err != nil {
		s.tb.Fatal(err)
	}
}

// Service returns the Swarm name of a service of the stack.
func (s *Stack) Service(name string) string { return s.Name + "_" + name }

// Containers returns the ids of the running containers of a service's
// tasks.
func (s *Stack) Containers(service string) []string {
	s.tb.Helper()
	return strings.Fields(s.Engine.Docker(s.tb, "ps", "-q", "--filter", "label=com.docker.swarm.service.name="+s.Service(service)))
}

// remove runs docker stack rm and waits until the stack's containers and
// networks are gone, so that the next test (or stopping the engine)
// starts clean.
func (s *Stack) remove() {
	if _, err := os.Stat(filepath.Join(s.Dir, "stack.yaml")); err != nil {
		return
	}
	if _, err := s.Engine.Run("stack", "rm", s.Name); err != nil {
		s.tb.Errorf("cleaning up: %v", err)
		return
	}
	label := "label=com.docker.stack.namespace=" + s.Name
	e2etest.Eventually(s.tb, 90*time.Second, "stack "+s.Name+" to be gone", func() (bool, string) {
		left, err := s.Engine.Run("ps", "-aq", "--filter", label)
		if err != nil {
			return false, err.Error()
		}
		nets, err := s.Engine.Run("network", "ls", "-q", "--filter", label)
		if err != nil {
			return false, err.Error()
		}
		return strings.TrimSpace(left+nets) == "", fmt.Sprintf("containers and networks left: %q", strings.Fields(left+nets))
	})
}
