package e2e

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// One service's labels never take another's traffic: a redirect applies
// only to requests that would be routed to the service that asked for it,
// the Host header is matched without a trailing dot, and a path is matched
// after dot-segments are resolved, as the backend will resolve them.
func TestServicesKeepTheirOwnHostsAndPaths(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	for i, name := range []string{"shop", "wild", "login", "public"} {
		s.serve(name, fmt.Sprintf("127.0.14.%d", i+1))
	}
	certs, _ := writeCerts(t, []string{"*.example.com"})
	p, tlsAddr := startTLSProxy(t, s.dns, certs, s.compose(
		svc("shop", "SERVICE_NAME: shop", "compose2haproxy.admit: public"),
		svc("wild", "SERVICE_NAME: wild", `SERVICE_TAGS: "server_alias=*.example.com,https_only"`),
		svc("login", `com.df.notify: "true"`, "com.df.servicePath: /login", `com.df.httpsOnly: "true"`, fmt.Sprintf(`com.df.port: "%d"`, s.port)),
		svc("public", "SERVICE_NAME: shop", "SERVICE_TAGS: path=/public"),
	), "--domain", "example.com")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "shop.example.com"}, "shop")
	for _, tc := range []struct{ what, host, path, want string }{
		// The wildcard's https_only covers only what the wildcard routes.
		{"a host another service owns, under an https_only wildcard", "shop.example.com", "/", "shop"},
		// com.df.httpsOnly on a path on any host: not on shop's host.
		{"a path on any host that another service's host takes", "shop.example.com", "/login", "shop"},
		{"a trailing dot", "shop.example.com.", "/", "shop"},
		{"a trailing dot with a port", "shop.example.com.:80", "/", "shop"},
		{"a dot-segment out of another service's path", "shop.example.com", "/public/../admin", "shop"},
		{"a duplicate slash into another service's path", "shop.example.com", "//public/x", "public"},
		{"an encoded dot-segment", "shop.example.com", "/public/%2e%2e/admin", "shop"},
	} {
		got := e2etest.Do(t, p.Addr, "GET", tc.host, tc.path, nil)
		if got.Err != nil || got.Status != 200 || got.Backend != tc.want {
			t.Errorf("%s: GET http://%s%s: got %v (Location %q), want 200 from %s", tc.what, tc.host, tc.path, got, got.Header.Get("Location"), tc.want)
		}
	}
	// What the redirects are for still happens.
	tls := tlsPort(tlsAddr)
	wantRedirect(t, "http://other.example.com/x", e2etest.Do(t, p.Addr, "GET", "other.example.com", "/x", nil), "https://other.example.com"+tls+"/x")
	wantRedirect(t, "http://any.host/login", e2etest.Do(t, p.Addr, "GET", "any.host", "/login", nil), "https://any.host"+tls+"/login")
}

// Behind a balancer that sends the PROXY protocol, the destination port
// the header claims is the balancer's: a service's own listener on that
// port number (com.df.srcPort) must not take the requests that reach the
// shared listener. Listeners are told apart by the socket that accepted
// the connection.
func TestAnOwnListenerTakesNothingFromTheSharedOneBehindABalancer(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.serve("admin", "127.0.14.11")
	s.serve("evil", "127.0.14.12")
	own := e2etest.FreePort(t)
	p := startProxy(t, s.dns, s.compose(
		svc("admin", "SERVICE_NAME: admin"),
		svc("evil", `com.df.notify: "true"`, "com.df.serviceDomain: evil.example.com", fmt.Sprintf(`com.df.srcPort: "%d"`, own)),
	), "--accept-proxy")
	ownAddr := "127.0.0.1:" + strconv.Itoa(own)
	e2etest.WaitListening(t, ownAddr, 5*time.Second)
	waitRoutes(t, p.Addr, e2etest.Request{Host: "admin", ProxyFrom: "127.0.0.9"}, "admin")
	for _, tc := range []struct {
		what, addr, host, want string
	}{
		{"the shared listener, the balancer asked on evil's port", p.Addr, "admin", "admin"},
		{"the shared listener, evil's host", p.Addr, "evil.example.com", ""},
		{"evil's own listener", ownAddr, "evil.example.com", "evil"},
	} {
		got := e2etest.Send(t, tc.addr, e2etest.Request{Host: tc.host, ProxyFrom: "127.0.0.9", ProxyToPort: own})
		if tc.want == "" && (got.Status != 404 || got.Backend != "") || tc.want != "" && got.Backend != tc.want {
			t.Errorf("%s: %v, want %s", tc.what, got, map[bool]string{true: "404", false: tc.want}[tc.want == ""])
		}
	}
}
