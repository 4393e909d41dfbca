package model

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file holds what depends on the HAProxy a config is written for:
// the target version and the run-wide features that need a recent or a
// particular build (ACME certificates, the Prometheus exporter, HTTP/3),
// and the access log's target.

// Features are the run-wide options of this file; their zero value is a
// config for DefaultTarget with none of them.
type Features struct {
	Target Target
	// ACME, when set, lets routes with the acme tag get certificates from
	// an ACME CA (HAProxy 3.2+).
	ACME *ACMEOptions
	// Metrics is the address of the Prometheus exporter's listener
	// (/metrics); a bare port is on 127.0.0.1. Empty: none.
	Metrics string
	// Log is where HAProxy writes its access log: "stdout" (the default,
	// also when empty), "stderr", "none", a syslog address (HOST:PORT, UDP)
	// or a Unix socket path (/dev/log).
	Log string
	// HTTP3 adds a QUIC listener beside the HTTPS one, with the same
	// certificates, and announces it with alt-svc.
	HTTP3 bool
	// CertHosts are the names the certificates of Listen.Certs hold, read
	// by the front end (nil when it could not read them): an ACME route
	// for one of them is an error naming both.
	CertHosts []CertHost
}

// CertHost is a DNS name (maybe "*.example.com") of a certificate file.
type CertHost struct {
	Name, File string
}

// Target is the HAProxy a config is written for.
type Target struct {
	// Version is "MAJOR.MINOR" (a patch level is dropped); empty:
	// DefaultTarget.
	Version string
	// Features are the build's optional features as "haproxy -vv" lists
	// them with a '+' (ACME, PROMEX, QUIC); nil: unknown, and every
	// feature the version can have is assumed.
	Features []string
	// Binary is the HAProxy Version and Features were read from (the one
	// --check runs); empty when the version was named.
	Binary string
}

// DefaultTarget is the version a config is written for when none is
// named: the oldest that compose2haproxy supports (Debian 12's), whose
// configs every later version accepts.
const DefaultTarget = "2.6"

// ACMEOptions are the run's ACME account settings.
type ACMEOptions struct {
	// Directory is the CA's directory URL, or "letsencrypt" or
	// "letsencrypt-staging".
	Directory string
	Contact   string // e-mail address; empty: none
	// KeyType is the certificates' key: ecdsa-p256 (the default when
	// empty), ecdsa-p384, rsa-2048 or rsa-4096.
	KeyType string
	// Dir is HAProxy's directory (in the proxy container) for the
	// certificates and the account key; it must outlive the container.
	Dir string
	// CAFile is a PEM file of the CAs HAProxy trusts when it talks to the
	// directory; empty: the system's.
	CAFile string
}

// Options of this file, named as Config's JSON names them.
const (
	OptionTarget        Option = "haproxy_version"
	OptionACMEDirectory Option = "acme.directory"
	OptionACMEContact   Option = "acme.contact"
	OptionACMEKeyType   Option = "acme.key_type"
	OptionACMEDir       Option = "acme.dir"
	OptionACMECAFile    Option = "acme.ca_file"
	OptionMetrics       Option = "metrics.addr"
	OptionLog           Option = "log"
	OptionHTTP3         Option = "http3"
)

// Additions are what Config holds for this file's features.
type Additions struct {
	// Target is the HAProxy version the config is written for, when one
	// was named or read from --check's binary; empty: DefaultTarget.
	Target  string   `json:"haproxy_version,omitempty"`
	ACME    *ACME    `json:"acme,omitempty"`
	Metrics *Metrics `json:"metrics,omitempty"`
	// Log is where the access log goes: empty for stdout, "stderr",
	// "none", a syslog address or a socket path.
	Log   string `json:"log,omitempty"`
	HTTP3 bool   `json:"http3,omitempty"`
}

// ACME is the config's ACME client: one certificate per host of the
// routes with the acme tag, each in its own file of Dir.
type ACME struct {
	Directory  string `json:"directory"`
	Contact    string `json:"contact,omitempty"`
	KeyType    string `json:"key_type"`         // HAProxy's: ECDSA or RSA
	Curves     string `json:"curves,omitempty"` // with ECDSA
	Bits       int    `json:"bits,omitempty"`   // with RSA
	Dir        string `json:"dir"`
	AccountKey string `json:"account_key"` // Dir/account.key
	CAFile     string `json:"ca_file,omitempty"`
	// Socket is the admin-level runtime socket the certificates are saved
	// from ("dump ssl cert"): Runtime.Dir/admin.sock.
	Socket string     `json:"socket"`
	Certs  []ACMECert `json:"certs"` // sorted by host
}

// ACMECert is one certificate HAProxy asks the CA for.
type ACMECert struct {
	Host    string `json:"host"`
	File    string `json:"file"` // HOST.pem, in ACME.Dir
	Backend string `json:"backend"`
}

