package e2e

import (
	"crypto/tls"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// Traefik's TCP routers through a real HAProxy: HostSNI with
// tls.passthrough=true sends each TLS connection, by the server name of
// its hello, to the service's own TLS server (HAProxy holds no
// certificate for these names, so the client sees the server's);
// HostSNI(`*`) on an entry point of its own forwards every connection,
// spread over the service's replicas. An HTTP router on the same
// container keeps routing on the HTTP entry point.
func TestTraefikTCPRoutersPassTLSThroughByNameAndForwardWholePorts(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	dir, roots := writeCerts(t, []string{"git.tr.test", "code.tr.test"}, []string{"vault.tr.test"}, []string{"other.tr.test"})
	cert := func(i int) *tls.Config {
		file := filepath.Join(dir, fmt.Sprintf("cert%d.pem", i))
		c, err := tls.LoadX509KeyPair(file, file)
		if err != nil {
			t.Fatal(err)
		}
		return &tls.Config{Certificates: []tls.Certificate{c}}
	}
	git := e2etest.StartTLSBackend(t, "git", "127.0.100.1", s.port, cert(1))
	vault := e2etest.StartTLSBackend(t, "vault", "127.0.100.2", s.port, cert(2))
	s.dns.Set("git", git.IP)
	s.dns.Set("vault", vault.IP)
	httpPort := e2etest.FreePort(t)
	gitWeb := e2etest.StartBackendID(t, "git-web", git.IP, httpPort)
	one := e2etest.StartTCPEcho(t, "127.0.100.3", s.port)
	two := e2etest.StartTCPEcho(t, "127.0.100.4", s.port)
	s.dns.Set("db", one.IP, two.IP)

	web, passthrough, postgres := e2etest.FreePort(t), e2etest.FreePort(t), e2etest.FreePort(t)
	compose := fmt.Sprintf(`name: e2e
services:
%s  git:
    image: gitea/gitea
    expose: ["%[2]d", "%[3]d"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.git.rule: Host(`+"`git.tr.test`"+`)
      traefik.http.routers.git.entrypoints: web
      traefik.http.services.git.loadbalancer.server.port: "%[3]d"
      traefik.tcp.routers.git-tls.rule: HostSNI(`+"`git.tr.test`"+`) || HostSNI(`+"`code.tr.test`"+`)
      traefik.tcp.routers.git-tls.entrypoints: passthrough
      traefik.tcp.routers.git-tls.tls.passthrough: "true"
      traefik.tcp.routers.git-tls.service: git-tls
      traefik.tcp.services.git-tls.loadbalancer.server.port: "%[2]d"
  vault:
    image: example/vault
    expose: ["%[2]d"]
    labels:
      traefik.enable: "true"
      traefik.tcp.routers.vault.rule: HostSNI(`+"`vault.tr.test`"+`)
      traefik.tcp.routers.vault.entrypoints: passthrough
      traefik.tcp.routers.vault.tls.passthrough: "true"
  db:
    image: postgres:16
    expose: ["%[2]d"]
    labels:
      traefik.enable: "true"
      traefik.tcp.routers.pg.rule: HostSNI(`+"`*`"+`)
      traefik.tcp.routers.pg.entrypoints: postgres
`, traefikService(append(webEntryPoint(web),
		fmt.Sprintf("--entrypoints.passthrough.address=:%d", passthrough),
		fmt.Sprintf("--entrypoints.postgres.address=:%d", postgres))), s.port, httpPort)
	p, _ := startTraefik(t, s.dns, web, map[string]string{"compose.yaml": compose})
	sniAddr, tcpAddr := fmt.Sprintf("127.0.0.1:%d", passthrough), fmt.Sprintf("127.0.0.1:%d", postgres)
	e2etest.WaitListening(t, sniAddr, 10*time.Second)
	e2etest.WaitListening(t, tcpAddr, 10*time.Second)

	waitRoutesTLS(t, sniAddr, roots, "git.tr.test", "git")
	for _, tc := range []struct{ name, want, cert string }{
		{"git.tr.test", "git", "git.tr.test"},
		{"code.tr.test", "git", "git.tr.test"},
		{"vault.tr.test", "vault", "vault.tr.test"},
	} {
		got := e2etest.DoTLS(t, sniAddr, roots, tc.name, "/x?y=1", true, nil)
		if got.Err != nil || got.Status != 200 || got.Backend != tc.want || got.Body != tc.want+" GET /x?y=1\n" ||
			got.Peer == nil || got.Peer.Subject.CommonName != tc.cert {
			t.Errorf("TLS to %s: %v, certificate of %s; want %s answering with its own certificate (%s)", tc.name, got, peerName(got), tc.want, tc.cert)
		}
		// The server got the client's own request: HAProxy did not add
		// its forwarding headers (it never saw the HTTP inside).
		if xff := got.Header.Get("X-Seen-XFF"); got.Err == nil && xff != "" {
			t.Errorf("TLS to %s: the server saw X-Forwarded-For %q, want none (passed through)", tc.name, xff)
		}
	}
	before := git.Requests() + vault.Requests()
	if got := e2etest.DoTLS(t, sniAddr, roots, "other.tr.test", "/", true, nil); got.Err == nil {
		t.Errorf("TLS to other.tr.test, a name no router has: %v, want the connection closed", got)
	}
	if got := e2etest.Do(t, sniAddr, "GET", "git.tr.test", "/", nil); got.Err == nil {
		t.Errorf("plain HTTP to the passthrough entry point: %v, want the connection closed", got)
	}
	if n := git.Requests() + vault.Requests() - before; n != 0 {
		t.Errorf("%d refused connections reached a TLS server", n)
	}

	// HostSNI(`*`): every connection of its entry point, over both
	// replicas; plain TCP, no TLS.
	e2etest.Eventually(t, 10*time.Second, "connections to reach both db replicas", func() (bool, string) {
		seen := map[string]int{}
		for i := range 6 {
			g, err := tcpExchange(t, tcpAddr, fmt.Sprintf("ping %d", i))
			if err != nil {
				return false, err.Error()
			}
			seen[g]++
		}
		return e2etest.SameKeys(seen, one.IP, two.IP), fmt.Sprint(seen)
	})
	seen := map[string]int{}
	for i := range 20 {
		g, err := tcpExchange(t, tcpAddr, fmt.Sprintf("select %d;", i))
		if err != nil {
			t.Errorf("connection %d to %s: %v", i, tcpAddr, err)
			continue
		}
		seen[g]++
	}
	if !e2etest.SameKeys(seen, one.IP, two.IP) {
		t.Errorf("20 connections to %s reached %v, want both %s and %s", tcpAddr, seen, one.IP, two.IP)
	}

	// The HTTP router of the same container, on the HTTP entry point.
	wantAnswer(t, p.Addr, e2etest.Request{Host: "git.tr.test", Path: "/explore"}, "git-web", "/explore")
	if gitWeb.Requests() == 0 {
		t.Error("git's HTTP server got no request")
	}
	wantStatus(t, "http://vault.tr.test/ (a TCP router only)", p.Addr, e2etest.Request{Host: "vault.tr.test"}, 404, "")
}

// peerName is the common name of the certificate a TLS server presented,
// for messages.
func peerName(r e2etest.TLSResponse) string {
	if r.Peer == nil {
		return "none"
	}
	return r.Peer.Subject.CommonName
}
