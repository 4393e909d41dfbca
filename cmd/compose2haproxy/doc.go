// Command compose2haproxy turns a Docker Compose project into a complete,
// valid haproxy.cfg.
//
// It loads the compose files as docker compose does, routes every service
// that sets registrator's SERVICE_NAME (or docker-flow-proxy's
// com.df.notify, or any service with --all) by host and path, and writes
// backends whose servers are the services' Docker DNS names, re-resolved at
// run time. For example:
//
//	compose2haproxy -f compose.yaml --domain example.com -o haproxy.cfg
//	compose2haproxy --format routes
//	compose2haproxy -o haproxy.cfg --diff   # in CI: exit 1 on drift
//	compose2haproxy shop/ blog/ wiki/compose.yaml -o haproxy.cfg
//
// Each argument is a project (a folder, or a compose file), loaded as
// docker compose loads it in that folder; several make one config whose
// names are each project's (docs/multi-project.md).
//
// Flags (each, with an example, in docs/command-line.md):
//
//	-f, --file FILE                 compose FILE, repeatable, merged in order; - reads stdin
//	-p, --project-name NAME         project NAME
//	    --project-directory DIR     working directory DIR of the project
//	    --env-file FILE             environment FILE, repeatable
//	    --env NAME                  interpolate the variable NAME of the process environment too, repeatable (a name, not NAME=VALUE)
//	    --profile NAME              profile NAME to enable, repeatable
//	-o, --output FILE               write the config to FILE, atomically (default stdout)
//	    --domain DOMAIN             base DOMAIN, repeatable (default from HAPROXY_DOMAIN, ':'-separated)
//	    --prod-line LINE            production LINE appended to every routed name; sets PROD_LINE
//	    --all                       route every service with a TCP port
//	    --bind ADDR                 HTTP listener address ADDR (default ":80")
//	    --tls DIR                   directory DIR of PEM files (certificate and key); adds an HTTPS listener
//	    --tls-bind ADDR             HTTPS listener address ADDR with --tls (default :443)
//	    --https-port PORT           the PORT clients reach HTTPS on, for redirects, when a port mapping differs (default: --tls-bind's port)
//	    --stats ADDR                stats page listener address ADDR (at /stats); empty disables (default "127.0.0.1:8404")
//	    --stats-auth USERS          protect the stats page with the USERS of a compose secret (secret:NAME) or of a file (./PATH; user:HASH lines)
//	    --accept-proxy              every listener takes the PROXY protocol (the client address is the one it carries)
//	    --trusted-proxy CIDR        network CIDR whose X-Forwarded-For gives the client address, repeatable
//	    --resolver ADDR             nameserver address ADDR, repeatable (default 127.0.0.11:53)
//	    --dns-rate N                the most DNS queries N a second HAProxy sends to re-resolve servers while nothing changes (more services: each asked less often), 1 to 1000 (default 100)
//	    --slots N                   server-template size floor N, 1 to 4096 (default: 2,000 slots over the services, 2 to 10 each, and twice a service's replicas)
//	    --swarm                     address servers as tasks.<service>
//	    --format FORMAT             output FORMAT: cfg (haproxy.cfg), json (the model), routes (a table) or report (what became of each label: router, middleware, variable, for a migration) (default "cfg")
//	    --template FILE             render haproxy.cfg with the text/template in FILE (sprig functions) instead of the default
//	    --print-template            print the default template and exit
//	    --map FILE                  write the routes of hosts, paths and wildcards to the HAProxy map FILE and look them up there; none: never (default: with -o and at least 16 such routes, beside the config as NAME.map)
//	    --runtime-dir DIR           HAProxy's directory DIR in the proxy container for its runtime socket and the server state a reload starts from
//	    --haproxy-version VERSION   the HAProxy VERSION the config is for, like 3.2 (default: the version of --check's HAProxy, else 2.6)
//	    --acme-directory URL        ACME CA for the routes tagged acme: its https:// directory URL, or letsencrypt or letsencrypt-staging (HAProxy 3.2+)
//	    --acme-contact EMAIL        EMAIL address of the ACME account
//	    --acme-key-type TYPE        TYPE of the ACME certificates' keys: ecdsa-p256, ecdsa-p384, rsa-2048 or rsa-4096 (default "ecdsa-p256")
//	    --acme-dir DIR              HAProxy's directory DIR in the proxy container for ACME certificates and the account key (keep it on a volume)
//	    --acme-ca-file FILE         PEM FILE of the CAs HAProxy trusts when it talks to the ACME CA (default: the system's)
//	    --acme-placeholders DIR     write an expired placeholder certificate into DIR (--acme-dir as this host sees it) for each ACME host without a file; HAProxy 3.2 cannot start without one
//	    --metrics ADDR              Prometheus exporter listener address ADDR (at /metrics); a bare port is on 127.0.0.1; empty: none
//	    --log TARGET                access log TARGET: stdout, stderr, none, a syslog HOST:PORT (UDP) or a socket path like /dev/log (default "stdout")
//	    --http3                     add an HTTP/3 (QUIC) listener beside the HTTPS one and announce it with alt-svc
//	    --check                     run haproxy -c -dW on the result before writing
//	    --diff                      print a unified diff against the existing -o file; exit 1 when they differ; write nothing
//	    --haproxy PATH              haproxy binary PATH for --check (default "haproxy")
//	    --strict                    treat warnings as errors, compose's own included
//	    --version                   print the version and exit
//	-h, --help                      print the flags and exit
//
// Exit codes:
//
//	0  done (warnings may have been printed)
//	1  the input is wrong (compose, labels, conflicts), --diff found a difference, or --format report lists a refused router or middleware (with --strict, one converted with a difference too)
//	2  usage: an unknown flag, a stray argument, a flag whose value is wrong (--slots 5000, --bind nope, --domain .example.com, also with other problems), two listeners on one address and port (--stats :80), --check without HAProxy
//	3  haproxy -c -dW rejected the result (--check)
//
// On a non-zero exit nothing is written.
package main
