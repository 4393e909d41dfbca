package vars

import (
	"fmt"
	"strings"
)

// Balance is the HAProxy balance algorithm a loadbalance label maps to.
type Balance struct {
	// Algorithm is HAProxy's: "roundrobin", "leastconn", "source",
	// "uri whole", "hdr(<name>)", "random", "random(2)".
	Algorithm string
	// Consistent: nginx's "consistent" (ketama); HAProxy "hash-type
	// consistent" keeps the property (few keys move when servers change),
	// not the same key-to-server assignment.
	Consistent bool
	// Difference says how HAProxy's answer differs from nginx's, when it does.
	Difference string
}

// ParseLoadBalance reads the com.github.nginx-proxy.nginx-proxy.loadbalance
// label: an nginx upstream directive that nginx-proxy writes as is.
func ParseLoadBalance(v string) (Balance, error) {
	d := strings.TrimSpace(v)
	if !strings.HasSuffix(d, ";") {
		return Balance{}, fmt.Errorf("missing the terminating ';' (nginx-proxy writes the value as an nginx directive, and nginx then refuses the configuration)")
	}
	d = strings.TrimSpace(strings.TrimSuffix(d, ";"))
	if strings.ContainsAny(d, ";{}") {
		return Balance{}, fmt.Errorf("only one directive is translated")
	}
	f := strings.Fields(d)
	if len(f) == 0 {
		return Balance{}, fmt.Errorf("empty directive")
	}
	switch {
	case len(f) == 1 && f[0] == "least_conn":
		return Balance{Algorithm: "leastconn"}, nil
	case len(f) == 1 && f[0] == "ip_hash":
		return Balance{Algorithm: "source", Difference: "nginx's ip_hash hashes the first three bytes of an IPv4 address (a /24 sticks to one server); HAProxy hashes the whole address"}, nil
	case f[0] == "random":
		switch strings.Join(f[1:], " ") {
		case "":
			return Balance{Algorithm: "random"}, nil
		case "two", "two least_conn":
			return Balance{Algorithm: "random(2)"}, nil
		}
	case f[0] == "hash" && (len(f) == 2 || len(f) == 3 && f[2] == "consistent"):
		b := Balance{Consistent: len(f) == 3}
		switch key := f[1]; {
		case key == "$remote_addr" || key == "$binary_remote_addr":
			b.Algorithm = "source"
		case key == "$request_uri":
			b.Algorithm = "uri whole"
		case strings.HasPrefix(key, "$http_") && len(key) > len("$http_"):
			b.Algorithm = "hdr(" + strings.ReplaceAll(key[len("$http_"):], "_", "-") + ")"
		default:
			return Balance{}, fmt.Errorf("hash key %q not translated: use $remote_addr, $request_uri or $http_<header>", key)
		}
		if !b.Consistent {
			b.Difference = "nginx's plain hash and HAProxy's map-based hash assign keys to servers differently; both move most keys when a server is added or removed"
		}
		return b, nil
	}
	return Balance{}, fmt.Errorf("directive %q not translated: least_conn, ip_hash, random [two [least_conn]] and hash <key> [consistent] are", d)
}
