package e2e

import (
	"fmt"
	"strings"
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
	e2etest.RequireHAProxy(t)
	d := e2etest.StartDNS(t)
	port := e2etest.FreePort(t)
	for i, name := range []string{"shop", "wild", "login", "public"} {
		e2etest.StartBackendID(t, name, fmt.Sprintf("127.0.14.%d", i+1), port)
		d.Set(name, fmt.Sprintf("127.0.14.%d", i+1))
	}
	certs, _ := writeCerts(t, []string{"*.example.com"})
	p, tlsAddr := startTLSProxy(t, d, certs, fmt.Sprintf(`services:
  shop:
    image: example/shop
    expose: ["%[1]d"]
    labels: {SERVICE_NAME: shop}
  wild:
    image: example/wild
    expose: ["%[1]d"]
    labels: {SERVICE_NAME: wild, SERVICE_TAGS: "server_alias=*.example.com,https_only"}
  login:
    image: example/login
    expose: ["%[1]d"]
    labels: {com.df.notify: "true", com.df.servicePath: /login, com.df.httpsOnly: "true", com.df.port: "%[1]d"}
  public:
    image: example/public
    expose: ["%[1]d"]
    labels: {SERVICE_NAME: shop, SERVICE_TAGS: path=/public}
`, port), "--domain", "example.com")

	e2etest.Eventually(t, 10*time.Second, "shop to answer", func() (bool, string) {
		return routesTo(t, p.Addr, "shop.example.com", "/", "shop")
	})
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
	tlsPort := tlsAddr[strings.LastIndex(tlsAddr, ":"):]
	wantRedirect(t, "http://other.example.com/x", e2etest.Do(t, p.Addr, "GET", "other.example.com", "/x", nil), "https://other.example.com"+tlsPort+"/x")
	wantRedirect(t, "http://any.host/login", e2etest.Do(t, p.Addr, "GET", "any.host", "/login", nil), "https://any.host"+tlsPort+"/login")
}
