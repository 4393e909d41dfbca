package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// TestRoutingCost measures what routing costs HAProxy with the generated
// config: requests per second, and HAProxy's CPU time per request, for 1
// host and for 1,000, each request for the host that the LAST use_backend
// rule matches (the worst case: every rule before it is tried first). The
// same is measured with --map (exact host-only routes looked up in a map),
// and for bench.Project(1000), whose paths and wildcards stay ACL rules
// (there also with the map lookup moved first by hand, see mapFirst).
//
// It needs HAProxy and wrk, takes about four minutes, and runs only with
// BENCH_ROUTING=1 (make bench). It reports and asserts nothing about speed.
//
//	BENCH_ROUTING=1 go test ./bench -run TestRoutingCost -v -timeout 30m
//
// Knobs: BENCH_ROUTING_RUNS (3), BENCH_ROUTING_DURATION (5s),
// BENCH_PIN=0 (do not pin HAProxy to CPU 0 and the rest to CPU 1),
// BENCH_DNS=target (answer only the requested service's name, so that the
// other 999 backends have no server to resolve and check). The CLI that
// writes the configs is this test binary (see TestMain); only HAProxy is
// measured.
func TestRoutingCost(t *testing.T) {
	if os.Getenv("BENCH_ROUTING") != "1" {
		t.Skip("set BENCH_ROUTING=1 to measure routing through HAProxy (make bench does)")
	}
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		t.Fatalf("needs HAProxy (apt-get install haproxy): %v", err)
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		t.Fatalf("needs wrk (apt-get install wrk): %v", err)
	}
	runs := envInt(t, "BENCH_ROUTING_RUNS", 3)
	duration := 5 * time.Second
	if v := os.Getenv("BENCH_ROUTING_DURATION"); v != "" {
		if duration, err = time.ParseDuration(v); err != nil {
			t.Fatalf("BENCH_ROUTING_DURATION: %v", err)
		}
	}
	onlyTarget := os.Getenv("BENCH_DNS") == "target"

	// HAProxy alone on CPU 0 (so it starts one thread), everything else
	// (wrk, this process's backend and DNS server) on CPU 1: the two do not
	// take each other's time slices, and HAProxy is the bottleneck.
	pin, pinned := func(cpu string, argv ...string) []string { return argv }, false
	if tasksetBin, err := exec.LookPath("taskset"); err == nil && os.Getenv("BENCH_PIN") != "0" && runtime.NumCPU() >= 2 {
		if out, err := exec.Command(tasksetBin, "-a", "-p", "-c", "1", strconv.Itoa(os.Getpid())).CombinedOutput(); err != nil {
			t.Fatalf("taskset: %v: %s", err, out)
		}
		pin, pinned = func(cpu string, argv ...string) []string { return append([]string{tasksetBin, "-c", cpu}, argv...) }, true
	}

	dir := t.TempDir()
	const backendIP = "127.0.78.1"
	backend := startFastBackend(t, backendIP)
	ns := e2etest.StartDNS(t)
	httpPort := e2etest.FreePort(t)

	version, _ := exec.Command(haproxy, "-v").Output()
	t.Logf("%s; %s; pinned: %v; DNS answers: %s; %d runs of wrk -t2 -c32 -d%s",
		Machine(), bytes.TrimSpace(bytes.SplitN(version, []byte("\n"), 2)[0]), pinned, map[bool]string{false: "every name", true: "the requested service only"}[onlyTarget], runs, duration)

	// Hosts(n) has one route a host: its last rule is an exact host. In
	// Project(1000) the last exact host-only rule comes after 100 host and
	// path rules, and the last rule of all is a wildcard with a path.
	// The default writes the map beside -o's file (these runs write one),
	// which takes all of them: the requests are then for the map's last
	// host, host and path, or wildcard; --map none is the single-file
	// config, requested for its last rule.
	hosts1, hosts1000, mixed := Hosts(1, backend.port()), Hosts(1000, backend.port()), mixedOnPort(1000, backend.port())
	cases := []*routingCase{
		{name: "1 host", project: hosts1},
		{name: "1,000 hosts", project: hosts1000},
		{name: "  --map none", project: hosts1000, args: []string{"--map", "none"}},
		{name: "Project(1000) exact", project: mixed, exactOnly: true},
		{name: "Project(1000) last", project: mixed, mapWild: true, mapPath: true},
		{name: "10 paths, one host", project: Paths(10, backend.port())},
		{name: "100 paths, one host", project: Paths(100, backend.port()), mapPath: true},
		{name: "1,000 paths, one host", project: Paths(1000, backend.port()), mapPath: true},
		{name: "  --map none", project: Paths(1000, backend.port()), args: []string{"--map", "none"}},
		{name: "1,000 wildcards", project: Wildcards(1000, backend.port()), mapWild: true},
		{name: "  --map none", project: Wildcards(1000, backend.port()), args: []string{"--map", "none"}},
	}
	for i, c := range cases {
		c.generate(t, filepath.Join(dir, strconv.Itoa(i)), httpPort, ns.Addr())
		if c.target.host == "" {
			// The last rule is the map's: the same request as for the
			// case before, for a like-for-like ratio.
			for j := i - 1; c.target.host == ""; j-- {
				c.target = cases[j].target
			}
		}
		t.Logf("%s: %d use_backend rules; requesting Host: %s, path %s (backend %s)", c.name, c.rules, c.target.host, c.target.path, c.target.backend)
	}

	var answered string
	for run := range runs {
		for _, c := range cases {
			if onlyTarget {
				ns.Set(answered) // the previous case's target
				answered = c.target.address
				ns.Set(answered, backendIP)
			} else {
				ns.SetDefault(backendIP)
			}
			s := c.measure(t, pin("0", haproxy, "-db", "-f", c.cfg), pin("1", wrk), httpPort, duration)
			c.samples = append(c.samples, s)
			t.Logf("run %d %s: %.0f req/s, HAProxy %.0f%% CPU, %.1f µs CPU/request, idle %.1f%% CPU, %d thread(s); load average %s",
				run+1, c.name, s.rps, s.busy, s.cpuPerReq, s.idle, s.threads, LoadAvg())
		}
	}
	t.Logf("backend requests: %d, DNS queries: %d", backend.requests.Load(), ns.AllQueries())
	fmt.Print(routingReport(cases))
}

