package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// This file is the CLI's side of model/features.go: the target HAProxy
// (named, or read from the binary --check runs), the names of --tls's
// certificates, and the placeholders HAProxy 3.2 needs before its first
// ACME certificate.

// featureFlags are the flags of the target version and its features.
type featureFlags struct {
	haproxyVersion   string
	acmeDirectory    string
	acmeContact      string
	acmeKeyType      string
	acmeDir          string
	acmeCAFile       string
	acmePlaceholders string
	metrics          string
	log              string
	http3            bool
}

func (f *flags) declareFeatures(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	ff := &f.features
	fs.StringVar(&ff.haproxyVersion, "haproxy-version", "", "the HAProxy `VERSION` the config is for, like 3.2 (default: the version of --check's HAProxy, else "+model.DefaultTarget+")")
	fs.StringVar(&ff.acmeDirectory, "acme-directory", "", "ACME CA for the routes tagged acme: its https:// directory `URL`, or letsencrypt or letsencrypt-staging (HAProxy 3.2+)")
	fs.StringVar(&ff.acmeContact, "acme-contact", "", "`EMAIL` address of the ACME account")
	fs.StringVar(&ff.acmeKeyType, "acme-key-type", "ecdsa-p256", "`TYPE` of the ACME certificates' keys: ecdsa-p256, ecdsa-p384, rsa-2048 or rsa-4096")
	fs.StringVar(&ff.acmeDir, "acme-dir", "", "HAProxy's directory `DIR` in the proxy container for ACME certificates and the account key (keep it on a volume)")
	fs.StringVar(&ff.acmeCAFile, "acme-ca-file", "", "PEM `FILE` of the CAs HAProxy trusts when it talks to the ACME CA (default: the system's)")
	fs.StringVar(&ff.acmePlaceholders, "acme-placeholders", "", "write an expired placeholder certificate into `DIR` (--acme-dir as this host sees it) for each ACME host without a file; HAProxy 3.2 cannot start without one")
	fs.StringVar(&ff.metrics, "metrics", "", "Prometheus exporter listener address `ADDR` (at /metrics); a bare port is on 127.0.0.1; empty: none")
	fs.StringVar(&ff.log, "log", "stdout", "access log `TARGET`: stdout, stderr, none, a syslog HOST:PORT (UDP) or a socket path like /dev/log")
	fs.BoolVar(&ff.http3, "http3", false, "add an HTTP/3 (QUIC) listener beside the HTTPS one and announce it with alt-svc")
}

// featureOptionFlags spell model/features.go's options.
var featureOptionFlags = map[model.Option]string{
	model.OptionTarget: "--haproxy-version", model.OptionACMEDirectory: "--acme-directory", model.OptionACMEContact: "--acme-contact",
	model.OptionACMEKeyType: "--acme-key-type", model.OptionACMEDir: "--acme-dir", model.OptionACMECAFile: "--acme-ca-file",
	model.OptionMetrics: "--metrics", model.OptionLog: "--log", model.OptionHTTP3: "--http3",
}

// validateFeatures checks the combinations of these flags.
func (ff featureFlags) validate() error {
	if ff.acmeDirectory == "" {
		for _, o := range []struct{ flag, v string }{{"--acme-contact", ff.acmeContact}, {"--acme-dir", ff.acmeDir}, {"--acme-ca-file", ff.acmeCAFile}, {"--acme-placeholders", ff.acmePlaceholders}} {
			if o.v != "" {
				return usageError{o.flag, o.v, "is an ACME setting, and no ACME CA is given", "add --acme-directory letsencrypt, or drop it"}
			}
		}
	}
	return nil
}

