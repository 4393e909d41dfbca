package dockertest

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
)

// daemon is a dockerd of the tests' own: everything it keeps is under dir,
// and the host-wide things it makes (two bridges, its own containerd, the
// Swarm's ports) have names and numbers no other engine uses.
type daemon struct {
	dir      string // data/, exec/, docker.sock, dockerd.pid, dockerd.log
	bridge   string // the default bridge, made by us: "c2h-<hex>"
	gwBridge string // docker_gwbridge's interface: "c2hgw-<hex>"
	prefix   netip.Prefix
	cmd      *exec.Cmd
	done     chan struct{} // closed when dockerd has exited
	swarm    bool          // swarm init succeeded
	stopped  bool
}

// StartEngine starts a Docker engine of the test's own, a one-node Swarm
// manager, and stops it when the test ends (Stop), so that a Swarm test
// never changes the state of the machine's engine. It needs root, dockerd
// and ip (iproute2); without them the test is skipped (failed under
// CI=true).
func StartEngine(tb testing.TB) *Engine {
	tb.Helper()
	RequireEngine(tb)
	e, err := startEngine()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := e.Stop(); err != nil {
			tb.Error(err)
		}
	})
	return e
}

// RequireEngine is Require plus what StartEngine needs.
func RequireEngine(tb testing.TB) {
	tb.Helper()
	Require(tb)
	if os.Geteuid() != 0 {
		haproxytest.SkipOrFail(tb, "the Swarm tests start a Docker engine of their own, which needs root")
	}
	for _, tool := range []struct{ cmd, pkg string }{{"dockerd", "docker.io"}, {"ip", "iproute2"}} {
		if _, err := exec.LookPath(tool.cmd); err != nil {
			haproxytest.SkipOrFail(tb, fmt.Sprintf("the Swarm tests start a Docker engine of their own: %s not found (apt-get install %s)", tool.cmd, tool.pkg))
		}
	}
}

