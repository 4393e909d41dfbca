// Command benchrun compares loading a compose project with the whole
// compose2haproxy run on it, as separate processes, for projects of
// several sizes (bench.Project):
//
//	benchrun -bin bin/compose2haproxy -loadonly bin/loadonly [-n 7] [-sizes 100,1000,5000] [-shape traefik] [-o]
//
// -shape picks the project: project (bench.Project: registrator's keys,
// the default) or traefik (bench.Traefik: Traefik's labels).
// For each size it writes the project once to a temporary directory, runs
// each binary once to warm the page cache, then -n times more, alternating
// the two (and which goes first) so that drift on a shared machine hits
// both alike; each pair first waits for the CPUs to be idle (-wait). It
// reports the median wall time and the median peak RSS (getrusage of the
// child, ru_maxrss) of each, their ratios and the cost per service. The
// CLI writes to /dev/null through its standard output, or with -o to a
// file (which adds its fsync).
//
// It reports; it asserts nothing.
package main

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/compose2haproxy/compose2haproxy/bench"
)

// Goals from the issue: the whole run costs at most this much more than
// loading alone, at every size.
const (
	timeGoal = 1.10
	memGoal  = 1.20
)

func main() {
	bin := flag.String("bin", "bin/compose2haproxy", "compose2haproxy binary")
	loadOnly := flag.String("loadonly", "bin/loadonly", "loadonly binary (bench/cmd/loadonly)")
	n := flag.Int("n", 11, "timed runs of each binary per size (at least 5 for a meaningful median)")
	sizeList := flag.String("sizes", "100,1000,5000", "comma-separated numbers of services")
	toFile := flag.Bool("o", false, "make the CLI write with -o to a file instead of to stdout (/dev/null)")
	flag.StringVar(&shape, "shape", "project", "the generated project: project (bench.Project) or traefik (bench.Traefik)")
	flag.DurationVar(&waitQuiet, "wait", 2*time.Minute, "before each pair of runs, wait up to this long for the CPUs to be idle (0: do not wait)")
	flag.Parse()
	if err := run(*bin, *loadOnly, *sizeList, *n, *toFile, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "benchrun: %v\n", err)
		os.Exit(1)
	}
}

// waitQuiet is -wait.
var waitQuiet time.Duration

// shape is -shape.
var shape string

// generate is the project of -shape with size services, and how many
// services the loader reads from it (Traefik's own besides).
func generate(size int) ([]byte, int, error) {
	switch shape {
	case "project":
		return bench.Project(size), size, nil
	case "traefik":
		return bench.Traefik(size), size + 1, nil
	}
	return nil, 0, fmt.Errorf("-shape: %q is neither project nor traefik", shape)
}

// busyPairs counts the pairs of runs that started while other processes
// kept the CPUs busy even after waitQuiet.
var busyPairs, pairs int

// sample is one child process run.
type sample struct {
	wall time.Duration
	cpu  time.Duration // user + system
	rss  int64         // peak RSS, bytes
}

// stats summarises the samples of one binary at one size.
type stats struct {
	wall, cpu, rss             []float64 // sorted
	medWall, medCPU, medRSS    float64
	minWall, maxWall, madWallP float64 // madWallP: median absolute deviation, % of the median
	minRSS, maxRSS             float64
}

func summarise(ss []sample) stats {
	var st stats
	for _, s := range ss {
		st.wall = append(st.wall, float64(s.wall)/1e6)
		st.cpu = append(st.cpu, float64(s.cpu)/1e6)
		st.rss = append(st.rss, float64(s.rss)/(1<<20))
	}
	slices.Sort(st.wall)
	slices.Sort(st.cpu)
	slices.Sort(st.rss)
	st.medWall, st.medCPU, st.medRSS = median(st.wall), median(st.cpu), median(st.rss)
	st.minWall, st.maxWall = st.wall[0], st.wall[len(st.wall)-1]
	st.minRSS, st.maxRSS = st.rss[0], st.rss[len(st.rss)-1]
	dev := make([]float64, len(st.wall))
	for i, w := range st.wall {
		dev[i] = abs(w - st.medWall)
	}
	slices.Sort(dev)
	st.madWallP = 100 * median(dev) / st.medWall
	return st
}

func median(sorted []float64) float64 {
	m := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[m]
	}
	return (sorted[m-1] + sorted[m]) / 2
}

func abs(x float64) float64 { return max(x, -x) }

type result struct {
	size      int
	load, run stats
	outBytes  int
}

