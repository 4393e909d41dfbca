package vars

import (
	"fmt"
	"github.com/compose2haproxy/compose2haproxy/internal/spelling"
	"slices"
	"strconv"
	"strings"
)

// Role is what a service is in an nginx-proxy setup.
type Role int

const (
	// NotProxy: a service like any other (perhaps proxied).
	NotProxy Role = iota
	// RoleProxy: the all-in-one nginx-proxy image: its variables are the
	// proxy's settings, its mounts the proxy's folders.
	RoleProxy
	// RoleDockerGen: docker-gen of the separate-containers setup
	// (nginxproxy/nginx-proxy:*dockergen*, nginxproxy/docker-gen,
	// jwilder/docker-gen): the proxy's settings are its variables.
	RoleDockerGen
	// RoleNginx: the nginx container of that setup, found by its label: the
	// proxy's folders are its mounts.
	RoleNginx
)

func (r Role) String() string {
	return [...]string{"not a proxy", "nginx-proxy", "docker-gen", "nginx"}[r]
}

// DefaultNginxLabel is the label docker-gen finds the nginx container by,
// unless NGINX_CONTAINER_LABEL names another.
const DefaultNginxLabel = LabelPrefix + "nginx"

// ProxyRole says whether a service is nginx-proxy, from its image and labels.
// nginxLabel is the docker-gen service's NGINX_CONTAINER_LABEL, or "" for
// the default. Images are compared without registry, tag and digest:
// nginxproxy/nginx-proxy, jwilder/nginx-proxy (and ghcr.io/nginx-proxy/...).
func ProxyRole(image string, labels map[string]string, nginxLabel string) Role {
	if nginxLabel == "" {
		nginxLabel = DefaultNginxLabel
	}
	repo, tag := splitImage(image)
	switch repo {
	case "nginxproxy/nginx-proxy", "jwilder/nginx-proxy", "nginx-proxy/nginx-proxy":
		if strings.Contains(tag, "dockergen") {
			return RoleDockerGen
		}
		return RoleProxy
	case "nginxproxy/docker-gen", "jwilder/docker-gen", "nginx-proxy/docker-gen":
		return RoleDockerGen
	}
	if _, ok := labels[nginxLabel]; ok {
		return RoleNginx
	}
	return NotProxy
}

// splitImage returns an image's repository without registry (and without
// Docker Hub's "library/"), and its tag.
func splitImage(image string) (repo, tag string) {
	image, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(image)), "@")
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image, tag = image[:i], image[i+1:]
	}
	parts := strings.Split(image, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		parts = parts[1:]
	}
	return strings.Join(parts, "/"), tag
}

// Return is an nginx "return" as DEFAULT_ROOT gives it.
type Return struct {
	// None: DEFAULT_ROOT=none, nginx-proxy writes no "location /".
	None   bool
	Status int
	// URL for 301, 302, 303, 307 and 308 (nginx variables $scheme, $host,
	// $request_uri kept as written); Body text for other statuses.
	URL  string
	Body string
}

// ParseDefaultRoot reads DEFAULT_ROOT as nginx's return directive does.
func ParseDefaultRoot(s string) (Return, error) {
	s = strings.TrimSpace(s)
	if s == "none" {
		return Return{None: true}, fmt.Errorf("none leaves \"location /\" to a vhost.d file, whose nginx syntax is not translated; nginx answers such paths from its own html folder otherwise")
	}
	code, rest, _ := strings.Cut(s, " ")
	rest = strings.TrimSpace(rest)
	n, err := strconv.Atoi(code)
	if err != nil || n < 100 || n > 999 || len(code) != 3 {
		if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "$scheme") {
			n, rest = 302, s
		} else {
			return Return{}, fmt.Errorf("a status (404), a status and text, or a redirect status and URL")
		}
	}
	r := Return{Status: n}
	switch n {
	case 301, 302, 303, 307, 308:
		if rest == "" {
			return r, fmt.Errorf("a redirect status needs a URL")
		}
		if err := checkNginxVars(rest); err != nil {
			return r, err
		}
		r.URL = rest
	default:
		if strings.Contains(rest, "$") {
			return r, fmt.Errorf("nginx variables are translated only in redirect URLs")
		}
		r.Body = strings.Trim(rest, "\"'")
	}
	if strings.ContainsAny(rest, ";{}") {
		return r, fmt.Errorf("';', '{' and '}' end nginx-proxy's return directive")
	}
	return r, nil
}

