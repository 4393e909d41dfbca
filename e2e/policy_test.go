package e2e

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// Hashes of the password "s3cret" (openssl passwd -6 and -5).
const (
	sha512Hash = "$6$ViEJ.yPI3rV1T1WP$7l7M/IhsEA2xWnBJtX.3nH6hKbpnS/ntXXL1WzqEHXgwl1XW62nTadVXVEOBj8NtA7Ugw/J52V3NqyMPt5kgb1"
	sha256Hash = "$5$4AIE8wQFMTLdmatF$AzvWN2FREixjdXIqh1DHQKkE1Lp5dyyYLzzgfNJKFY/"
)

func basicAuth(user, password string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}}
}

// wantStatus sends r and requires the status (and, for 200, the replica).
func wantStatus(t *testing.T, what, addr string, r e2etest.Request, status int, backend string) e2etest.Response {
	t.Helper()
	got := e2etest.Send(t, addr, r)
	if got.Err != nil || got.Status != status || (status == 200) != (got.Backend == backend && backend != "") {
		t.Errorf("%s: %v, want %d from %q", what, got, status, backend)
	}
	return got
}

// wantRouted wants r answered by backend, or 404 when backend is "".
func wantRouted(t *testing.T, what, addr string, r e2etest.Request, backend string) {
	t.Helper()
	if backend == "" {
		wantStatus(t, what, addr, r, 404, "")
	} else {
		wantStatus(t, what, addr, r, 200, backend)
	}
}

// Basic auth: the users of a compose secret (auth=ops) and of docker-flow-
// proxy's label, each with the right password, get through; a wrong
// password or none gets 401 with a challenge naming the route. The stats
// page asks for the same users with --stats-auth.
func TestBasicAuthLetsInOnlyTheUsersOfItsSecret(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("admin", "127.0.20.1")
	s.serve("dfp", "127.0.20.2")
	compose := s.compose(
		svc("admin", "SERVICE_NAME: admin", "SERVICE_TAGS: auth=ops"),
		svc("dfp", `com.df.notify: "true"`, "com.df.serviceDomain: dfp",
			`com.df.users: "carol:`+strings.ReplaceAll(sha512Hash, "$", "$$")+`"`, `com.df.usersPassEncrypted: "true"`),
	) + "secrets:\n  ops:\n    file: ./ops.users\n"
	p := startProject(t, s.dns, map[string]string{"compose.yaml": compose, "ops.users": "alice:" + sha512Hash + "\nbob:" + sha256Hash + "\n"},
		nil, "--stats-auth", "secret:ops")

	waitRoutes(t, p.Addr, e2etest.Request{Host: "admin", Header: basicAuth("alice", "s3cret")}, "admin")
	wantStatus(t, "bob, right password", p.Addr, e2etest.Request{Host: "admin", Header: basicAuth("bob", "s3cret")}, 200, "admin")
	wantStatus(t, "carol on dfp, right password", p.Addr, e2etest.Request{Host: "dfp", Header: basicAuth("carol", "s3cret")}, 200, "dfp")
	for _, tc := range []struct {
		what, host string
		header     http.Header
	}{
		{"alice, wrong password", "admin", basicAuth("alice", "wrong")},
		{"no credentials", "admin", nil},
		{"a user of another route", "admin", basicAuth("carol", "s3cret")},
		{"alice on dfp", "dfp", basicAuth("alice", "s3cret")},
		{"carol, wrong password", "dfp", basicAuth("carol", "S3cret")},
	} {
		got := wantStatus(t, tc.what, p.Addr, e2etest.Request{Host: tc.host, Header: tc.header}, 401, "")
		if want := `Basic realm="` + tc.host + `"`; got.Header.Get("WWW-Authenticate") != want {
			t.Errorf("%s: WWW-Authenticate %q, want %q", tc.what, got.Header.Get("WWW-Authenticate"), want)
		}
	}

	if got := e2etest.Send(t, p.Stats, e2etest.Request{Path: "/stats"}); got.Status != 401 {
		t.Errorf("stats page without credentials: %v, want 401", got)
	}
	if got := e2etest.Send(t, p.Stats, e2etest.Request{Path: "/stats", Header: basicAuth("alice", "s3cret")}); got.Status != 200 || !strings.Contains(got.Body, "Statistics Report") {
		t.Errorf("stats page with alice's password: %v, want 200 and the report", got)
	}
}

