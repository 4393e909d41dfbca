package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// This file holds what the HAProxy benchmarks share: the HAProxy binary
// (BENCH_HAPROXY), running it, reading its memory, a backend that can
// "move", and running the CLI.

// haproxyBin is BENCH_HAPROXY (a path, such as
// /var/cache/compose2haproxy/bin/haproxy-forky) or haproxy from PATH; the
// benchmark is skipped without one.
func haproxyBin(tb testing.TB) string {
	tb.Helper()
	name := os.Getenv("BENCH_HAPROXY")
	if name == "" {
		name = "haproxy"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		tb.Skipf("needs HAProxy (apt-get install haproxy, or BENCH_HAPROXY=path): %v", err)
	}
	return p
}

// haproxyVersion is the first line of haproxy -v.
func haproxyVersion(bin string) string {
	out, _ := exec.Command(bin, "-v").Output()
	return string(bytes.TrimSpace(bytes.SplitN(out, []byte("\n"), 2)[0]))
}

// haproxyProc is a running HAProxy (master-worker with -W, so that SIGUSR2
// reloads it).
type haproxyProc struct {
	cmd    *exec.Cmd
	exited chan error
	logs   *os.File
}

// startHAProxy runs bin -W -db -f cfg in cfg's directory; it is stopped
// when the benchmark ends.
func startHAProxy(tb testing.TB, bin, cfg string) *haproxyProc {
	tb.Helper()
	logs, err := os.CreateTemp(tb.TempDir(), "haproxy-stderr")
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, "-W", "-db", "-f", cfg)
	cmd.Dir = filepath.Dir(cfg)
	cmd.Stderr = logs // stdout (one log line a request) goes to /dev/null
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	h := &haproxyProc{cmd: cmd, exited: make(chan error, 1), logs: logs}
	go func() { h.exited <- cmd.Wait() }()
	tb.Cleanup(h.stop)
	return h
}

func (h *haproxyProc) stop() {
	h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-h.exited:
		h.exited <- err
	case <-time.After(10 * time.Second):
		h.cmd.Process.Kill()
	}
	h.logs.Close()
}

// failed returns HAProxy's exit and last lines of stderr if it exited.
func (h *haproxyProc) failed() error {
	select {
	case err := <-h.exited:
		h.exited <- err
		b, _ := os.ReadFile(h.logs.Name())
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		return fmt.Errorf("HAProxy exited: %v\n%s", err, strings.Join(lines[max(0, len(lines)-20):], "\n"))
	default:
		return nil
	}
}

// waitRouted polls url with Host: host until the backend answers through
// HAProxy ("ok\n"), and returns how long that took.
func (h *haproxyProc) waitRouted(tb testing.TB, url, host string, limit time.Duration) time.Duration {
	tb.Helper()
	start := time.Now()
	for {
		if err := h.failed(); err != nil {
			tb.Fatal(err)
		}
		if body, err := get(url, host); err == nil && body == "ok\n" {
			return time.Since(start)
		} else if time.Since(start) > limit {
			tb.Fatalf("no answer for %s through HAProxy after %v (last: %q, %v)", host, limit, body, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitReloadable waits until the master catches SIGUSR2: from 2.5 on it
// re-executes itself once its workers started, and a SIGUSR2 before that
// kills it (seen at 5,000 services).
func (h *haproxyProc) waitReloadable(tb testing.TB) {
	tb.Helper()
	const usr2 = 1 << (12 - 1)
	for start := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		if err := h.failed(); err != nil {
			tb.Fatal(err)
		}
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.cmd.Process.Pid))
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "SigCgt:"); ok {
				if mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64); err == nil && mask&usr2 != 0 && len(h.workerPIDs()) > 0 {
					return
				}
			}
		}
		if time.Since(start) > time.Minute {
			tb.Fatal("HAProxy's master does not catch SIGUSR2 after a minute")
		}
	}
}

// rss is the resident memory of HAProxy's processes (the master and its
// workers), from /proc, in bytes.
func (h *haproxyProc) rss() int64 {
	var total int64
	for _, pid := range append([]int{h.cmd.Process.Pid}, children(h.cmd.Process.Pid)...) {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				total += kb * 1024
			}
		}
	}
	return total
}

// workerPIDs are HAProxy's workers (the master's children).
func (h *haproxyProc) workerPIDs() []int { return children(h.cmd.Process.Pid) }

func children(pid int) []int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if p, err := strconv.Atoi(f); err == nil {
			pids = append(pids, p)
		}
	}
	return pids
}

// generate writes project to dir/compose.yaml and runs the CLI on it with
// args (-o dir/haproxy.cfg is added); it returns the config's path.
func generate(tb testing.TB, dir string, project []byte, args ...string) string {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	compose := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(compose, project, 0o644); err != nil {
		tb.Fatal(err)
	}
	cfg := filepath.Join(dir, "haproxy.cfg")
	args = append([]string{"-f", compose, "--domain", Domain, "-o", cfg}, args...)
	bin, env := e2etest.CLI(tb, "PATH="+os.Getenv("PATH"))
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		tb.Fatalf("compose2haproxy %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return cfg
}

// movable is a backend at one address that can stop and start again, as a
// container does when it restarts; it counts the requests for /probe (the
// benchmark's own, as opposed to health checks).
type movable struct {
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	probes atomic.Int64
}

func newMovable(tb testing.TB, ip string, port int) *movable {
	tb.Helper()
	if a, err := netip.ParseAddr(ip); err != nil || !a.IsLoopback() {
		tb.Fatalf("newMovable: %s is not a loopback address", ip)
	}
	m := &movable{addr: net.JoinHostPort(ip, strconv.Itoa(port)), conns: map[net.Conn]bool{}}
	tb.Cleanup(m.stop)
	return m
}

// start listens; a listener already open stays.
func (m *movable) start(tb testing.TB) {
	tb.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ln != nil {
		return
	}
	ln, err := net.Listen("tcp4", m.addr)
	if err != nil {
		tb.Fatal(err)
	}
	m.ln = ln
	go m.accept(ln)
}

// stop closes the listener and every connection, as a stopped container's
// address refuses connections (on loopback at once; on a real network
// after the connect timeout or an ICMP error).
func (m *movable) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ln != nil {
		m.ln.Close()
		m.ln = nil
	}
	for c := range m.conns {
		c.Close()
	}
	clear(m.conns)
}

func (m *movable) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		m.mu.Lock()
		if m.ln != ln {
			m.mu.Unlock()
			c.Close()
			return
		}
		m.conns[c] = true
		m.mu.Unlock()
		go m.serve(c)
	}
}

func (m *movable) serve(c net.Conn) {
	defer func() {
		m.mu.Lock()
		delete(m.conns, c)
		m.mu.Unlock()
		c.Close()
	}()
	r := bufio.NewReaderSize(c, 4096)
	for {
		first := true
		for {
			line, err := r.ReadSlice('\n')
			if err != nil && err != bufio.ErrBufferFull {
				return
			}
			if first && bytes.Contains(line, []byte(" /probe")) {
				m.probes.Add(1)
			}
			first = false
			if err == nil && len(bytes.TrimRight(line, "\r\n")) == 0 {
				break
			}
		}
		if _, err := io.WriteString(c, response); err != nil {
			return
		}
	}
}
