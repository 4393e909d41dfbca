package vars

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// The proxy's folders, as nginx-proxy reads them.
const (
	CertsDir    = "/etc/nginx/certs"
	HtpasswdDir = "/etc/nginx/htpasswd"
	VhostDir    = "/etc/nginx/vhost.d"
	ConfDir     = "/etc/nginx/conf.d"
	HTMLDir     = "/usr/share/nginx/html"
)

// Mount is one bind mount of the proxy: a host path and where it appears
// in the container (a folder or a single file).
type Mount struct {
	Source string
	Target string
}

// Folders are the host paths that hold the proxy's files. A folder mounted
// whole is in the map under its name ("." for the folder itself); a single
// file mounted into it is under the file's name. The caller lists and
// reads them, then passes names and bytes to the functions below.
type Folders struct {
	Certs    map[string]string // file name in /etc/nginx/certs → host path
	Htpasswd map[string]string
	Vhost    map[string]string
	// NetworkInternal is the host path of a replacement
	// network_internal.conf, or "".
	NetworkInternal string
	// HTML is /usr/share/nginx/html (ACME challenges, errors/50x.html).
	HTML map[string]string
}

// ClassifyMounts sorts the proxy's mounts into the folders nginx-proxy
// reads. Mounts that carry nginx configuration (conf.d files, proxy.conf,
// nginx.conf, toplevel.conf.d, and vhost.d, reported when its files are
// known, see CheckVhostDir) are errors: nginx syntax is not translated.
func ClassifyMounts(mounts []Mount) (Folders, Diagnostics) {
	f := Folders{Certs: map[string]string{}, Htpasswd: map[string]string{}, Vhost: map[string]string{}, HTML: map[string]string{}}
	var ds Diagnostics
	for _, m := range mounts {
		t := path.Clean(m.Target)
		o := Origin{Source: "file", Key: t}
		put := func(dir string, dst map[string]string) bool {
			switch {
			case t == dir:
				dst["."] = m.Source
			case path.Dir(t) == dir:
				dst[path.Base(t)] = m.Source
			default:
				return false
			}
			return true
		}
		switch {
		case put(CertsDir, f.Certs), put(HtpasswdDir, f.Htpasswd), put(VhostDir, f.Vhost), put(HTMLDir, f.HTML):
		case strings.HasPrefix(t, HTMLDir+"/"):
			f.HTML[strings.TrimPrefix(t, HTMLDir+"/")] = m.Source
		case t == NetworkInternalFile:
			f.NetworkInternal = m.Source
		case t == ConfDir:
			ds.add(Note, o, m.Source, "shared with docker-gen for the generated default.conf; other .conf files in it are nginx configuration, not translated")
		case t == "/etc/nginx/proxy.conf" || t == ConfDir+"/proxy.conf":
			ds.add(Error, o, m.Source, "replaces nginx-proxy's proxy headers: nginx syntax is not translated; the headers nginx-proxy sets by default are kept")
		case path.Dir(t) == ConfDir && t != ConfDir+"/default.conf":
			ds.add(Error, o, m.Source, "nginx configuration for the whole proxy: nginx syntax is not translated; express it as HAProxy settings, or remove the mount")
		case t == "/etc/nginx/nginx.conf" || t == "/etc/nginx/toplevel.conf.d" || path.Dir(t) == "/etc/nginx/toplevel.conf.d":
			ds.add(Error, o, m.Source, "nginx configuration: nginx syntax is not translated")
		case t == "/etc/nginx/dhparam/dhparam.pem" || t == "/etc/nginx/dhparam":
			ds.add(Note, o, m.Source, "DH parameters: HAProxy uses its own (tune.ssl.default-dh-param, ssl-dh-param-file)")
		case t == "/tmp/docker.sock" || t == "/var/run/docker.sock":
		}
	}
	return f, ds
}

// CheckVhostDir reports the per-host nginx files in vhost.d: every one is
// an error naming it, since nginx syntax cannot be translated. names are the
// files the caller found there; hosts are the hosts served (to say which
// host a file belongs to).
func CheckVhostDir(names []string, hosts []Host) Diagnostics {
	var ds Diagnostics
	for _, n := range slices.Sorted(slices.Values(names)) {
		o := Origin{Source: "file", Key: VhostDir + "/" + n}
		what := "nginx configuration"
		switch {
		case n == "default":
			what = "nginx configuration for every host without its own file"
		case n == "default_location":
			what = "nginx configuration for every location without its own file"
		default:
			for _, h := range hosts {
				fn := h.FileName()
				if n == fn || strings.HasPrefix(n, fn+"_") {
					what = fmt.Sprintf("nginx configuration for %s", h.Name)
					break
				}
			}
			if h := regexFileHost(n, hosts); h != "" {
				what = fmt.Sprintf("a file named after the regex %s, which nginx-proxy no longer reads (it uses the regex's SHA-1)", h)
			}
		}
		ds.add(Error, o, "", "%s: nginx syntax is not translated; express it with HAProxy settings and remove the file", what)
	}
	return ds
}

