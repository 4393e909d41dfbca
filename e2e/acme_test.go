package e2e

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
)

// pebble is Let's Encrypt's test CA (Debian's package pebble) on
// loopback: its ACME directory and management interface on free
// 127.0.0.1 ports, over TLS with a certificate made here, validating
// HTTP-01 challenges on httpPort of the addresses the test's DNS gives.
type pebble struct {
	Dir    string // the directory URL
	Mgmt   string // the management interface, https://127.0.0.1:PORT
	CAFile string // the PEM of the CA of its own TLS certificate
	client *http.Client
	mu     sync.Mutex
	log    strings.Builder
}

func startPebble(tb testing.TB, dns *e2etest.DNS, httpPort int) *pebble {
	tb.Helper()
	bin := e2etest.RequireCommand(tb, "pebble")
	dir := tb.TempDir()
	certPEM, keyPEM, pool := loopbackCert(tb)
	for name, data := range map[string][]byte{"cert.pem": certPEM, "key.pem": keyPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	listen := fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb))
	mgmt := fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb))
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress": listen, "managementListenAddress": mgmt,
		"certificate": filepath.Join(dir, "cert.pem"), "privateKey": filepath.Join(dir, "key.pem"),
		"httpPort": httpPort, "tlsPort": e2etest.FreePort(tb), "ocspResponderURL": "", "externalAccountBindingRequired": false,
	}}
	data, _ := json.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(dir, "pebble.json"), data, 0o600); err != nil {
		tb.Fatal(err)
	}
	relay := relayWithLength(tb, "https://"+listen, certPEM, keyPEM, pool)
	p := &pebble{Dir: "https://" + relay + "/dir", Mgmt: "https://" + mgmt, CAFile: filepath.Join(dir, "cert.pem"),
		client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
	// Real validation: no PEBBLE_VA_ALWAYS_VALID. No sleep before it, and
	// no nonce refused on purpose (HAProxy's client does not retry one).
	cmd := exec.Command(bin, "-config", filepath.Join(dir, "pebble.json"), "-dnsserver", dns.Addr(), "-strict=false")
	cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			p.mu.Lock()
			p.log.WriteString(s.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	e2etest.ShowLogOnTimeout(tb, "pebble", p.Logs)
	e2etest.WaitListening(tb, listen, 30*time.Second)
	return p
}

// relayWithLength serves HTTPS on a free loopback port and passes every
// request to target with its body read whole and a Content-Length:
// Pebble refuses a POST without one ("missing Content-Length header on
// POST"), and HAProxy 3.2's HTTP client sends its ACME requests' bodies
// chunked (Let's Encrypt accepts them). The Host is kept, so that the URLs
// Pebble answers with lead back here. It returns the relay's address.
func relayWithLength(tb testing.TB, target string, certPEM, keyPEM []byte, pool *x509.CertPool) string {
	tb.Helper()
	u, _ := url.Parse(target)
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
			body, _ := io.ReadAll(pr.In.Body)
			pr.Out.Body, pr.Out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			pr.Out.TransferEncoding = nil
		},
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		tb.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(tb))
	l, err := tls.Listen("tcp", addr, &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: rp}
	go srv.Serve(l)
	tb.Cleanup(func() { srv.Close() })
	return addr
}

// Logs is what Pebble printed.
func (p *pebble) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// Orders counts the new orders Pebble received.
func (p *pebble) Orders() int { return strings.Count(p.Logs(), "POST /order-plz") }

// Root is the pool of Pebble's root, which signs what it issues.
func (p *pebble) Root(tb testing.TB) *x509.CertPool {
	tb.Helper()
	resp, err := p.client.Get(p.Mgmt + "/roots/0")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		tb.Fatalf("pebble's root: %q", data)
	}
	return pool
}

// loopbackCert is a self-signed certificate for 127.0.0.1, its key, and
// a pool that trusts it.
func loopbackCert(tb testing.TB) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pebble"},
		// HAProxy's HTTP client checks the URL's host, an IP address
		// too, against the DNS names.
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"127.0.0.1", "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), pool
}

