package bench

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// BenchmarkReload measures a reload of a Hosts(n) config generated with
// --runtime-dir (and so the default host map beside it) under load, as the
// README's recipe does it: save "show servers state" from the runtime
// socket into DIR/servers.state, then SIGUSR2 to the master. Each iteration
// is one reload, timed until the new worker exists (ns/op, reload-p50-ms)
// and until the old one has exited (old-gone-p50-ms). wrk sends requests
// for the last host on new connections (Connection: close) the whole time;
// lost-req counts its non-2xx answers and socket errors, for all the
// reloads together. BENCH_RELOAD_SIZES chooses n (1000); BENCH_HAPROXY the
// binary.
//
//	go test ./bench -run '^$' -bench Reload -benchtime 10x -timeout 30m
func BenchmarkReload(b *testing.B) {
	bin := haproxyBin(b)
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skipf("needs wrk (apt-get install wrk): %v", err)
	}
	b.Logf("%s; %s; load average %s", Machine(), haproxyVersion(bin), LoadAvg())
	for _, n := range envList(b, "BENCH_RELOAD_SIZES", []int{1000}) {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) { benchReload(b, bin, wrk, n) })
	}
}

func benchReload(b *testing.B, bin, wrk string, n int) {
	dir := b.TempDir()
	// The socket's path must fit in 108 bytes: a short directory.
	run, err := os.MkdirTemp("/tmp", "c2h-run")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(run) })
	port, httpPort := e2etest.FreePort(b), e2etest.FreePort(b)
	const ip = "127.0.83.1"
	newMovable(b, ip, port).start(b)
	ns := e2etest.StartDNS(b)
	ns.SetDefault(ip)
	cfg := generate(b, dir, Hosts(n, port), "--bind", "127.0.0.1:"+strconv.Itoa(httpPort), "--stats=", "--resolver", ns.Addr(), "--runtime-dir", run)
	host := HostName(n)
	h := startHAProxy(b, bin, cfg)
	url := fmt.Sprintf("http://127.0.0.1:%d/", httpPort)
	h.waitRouted(b, url, host, time.Minute)
	for deadline := time.Now().Add(time.Minute); ns.AllQueries() < n && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // every server checked up
	h.waitReloadable(b)

	// wrk runs for the whole benchmark: 2 s, then each reload 2 s apart.
	d := time.Duration(b.N)*2*time.Second + 4*time.Second
	out := make(chan []byte, 1)
	go func() {
		o, _ := exec.Command(wrk, "-t2", "-c16", "-d"+strconv.Itoa(int(d.Seconds()))+"s", "-H", "Host: "+host, "-H", "Connection: close", url).CombinedOutput()
		out <- o
	}()
	time.Sleep(2 * time.Second)

	var reloads, gone []float64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		saveServerState(b, run)
		old := h.workerPIDs()
		b.StartTimer()
		t0 := time.Now()
		h.cmd.Process.Signal(syscall.SIGUSR2)
		var fresh bool
		for {
			if err := h.failed(); err != nil {
				b.Fatal(err)
			}
			w := h.workerPIDs()
			if !fresh && slices.ContainsFunc(w, func(p int) bool { return !slices.Contains(old, p) }) {
				fresh = true
				reloads = append(reloads, float64(time.Since(t0).Microseconds())/1000)
				b.StopTimer()
			}
			if fresh && !slices.ContainsFunc(w, func(p int) bool { return slices.Contains(old, p) }) {
				gone = append(gone, float64(time.Since(t0).Microseconds())/1000)
				break
			}
			if time.Since(t0) > time.Minute {
				b.Fatal("the reload did not finish in a minute")
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(max(0, 2*time.Second-time.Since(t0)))
		h.waitReloadable(b)
	}
	o := <-out
	requests, lost := wrkLost(b, o)
	slices.Sort(reloads)
	slices.Sort(gone)
	b.ReportMetric(reloads[len(reloads)/2], "reload-p50-ms")
	b.ReportMetric(reloads[len(reloads)-1], "reload-max-ms")
	b.ReportMetric(gone[len(gone)/2], "old-gone-p50-ms")
	b.ReportMetric(float64(lost), "lost-req")
	b.ReportMetric(float64(requests), "requests")
	b.Logf("services=%d: %d reloads, %d requests, %d lost; load average %s", n, b.N, requests, lost, LoadAvg())
	if lost > 0 {
		b.Logf("wrk:\n%s", o)
	}
}

// saveServerState does what the README's reload script does with socat.
func saveServerState(tb testing.TB, run string) {
	tb.Helper()
	var state []byte
	var err error
	// A worker that has just replaced the old one may not answer yet.
	for try := 0; try < 50; try++ {
		if state, err = showServersState(filepath.Join(run, "haproxy.sock")); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "servers.state.new"), state, 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(filepath.Join(run, "servers.state.new"), filepath.Join(run, "servers.state")); err != nil {
		tb.Fatal(err)
	}
}

func showServersState(sock string) ([]byte, error) {
	c, err := net.Dial("unix", sock)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := io.WriteString(c, "show servers state\n"); err != nil {
		return nil, err
	}
	return io.ReadAll(c)
}

var (
	wrkNon2xxRe = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocketRe = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// wrkLost reads how many requests wrk made and how many it lost.
func wrkLost(tb testing.TB, out []byte) (requests, lost int64) {
	tb.Helper()
	m := wrkRequestsRe.FindSubmatch(out)
	if m == nil {
		tb.Fatalf("wrk:\n%s", out)
	}
	requests, _ = strconv.ParseInt(string(m[1]), 10, 64)
	if m := wrkNon2xxRe.FindSubmatch(out); m != nil {
		v, _ := strconv.ParseInt(string(m[1]), 10, 64)
		lost += v
	}
	if m := wrkSocketRe.FindSubmatch(out); m != nil {
		for _, s := range m[1:] {
			v, _ := strconv.ParseInt(string(s), 10, 64)
			lost += v
		}
	}
	return requests, lost
}