// allow= and deny= by the client's source address (127.0.21.x aliases
// play the clients), then the client address behind a trusted proxy
// (X-Forwarded-For) and behind a balancer speaking the PROXY protocol.
func TestAllowAndDenyBySourceAddress(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	web := s.serve("web", "127.0.21.1")
	compose := s.compose(svc("web", "SERVICE_NAME: web", "SERVICE_TAGS: allow=127.0.21.0/28,allow=::1,deny=127.0.21.13"))
	const allowed, deniedInside, outside, balancer = "127.0.21.10", "127.0.21.13", "127.0.21.100", "127.0.21.200"

	t.Run("source address", func(t *testing.T) {
		p := startProxy(t, s.dns, compose, "--trusted-proxy", balancer)
		waitRoutes(t, p.Addr, e2etest.Request{Host: "web", From: allowed}, "web")
		wantStatus(t, "another allowed address", p.Addr, e2etest.Request{Host: "web", From: "127.0.21.2"}, 200, "web")
		before := web.Requests()
		wantStatus(t, "a denied address inside the allowed network", p.Addr, e2etest.Request{Host: "web", From: deniedInside}, 403, "")
		wantStatus(t, "an address outside the allowed network", p.Addr, e2etest.Request{Host: "web", From: outside}, 403, "")
		wantStatus(t, "127.0.0.1, not allowed", p.Addr, e2etest.Request{Host: "web"}, 403, "")
		if web.Requests() != before {
			t.Errorf("refused requests reached the backend: %d, then %d", before, web.Requests())
		}

		// The trusted balancer's last X-Forwarded-For value is the client;
		// anyone else's X-Forwarded-For is ignored.
		xff := func(client string) http.Header { return http.Header{"X-Forwarded-For": {"127.0.21.13, " + client}} }
		got := wantStatus(t, "an allowed client behind the trusted balancer", p.Addr, e2etest.Request{Host: "web", From: balancer, Header: xff(allowed)}, 200, "web")
		if seen := got.Header.Get("X-Seen-XFF"); !strings.HasSuffix(seen, allowed) {
			t.Errorf("the backend saw X-Forwarded-For %q, want it to end in the client %s", seen, allowed)
		}
		wantStatus(t, "a denied client behind the trusted balancer", p.Addr, e2etest.Request{Host: "web", From: balancer, Header: xff(deniedInside)}, 403, "")
		wantStatus(t, "an outside client claiming an allowed address", p.Addr, e2etest.Request{Host: "web", From: outside, Header: xff(allowed)}, 403, "")
	})

	t.Run("PROXY protocol", func(t *testing.T) {
		p := startProxy(t, s.dns, compose, "--accept-proxy")
		waitRoutes(t, p.Addr, e2etest.Request{Host: "web", ProxyFrom: allowed}, "web")
		wantStatus(t, "a denied client behind the balancer", p.Addr, e2etest.Request{Host: "web", ProxyFrom: deniedInside}, 403, "")
		wantStatus(t, "an outside client behind the balancer", p.Addr, e2etest.Request{Host: "web", ProxyFrom: outside}, 403, "")
		// An allowed connection's own address does not count: the header's does.
		wantStatus(t, "an outside client from an allowed connection", p.Addr, e2etest.Request{Host: "web", From: allowed, ProxyFrom: outside}, 403, "")
		if got := e2etest.Send(t, p.Addr, e2etest.Request{Host: "web", From: allowed}); got.Err == nil {
			t.Errorf("a connection without a PROXY header: %v, want it refused", got)
		}
	})
}

