package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
	"github.com/miekg/dns"
)

// ---------------------------------------------------------------------------
// Loopback guard

// checkLoopback refuses any address outside 127.0.0.0/8 (and ::1): the e2e
// tests must never send traffic off the machine.
func checkLoopback(hostport string) error {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("e2e: %q is not a literal IP address (only loopback IPs are allowed)", hostport)
	}
	if !ip.Unmap().IsLoopback() {
		return fmt.Errorf("e2e: refusing non-loopback address %q", hostport)
	}
	return nil
}

// ---------------------------------------------------------------------------
// HAProxy binary

// RequireHAProxy returns the path of the haproxy binary: $HAPROXY (the test
// fails if it is set but unusable), else "haproxy" from $PATH, else
// /usr/sbin/haproxy. When none exists the test is skipped, or fails when
// CI=true.
func RequireHAProxy(tb testing.TB) string {
	tb.Helper()
	return haproxytest.Require(tb)
}

// ---------------------------------------------------------------------------
// Ports

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

// ---------------------------------------------------------------------------
// DNS

// DNS is an in-process authoritative DNS server standing in for Docker's
// embedded DNS. It answers on UDP (and TCP, same port) at 127.0.0.1.
type DNS struct {
	addr    string
	udp     *dns.Server
	tcp     *dns.Server
	mu      sync.Mutex
	records map[string][]netip.Addr // lowercase name without trailing dot
	rcodes  map[string]int          // forced response codes
	queries map[string]int
	ttl     uint32
}

// StartDNS starts a DNS server on 127.0.0.1 at a free port. It knows no
// names until Set is called. It stops when the test ends.
func StartDNS(tb testing.TB) *DNS {
	tb.Helper()
	d := &DNS{
		records: map[string][]netip.Addr{},
		rcodes:  map[string]int{},
		queries: map[string]int{},
		ttl:     1,
	}
	var pc net.PacketConn
	var tl net.Listener
	var err error
	for range 20 {
		pc, err = net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("StartDNS: %v", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		tl, err = net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			break
		}
		pc.Close()
		pc = nil
	}
	if pc == nil {
		tb.Fatalf("StartDNS: no port free on both UDP and TCP: %v", err)
	}
	d.addr = pc.LocalAddr().String()

	handler := dns.HandlerFunc(d.serve)
	d.udp = &dns.Server{PacketConn: pc, Handler: handler}
	d.tcp = &dns.Server{Listener: tl, Handler: handler}
	for _, srv := range []*dns.Server{d.udp, d.tcp} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		errc := make(chan error, 1)
		go func() { errc <- srv.ActivateAndServe() }()
		select {
		case <-started:
		case err := <-errc:
			tb.Fatalf("StartDNS: %v", err)
		case <-time.After(5 * time.Second):
			tb.Fatalf("StartDNS: server did not start")
		}
	}
	tb.Cleanup(func() {
		d.udp.Shutdown()
		d.tcp.Shutdown()
	})
	return d
}

// Addr returns "127.0.0.1:PORT", for "nameserver dns1 <Addr>".
func (d *DNS) Addr() string { return d.addr }

func dnsKey(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}

// Set replaces the records of name (no trailing dot needed; case does not
// matter). IPv4 addresses become A records, IPv6 ones AAAA records. With no
// ips the name is removed and answers NXDOMAIN. Only loopback addresses are
// accepted: HAProxy will connect to whatever the DNS says. Set also clears
// a Fail on name. Safe for concurrent use.
func (d *DNS) Set(name string, ips ...string) {
	addrs := make([]netip.Addr, 0, len(ips))
	for _, s := range ips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			panic(fmt.Sprintf("DNS.Set(%q): bad IP %q: %v", name, s, err))
		}
		if err := checkLoopback(s); err != nil {
			panic(fmt.Sprintf("DNS.Set(%q): %v", name, err))
		}
		addrs = append(addrs, a.Unmap())
	}
	k := dnsKey(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.rcodes, k)
	if len(addrs) == 0 {
		delete(d.records, k)
		return
	}
	d.records[k] = addrs
}

// Fail makes every query for name answer with rcode (for example
// dns.RcodeServerFailure or dns.RcodeRefused) until the next Set.
func (d *DNS) Fail(name string, rcode int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rcodes[dnsKey(name)] = rcode
}

// Queries returns how many questions for name (any type) were received.
func (d *DNS) Queries(name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.queries[dnsKey(name)]
}