// Metrics is the Prometheus exporter's listener.
type Metrics struct {
	Addr string `json:"addr"`
	// Auth: the stats page's users (Config.StatsAuth) protect it.
	Auth bool `json:"auth,omitempty"`
}

// feature is something a config may need that not every HAProxy has.
type feature struct {
	name  string // for messages
	since string // the first version that has it
	build string // the "haproxy -vv" feature a build needs; empty: every build
}

var (
	featureACME    = feature{"ACME (automatic certificates)", "3.2", "ACME"}
	featureMetrics = feature{"the Prometheus exporter", "2.6", "PROMEX"}
	featureHTTP3   = feature{"HTTP/3 (QUIC)", "2.8", "QUIC"}
)

var versionRe = regexp.MustCompile(`^([0-9]{1,2})\.([0-9]{1,2})(?:\.[0-9]{1,3})?$`)

// ParseVersion reads "3.2" or "3.2.26" as "3.2".
func ParseVersion(v string) (string, bool) {
	m := versionRe.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	return m[1] + "." + m[2], true
}

// VersionLess reports whether MAJOR.MINOR a is older than b.
func VersionLess(a, b string) bool {
	num := func(v string) (int, int) {
		maj, min, _ := strings.Cut(v, ".")
		x, _ := strconv.Atoi(maj)
		y, _ := strconv.Atoi(min)
		return x, y
	}
	a1, a2 := num(a)
	b1, b2 := num(b)
	return a1 < b1 || a1 == b1 && a2 < b2
}

// lacks says why the target cannot do f, or "".
func (t Target) lacks(f feature) string {
	if VersionLess(t.Version, f.since) {
		return fmt.Sprintf("%s needs HAProxy %s or later, and the config is for %s", f.name, f.since, t.Version)
	}
	if f.build != "" && t.Features != nil && !slices.Contains(t.Features, f.build) {
		return fmt.Sprintf("%s needs an HAProxy built with it, and %s (%s) is not (haproxy -vv lists no +%s)", f.name, t.Binary, t.Version, f.build)
	}
	return ""
}

// targetFix is how to name a target that has f.
func targetFix(f feature) string {
	return fmt.Sprintf("write the config for HAProxy %s or later (%s %s) built with it", f.since, OptionTarget.Ref(), f.since)
}

// checkTarget fills the default target and checks a named one.
func checkTarget(opts *Options, ds *Diagnostics) {
	t := &opts.Features.Target
	if t.Version == "" {
		t.Version = DefaultTarget
		return
	}
	src := OptionTarget.source(t.Version)
	v, ok := ParseVersion(t.Version)
	switch {
	case !ok:
		ds.Errorf(src, "give a version like 3.2", "not an HAProxy version")
		t.Version = DefaultTarget
	case VersionLess(v, DefaultTarget):
		ds.Errorf(src, "name "+DefaultTarget+" or later", "compose2haproxy writes configs for HAProxy %s and later", DefaultTarget)
		t.Version = DefaultTarget
	default:
		t.Version = v
	}
}

// usesHTTPS reports whether the options make an HTTPS listener: --tls's
// certificates or ACME's.
func (opts *Options) usesHTTPS() bool {
	return opts.Listen.Certs != "" || opts.Features.ACME != nil
}

// letsEncrypt are the directories given by name.
var letsEncrypt = map[string]string{
	"letsencrypt":         "https://acme-v02.api.letsencrypt.org/directory",
	"letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
}

var (
	directoryRe = regexp.MustCompile(`^https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/-]*)?$`)
	emailRe     = regexp.MustCompile(`^[A-Za-z0-9._+-]{1,64}@[a-z0-9][a-z0-9.-]*$`)
	keyTypes    = map[string]struct {
		typ, curves string
		bits        int
	}{"ecdsa-p256": {"ECDSA", "P-256", 0}, "ecdsa-p384": {"ECDSA", "P-384", 0}, "rsa-2048": {"RSA", "", 2048}, "rsa-4096": {"RSA", "", 4096}}
)

// checkFeatures checks the run-wide options of this file; Build calls it
// before the other options, as ACME turns the HTTPS listener on.
func checkFeatures(opts *Options, ds *Diagnostics) Additions {
	checkTarget(opts, ds)
	f, t := &opts.Features, opts.Features.Target
	var add Additions
	if t.Binary != "" || t.Version != DefaultTarget {
		add.Target = t.Version
	}
	if f.ACME != nil {
		add.ACME = checkACME(*f.ACME, opts, ds)
		opts.Listen.ACME = true
	}
	if f.Metrics != "" {
		addr := f.Metrics
		if _, err := strconv.Atoi(addr); err == nil {
			addr = "127.0.0.1:" + addr
		}
		src := OptionMetrics.source(f.Metrics)
		checkAddr(src, addr, false, ds)
		if why := t.lacks(featureMetrics); why != "" {
			ds.Errorf(src, targetFix(featureMetrics), "%s", why)
		}
		add.Metrics = &Metrics{Addr: addr}
	}
	add.Log = logLine(f.Log, ds)
	if f.HTTP3 {
		src := OptionHTTP3.source("true")
		if why := t.lacks(featureHTTP3); why != "" {
			ds.Errorf(src, targetFix(featureHTTP3), "%s", why)
		}
		if !opts.usesHTTPS() {
			NoHTTPS(ds, src, OptionHTTP3.Ref(), "HTTP/3 is served beside it")
		}
		add.HTTP3 = true
	}
	return add
}

