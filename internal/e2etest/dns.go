package e2etest

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// DNS is an in-process authoritative DNS server standing in for Docker's
// embedded DNS. It answers on UDP (and TCP, same port) at 127.0.0.1.
type DNS struct {
	addr    string
	udp     *dns.Server
	tcp     *dns.Server
	mu      sync.Mutex
	records map[string][]netip.Addr // lowercase name without trailing dot
	rcodes  map[string]int          // forced response codes
	other   []netip.Addr            // the answer for names without records (SetDefault)
	queries map[string]int
	total   int
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
	addrs := loopbackAddrs("DNS.Set("+name+")", ips)
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

// SetDefault makes every name that has no records of its own answer ips
// (none: NXDOMAIN again), for tests with more names than they care to Set,
// such as a benchmark's thousand services.
func (d *DNS) SetDefault(ips ...string) {
	addrs := loopbackAddrs("DNS.SetDefault", ips)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.other = addrs
}

// loopbackAddrs parses ips, panicking on anything but a loopback address:
// HAProxy will connect to whatever the DNS says.
func loopbackAddrs(what string, ips []string) []netip.Addr {
	addrs := make([]netip.Addr, 0, len(ips))
	for _, s := range ips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			panic(fmt.Sprintf("%s: bad IP %q: %v", what, s, err))
		}
		if err := CheckLoopback(s); err != nil {
			panic(fmt.Sprintf("%s: %v", what, err))
		}
		addrs = append(addrs, a.Unmap())
	}
	return addrs
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

// AllQueries returns how many questions were received for any name.
func (d *DNS) AllQueries() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.total
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
		d.total++
		addrs, known := d.records[k]
		if !known && len(d.other) > 0 {
			addrs, known = d.other, true
		}
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