func (d *DNS) serve(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	m.RecursionAvailable = true // Docker's DNS sets RA; HAProxy does not care

	if len(req.Question) == 1 && req.Opcode == dns.OpcodeQuery {
		q := req.Question[0]
		k := dnsKey(q.Name)
		d.mu.Lock()
		d.queries[k]++
		addrs, known := d.records[k]
		rcode, failing := d.rcodes[k]
		ttl := d.ttl
		d.mu.Unlock()
		switch {
		case failing:
			m.Rcode = rcode
		case !known:
			m.Rcode = dns.RcodeNameError
		default:
			hdr := dns.RR_Header{Name: q.Name, Class: dns.ClassINET, Ttl: ttl}
			for _, a := range addrs {
				switch {
				case a.Is4() && (q.Qtype == dns.TypeA || q.Qtype == dns.TypeANY):
					h := hdr
					h.Rrtype = dns.TypeA
					m.Answer = append(m.Answer, &dns.A{Hdr: h, A: a.AsSlice()})
				case a.Is6() && (q.Qtype == dns.TypeAAAA || q.Qtype == dns.TypeANY):
					h := hdr
					h.Rrtype = dns.TypeAAAA
					m.Answer = append(m.Answer, &dns.AAAA{Hdr: h, AAAA: a.AsSlice()})
				}
			}
			// Other types of a known name: empty NOERROR (NODATA).
		}
	} else {
		m.Rcode = dns.RcodeNotImplemented
	}

	// EDNS0: echo the requester's payload size; without EDNS0 the classic
	// 512-byte UDP limit applies (answers beyond it are truncated, TC=1).
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
		m.SetEdns0(uint16(size), false)
	}
	if _, tcp := w.RemoteAddr().(*net.TCPAddr); tcp {
		size = dns.MaxMsgSize
	}
	m.Truncate(size)
	_ = w.WriteMsg(m)
}

// ---------------------------------------------------------------------------
// HTTP backend

// Backend is an HTTP server on one loopback address, standing in for one
// container. Every response has status 200 (except /health when unhealthy),
// header X-Backend: <id> and body "<id> <method> <request-uri>\n", and
// echoes what it received in X-Seen-Host (Host), X-Seen-XFF
// (X-Forwarded-For) and X-Seen-Proto (X-Forwarded-Proto).
type Backend struct {
	IP   string
	Port int

	srv      *http.Server
	mu       sync.Mutex
	id       string
	healthy  bool
	requests int
	checks   int
	stopOnce sync.Once
}

// StartBackend starts a backend whose id is its IP.
func StartBackend(tb testing.TB, ip string, port int) *Backend {
	tb.Helper()
	return StartBackendID(tb, ip, ip, port)
}

// StartBackendID starts a backend at ip:port that names itself id. It stops
// when the test ends.
func StartBackendID(tb testing.TB, id, ip string, port int) *Backend {
	tb.Helper()
	addr := net.JoinHostPort(ip, strconv.Itoa(port))
	if err := checkLoopback(addr); err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatalf("StartBackend %s: %v", addr, err)
	}
	b := &Backend{IP: ip, Port: port, id: id, healthy: true}
	b.srv = &http.Server{Handler: http.HandlerFunc(b.handle), ReadHeaderTimeout: 5 * time.Second}
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
	}
	b.mu.Unlock()
	_, _ = io.Copy(io.Discard, r.Body)
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

// ---------------------------------------------------------------------------
// TCP echo backend

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
	addr := net.JoinHostPort(ip, strconv.Itoa(port))
	if err := checkLoopback(addr); err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatalf("StartTCPEcho %s: %v", addr, err)
	}
	e := &TCPEcho{IP: ip, Port: port, l: l, conns: map[net.Conn]bool{}}
	e.wg.Go(e.accept)
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
		e.wg.Go(func() {
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
		})
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

// ---------------------------------------------------------------------------
// HAProxy process

// lockedBuffer collects HAProxy's stdout and stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// HAProxy is a running haproxy process (foreground, -db).
type HAProxy struct {
	Bin     string
	CfgPath string

	tb       testing.TB
	cfg      []byte
	cmd      *exec.Cmd
	logs     lockedBuffer
	done     chan struct{} // closed once the process has exited
	mu       sync.Mutex
	stopping bool  // exit is expected
	early    bool  // exited before anyone asked it to
	waitErr  error // from cmd.Wait
}

var (
	liveMu sync.Mutex
	live   = map[testing.TB][]*HAProxy{}
)

// CheckConfig runs "haproxy -c -dW -f FILE" (warnings are errors) and
// returns the combined output and whether HAProxy accepted the file.
func CheckConfig(tb testing.TB, cfg []byte) (output string, ok bool) {
	tb.Helper()
	bin := RequireHAProxy(tb)
	path := writeConfig(tb, cfg)
	out, err := exec.Command(bin, "-c", "-dW", "-f", path).CombinedOutput()
	return string(out), err == nil
}

func writeConfig(tb testing.TB, cfg []byte) string {
	tb.Helper()
	path, err := os.CreateTemp(tb.TempDir(), "haproxy-*.cfg")
	if err != nil {
		tb.Fatal(err)
	}
	defer path.Close()
	if _, err := path.Write(cfg); err != nil {
		tb.Fatal(err)
	}
	return path.Name()
}

