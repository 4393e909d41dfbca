package vars

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"strings"
)

// NetworkInternalFile is where nginx-proxy reads the addresses
// NETWORK_ACCESS=internal allows; a file mounted there replaces them.
const NetworkInternalFile = "/etc/nginx/network_internal.conf"

// InternalRanges are the client addresses nginx-proxy's own
// network_internal.conf allows for NETWORK_ACCESS=internal; every other
// client gets 403. The image's file also allows fc00::/7, which the
// documentation's list of four IPv4 ranges leaves out.
var InternalRanges = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("fc00::/7"),
}

// maxFileSize caps every file this package parses.
const maxFileSize = 1 << 20

// ParseNetworkInternal reads a replacement network_internal.conf: "allow
// <address or CIDR>;" lines, "deny all;" last, "#" comments. Anything else is
// nginx syntax this package does not translate, and is an error naming the
// line, since an access control must not be dropped.
func ParseNetworkInternal(data []byte) ([]netip.Prefix, error) {
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s of %d bytes (at most %d): %w", NetworkInternalFile, len(data), maxFileSize, ErrLimit)
	}
	var out []netip.Prefix
	denied := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxFileSize)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.Fields(strings.TrimSuffix(line, ";"))
		if !strings.HasSuffix(line, ";") || len(f) != 2 || denied {
			return nil, fmt.Errorf("%s:%d: %q: only \"allow <address>;\" lines followed by \"deny all;\" are translated", NetworkInternalFile, n, line)
		}
		switch {
		case f[0] == "deny" && f[1] == "all":
			denied = true
		case f[0] == "allow":
			p, err := parsePrefix(f[1])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", NetworkInternalFile, n, err)
			}
			out = append(out, p)
		default:
			return nil, fmt.Errorf("%s:%d: %q: only \"allow <address>;\" lines followed by \"deny all;\" are translated", NetworkInternalFile, n, line)
		}
	}
	if !denied {
		return nil, fmt.Errorf("%s: no \"deny all;\": nginx would then allow every client, which is not what NETWORK_ACCESS=internal containers expect; add it", NetworkInternalFile)
	}
	return out, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, fmt.Errorf("bad address range %q", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad address %q", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}