// startEngine starts a private dockerd and makes it a one-node Swarm.
//
// Nothing of it touches the machine's engine: its own data root, exec
// root (so its own containerd, and its netns mounts), pid file and socket
// under a temporary directory; its own default bridge ("c2h-<hex>", made
// here, since --bridge=none would delete the machine's docker0) and its
// own docker_gwbridge interface, both in a 10.X.0.0/16 that no route of
// the host overlaps; no iptables rules, no ip_forward change, host
// ports bound on 127.0.0.1 and published through docker-proxy. Its Swarm
// listens on a 127.0.250.x address of its own (so its gossip port 7946
// does not meet another Swarm's) with a free VXLAN port.
func startEngine() (e *Engine, err error) {
	var id [4]byte
	for i := range id {
		id[i] = byte(rand.IntN(256))
	}
	hexID := fmt.Sprintf("%x", id)
	dir, err := os.MkdirTemp("", "c2h-engine-")
	if err != nil {
		return nil, err
	}
	d := &daemon{dir: dir, bridge: "c2h-" + hexID, gwBridge: "c2hgw-" + hexID, done: make(chan struct{})}
	e = &Engine{Host: "unix://" + filepath.Join(dir, "docker.sock"), private: d}
	if len(e.Host) > 100 {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting a Docker engine: its socket path %s is too long for a unix socket (set TMPDIR shorter)", e.Host)
	}
	defer func() {
		if err != nil {
			if stopErr := e.Stop(); stopErr != nil {
				err = errors.Join(err, stopErr)
			}
		}
	}()
	if d.prefix, err = freeSubnet(); err != nil {
		return e, err
	}
	// 10.X.0.0/17: the engine's local networks; 10.X.128.0/18: its
	// overlays; 10.X.254.0/24: docker_gwbridge; 10.X.255.0/24: the bridge.
	base := d.prefix.Addr().As4()
	sub := func(third byte, bits int) string {
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{base[0], base[1], third, 0}), bits).String()
	}
	if _, err := Run("ip", "link", "add", d.bridge, "type", "bridge"); err != nil {
		return e, err
	}
	bridgeAddr := netip.PrefixFrom(netip.AddrFrom4([4]byte{base[0], base[1], 255, 1}), 24).String()
	if _, err := Run("ip", "addr", "add", bridgeAddr, "dev", d.bridge); err != nil {
		return e, err
	}
	if _, err := Run("ip", "link", "set", d.bridge, "up"); err != nil {
		return e, err
	}
	// An empty configuration file: the machine's daemon.json (its data
	// root, its storage driver) is not this engine's.
	config := filepath.Join(dir, "daemon.json")
	if err := os.WriteFile(config, []byte("{}\n"), 0o644); err != nil {
		return e, err
	}
	logFile, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		return e, err
	}
	defer logFile.Close()
	d.cmd = exec.Command("dockerd",
		"--config-file", config,
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"--host", e.Host,
		"--bridge", d.bridge,
		"--ip", "127.0.0.1",
		"--iptables=false", "--ip-forward=false", "--ip-masq=false",
		"--storage-driver", "vfs",
		"--default-address-pool", "base="+sub(0, 17)+",size=24",
		"--containerd-namespace", "c2h-"+hexID,
		"--containerd-plugins-namespace", "c2h-"+hexID+"-plugins",
	)
	d.cmd.Stdout, d.cmd.Stderr = logFile, logFile
	// If the test binary dies without Stop (a -timeout panic), dockerd
	// still shuts down, with its containers and containerd.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := d.cmd.Start(); err != nil {
		return e, fmt.Errorf("starting dockerd: %w", err)
	}
	go func() {
		_ = d.cmd.Wait()
		close(d.done)
	}()
	if err := e.waitReady(60 * time.Second); err != nil {
		return e, err
	}
	if _, err := e.Run("network", "create", "--driver", "bridge", "--subnet", sub(254, 24),
		"-o", "com.docker.network.bridge.name="+d.gwBridge,
		"-o", "com.docker.network.bridge.enable_icc=false",
		"-o", "com.docker.network.bridge.enable_ip_masquerade=false",
		"-o", "com.docker.network.bridge.host_binding_ipv4=127.0.0.1",
		"docker_gwbridge"); err != nil {
		return e, err
	}
	listen := fmt.Sprintf("127.0.250.%d:%d", 1+rand.IntN(254), freeTCPPort())
	dataPort, err := freeUDPPort()
	if err != nil {
		return e, err
	}
	if _, err := e.Run("swarm", "init", "--advertise-addr", listen, "--listen-addr", listen,
		"--data-path-port", strconv.Itoa(dataPort),
		"--default-addr-pool", sub(128, 18), "--default-addr-pool-mask-length", "24"); err != nil {
		return e, err
	}
	d.swarm = true
	return e, nil
}

