package e2etest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
)

// RequireHAProxy returns the path of the haproxy binary: $HAPROXY (the test
// fails if it is set but unusable), else "haproxy" from $PATH, else
// /usr/sbin/haproxy. When none exists the test is skipped, or fails when
// CI=true.
func RequireHAProxy(tb testing.TB) string {
	tb.Helper()
	return haproxytest.Require(tb)
}

// RequireCommand returns the path of a tool the tests run beside HAProxy,
// such as socat for HAProxy's runtime socket, on RequireHAProxy's terms:
// without it the test is skipped, or fails when CI=true (.ci/run installs
// it).
func RequireCommand(tb testing.TB, name string) string {
	tb.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		haproxytest.SkipOrFail(tb, fmt.Sprintf("%v (apt-get install %s)", err, name))
	}
	return bin
}

// lockedBuffer collects HAProxy's stdout and stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// HAProxy is a running haproxy process (foreground, -db).
type HAProxy struct {
	Bin     string
	CfgPath string

	tb       testing.TB
	cfg      []byte
	cmd      *exec.Cmd
	logs     lockedBuffer
	done     chan struct{} // closed once the process has exited
	mu       sync.Mutex
	stopping bool  // exit is expected
	early    bool  // exited before anyone asked it to
	waitErr  error // from cmd.Wait
}

var (
	liveMu sync.Mutex
	live   = map[testing.TB][]*HAProxy{}
)

// CheckConfig runs haproxytest.Check on cfg and returns HAProxy's output
// when it rejects or warns about it.
func CheckConfig(tb testing.TB, cfg []byte) (output string, ok bool) {
	tb.Helper()
	if _, err := haproxytest.CheckConfig(tb, cfg); err != nil {
		return err.Error(), false
	}
	return "", true
}

// Numbered returns text with line numbers, to read HAProxy's "line N"
// errors in a failure message.
func Numbered(text []byte) string {
	var sb strings.Builder
	for i, line := range strings.Split(strings.TrimRight(string(text), "\n"), "\n") {
		fmt.Fprintf(&sb, "%4d  %s\n", i+1, line)
	}
	return sb.String()
}

// StartHAProxy checks cfg with "haproxy -c -dW" (the test fails with
// HAProxy's output if it is rejected or warned about), then runs
// "haproxy -db -f FILE" until the test ends. If HAProxy exits on its own,
// the test fails with its logs (and Eventually/WaitListening stop at once).
func StartHAProxy(tb testing.TB, cfg []byte) *HAProxy {
	tb.Helper()
	return StartHAProxyPrefix(tb, cfg)
}

// StartHAProxyPrefix is StartHAProxy with HAProxy run through prefix, a
// command that ends by executing its arguments (as "unshare …" does), so
// that HAProxy sees the world the prefix sets up.
func StartHAProxyPrefix(tb testing.TB, cfg []byte, prefix ...string) *HAProxy {
	tb.Helper()
	return startHAProxy(tb, RequireHAProxy(tb), cfg, prefix)
}

// StartHAProxyBin is StartHAProxy with the HAProxy bin (see
// haproxytest.WithFeature), which also checks the configuration.
func StartHAProxyBin(tb testing.TB, bin string, cfg []byte) *HAProxy {
	tb.Helper()
	return startHAProxy(tb, bin, cfg, nil)
}

func startHAProxy(tb testing.TB, bin string, cfg []byte, prefix []string) *HAProxy {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, cfg, 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := haproxytest.Check(bin, path); err != nil {
		tb.Fatalf("HAProxy rejected the configuration: %v\nconfiguration:\n%s", err, Numbered(cfg))
	}

	h := &HAProxy{Bin: bin, CfgPath: path, tb: tb, cfg: cfg, done: make(chan struct{})}
	args := append(slices.Clone(prefix), bin, "-db", "-f", path)
	h.cmd = exec.Command(args[0], args[1:]...)
	h.cmd.Stdout = &h.logs
	h.cmd.Stderr = &h.logs
	h.cmd.Dir = tb.TempDir()
	if err := h.cmd.Start(); err != nil {
		tb.Fatalf("starting haproxy: %v", err)
	}
	go h.wait()
	ShowLogOnTimeout(tb, fmt.Sprintf("haproxy pid %d", h.Pid()), h.Logs)

	liveMu.Lock()
	live[tb] = append(live[tb], h)
	liveMu.Unlock()
	tb.Cleanup(func() {
		h.Stop()
		liveMu.Lock()
		live[tb] = slices.DeleteFunc(live[tb], func(x *HAProxy) bool { return x == h })
		if len(live[tb]) == 0 {
			delete(live, tb)
		}
		liveMu.Unlock()
	})
	return h
}

func (h *HAProxy) wait() {
	err := h.cmd.Wait()
	h.mu.Lock()
	h.waitErr = err
	h.early = !h.stopping
	h.mu.Unlock()
	if h.early {
		// Errorf is allowed from other goroutines; Stop (run by Cleanup,
		// before the test completes) waits for us, so this never logs
		// after the test has finished.
		h.tb.Errorf("haproxy exited unexpectedly (%v); logs:\n%s", err, h.Logs())
	}
	close(h.done)
}

// Logs returns everything HAProxy wrote to stdout and stderr so far.
func (h *HAProxy) Logs() string { return h.logs.String() }

// Config returns the configuration HAProxy runs.
func (h *HAProxy) Config() string { return string(h.cfg) }

// Pid returns the process id.
func (h *HAProxy) Pid() int { return h.cmd.Process.Pid }

// Exited reports whether the process is gone, and its exit error.
func (h *HAProxy) Exited() (bool, error) {
	select {
	case <-h.done:
		h.mu.Lock()
		defer h.mu.Unlock()
		return true, h.waitErr
	default:
		return false, nil
	}
}

// diedEarly reports whether HAProxy exited without being asked to.
func (h *HAProxy) diedEarly() bool {
	select {
	case <-h.done:
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.early
	default:
		return false
	}
}

// Stop terminates HAProxy: SIGTERM, then SIGKILL after 5s; it returns once
// the process has exited. Idempotent; also run on cleanup.
func (h *HAProxy) Stop() {
	h.mu.Lock()
	h.stopping = true
	h.mu.Unlock()
	select {
	case <-h.done:
		return
	default:
	}
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.done:
	case <-time.After(5 * time.Second):
		_ = h.cmd.Process.Kill()
		<-h.done
	}
}

// failIfHAProxyDied stops the test at once if an HAProxy of tb exited on
// its own (its logs were already reported).
func failIfHAProxyDied(tb testing.TB) {
	tb.Helper()
	liveMu.Lock()
	hs := slices.Clone(live[tb])
	liveMu.Unlock()
	for _, h := range hs {
		if h.diedEarly() {
			tb.Fatalf("giving up: haproxy (pid %d) is no longer running", h.Pid())
		}
	}
}

// LogsIPChange reports whether an HAProxy log says that a server moved to
// ip: "web-1 changed its IP from A to ip by docker/dns1." up to 2.8,
// "web-1: IP changed from 'A' to 'ip' by 'docker/dns1'." from 3.0 on.
// The old address is "(none)" when the server had none, after an NXDOMAIN
// answer for example.
func LogsIPChange(log, ip string) bool {
	q := regexp.QuoteMeta(ip)
	return regexp.MustCompile(`changed its IP from \S+ to ` + q + ` |IP changed from '[^']*' to '` + q + `'`).MatchString(log)
}