// TestACMECertificateFromPebbleSurvivesRestart: a host tagged acme gets
// a certificate from Pebble through HTTP-01 answered by the generated
// frontend (HAProxy 3.2), which a client trusting Pebble's root accepts;
// after docs/acme.md's recipe (scripts/haproxy-acme-save, then a new
// HAProxy on the same files) the same certificate is served and Pebble
// received no new order. The same project for HAProxy 2.6 is refused.
func TestACMECertificateFromPebbleSurvivesRestart(t *testing.T) {
	bin := haproxytest.WithFeature(t, "ACME", "3.2")
	e2etest.RequireCommand(t, "socat")
	s := newScene(t)
	s.serve("shop", "127.0.60.1")
	const host = "shop.acme.test"
	s.dns.Set(host, "127.0.0.1") // for Pebble's validation

	httpAddr := fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(t))
	tlsAddr := fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(t))
	_, httpPort, _ := net.SplitHostPort(httpAddr)
	port, _ := strconv.Atoi(httpPort)
	ca := startPebble(t, s.dns, port)
	acmeDir := t.TempDir()
	runDir, err := os.MkdirTemp("", "acme")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(runDir) })

	compose := s.compose(svc("shop", "SERVICE_NAME: "+host, "SERVICE_TAGS: acme"))
	args := []string{"--bind", httpAddr, "--tls-bind", tlsAddr, "--stats", "", "--resolver", s.dns.Addr(),
		"--acme-directory", ca.Dir, "--acme-contact", "ops@acme.test", "--acme-ca-file", ca.CAFile,
		"--acme-dir", acmeDir, "--acme-placeholders", acmeDir, "--runtime-dir", runDir}

	// HAProxy 2.6 cannot: the CLI says which version can.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644)
	cli, env := e2etest.CLI(t, hermeticEnv()...)
	cmd := exec.Command(cli, append([]string{"-f", "compose.yaml", "--haproxy-version", "2.6"}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "ACME (automatic certificates) needs HAProxy 3.2 or later, and the config is for 2.6") {
		t.Errorf("for HAProxy 2.6: %v, want the version error:\n%s", err, out)
	}

	cfg := generate(t, map[string]string{"compose.yaml": compose}, append([]string{"--haproxy-version", "3.2"}, args...)...)
	h := e2etest.StartHAProxyBin(t, bin, cfg)
	e2etest.WaitListening(t, tlsAddr, 30*time.Second)
	roots := ca.Root(t)
	var first e2etest.TLSResponse
	e2etest.Eventually(t, 60*time.Second, "a certificate from Pebble for "+host, func() (bool, string) {
		first = e2etest.DoTLS(t, tlsAddr, roots, host, "/", true, nil)
		return first.Err == nil && first.Status == 200 && first.Backend == "shop", first.String() + "\n" + h.Logs()
	})
	if ca.Orders() != 1 {
		t.Errorf("pebble received %d orders, want 1:\n%s", ca.Orders(), ca.Logs())
	}
	t.Logf("issued: serial %x, issuer %q, valid until %s", first.Peer.SerialNumber, first.Peer.Issuer.CommonName, first.Peer.NotAfter)

	// The recipe: save, then a new HAProxy (a restart: nothing in memory).
	save := exec.Command("sh", "../scripts/haproxy-acme-save", filepath.Join(runDir, "admin.sock"), acmeDir)
	if out, err := save.CombinedOutput(); err != nil || !strings.Contains(string(out), "1 certificate(s) changed") {
		t.Fatalf("haproxy-acme-save: %v\n%s", err, out)
	}
	h.Stop()
	h2 := e2etest.StartHAProxyBin(t, bin, cfg)
	e2etest.WaitListening(t, tlsAddr, 30*time.Second)
	again := e2etest.DoTLS(t, tlsAddr, roots, host, "/", true, nil)
	if again.Err != nil || again.Peer.SerialNumber.Cmp(first.Peer.SerialNumber) != 0 {
		t.Errorf("after the restart: %v, serial %v; want the same certificate, serial %x\n%s", again, again.Peer, first.Peer.SerialNumber, h2.Logs())
	}
	time.Sleep(3 * time.Second) // time for a needless order to show
	if ca.Orders() != 1 {
		t.Errorf("pebble received %d orders after the restart, want still 1:\n%s", ca.Orders(), ca.Logs())
	}
}
