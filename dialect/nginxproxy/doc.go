// Package nginxproxy reads nginx-proxy's dialect: the VIRTUAL_* variables
// of the proxied containers, acme-companion's LETSENCRYPT_HOST/ACME_HOST,
// nginx-proxy's labels, and, when the project holds it, the nginx-proxy
// container's own settings and mounted folders (htpasswd, certs, vhost.d,
// network_internal.conf). Decoding is dialect/nginxproxy/vars's; this
// package maps what it decodes onto the model's tags (server_alias, path,
// strip_path, backend_tls, proto, https_only, deny_http, hsts, allow,
// default, acme, balance) and refuses, with the reason, what the model
// cannot do exactly. An access control (basic auth from htpasswd files,
// NETWORK_ACCESS=internal) is applied or refused, never dropped.
//
// The proxy container itself (and docker-gen, nginx and acme-companion
// of the separate-containers setup) is left out: HAProxy replaces it.
//
// Table is the single list of variables with what becomes of each; the
// documentation's table (docs/nginx-proxy.md) and the migration report
// (Report) are made from it and from the diagnostics of a run.
package nginxproxy
