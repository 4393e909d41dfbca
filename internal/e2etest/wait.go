package e2etest

import (
	"testing"
	"time"
)

// Eventually calls cond at once and then every 50ms until it returns true,
// and returns how long that took. After deadline the test fails with what,
// the last detail cond returned, and the tail of HAProxy's log. It also
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
	tb.Fatalf("timed out after %v waiting for %s; last: %s%s", deadline, what, detail, haproxyLogTail(tb, 40))
	return 0
}