// rate_limit=3/2s: a client's fourth request within the period gets 429
// with Retry-After, another client is not affected, and after waiting
// Retry-After seconds the first gets in again, even one that kept
// knocking through the period.
func TestRateLimitRefusesTheRequestAfterTheLimitUntilThePeriodEnds(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	api := s.serve("api", "127.0.22.1")
	p := startProxy(t, s.dns, s.compose(svc("api", "SERVICE_NAME: api", "SERVICE_TAGS: rate_limit=3/2s")))
	// 127.0.0.1 waits for the route; the clients below are others.
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api"}, "api")
	client, other := e2etest.Request{Host: "api", From: "127.0.22.50"}, e2etest.Request{Host: "api", From: "127.0.22.51"}
	for i := 1; i <= 3; i++ {
		wantStatus(t, fmt.Sprintf("request %d of 3", i), p.Addr, client, 200, "api")
	}
	before := api.Requests()
	got := wantStatus(t, "request 4 of 3", p.Addr, client, 429, "")
	if got.Header.Get("Retry-After") != "4" {
		t.Errorf("429 with Retry-After %q, want 4 (twice the period)", got.Header.Get("Retry-After"))
	}
	if api.Requests() != before {
		t.Error("the refused request reached the backend")
	}
	wantStatus(t, "another client", p.Addr, other, 200, "api")
	for i := 0; i < 3; i++ {
		got = wantStatus(t, "knocking again", p.Addr, client, 429, "")
	}

	// A client that waits as Retry-After says gets in again: waiting is
	// what is under test, so this is a sleep, not a poll (each poll would
	// be a request that counts).
	retry, _ := strconv.Atoi(got.Header.Get("Retry-After"))
	time.Sleep(time.Duration(retry)*time.Second + 100*time.Millisecond)
	wantStatus(t, "the request after the period", p.Addr, client, 200, "api")
}

// max_body=1k: a body of 1024 bytes gets through, 1025 gets 413, with
// Content-Length or chunked. max_body=10m: a body with Content-Length is
// counted at any size; a chunked one only up to what HAProxy's buffer
// holds (12 KiB with the headers), beyond which it is refused.
func TestMaxBodyRefusesLargerBodiesChunkedToo(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	backends := map[string]*e2etest.Backend{
		"form":   s.serve("form", "127.0.23.1"),
		"upload": s.serve("upload", "127.0.23.2"),
	}
	p := startProxy(t, s.dns, s.compose(
		svc("form", "SERVICE_NAME: form", "SERVICE_TAGS: max_body=1k"),
		svc("upload", "SERVICE_NAME: upload", "SERVICE_TAGS: max_body=10m"),
	))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "form"}, "form")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "upload"}, "upload")
	body := func(n int) []byte { return []byte(strings.Repeat("x", n)) }
	for _, tc := range []struct {
		host    string
		size    int
		chunked bool
		status  int
	}{
		{"form", 1024, false, 200},
		{"form", 1025, false, 413},
		{"form", 1024, true, 200},
		{"form", 1025, true, 413},
		{"upload", 1 << 20, false, 200},
		{"upload", 10<<20 + 1, false, 413},
		{"upload", 8 << 10, true, 200},
		{"upload", 20 << 10, true, 413},
	} {
		what := fmt.Sprintf("%s: %d bytes, chunked %v", tc.host, tc.size, tc.chunked)
		want, reached := "", 0
		if tc.status == 200 {
			want, reached = tc.host, 1
		}
		before := backends[tc.host].Requests()
		wantStatus(t, what, p.Addr, e2etest.Request{Method: "POST", Host: tc.host, Body: body(tc.size), Chunked: tc.chunked}, tc.status, want)
		if n := backends[tc.host].Requests() - before; n != reached {
			t.Errorf("%s: the backend got %d requests, want %d", what, n, reached)
		}
	}
}

