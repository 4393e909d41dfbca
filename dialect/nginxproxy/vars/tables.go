package vars

import "sync"

// Where a variable or label is read.
type Scope int

const (
	// OnContainer: on a proxied container.
	OnContainer Scope = 1 << iota
	// OnProxy: on the nginx-proxy container (or docker-gen's, in the
	// separate-containers setup).
	OnProxy
	// OnACME: acme-companion's, on a proxied container.
	OnACME
)

// Status is what becomes of a variable in HAProxy, for the migration view.
type Status int

const (
	// Converted: HAProxy does what nginx-proxy does.
	Converted Status = iota
	// ConvertedDiff: converted, with a difference the Doc line names.
	ConvertedDiff
	// Refused: an error; the Doc line says why.
	Refused
	// Inert: read and reported, no effect on routing (logging, DNS, and
	// settings of nginx itself).
	Inert
)

func (s Status) String() string {
	return [...]string{"converted", "converted with a difference", "refused", "no effect"}[s]
}

// Var is one row of the dialect's table: the single list this package
// checks names against and the README's table is generated from.
type Var struct {
	Name    string
	Label   bool // a Docker label rather than an environment variable
	Scope   Scope
	Default string
	Status  Status
	Doc     string
}

// LabelPrefix starts nginx-proxy's labels.
const LabelPrefix = "com.github.nginx-proxy.nginx-proxy."

