package vars

import (
	"fmt"
	"github.com/compose2haproxy/compose2haproxy/internal/spelling"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// HTTPSMethod is HTTPS_METHOD.
type HTTPSMethod string

const (
	// Redirect: HTTP answers 301 to HTTPS (NON_GET_REDIRECT for other methods).
	Redirect HTTPSMethod = "redirect"
	// NoRedirect: both served, no HSTS.
	NoRedirect HTTPSMethod = "noredirect"
	// NoHTTP: HTTPS only; the host is unknown over HTTP.
	NoHTTP HTTPSMethod = "nohttp"
	// NoHTTPS: HTTP only; the host is unknown over HTTPS.
	NoHTTPS HTTPSMethod = "nohttps"
)

// EffectiveHTTPSMethod is nginx-proxy's switch for a host without a usable
// certificate: redirect and nohttp become noredirect when
// ENABLE_HTTP_ON_MISSING_CERT is true (its default), so that the host stays
// reachable over HTTP; its HTTPS handshake is then rejected.
func EffectiveHTTPSMethod(m HTTPSMethod, certOK, enableHTTPOnMissingCert bool) HTTPSMethod {
	if !certOK && enableHTTPOnMissingCert && (m == Redirect || m == NoHTTP) {
		return NoRedirect
	}
	return m
}

func parseHTTPSMethod(s string) (HTTPSMethod, error) {
	switch m := HTTPSMethod(s); m {
	case Redirect, NoRedirect, NoHTTP, NoHTTPS:
		return m, nil
	}
	all := []string{"redirect", "noredirect", "nohttp", "nohttps"}
	if p := suggest(s, all); p != "" {
		return "", fmt.Errorf("unknown method (nginx-proxy would serve HTTPS only, without redirect); did you mean %q?", p)
	}
	return "", fmt.Errorf("unknown method (nginx-proxy would serve HTTPS only, without redirect): redirect, noredirect, nohttp or nohttps")
}

// HSTS is the Strict-Transport-Security header nginx-proxy adds to HTTPS
// answers of hosts with a certificate, unless the method is noredirect.
type HSTS struct {
	Off   bool
	Value string // sent as is (trimmed)
}

// DefaultHSTS is nginx-proxy's HSTS.
const DefaultHSTS = "max-age=31536000"

func parseHSTS(s string) (HSTS, error) {
	v := strings.TrimSpace(s)
	if v == "off" {
		return HSTS{Off: true}, nil
	}
	if strings.ContainsAny(v, "\"\\\r\n$") {
		return HSTS{}, fmt.Errorf("quotes, backslashes, '$' and line breaks end or change nginx-proxy's quoted header value")
	}
	if !strings.Contains(strings.ToLower(v), "max-age=") {
		return HSTS{Value: v}, fmt.Errorf("no max-age: browsers ignore the header (use off to disable HSTS)")
	}
	return HSTS{Value: v}, nil
}

// ACME is what acme-companion reads on a container. Until certificates are
// obtained by this tool, the caller must ask for them to be provided.
type ACME struct {
	Hosts []string // ACME_HOST, else LETSENCRYPT_HOST; trimmed, trailing dots removed
	Email string
}

// Container is everything nginx-proxy and acme-companion read on one
// proxied container.
type Container struct {
	// Routed: nginx-proxy routes the container (a non-empty VIRTUAL_HOST
	// or VIRTUAL_HOST_MULTIPORTS with at least one valid host).
	Routed     bool
	Multiports bool
	Vhosts     []Vhost // in VIRTUAL_HOST order, or sorted multiports hosts

	// Settings of the container's hosts; unset: the proxy's.
	HTTPSMethod             Val[HTTPSMethod]
	HSTS                    Val[HSTS]
	CertName                Val[string]
	SSLPolicy               Val[SSLPolicy]
	EnableHTTPOnMissingCert Val[bool]
	ACMEChallenge           Val[string] // true, false or legacy
	// Internal: NETWORK_ACCESS=internal; only InternalRanges (or the
	// proxy's replacement file) may reach the routes, others get 403.
	Internal Val[bool]
	Root     Val[string] // VIRTUAL_ROOT, for fastcgi

	LoadBalance      Val[Balance]
	Keepalive        Val[string] // auto, disabled or a count
	HTTP2            Val[bool]
	NonGetRedirect   Val[int]
	TrustDefaultCert Val[bool]

	ACME *ACME
}

// ContainerInput is one proxied container, as the caller found it.
type ContainerInput struct {
	Env     map[string]string
	Labels  map[string]string
	Exposed []ExposedPort
}

// Caps on a container's input.
const (
	maxKeys     = 4096
	maxValueLen = 64 << 10
)

// DecodeContainer reads one container's variables and labels as
// nginx-proxy and acme-companion do. Every documented variable and label is
// decoded or reported; an unknown VIRTUAL_*, ACME_* or LETSENCRYPT_*
// variable, or an unknown nginx-proxy label, is an error with the closest
// known name. Other variables belong to the application and are skipped,
// unless they look like a misspelt nginx-proxy name.
//
// The error is non-nil only when the input exceeds a cap (ErrLimit).
func DecodeContainer(in ContainerInput) (*Container, Diagnostics, error) {
	if n := len(in.Env) + len(in.Labels); n > maxKeys {
		return nil, nil, fmt.Errorf("%d variables and labels (at most %d): %w", n, maxKeys, ErrLimit)
	}
	// Only what nginx-proxy reads is bounded here: the application's own
	// variables, and other dialects' labels, are not this decoder's.
	for k, v := range in.Env {
		if _, ok := lookup(k, false); ok && len(k)+len(v) > maxValueLen {
			return nil, nil, fmt.Errorf("variable %s of %d bytes (at most %d): %w", k, len(v), maxValueLen, ErrLimit)
		}
	}
	for k, v := range in.Labels {
		if _, ok := lookup(k, true); ok && len(k)+len(v) > maxValueLen {
			return nil, nil, fmt.Errorf("label %s of %d bytes (at most %d): %w", k, len(v), maxValueLen, ErrLimit)
		}
	}
	d := &decoder{c: &Container{}, in: in}
	if err := d.routes(); err != nil {
		return nil, nil, err
	}
	d.settings()
	d.labels()
	d.acme()
	d.unknown()
	d.ds.Sort()
	return d.c, d.ds, nil
}

type decoder struct {
	c  *Container
	in ContainerInput
	ds Diagnostics
}

func (d *decoder) env(key string) (string, bool) {
	v, ok := d.in.Env[key]
	return v, ok && v != ""
}

func (d *decoder) routes() error {
	mp, hasMP := d.env("VIRTUAL_HOST_MULTIPORTS")
	if hasMP {
		d.c.Multiports = true
		for _, k := range []string{"VIRTUAL_HOST", "VIRTUAL_PORT", "VIRTUAL_PROTO", "VIRTUAL_PATH", "VIRTUAL_DEST"} {
			if v, ok := d.env(k); ok {
				d.ds.add(Warning, Origin{Source: "env", Key: k}, v, "ignored: VIRTUAL_HOST_MULTIPORTS replaces it, as in nginx-proxy")
			}
		}
		vhs, ds, err := DecodeMultiports(mp, d.in.Exposed)
		if err != nil {
			return err
		}
		d.ds = append(d.ds, ds...)
		d.c.Vhosts = vhs
		d.c.Routed = len(vhs) > 0
		return nil
	}
	raw, ok := d.env("VIRTUAL_HOST")
	if !ok {
		for _, k := range []string{"VIRTUAL_PORT", "VIRTUAL_PROTO", "VIRTUAL_PATH", "VIRTUAL_DEST"} {
			if v, ok := d.env(k); ok {
				d.ds.add(Warning, Origin{Source: "env", Key: k}, v, "no VIRTUAL_HOST: nginx-proxy does not route this container")
			}
		}
		return nil
	}
	route := d.singleRoute()
	seen := map[string]bool{}
	o := Origin{Source: "env", Key: "VIRTUAL_HOST"}
	for _, item := range strings.Split(raw, ",") {
		item = strings.TrimSpace(item)
		if item == "" || seen[item] {
			continue
		}
		seen[item] = true
		h, err := ParseHost(item)
		if err != nil {
			d.ds.add(Error, o, item, "%v", err)
			continue
		}
		d.c.Vhosts = append(d.c.Vhosts, Vhost{Host: Val[Host]{h, o}, Routes: []Route{route}})
	}
	if ext, ok := d.env("EXTERNAL_HTTP_PORT"); ok {
		d.externalPort("EXTERNAL_HTTP_PORT", ext, func(v *Vhost) *Val[int] { return &v.ExternalHTTPPort })
	}
	if ext, ok := d.env("EXTERNAL_HTTPS_PORT"); ok {
		d.externalPort("EXTERNAL_HTTPS_PORT", ext, func(v *Vhost) *Val[int] { return &v.ExternalHTTPSPort })
	}
	d.c.Routed = len(d.c.Vhosts) > 0
	if !d.c.Routed && !d.ds.HasErrors() {
		d.ds.add(Note, o, raw, "no host: nginx-proxy does not route this container")
	}
	return nil
}

func (d *decoder) externalPort(key, s string, field func(*Vhost) *Val[int]) {
	n, err := parsePort(s)
	if err != nil {
		d.ds.add(Error, Origin{Source: "env", Key: key}, s, "%v", err)
		return
	}
	for i := range d.c.Vhosts {
		*field(&d.c.Vhosts[i]) = envVal(key, n)
	}
}

// singleRoute is the route VIRTUAL_PATH, VIRTUAL_PORT, VIRTUAL_PROTO and
// VIRTUAL_DEST give every host of VIRTUAL_HOST.
func (d *decoder) singleRoute() Route {
	r := Route{Path: defVal("VIRTUAL_PATH", RootPath), Proto: defVal("VIRTUAL_PROTO", ProtoHTTP)}
	if s, ok := d.env("VIRTUAL_PATH"); ok {
		if p, err := ParsePath(s); err != nil {
			d.ds.add(Error, Origin{Source: "env", Key: "VIRTUAL_PATH"}, s, "%v", err)
		} else {
			r.Path = envVal("VIRTUAL_PATH", p)
		}
	}
	if s, ok := d.env("VIRTUAL_PORT"); ok {
		if n, err := parsePort(s); err != nil {
			d.ds.add(Error, Origin{Source: "env", Key: "VIRTUAL_PORT"}, s, "%v", err)
		} else {
			r.Port = envVal("VIRTUAL_PORT", Port{Number: n, Rule: PortVariable})
		}
	}
	if !r.Port.Set() {
		r.Port = defVal("VIRTUAL_PORT", DefaultPort(d.in.Exposed))
		d.portNote(Origin{Source: "default", Key: "VIRTUAL_PORT"}, r.Port.V)
	}
	if s, ok := d.env("VIRTUAL_PROTO"); ok {
		if p, err := parseProto(s); err != nil {
			d.ds.add(Error, Origin{Source: "env", Key: "VIRTUAL_PROTO"}, s, "%v", err)
		} else {
			r.Proto = envVal("VIRTUAL_PROTO", p)
		}
	}
	if s, ok := d.env("VIRTUAL_DEST"); ok {
		d.dest(&r, s, Origin{Source: "env", Key: "VIRTUAL_DEST"})
	}
	return r
}

func (d *decoder) portNote(o Origin, p Port) {
	switch {
	case p.Rule == PortOnlyExposed:
		d.ds.add(Note, o, "", "no port given: nginx-proxy uses the only exposed port, %d", p.Number)
	case len(d.in.Exposed) == 0:
		d.ds.add(Note, o, "", "no port given and none exposed: nginx-proxy uses 80")
	case !slices.ContainsFunc(d.in.Exposed, func(e ExposedPort) bool { return e.Port == 80 }):
		d.ds.add(Warning, o, "", "no port given and %d ports exposed, none of them 80: nginx-proxy uses 80 all the same; set VIRTUAL_PORT", len(d.in.Exposed))
	default:
		d.ds.add(Note, o, "", "no port given and several exposed: nginx-proxy uses 80")
	}
}

func (d *decoder) dest(r *Route, s string, o Origin) {
	if r.Proto.V != ProtoHTTP && r.Proto.V != ProtoHTTPS {
		d.ds.add(Warning, o, s, "ignored with VIRTUAL_PROTO=%s, as nginx-proxy does", r.Proto.V)
		return
	}
	rw, err := ParseDest(s, r.Path.V)
	if err != nil {
		d.ds.add(Error, o, s, "%v", err)
		return
	}
	r.Rewrite = Val[Rewrite]{rw, o}
	if strings.HasSuffix(rw.Strip, "/") != strings.HasSuffix(rw.Dest, "/") {
		ex := strings.TrimSuffix(rw.Strip, "/") + "/foo"
		d.ds.add(Warning, o, s, "the path %q ends with '/' and the destination does not, or the reverse: the rewritten paths lose or double a slash (%s becomes %s), as in nginx-proxy",
			rw.Strip, ex, rw.Apply(ex))
	}
}

func (d *decoder) settings() {
	c := d.c
	if s, ok := d.env("HTTPS_METHOD"); ok {
		if m, err := parseHTTPSMethod(s); err != nil {
			d.ds.add(Error, Origin{Source: "env", Key: "HTTPS_METHOD"}, s, "%v", err)
		} else {
			c.HTTPSMethod = envVal("HTTPS_METHOD", m)
		}
	}
	if s, ok := d.env("HSTS"); ok {
		if h, err := parseHSTS(s); err != nil {
			d.ds.add(Error, Origin{Source: "env", Key: "HSTS"}, s, "%v", err)
		} else {
			c.HSTS = envVal("HSTS", h)
		}
	}
	if s, ok := d.env("CERT_NAME"); ok {
		if strings.ContainsAny(s, "/"+nginxUnsafe) {
			d.ds.add(Error, Origin{Source: "env", Key: "CERT_NAME"}, s, "a certificate name is a file name in /etc/nginx/certs, without '/', spaces, quotes, ';' or braces")
		} else {
			c.CertName = envVal("CERT_NAME", s)
		}
	}
	if s, ok := d.env("SSL_POLICY"); ok {
		if p, err := parseSSLPolicy(s); err != nil {
			d.ds.add(Error, Origin{Source: "env", Key: "SSL_POLICY"}, s, "%v", err)
		} else {
			c.SSLPolicy = envVal("SSL_POLICY", p)
		}
	}
	if s, ok := d.env("NETWORK_ACCESS"); ok {
		switch s {
		case "internal":
			c.Internal = envVal("NETWORK_ACCESS", true)
		case "external":
			c.Internal = envVal("NETWORK_ACCESS", false)
		default:
			// nginx-proxy restricts only on the exact word; anything else
			// leaves the routes public, which a typo must not do silently.
			d.ds.add(Error, Origin{Source: "env", Key: "NETWORK_ACCESS"}, s, "unknown value: nginx-proxy restricts access only for exactly \"internal\" and would leave these routes public; write internal or external")
		}
	}
	d.boolEnv("ENABLE_HTTP_ON_MISSING_CERT", &c.EnableHTTPOnMissingCert)
	if s, ok := d.env("ACME_HTTP_CHALLENGE_LOCATION"); ok {
		if s != "legacy" {
			if _, err := strconv.ParseBool(s); err != nil {
				d.ds.add(Error, Origin{Source: "env", Key: "ACME_HTTP_CHALLENGE_LOCATION"}, s, "true, false or legacy")
			} else {
				c.ACMEChallenge = envVal("ACME_HTTP_CHALLENGE_LOCATION", s)
			}
		} else {
			c.ACMEChallenge = envVal("ACME_HTTP_CHALLENGE_LOCATION", s)
		}
	}
	if s, ok := d.env("VIRTUAL_ROOT"); ok {
		c.Root = envVal("VIRTUAL_ROOT", s)
	}
	for _, k := range []string{"SERVER_TOKENS"} {
		if s, ok := d.env(k); ok {
			d.ds.add(Note, Origin{Source: "env", Key: k}, s, "no effect: HAProxy's error pages do not show a version")
		}
	}
}

// boolEnv reads a variable nginx-proxy passes to Go's strconv.ParseBool; an
// invalid value stops nginx-proxy from writing any configuration.
func (d *decoder) boolEnv(key string, dst *Val[bool]) {
	s, ok := d.env(key)
	if !ok {
		return
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		d.ds.add(Error, Origin{Source: "env", Key: key}, s, "not a boolean (true or false): nginx-proxy fails to write any configuration")
		return
	}
	*dst = envVal(key, b)
}

func parseSSLPolicy(s string) (SSLPolicy, error) {
	if p, ok := SSLPolicies[s]; ok {
		return p, nil
	}
	names := make([]string, 0, len(SSLPolicies))
	for n := range SSLPolicies {
		names = append(names, n)
	}
	if p := suggest(s, names); p != "" {
		return SSLPolicy{}, fmt.Errorf("unknown policy (nginx-proxy would set no TLS versions or ciphers for it); did you mean %q?", p)
	}
	return SSLPolicy{}, fmt.Errorf("unknown policy (nginx-proxy would set no TLS versions or ciphers for it): Mozilla-Modern, Mozilla-Intermediate, Mozilla-Old or an AWS-* policy")
}

func (d *decoder) labels() {
	var keys []string
	for k := range d.in.Labels {
		if strings.HasPrefix(k, LabelPrefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	c := d.c
	for _, k := range keys {
		v := d.in.Labels[k]
		o := Origin{Source: "label", Key: k}
		switch strings.TrimPrefix(k, LabelPrefix) {
		case "loadbalance":
			b, err := ParseLoadBalance(v)
			if err != nil {
				d.ds.add(Error, o, v, "%v", err)
				continue
			}
			c.LoadBalance = Val[Balance]{b, o}
			if b.Difference != "" {
				d.ds.add(Note, o, v, "converted with a difference: %s", b.Difference)
			}
		case "keepalive":
			if v != "auto" && v != "disabled" {
				if n, err := strconv.Atoi(v); err != nil || n < 1 {
					d.ds.add(Error, o, v, "auto, disabled or a number of idle connections")
					continue
				}
			}
			c.Keepalive = Val[string]{v, o}
			d.ds.add(Note, o, v, "converted with a difference: HAProxy keeps idle server connections by its own rules (http-reuse safe); disabled sends Connection: close as nginx-proxy does")
		case "http2.enable":
			b, err := strconv.ParseBool(v)
			if err != nil {
				d.ds.add(Error, o, v, "not a boolean (true or false): nginx-proxy fails to write any configuration")
				continue
			}
			c.HTTP2 = Val[bool]{b, o}
		case "trust-default-cert":
			b, err := strconv.ParseBool(v)
			if err != nil {
				d.ds.add(Error, o, v, "not a boolean (true or false): nginx-proxy fails to write any configuration")
				continue
			}
			c.TrustDefaultCert = Val[bool]{b, o}
		case "non-get-redirect":
			n, err := parseNonGetRedirect(v)
			if err != nil {
				d.ds.add(Error, o, v, "%v", err)
				continue
			}
			c.NonGetRedirect = Val[int]{n, o}
		case "http3.enable":
			if b, err := strconv.ParseBool(v); err != nil || b {
				d.ds.add(Error, o, v, "HTTP/3 is not translated: HAProxy needs QUIC support built in; remove the label")
			}
		case "ssl_verify_client":
			d.ds.add(Error, o, v, "client certificate checks (mTLS) are not translated: requests would be let in that nginx-proxy refuses")
		case "debug-endpoint":
			if b, err := strconv.ParseBool(v); err != nil || b {
				d.ds.add(Error, o, v, "nginx-proxy's /nginx-proxy-debug shows nginx-proxy's own state and has no equivalent; remove the label")
			}
		case "nginx":
			d.ds.add(Warning, o, v, "this label marks the nginx container of nginx-proxy's separate-containers setup, not a proxied container")
		default:
			msg := "unknown nginx-proxy label"
			if s := suggest(k, names(true, OnContainer)); s != "" {
				msg += fmt.Sprintf("; did you mean %s?", s)
			}
			d.ds.add(Error, o, v, "%s", msg)
		}
	}
}

func parseNonGetRedirect(v string) (int, error) {
	switch v {
	case "301", "307", "308":
		n, _ := strconv.Atoi(v)
		return n, nil
	}
	return 0, fmt.Errorf("301, 307 or 308")
}

func (d *decoder) acme() {
	key := "ACME_HOST"
	raw, ok := d.env(key)
	if !ok {
		key = "LETSENCRYPT_HOST"
		raw, ok = d.env(key)
	}
	if !ok {
		return
	}
	a := &ACME{}
	for _, h := range strings.Split(strings.TrimSuffix(strings.TrimSpace(raw), ","), ",") {
		if h = strings.TrimSuffix(strings.TrimSpace(h), "."); h != "" {
			a.Hosts = append(a.Hosts, h)
		}
	}
	if e, ok := d.env("ACME_EMAIL"); ok {
		a.Email = strings.TrimSpace(e)
	} else if e, ok := d.env("LETSENCRYPT_EMAIL"); ok {
		a.Email = strings.TrimSpace(e)
	}
	d.c.ACME = a
	o := Origin{Source: "env", Key: key}
	d.ds.add(Error, o, raw, "certificates are not obtained by this tool: provide %s.crt and .key in the proxy's certificates folder (acme-companion's files there are read as they are)", strings.Join(a.Hosts, ".crt, "))
	var served []Host
	for _, v := range d.c.Vhosts {
		served = append(served, v.Host.V)
	}
	for _, h := range a.Hosts {
		if !slices.ContainsFunc(served, func(s Host) bool { return s.Matches(h) }) {
			d.ds.add(Warning, o, h, "not among the container's hosts: the certificate would be issued but no route uses it")
		}
	}
}

// unknown reports the variables no rule above read.
func (d *decoder) unknown() {
	keys := make([]string, 0, len(d.in.Env))
	for k := range d.in.Env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := d.in.Env[k]
		o := Origin{Source: "env", Key: k}
		if row, ok := lookup(k, false); ok {
			if row.Scope&(OnContainer|OnACME) == 0 && d.c.Routed && !generic[k] {
				d.ds.add(Warning, o, v, "read on the nginx-proxy container only: it has no effect here")
			}
			continue
		}
		ours := strings.HasPrefix(k, "VIRTUAL_") || strings.HasPrefix(k, "LETSENCRYPT_") || strings.HasPrefix(k, "ACME_")
		s := containerSuggestion(k)
		switch {
		case ours && s != "":
			d.ds.add(Error, o, v, "unknown variable, ignored by nginx-proxy; did you mean %s?", s)
		case ours:
			// VIRTUAL_ENV (Python) and the like: not nginx-proxy's, most likely.
			d.ds.add(Warning, o, v, "unknown variable, ignored by nginx-proxy")
		case s != "" && spelling.Distance(k, s) <= 2:
			d.ds.add(Warning, o, v, "not an nginx-proxy variable; did you mean %s?", s)
		}
	}
}

// generic are proxy variables whose names applications use for themselves:
// seeing them on a proxied container says nothing.
var generic = map[string]bool{
	"HTTP_PORT": true, "HTTPS_PORT": true, "LOG_FORMAT": true, "LOG_FORMAT_ESCAPE": true, "LOG_JSON": true,
	"NO_COLOR": true, "RESOLVERS": true, "DOCKER_HOST": true, "DOCKER_TLS_VERIFY": true, "DOCKER_CERT_PATH": true,
	"DHPARAM_BITS": true, "DHPARAM_SKIP": true, "DISABLE_ACCESS_LOGS": true, "DEBUG_ENDPOINT": true,
}

// containerNames are the variables read on a routed container.
var containerNames = names(false, OnContainer|OnACME)

// containerSuggestions caches suggest's answer for a container's variable:
// the services of a project mostly share their variables' names, and
// comparing each with every nginx-proxy name was most of a large
// project's Build.
var containerSuggestions sync.Map // name → suggestion

func containerSuggestion(k string) string {
	if s, ok := containerSuggestions.Load(k); ok {
		return s.(string)
	}
	s := suggest(k, containerNames)
	containerSuggestions.Store(k, s)
	return s
}