// method=GET,method=POST lets GET, HEAD and POST in; others get 405 with
// Allow. com.df.deniedMethods refuses only its methods. Either holds in
// any case: "delete" is DELETE.
func TestMethodsOutsideTheAllowedOnesGet405WithAllow(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("api", "127.0.24.1")
	s.serve("store", "127.0.24.2")
	p := startProxy(t, s.dns, s.compose(
		svc("api", "SERVICE_NAME: api", "SERVICE_TAGS: method=GET,method=POST"),
		svc("store", `com.df.notify: "true"`, "com.df.serviceDomain: store", "com.df.deniedMethods: DELETE,PUT"),
	))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api"}, "api")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "store"}, "store")
	for _, tc := range []struct {
		host, method string
		status       int
		allow        string
	}{
		{"api", "GET", 200, ""},
		{"api", "HEAD", 200, ""},
		{"api", "POST", 200, ""},
		{"api", "PUT", 405, "GET,HEAD,POST"},
		{"api", "DELETE", 405, "GET,HEAD,POST"},
		{"api", "OPTIONS", 405, "GET,HEAD,POST"},
		{"store", "GET", 200, ""},
		{"store", "POST", 200, ""},
		{"store", "PATCH", 200, ""},
		{"store", "DELETE", 405, "GET,HEAD,POST,PATCH,OPTIONS"},
		{"store", "PUT", 405, "GET,HEAD,POST,PATCH,OPTIONS"},
		// HAProxy passes a method as the client wrote it, and many
		// servers upper-case it: in any case, it is the same method.
		{"api", "get", 200, ""},
		{"api", "Post", 200, ""},
		{"api", "put", 405, "GET,HEAD,POST"},
		{"api", "Delete", 405, "GET,HEAD,POST"},
		{"store", "patch", 200, ""},
		{"store", "delete", 405, "GET,HEAD,POST,PATCH,OPTIONS"},
		{"store", "Delete", 405, "GET,HEAD,POST,PATCH,OPTIONS"},
		{"store", "put", 405, "GET,HEAD,POST,PATCH,OPTIONS"},
	} {
		want := ""
		if tc.status == 200 {
			want = tc.host
		}
		got := wantStatus(t, tc.method+" "+tc.host, p.Addr, e2etest.Request{Method: tc.method, Host: tc.host}, tc.status, want)
		if got.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.host, got.Header.Get("Allow"), tc.allow)
		}
	}
}

// com.df.denyHttp (deny_http): plain HTTP gets 403, HTTPS gets through.
func TestDenyHTTPServesOnlyHTTPS(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	bank := s.serve("bank", "127.0.25.1")
	certs, roots := writeCerts(t, []string{"bank.example.com"})
	p, tlsAddr := startTLSProxy(t, s.dns, certs, s.compose(
		svc("bank", `com.df.notify: "true"`, "com.df.serviceDomain: bank.example.com", `com.df.denyHttp: "true"`)))
	waitRoutesTLS(t, tlsAddr, roots, "bank.example.com", "bank")
	before := bank.Requests()
	wantStatus(t, "plain HTTP", p.Addr, e2etest.Request{Host: "bank.example.com"}, 403, "")
	wantStatus(t, "plain HTTP POST", p.Addr, e2etest.Request{Method: "POST", Host: "bank.example.com", Body: []byte("amount=1")}, 403, "")
	if bank.Requests() != before {
		t.Error("a plain-HTTP request reached the backend")
	}
}

// maintenance: every request gets 503 with Retry-After and a short page,
// and the server, up and checked, gets none of them.
func TestMaintenanceAnswers503WithoutContactingTheServers(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	shop := s.serve("shop", "127.0.26.1")
	p := startProxy(t, s.dns, s.compose(
		svc("shop", "SERVICE_NAME: shop", "SERVICE_TAGS: maintenance", "SERVICE_CHECK_HTTP: /health", "SERVICE_CHECK_INTERVAL: 100ms")))
	// The server is resolved and checked: HAProxy could reach it.
	e2etest.Eventually(t, 10*time.Second, "health checks of the shop", func() (bool, string) {
		return shop.HealthChecks() >= 2, fmt.Sprintf("%d checks", shop.HealthChecks())
	})
	for _, method := range []string{"GET", "POST", "DELETE"} {
		got := wantStatus(t, method, p.Addr, e2etest.Request{Method: method, Host: "shop", Path: "/cart"}, 503, "")
		if got.Header.Get("Retry-After") != "300" || !strings.Contains(got.Body, "maintenance") || got.Header.Get("Content-Type") != "text/html" {
			t.Errorf("%s: Retry-After %q, Content-Type %q, body %q; want 300, text/html and a page about maintenance",
				method, got.Header.Get("Retry-After"), got.Header.Get("Content-Type"), got.Body)
		}
	}
	if n := shop.Requests(); n != 0 {
		t.Errorf("the server got %d requests during maintenance", n)
	}
}

