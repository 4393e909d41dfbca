// Package e2e holds the end-to-end tests of compose2haproxy.
//
// The suite runs a real HAProxy process against a generated haproxy.cfg and
// replaces Docker with the in-process stand-ins of internal/e2etest (a DNS
// server playing Docker's embedded DNS, HTTP and TCP backends on distinct
// 127.0.0.x addresses playing replicas), all on the loopback network. The
// harness, its timing and its rules are documented there.
//
// The scenarios run the product as a user does, as a process: the CLI is
// this test binary, which TestMain (main_test.go) turns into
// compose2haproxy when e2etest.CLI starts it; generate runs it on a project
// written to a temporary directory, and startProxy points the result at
// the test's DNS and free loopback ports (--bind, --stats, --resolver) and
// starts HAProxy on it. Each scenario uses its own 127.0.N.x block for its
// backends, so all of them run in parallel:
//
//	routing_test.go    host routing (the registrator demo), path routing
//	                   and strip_path, production lines     127.0.2-3.x, 127.0.8.x
//	dns_test.go        a container moves; scaling out and in 127.0.4-5.x
//	balancing_test.go  health checks; sticky sessions       127.0.6-7.x
//	tls_test.go        HTTPS routed by host over HTTP/2,
//	                   https_only, redirect_from, the
//	                   service's HTTPS port (httpsPort), TLS
//	                   passed through by name (sni=)        127.0.9-11.x, 127.0.16-17.x
//	tcp_test.go        a tcp= service over two replicas     127.0.12.x
//	dockerflow_test.go docker-flow-proxy labels (go-demo)   127.0.13.x
//	ownership_test.go  one service's labels never take
//	                   another's hosts or paths             127.0.14.x
//	redirect_test.go   redirects keep the port and the
//	                   method                               127.0.15.x
//	policy_test.go     who may come in: basic auth and the
//	                   stats page, allow/deny by client address
//	                   (direct, X-Forwarded-For, PROXY), rate
//	                   limit (per client, Host or header),
//	                   requests in progress, body size,
//	                   methods, deny_http, maintenance      127.0.20-26.x, 127.0.110-111.x
//	traffic_test.go    headers as written, gzip, HSTS, CORS
//	                   preflights, the default backend, TLS
//	                   to the servers (verified in a mount
//	                   namespace of HAProxy's own), h2c,
//	                   the PROXY protocol, a shared name
//	                   split 90/10 by weight, a canary by
//	                   header and by user agent, a
//	                   service's own listener (srcPort)     127.0.40-49.x
//	nginxproxy_test.go nginx-proxy's VIRTUAL_* variables: host
//	                   lists, wildcards, regex hosts,
//	                   DEFAULT_HOST, paths with and without
//	                   VIRTUAL_DEST, multiports, HTTPS_METHOD
//	                   and HSTS, htpasswd, NETWORK_ACCESS,
//	                   forwarded headers, VIRTUAL_PROTO=https 127.0.80-86.x
//	routemap_test.go   the host map routes every request of a
//	                   grid where the rules it replaces do  127.0.87.x
//	traefik_test.go    Traefik's labels: rules with &&, || and
//	                   !, priority, stripPrefix, addPrefix,
//	                   replacePath, redirectScheme from the
//	                   entry point and a middleware,
//	                   basicAuth, ipAllowList, headers
//	                   (entry point middlewares), compress,
//	                   rateLimit, inFlightReq, sticky
//	                   cookie, health check, the docs'
//	                   worked migration                     127.0.90-99.x, 127.0.110.x
//	traefik_tcp_test.go  TCP routers: HostSNI with TLS passed
//	                   through by name, HostSNI(`*`) over two
//	                   replicas                             127.0.100.x
//	traefik_file_test.go Traefik's mounted files: the file
//	                   provider's YAML and TOML middlewares
//	                   and routers (name@file), basicAuth's
//	                   usersFile and headerField            127.0.101.x, 127.0.105.x
//	traefik_settings_test.go ipAllowList by X-Forwarded-For
//	                   (ipStrategy.depth 1, --trusted-proxy),
//	                   ping@internal, HostRegexp, PathRegexp
//	                   and HeaderRegexp, replacePathRegex and
//	                   stripPrefixRegex, the sticky cookie's
//	                   name and flags, a health check on
//	                   another port                         127.0.102-104.x, 127.0.106-108.x
//	traefik_redirect_test.go redirectRegex: www to apex, codes
//	                   by method, before and after checks   127.0.109.x
//
// A new scenario takes the next free 127.0.N block, then (scene_test.go):
// s := newScene(t) (its DNS and the port its containers share);
// s.serve("web", ip) per service of one container, or e2etest.StartBackend
// and s.dns.Set for replicas; p := startProxy(t, s.dns, s.compose(svc("web",
// "SERVICE_NAME: web", "SERVICE_TAGS: …")), flags...); waitRoutes(t, p.Addr,
// e2etest.Request{Host: "web"}, "web"); then assertions on e2etest.Do, Send
// (a client address, a body, a PROXY header), Spread or the backends'
// counters.
//
// # On a real Docker engine
//
// The TestOnDocker… and TestOnSwarm… tests run the seeds' demos on the
// Docker engine itself, with the images of internal/dockertest (HAProxy
// and a static Go backend, FROM scratch, built once per run, nothing
// pulled) and the config the CLI generates from each test's own compose
// file, checked with --check:
//
//	docker_test.go  a restarted container followed with no reload (seeds
//	                000/001); the registrator demo's hosts, scaling out
//	                and in under load, a failing health check, sticky
//	                sessions (002); a service off the proxy's network, as
//	                the lint warns, unreachable for real (003); --check
//	                run by the proxy image's HAProxy
//	nginxproxy_docker_test.go  an nginx-proxy stack routed from its
//	                environment: a restart onto a new address, --scale
//	traefik_docker_test.go  a Traefik stack routed from its labels
//	                (the Traefik service neither run nor pulled): a
//	                stripped prefix, a restart onto a new address, --scale
//	swarm_test.go   the go-demo stack with com.df.* deploy.labels: path
//	                routing, docker service scale, a killed task (004)
//	reload_test.go  regenerate and "docker kill -s USR2" under load: the
//	                deploy recipe (docs/deploy.md); its reload script refusing a
//	                link planted in run/
//
// Each test has its own compose project or stack (unique names) and
// removes it; TestMain removes the images. Stacks run on a Docker engine
// of the run's own (dockertest.SwarmEngine: a second dockerd, which needs
// root), never on the machine's, which the go-demo test watches with a
// bystander container. Requests go only to ports published on 127.0.0.1.
// They skip with -short, and without a Docker engine or docker-compose
// (failing when CI=true).
//
// # Running
//
// HAProxy 2.6 or newer must be installed (Debian/Ubuntu: apt-get install
// haproxy). The binary is taken from $HAPROXY, else from $PATH, else
// /usr/sbin/haproxy. Without it the tests are skipped, except when CI=true,
// where a missing HAProxy fails them.
//
//	go test ./e2e/ -count=1 -v
//	go test ./e2e/ -short -count=1             # without the Docker tests
//	go test ./e2e/ -run 'TestOn(Docker|Swarm)' -count=1 -v
//	go test ./internal/e2etest -count=1 -v      # the harness alone
//	HAPROXY=/opt/haproxy-3.2/sbin/haproxy go test ./e2e/ -count=1
//
// Tests wait on conditions with deadlines (Eventually), never on fixed
// sleeps, and pick their ports at run time (FreePort), so several runs can
// share a machine. When a wait times out, the failure message includes the
// tail of HAProxy's log.
package e2e
