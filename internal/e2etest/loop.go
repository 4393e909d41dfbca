package e2etest

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// A Loop sends GET requests through HAProxy one after another, each on a
// new connection and at most one every loopPace, while a test changes
// things underneath (scaling, a reload), and counts what came back. It is
// bounded: it stops on its own after maxLoop.
type Loop struct {
	stop chan struct{}
	done chan struct{}
	res  LoopResult
}

// LoopResult is what a Loop saw.
type LoopResult struct {
	Sent      int
	Failed    int            // errors and statuses other than 200
	Failures  []string       // the first few failures, for the message
	Backends  map[string]int // 200 answers per X-Backend
	Slowest   time.Duration
	SlowestAt string // when the slowest request was sent, and how it ended
	Bounded   bool   // the loop stopped on its own, after maxLoop
}

// loopPace spaces a Loop's requests: enough of them to catch a gap of a
// few milliseconds, not so many that they load a shared machine.
const loopPace = 10 * time.Millisecond

// maxLoop bounds a Loop that nobody stops.
const maxLoop = 3 * time.Minute

// loopTimeout is a Loop request's timeout: longer than HAProxy's "timeout
// connect" (5s), so that a request HAProxy retries on another server after
// a connect timeout is seen as slow, not as failed.
const loopTimeout = 15 * time.Second

// StartLoop starts sending "GET path" with Host: host to addr until Stop.
func StartLoop(tb testing.TB, addr, host, path string) *Loop {
	tb.Helper()
	c := newClient(tb, addr)
	c.hc.Timeout = loopTimeout
	l := &Loop{stop: make(chan struct{}), done: make(chan struct{}), res: LoopResult{Backends: map[string]int{}}}
	go func() {
		defer close(l.done)
		end := time.After(maxLoop)
		pace := time.NewTicker(loopPace)
		defer pace.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-end:
				l.res.Bounded = true
				return
			case <-pace.C:
			}
			start := time.Now()
			r := c.Get(host, path)
			if took := time.Since(start); took > l.res.Slowest {
				l.res.Slowest, l.res.SlowestAt = took, fmt.Sprintf("%s: %v", start.Format("15:04:05.000"), r)
			}
			l.res.Sent++
			if r.Err != nil || r.Status != http.StatusOK {
				l.res.Failed++
				if len(l.res.Failures) < 5 {
					l.res.Failures = append(l.res.Failures, fmt.Sprintf("%s: %v", time.Now().Format("15:04:05.000"), r))
				}
				continue
			}
			l.res.Backends[r.Backend]++
		}
	}()
	tb.Cleanup(func() { l.Stop() })
	return l
}

// Stop ends the loop and returns what it saw. It may be called again.
func (l *Loop) Stop() LoopResult {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
	return l.res
}

// String summarizes the result for logs and failure messages.
func (r LoopResult) String() string {
	s := fmt.Sprintf("%d requests, %d failed, answered by %v; slowest %v, sent at %s", r.Sent, r.Failed, r.Backends, r.Slowest.Round(time.Millisecond), r.SlowestAt)
	for _, f := range r.Failures {
		s += "\n  " + f
	}
	if r.Bounded {
		s += fmt.Sprintf("\n  (the loop stopped on its own after %v)", maxLoop)
	}
	return s
}