func regexFileHost(n string, hosts []Host) string {
	for _, h := range hosts {
		if h.Kind == HostRegex && (n == h.Name || strings.HasPrefix(n, h.Name+"_")) {
			return h.Name
		}
	}
	return ""
}

// HtpasswdFile returns the file nginx-proxy protects a route with, among
// names (the files in /etc/nginx/htpasswd), or "": first
// <host>_<sha1(path)>, then <host>, where <host> is Host.FileName. No
// "_location" suffix: that is vhost.d's naming, not htpasswd's.
func HtpasswdFile(h Host, p Path, names []string) string {
	for _, n := range []string{h.FileName() + "_" + p.PathHash(), h.FileName()} {
		if slices.Contains(names, n) {
			return n
		}
	}
	return ""
}

// CertRule says how nginx-proxy chose a host's certificate.
type CertRule int

const (
	CertNone    CertRule = iota // no certificate: HTTPS handshakes rejected
	CertByName                  // CERT_NAME
	CertExact                   // <host>.crt
	CertParent                  // <parent>.crt: the host minus its first label, for hosts of three labels or more
	CertDefault                 // default.crt, when trusted
)

func (r CertRule) String() string {
	return [...]string{"none", "CERT_NAME", "host name", "parent domain", "default"}[r]
}

// Cert is the certificate nginx-proxy uses for a host.
type Cert struct {
	Name string   // file name without .crt/.key; "" with CertNone
	Rule CertRule // the rule that chose Name
	// OK: both Name.crt and Name.key exist. A chosen name whose key is
	// missing disables HTTPS for the host: nginx-proxy does not fall back
	// to the next rule.
	OK bool
	// Chain is Name.chain.pem when present (OCSP stapling).
	Chain string
}

// SelectCert is nginx-proxy's certificate choice for a host, given the files
// in /etc/nginx/certs: CERT_NAME when set (no fallback), else <host>.crt,
// else the parent domain's .crt (foo.bar.com → bar.com.crt, never the
// grandparent), else default.crt/.key when trusted. Only the .crt decides
// the choice; OK then needs the .key too.
func SelectCert(host, certName string, trustDefault bool, files []string) Cert {
	has := func(n string) bool { return slices.Contains(files, n) }
	var c Cert
	switch {
	case certName != "":
		c = Cert{Name: certName, Rule: CertByName}
	case has(host + ".crt"):
		c = Cert{Name: host, Rule: CertExact}
	case strings.Count(host, ".") >= 2 && has(host[strings.IndexByte(host, '.')+1:]+".crt"):
		c = Cert{Name: host[strings.IndexByte(host, '.')+1:], Rule: CertParent}
	case trustDefault && has("default.crt") && has("default.key"):
		c = Cert{Name: "default", Rule: CertDefault}
	default:
		return Cert{}
	}
	c.OK = has(c.Name+".crt") && has(c.Name+".key")
	if c.OK && has(c.Name+".chain.pem") {
		c.Chain = c.Name + ".chain.pem"
	}
	return c
}

// CertPair is a certificate and its key found in /etc/nginx/certs.
type CertPair struct {
	Name string // without extension
	Crt  string
	Key  string
}

// CertPairs lists the .crt/.key pairs among the files of /etc/nginx/certs,
// by name, and reports the certificates without key (HTTPS is disabled for
// the hosts that would use them) and the mTLS files, which are refused.
func CertPairs(files []string) ([]CertPair, Diagnostics) {
	var out []CertPair
	var ds Diagnostics
	sorted := slices.Sorted(slices.Values(files))
	for _, f := range sorted {
		o := Origin{Source: "file", Key: CertsDir + "/" + f}
		switch {
		case f == "ca.crt" || strings.HasSuffix(f, ".ca.crt") || f == "ca.crl.pem" || strings.HasSuffix(f, ".crl.pem"):
			ds.add(Error, o, "", "client certificate checks (mTLS) are not translated: requests would be let in that nginx-proxy refuses")
		case strings.HasSuffix(f, ".crt"):
			n := strings.TrimSuffix(f, ".crt")
			if !slices.Contains(sorted, n+".key") {
				ds.add(Warning, o, "", "no %s.key: nginx-proxy disables HTTPS for the hosts this certificate is chosen for", n)
				continue
			}
			out = append(out, CertPair{Name: n, Crt: f, Key: n + ".key"})
		case strings.HasSuffix(f, ".dhparam.pem"):
			ds.add(Note, o, "", "per-host DH parameters: HAProxy uses one set for all")
		}
	}
	return out, ds
}
