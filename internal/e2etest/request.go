package e2etest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Request is one HTTP request with what Do cannot set: the client's source
// address, a body sent with Content-Length or chunked, and a PROXY protocol
// header.
type Request struct {
	Method string // empty: GET
	Host   string // the Host header; empty: HAProxy's address
	Path   string // with the query string; empty: /
	Header http.Header
	Body   []byte
	// Chunked sends Body with Transfer-Encoding: chunked, without
	// Content-Length.
	Chunked bool
	// From is the client's source address, a loopback address other than
	// 127.0.0.1 to stand for a client of its own; empty: the system's.
	From string
	// ProxyFrom, when set, is the client address a PROXY protocol (v1)
	// header claims, sent before the request, as a load balancer in front
	// of HAProxy would. Only loopback addresses are claimed.
	ProxyFrom string
	// ProxyToPort, with ProxyFrom, is the destination port the header
	// claims (the port the balancer was asked for); 0: the real one.
	ProxyToPort int
}

// Send sends r to HAProxy at addr on a new connection and reads the
// answer (5 s timeout). The request is written while the answer is read,
// so a refusal sent before the whole body was (a 413 mid-upload) is the
// Response, not a broken pipe. Failures are in Response.Err with Status 0.
func Send(tb testing.TB, addr string, r Request) Response {
	tb.Helper()
	for _, a := range []string{addr, r.From, r.ProxyFrom} {
		if a == "" {
			continue
		}
		if err := CheckLoopback(a); err != nil {
			tb.Fatal(err)
		}
	}
	method, path, host := r.Method, r.Path, r.Host
	if method == "" {
		method = http.MethodGet
	}
	if path == "" {
		path = "/"
	}
	if host == "" {
		host = addr
	}
	req, err := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(r.Body))
	if err != nil {
		return Response{Err: err}
	}
	req.Host = host
	req.Close = true
	if r.Chunked {
		// A body of unknown length is written chunked.
		req.ContentLength = -1
		req.Body = io.NopCloser(bytes.NewReader(r.Body))
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}

	dialer := &net.Dialer{Timeout: 2 * time.Second}
	if r.From != "" {
		dialer.LocalAddr = &net.TCPAddr{IP: net.ParseIP(r.From)}
	}
	c, err := dialer.Dial("tcp", addr)
	if err != nil {
		return Response{Err: err}
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	written := make(chan struct{})
	go func() {
		defer close(written)
		if r.ProxyFrom != "" {
			if _, err := io.WriteString(c, proxyLine(r.ProxyFrom, r.ProxyToPort, c)); err != nil {
				return
			}
		}
		req.Write(c) // an error shows in the answer, or its absence
	}()
	defer func() { c.Close(); <-written }()
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		return Response{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Backend: resp.Header.Get("X-Backend"), Body: string(body), Header: resp.Header, Err: err}
}

// proxyLine is a PROXY protocol v1 header claiming that the connection c
// comes from client, to port toPort (0: c's own).
func proxyLine(client string, toPort int, c net.Conn) string {
	src := netip.MustParseAddr(client)
	dst := c.RemoteAddr().(*net.TCPAddr)
	family := "TCP4"
	if src.Is6() {
		family = "TCP6"
	}
	if toPort == 0 {
		toPort = dst.Port
	}
	return fmt.Sprintf("PROXY %s %s %s %d %d\r\n", family, src, strings.TrimPrefix(dst.IP.String(), "::ffff:"), 40000, toPort)
}