func run(bin, loadOnly, sizeList string, n int, toFile bool, w io.Writer) error {
	var sizes []int
	for _, f := range strings.Split(sizeList, ",") {
		s, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || s < 1 {
			return fmt.Errorf("-sizes: %q is not a positive number", f)
		}
		sizes = append(sizes, s)
	}
	if n < 1 {
		return fmt.Errorf("-n must be at least 1")
	}
	for _, p := range []*string{&bin, &loadOnly} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		if _, err := os.Stat(abs); err != nil {
			return fmt.Errorf("%w (make bench builds it)", err)
		}
		*p = abs
	}
	tmp, err := os.MkdirTemp("", "compose2haproxy-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Fprintf(w, "machine: %s; load average before: %s\n", bench.Machine(), bench.LoadAvg())
	fmt.Fprintf(w, "shape: %s; each: 1 warm-up + %d timed runs per binary, alternating; medians; the CLI writes to %s\n\n",
		shape, n, map[bool]string{false: "stdout (/dev/null)", true: "a file (-o)"}[toFile])
	var results []result
	for _, size := range sizes {
		r, err := measure(tmp, bin, loadOnly, size, n, toFile)
		if err != nil {
			return fmt.Errorf("%d services: %w", size, err)
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "benchrun: %d services done\n", size)
	}
	report(w, results)
	fmt.Fprintf(w, "\nload average after: %s", bench.LoadAvg())
	switch {
	case waitQuiet == 0:
		fmt.Fprintf(w, "; did not wait for idle CPUs (-wait 0)\n")
	case busyPairs > 0:
		fmt.Fprintf(w, "; %d of %d pairs of runs started with the CPUs busy after waiting %v: the numbers are noisy\n", busyPairs, pairs, waitQuiet)
	default:
		fmt.Fprintf(w, "; every pair of runs started with the CPUs idle\n")
	}
	return nil
}

func measure(tmp, bin, loadOnly string, size, n int, toFile bool) (result, error) {
	dir := filepath.Join(tmp, strconv.Itoa(size))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return result{}, err
	}
	file := filepath.Join(dir, "compose.yaml")
	data, services, err := generate(size)
	if err != nil {
		return result{}, err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return result{}, err
	}
	out := filepath.Join(dir, "haproxy.cfg")
	loadCmd := []string{loadOnly, "-f", file}
	runCmd := []string{bin, "-f", file, "--domain", bench.Domain}
	if toFile {
		runCmd = append(runCmd, "-o", out)
	}

	// The warm-up runs check the output, too: a run that failed fast
	// would look very cheap.
	if got, err := child(dir, loadCmd); err != nil {
		return result{}, err
	} else if strings.TrimSpace(got.stdout) != strconv.Itoa(services) {
		return result{}, fmt.Errorf("loadonly loaded %q services, want %d", got.stdout, services)
	}
	check, err := child(dir, []string{bin, "-f", file, "--domain", bench.Domain, "-o", out + ".check"})
	if err != nil {
		return result{}, err
	}
	cfg, err := os.ReadFile(out + ".check")
	if err != nil {
		return result{}, err
	}
	if got := bytes.Count(cfg, []byte("\nbackend ")); got != size+1 { // + no_route
		return result{}, fmt.Errorf("the config has %d backends, want %d (stderr: %s)", got, size+1, check.stderr)
	}

	var loads, runs []sample
	for i := range n {
		if waitQuiet > 0 {
			if _, _, quiet := bench.WaitQuiet(waitQuiet); !quiet {
				busyPairs++
			}
		}
		pairs++
		order := [][]string{loadCmd, runCmd}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, argv := range order {
			s, err := child(dir, argv)
			if err != nil {
				return result{}, err
			}
			if argv[0] == loadOnly {
				loads = append(loads, s.sample)
			} else {
				runs = append(runs, s.sample)
			}
		}
	}
	return result{size: size, load: summarise(loads), run: summarise(runs), outBytes: len(cfg)}, nil
}

type childResult struct {
	sample
	stdout, stderr string
}

