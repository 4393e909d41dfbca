package bench

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// nameServer answers A queries for the routing measurement: every name
// (all), or only the names in only, with one loopback address; other names
// get NXDOMAIN, other types an empty answer.
type nameServer struct {
	addr    string
	ip      netip.Addr
	mu      sync.Mutex
	only    map[string]bool // lower-case, no trailing dot; nil: every name
	queries atomic.Int64
}

// startNameServer serves DNS over UDP on 127.0.0.1 at a free port until
// the test ends. HAProxy asks over UDP only.
func startNameServer(tb testing.TB, ip string) *nameServer {
	tb.Helper()
	a := netip.MustParseAddr(ip)
	if !a.Is4() || !a.IsLoopback() {
		tb.Fatalf("startNameServer: %s is not an IPv4 loopback address", ip)
	}
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ns := &nameServer{addr: pc.LocalAddr().String(), ip: a}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(ns.serve)}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	errc := make(chan error, 1)
	go func() { errc <- srv.ActivateAndServe() }()
	select {
	case <-started:
	case err := <-errc:
		tb.Fatalf("startNameServer: %v", err)
	case <-time.After(5 * time.Second):
		tb.Fatal("startNameServer: did not start")
	}
	tb.Cleanup(func() { srv.Shutdown() })
	return ns
}

// answerOnly limits the answered names; none: every name.
func (ns *nameServer) answerOnly(names ...string) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	ns.only = nil
	if len(names) > 0 {
		ns.only = map[string]bool{}
		for _, n := range names {
			ns.only[strings.ToLower(n)] = true
		}
	}
}

func (ns *nameServer) serve(w dns.ResponseWriter, req *dns.Msg) {
	ns.queries.Add(1)
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeNotImplemented
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(strings.TrimSuffix(q.Name, "."))
	ns.mu.Lock()
	known := ns.only == nil || ns.only[name]
	ns.mu.Unlock()
	switch {
	case !known:
		m.Rcode = dns.RcodeNameError
	case q.Qtype == dns.TypeA:
		m.Answer = append(m.Answer, &dns.A{
			Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 1},
			A:   ns.ip.AsSlice(),
		})
	}
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(opt.UDPSize(), false)
	}
	w.WriteMsg(m)
}

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
