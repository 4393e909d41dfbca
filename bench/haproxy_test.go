package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// This file runs HAProxy and wrk for TestRoutingCost and reads what they
// did from their output and /proc.

// measure starts HAProxy on the case's config, waits until the target
// answers through it, measures its idle CPU, warms up, then runs wrk.
func (c *routingCase) measure(t *testing.T, haproxyArgv, wrkArgv []string, httpPort int, duration time.Duration) routingSample {
	t.Helper()
	logs, err := os.CreateTemp(t.TempDir(), "haproxy-stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	cmd := exec.Command(haproxyArgv[0], haproxyArgv[1:]...)
	cmd.Stderr = logs // stdout (one log line a request) goes to /dev/null
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()
	fail := func(format string, args ...any) {
		t.Helper()
		b, _ := os.ReadFile(logs.Name())
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		t.Fatalf("%s: %s\nHAProxy's stderr (last lines of %d):\n%s", c.name, fmt.Sprintf(format, args...),
			len(lines), strings.Join(lines[max(0, len(lines)-20):], "\n"))
	}

	url := fmt.Sprintf("http://127.0.0.1:%d%s", httpPort, c.target.path)
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			fail("HAProxy exited: %v", err)
		default:
		}
		if body, err := get(url, c.target.host); err == nil && body == "ok\n" {
			break
		} else if time.Now().After(deadline) {
			fail("no answer from the backend through HAProxy after 60s (last: %q, %v)", body, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	pid := cmd.Process.Pid
	s := routingSample{threads: procThreads(pid)}

	before := procCPU(pid)
	time.Sleep(2 * time.Second)
	s.idle = 100 * (procCPU(pid) - before).Seconds() / 2

	wrkRun := func(d time.Duration) (rps float64, requests int64, latency string, err error) {
		argv := append(slices.Clone(wrkArgv), "-t2", "-c32", "-d"+d.String(), "-H", "Host: "+c.target.host, url)
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err == nil {
			rps, requests, latency, err = parseWrk(out)
		}
		if err != nil {
			err = fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
		return rps, requests, latency, err
	}
	wrkRun(time.Second) // warm-up (connections, caches, the CPU's clock); its result does not matter

	// HAProxy is the bottleneck only when it uses its whole CPU; when
	// something else on the machine took it (or made wrk time out),
	// measure again, twice at most.
	for attempt := 1; ; attempt++ {
		WaitQuiet(2 * time.Minute)
		before = procCPU(pid)
		rps, requests, latency, err := wrkRun(duration)
		if err != nil && attempt < 3 {
			t.Logf("%s: %v\nmeasuring again (load average %s)", c.name, firstLines(err.Error(), 12), LoadAvg())
			continue
		}
		if err != nil {
			fail("%v", err)
		}
		busy := procCPU(pid) - before
		s.rps, s.latency, s.attempts = rps, latency, attempt
		s.busy = 100 * busy.Seconds() / duration.Seconds()
		// Less the background work (DNS, health checks) seen while idle,
		// which goes on at the same pace under load.
		background := time.Duration(s.idle / 100 * float64(duration))
		s.cpuPerReq = float64(max(busy-background, 0).Microseconds()) / float64(requests)
		if s.busy >= minBusy || attempt == 3 {
			return s
		}
		t.Logf("%s: HAProxy used %.0f%% of its CPU (%.0f req/s): the machine is busy (load average %s); measuring again",
			c.name, s.busy, s.rps, LoadAvg())
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// minBusy is the CPU use (% of one CPU) below which HAProxy was not the
// bottleneck of a run: another process took its CPU.
const minBusy = 90

func get(url, host string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Host = host
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

var (
	wrkRPSRe      = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkRequestsRe = regexp.MustCompile(`(\d+) requests in`)
	wrkLatencyRe  = regexp.MustCompile(`Latency\s+(\S+)`)
)

// parseWrk reads wrk's summary; any non-2xx answer or socket error is an
// error, since a fast 404 or a refused connection is not routing.
func parseWrk(out []byte) (rps float64, requests int64, latency string, err error) {
	if bytes.Contains(out, []byte("Non-2xx")) || bytes.Contains(out, []byte("Socket errors")) {
		return 0, 0, "", fmt.Errorf("wrk saw errors")
	}
	m, n, l := wrkRPSRe.FindSubmatch(out), wrkRequestsRe.FindSubmatch(out), wrkLatencyRe.FindSubmatch(out)
	if m == nil || n == nil || l == nil {
		return 0, 0, "", fmt.Errorf("cannot read wrk's output")
	}
	rps, _ = strconv.ParseFloat(string(m[1]), 64)
	requests, _ = strconv.ParseInt(string(n[1]), 10, 64)
	if requests == 0 {
		return 0, 0, "", fmt.Errorf("wrk made no request")
	}
	return rps, requests, string(l[1]), nil
}

// procCPU is the user+system time of a process so far (/proc/PID/stat,
// in clock ticks of 10 ms).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

func procThreads(pid int) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

func envInt(t *testing.T, key string, def int) int {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", key, v)
	}
	return n
}
