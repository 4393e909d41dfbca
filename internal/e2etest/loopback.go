package e2etest

import (
	"fmt"
	"net"
	"net/netip"
)

// CheckLoopback refuses any address outside 127.0.0.0/8 (and ::1): the e2e
// tests must never send traffic off the machine.
func CheckLoopback(hostport string) error {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("e2e: %q is not a literal IP address (only loopback IPs are allowed)", hostport)
	}
	if !ip.Unmap().IsLoopback() {
		return fmt.Errorf("e2e: refusing non-loopback address %q", hostport)
	}
	return nil
}