// waitReady waits until the engine answers, or dockerd exits.
func (e *Engine) waitReady(deadline time.Duration) error {
	end := time.Now().Add(deadline)
	for {
		_, err := e.Run("version", "--format", "{{.Server.Version}}")
		if err == nil {
			return nil
		}
		select {
		case <-e.private.done:
			return fmt.Errorf("dockerd exited before answering: %v\n%s", e.private.cmd.ProcessState, e.private.logTail())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(end) {
			return fmt.Errorf("dockerd did not answer within %v: %v\n%s", deadline, err, e.private.logTail())
		}
	}
}

// Stop ends a private engine and removes what it made: its Swarm (left:
// the engine is ours), docker_gwbridge, dockerd and its containerd, the
// bridge, mounts under its directory, then the directory. It is a no-op
// on Machine and on an engine already stopped. What it could not undo is
// in the error, with the directory (kept then) that holds dockerd's log.
func (e *Engine) Stop() error {
	d := e.private
	if d == nil || d.stopped {
		return nil
	}
	d.stopped = true
	var errs []error
	if d.cmd != nil && d.cmd.Process != nil {
		select {
		case <-d.done:
			errs = append(errs, fmt.Errorf("dockerd had exited: %v\n%s", d.cmd.ProcessState, d.logTail()))
		default:
			if d.swarm {
				if _, err := e.Run("swarm", "leave", "--force"); err != nil {
					errs = append(errs, err)
				}
			}
			if _, err := e.Run("network", "rm", "docker_gwbridge"); err != nil && !strings.Contains(err.Error(), "No such network") {
				errs = append(errs, err)
			}
			errs = append(errs, d.terminate())
		}
	}
	for _, link := range []string{d.gwBridge, d.bridge} {
		if _, err := net.InterfaceByName(link); err == nil {
			if _, err := Run("ip", "link", "del", link); err != nil {
				errs = append(errs, err)
			}
		}
	}
	mounts, err := mountsUnder(d.dir)
	for _, m := range mounts {
		if err := syscall.Unmount(m, syscall.MNT_DETACH); err != nil {
			errs = append(errs, fmt.Errorf("unmounting %s: %w", m, err))
		}
	}
	if left, _ := mountsUnder(d.dir); err != nil || len(left) > 0 {
		// Never remove a directory with something mounted in it.
		errs = append(errs, fmt.Errorf("still mounted under %s: %q (%v)", d.dir, left, err))
	} else if err := errors.Join(errs...); err == nil {
		if err := os.RemoveAll(d.dir); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stopping the Docker engine of %s: %w", d.dir, err)
	}
	return nil
}

// terminate sends dockerd SIGTERM (it stops its containers and its
// containerd) and waits; after a minute it kills both.
func (d *daemon) terminate() error {
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		return nil
	case <-time.After(time.Minute):
	}
	_ = d.cmd.Process.Kill()
	<-d.done
	err := fmt.Errorf("dockerd did not stop within a minute of SIGTERM; killed\n%s", d.logTail())
	// dockerd's own containerd, by the pid it wrote.
	if b, rerr := os.ReadFile(filepath.Join(d.dir, "exec", "containerd", "containerd.pid")); rerr == nil {
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 1 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return err
}

// logTail returns the end of dockerd's log, for error messages.
func (d *daemon) logTail() string {
	b, err := os.ReadFile(filepath.Join(d.dir, "dockerd.log"))
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return "dockerd's log ends:\n" + strings.Join(lines, "\n")
}

// mountsUnder returns the mount points under dir, deepest first.
func mountsUnder(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ms []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the 5th field.
		if f := strings.Fields(sc.Text()); len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			ms = append(ms, f[4])
		}
	}
	slices.SortFunc(ms, func(a, b string) int { return len(b) - len(a) })
	return ms, sc.Err()
}

// freeSubnet returns a 10.X.0.0/16 (X from 200 to 249) that overlaps no
// address or route of the host, so that the engine's networks shadow
// nothing the machine reaches.
func freeSubnet() (netip.Prefix, error) {
	var taken []netip.Prefix
	for _, args := range [][]string{{"-4", "-o", "addr", "show"}, {"-4", "route", "show", "table", "all"}} {
		out, err := Run("ip", args...)
		if err != nil {
			return netip.Prefix{}, err
		}
		for _, field := range strings.Fields(out) {
			if p, err := netip.ParsePrefix(field); err == nil {
				taken = append(taken, p)
			} else if a, err := netip.ParseAddr(field); err == nil && a.Is4() {
				taken = append(taken, netip.PrefixFrom(a, 32))
			}
		}
	}
	for range 100 {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(200 + rand.IntN(50)), 0, 0}), 16)
		if !slices.ContainsFunc(taken, func(t netip.Prefix) bool { return t.Bits() > 0 && t.Overlaps(p) }) {
			return p, nil
		}
	}
	return netip.Prefix{}, errors.New("no 10.200-249.0.0/16 is free of the host's addresses and routes")
}

// freeTCPPort returns a TCP port free on every address right now.
func freeTCPPort() int {
	l, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		return 2377
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// freeUDPPort returns a UDP port in 20000-39999 free on every address
// right now, for the Swarm's VXLAN traffic (docker allows 1024-49151;
// another Swarm on the machine holds 4789).
func freeUDPPort() (int, error) {
	for range 100 {
		port := 20000 + rand.IntN(20000)
		if c, err := net.ListenPacket("udp4", "0.0.0.0:"+strconv.Itoa(port)); err == nil {
			c.Close()
			return port, nil
		}
	}
	return 0, errors.New("no free UDP port in 20000-39999 for the Swarm's data path")
}
