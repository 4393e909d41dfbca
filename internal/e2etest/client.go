package e2etest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"
)

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
	if err := CheckLoopback(addr); err != nil {
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

// TLSResponse is what one HTTPS request through HAProxy gave.
type TLSResponse struct {
	Response
	Proto string            // "HTTP/2.0" or "HTTP/1.1"
	ALPN  string            // the protocol negotiated by ALPN
	Peer  *x509.Certificate // the certificate HAProxy presented
}

func (r TLSResponse) String() string {
	if r.Err != nil {
		return r.Response.String()
	}
	return fmt.Sprintf("%s (%s, alpn %q)", r.Response.String(), r.Proto, r.ALPN)
}

// DoTLS sends "GET path" over HTTPS to HAProxy at addr, with SNI and Host
// set to host, verifying HAProxy's certificate against roots. With h2 the
// client offers HTTP/2 and HTTP/1.1 by ALPN, else HTTP/1.1 only. It uses a
// new connection, never follows redirects and times out after 2s; failures
// are in Err with Status 0, so callers can poll.
func DoTLS(tb testing.TB, addr string, roots *x509.CertPool, host, path string, h2 bool, header http.Header) TLSResponse {
	tb.Helper()
	if err := CheckLoopback(addr); err != nil {
		tb.Fatal(err)
	}
	protos := []string{"http/1.1"}
	if h2 {
		protos = []string{"h2", "http/1.1"}
	}
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{
			RootCAs:    roots,
			ServerName: host,
			NextProtos: protos,
		},
		ForceAttemptHTTP2:  h2,
		DisableCompression: true,
	}
	defer tr.CloseIdleConnections()
	hc := &http.Client{
		Transport: tr,
		Timeout:   2 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	req, err := http.NewRequest(http.MethodGet, "https://"+host+path, nil)
	if err != nil {
		return TLSResponse{Response: Response{Err: err}}
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return TLSResponse{Response: Response{Err: err}}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	r := TLSResponse{
		Response: Response{
			Status:  resp.StatusCode,
			Backend: resp.Header.Get("X-Backend"),
			Body:    string(body),
			Header:  resp.Header,
			Err:     err,
		},
		Proto: resp.Proto,
	}
	if resp.TLS != nil {
		r.ALPN = resp.TLS.NegotiatedProtocol
		if len(resp.TLS.PeerCertificates) > 0 {
			r.Peer = resp.TLS.PeerCertificates[0]
		}
	}
	return r
}
