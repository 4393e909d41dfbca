package cli

import "github.com/compose2haproxy/compose2haproxy/model"

// flagDoc is what the reference page (docs/command-line.md) says of a flag
// beyond its line in --help. The page's table is made from the flag set
// (names, value names, defaults) and these, so a flag without one, or one
// without a flag, fails TestFlagTable.
type flagDoc struct {
	doc     string // Markdown; links are relative to docs/
	example string
	common  bool // also in the README's table of common flags
}

var flagDocs = map[string]flagDoc{
	"haproxy-version": {doc: "the HAProxy the config is for (default: `--check`'s binary's, else " + model.DefaultTarget + ", which every later version accepts); a feature it lacks is an error naming the first version that has it (see [acme.md](acme.md))",
		example: "--haproxy-version 3.2"},
	"acme-directory": {doc: "certificates from this ACME CA (`letsencrypt`, `letsencrypt-staging` or a URL) for the routes tagged `acme`; HAProxy 3.2+ (see [acme.md](acme.md))", example: "--acme-directory letsencrypt"},
	"acme-contact":   {doc: "the ACME account's e-mail address", example: "--acme-contact ops@example.com"},
	"acme-key-type":  {doc: "the key of ACME certificates", example: "--acme-key-type rsa-2048"},
	"acme-dir":       {doc: "where HAProxy keeps ACME certificates in its container (a volume; see [acme.md](acme.md))", example: "--acme-dir /etc/haproxy/acme"},
	"acme-ca-file":   {doc: "the CAs HAProxy trusts when it talks to the ACME CA (a test CA such as Pebble)", example: "--acme-ca-file pebble.minica.pem"},
	"acme-placeholders": {doc: "write an expired placeholder certificate for each new ACME host, which HAProxy 3.2 needs to start (see [acme.md](acme.md))",
		example: "--acme-placeholders ./acme"},
	"metrics": {doc: "Prometheus exporter at `/metrics`; a bare port is on 127.0.0.1; beyond this host it takes `--stats-auth`'s users (see [metrics-and-logs.md](metrics-and-logs.md))", example: "--metrics 8405"},
	"log":     {doc: "access log target: `stdout` (default), `stderr`, `none`, a syslog `HOST:PORT` or a socket path (see [metrics-and-logs.md](metrics-and-logs.md))", example: "--log /dev/log"},
	"http3":   {doc: "an HTTP/3 (QUIC) listener beside HTTPS, announced with `alt-svc`; HAProxy 2.8+ built with QUIC (see [metrics-and-logs.md](metrics-and-logs.md))", example: "--http3"},
	"file": {doc: "compose file, repeatable, merged in order; `-` reads stdin; default `COMPOSE_FILE`, else `compose.yaml`/`docker-compose.yml` found like docker compose",
		example: "-f compose.yaml -f prod.yaml", common: true},
	"project-name":      {doc: "project name (default `COMPOSE_PROJECT_NAME`, `name:`, the directory)", example: "-p shop"},
	"project-directory": {doc: "working directory; compose files are looked for here", example: "--project-directory deploy/"},
	"env-file":          {doc: "repeatable; default `.env` in the project directory", example: "--env-file prod.env"},
	"env": {doc: "repeatable: interpolate NAME from the process environment too (its value wins over `.env`'s); only the name, never `NAME=VALUE`, which would be recorded in the header and seen by `ps` (see [Variables come from the project](#variables-come-from-the-project))",
		example: "--env IMAGE_TAG"},
	"profile": {doc: "repeatable; default `COMPOSE_PROFILES`", example: "--profile debug"},
	"output": {doc: "write here atomically (temp file, then rename); default stdout. A replaced file keeps its owner, group and mode; a new one gets the mode the umask leaves. FILE may not be an input of the run (see [Files](safety-and-limits.md#files))",
		example: "-o /etc/haproxy/haproxy.cfg", common: true},
	"domain": {doc: "base domain, repeatable; default `HAPROXY_DOMAIN` split on `:`, from the environment or, as docker compose reads `COMPOSE_*` there, from `.env` (the environment wins)",
		example: "--domain example.com", common: true},
	"prod-line": {doc: "production line (see [Production lines](registrator.md#which-services-are-routed))", example: "--prod-line feat42"},
	"all":       {doc: "route every service with a TCP port under its compose name", example: "--all", common: true},
	"bind":      {doc: "HTTP listener; TCP services listen on its host", example: "--bind 127.0.0.1:8080", common: true},
	"tls":       {doc: "HTTPS listener with the PEM files in DIR, picked by SNI (see [tls.md](tls.md))", example: "--tls /etc/haproxy/certs", common: true},
	"tls-bind":  {doc: "HTTPS listener address (default `:443`)", example: "--tls-bind :8443"},
	"https-port": {doc: "the port clients reach HTTPS on, which redirects to https name, when a port mapping makes it differ from `--tls-bind`'s (443 is left out of the URL)",
		example: "--https-port 443"},
	"stats": {doc: "stats page at `/stats`; empty disables; beyond this host without `--stats-auth` it is a warning (see [The stats page](access-policies.md#the-stats-page))",
		example: "--stats :8404"},
	"stats-auth": {doc: "`secret:NAME` or `./PATH`: the stats page asks for a user of this compose secret, or of this file (`user:HASH` lines); see [The stats page](access-policies.md#the-stats-page)",
		example: "--stats-auth secret:ops"},
	"accept-proxy": {doc: "every listener takes the PROXY protocol; the client address is the one it carries (see [The real client address](access-policies.md#the-real-client-address) for the risk)",
		example: "--accept-proxy"},
	"trusted-proxy": {doc: "repeatable: for connections from these networks, the client address is the last `X-Forwarded-For` value", example: "--trusted-proxy 10.1.0.0/16"},
	"resolver":      {doc: "nameserver, repeatable (default Docker's `" + model.DockerDNS + "`)", example: "--resolver 10.0.0.2:53"},
	"dns-rate": {doc: "the most DNS queries a second HAProxy sends to re-resolve the servers while nothing changes: each name is asked every services ÷ rate seconds (at least every second), and a server whose check fails is asked again at once (see [performance.md](performance.md))",
		example: "--dns-rate 50"},
	"slots": {doc: "default server-template size; 0 also means the default (see [servers.md](servers.md))", example: "--slots 20"},
	"swarm": {doc: "servers are `tasks.<service>`", example: "--swarm"},
	"format": {doc: "`cfg`, `json` (the model, with provenance), `routes` (a table) or `report` (every Traefik router and middleware: converted, converted with a difference and what differs, refused and why, left out; to stdout, exit 1 when one is refused; see [traefik.md](traefik.md)); see [templates-and-json.md](templates-and-json.md)",
		example: "--format routes", common: true},
	"template":       {doc: "render with this text/template (sprig functions) instead of the default", example: "--template my.cfg.tmpl"},
	"print-template": {doc: "print the default template, a starting point for your own", example: "--print-template > my.cfg.tmpl"},
	"map": {doc: "write the routes of hosts (with their paths) and of wildcards to this map file (needs `-o`) and look them up there instead of in ACLs; for thousands of hosts, paths or wildcards (see [generated-config.md](generated-config.md)). Both are written to temporary files first: if writing either fails, neither file changes. FILE is printed inside `map_beg(…)`: letters, digits and `. _ - / + @` only, not an input and not `-o`'s file",
		example: "--map /etc/haproxy/hosts.map"},
	"runtime-dir": {doc: "HAProxy's own directory in the proxy container: the runtime socket `DIR/haproxy.sock` (mode 600, read-only commands) and the server state a reload starts from, `DIR/servers.state` (see [deploy.md](deploy.md)). An absolute path of letters, digits and `. _ - / + @`, at most 82 bytes (HAProxy binds the socket as `PATH.PID.tmp` first, which must fit Linux's 108 bytes)",
		example: "--runtime-dir /var/run/haproxy"},
	"check": {doc: "run `haproxy -c -dW` on the result before writing; HAProxy's messages point at the output's lines", example: "--check -o haproxy.cfg", common: true},
	"diff": {doc: "compare with the existing `-o` file: print a unified diff, exit 1 when they differ, write nothing. How paths are spelled and where it runs do not count: the header records the command as run in the project directory (see [generated-config.md](generated-config.md))",
		example: "--diff -o haproxy.cfg", common: true},
	"haproxy": {doc: "HAProxy binary for `--check`, looked up on `PATH`", example: "--haproxy /usr/local/sbin/haproxy"},
	"strict":  {doc: "warnings are errors, compose's own (an unset `${VAR}`) included", example: "--strict", common: true},
	"version": {doc: "print the version: the one a release sets, else the module version `go install …@version` stamps, else `(devel)`", example: "--version"},
	"help":    {doc: "print the flags to stdout", example: "--help"},
}

// exitDoc is a row of the exit codes' table, which docs/command-line.md
// and the command's doc.go are made from.
type exitDoc struct {
	code             int
	meaning, example string
}

var exitDocs = []exitDoc{
	{exitOK, "done (warnings may have been printed)", "a valid project"},
	{exitInput, "the input is wrong (compose, labels, conflicts), `--diff` found a difference, or `--format report` lists a refused router or middleware (with `--strict`, one converted with a difference too)", "`SERVICE_TAGS: \"path=/a b\"`"},
	{exitUsage, "usage: an unknown flag, a stray argument, a flag whose value is wrong (`--slots 5000`, `--bind nope`, `--domain .example.com`, also with other problems), two listeners on one address and port (`--stats :80`), `--check` without HAProxy", "`compose2haproxy web`"},
	{exitRejected, "`haproxy -c -dW` rejected the result (`--check`)", "`--bind 300.0.0.1:80 --check`"},
}