// numbered returns cfg with line numbers, to read HAProxy's "line N" errors.
func numbered(cfg []byte) string {
	var sb strings.Builder
	for i, line := range strings.Split(strings.TrimRight(string(cfg), "\n"), "\n") {
		fmt.Fprintf(&sb, "%4d  %s\n", i+1, line)
	}
	return sb.String()
}

// StartHAProxy checks cfg with "haproxy -c -dW" (the test fails with
// HAProxy's output if it is rejected or warned about), then runs
// "haproxy -db -f FILE" until the test ends. If HAProxy exits on its own,
// the test fails with its logs (and Eventually/WaitListening stop at once).
func StartHAProxy(tb testing.TB, cfg []byte) *HAProxy {
	tb.Helper()
	bin := RequireHAProxy(tb)
	path := writeConfig(tb, cfg)
	if out, err := exec.Command(bin, "-c", "-dW", "-f", path).CombinedOutput(); err != nil {
		tb.Fatalf("haproxy -c -dW rejected the configuration (%v):\n%s\nconfiguration:\n%s", err, out, numbered(cfg))
	}

	h := &HAProxy{Bin: bin, CfgPath: path, tb: tb, cfg: cfg, done: make(chan struct{})}
	h.cmd = exec.Command(bin, "-db", "-f", path)
	h.cmd.Stdout = &h.logs
	h.cmd.Stderr = &h.logs
	h.cmd.Dir = tb.TempDir()
	if err := h.cmd.Start(); err != nil {
		tb.Fatalf("starting haproxy: %v", err)
	}
	go h.wait()

	liveMu.Lock()
	live[tb] = append(live[tb], h)
	liveMu.Unlock()
	tb.Cleanup(func() {
		h.Stop()
		liveMu.Lock()
		live[tb] = slices.DeleteFunc(live[tb], func(x *HAProxy) bool { return x == h })
		if len(live[tb]) == 0 {
			delete(live, tb)
		}
		liveMu.Unlock()
	})
	return h
}

func (h *HAProxy) wait() {
	err := h.cmd.Wait()
	h.mu.Lock()
	h.waitErr = err
	h.early = !h.stopping
	h.mu.Unlock()
	if h.early {
		// Errorf is allowed from other goroutines; Stop (run by Cleanup,
		// before the test completes) waits for us, so this never logs
		// after the test has finished.
		h.tb.Errorf("haproxy exited unexpectedly (%v); logs:\n%s", err, h.Logs())
	}
	close(h.done)
}

// Logs returns everything HAProxy wrote to stdout and stderr so far.
func (h *HAProxy) Logs() string { return h.logs.String() }

// Config returns the configuration HAProxy runs.
func (h *HAProxy) Config() string { return string(h.cfg) }

// Pid returns the process id.
func (h *HAProxy) Pid() int { return h.cmd.Process.Pid }

// Exited reports whether the process is gone, and its exit error.
func (h *HAProxy) Exited() (bool, error) {
	select {
	case <-h.done:
		h.mu.Lock()
		defer h.mu.Unlock()
		return true, h.waitErr
	default:
		return false, nil
	}
}

// diedEarly reports whether HAProxy exited without being asked to.
func (h *HAProxy) diedEarly() bool {
	select {
	case <-h.done:
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.early
	default:
		return false
	}
}

// Stop terminates HAProxy: SIGTERM, then SIGKILL after 5s; it returns once
// the process has exited. Idempotent; also run on cleanup.
func (h *HAProxy) Stop() {
	h.mu.Lock()
	h.stopping = true
	h.mu.Unlock()
	select {
	case <-h.done:
		return
	default:
	}
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.done:
	case <-time.After(5 * time.Second):
		_ = h.cmd.Process.Kill()
		<-h.done
	}
}

// failIfHAProxyDied stops the test at once if an HAProxy of tb exited on
// its own (its logs were already reported).
func failIfHAProxyDied(tb testing.TB) {
	tb.Helper()
	liveMu.Lock()
	hs := slices.Clone(live[tb])
	liveMu.Unlock()
	for _, h := range hs {
		if h.diedEarly() {
			tb.Fatalf("giving up: haproxy (pid %d) is no longer running", h.Pid())
		}
	}
}

// haproxyLogTail returns the last lines of the logs of tb's HAProxy
// processes, for timeout messages.
func haproxyLogTail(tb testing.TB, lines int) string {
	liveMu.Lock()
	hs := slices.Clone(live[tb])
	liveMu.Unlock()
	var sb strings.Builder
	for _, h := range hs {
		all := strings.Split(strings.TrimRight(h.Logs(), "\n"), "\n")
		if len(all) > lines {
			fmt.Fprintf(&sb, "\n--- haproxy pid %d log (last %d of %d lines) ---\n", h.Pid(), lines, len(all))
			all = all[len(all)-lines:]
		} else {
			fmt.Fprintf(&sb, "\n--- haproxy pid %d log ---\n", h.Pid())
		}
		sb.WriteString(strings.Join(all, "\n"))
		sb.WriteString("\n")
	}
	return sb.String()
}

