package e2etest

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Eventually calls cond at once and then every 50ms until it returns true,
// and returns how long that took. After deadline the test fails with what,
// the last detail cond returned, and the tail of HAProxy's log (and of the
// logs given to ShowLogOnTimeout). It also
// stops early if the test's HAProxy died.
func Eventually(tb testing.TB, deadline time.Duration, what string, cond func() (bool, string)) time.Duration {
	tb.Helper()
	start := time.Now()
	end := start.Add(deadline)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var detail string
	for {
		var ok bool
		ok, detail = cond()
		if ok {
			return time.Since(start)
		}
		failIfHAProxyDied(tb)
		if time.Now().After(end) {
			break
		}
		<-tick.C
	}
	tb.Fatalf("timed out after %v waiting for %s; last: %s%s", deadline, what, detail, logTails(tb, 40))
	return 0
}

// WaitListening polls a TCP dial to addr (every 50ms) until it connects.
func WaitListening(tb testing.TB, addr string, deadline time.Duration) {
	tb.Helper()
	if err := CheckLoopback(addr); err != nil {
		tb.Fatal(err)
	}
	Eventually(tb, deadline, "something listening on "+addr, func() (bool, string) {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return false, err.Error()
		}
		c.Close()
		return true, ""
	})
}

var (
	logsMu sync.Mutex
	logs   = map[testing.TB][]namedLog{}
)

type namedLog struct {
	name string
	read func() string
}

// ShowLogOnTimeout makes a wait of tb that times out show the tail of
// what read returns, under name: a container's log, or the log of a
// process StartHAProxy started.
func ShowLogOnTimeout(tb testing.TB, name string, read func() string) {
	logsMu.Lock()
	defer logsMu.Unlock()
	logs[tb] = append(logs[tb], namedLog{name, read})
	tb.Cleanup(func() {
		logsMu.Lock()
		defer logsMu.Unlock()
		delete(logs, tb)
	})
}

// logTails returns the last lines of each log tb shows on a timeout.
func logTails(tb testing.TB, lines int) string {
	logsMu.Lock()
	ls := slices.Clone(logs[tb])
	logsMu.Unlock()
	var sb strings.Builder
	for _, l := range ls {
		sb.WriteString(logTail(l.name, l.read(), lines))
	}
	return sb.String()
}

// logTail formats the last lines of a log for a failure message.
func logTail(name, log string, lines int) string {
	all := strings.Split(strings.TrimRight(log, "\n"), "\n")
	header := fmt.Sprintf("\n--- %s log ---\n", name)
	if len(all) > lines {
		header = fmt.Sprintf("\n--- %s log (last %d of %d lines) ---\n", name, lines, len(all))
		all = all[len(all)-lines:]
	}
	return header + strings.Join(all, "\n") + "\n"
}
