// Package vars reads the data side of nginx-proxy (1.x, its nginx.tmpl and
// docs/README.md) and of acme-companion (2.x): a proxied container's
// variables and labels, the proxy container's settings, and the files the
// proxy mounts. It is pure: no Docker, no file system, no other package of
// this repository; callers pass maps, names and bytes. It says what
// nginx-proxy would do and whether HAProxy can do exactly that; it does not
// write HAProxy configuration.
//
// # What is read
//
//   - DecodeContainer: VIRTUAL_HOST, VIRTUAL_PORT, VIRTUAL_PATH,
//     VIRTUAL_DEST, VIRTUAL_PROTO, VIRTUAL_ROOT, VIRTUAL_HOST_MULTIPORTS
//     (DecodeMultiports), EXTERNAL_HTTP(S)_PORT, HTTPS_METHOD, HSTS,
//     CERT_NAME, SSL_POLICY, NETWORK_ACCESS, ENABLE_HTTP_ON_MISSING_CERT,
//     ACME_HTTP_CHALLENGE_LOCATION, the com.github.nginx-proxy.nginx-proxy.*
//     labels (loadbalance, keepalive, http2.enable, http3.enable,
//     non-get-redirect, trust-default-cert, ssl_verify_client,
//     debug-endpoint), and acme-companion's ACME_HOST/ACME_EMAIL (older
//     names LETSENCRYPT_HOST/LETSENCRYPT_EMAIL, read when the new ones are
//     empty). Variables is the single table of names, defaults and status.
//   - ProxyRole: whether a service is the proxy: images
//     nginxproxy/nginx-proxy, jwilder/nginx-proxy (any registry, tag or
//     digest); a *dockergen* tag or a docker-gen image holds the settings of
//     the separate-containers setup; a service with the label
//     com.github.nginx-proxy.nginx-proxy.nginx (or NGINX_CONTAINER_LABEL) is
//     its nginx, which holds the folders.
//   - DecodeProxy: DEFAULT_HOST, DEFAULT_ROOT, TRUST_DOWNSTREAM_PROXY,
//     HTTPS_METHOD, HSTS, HTTP_PORT, HTTPS_PORT, ENABLE_IPV6, SSL_POLICY,
//     TRUST_DEFAULT_CERT, ENABLE_HTTP_ON_MISSING_CERT, NON_GET_REDIRECT,
//     ENABLE_HTTP2, ENABLE_PROXY_PROTOCOL, PREFER_IPV6_NETWORK,
//     ACME_HTTP_CHALLENGE_*; logging, DH and resolver variables are notes.
//   - ClassifyMounts, CertPairs, SelectCert, HtpasswdFile, ParseHtpasswd,
//     CheckVhostDir, ParseNetworkInternal: the proxy's folders.
//
// Every value keeps its Origin (variable, label, multiports path and line,
// or file and line) for messages only.
//
// # nginx-proxy's behaviour, which the model should follow
//
// Read in nginx.tmpl (templates "location", "upstream", the vhost loops and
// "fallback_server") and docs/README.md:
//
//   - Hosts: VIRTUAL_HOST is split on commas and trimmed; empty entries are
//     skipped. nginx picks a host by: exact name, longest "*.x", longest
//     "x.*", then the first regex in nginx-proxy's order (entries sorted
//     byte-wise): SortHosts, SelectHost. "*.x" matches any depth, not x;
//     ".x" matches x too. Regexes are searched (unanchored unless they
//     anchor), case-insensitively, in the lower-cased Host without port.
//   - Unknown host: nginx-proxy's fallback server answers 503 over HTTP;
//     over HTTPS it uses default.crt when present, else rejects the
//     handshake. DEFAULT_HOST makes that host's server the default instead
//     (only on the ports it listens on; a DEFAULT_HOST no container serves
//     changes nothing).
//   - Paths: VIRTUAL_PATH defaults to "/"; it is written as an nginx
//     location, so "= /x", "^~ /x", "~re", "~*re" are honoured. Precedence
//     (SelectPath): exact; longest prefix if "^~"; first matching regex;
//     longest prefix. Prefixes are string prefixes (/api takes /apiary). A
//     prefix ending in "/" also answers 301 to the same path plus "/" for
//     the path without it (nginx's proxy_pass rule). nginx matches the
//     percent-decoded, dot-segment- and slash-merged path.
//   - A host whose containers give no "/" path answers DEFAULT_ROOT (404 by
//     default) for every other path; with a "/" container, that container.
//   - VIRTUAL_DEST replaces the matched prefix (Rewrite.Apply); the query is
//     kept. Ignored for grpc, grpcs, fastcgi.
//   - Port: VIRTUAL_PORT, else the only exposed port, else 80
//     (DefaultPort; PortRule says which).
//   - VIRTUAL_HOST_MULTIPORTS replaces VIRTUAL_HOST, _PORT, _PROTO, _PATH
//     and _DEST; a value that does not parse drops the container; an empty
//     host means {"/": {}}; keys not starting with "/" other than the two
//     external ports are skipped.
//   - HTTPS_METHOD (default redirect): redirect answers 301 to
//     https://$host[:HTTPS_PORT]$request_uri (NON_GET_REDIRECT for OPTIONS,
//     POST, PUT, PATCH, DELETE), except /.well-known/acme-challenge/;
//     nohttp/nohttps leave the host unknown on the other scheme; without a
//     usable certificate, redirect and nohttp become noredirect
//     (EffectiveHTTPSMethod) and HTTPS handshakes for the host are rejected.
//   - HSTS (default max-age=31536000) is added to HTTPS answers of hosts
//     with a usable certificate, "always" (error answers too), unless the
//     method is noredirect or HSTS=off.
//   - Certificates (SelectCert): CERT_NAME (no fallback), <host>.crt, the
//     parent's .crt for hosts of three labels or more (never the
//     grandparent), default.crt when trusted; the chosen name needs its .key
//     or HTTPS is disabled for the host.
//   - Basic auth: htpasswd/<host>_<sha1(path)> for a path, else
//     htpasswd/<host>; regex hosts use sha1(regex) as <host>. No
//     "_location" suffix (that is vhost.d's).
//   - NETWORK_ACCESS=internal: only InternalRanges (127/8, 10/8,
//     192.168/16, 172.16/12, fc00::/7, from the image's
//     network_internal.conf; the docs list the IPv4 four) or a mounted
//     replacement; others get 403. nginx uses the connection's address.
//   - TRUST_DOWNSTREAM_PROXY (default true): the client's X-Forwarded-Proto,
//     -Host and -Port are passed on when present, X-Forwarded-For appended
//     to; false: they are set from the connection and X-Forwarded-For is
//     replaced by the client address. X-Forwarded-Ssl follows the proto;
//     X-Real-IP and X-Original-URI are set; Proxy is removed; Host gets
//     ":port" when the listener is not 80 or 443.
//   - SSL_POLICY: per host in HAProxy (crt-list); nginx negotiates TLS
//     versions with its default server, and nginx-proxy lowers its global
//     policy to Mozilla-Old when any container uses a TLS 1.0/1.1 policy
//     (SSLPolicy.LowersGlobal): the translation is stricter for other hosts.
//   - Several containers on one host and path are one upstream
//     (round-robin unless the loadbalance label says otherwise); their
//     per-host settings come from whichever container nginx-proxy reads
//     first: the caller should refuse conflicting values.
//
// # What is refused (Error diagnostics), and why
//
//   - Regex hosts and paths outside RE2 (lookaround, backreferences,
//     possessive, atomic), or with spaces, quotes, ';', '{', '}', which
//     nginx-proxy writes unquoted and nginx then rejects; regex paths with
//     VIRTUAL_DEST (nginx rejects them); regex or exact paths in
//     VIRTUAL_HOST_MULTIPORTS (skipped by nginx-proxy).
//   - "*" inside a name, a port in a host, names with other characters.
//   - VIRTUAL_PROTO=uwsgi (HAProxy has no uwsgi); unknown protocols,
//     methods, policies, booleans, ports; NETWORK_ACCESS other than
//     internal/external (nginx-proxy would leave the routes public).
//   - htpasswd users hashed with $apr1$ (htpasswd's default), $1$, {SHA},
//     {SSHA}, plain, DES crypt, yescrypt, or malformed: HAProxy's crypt(3)
//     cannot check them the same way; the message says to re-hash with
//     htpasswd -B or mkpasswd -m sha-512. Accepted: $6$, $5$, $2a/b/y$.
//   - vhost.d files, conf.d files, proxy.conf, toplevel.conf.d, nginx.conf
//     (nginx syntax), DEFAULT_ROOT=none, mTLS files and labels, HTTP/3,
//     the debug endpoint, DOCKER_CONTAINER_FILTERS.
//   - ACME_HOST/LETSENCRYPT_HOST: certificates are not obtained; the
//     message names the files to provide.
//   - Unknown VIRTUAL_*, ACME_*, LETSENCRYPT_* variables and nginx-proxy
//     labels with the closest known name (without one, a warning:
//     VIRTUAL_ENV is Python's).
//
// # Bounds
//
// At most 4096 variables and labels, 64 KiB a value, 64 KiB and 10,000
// YAML nodes for VIRTUAL_HOST_MULTIPORTS (aliases counted as followed),
// 1 KiB regexes (RE2: linear time), 253-byte hosts, 1 MiB files. Beyond a
// cap the functions return an error wrapping ErrLimit (regex hosts and
// paths: an Error diagnostic).
package vars
