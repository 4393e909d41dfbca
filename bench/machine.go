package bench

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine names the CPU model, the number of CPUs and the Go version, for
// the reports.
func Machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs, %s %s/%s", model, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// LoadAvg is the 1, 5 and 15 minute load averages: on a shared machine,
// a high one explains a noisy measurement.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// WaitQuiet waits, up to max, until the machine's CPUs are at most 25%
// busy over half a second, so that a measurement does not start while
// another process (a test run, a build) holds the CPUs. It returns the last
// busy share seen (0 to 1) and how long it waited; quiet reports whether
// the machine was quiet in the end.
func WaitQuiet(max time.Duration) (busy float64, waited time.Duration, quiet bool) {
	start := time.Now()
	for {
		busy = cpuBusy(500 * time.Millisecond)
		waited = time.Since(start)
		if busy <= 0.25 {
			return busy, waited, true
		}
		if waited >= max {
			return busy, waited, false
		}
		time.Sleep(time.Second)
	}
}

// cpuBusy is the share of all CPUs' time spent not idle during d, from
// /proc/stat; 0 where that cannot be read.
func cpuBusy(d time.Duration) float64 {
	idle0, total0 := cpuTimes()
	time.Sleep(d)
	idle1, total1 := cpuTimes()
	if total1 <= total0 {
		return 0
	}
	return 1 - float64(idle1-idle0)/float64(total1-total0)
}

func cpuTimes() (idle, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0
	}
	// user nice system idle iowait irq softirq steal; guest time is
	// already counted in user.
	for i, v := range f[1:min(len(f), 9)] {
		n, _ := strconv.ParseUint(v, 10, 64)
		total += n
		if i == 3 || i == 4 { // idle, iowait
			idle += n
		}
	}
	return idle, total
}
