package bench

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
)

// fastBackend is the one server behind every backend: it answers every
// HTTP/1.1 request with the same 200 response, keeping the connection, and
// does as little as possible so that HAProxy, not it, is what is measured.
type fastBackend struct {
	ln       net.Listener
	requests atomic.Int64
}

// response is what every request gets; Body "ok" tells a routed request
// from HAProxy's own 404.
const response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n"

func startFastBackend(tb testing.TB, ip string) *fastBackend {
	tb.Helper()
	if a, err := netip.ParseAddr(ip); err != nil || !a.IsLoopback() {
		tb.Fatalf("startFastBackend: %s is not a loopback address", ip)
	}
	ln, err := net.Listen("tcp4", net.JoinHostPort(ip, "0"))
	if err != nil {
		tb.Fatal(err)
	}
	b := &fastBackend{ln: ln}
	go b.accept()
	tb.Cleanup(func() { ln.Close() })
	return b
}

func (b *fastBackend) port() int { return b.ln.Addr().(*net.TCPAddr).Port }

func (b *fastBackend) accept() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		go b.serve(c)
	}
}

// serve reads requests without bodies (GETs from wrk and health checks)
// up to their blank line and answers each.
func (b *fastBackend) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReaderSize(c, 4096)
	for {
		for {
			line, err := r.ReadSlice('\n')
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return // EOF: HAProxy closed the connection
			}
			if err == nil && len(bytes.TrimRight(line, "\r\n")) == 0 {
				break
			}
		}
		b.requests.Add(1)
		if _, err := io.WriteString(c, response); err != nil {
			return
		}
	}
}
