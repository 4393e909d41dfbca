package dockertest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if err := Cleanup(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// TestAPrivateEngineLeavesTheMachinesEngineAlone is issue 16: a private
// engine runs a Swarm service reachable on loopback while a bystander runs
// on the machine's engine; the machine's Swarm state never changes, the
// bystander keeps its network and answers, and once stopped the private
// engine leaves no process, interface, mount or directory behind.
func TestAPrivateEngineLeavesTheMachinesEngineAlone(t *testing.T) {
	RequireEngine(t)
	bystander := StartBystander(t)
	e := StartEngine(t)
	d := e.private

	images := e.BuildImages(t)
	port := e2etest.FreePort(t)
	e.Docker(t, "network", "create", "--driver", "overlay", "c2h-net")
	e.Docker(t, "service", "create", "--detach", "--name", "web", "--network", "c2h-net",
		"--publish", fmt.Sprintf("mode=host,target=8080,published=%d", port),
		"-e", "PORT=8080", "-e", "SERVICE=web", images.Backend)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	e2etest.Eventually(t, time.Minute, "the private engine's Swarm service to answer on "+addr, func() (bool, string) {
		r := e2etest.Do(t, addr, "GET", "", "/", nil)
		return r.Err == nil && r.Header.Get("X-Service") == "web", r.String()
	})
	if ports := e.Docker(t, "ps", "--format", "{{.Ports}}"); !strings.HasPrefix(ports, fmt.Sprintf("127.0.0.1:%d->", port)) {
		t.Errorf("the service's port is published at %q, want on 127.0.0.1 only", ports)
	}
	if strings.Contains(Docker(t, "network", "ls", "--format", "{{.Name}}"), "c2h-net") {
		t.Errorf("the private engine's network c2h-net shows on the machine's engine")
	}

	pid := d.cmd.Process.Pid
	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	bystander.Check(t)
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("dockerd (pid %d) still runs after Stop: kill -0 says %v", pid, err)
	}
	if _, err := os.Stat(d.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the engine's directory %s is still there after Stop: %v", d.dir, err)
	}
	for _, link := range []string{d.bridge, d.gwBridge} {
		if _, err := net.InterfaceByName(link); err == nil {
			t.Errorf("the engine's interface %s is still there after Stop", link)
		}
	}
	if m, err := mountsUnder(d.dir); err != nil || len(m) > 0 {
		t.Errorf("mounted under %s after Stop: %q (%v)", d.dir, m, err)
	}
}