// Variables is every variable and label nginx-proxy (1.x) and
// acme-companion (2.x) document.
var Variables = []Var{
	{"VIRTUAL_HOST", false, OnContainer, "", Converted, "hosts, comma-separated: names, *.suffix, .suffix, prefix.*, ~regex (RE2 subset)"},
	{"VIRTUAL_PORT", false, OnContainer, "only exposed port, else 80", Converted, "server port"},
	{"VIRTUAL_PATH", false, OnContainer, "/", Converted, "location: prefix, = exact, ^~ prefix, ~ and ~* regex (RE2 subset)"},
	{"VIRTUAL_DEST", false, OnContainer, "", Converted, "replaces the matched path prefix (not with a regex path)"},
	{"VIRTUAL_PROTO", false, OnContainer, "http", ConvertedDiff, "http, https, grpc, grpcs, fastcgi; uwsgi refused; TLS to servers unverified, as nginx"},
	{"VIRTUAL_ROOT", false, OnContainer, "/var/www/public", Converted, "FastCGI document root"},
	{"VIRTUAL_HOST_MULTIPORTS", false, OnContainer, "", Converted, "YAML or JSON: host: {external_http_port, external_https_port, /path: {port, proto, dest}}; overrides the five VIRTUAL_* above"},
	{"EXTERNAL_HTTP_PORT", false, OnContainer, "proxy's HTTP_PORT", Converted, "proxy port the hosts are served on over HTTP"},
	{"EXTERNAL_HTTPS_PORT", false, OnContainer, "proxy's HTTPS_PORT", Converted, "proxy port the hosts are served on over HTTPS"},
	{"NETWORK_ACCESS", false, OnContainer, "external", Converted, "internal: only the private ranges, others get 403"},
	{"CERT_NAME", false, OnContainer, "", Converted, "certificate <name>.crt/.key for the hosts, no fallback"},
	{"HTTPS_METHOD", false, OnContainer | OnProxy, "redirect", Converted, "redirect, noredirect, nohttp, nohttps; noredirect when the host has no certificate"},
	{"HSTS", false, OnContainer | OnProxy, "max-age=31536000", Converted, "Strict-Transport-Security value, or off; not with noredirect"},
	{"SSL_POLICY", false, OnContainer | OnProxy, DefaultSSLPolicy, ConvertedDiff, "named policy: TLS versions and ciphers per host (nginx applies versions per listener)"},
	{"ENABLE_HTTP_ON_MISSING_CERT", false, OnContainer | OnProxy, "true", Converted, "serve HTTP when the host has no certificate"},
	{"ACME_HTTP_CHALLENGE_LOCATION", false, OnContainer | OnProxy, "true", Converted, "serve /.well-known/acme-challenge/ from the shared html folder"},
	{"SERVER_TOKENS", false, OnContainer, "", Inert, "nginx's version in error pages"},
	{"DEFAULT_HOST", false, OnProxy, "", Converted, "host answering requests for unknown hosts (else 503)"},
	{"DEFAULT_ROOT", false, OnProxy, "404", Converted, "answer for paths no route takes on a host without /"},
	{"TRUST_DOWNSTREAM_PROXY", false, OnProxy, "true", Converted, "keep the client's X-Forwarded-Proto/Host/Port and append to X-Forwarded-For"},
	{"HTTP_PORT", false, OnProxy, "80", Converted, "HTTP listener port"},
	{"HTTPS_PORT", false, OnProxy, "443", Converted, "HTTPS listener port, also in redirects"},
	{"ENABLE_IPV6", false, OnProxy, "false", Converted, "also listen on IPv6"},
	{"ENABLE_HTTP2", false, OnProxy, "true", Converted, "HTTP/2 on HTTPS"},
	{"ENABLE_HTTP3", false, OnProxy, "false", Refused, "HTTP/3 (QUIC) needs a HAProxy built with QUIC"},
	{"ENABLE_PROXY_PROTOCOL", false, OnProxy, "false", Converted, "PROXY protocol on every listener"},
	{"NON_GET_REDIRECT", false, OnProxy, "301", Converted, "redirect status for OPTIONS, POST, PUT, PATCH, DELETE: 301, 307, 308"},
	{"TRUST_DEFAULT_CERT", false, OnProxy, "true", Converted, "use default.crt for hosts without a certificate"},
	{"PREFER_IPV6_NETWORK", false, OnProxy, "false", Converted, "use a server's IPv6 address when it has both"},
	{"RESOLVERS", false, OnProxy, "", Inert, "nginx's DNS resolvers"},
	{"SHA1_UPSTREAM_NAME", false, OnProxy, "false", Inert, "nginx upstream names"},
	{"DHPARAM_BITS", false, OnProxy, "4096", Inert, "DH group size"},
	{"DHPARAM_SKIP", false, OnProxy, "false", Inert, "no DH parameters"},
	{"DISABLE_ACCESS_LOGS", false, OnProxy, "false", Inert, "logging"},
	{"LOG_FORMAT", false, OnProxy, "", Inert, "logging"},
	{"LOG_FORMAT_ESCAPE", false, OnProxy, "", Inert, "logging"},
	{"LOG_JSON", false, OnProxy, "false", Inert, "logging"},
	{"NO_COLOR", false, OnProxy, "", Inert, "logging"},
	{"DEBUG_ENDPOINT", false, OnProxy, "false", Refused, "/nginx-proxy-debug shows nginx-proxy's own state"},
	{"ACME_HTTP_CHALLENGE_ACCEPT_UNKNOWN_HOST", false, OnProxy, "false", Converted, "serve ACME challenges for unknown hosts too"},
	{"NGINX_CONTAINER_LABEL", false, OnProxy, LabelPrefix + "nginx", Converted, "label of the nginx container in the separate-containers setup"},
	{"DOCKER_CONTAINER_FILTERS", false, OnProxy, "", Refused, "which containers are proxied: not applied here"},
	{"DOCKER_HOST", false, OnProxy, "unix:///var/run/docker.sock", Inert, "docker-gen's Docker endpoint"},
	{"DOCKER_TLS_VERIFY", false, OnProxy, "", Inert, "docker-gen's Docker endpoint"},
	{"DOCKER_CERT_PATH", false, OnProxy, "", Inert, "docker-gen's Docker endpoint"},

	{LabelPrefix + "loadbalance", true, OnContainer, "round robin", ConvertedDiff, "least_conn, ip_hash, random [two [least_conn]], hash <key> [consistent]"},
	{LabelPrefix + "keepalive", true, OnContainer, "auto", ConvertedDiff, "idle connections to servers: HAProxy reuses them by its own rules"},
	{LabelPrefix + "http2.enable", true, OnContainer, "proxy's ENABLE_HTTP2", Converted, "HTTP/2 for the hosts"},
	{LabelPrefix + "http3.enable", true, OnContainer, "proxy's ENABLE_HTTP3", Refused, "HTTP/3 for the hosts"},
	{LabelPrefix + "non-get-redirect", true, OnContainer, "proxy's NON_GET_REDIRECT", Converted, "redirect status for non-GET methods"},
	{LabelPrefix + "trust-default-cert", true, OnContainer, "proxy's TRUST_DEFAULT_CERT", Converted, "use default.crt for these hosts"},
	{LabelPrefix + "ssl_verify_client", true, OnContainer, "on", Refused, "mTLS; refused until client certificates are supported"},
	{LabelPrefix + "debug-endpoint", true, OnContainer, "proxy's DEBUG_ENDPOINT", Refused, "/nginx-proxy-debug"},
	{LabelPrefix + "nginx", true, OnProxy, "", Converted, "marks the nginx container of the separate-containers setup"},

	{"ACME_HOST", false, OnACME, "", Refused, "certificates from acme-companion: provide them in /etc/nginx/certs"},
	{"LETSENCRYPT_HOST", false, OnACME, "", Refused, "older name of ACME_HOST"},
	{"ACME_EMAIL", false, OnACME, "DEFAULT_EMAIL", Inert, "ACME account contact"},
	{"LETSENCRYPT_EMAIL", false, OnACME, "DEFAULT_EMAIL", Inert, "older name of ACME_EMAIL"},
	{"ACME_KEYSIZE", false, OnACME, "4096", Inert, "certificate key"},
	{"LETSENCRYPT_KEYSIZE", false, OnACME, "4096", Inert, "older name of ACME_KEYSIZE"},
	{"LETSENCRYPT_TEST", false, OnACME, "false", Inert, "staging certificates"},
	{"ACME_CA_URI", false, OnACME, "", Inert, "ACME directory"},
	{"ACME_CHALLENGE", false, OnACME, "HTTP-01", Inert, "challenge type"},
	{"ACMESH_DNS_API_CONFIG", false, OnACME, "", Inert, "DNS-01 settings"},
	{"ACME_CERT_PROFILE", false, OnACME, "", Inert, "certificate profile"},
	{"ACME_EAB_KID", false, OnACME, "", Inert, "external account binding"},
	{"ACME_EAB_HMAC_KEY", false, OnACME, "", Inert, "external account binding"},
	{"ACME_OCSP", false, OnACME, "false", Inert, "OCSP must-staple"},
	{"ACME_PRE_HOOK", false, OnACME, "", Inert, "hook"},
	{"ACME_POST_HOOK", false, OnACME, "", Inert, "hook"},
	{"ACME_PREFERRED_CHAIN", false, OnACME, "", Inert, "chain"},
	{"ACME_RENEW_AFTER", false, OnACME, "60", Inert, "renewal"},
	{"ACME_RENEW_PRIVATE_KEYS", false, OnACME, "true", Inert, "renewal"},
	{"ACME_RESTART_CONTAINER", false, OnACME, "false", Inert, "restart on renewal"},
	{"LETSENCRYPT_RESTART_CONTAINER", false, OnACME, "false", Inert, "older name of ACME_RESTART_CONTAINER"},
	{"ACME_SINGLE_DOMAIN_CERTS", false, OnACME, "false", Inert, "one certificate per host"},
	{"LETSENCRYPT_SINGLE_DOMAIN_CERTS", false, OnACME, "false", Inert, "older name of ACME_SINGLE_DOMAIN_CERTS"},
	{"ZEROSSL_API_KEY", false, OnACME, "", Inert, "ZeroSSL account"},
}

// lookup returns the row of a variable (env) or label.
func lookup(name string, label bool) (Var, bool) {
	v, ok := byName()[varKey{name, label}]
	return v, ok
}

type varKey struct {
	name  string
	label bool
}

// byName indexes Variables: every variable and label of every container
// is looked up (the first row of a name wins, as a scan would find it).
var byName = sync.OnceValue(func() map[varKey]Var {
	m := make(map[varKey]Var, len(Variables))
	for _, v := range Variables {
		if _, ok := m[varKey{v.Name, v.Label}]; !ok {
			m[varKey{v.Name, v.Label}] = v
		}
	}
	return m
})

func names(label bool, scope Scope) []string {
	var out []string
	for _, v := range Variables {
		if v.Label == label && v.Scope&scope != 0 {
			out = append(out, v.Name)
		}
	}
	return out
}