// WaitListening polls a TCP dial to addr (every 50ms) until it connects.
func WaitListening(tb testing.TB, addr string, deadline time.Duration) {
	tb.Helper()
	if err := checkLoopback(addr); err != nil {
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

// ---------------------------------------------------------------------------
// Waiting

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

// ---------------------------------------------------------------------------
// HTTP client

// Response is what one request through HAProxy gave.
type Response struct {
	Status  int         // 0 when the request failed (see Err)
	Backend string      // X-Backend header: which replica answered
	Body    string      // response body
	Header  http.Header // all response headers
	Err     error       // network error, timeout, ...
}

// String summarizes the response for failure messages.
func (r Response) String() string {
	if r.Err != nil {
		return "error: " + r.Err.Error()
	}
	return fmt.Sprintf("%d backend=%q body=%q", r.Status, r.Backend, r.Body)
}

// Client sends requests to one HAProxy address whatever the Host header
// says. It opens a new connection per request (so load balancing is
// observable), never follows redirects, never uses a proxy, times out after
// 2s, and keeps cookies in a jar keyed by the Host header, like a browser.
type Client struct {
	Addr string // HAProxy's "IP:PORT"
	Jar  http.CookieJar
	hc   *http.Client
}

// NewClient returns a Client for HAProxy at addr with a cookie jar.
func NewClient(tb testing.TB, addr string) *Client {
	tb.Helper()
	c := newClient(tb, addr)
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	c.Jar = jar
	c.hc.Jar = jar
	return c
}

func newClient(tb testing.TB, addr string) *Client {
	tb.Helper()
	if err := checkLoopback(addr); err != nil {
		tb.Fatal(err)
	}
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	tr := &http.Transport{
		Proxy:             nil,
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		DisableCompression: true,
	}
	return &Client{
		Addr: addr,
		hc: &http.Client{
			Transport: tr,
			Timeout:   2 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
}

// Do sends method host path (path may carry a query string) with extra
// headers. Failures are returned in Response.Err with Status 0.
func (c *Client) Do(method, host, path string, header http.Header) Response {
	urlHost := host
	if urlHost == "" {
		urlHost = c.Addr
	}
	u, err := url.Parse("http://" + urlHost + path)
	if err != nil || u.Host != urlHost {
		// Unusual Host values: address the URL to HAProxy and force Host.
		u, err = url.Parse("http://" + c.Addr + path)
		if err != nil {
			return Response{Err: fmt.Errorf("bad path %q: %w", path, err)}
		}
	}
	req, err := http.NewRequest(method, u.String(), nil)
	if err != nil {
		return Response{Err: err}
	}
	req.Host = urlHost
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return Response{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return Response{
		Status:  resp.StatusCode,
		Backend: resp.Header.Get("X-Backend"),
		Body:    string(body),
		Header:  resp.Header,
		Err:     err,
	}
}

// Get is Do("GET", host, path, nil).
func (c *Client) Get(host, path string) Response { return c.Do(http.MethodGet, host, path, nil) }

// Get sends "GET path" with Host: host to HAProxy at addr on a new
// connection (2s timeout) and returns the status, the X-Backend header and
// the body. A network error gives status 0 (not a failure), so callers can
// poll.
func Get(tb testing.TB, addr, host, path string) (status int, backendID string, body string) {
	tb.Helper()
	r := newClient(tb, addr).Get(host, path)
	return r.Status, r.Backend, r.Body
}

// Do sends one request (no cookie jar) and returns the full Response.
func Do(tb testing.TB, addr, method, host, path string, header http.Header) Response {
	tb.Helper()
	return newClient(tb, addr).Do(method, host, path, header)
}

// Spread sends n GET requests and counts the answers per backend id
// (responses without X-Backend count under "<status N>", errors under
// "<error>").
func Spread(tb testing.TB, addr, host, path string, n int) map[string]int {
	tb.Helper()
	c := newClient(tb, addr)
	seen := map[string]int{}
	for range n {
		r := c.Get(host, path)
		switch {
		case r.Err != nil:
			seen["<error>"]++
		case r.Backend == "":
			seen[fmt.Sprintf("<status %d>", r.Status)]++
		default:
			seen[r.Backend]++
		}
	}
	return seen
}

// SameKeys reports whether the keys of got are exactly want.
func SameKeys(got map[string]int, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if _, ok := got[w]; !ok {
			return false
		}
	}
	return true
}