// checkACME checks the ACME account settings.
func checkACME(o ACMEOptions, opts *Options, ds *Diagnostics) *ACME {
	a := &ACME{Directory: o.Directory, Contact: o.Contact, CAFile: o.CAFile}
	if u, ok := letsEncrypt[o.Directory]; ok {
		a.Directory = u
	}
	src := OptionACMEDirectory.source(o.Directory)
	if prob := UnsafeChar(o.Directory); prob != "" {
		ds.Errorf(src, "give the CA's https:// directory URL, or letsencrypt or letsencrypt-staging", "directory URL %s", prob)
	} else if u, err := url.Parse(a.Directory); err != nil || !directoryRe.MatchString(a.Directory) || u.Port() != "" && addrPort(u.Host) == 0 {
		ds.Errorf(src, "give the CA's https:// directory URL (letters, digits and . _ ~ / - in its path), or letsencrypt or letsencrypt-staging", "not an https:// URL compose2haproxy can pass to HAProxy")
	}
	if why := opts.Features.Target.lacks(featureACME); why != "" {
		ds.Errorf(src, targetFix(featureACME), "%s", why)
	}
	if o.Contact != "" && (UnsafeChar(o.Contact) != "" || !emailRe.MatchString(o.Contact)) {
		ds.Errorf(OptionACMEContact.source(o.Contact), "give an e-mail address like admin@example.com", "not an e-mail address compose2haproxy can pass to HAProxy")
	}
	kt := o.KeyType
	if kt == "" {
		kt = "ecdsa-p256"
	}
	k, ok := keyTypes[kt]
	if !ok {
		ds.Errorf(OptionACMEKeyType.source(o.KeyType), "use ecdsa-p256, ecdsa-p384, rsa-2048 or rsa-4096", "not a key type")
	}
	a.KeyType, a.Curves, a.Bits = k.typ, k.curves, k.bits
	dirSrc := OptionACMEDir.source(o.Dir)
	switch {
	case o.Dir == "":
		ds.Errorf(dirSrc, "give the directory of the proxy container where HAProxy keeps the certificates, on a volume: "+OptionACMEDir.Ref()+" /etc/haproxy/acme", "ACME needs a directory for its certificates")
	case !checkPlainPath(dirSrc, "ACME directory", ds):
	case !strings.HasPrefix(o.Dir, "/"):
		ds.Errorf(dirSrc, "write the directory's path inside the proxy container, like /etc/haproxy/acme", "ACME directory is not an absolute path")
	}
	a.Dir = strings.TrimSuffix(o.Dir, "/")
	a.AccountKey = a.Dir + "/account.key"
	if o.CAFile != "" {
		checkPlainPath(OptionACMECAFile.source(o.CAFile), "CA file path", ds)
	}
	if opts.RuntimeDir == "" {
		ds.Errorf(dirSrc, "add "+OptionRuntimeDir.Ref()+" /var/run/haproxy, the directory of that socket (see docs/acme.md)",
			"HAProxy keeps the certificates it gets in memory only, and they are saved from a runtime socket, but there is none")
	} else if rt := runtimeFor(opts.RuntimeDir); rt != nil {
		a.Socket = rt.Dir + "/admin.sock"
	}
	return a
}

