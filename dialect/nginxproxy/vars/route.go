package vars

import (
	"fmt"
	"strconv"
	"strings"
)

// ExposedPort is one port the container exposes (image EXPOSE, compose
// expose: or ports:), as docker-gen lists them.
type ExposedPort struct {
	Port  int
	Proto string // "tcp" or "udp"; empty means tcp
}

// PortRule says which of nginx-proxy's rules chose a server port.
type PortRule int

const (
	// PortVariable: VIRTUAL_PORT, or port: in VIRTUAL_HOST_MULTIPORTS.
	PortVariable PortRule = iota
	// PortOnlyExposed: no port given and the container exposes exactly one.
	PortOnlyExposed
	// PortDefault: no port given and the container exposes none or several: 80.
	PortDefault
)

func (r PortRule) String() string {
	return [...]string{"variable", "only exposed port", "default 80"}[r]
}

// Port is the container port nginx-proxy sends a route's requests to.
type Port struct {
	Number int
	Rule   PortRule
}

// DefaultPort is nginx-proxy's rule when no port is given: the only exposed
// port (whatever its protocol, as docker-gen counts them), else 80.
func DefaultPort(exposed []ExposedPort) Port {
	if len(exposed) == 1 {
		return Port{Number: exposed[0].Port, Rule: PortOnlyExposed}
	}
	return Port{Number: 80, Rule: PortDefault}
}

// parsePort reads a port as nginx-proxy writes it after the server address:
// digits only, 1 to 65535.
func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || strings.TrimLeft(s, "0123456789") != "" || n < 1 || n > 65535 {
		return 0, fmt.Errorf("not a port (1 to 65535, digits only): nginx-proxy writes it after the server address and nginx then refuses the configuration")
	}
	return n, nil
}

// Proto is how nginx-proxy talks to the servers (VIRTUAL_PROTO).
type Proto int

const (
	// ProtoHTTP: HTTP/1.1 in clear.
	ProtoHTTP Proto = iota
	// ProtoHTTPS: HTTP/1.1 over TLS, the server's certificate not verified
	// and no SNI sent (nginx's proxy_ssl_verify and proxy_ssl_server_name
	// are off): HAProxy "ssl verify none".
	ProtoHTTPS
	// ProtoGRPC: gRPC over cleartext HTTP/2: HAProxy "proto h2".
	ProtoGRPC
	// ProtoGRPCS: gRPC over TLS, not verified: HAProxy "ssl verify none
	// alpn h2".
	ProtoGRPCS
	// ProtoFastCGI: FastCGI with the document root VIRTUAL_ROOT: a HAProxy
	// fcgi-app with that docroot, servers with "proto fcgi".
	ProtoFastCGI
)

func (p Proto) String() string {
	return [...]string{"http", "https", "grpc", "grpcs", "fastcgi"}[p]
}

// parseProto reads VIRTUAL_PROTO (trimmed, as nginx-proxy does).
func parseProto(s string) (Proto, error) {
	switch strings.TrimSpace(s) {
	case "", "http":
		return ProtoHTTP, nil
	case "https":
		return ProtoHTTPS, nil
	case "grpc":
		return ProtoGRPC, nil
	case "grpcs":
		return ProtoGRPCS, nil
	case "fastcgi":
		return ProtoFastCGI, nil
	case "uwsgi":
		return 0, fmt.Errorf("HAProxy does not speak the uwsgi protocol: run the application's HTTP server (uWSGI's --http-socket) and set VIRTUAL_PROTO=http")
	}
	if p := suggest(s, []string{"http", "https", "grpc", "grpcs", "fastcgi", "uwsgi"}); p != "" {
		return 0, fmt.Errorf("unknown protocol (nginx would refuse the configuration); did you mean %q?", p)
	}
	return 0, fmt.Errorf("unknown protocol (nginx would refuse the configuration): http, https, grpc, grpcs, fastcgi or uwsgi")
}

// Route is one (host, path) a container serves.
type Route struct {
	Path    Val[Path]
	Port    Val[Port]
	Proto   Val[Proto]
	Rewrite Val[Rewrite] // VIRTUAL_DEST; unset: the path is sent unchanged
}

// Vhost is one host of a container and its routes.
type Vhost struct {
	Host Val[Host]
	// ExternalHTTPPort and ExternalHTTPSPort are the proxy ports the host is
	// served on; unset: the proxy's HTTP_PORT and HTTPS_PORT.
	ExternalHTTPPort  Val[int]
	ExternalHTTPSPort Val[int]
	Routes            []Route
}