// HAProxy's src ACL reads a 6to4 address (2002:a00:1::1) and an
// IPv4-compatible one (::a00:1) as the IPv4 address they embed
// (10.0.0.1): a client address from a trusted proxy's X-Forwarded-For in
// either form is refused by allow=10.0.0.0/8, unless an IPv6 network of
// the list allows it. A v4-mapped address (::ffff:10.0.0.1) is the IPv4
// address, as dual-stack sockets report IPv4 clients, and gets in.
func TestIPv6FormsOfIPv4AddressesDoNotPassAnIPv4AllowList(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("intra", "127.0.37.1")
	s.serve("tunnel", "127.0.37.2")
	const balancer = "127.0.37.200"
	p := startProxy(t, s.dns, s.compose(
		svc("intra", "SERVICE_NAME: intra", "SERVICE_TAGS: allow=10.0.0.0/8"),
		svc("tunnel", "SERVICE_NAME: tunnel", "SERVICE_TAGS: allow=10.0.0.0/8,allow=2002:a00::/24"),
	), "--trusted-proxy", balancer)
	xff := func(client string) e2etest.Request {
		return e2etest.Request{From: balancer, Header: http.Header{"X-Forwarded-For": {client}}}
	}
	on := func(host string, r e2etest.Request) e2etest.Request { r.Host = host; return r }
	waitRoutes(t, p.Addr, on("intra", xff("10.0.0.1")), "intra")
	waitRoutes(t, p.Addr, on("tunnel", xff("10.0.0.1")), "tunnel")
	for _, tc := range []struct {
		host, client string
		status       int
	}{
		{"intra", "2002:a00:1::1", 403},
		{"intra", "2002:0a00:0001:0:0:0:0:1", 403},
		{"intra", "::a00:1", 403},
		{"intra", "::10.0.0.1", 403},
		{"intra", "::ffff:10.0.0.1", 200},
		{"intra", "::ffff:11.0.0.1", 403},
		{"intra", "11.0.0.1", 403},
		{"intra", "::1", 403},
		{"tunnel", "2002:a00:1::1", 200},
		{"tunnel", "::a00:1", 403},
		{"tunnel", "10.1.2.3", 200},
	} {
		want := ""
		if tc.status == 200 {
			want = tc.host
		}
		wantStatus(t, tc.host+" for "+tc.client, p.Addr, on(tc.host, xff(tc.client)), tc.status, want)
	}
}

// max_in_flight=2: while two requests of a client are in progress (held by
// the server), its third gets 429 and never reaches the server, and
// another client's gets through; once the two are answered, the client
// gets in again.
func TestMaxInFlightRefusesTheRequestBeyondThoseInProgress(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	api := s.serve("api", "127.0.110.1")
	p := startProxy(t, s.dns, s.compose(svc("api", "SERVICE_NAME: api", "SERVICE_TAGS: max_in_flight=2")))
	waitRoutes(t, p.Addr, e2etest.Request{Host: "api"}, "api")
	client, other := e2etest.Request{Host: "api", From: "127.0.110.50"}, e2etest.Request{Host: "api", From: "127.0.110.51"}
	hold := api.Hold(t, "/slow")
	slow := client
	slow.Path = "/slow"
	answers := make(chan e2etest.Response, 2)
	for range 2 {
		go func() { answers <- e2etest.Send(t, p.Addr, slow) }()
	}
	hold.Wait(t, 2)
	before := api.Requests()
	wantStatus(t, "a third request while two are in progress", p.Addr, client, 429, "")
	if api.Requests() != before {
		t.Error("the refused request reached the server")
	}
	wantStatus(t, "another client's request", p.Addr, other, 200, "api")
	hold.Release()
	for range 2 {
		if got := <-answers; got.Err != nil || got.Status != 200 {
			t.Errorf("a request held in progress: %v, want 200", got)
		}
	}
	// HAProxy lets go of a request's entry once it has sent the answer,
	// which the client may read a moment before.
	waitRoutes(t, p.Addr, client, "api")
}