// routingCase is one generated config and its measurements.
type routingCase struct {
	name      string
	project   []byte
	args      []string // more flags
	exactOnly bool     // request the last exact host-only rule's host, not the last rule's
	mapPath   bool     // request the map's last host and path
	mapWild   bool     // request a host under the map's last wildcard
	// edit, if set, changes the generated config by hand before it is
	// measured: a preview of a change to the renderer.
	edit func(cfg []byte) []byte

	cfg     string // path of haproxy.cfg
	rules   int    // use_backend lines
	target  target
	samples []routingSample
}

// target is the request that the last use_backend rule answers.
type target struct {
	host, path string
	backend    string
	address    string // the server-template's DNS name
}

type routingSample struct {
	rps       float64 // wrk's Requests/sec
	busy      float64 // HAProxy's CPU use during the run, % of one CPU
	cpuPerReq float64 // HAProxy's CPU µs per request, less its idle CPU use
	idle      float64 // HAProxy's CPU use without traffic, % of one CPU
	latency   string  // wrk's average latency
	threads   int
	attempts  int // runs of wrk until HAProxy was busy (see minBusy)
}

func mixedOnPort(n, port int) []byte {
	return bytes.ReplaceAll(Project(n), []byte(`["8080"]`), []byte(`["`+strconv.Itoa(port)+`"]`))
}

