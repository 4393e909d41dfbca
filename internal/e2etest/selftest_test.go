package e2etest

import (
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// These tests check the harness itself, without any product code.

// selftestConfig is a hand-written configuration shaped like the generated
// one: Docker-style resolvers, init-addr last,none, a server-template.
func selftestConfig(dnsAddr, frontAddr, backendExtra string, port int) []byte {
	return fmt.Appendf(nil, `global
    log stdout format raw local0

defaults
    mode http
    log global
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    default-server init-addr last,none resolvers docker resolve-prefer ipv4

resolvers docker
    nameserver dns1 %s
    accepted_payload_size 8192
    hold valid 1s
    hold obsolete 1s
    hold other 1s
    hold nx 1s
    hold refused 1s
    hold timeout 1s
    timeout resolve 1s
    timeout retry 1s

frontend fe
    bind %s
    default_backend be_web

backend be_web
    balance roundrobin
%s    server-template web 1-5 web:%d check inter 500ms
`, dnsAddr, frontAddr, backendExtra, port)
}

func TestSelftestDNS(t *testing.T) {
	t.Parallel()
	d := StartDNS(t)
	d.Set("Web", "127.0.0.21", "127.0.0.22")

	query := func(net, name string, qtype uint16, edns uint16) *dns.Msg {
		t.Helper()
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		if edns > 0 {
			m.SetEdns0(edns, false)
		}
		c := &dns.Client{Net: net, Timeout: 2 * time.Second}
		r, _, err := c.Exchange(m, d.Addr())
		if err != nil {
			t.Fatalf("%s query %s: %v", net, name, err)
		}
		return r
	}

	for _, proto := range []string{"udp", "tcp"} {
		r := query(proto, "web.", dns.TypeA, 0)
		if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 2 || !r.Authoritative {
			t.Fatalf("%s A web: %v", proto, r)
		}
		for _, rr := range r.Answer {
			if rr.Header().Ttl != 1 {
				t.Errorf("TTL %d, want 1", rr.Header().Ttl)
			}
		}
	}
	if r := query("udp", "WEB.", dns.TypeAAAA, 0); r.Rcode != dns.RcodeSuccess || len(r.Answer) != 0 {
		t.Errorf("AAAA web: want empty NOERROR, got %v", r)
	}
	if r := query("udp", "nope.", dns.TypeA, 0); r.Rcode != dns.RcodeNameError {
		t.Errorf("A nope: want NXDOMAIN, got %v", r)
	}
	r := query("udp", "web.", dns.TypeA, 8192)
	if opt := r.IsEdns0(); opt == nil || opt.UDPSize() != 8192 {
		t.Errorf("EDNS0: want OPT with payload 8192, got %v", r)
	}

	// Many records: without EDNS0 the answer is truncated at 512 bytes,
	// with a large payload size it is complete.
	var many []string
	for i := 1; i <= 60; i++ {
		many = append(many, fmt.Sprintf("127.0.1.%d", i))
	}
	d.Set("big", many...)
	if r := query("udp", "big.", dns.TypeA, 0); !r.Truncated || len(r.Answer) == 60 {
		t.Errorf("60 A records without EDNS0: want truncated, got TC=%v with %d answers", r.Truncated, len(r.Answer))
	}
	if r := query("udp", "big.", dns.TypeA, 8192); r.Truncated || len(r.Answer) != 60 {
		t.Errorf("60 A records with EDNS0 8192: got TC=%v with %d answers", r.Truncated, len(r.Answer))
	}

	d.Set("web")
	if r := query("udp", "web.", dns.TypeA, 0); r.Rcode != dns.RcodeNameError {
		t.Errorf("after Set(web) with no IPs: want NXDOMAIN, got %v", r)
	}
	d.Fail("web", dns.RcodeServerFailure)
	if r := query("udp", "web.", dns.TypeA, 0); r.Rcode != dns.RcodeServerFailure {
		t.Errorf("after Fail: want SERVFAIL, got %v", r)
	}
	// udp A, tcp A, AAAA, A with EDNS0, A after removal, A while failing.
	if got := d.Queries("WEB"); got != 6 {
		t.Errorf("Queries(web) = %d, want 6", got)
	}
}

func TestSelftestBackend(t *testing.T) {
	t.Parallel()
	port := FreePort(t)
	b := StartBackend(t, "127.0.0.21", port)
	other := StartBackendID(t, "web-2", "127.0.0.22", port)

	r := Do(t, b.Addr(), "GET", "example.test", "/a/b?x=1",
		map[string][]string{"X-Forwarded-For": {"10.1.2.3"}, "X-Forwarded-Proto": {"https"}})
	if r.Status != 200 || r.Backend != "127.0.0.21" || r.Body != "127.0.0.21 GET /a/b?x=1\n" {
		t.Fatalf("got %v", r)
	}
	if h := r.Header; h.Get("X-Seen-Host") != "example.test" || h.Get("X-Seen-XFF") != "10.1.2.3" || h.Get("X-Seen-Proto") != "https" {
		t.Errorf("echoed headers: %v", h)
	}
	if st, id, _ := Get(t, other.Addr(), "", "/"); st != 200 || id != "web-2" {
		t.Errorf("StartBackendID: %d %q", st, id)
	}
	if st, _, _ := Get(t, b.Addr(), "x", "/health"); st != 200 {
		t.Errorf("/health healthy: %d", st)
	}
	b.SetHealthy(false)
	if st, _, _ := Get(t, b.Addr(), "x", "/health"); st != 503 {
		t.Errorf("/health unhealthy: %d", st)
	}
	if b.Requests() != 1 || b.HealthChecks() != 2 {
		t.Errorf("Requests=%d HealthChecks=%d, want 1 and 2", b.Requests(), b.HealthChecks())
	}
	b.Stop()
	b.Stop()
	if st, _, _ := Get(t, b.Addr(), "x", "/"); st != 0 {
		t.Errorf("after Stop: status %d, want 0 (connection refused)", st)
	}

	e := StartTCPEcho(t, "127.0.0.23", port)
	c, err := net.DialTimeout("tcp", e.Addr(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintf(c, "hello\n")
	buf := make([]byte, 0, 64)
	tmp := make([]byte, 64)
	for !strings.HasSuffix(string(buf), "hello\n") {
		n, err := c.Read(tmp)
		if err != nil {
			t.Fatalf("echo read: %v (got %q)", err, buf)
		}
		buf = append(buf, tmp[:n]...)
	}
	if string(buf) != "127.0.0.23\nhello\n" {
		t.Errorf("echo: %q", buf)
	}
}

func TestSelftestCheckRejectsWarnings(t *testing.T) {
	t.Parallel()
	RequireHAProxy(t)
	// No timeouts at all: valid, but HAProxy warns, and -dW makes that fatal.
	cfg := []byte("defaults\n    mode http\n\nfrontend fe\n    bind 127.0.0.1:" +
		fmt.Sprint(FreePort(t)) + "\n    http-request return status 200\n")
	out, ok := CheckConfig(t, cfg)
	if ok {
		t.Fatalf("haproxy -c -dW accepted a config without timeouts:\n%s", out)
	}
	if !strings.Contains(out, "WARNING") {
		t.Errorf("expected a WARNING in:\n%s", out)
	}
}

// TestSelftestHAProxyFollowsDNS runs HAProxy against the stand-in DNS and
// backends, then moves the name to another address, as scaling does.
func TestSelftestHAProxyFollowsDNS(t *testing.T) {
	t.Parallel()
	RequireHAProxy(t)
	d := StartDNS(t)
	port := FreePort(t)
	for _, ip := range []string{"127.0.0.21", "127.0.0.22", "127.0.0.23"} {
		StartBackend(t, ip, port)
	}
	d.Set("web", "127.0.0.21", "127.0.0.22")

	front := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	start := time.Now()
	h := StartHAProxy(t, selftestConfig(d.Addr(), front, "", port))
	WaitListening(t, front, 5*time.Second)

	Eventually(t, 10*time.Second, "both replicas to answer", func() (bool, string) {
		got := Spread(t, front, "web.test", "/", 6)
		return SameKeys(got, "127.0.0.21", "127.0.0.22"), fmt.Sprint(got)
	})
	t.Logf("both replicas answered %v after StartHAProxy was called (DNS queries for web: %d)",
		time.Since(start).Round(time.Millisecond), d.Queries("web"))

	d.Set("web", "127.0.0.23")
	took := Eventually(t, 10*time.Second, "only 127.0.0.23 to answer", func() (bool, string) {
		got := Spread(t, front, "web.test", "/", 6)
		return SameKeys(got, "127.0.0.23"), fmt.Sprint(got)
	})
	t.Logf("HAProxy followed the DNS change in %v", took.Round(time.Millisecond))
	if got := Spread(t, front, "web.test", "/", 10); !SameKeys(got, "127.0.0.23") {
		t.Errorf("not stable after the change: %v", got)
	}
	if !LogsIPChange(h.Logs(), "127.0.0.23") {
		t.Errorf("expected HAProxy's log to say that the server changed its IP to 127.0.0.23:\n%s", h.Logs())
	}
	t.Logf("HAProxy's server events:\n%s", serverEvents(h))
}

// TestSelftestHealthCheck checks that /health drives HAProxy's checks.
func TestSelftestHealthCheck(t *testing.T) {
	t.Parallel()
	RequireHAProxy(t)
	d := StartDNS(t)
	port := FreePort(t)
	a := StartBackend(t, "127.0.0.31", port)
	StartBackend(t, "127.0.0.32", port)
	d.Set("web", "127.0.0.31", "127.0.0.32")

	front := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	extra := "    option httpchk\n    http-check send meth GET uri /health\n    http-check expect status 200-399\n"
	h := StartHAProxy(t, selftestConfig(d.Addr(), front, extra, port))
	Eventually(t, 10*time.Second, "both replicas to answer", func() (bool, string) {
		got := Spread(t, front, "web.test", "/", 6)
		return SameKeys(got, "127.0.0.31", "127.0.0.32"), fmt.Sprint(got)
	})
	a.SetHealthy(false)
	took := Eventually(t, 10*time.Second, "unhealthy replica to leave", func() (bool, string) {
		got := Spread(t, front, "web.test", "/", 6)
		return SameKeys(got, "127.0.0.32"), fmt.Sprint(got)
	})
	t.Logf("unhealthy replica left rotation in %v (health checks it saw: %d)", took.Round(time.Millisecond), a.HealthChecks())
	a.SetHealthy(true)
	took = Eventually(t, 10*time.Second, "healthy replica to come back", func() (bool, string) {
		got := Spread(t, front, "web.test", "/", 6)
		return SameKeys(got, "127.0.0.31", "127.0.0.32"), fmt.Sprint(got)
	})
	t.Logf("replica came back in %v", took.Round(time.Millisecond))
	t.Logf("HAProxy's server events:\n%s", serverEvents(h))
}

// serverEvents returns the server state lines of HAProxy's log (without
// the traffic lines, and once: 2.6 writes them to stderr and to the log).
func serverEvents(h *HAProxy) string {
	var out []string
	for _, line := range strings.Split(h.Logs(), "\n") {
		if strings.Contains(line, "be_web/") && !strings.HasPrefix(line, "[") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// fakeTB records failures instead of failing the real test, so that the
// harness's own failure paths can be checked. Fatal* end the calling
// goroutine like the real ones; run helpers with runFake.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (f *fakeTB) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, s)
}

func (f *fakeTB) Errorf(format string, args ...any) { f.record(fmt.Sprintf(format, args...)) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.record(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) {
	f.record(fmt.Sprint(args...))
	runtime.Goexit()
}

func (f *fakeTB) messages() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.msgs, "\n")
}

// runFake runs fn in its own goroutine (so Fatal can end it) and waits.
func runFake(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}

func TestSelftestEventuallyTimesOut(t *testing.T) {
	t.Parallel()
	f := &fakeTB{TB: t}
	var took time.Duration
	start := time.Now()
	runFake(func() {
		took = Eventually(f, 200*time.Millisecond, "the impossible", func() (bool, string) {
			return false, "still no"
		})
	})
	if msg := f.messages(); !strings.Contains(msg, "the impossible") || !strings.Contains(msg, "still no") {
		t.Errorf("timeout message: %q", msg)
	}
	if e := time.Since(start); e < 200*time.Millisecond || took != 0 {
		t.Errorf("gave up after %v (returned %v)", e, took)
	}
	n := 0
	took = Eventually(t, time.Second, "third call", func() (bool, string) { n++; return n == 3, "" })
	if n != 3 || took < 80*time.Millisecond {
		t.Errorf("Eventually: %d calls in %v", n, took)
	}
}

func TestSelftestHAProxyRejectsWarnings(t *testing.T) {
	t.Parallel()
	RequireHAProxy(t)
	f := &fakeTB{TB: t}
	// Valid, but without timeouts HAProxy warns, which -dW makes fatal.
	cfg := fmt.Appendf(nil, "defaults\n    mode http\n\nfrontend fe\n    bind 127.0.0.1:%d\n    http-request return status 200\n", FreePort(t))
	var h *HAProxy
	runFake(func() { h = StartHAProxy(f, cfg) })
	if h != nil {
		t.Fatal("StartHAProxy accepted a configuration with warnings")
	}
	if msg := f.messages(); !strings.Contains(msg, "WARNING") || !strings.Contains(msg, "timeout") {
		t.Errorf("failure should carry HAProxy's output, got:\n%s", msg)
	}
}

func TestSelftestHAProxyEarlyExit(t *testing.T) {
	t.Parallel()
	RequireHAProxy(t)
	// The port is taken (without SO_REUSEPORT), so HAProxy passes -c but
	// cannot bind at start and exits.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := fmt.Appendf(nil, `defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s

frontend fe
    bind %s
    http-request return status 200
`, l.Addr())
	f := &fakeTB{TB: t}
	runFake(func() {
		StartHAProxy(f, cfg)
		Eventually(f, 5*time.Second, "haproxy to die", func() (bool, string) { return false, "" })
	})
	msg := f.messages()
	if !strings.Contains(msg, "exited unexpectedly") || !strings.Contains(msg, "giving up") || strings.Contains(msg, "timed out") {
		t.Errorf("early exit not reported as expected:\n%s", msg)
	}
	t.Logf("reported:\n%s", msg)
}