// rate_limit=2/1m/host: a client's third request to a.rl.test within the
// period gets 429 and never reaches the server, while the same client's
// requests to b.rl.test (the same route), or to a.rl.test:8080 (a Host
// as sent is a source), still get 200: counted per client address, they
// would get 429. rate_limit=2/1m/header:X-Api-Key: the same per key, and
// the requests without the key, or with it empty, are one source.
func TestRateLimitCountsPerHostOrPerHeaderValue(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	web, api := s.serve("web", "127.0.111.1"), s.serve("api", "127.0.111.2")
	p := startProxy(t, s.dns, s.compose(
		svc("web", "SERVICE_NAME: web", "SERVICE_TAGS: rate_limit=2/1m/host,server_alias=a.rl.test,server_alias=b.rl.test"),
		svc("api", "SERVICE_NAME: api", "SERVICE_TAGS: rate_limit=2/1m/header:X-Api-Key"),
	))
	key := func(v string) http.Header { return http.Header{"X-Api-Key": {v}} }
	// Each try counts against its source: a source of its own each time.
	try := 0
	e2etest.Eventually(t, 10*time.Second, "web and api to be routed", func() (bool, string) {
		try++
		w := e2etest.Send(t, p.Addr, e2etest.Request{Host: fmt.Sprintf("web:%d", try)})
		a := e2etest.Send(t, p.Addr, e2etest.Request{Host: "api", Header: key(fmt.Sprintf("ready-%d", try))})
		return w.Status == 200 && w.Backend == "web" && a.Status == 200 && a.Backend == "api", w.String() + "; " + a.String()
	})

	const client = "127.0.111.50"
	for _, tc := range []struct {
		what, id       string
		backend        *e2etest.Backend
		limited, other e2etest.Request
	}{
		{"Host a.rl.test", "web", web, e2etest.Request{Host: "a.rl.test", From: client}, e2etest.Request{Host: "b.rl.test", From: client}},
		{"key k1", "api", api, e2etest.Request{Host: "api", From: client, Header: key("k1")}, e2etest.Request{Host: "api", From: client, Header: key("k2")}},
	} {
		for i := 1; i <= 2; i++ {
			wantStatus(t, fmt.Sprintf("%s, request %d of 2", tc.what, i), p.Addr, tc.limited, 200, tc.id)
		}
		before := tc.backend.Requests()
		got := wantStatus(t, tc.what+", request 3 of 2", p.Addr, tc.limited, 429, "")
		if got.Header.Get("Retry-After") != "120" {
			t.Errorf("%s: 429 with Retry-After %q, want 120 (twice the period)", tc.what, got.Header.Get("Retry-After"))
		}
		if tc.backend.Requests() != before {
			t.Errorf("%s: the refused request reached the server", tc.what)
		}
		wantStatus(t, tc.what+": the same client, another source", p.Addr, tc.other, 200, tc.id)
	}
	wantStatus(t, "a.rl.test:8080, another Host as sent", p.Addr, e2etest.Request{Host: "a.rl.test:8080", From: client}, 200, "web")
	for i := 1; i <= 2; i++ {
		wantStatus(t, fmt.Sprintf("no key, request %d of 2", i), p.Addr, e2etest.Request{Host: "api", From: client}, 200, "api")
	}
	wantStatus(t, "an empty key, after two without", p.Addr, e2etest.Request{Host: "api", From: client, Header: key("")}, 429, "")
}