// redirectVars are the nginx variables a redirect URL may use here.
var redirectVars = []string{"$scheme", "$host", "$request_uri", "$uri", "$args", "$server_port"}

func checkNginxVars(s string) error {
	for i := strings.IndexByte(s, '$'); i >= 0; i = strings.IndexByte(s, '$') {
		s = s[i:]
		end := 1
		for end < len(s) && (s[end] == '_' || s[end] >= 'a' && s[end] <= 'z' || s[end] >= '0' && s[end] <= '9') {
			end++
		}
		if !slices.Contains(redirectVars, s[:end]) {
			return fmt.Errorf("nginx variable %s not translated: %s are", s[:end], strings.Join(redirectVars, ", "))
		}
		s = s[end:]
	}
	return nil
}

// Proxy is the nginx-proxy container's settings (docker-gen's in the
// separate-containers setup), nginx-proxy's defaults filled in.
type Proxy struct {
	DefaultHost          Val[string] // unset: unknown hosts get 503
	DefaultRoot          Val[Return] // 404
	TrustDownstreamProxy Val[bool]   // true
	HTTPSMethod          Val[HTTPSMethod]
	HSTS                 Val[HSTS]
	HTTPPort             Val[int] // 80
	HTTPSPort            Val[int] // 443
	EnableIPv6           Val[bool]
	SSLPolicy            Val[SSLPolicy]
	TrustDefaultCert     Val[bool] // true
	EnableHTTPOnMissing  Val[bool] // true
	NonGetRedirect       Val[int]  // 301
	EnableHTTP2          Val[bool] // true
	ProxyProtocol        Val[bool]
	PreferIPv6Network    Val[bool]
	ACMEChallenge        Val[string] // true, false or legacy
	ACMEUnknownHost      Val[bool]
	NginxLabel           Val[string]
}

