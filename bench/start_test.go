package bench

import (
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// BenchmarkHAProxyStart measures what server-template slots cost HAProxy:
// for Hosts(n) projects generated with --slots S, each iteration starts
// HAProxy (-W, master-worker) and times it until its HTTP listener accepts
// (ns/op, start-ms), reads the resident memory of the master and worker
// once every name resolved (rss-MiB), then reloads it (SIGUSR2) and times
// it until a new worker has replaced the old (reload-ms). Every name
// answers one loopback address, where a backend passes the health checks.
// BENCH_START_SIZES and BENCH_START_SLOTS choose the grid (slots 0: the
// defaults, no --slots and the map beside the config); BENCH_HAPROXY the
// binary.
//
//	go test ./bench -run '^$' -bench HAProxyStart -benchtime 3x -timeout 60m
func BenchmarkHAProxyStart(b *testing.B) {
	bin := haproxyBin(b)
	sizes := envList(b, "BENCH_START_SIZES", []int{100, 1000, 5000})
	slotList := envList(b, "BENCH_START_SLOTS", []int{0, 1, 2, 10})
	b.Logf("%s; %s; load average %s", Machine(), haproxyVersion(bin), LoadAvg())
	for _, n := range sizes {
		for _, s := range slotList {
			name := fmt.Sprintf("services=%d/slots=%d", n, s)
			if s == 0 {
				name = fmt.Sprintf("services=%d/defaults", n)
			}
			b.Run(name, func(b *testing.B) { benchStart(b, bin, n, s) })
		}
	}
}

func envList(tb testing.TB, key string, def []int) []int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			tb.Fatalf("%s: %q is not a number of at least 0", key, f)
		}
		out = append(out, n)
	}
	return out
}

func benchStart(b *testing.B, bin string, n, slots int) {
	dir := b.TempDir()
	port, httpPort := e2etest.FreePort(b), e2etest.FreePort(b)
	const ip = "127.0.82.1"
	backend := newMovable(b, ip, port)
	backend.start(b)
	ns := e2etest.StartDNS(b)
	ns.SetDefault(ip)
	args := []string{"--bind", "127.0.0.1:" + strconv.Itoa(httpPort), "--stats=", "--resolver", ns.Addr()}
	if slots > 0 {
		args = append(args, "--slots", strconv.Itoa(slots), "--map", "none")
	}
	cfg := generate(b, dir, Hosts(n, port), args...)
	servers := countServers(b, cfg)
	listener := net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))

	var starts, reloads, rss []float64
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		h := startHAProxy(b, bin, cfg)
		waitListening(b, h, listener, time.Minute)
		starts = append(starts, float64(time.Since(t0).Microseconds())/1000)
		b.StopTimer()

		// Every name resolved: the DNS server has been asked about each.
		for deadline := time.Now().Add(time.Minute); ns.AllQueries() < n && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(time.Second)
		rss = append(rss, float64(h.rss())/(1<<20))

		h.waitReloadable(b)
		old := h.workerPIDs()
		t1 := time.Now()
		h.cmd.Process.Signal(syscall.SIGUSR2)
		for {
			if err := h.failed(); err != nil {
				b.Fatal(err)
			}
			if w := h.workerPIDs(); slices.ContainsFunc(w, func(p int) bool { return !slices.Contains(old, p) }) {
				break
			}
			if time.Since(t1) > time.Minute {
				b.Fatal("no new worker a minute after SIGUSR2")
			}
			time.Sleep(time.Millisecond)
		}
		reloads = append(reloads, float64(time.Since(t1).Microseconds())/1000)
		h.stop()
		waitClosed(b, listener, time.Minute) // the next start must not find this one's workers
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(starts)
	slices.Sort(reloads)
	slices.Sort(rss)
	b.ReportMetric(starts[len(starts)/2], "start-p50-ms")
	b.ReportMetric(reloads[len(reloads)/2], "reload-p50-ms")
	b.ReportMetric(rss[len(rss)/2], "rss-MiB")
	b.ReportMetric(float64(servers), "servers")
	b.Logf("services=%d slots=%d: load average %s", n, slots, LoadAvg())
}

// countServers adds up the slots of cfg's server-templates.
func countServers(tb testing.TB, cfg string) int {
	tb.Helper()
	text, err := os.ReadFile(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, m := range slotsRe.FindAllSubmatch(text, -1) {
		k, _ := strconv.Atoi(string(m[1]))
		n += k
	}
	return n
}

var slotsRe = regexp.MustCompile(`(?m)^\s+server-template \S+ 1-(\d+) `)

// waitListening polls addr until it accepts a connection.
func waitListening(tb testing.TB, h *haproxyProc, addr string, limit time.Duration) {
	tb.Helper()
	start := time.Now()
	for {
		if err := h.failed(); err != nil {
			tb.Fatal(err)
		}
		if c, err := net.DialTimeout("tcp4", addr, time.Second); err == nil {
			c.Close()
			return
		}
		if time.Since(start) > limit {
			tb.Fatalf("%s not listening after %v", addr, limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitClosed polls addr until it refuses connections: every worker of a
// stopped HAProxy has gone.
func waitClosed(tb testing.TB, addr string, limit time.Duration) {
	tb.Helper()
	start := time.Now()
	for {
		c, err := net.DialTimeout("tcp4", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		if time.Since(start) > limit {
			tb.Fatalf("%s still listening %v after HAProxy was stopped", addr, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
