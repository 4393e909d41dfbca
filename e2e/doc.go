// Package e2e holds the end-to-end tests of compose2haproxy.
//
// The suite runs a real HAProxy process against a generated haproxy.cfg and
// replaces Docker with in-process stand-ins, all on the loopback network:
//
//   - a small authoritative DNS server (github.com/miekg/dns) on
//     127.0.0.1:<free port> plays Docker's embedded DNS (127.0.0.11:53): tests
//     point service names at addresses with DNS.Set and change them while
//     HAProxy runs, as scaling or restarting containers would;
//   - HTTP backends (and raw TCP echo servers) bound to distinct 127.0.0.x
//     addresses on one shared port play the replicas of a service, so that
//     "server-template web 1-N web:PORT" reaches each of them as it reaches
//     containers on a Docker network. Every response names the replica that
//     served it (header X-Backend and the first word of the body);
//   - HAProxy itself is started in the foreground (haproxy -db) after the
//     configuration passed "haproxy -c -dW" (zero warnings), and is stopped
//     when the test ends, also when it fails.
//
// Nothing is ever sent outside 127.0.0.0/8: the HTTP client and the DNS
// server refuse non-loopback addresses. Linux routes the whole 127/8 block
// to the loopback interface, so no network set-up is needed.
//
// The harness lives in harness_test.go; harness_selftest_test.go checks the
// harness alone with a hand-written HAProxy configuration (no product code).
//
// The scenarios run the product as a user does: TestMain (main_test.go)
// builds cmd/compose2haproxy once, generate runs it on a compose file
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
//	                   https_only, redirect_from            127.0.9-11.x
//	tcp_test.go        a tcp= service over two replicas     127.0.12.x
//	dockerflow_test.go docker-flow-proxy labels (go-demo)   127.0.13.x
//
// # Running
//
// HAProxy 2.6 or newer must be installed (Debian/Ubuntu: apt-get install
// haproxy). The binary is taken from $HAPROXY, else from $PATH, else
// /usr/sbin/haproxy. Without it the tests are skipped, except when CI=true,
// where a missing HAProxy fails them.
//
//	go test ./e2e/ -count=1 -v
//	go test ./e2e/ -run Selftest -count=1 -v   # the harness alone
//	HAPROXY=/opt/haproxy-3.2/sbin/haproxy go test ./e2e/ -count=1
//
// Timing, measured with HAProxy 2.6.12 and every resolvers "hold" and
// "timeout" at 1s: HAProxy asks the DNS once a second; a moved or added
// record is followed in 1 to 2 s (an address that disappears stays for
// "hold obsolete" more); a name that turns NXDOMAIN leaves rotation after
// about 3 s. A server that has just come up (here: given an address by DNS)
// starts at the lowest "UP" health, so its first failed check takes it down
// (later, "fall" failures are needed). Give Eventually generous deadlines
// (10 s): it returns as soon as the condition holds.
//
// Tests wait on conditions with deadlines (Eventually), never on fixed
// sleeps, and pick their ports at run time (FreePort), so several runs can
// share a machine. When a wait times out, the failure message includes the
// tail of HAProxy's log.
package e2e