// DecodeProxy reads the proxy's variables. Every documented variable is
// decoded, defaulted, or reported; an invalid value is an error.
func DecodeProxy(env map[string]string) (*Proxy, Diagnostics, error) {
	if len(env) > maxKeys {
		return nil, nil, fmt.Errorf("%d variables (at most %d): %w", len(env), maxKeys, ErrLimit)
	}
	for k, v := range env {
		if len(k)+len(v) > maxValueLen {
			return nil, nil, fmt.Errorf("variable %s of %d bytes (at most %d): %w", k, len(v), maxValueLen, ErrLimit)
		}
	}
	var ds Diagnostics
	get := func(k string) (string, bool) { v, ok := env[k]; return v, ok && v != "" }
	o := func(k string) Origin { return Origin{Source: "env", Key: k} }
	boolean := func(k string, def bool) Val[bool] {
		if s, ok := get(k); ok {
			b, err := strconv.ParseBool(s)
			if err == nil {
				return envVal(k, b)
			}
			ds.add(Error, o(k), s, "not a boolean (true or false): nginx-proxy fails to write any configuration")
		}
		return defVal(k, def)
	}
	port := func(k string, def int) Val[int] {
		if s, ok := get(k); ok {
			n, err := parsePort(s)
			if err == nil {
				return envVal(k, n)
			}
			ds.add(Error, o(k), s, "%v", err)
		}
		return defVal(k, def)
	}
	p := &Proxy{
		TrustDownstreamProxy: boolean("TRUST_DOWNSTREAM_PROXY", true),
		EnableIPv6:           boolean("ENABLE_IPV6", false),
		TrustDefaultCert:     boolean("TRUST_DEFAULT_CERT", true),
		EnableHTTPOnMissing:  boolean("ENABLE_HTTP_ON_MISSING_CERT", true),
		EnableHTTP2:          boolean("ENABLE_HTTP2", true),
		ProxyProtocol:        boolean("ENABLE_PROXY_PROTOCOL", false),
		PreferIPv6Network:    boolean("PREFER_IPV6_NETWORK", false),
		ACMEUnknownHost:      boolean("ACME_HTTP_CHALLENGE_ACCEPT_UNKNOWN_HOST", false),
		HTTPPort:             port("HTTP_PORT", 80),
		HTTPSPort:            port("HTTPS_PORT", 443),
		HTTPSMethod:          defVal("HTTPS_METHOD", Redirect),
		HSTS:                 defVal("HSTS", HSTS{Value: DefaultHSTS}),
		SSLPolicy:            defVal("SSL_POLICY", SSLPolicies[DefaultSSLPolicy]),
		NonGetRedirect:       defVal("NON_GET_REDIRECT", 301),
		DefaultRoot:          defVal("DEFAULT_ROOT", Return{Status: 404}),
		ACMEChallenge:        defVal("ACME_HTTP_CHALLENGE_LOCATION", "true"),
		NginxLabel:           defVal("NGINX_CONTAINER_LABEL", DefaultNginxLabel),
	}
	if p.HTTPPort.V == p.HTTPSPort.V {
		ds.add(Error, o("HTTPS_PORT"), strconv.Itoa(p.HTTPSPort.V), "HTTP_PORT and HTTPS_PORT are the same port")
	}
	if s, ok := get("DEFAULT_HOST"); ok {
		if _, err := ParseHost(s); err != nil {
			ds.add(Error, o("DEFAULT_HOST"), s, "%v", err)
		} else {
			p.DefaultHost = envVal("DEFAULT_HOST", s)
		}
	}
	if s, ok := get("DEFAULT_ROOT"); ok {
		if r, err := ParseDefaultRoot(s); err != nil {
			ds.add(Error, o("DEFAULT_ROOT"), s, "%v", err)
		} else {
			p.DefaultRoot = envVal("DEFAULT_ROOT", r)
		}
	}
	if s, ok := get("HTTPS_METHOD"); ok {
		if m, err := parseHTTPSMethod(s); err != nil {
			ds.add(Error, o("HTTPS_METHOD"), s, "%v", err)
		} else {
			p.HTTPSMethod = envVal("HTTPS_METHOD", m)
		}
	}
	if s, ok := get("HSTS"); ok {
		if h, err := parseHSTS(s); err != nil {
			ds.add(Error, o("HSTS"), s, "%v", err)
		} else {
			p.HSTS = envVal("HSTS", h)
		}
	}
	if s, ok := get("SSL_POLICY"); ok {
		if sp, err := parseSSLPolicy(s); err != nil {
			ds.add(Error, o("SSL_POLICY"), s, "%v", err)
		} else {
			p.SSLPolicy = envVal("SSL_POLICY", sp)
		}
	}
	if s, ok := get("NON_GET_REDIRECT"); ok {
		if n, err := parseNonGetRedirect(s); err != nil {
			ds.add(Error, o("NON_GET_REDIRECT"), s, "%v", err)
		} else {
			p.NonGetRedirect = envVal("NON_GET_REDIRECT", n)
		}
	}
	if s, ok := get("ACME_HTTP_CHALLENGE_LOCATION"); ok {
		if _, err := strconv.ParseBool(s); err != nil && s != "legacy" {
			ds.add(Error, o("ACME_HTTP_CHALLENGE_LOCATION"), s, "true, false or legacy")
		} else {
			p.ACMEChallenge = envVal("ACME_HTTP_CHALLENGE_LOCATION", s)
		}
	}
	if s, ok := get("NGINX_CONTAINER_LABEL"); ok {
		p.NginxLabel = envVal("NGINX_CONTAINER_LABEL", s)
	}
	if s, ok := get("ENABLE_HTTP3"); ok {
		if b, err := strconv.ParseBool(s); err != nil || b {
			ds.add(Error, o("ENABLE_HTTP3"), s, "HTTP/3 is not translated: HAProxy needs QUIC support built in; remove the variable")
		}
	}
	if s, ok := get("DEBUG_ENDPOINT"); ok {
		if b, err := strconv.ParseBool(s); err != nil || b {
			ds.add(Error, o("DEBUG_ENDPOINT"), s, "nginx-proxy's /nginx-proxy-debug shows nginx-proxy's own state and has no equivalent; remove the variable")
		}
	}
	if s, ok := get("DOCKER_CONTAINER_FILTERS"); ok {
		ds.add(Error, o("DOCKER_CONTAINER_FILTERS"), s, "container filters are not applied: every service with VIRTUAL_HOST would be routed, including those nginx-proxy skips")
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		row, ok := lookup(k, false)
		switch {
		case ok && row.Status == Inert && env[k] != "":
			ds.add(Note, o(k), env[k], "no effect: %s", row.Doc)
		case ok && row.Scope&OnProxy == 0 && env[k] != "":
			ds.add(Warning, o(k), env[k], "read on proxied containers only: it has no effect on the proxy")
		case !ok:
			if s := suggest(k, names(false, OnProxy)); s != "" && spelling.Distance(k, s) <= 2 {
				ds.add(Warning, o(k), env[k], "not an nginx-proxy variable; did you mean %s?", s)
			}
		}
	}
	ds.Sort()
	return p, ds, nil
}