// child runs argv in dir with a clean environment and measures it. Only
// the loadonly binary's standard output is kept; the CLI's goes to
// /dev/null so that the config is written as to a file, not to a pipe.
func child(dir string, argv []string) (childResult, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = environ()
	var stdout, stderr bytes.Buffer
	if strings.HasSuffix(argv[0], "loadonly") {
		cmd.Stdout = &stdout
	} // else nil: /dev/null
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return childResult{}, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, stderr.String())
	}
	if stderr.Len() > 0 {
		return childResult{}, fmt.Errorf("%s: unexpected diagnostics: %s", strings.Join(argv, " "), stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return childResult{}, fmt.Errorf("no rusage on %s", runtime.GOOS)
	}
	return childResult{
		sample: sample{
			wall: wall,
			cpu:  cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
			rss:  ru.Maxrss * 1024, // KiB on Linux
		},
		stdout: stdout.String(),
		stderr: stderr.String(),
	}, nil
}

// environ is what the children see: PATH and the Go runtime's knobs, none
// of the COMPOSE_* or HAPROXY_DOMAIN variables that would change the run.
func environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PATH", "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GODEBUG":
			env = append(env, kv)
		}
	}
	return env
}

func report(w io.Writer, rs []result) {
	fmt.Fprintf(w, "%8s %10s %10s %7s %9s %9s %7s %10s %10s %s\n",
		"services", "load ms", "run ms", "time×", "load MiB", "run MiB", "mem×", "load µs/s", "run µs/s", "goal (≤1.10× time, ≤1.20× mem)")
	for _, r := range rs {
		tr, mr := r.run.medWall/r.load.medWall, r.run.medRSS/r.load.medRSS
		verdict := "met"
		if tr > timeGoal || mr > memGoal {
			verdict = "NOT met"
		}
		fmt.Fprintf(w, "%8d %10.1f %10.1f %7.3f %9.1f %9.1f %7.3f %10.0f %10.0f %s\n",
			r.size, r.load.medWall, r.run.medWall, tr, r.load.medRSS, r.run.medRSS, mr,
			1000*r.load.medWall/float64(r.size), 1000*r.run.medWall/float64(r.size), verdict)
	}

	// On a shared machine the fastest run is the least disturbed one: the
	// ratio of minimums is a second opinion on the ratio of medians.
	fmt.Fprintf(w, "\nvariance (wall ms min–max, MAD %% of median), ratio of the fastest runs, CPU (user+sys ms, median):\n")
	fmt.Fprintf(w, "%8s %22s %6s %22s %6s %9s %9s %9s %7s %17s %17s %9s\n",
		"services", "load ms min–max", "MAD%", "run ms min–max", "MAD%", "min×", "load cpu", "run cpu", "cpu×", "load MiB min–max", "run MiB min–max", "cfg KiB")
	for _, r := range rs {
		fmt.Fprintf(w, "%8d %22s %6.1f %22s %6.1f %9.3f %9.1f %9.1f %7.3f %17s %17s %9.0f\n",
			r.size, span(r.load.minWall, r.load.maxWall, "%.1f"), r.load.madWallP,
			span(r.run.minWall, r.run.maxWall, "%.1f"), r.run.madWallP, r.run.minWall/r.load.minWall,
			r.load.medCPU, r.run.medCPU, r.run.medCPU/r.load.medCPU,
			span(r.load.minRSS, r.load.maxRSS, "%.1f"), span(r.run.minRSS, r.run.maxRSS, "%.1f"), float64(r.outBytes)/1024)
	}

	// Linear growth: the cost of each service added between two sizes,
	// which leaves out the fixed cost of starting a process.
	sorted := slices.SortedFunc(slices.Values(rs), func(a, b result) int { return cmp.Compare(a.size, b.size) })
	if len(sorted) > 1 {
		fmt.Fprintf(w, "\nmarginal cost per added service (linear growth keeps these flat):\n")
		fmt.Fprintf(w, "%13s %10s %10s %11s %11s %14s\n", "services", "load µs", "run µs", "load KiB", "run KiB", "run−load µs")
		for i := 1; i < len(sorted); i++ {
			a, b := sorted[i-1], sorted[i]
			dn := float64(b.size - a.size)
			dl, dr := 1000*(b.load.medWall-a.load.medWall)/dn, 1000*(b.run.medWall-a.run.medWall)/dn
			fmt.Fprintf(w, "%13s %10.0f %10.0f %11.1f %11.1f %14.0f\n",
				fmt.Sprintf("%d→%d", a.size, b.size), dl, dr,
				1024*(b.load.medRSS-a.load.medRSS)/dn, 1024*(b.run.medRSS-a.run.medRSS)/dn, dr-dl)
		}
	}
}

func span(lo, hi float64, f string) string {
	return fmt.Sprintf(f+"–"+f, lo, hi)
}
