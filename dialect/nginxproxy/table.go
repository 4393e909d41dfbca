package nginxproxy

import (
	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy/vars"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Status is what becomes of a variable, in the migration report and the
// documentation's table.
type Status string

const (
	Converted     Status = "converted"
	ConvertedDiff Status = "converted with a difference"
	Refused       Status = "refused"
	NoEffect      Status = "no effect"
)

// effect is what compose2haproxy does with one of nginx-proxy's variables
// or labels (vars.Variables names them all).
type effect struct {
	status Status
	doc    string
}

// acmeSetting is the effect of acme-companion's settings of its own.
var acmeSetting = effect{NoEffect, "acme-companion's own setting; HAProxy's ACME client takes `" + model.OptionACMEDirectory.Ref() + "` and `" + model.OptionACMEContact.Ref() + "`"}

// effects are, by variable or label, what this dialect does with each of
// vars.Variables; TestEveryVariableHasAnEffect keeps the two in step.
var effects = map[string]effect{
	"VIRTUAL_HOST": {ConvertedDiff, "as `server_alias` for each host: exact names and `*.x` as they are, `.x` as `x` and `*.x`; " +
		"`x.*` is an **error** (this tool's wildcards are suffixes); `~regex` is expanded to its names when it is anchored (`^…$`) and " +
		"matches finitely many, else an **error**"},
	"VIRTUAL_PORT": {Converted, "the port routed; without it nginx-proxy's rule: the only port the compose file declares, else 80 " +
		"(a port only the image exposes cannot be seen: a warning asks for VIRTUAL_PORT)"},
	"VIRTUAL_PATH": {ConvertedDiff, "as `path=`: segment-aware here (`/api` takes `/api` and `/api/…`, not `/apix`, which nginx's string prefix takes; " +
		"a warning, an error under `" + model.OptionStrict.Ref() + "`); `/api/`: nginx answers `/api` with a 301 to `/api/`, here `/api` reaches the service; " +
		"`= /x`, `~regex` and `~*regex` locations are **errors**"},
	"VIRTUAL_DEST": {Converted, "the matched prefix is replaced: as `strip_path` for a path ending in `/` with `/`, else a path rewrite " +
		"(`^PATH` → `DEST`); one path per port"},
	"VIRTUAL_PROTO": {Converted, "`https` as `backend_tls=insecure` (as nginx: the certificate is not verified and no SNI is sent), " +
		"`grpc` as `proto=h2`, `grpcs` as both; `fastcgi` and `uwsgi` are **errors**"},
	"VIRTUAL_ROOT":            {Refused, "only read with `VIRTUAL_PROTO=fastcgi`, which is refused; a warning otherwise (no effect)"},
	"VIRTUAL_HOST_MULTIPORTS": {Converted, "hosts, paths, ports, protos and dests as the five variables above; one backend a port, so the hosts of a port need the same paths and one proto, else an **error**"},
	"EXTERNAL_HTTP_PORT":      {Refused, "hosts on proxy ports of their own are not translated"},
	"EXTERNAL_HTTPS_PORT":     {Refused, "hosts on proxy ports of their own are not translated"},
	"NETWORK_ACCESS":          {Converted, "`internal` as `allow=` for each of nginx-proxy's internal ranges (127/8, 10/8, 172.16/12, 192.168/16, fc00::/7), or those of a mounted `network_internal.conf`; others get 403"},
	"CERT_NAME":               {ConvertedDiff, "HAProxy picks a certificate of `" + model.OptionCerts.Ref() + "` by the server name: put NAME.crt and NAME.key there as one PEM file; without `" + model.OptionCerts.Ref() + "` a warning"},
	"HTTPS_METHOD": {ConvertedDiff, "with an HTTPS listener (`" + model.OptionCerts.Ref() + "`, or ACME): `redirect` as `https_only`, `nohttp` as `deny_http` (403 where nginx-proxy answers 503), " +
		"`nohttps` is also served over HTTPS (a warning), `noredirect` as is; without one, served over HTTP as nginx-proxy does for a host without certificate"},
	"HSTS": {Converted, "with an HTTPS listener and `redirect` or `nohttp`: `max-age=N` as `hsts=N`, another value as the response header; `off`: none"},
	"SSL_POLICY": {Refused, "`Mozilla-Intermediate` (nginx-proxy's default) is accepted with a warning: the config's intermediate profile leaves out " +
		"the three DHE-RSA ciphers; other policies are **errors** (the config sets one policy for every host)"},
	"ENABLE_HTTP_ON_MISSING_CERT":  {Converted, "`false` without an HTTPS listener is an **error** (nginx-proxy would redirect to an HTTPS it cannot serve)"},
	"ACME_HTTP_CHALLENGE_LOCATION": {NoEffect, "HAProxy answers the HTTP-01 challenges of its own ACME client"},
	"SERVER_TOKENS":                {NoEffect, "HAProxy's error pages show no version"},
	"DEFAULT_HOST": {Converted, "as `default` on the service that serves that host's `/`; an **error** when the host has only path routes; " +
		"a warning when no container serves it (nginx-proxy then changes nothing)"},
	"DEFAULT_ROOT":           {Converted, "404 (the default) is what this tool answers for a host's paths no route takes; another answer is an **error**"},
	"TRUST_DOWNSTREAM_PROXY": {ConvertedDiff, "`true` (the default): X-Forwarded-For is appended to, as here; X-Forwarded-Proto is set from the connection here, and X-Forwarded-Host, -Port, -Ssl and X-Real-IP are not sent; `false` is an **error** (X-Forwarded-For would keep what the client wrote)"},
	"HTTP_PORT":              {ConvertedDiff, "the listener is `" + model.OptionHTTP.Ref() + "`'s: a warning when its port differs"},
	"HTTPS_PORT":             {ConvertedDiff, "the listener is `" + model.OptionHTTPS.Ref() + "`'s: a warning when its port differs"},
	"ENABLE_IPV6":            {ConvertedDiff, "a warning unless `" + model.OptionHTTP.Ref() + "` gives an IPv6 address (`[::]:80`)"},
	"ENABLE_HTTP2":           {ConvertedDiff, "HAProxy offers HTTP/2 over TLS to every host: `false` is a warning"},
	"ENABLE_HTTP3":           {Refused, "HTTP/3 is `" + model.OptionHTTP3.Ref() + "`'s, for every host"},
	"ENABLE_PROXY_PROTOCOL":  {Converted, "needs `" + model.OptionAcceptProxy.Ref() + "`: an **error** without it"},
	"NON_GET_REDIRECT":       {Converted, "the status of the `https_only` redirect for methods other than GET: 301 (the default) for every method, 308 as this tool does; 307 is a warning (308 here)"},
	"TRUST_DEFAULT_CERT":     {NoEffect, "HAProxy serves its first certificate to unknown names"},
	"PREFER_IPV6_NETWORK":    {NoEffect, "servers are resolved preferring IPv4 (Docker's DNS answers A records)"},
	"RESOLVERS":              {NoEffect, "servers are resolved through Docker's DNS (`" + model.OptionResolvers.Ref() + "`)"},
	"SHA1_UPSTREAM_NAME":     {NoEffect, "nginx's upstream names"},
	"DHPARAM_BITS":           {NoEffect, "HAProxy's own DH parameters"},
	"DHPARAM_SKIP":           {NoEffect, "HAProxy's own DH parameters"},
	"DISABLE_ACCESS_LOGS":    {NoEffect, "logging is `" + model.OptionLog.Ref() + "`'s"},
	"LOG_FORMAT":             {NoEffect, "logging is `" + model.OptionLog.Ref() + "`'s"},
	"LOG_FORMAT_ESCAPE":      {NoEffect, "logging is `" + model.OptionLog.Ref() + "`'s"},
	"LOG_JSON":               {NoEffect, "logging is `" + model.OptionLog.Ref() + "`'s"},
	"NO_COLOR":               {NoEffect, "logging"},
	"DEBUG_ENDPOINT":         {Refused, "nginx-proxy's own state has no equivalent"},
	"ACME_HTTP_CHALLENGE_ACCEPT_UNKNOWN_HOST": {NoEffect, "HAProxy answers only its own ACME challenges"},
	"NGINX_CONTAINER_LABEL":                   {Converted, "finds the nginx container of the separate-containers setup, whose folders are read"},
	"DOCKER_CONTAINER_FILTERS":                {Refused, "every service with VIRTUAL_HOST would be routed, including those nginx-proxy skips"},
	"DOCKER_HOST":                             {NoEffect, "docker-gen's"},
	"DOCKER_TLS_VERIFY":                       {NoEffect, "docker-gen's"},
	"DOCKER_CERT_PATH":                        {NoEffect, "docker-gen's"},

	vars.LabelPrefix + "loadbalance": {ConvertedDiff, "as `balance`: least_conn → leastconn, ip_hash and hash $remote_addr → source, hash $request_uri → uri, " +
		"hash $http_NAME → hdr(NAME), random → random; `consistent`, `random two` and ip_hash's /24 are warnings"},
	vars.LabelPrefix + "keepalive":          {NoEffect, "HAProxy keeps idle server connections by its own rules"},
	vars.LabelPrefix + "http2.enable":       {ConvertedDiff, "HAProxy offers HTTP/2 over TLS to every host: `false` is a warning"},
	vars.LabelPrefix + "http3.enable":       {Refused, "HTTP/3 is `" + model.OptionHTTP3.Ref() + "`'s, for every host"},
	vars.LabelPrefix + "non-get-redirect":   {Converted, "as `NON_GET_REDIRECT`, for the container's hosts"},
	vars.LabelPrefix + "trust-default-cert": {NoEffect, "HAProxy serves its first certificate to unknown names"},
	vars.LabelPrefix + "ssl_verify_client":  {Refused, "client certificates (mTLS) are not checked: requests nginx-proxy refuses would be let in"},
	vars.LabelPrefix + "debug-endpoint":     {Refused, "nginx-proxy's own state has no equivalent"},
	vars.LabelPrefix + "nginx":              {Converted, "marks the nginx container of the separate-containers setup, left out with the proxy"},

	"ACME_HOST":        {Converted, "as the `acme` tag (needs `" + model.OptionACMEDirectory.Ref() + "` and HAProxy 3.2, docs/acme.md); without it an **error**, unless `" + model.OptionCerts.Ref() + "` holds the certificates"},
	"LETSENCRYPT_HOST": {Converted, "as `ACME_HOST`"},
}

// Table describes nginx-proxy's variables: docs/nginx-proxy.md's table is
// made from it.
func (Dialect) Table() model.Table {
	var keys []model.LabelDoc
	for _, v := range vars.Variables {
		e, ok := effects[v.Name]
		if !ok {
			e = acmeSetting
		}
		where := "container"
		switch {
		case v.Scope&vars.OnProxy != 0 && v.Scope&vars.OnContainer != 0:
			where = "container, proxy (default)"
		case v.Scope&vars.OnProxy != 0:
			where = "proxy"
		case v.Scope&vars.OnACME != 0:
			where = "container (acme-companion)"
		}
		if v.Label {
			where += ", label"
		}
		keys = append(keys, model.LabelDoc{Name: v.Name, Value: where, Effect: string(e.status) + ": " + e.doc, Example: v.Default})
	}
	return model.Table{Name: "nginx-proxy", Prefix: "VIRTUAL_", Route: "VIRTUAL_HOST", Keys: keys,
		Limits: []model.LimitDoc{{What: "names a `~regex` VIRTUAL_HOST expands to", Value: "64", Why: "each is a host of the config"}}}
}
