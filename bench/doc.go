// Package bench measures compose2haproxy on large generated projects. It is
// not part of the tool: `make bench` runs it, `make test` does not time it.
//
// Project(n) writes a compose file of n routed services that uses what real
// projects use (ports and expose, SERVICE_TAGS with aliases, paths,
// sticky sessions, balance, HTTP checks, deploy.replicas, labels and
// environment, interpolation); Services(n) is the same project as the loader
// returns it, so the model and render benchmarks need no YAML. Hosts(n, port)
// is the plainest project with n routed hosts, for the routing measurement;
// Paths and Wildcards route n services by a path of one host, or a
// wildcard each. Traefik(n) is n services routed by Traefik's labels (a
// router with a Host rule each, entry points, middlewares of their own and
// shared ones), as a project migrating from Traefik has them.
//
// What is measured, and where:
//
//   - cmd/benchrun: loading alone (cmd/loadonly, a process that only calls
//     loader.Load) against the whole CLI run, wall time and peak RSS of each
//     child process, at 100, 1,000 and 5,000 services, of Project(n) or
//     (-shape traefik) Traefik(n).
//   - bench_test.go, ../model and ../render: Go benchmarks of each stage, for
//     benchstat and pprof.
//   - hostile_test.go: Shapes(), the hostile projects of issue 9 (ranges,
//     aliases × paths, services sharing hosts, wildcards × paths, many and
//     nested paths, long values, slots), each
//     loaded alone and run whole, in-process; TestHostileShapesAreBoundedOrRefused
//     checks that each is accepted or refused naming its limit.
//   - routing_test.go (BENCH_ROUTING=1): requests per second, and HAProxy's
//     CPU time per request, through HAProxy with the generated config for 1
//     and 1,000 hosts, Project(1000), 10, 100 and 1,000 paths of one host and
//     1,000 wildcards (with the default map and with --map none), driven by
//     wrk.
//   - start_test.go: BenchmarkHAProxyStart, HAProxy's start-up, reload and
//     resident memory by services and server-template slots, and with the
//     defaults.
//   - reload_test.go: BenchmarkReload, a reload by the README's recipe
//     (--runtime-dir, saved server state, SIGUSR2) under wrk: its time and
//     the requests lost.
//   - dns_test.go: BenchmarkDNS, the DNS queries a second HAProxy sends
//     while nothing changes against the time to follow a container that
//     moves to a new address, by --dns-rate or by edits of the resolvers
//     section, for 10, 100 and 1,000 services.
//
// The HAProxy benchmarks run haproxy from PATH, or BENCH_HAPROXY; the
// script chroot-haproxy runs the HAProxy of a Debian root made by
// .ci/debian-haproxy so that its reloads work (see the script).
//
// Nothing here asserts a speed: the numbers are reported, not tested.
package bench