// generate writes the project and runs the CLI on it.
func (c *routingCase) generate(t *testing.T, dir string, httpPort int, dns string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	compose := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(compose, c.project, 0o644); err != nil {
		t.Fatal(err)
	}
	c.cfg = filepath.Join(dir, "haproxy.cfg")
	args := []string{"-f", compose, "--domain", Domain, "--bind", "127.0.0.1:" + strconv.Itoa(httpPort),
		"--stats=", "--resolver", dns, "-o", c.cfg}
	args = append(args, c.args...)
	bin, env := e2etest.CLI(t, "PATH="+os.Getenv("PATH"))
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("compose2haproxy %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	cfg, err := os.ReadFile(c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.edit != nil {
		cfg = c.edit(cfg)
		if err := os.WriteFile(c.cfg, cfg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c.rules = bytes.Count(cfg, []byte("\n    use_backend "))
	hostMap, _ := os.ReadFile(filepath.Join(dir, "haproxy.map"))
	if (c.exactOnly || c.mapPath || c.mapWild) && len(hostMap) > 0 {
		c.target = mappedTarget(t, cfg, hostMap, c.mapPath, c.mapWild)
	} else {
		c.target = lastRuleTarget(t, cfg, c.exactOnly)
	}
}

// mapFirst moves the --map lookup before every other use_backend rule. A
// host whose exact routes are all host-only gets the same backend either
// way (exact routes come before wildcards and routes on any host), so this
// is what the renderer could do for every mapped host that has no path
// route of its own, which holds for every host in Project(n).
func mapFirst(cfg []byte) []byte {
	lines := bytes.SplitAfter(cfg, []byte("\n"))
	first, lookup := -1, -1
	for i, l := range lines {
		if bytes.HasPrefix(l, []byte("    use_backend ")) {
			if first < 0 {
				first = i
			}
			if bytes.Contains(l, []byte(",map(")) {
				lookup = i
			}
		}
	}
	if first < 0 || lookup < 0 {
		panic("mapFirst: no map lookup in the config")
	}
	line := lines[lookup]
	lines = slices.Delete(lines, lookup, lookup+1)
	lines = slices.Insert(lines, first, line)
	return bytes.Join(lines, nil)
}

var (
	aclRe     = regexp.MustCompile(`^\s+acl (\S+) var\(txn\.host\) -m (str|end) (.+)$`)
	pathACLRe = regexp.MustCompile(`^\s+acl (\S+) path (/\S*)$`)
	ruleRe    = regexp.MustCompile(`^\s+use_backend (\S+) if (.+)$`)
	serverRe  = regexp.MustCompile(`^\s+server-template \S+ \S+ ([^:\s]+):`)
)

// mappedTarget is a request for the host map's last host routed by name
// (key "host/"), with withPath its last host and path ("host/path/"), or
// with wild a host under its last wildcard (".suffix/").
func mappedTarget(t testing.TB, cfg, hostMap []byte, withPath, wild bool) target {
	t.Helper()
	host, path, backend := "", "", ""
	for line := range strings.Lines(string(hostMap)) {
		key, value, _ := strings.Cut(strings.TrimSpace(line), " ")
		if !strings.HasSuffix(key, "/") || strings.HasPrefix(key, ".") != wild {
			continue
		}
		h, p, _ := strings.Cut(key, "/")
		if (p != "") == withPath {
			host, path, backend = h, "/"+strings.TrimSuffix(p, "/"), value
		}
	}
	if wild {
		host = "any" + host
	}
	if host == "" {
		t.Fatalf("the map has no key for a host routed %s", map[bool]string{false: "by name", true: "with a path"}[withPath])
	}
	i := bytes.Index(cfg, []byte("\nbackend "+backend+"\n"))
	if i < 0 {
		t.Fatalf("no backend %s for the map's host %s", backend, host)
	}
	m := regexp.MustCompile(`(?m)^\s+server-template \S+ \S+ ([^:\s]+):`).FindSubmatch(cfg[i:])
	if m == nil {
		t.Fatalf("backend %s has no server-template", backend)
	}
	return target{host: host, path: path, backend: backend, address: string(m[1])}
}

// lastRuleTarget reads the frontend's last use_backend rule (with
// exactOnly, the last one on exact hosts without a path) and returns a
// request only it matches: its host (a name under a wildcard) and path.
func lastRuleTarget(t testing.TB, cfg []byte, exactOnly bool) target {
	t.Helper()
	hosts := map[string][]string{} // ACL name → patterns ("." suffix for end)
	match := map[string]string{}
	paths := map[string]string{}
	servers := map[string]string{}
	var last []string
	backend := ""
	sc := bufio.NewScanner(bytes.NewReader(cfg))
	for sc.Scan() {
		line := sc.Text()
		if m := aclRe.FindStringSubmatch(line); m != nil {
			hosts[m[1]] = append(hosts[m[1]], strings.Fields(m[3])...)
			match[m[1]] = m[2]
		} else if m := pathACLRe.FindStringSubmatch(line); m != nil {
			paths[m[1]] = m[2]
		} else if m := ruleRe.FindStringSubmatch(line); m != nil {
			acls := strings.Fields(m[2])
			if !exactOnly || len(acls) == 1 && match[acls[0]] == "str" {
				last = append([]string{m[1]}, acls...)
			}
		} else if name, ok := strings.CutPrefix(line, "backend "); ok {
			backend = name
		} else if m := serverRe.FindStringSubmatch(line); m != nil {
			servers[backend] = m[1]
		}
	}
	if last == nil {
		t.Fatal("the config has no use_backend rule")
	}
	if strings.HasPrefix(last[0], "%[") {
		return target{} // the host map's lookup: the caller picks a mapped host
	}
	tg := target{backend: last[0], path: "/", address: servers[last[0]]}
	for _, acl := range last[1:] {
		if ps, ok := hosts[acl]; ok {
			tg.host = ps[len(ps)-1] // <name>.Domain when there is one
			if match[acl] == "end" {
				tg.host = "any" + tg.host
			}
		}
		if p, ok := paths[acl]; ok {
			tg.path = p
		}
	}
	if tg.host == "" || tg.address == "" {
		t.Fatalf("cannot tell the host and server of the last rule %q", strings.Join(last, " "))
	}
	return tg
}

func routingReport(cases []*routingCase) string {
	var b strings.Builder
	base := cases[0]
	fmt.Fprintf(&b, "\n%-20s %6s %-26s %9s %7s %7s %8s %10s %7s %9s %8s %s\n",
		"config", "rules", "req/s per run", "median", "spread", "×1host", "HAProxy", "µs CPU/req", "×1host", "idle CPU", "latency", "goal (≥0.90× req/s)")
	baseRPS, baseCPU := medianOf(base.samples, func(s routingSample) float64 { return s.rps }), medianOf(base.samples, func(s routingSample) float64 { return s.cpuPerReq })
	for _, c := range cases {
		var runs []string
		for _, s := range c.samples {
			r := strconv.FormatFloat(s.rps, 'f', 0, 64)
			if s.busy < minBusy {
				r += "*" // disturbed: HAProxy did not get its CPU
			}
			runs = append(runs, r)
		}
		rps := medianOf(c.samples, func(s routingSample) float64 { return s.rps })
		cpu := medianOf(c.samples, func(s routingSample) float64 { return s.cpuPerReq })
		busy := medianOf(c.samples, func(s routingSample) float64 { return s.busy })
		idle := medianOf(c.samples, func(s routingSample) float64 { return s.idle })
		verdict := "met"
		if rps < 0.9*baseRPS {
			verdict = "NOT met"
		}
		if c == base {
			verdict = "(baseline)"
		}
		lo, hi := c.samples[0].rps, c.samples[0].rps
		for _, s := range c.samples {
			lo, hi = min(lo, s.rps), max(hi, s.rps)
		}
		fmt.Fprintf(&b, "%-20s %6d %-26s %9.0f %6.0f%% %7.3f %7.0f%% %10.1f %7.2f %8.1f%% %8s %s\n",
			c.name, c.rules, strings.Join(runs, " "), rps, 100*(hi-lo)/rps, rps/baseRPS, busy, cpu, cpu/baseCPU, idle, c.samples[len(c.samples)/2].latency, verdict)
	}
	b.WriteString("spread: (max − min) / median of req/s. HAProxy: its CPU use while wrk runs (100% = all of its one CPU:\n" +
		"it is the bottleneck). µs CPU/req: HAProxy's CPU time per request, less its idle use. idle CPU: HAProxy\n" +
		"without traffic (DNS every second, health checks).\n" +
		"*: a run in which HAProxy got less than 90% of its CPU three times in a row (the machine was busy).\n")
	return b.String()
}

func medianOf(ss []routingSample, f func(routingSample) float64) float64 {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
