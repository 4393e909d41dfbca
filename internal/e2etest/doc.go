// Package e2etest is the end-to-end test harness: real HAProxy processes
// against in-process stand-ins for Docker, all on the loopback network. It
// is used by e2e (the routing scenarios), bench (the routing measurement),
// the Docker tests, and internal/cli's fault tests (cli.go only). One file
// a concern:
//
//	dns.go      DNS: an authoritative DNS server (github.com/miekg/dns) on
//	            127.0.0.1:<free port> playing Docker's embedded DNS
//	            (127.0.0.11:53). Set points a name at addresses, and can be
//	            called while HAProxy runs, as scaling or restarting
//	            containers would; SetDefault answers every other name.
//	backend.go  Backend: an HTTP server on one 127.0.0.x address playing one
//	            replica (every response names it: header X-Backend and the
//	            first word of the body; /health can be made to fail);
//	            TCPEcho: a raw TCP server for tcp= services.
//	haproxy.go  StartHAProxy: "haproxy -c -dW" (zero warnings, the check of
//	            internal/haproxytest), then haproxy -db in the foreground,
//	            stopped when the test ends, also when it fails.
//	client.go   Client, Get, Do, Spread, DoTLS: requests to HAProxy on a new
//	            connection each, with any Host header.
//	request.go  Send: a request with what Do cannot set (source address,
//	            body, PROXY header).
//	loop.go     StartLoop: requests one after another while a test scales
//	            or reloads underneath; Stop says how many failed.
//	wait.go     Eventually and WaitListening: condition-based waits with a
//	            deadline; a timeout shows the tail of HAProxy's log, and a
//	            wait stops at once if the test's HAProxy died.
//	ports.go    FreePort: a port below the ephemeral range, never handed
//	            out twice in one test binary.
//	loopback.go CheckLoopback: nothing is ever sent outside 127.0.0.0/8;
//	            the client, the DNS server and the backends refuse other
//	            addresses. Linux routes the whole 127/8 block to the
//	            loopback interface, so no network set-up is needed.
//	cli.go      CLI and RunMainIfAsked: the compose2haproxy CLI as a
//	            process without a go build: the test binary itself, which
//	            runs cli.Main instead of its tests when CLI starts it.
//
// selftest_test.go checks the harness alone with a hand-written HAProxy
// configuration (no product code): go test ./internal/e2etest -v.
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
// HAProxy is $HAPROXY, else haproxy from $PATH, else /usr/sbin/haproxy
// (see internal/haproxytest). Without it the tests that need it skip,
// except when CI=true, where they fail.
package e2etest