// acmeCerts lists the certificates the acme routes ask for, and checks
// that each host can have one: an exact host (a wildcard needs DNS-01),
// not given a certificate by --tls as well.
func acmeCerts(a *ACME, backends []Backend, f Features, ds *Diagnostics) {
	seen := map[string]bool{}
	for _, b := range backends {
		if b.ACME == nil {
			continue
		}
		src := *b.ACME
		if a == nil {
			ds.Errorf(src, "add "+OptionACMEDirectory.Ref()+" letsencrypt (and "+OptionACMEContact.Ref()+"), or drop the tag", "the route asks for ACME certificates, and no ACME CA is given")
			continue
		}
		if len(b.Hosts) == 0 {
			ds.Errorf(src, "give the route a host name, or drop the tag", "an ACME certificate is for host names, and this route has none")
		}
		for _, h := range b.Hosts {
			if h.Wildcard() {
				ds.Errorf(h.Source, "list the exact hosts, or give a wildcard certificate in "+OptionCerts.Ref(),
					"the wildcard host %s needs an ACME DNS-01 challenge, which HAProxy 3.2 lacks and 3.3 leaves to an external DNS tool: compose2haproxy asks only for HTTP-01", h.Name)
				continue
			}
			for _, c := range f.CertHosts {
				if c.Name == h.Name || strings.HasPrefix(c.Name, "*.") && strings.HasSuffix(h.Name, c.Name[1:]) && !strings.Contains(strings.TrimSuffix(h.Name, c.Name[1:]), ".") {
					ds.Errorf(src, "drop the acme tag, or remove the certificate from "+OptionCerts.Ref(),
						"host %s gets an ACME certificate, and the certificate %s in %s names it as %s: HAProxy would pick one by chance", h.Name, c.File, OptionCerts.Ref(), c.Name)
				}
			}
			if !seen[h.Name] {
				seen[h.Name] = true
				a.Certs = append(a.Certs, ACMECert{Host: h.Name, File: h.Name + ".pem", Backend: b.Name})
			}
		}
	}
	if a != nil {
		slices.SortFunc(a.Certs, func(x, y ACMECert) int { return strings.Compare(x.Host, y.Host) })
		if len(a.Certs) == 0 {
			ds.Warnf(OptionACMEDirectory.source(a.Directory), "add the acme tag to the routes that need certificates", "no route asks for an ACME certificate")
		}
	}
}

// logLine is the global "log" line's arguments for --log.
func logLine(target string, ds *Diagnostics) string {
	src := OptionLog.source(target)
	fix := "use stdout, stderr, none, a syslog address like 127.0.0.1:514 or a socket like /dev/log"
	switch {
	case target == "" || target == "stdout":
		return ""
	case target == "stderr":
		return "stderr"
	case target == "none":
		return "none"
	case strings.HasPrefix(target, "/"):
		if checkPlainPath(src, "log socket path", ds) {
			return target
		}
		return ""
	case strings.Contains(target, ":"):
		before := len(*ds)
		checkAddr(src, target, true, ds)
		if len(*ds) == before {
			return target
		}
		return ""
	}
	ds.Errorf(src, fix, "not a log target")
	return ""
}

// featureTags are the tags of this file's features.
var featureTags = []tagDef{
	{name: "acme", http: true,
		doc:     "HAProxy gets and renews a certificate for each of the route's hosts from the ACME CA of `" + OptionACMEDirectory.Ref() + "` (HTTP-01 on the port 80 listener; HAProxy 3.2+; see docs/acme.md)",
		example: "acme",
		apply:   func(b *Backend, _ string, cx tagContext) { src := cx.src; b.ACME = &src }},
}

// HasHTTPS reports whether there is an HTTPS listener: for --tls's
// certificates or for ACME's.
func (l Listen) HasHTTPS() bool { return l.Certs != "" || l.ACME }

// finishFeatures completes add once the backends are built and named.
func finishFeatures(add *Additions, opts Options, backends []Backend, statsAuth *Auth, ds *Diagnostics) {
	acmeCerts(add.ACME, backends, opts.Features, ds)
	if m := add.Metrics; m != nil {
		m.Auth = statsAuth != nil
		src := OptionMetrics.source(opts.Features.Metrics)
		if !m.Auth && !loopbackListener(m.Addr) {
			ds.Warnf(src, "give "+OptionStatsAuth.Ref()+" users, or listen on a loopback address like 127.0.0.1:8405",
				"the metrics listen beyond this host and ask for no password: whoever reaches them sees every backend and server")
		}
		others := []struct {
			opt  Option
			addr string
		}{{OptionHTTP, opts.Listen.HTTP}, {OptionHTTPS, opts.Listen.HTTPS}, {OptionStats, opts.Listen.Stats}}
		for _, o := range others {
			if o.addr != "" && sameListener(o.addr, m.Addr) {
				ds.Errorf(src, "give each listener its own port", "listens where %s=%s does", o.opt.Ref(), o.addr)
			}
		}
	}
}

// NeedsHTTPSDoc is how the documentation says that a setting needs an
// HTTPS listener; NoHTTPS is the error when it has none.
func NeedsHTTPSDoc() string { return "needs `" + OptionCerts.Ref() + "`" }

// NoHTTPS reports what (a tag, a dialect's key or an option), which
// means nothing without an HTTPS listener (why says what it does over
// HTTPS), where there is none: every such check says it alike.
func NoHTTPS(ds *Diagnostics, src Source, what, why string) {
	ds.Errorf(src, "add "+OptionCerts.Ref()+" with the directory of the certificates, or drop "+what,
		"%s needs an HTTPS listener (%s), and there is none", what, why)
}