// features is the model's Features for the flags; bin is the HAProxy
// --check runs, "" without --check.
func (ff featureFlags) features(ctx context.Context, bin, certs string) (model.Features, error) {
	f := model.Features{Target: model.Target{Version: ff.haproxyVersion}, Metrics: ff.metrics, Log: ff.log, HTTP3: ff.http3}
	if ff.acmeDirectory != "" {
		f.ACME = &model.ACMEOptions{Directory: ff.acmeDirectory, Contact: ff.acmeContact, KeyType: ff.acmeKeyType, Dir: ff.acmeDir, CAFile: ff.acmeCAFile}
	}
	if bin != "" {
		path, err := exec.LookPath(bin)
		if err != nil {
			// check says so, as it always has.
			f.CertHosts = certHosts(certs)
			return f, nil
		}
		version, features, err := readBuild(ctx, path)
		if err != nil {
			return f, usageError{"--haproxy", bin, err.Error(), ""}
		}
		if named, ok := model.ParseVersion(ff.haproxyVersion); ok && model.VersionLess(version, named) {
			return f, usageError{"--haproxy-version", ff.haproxyVersion,
				fmt.Sprintf("is newer than the HAProxy --check runs (%s, %s): it cannot check a config for %s", path, version, named),
				"pass --haproxy with an HAProxy " + named + " or later, or drop --check"}
		}
		if f.Target.Version == "" {
			f.Target.Version = version
		}
		f.Target.Features, f.Target.Binary = features, path
	}
	f.CertHosts = certHosts(certs)
	return f, nil
}

var (
	vvVersionRe = regexp.MustCompile(`(?m)^HA-?Proxy version ([0-9]+\.[0-9]+)`)
	vvFeatureRe = regexp.MustCompile(`(?m)^Feature list : (.*)$`)
)

// readBuild reads "haproxy -vv": the version (MAJOR.MINOR) and the
// features the build has (those listed with a '+').
func readBuild(ctx context.Context, bin string) (string, []string, error) {
	out, err := exec.CommandContext(ctx, bin, "-vv").Output()
	if err != nil {
		return "", nil, fmt.Errorf("running %s -vv: %v", bin, err)
	}
	return parseBuild(string(out))
}

func parseBuild(vv string) (string, []string, error) {
	m := vvVersionRe.FindStringSubmatch(vv)
	if m == nil {
		return "", nil, errors.New("haproxy -vv names no version")
	}
	features := []string{}
	if fl := vvFeatureRe.FindStringSubmatch(vv); fl != nil {
		for _, w := range strings.Fields(fl[1]) {
			if name, ok := strings.CutPrefix(w, "+"); ok {
				features = append(features, name)
			}
		}
	}
	return m[1], features, nil
}

// certHosts reads the DNS names of the certificates in the --tls
// directory; nil when it cannot be read here (it may be the proxy
// container's path).
func certHosts(dir string) []model.CertHost {
	if dir == "" {
		return nil
	}
	var hosts []model.CertHost
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for {
			var block *pem.Block
			block, data = pem.Decode(data)
			if block == nil {
				break
			}
			if block.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				continue
			}
			names := c.DNSNames
			if len(names) == 0 && c.Subject.CommonName != "" {
				names = []string{c.Subject.CommonName}
			}
			for _, n := range names {
				hosts = append(hosts, model.CertHost{Name: strings.ToLower(n), File: filepath.Base(path)})
			}
			break // the first certificate of a file is its own
		}
		return nil
	})
	return hosts
}

// writePlaceholders writes, into dir, an expired self-signed certificate
// and its key for each ACME certificate that has no file there yet:
// HAProxy 3.2 cannot start without the file, and renews an expired one
// as soon as it starts. A file that exists is left alone: it is the
// certificate HAProxy got and the deploy recipe saved.
func writePlaceholders(dir string, acme *model.ACME) error {
	if acme == nil || dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("--acme-placeholders: %w", err)
	}
	for _, c := range acme.Certs {
		path := filepath.Join(dir, c.File)
		if _, err := os.Stat(path); err == nil {
			continue
		}
		pemBytes, err := placeholder(c.Host)
		if err != nil {
			return fmt.Errorf("--acme-placeholders: %s: %w", c.Host, err)
		}
		if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
			return fmt.Errorf("--acme-placeholders: %w", err)
		}
	}
	return nil
}

// placeholder is an expired self-signed certificate for host, then its
// key, in PEM.
func placeholder(host string) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: host, Organization: []string{"compose2haproxy placeholder"}},
		DNSNames:     []string{host},
		NotBefore:    now.Add(-48 * time.Hour),
		NotAfter:     now.Add(-24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...), nil
}
