package e2etest

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Backend is an HTTP server on one loopback address, standing in for one
// container. Every response has status 200 (except /health when unhealthy),
// header X-Backend: <id> and body "<id> <method> <request-uri>\n", and
// echoes what it received in X-Seen-Host (Host), X-Seen-XFF
// (X-Forwarded-For) and X-Seen-Proto (X-Forwarded-Proto). A held path
// (Hold) is answered only when the test releases it.
type Backend struct {
	IP   string
	Port int

	srv      *http.Server
	mu       sync.Mutex
	id       string
	healthy  bool
	requests int
	checks   int
	last     *http.Request // the last request served, not counting /health
	hold     *Hold         // requests for hold.path wait; nil: none do
	stopOnce sync.Once
}

// Hold keeps the requests for one path of a Backend in progress until it
// is released, so that a test can count on them being in progress: they
// have reached the server, which has not answered.
type Hold struct {
	path     string
	arrived  chan struct{} // one value per request held
	released chan struct{}
	once     sync.Once
}

// Hold makes the requests for path (counted as served) wait without an
// answer until Release, or until their connection closes. It replaces any
// earlier Hold; one is released when the test ends.
func (b *Backend) Hold(tb testing.TB, path string) *Hold {
	tb.Helper()
	h := &Hold{path: path, arrived: make(chan struct{}, 1000), released: make(chan struct{})}
	b.mu.Lock()
	b.hold = h
	b.mu.Unlock()
	tb.Cleanup(h.Release)
	return h
}

// Wait waits until n more requests are held (10 s at most, else tb fails).
func (h *Hold) Wait(tb testing.TB, n int) {
	tb.Helper()
	deadline := time.After(10 * time.Second)
	for i := range n {
		select {
		case <-h.arrived:
		case <-deadline:
			tb.Fatalf("%d of %d requests for %s reached the backend in 10s", i, n, h.path)
		}
	}
}

// Release answers the held requests and lets later ones through. Idempotent.
func (h *Hold) Release() { h.once.Do(func() { close(h.released) }) }

// StartBackend starts a backend whose id is its IP.
func StartBackend(tb testing.TB, ip string, port int) *Backend {
	tb.Helper()
	return StartBackendID(tb, ip, ip, port)
}

// StartBackendID starts a backend at ip:port that names itself id. It stops
// when the test ends.
func StartBackendID(tb testing.TB, id, ip string, port int) *Backend {
	tb.Helper()
	return startBackend(tb, id, ip, port, nil)
}

// StartTLSBackend starts a backend like StartBackendID that speaks TLS with
// the certificate in cfg (HTTP/1.1 or, by ALPN, HTTP/2).
func StartTLSBackend(tb testing.TB, id, ip string, port int, cfg *tls.Config) *Backend {
	tb.Helper()
	return startBackend(tb, id, ip, port, func(srv *http.Server, l net.Listener) net.Listener {
		srv.TLSConfig = cfg.Clone()
		srv.TLSConfig.NextProtos = []string{"h2", "http/1.1"}
		return tls.NewListener(l, srv.TLSConfig)
	})
}

// StartH2CBackend starts a backend like StartBackendID that speaks HTTP/2
// in clear text too (h2c with prior knowledge, as gRPC does).
func StartH2CBackend(tb testing.TB, id, ip string, port int) *Backend {
	tb.Helper()
	return startBackend(tb, id, ip, port, func(srv *http.Server, l net.Listener) net.Listener {
		srv.Protocols = new(http.Protocols)
		srv.Protocols.SetHTTP1(true)
		srv.Protocols.SetUnencryptedHTTP2(true)
		return l
	})
}

// listenLoopback listens on ip:port, which must be a loopback address;
// who names the caller in a failure.
func listenLoopback(tb testing.TB, who, ip string, port int) net.Listener {
	tb.Helper()
	addr := net.JoinHostPort(ip, strconv.Itoa(port))
	if err := CheckLoopback(addr); err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatalf("%s %s: %v", who, addr, err)
	}
	return l
}

// startBackend listens on ip:port; wrap, if set, configures the server and
// may wrap the listener (TLS).
func startBackend(tb testing.TB, id, ip string, port int, wrap func(*http.Server, net.Listener) net.Listener) *Backend {
	tb.Helper()
	l := listenLoopback(tb, "StartBackend", ip, port)
	b := &Backend{IP: ip, Port: port, id: id, healthy: true}
	b.srv = &http.Server{Handler: http.HandlerFunc(b.handle), ReadHeaderTimeout: 5 * time.Second}
	if wrap != nil {
		l = wrap(b.srv, l)
	}
	go b.srv.Serve(l)
	tb.Cleanup(b.Stop)
	return b
}

