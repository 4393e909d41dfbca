package bench

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// BenchmarkDNS measures what following containers through DNS costs: the
// queries a second HAProxy sends with nothing changing (idle-q/s), against
// the time from a container's move (its old address stops answering, DNS
// answers a new one) to the first request HAProxy routes to the new address
// (ns/op, and follow-max-ms), under a steady 50 requests a second for the
// moved service. Each iteration is one move, at a random moment of the
// resolution period. Sizes are Hosts(n) projects, each service with one
// container; the DNS server is e2etest.DNS on loopback.
//
// Sub-benchmarks are named services=N/SETTING. SETTING is a flag of the CLI
// (dns-interval=10s) or, to try HAProxy's knobs without a flag, edits of the
// generated resolvers section after "edit:" (timeout-resolve=10s,
// hold-valid=1s: the directive with - for spaces). BENCH_DNS_SIZES and
// BENCH_DNS_SETTINGS (;-separated) choose them; BENCH_HAPROXY the binary.
// ",broken" in a setting adds a service whose checks always fail to
// connect, as a container up with its port closed: each failed check makes
// HAProxy re-resolve (hold valid permitting).
//
//	go test ./bench -run '^$' -bench DNS -benchtime 5x -timeout 60m
func BenchmarkDNS(b *testing.B) {
	bin := haproxyBin(b)
	sizes := []int{10, 100, 1000}
	if v := os.Getenv("BENCH_DNS_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 {
				b.Fatalf("BENCH_DNS_SIZES: %q is not a positive number", f)
			}
			sizes = append(sizes, n)
		}
	}
	settings := []string{"dns-interval=1s", "dns-interval=3s", "dns-interval=10s", "dns-interval=30s"}
	if v := os.Getenv("BENCH_DNS_SETTINGS"); v != "" {
		settings = strings.Split(v, ";")
	}
	b.Logf("%s; %s; load average %s", Machine(), haproxyVersion(bin), LoadAvg())
	for _, n := range sizes {
		for _, s := range settings {
			b.Run(fmt.Sprintf("services=%d/%s", n, s), func(b *testing.B) { benchDNS(b, bin, n, s) })
		}
	}
}

// dnsSetting turns a sub-benchmark's setting into CLI flags and edits of
// the config.
func dnsSetting(tb testing.TB, s string) (args []string, edit func([]byte) []byte) {
	edits, ok := strings.CutPrefix(s, "edit:")
	if !ok {
		for _, f := range strings.Split(s, ",") {
			if f != "" && f != "default" && f != "broken" {
				args = append(args, "--"+f)
			}
		}
		return args, func(cfg []byte) []byte { return cfg }
	}
	return nil, func(cfg []byte) []byte {
		for _, kv := range strings.Split(edits, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if kv == "broken" {
				continue
			}
			if !ok {
				tb.Fatalf("setting %q: want directive=value", kv)
			}
			directive := strings.ReplaceAll(k, "-", " ")
			if k == "resolve_retries" {
				directive = k
			}
			re := regexp.MustCompile(`(?m)^    ` + regexp.QuoteMeta(directive) + ` .*$`)
			line := []byte("    " + directive + " " + v)
			if re.Match(cfg) {
				cfg = re.ReplaceAll(cfg, line)
			} else {
				cfg = bytes.Replace(cfg, []byte("\nresolvers docker\n"), append(append([]byte("\nresolvers docker\n"), line...), '\n'), 1)
			}
		}
		return cfg
	}
}

