package e2etest

import (
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	portsMu     sync.Mutex
	portsIssued = map[int]bool{}
)

// FreePort returns a TCP port that is free right now on every local address
// (binding 0.0.0.0:PORT succeeded, so it is also free on 127.0.0.x). It is
// picked at random below the kernel's ephemeral range, where outgoing
// connections (this suite makes thousands, each leaving a TIME_WAIT port
// behind) and other programs' "port 0" binds never land. A port is never
// handed out twice in one test binary. Like every "free port" helper it can
// lose a race with another process; tests that bind it then fail loudly
// rather than talk to a stranger.
func FreePort(tb testing.TB) int {
	tb.Helper()
	lo, hi := freePortRange()
	for range 200 {
		port := lo + rand.IntN(hi-lo+1)
		portsMu.Lock()
		dup := portsIssued[port]
		portsMu.Unlock()
		if dup {
			continue
		}
		l, err := net.Listen("tcp4", "0.0.0.0:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		l.Close()
		portsMu.Lock()
		dup = portsIssued[port]
		portsIssued[port] = true
		portsMu.Unlock()
		if !dup {
			return port
		}
	}
	tb.Fatalf("FreePort: no free port in %d-%d after 200 tries", lo, hi)
	return 0
}

// freePortRange returns the ports FreePort picks from: 10000 up to just
// below the ephemeral range (Linux default 32768-60999).
func freePortRange() (lo, hi int) {
	lo, hi = 10000, 32767
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if eph, err := strconv.Atoi(f[0]); err == nil && eph > lo+1000 {
				hi = eph - 1
			}
		}
	}
	return lo, hi
}
