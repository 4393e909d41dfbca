package e2e

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// tcpExchange connects to addr, reads the greeting line (a TCPEcho's IP),
// sends msg and reads it back. It returns the greeting, or an error saying
// which step failed.
func tcpExchange(tb testing.TB, addr, msg string) (greeting string, err error) {
	tb.Helper()
	if err := e2etest.CheckLoopback(addr); err != nil {
		tb.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return "", err
	}
	r := bufio.NewReader(c)
	greeting, err = r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("reading the greeting: %w (got %q)", err, greeting)
	}
	greeting = strings.TrimSuffix(greeting, "\n")
	if _, err := fmt.Fprintf(c, "%s\n", msg); err != nil {
		return greeting, fmt.Errorf("sending %q: %w", msg, err)
	}
	echo, err := r.ReadString('\n')
	if err != nil {
		return greeting, fmt.Errorf("reading the echo of %q: %w (got %q)", msg, err, echo)
	}
	if echo != msg+"\n" {
		return greeting, fmt.Errorf("sent %q, got back %q", msg, echo)
	}
	return greeting, nil
}

func TestTCPServiceBalancesConnectionsOverItsReplicas(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	tcpPort := e2etest.FreePort(t)
	one := e2etest.StartTCPEcho(t, "127.0.12.1", s.port)
	two := e2etest.StartTCPEcho(t, "127.0.12.2", s.port)
	s.dns.Set("db", one.IP, two.IP)

	// startProxy binds the HTTP frontend on 127.0.0.1, so the TCP
	// listener is on 127.0.0.1:tcpPort.
	p := startProxy(t, s.dns, s.compose(svc("db", "SERVICE_NAME: db", fmt.Sprintf("SERVICE_TAGS: tcp=%d", tcpPort))))
	tcpAddr := fmt.Sprintf("127.0.0.1:%d", tcpPort)
	e2etest.WaitListening(t, tcpAddr, 5*time.Second)

	// Each connection is one replica's; roundrobin gives both once DNS has
	// named them.
	e2etest.Eventually(t, 10*time.Second, "connections to reach both replicas", func() (bool, string) {
		seen := map[string]int{}
		for i := range 6 {
			g, err := tcpExchange(t, tcpAddr, fmt.Sprintf("ping %d", i))
			if err != nil {
				return false, err.Error()
			}
			seen[g]++
		}
		return e2etest.SameKeys(seen, one.IP, two.IP), fmt.Sprint(seen)
	})

	seen := map[string]int{}
	for i := range 20 {
		msg := fmt.Sprintf("hello %d from the client", i)
		g, err := tcpExchange(t, tcpAddr, msg)
		if err != nil {
			t.Errorf("connection %d to %s: %v", i, tcpAddr, err)
			continue
		}
		seen[g]++
	}
	if !e2etest.SameKeys(seen, one.IP, two.IP) {
		t.Errorf("20 connections to %s reached %v, want both %s and %s", tcpAddr, seen, one.IP, two.IP)
	}
	t.Logf("20 connections: %v", seen)

	// A TCP service is not an HTTP route.
	if got := e2etest.Do(t, p.Addr, "GET", "db", "/", nil); got.Status != http.StatusNotFound || got.Backend != "" {
		t.Errorf("HTTP Host: db: got %v, want a 404 from HAProxy", got)
	}
}