func benchDNS(b *testing.B, bin string, n int, setting string) {
	args, edit := dnsSetting(b, setting)
	dir := b.TempDir()
	port, httpPort := e2etest.FreePort(b), e2etest.FreePort(b)
	ns := e2etest.StartDNS(b)
	// Every other service answers at .3; the moved one between .1 and .2.
	const others = "127.0.81.3"
	ips := [2]string{"127.0.81.1", "127.0.81.2"}
	rest := newMovable(b, others, port)
	rest.start(b)
	where := [2]*movable{newMovable(b, ips[0], port), newMovable(b, ips[1], port)}
	ns.SetDefault(others)

	cfg := generate(b, dir, Hosts(n, port), append([]string{"--bind", "127.0.0.1:" + strconv.Itoa(httpPort), "--stats=", "--resolver", ns.Addr()}, args...)...)
	text, err := os.ReadFile(cfg)
	if err != nil {
		b.Fatal(err)
	}
	text = edit(text)
	if err := os.WriteFile(cfg, text, 0o644); err != nil {
		b.Fatal(err)
	}
	tg := lastRuleTarget(b, text, false)
	if tg.host == "" { // the default host map holds every host
		hostMap, err := os.ReadFile(filepath.Join(dir, "haproxy.map"))
		if err != nil {
			b.Fatal(err)
		}
		tg = mappedTarget(b, text, hostMap, false, false)
	}
	period := resolvePeriod(text)
	ns.Set(tg.address, ips[0])
	where[0].start(b)
	if slices.Contains(strings.Split(strings.TrimPrefix(setting, "edit:"), ","), "broken") {
		// Another service answers at an address where nothing listens (a
		// container up with its port closed): its checks fail forever.
		broken := "web00002" // Hosts' services are web00001 …
		if broken == tg.address {
			broken = "web00003"
		}
		ns.Set(broken, "127.0.81.9")
	}

	h := startHAProxy(b, bin, cfg)
	url := fmt.Sprintf("http://127.0.0.1:%d/probe", httpPort)
	h.waitRouted(b, url, tg.host, 2*period+time.Minute)

	// Steady traffic for the moved service, on kept-alive connections.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sent, failed atomic.Int64
	go func() {
		client := &http.Client{Timeout: 5 * time.Second}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			<-tick.C
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			req.Host = tg.host
			resp, err := client.Do(req)
			sent.Add(1)
			if err != nil {
				failed.Add(1)
				continue
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				failed.Add(1)
			}
		}
	}()

	// Idle rate: after a whole period, over two (at least 6 s).
	time.Sleep(period + time.Second)
	window := max(6*time.Second, 2*period)
	q0, start := ns.AllQueries(), time.Now()
	cpu0 := procCPU(h.workerPIDs()[0])
	time.Sleep(window)
	idle := float64(ns.AllQueries()-q0) / time.Since(start).Seconds()
	cpu := 100 * (procCPU(h.workerPIDs()[0]) - cpu0).Seconds() / window.Seconds()
	rss := h.rss()

	var follows []float64
	at, f0 := 0, failed.Load()
	var extra float64 // queries during the moves beyond the idle rate
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		time.Sleep(time.Duration(rand.Int64N(int64(period))))
		next := 1 - at
		where[next].start(b)
		p0 := where[next].probes.Load()
		where[at].stop()
		t0, q1 := time.Now(), ns.AllQueries()
		ns.Set(tg.address, ips[next])
		b.StartTimer()
		for where[next].probes.Load() == p0 {
			if time.Since(t0) > 3*period+time.Minute {
				b.Fatalf("the move to %s was not followed after %v", ips[next], time.Since(t0))
			}
			time.Sleep(2 * time.Millisecond)
		}
		follow := time.Since(t0)
		b.StopTimer()
		extra += float64(ns.AllQueries()-q1) - idle*follow.Seconds()
		follows = append(follows, float64(follow.Milliseconds()))
		at = next
	}
	moves := float64(b.N)
	slices.Sort(follows)
	b.ReportMetric(idle, "idle-q/s")
	b.ReportMetric(follows[len(follows)/2], "follow-p50-ms")
	b.ReportMetric(follows[len(follows)-1], "follow-max-ms")
	b.ReportMetric(float64(failed.Load()-f0)/moves, "failed-req/move")
	b.ReportMetric(extra/moves, "extra-q/move")
	b.ReportMetric(cpu, "idle-cpu%")
	b.ReportMetric(float64(rss)/(1<<20), "rss-MiB")
	b.Logf("%s: %d requests sent, %d failed; load average %s", setting, sent.Load(), failed.Load(), LoadAvg())
}

var (
	timeoutResolveRe = regexp.MustCompile(`(?m)^    timeout resolve (\d+)(ms|s|m)?$`)
	holdValidRe      = regexp.MustCompile(`(?m)^    hold valid (\d+)(ms|s|m)?$`)
)

// resolvePeriod is the longer of the config's timeout resolve and hold
// valid (1 s when neither is found).
func resolvePeriod(cfg []byte) time.Duration {
	d := time.Second
	for _, re := range []*regexp.Regexp{timeoutResolveRe, holdValidRe} {
		if m := re.FindSubmatch(cfg); m != nil {
			v, _ := strconv.Atoi(string(m[1]))
			unit := map[string]time.Duration{"": time.Millisecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}[string(m[2])]
			d = max(d, time.Duration(v)*unit)
		}
	}
	return d
}
