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
//
// Flags (see the README for each, with an example):
//
//	-f, --file FILE            compose file, repeatable; - reads stdin
//	-p, --project-name NAME    project name
//	--project-directory DIR    working directory
//	--env-file FILE            environment file, repeatable
//	--env NAME                 interpolate NAME from the environment too, repeatable
//	--profile NAME             profile, repeatable
//	-o, --output FILE          write atomically (default stdout)
//	--domain DOMAIN            base domain, repeatable (default HAPROXY_DOMAIN)
//	--prod-line LINE           production line suffix; sets PROD_LINE
//	--all                      route every service with a TCP port
//	--bind ADDR                HTTP listener (default :80)
//	--tls DIR, --tls-bind ADDR HTTPS listener with DIR's certificates (default :443)
//	--https-port PORT          the public HTTPS port redirects name (default --tls-bind's)
//	--stats ADDR               stats page (default 127.0.0.1:8404; empty disables)
//	--stats-auth secret:NAME   stats page users: a compose secret, or a file (./PATH)
//	--accept-proxy             listeners take the PROXY protocol
//	--trusted-proxy CIDR       X-Forwarded-For gives the client, repeatable
//	--resolver ADDR            nameserver, repeatable (default 127.0.0.11:53)
//	--slots N                  server-template size (default 10)
//	--swarm                    servers are tasks.<service>
//	--format cfg|json|routes   output format
//	--template FILE            custom text/template; --print-template prints the default
//	--map FILE                 look exact hosts up in a map file
//	--check                    run haproxy -c -dW first (--haproxy PATH)
//	--diff                     unified diff against -o; exit 1 when it differs
//	--strict                   warnings are errors
//	--version                  print the version
//	-h, --help                 print the flags (to stdout)
//
// Exit codes: 0 done; 1 the input is wrong or --diff found a difference;
// 2 usage; 3 haproxy -c rejected the result. On a non-zero exit nothing is
// written.
package main
