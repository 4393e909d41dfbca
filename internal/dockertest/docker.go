package dockertest

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
)

// commandTimeout bounds every docker and docker-compose command, so that a
// stuck engine fails the test instead of hanging the run.
const commandTimeout = 3 * time.Minute

var engine struct {
	once sync.Once
	err  error
}

// Require skips the test with -short, and when no Docker engine answers or
// docker-compose is missing; under CI=true those are failures instead.
func Require(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("Docker test, skipped with -short")
	}
	engine.once.Do(func() {
		if _, err := exec.LookPath("docker-compose"); err != nil {
			engine.err = fmt.Errorf("docker-compose not found (apt-get install docker-compose): %v", err)
			return
		}
		if _, err := Run("docker", "version", "--format", "{{.Server.Version}}"); err != nil {
			engine.err = fmt.Errorf("no Docker engine answers: %v", err)
		}
	})
	if engine.err != nil {
		haproxytest.SkipOrFail(tb, engine.err)
	}
}

// Run runs a command with the environment of the test process and returns
// its standard output; the error holds the command and its standard error.
func Run(name string, args ...string) (string, error) {
	return RunIn("", name, args...)
}

// RunIn is Run in directory dir.
func RunIn(dir, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// Engine is a Docker engine the tests run docker against.
type Engine struct {
	// Host is the daemon's address, given to docker as --host
	// ("unix:///tmp/c2h-engine-…/docker.sock"); "" is Machine.
	Host string

	images  imageSet
	private *daemon // the engine's own dockerd; nil for Machine
}

// Machine is the engine the environment names (DOCKER_HOST, else the
// default socket): the machine's, shared with whatever else runs there.
// Tests create and remove their own containers, networks and images on it
// and change nothing else; the Swarm tests use an engine of their own
// (StartEngine).
var Machine = &Engine{}

// args prefixes docker's arguments with --host when the engine has one.
func (e *Engine) args(args []string) []string {
	if e.Host == "" {
		return args
	}
	return append([]string{"--host", e.Host}, args...)
}

// Run runs docker on the engine and returns its standard output, as the
// package's Run does.
func (e *Engine) Run(args ...string) (string, error) { return e.RunIn("", args...) }

// RunIn is Run in directory dir.
func (e *Engine) RunIn(dir string, args ...string) (string, error) {
	return RunIn(dir, "docker", e.args(args)...)
}

// Docker runs docker with args on the engine and returns its trimmed
// output; a failure fails the test.
func (e *Engine) Docker(tb testing.TB, args ...string) string {
	tb.Helper()
	out, err := e.Run(args...)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// Inspect returns the Go template format applied to a container (or any
// object docker inspect knows) of the engine.
func (e *Engine) Inspect(tb testing.TB, id, format string) string {
	tb.Helper()
	return e.Docker(tb, "inspect", "--format", format, id)
}

// Logs returns a container's output so far (both streams); errors are
// returned as text, for failure messages.
func (e *Engine) Logs(id string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", e.args([]string{"logs", id})...).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("docker logs %s: %v\n%s", id, err, out)
	}
	return string(out)
}

// Docker is Machine.Docker.
func Docker(tb testing.TB, args ...string) string {
	tb.Helper()
	return Machine.Docker(tb, args...)
}

// Inspect is Machine.Inspect.
func Inspect(tb testing.TB, id, format string) string {
	tb.Helper()
	return Machine.Inspect(tb, id, format)
}

// Logs is Machine.Logs.
func Logs(id string) string { return Machine.Logs(id) }