func (b *Backend) handle(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	id, healthy := b.id, b.healthy
	status := http.StatusOK
	if r.URL.Path == "/health" {
		b.checks++
		if !healthy {
			status = http.StatusServiceUnavailable
		}
	} else {
		b.requests++
		b.last = r.Clone(r.Context())
	}
	hold := b.hold
	b.mu.Unlock()
	_, _ = io.Copy(io.Discard, r.Body)
	if hold != nil && r.URL.Path == hold.path {
		select {
		case hold.arrived <- struct{}{}:
		default: // more than a test waits for
		}
		select {
		case <-hold.released:
		case <-r.Context().Done():
		}
	}
	h := w.Header()
	h.Set("X-Backend", id)
	h.Set("X-Seen-Host", r.Host)
	h.Set("X-Seen-XFF", strings.Join(r.Header.Values("X-Forwarded-For"), ", "))
	h.Set("X-Seen-Proto", strings.Join(r.Header.Values("X-Forwarded-Proto"), ", "))
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "%s %s %s\n", id, r.Method, r.RequestURI)
}

// Addr returns "IP:PORT".
func (b *Backend) Addr() string { return net.JoinHostPort(b.IP, strconv.Itoa(b.Port)) }

// ID returns the name the backend answers with.
func (b *Backend) ID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.id
}

// SetID changes the name the backend answers with (safe at any time).
func (b *Backend) SetID(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.id = id
}

// SetHealthy makes /health answer 200 (true) or 503 (false).
func (b *Backend) SetHealthy(ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.healthy = ok
}

// Requests counts the requests served, not counting /health.
func (b *Backend) Requests() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.requests
}

// LastRequest returns the last request served (not counting /health), its
// body already read, or nil.
func (b *Backend) LastRequest() *http.Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// HealthChecks counts the requests for /health.
func (b *Backend) HealthChecks() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.checks
}

// Stop closes the listener and all connections. Idempotent.
func (b *Backend) Stop() {
	b.stopOnce.Do(func() { _ = b.srv.Close() })
}

// TCPEcho is a raw TCP server: on connect it writes "<ip>\n", then echoes
// every line it receives.
type TCPEcho struct {
	IP   string
	Port int

	l        net.Listener
	mu       sync.Mutex
	conns    map[net.Conn]bool
	accepted int
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// StartTCPEcho starts a TCP echo server at ip:port; it stops when the test
// ends.
func StartTCPEcho(tb testing.TB, ip string, port int) *TCPEcho {
	tb.Helper()
	l := listenLoopback(tb, "StartTCPEcho", ip, port)
	e := &TCPEcho{IP: ip, Port: port, l: l, conns: map[net.Conn]bool{}}
	e.wg.Add(1) // not wg.Go, which needs Go 1.25: go.mod asks for 1.24
	go func() { defer e.wg.Done(); e.accept() }()
	tb.Cleanup(e.Stop)
	return e
}

func (e *TCPEcho) accept() {
	for {
		c, err := e.l.Accept()
		if err != nil {
			return
		}
		e.mu.Lock()
		e.conns[c] = true
		e.accepted++
		e.mu.Unlock()
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			defer func() {
				c.Close()
				e.mu.Lock()
				delete(e.conns, c)
				e.mu.Unlock()
			}()
			if _, err := io.WriteString(c, e.IP+"\n"); err != nil {
				return
			}
			sc := bufio.NewScanner(c)
			for sc.Scan() {
				if _, err := c.Write(append(sc.Bytes(), '\n')); err != nil {
					return
				}
			}
		}()
	}
}

// Addr returns "IP:PORT".
func (e *TCPEcho) Addr() string { return net.JoinHostPort(e.IP, strconv.Itoa(e.Port)) }

// Conns counts the connections accepted so far.
func (e *TCPEcho) Conns() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.accepted
}

// Stop closes the listener and every open connection, and waits for the
// goroutines. Idempotent.
func (e *TCPEcho) Stop() {
	e.stopOnce.Do(func() {
		e.l.Close()
		e.mu.Lock()
		for c := range e.conns {
			c.Close()
		}
		e.mu.Unlock()
		e.wg.Wait()
	})
}
