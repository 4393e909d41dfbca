// Package testcert makes self-signed certificates at run time, for tests
// in which HAProxy loads "crt DIR": no key is ever committed.
package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// Write puts one PEM file (certificate, then PKCS#8 key) per group of DNS
// names into dir, as HAProxy's "crt DIR" reads them, and returns a pool
// that trusts them all. Each certificate is its own CA, valid for a day.
func Write(dir string, groups ...[]string) (*x509.CertPool, error) {
	roots := x509.NewCertPool()
	for i, names := range groups {
		pemBytes, cert, err := generate(names)
		if err != nil {
			return nil, err
		}
		roots.AddCert(cert)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("cert%d.pem", i+1)), pemBytes, 0o600); err != nil {
			return nil, err
		}
	}
	return roots, nil
}

func generate(names []string) ([]byte, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: names[0]},
		DNSNames:              names,
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return append(pemBytes, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...), cert, nil
}
