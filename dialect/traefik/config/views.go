package config

import "strings"

// Dynamic is Traefik's dynamic configuration from one container's labels or
// one file of the file provider. Maps are keyed by names as written.
type Dynamic struct {
	HTTP HTTP
	TCP  TCP
	UDP  UDP
	// Tree is the whole checked tree: for labels, below "traefik."; for a file, its root.
	Tree *Node
}

type HTTP struct {
	Routers     map[string]*Router
	Services    map[string]*Service
	Middlewares map[string]*Middleware
}

type TCP struct {
	Routers     map[string]*TCPRouter
	Services    map[string]*TCPService
	Middlewares map[string]*Middleware
}

type UDP struct {
	Routers  map[string]*UDPRouter
	Services map[string]*UDPService
}

// Router is an HTTP router. Absent values are nil nodes, whose methods
// return zero values.
type Router struct {
	Name        string
	Node        *Node
	Rule        *Node
	RuleSyntax  *Node // "v2" or "v3" when set
	EntryPoints *Node // List(); empty: Traefik's default entry points
	Middlewares *Node // List() of names, possibly name@provider
	Service     *Node
	Priority    *Node // Int(); unset: Traefik orders by rule length
	TLS         *TLS  // nil: no TLS on this router
	// DefaultRule: Rule was made from providers.docker.defaultRule.
	DefaultRule bool
	// Default: the router was created by Traefik's defaults (see ApplyDefaults).
	Default bool
}

// TLS is a router's or an entry point's TLS section.
type TLS struct {
	Node         *Node
	CertResolver *Node
	Options      *Node
	Passthrough  *Node // TCP routers only
	Domains      []Domain
}

type Domain struct {
	Main *Node
	SANs *Node // List()
}

// Service is an HTTP service: one container's server.
type Service struct {
	Name string
	Node *Node
	// Port, Scheme and URL: loadbalancer.server.* (labels only).
	Port, Scheme, URL *Node
	// Servers: loadBalancer.servers[n] (file provider only), each with url.
	Servers          []*Node
	PassHostHeader   *Node // unset means true
	ServersTransport *Node
	Strategy         *Node
	// Middlewares (Traefik v3.7) apply to every request of the service,
	// after its router's: List() of names, possibly name@provider.
	Middlewares *Node
	Sticky      *Sticky      // nil: no affinity
	HealthCheck *HealthCheck // nil: no active check
	// Other: a service kind other than loadBalancer (file provider: weighted,
	// mirroring, failover, highestRandomWeight), kept uninterpreted.
	Other *Node
	// Default: the service was created by Traefik's defaults.
	Default bool
}

// Sticky is cookie affinity; Traefik's cookie name defaults to a hash of the
// service name when Name is unset.
type Sticky struct {
	Node                                                   *Node
	Name, Secure, HTTPOnly, SameSite, MaxAge, Path, Domain *Node
}

type HealthCheck struct {
	Node                                            *Node
	Path, Interval, Timeout, Port, Scheme, Hostname *Node
	Method, Status, Mode, FollowRedirects, Headers  *Node
	UnhealthyInterval                               *Node
}

// Middleware is one middleware. Options holds its type's keys (for example
// Options.Lookup("ipStrategy.depth")).
type Middleware struct {
	Name    string
	Node    *Node
	Type    string // Traefik's spelling: "ipAllowList", "headers", "plugin", …
	Plugin  string // for Type "plugin": the plugin's name
	Options *Node
}

type TCPRouter struct {
	Name        string
	Node        *Node
	Rule        *Node
	RuleSyntax  *Node
	EntryPoints *Node
	Middlewares *Node
	Service     *Node
	Priority    *Node
	TLS         *TLS
	Default     bool
}

type TCPService struct {
	Name          string
	Node          *Node
	Port          *Node // labels: loadbalancer.server.port
	TLS           *Node // labels: loadbalancer.server.tls
	Servers       []*Node
	ProxyProtocol *Node // section; Lookup("version")
	Other         *Node
	Default       bool
}

type UDPRouter struct {
	Name        string
	Node        *Node
	EntryPoints *Node
	Service     *Node
	Default     bool
}

type UDPService struct {
	Name    string
	Node    *Node
	Port    *Node
	Servers []*Node
	Default bool
}

func tlsOf(n *Node) *TLS {
	if n == nil {
		return nil
	}
	t := &TLS{Node: n, CertResolver: n.Child("certResolver"), Options: n.Child("options"), Passthrough: n.Child("passthrough")}
	for _, d := range n.Child("domains").Entries() {
		t.Domains = append(t.Domains, Domain{Main: d.Child("main"), SANs: d.Child("sans")})
	}
	return t
}

// view builds the typed views from a checked dynamic tree; ds receives
// the problems only the view can see (a middleware with two types).
func view(tree *Node, ds *Diagnostics) Dynamic {
	d := Dynamic{Tree: tree}
	d.HTTP = HTTP{Routers: map[string]*Router{}, Services: map[string]*Service{}, Middlewares: map[string]*Middleware{}}
	d.TCP = TCP{Routers: map[string]*TCPRouter{}, Services: map[string]*TCPService{}, Middlewares: map[string]*Middleware{}}
	d.UDP = UDP{Routers: map[string]*UDPRouter{}, Services: map[string]*UDPService{}}
	h := tree.Child("http")
	for _, n := range h.Child("routers").Entries() {
		d.HTTP.Routers[n.Name] = &Router{Name: n.Name, Node: n, Rule: n.Child("rule"), RuleSyntax: n.Child("ruleSyntax"),
			EntryPoints: n.Child("entryPoints"), Middlewares: n.Child("middlewares"), Service: n.Child("service"),
			Priority: n.Child("priority"), TLS: tlsOf(n.Child("tls"))}
	}
	for _, n := range h.Child("services").Entries() {
		lb := n.Child("loadBalancer")
		s := &Service{Name: n.Name, Node: n, Port: lb.Lookup("server.port"), Scheme: lb.Lookup("server.scheme"),
			URL: lb.Lookup("server.url"), PassHostHeader: lb.Child("passHostHeader"),
			ServersTransport: lb.Child("serversTransport"), Strategy: lb.Child("strategy"), Middlewares: n.Child("middlewares")}
		for _, sv := range lb.Child("servers").Entries() {
			s.Servers = append(s.Servers, sv)
		}
		if st := lb.Child("sticky"); st != nil {
			c := st.Child("cookie")
			s.Sticky = &Sticky{Node: st, Name: c.Child("name"), Secure: c.Child("secure"), HTTPOnly: c.Child("httpOnly"),
				SameSite: c.Child("sameSite"), MaxAge: c.Child("maxAge"), Path: c.Child("path"), Domain: c.Child("domain")}
		}
		if hc := lb.Child("healthCheck"); hc != nil {
			s.HealthCheck = &HealthCheck{Node: hc, Path: hc.Child("path"), Interval: hc.Child("interval"),
				Timeout: hc.Child("timeout"), Port: hc.Child("port"), Scheme: hc.Child("scheme"),
				Hostname: hc.Child("hostname"), Method: hc.Child("method"), Status: hc.Child("status"),
				Mode: hc.Child("mode"), FollowRedirects: hc.Child("followRedirects"), Headers: hc.Child("headers"),
				UnhealthyInterval: hc.Child("unhealthyInterval")}
		}
		s.Other = otherKind(n)
		d.HTTP.Services[n.Name] = s
	}
	for _, n := range h.Child("middlewares").Entries() {
		if m := middlewareOf(n, ds); m != nil {
			d.HTTP.Middlewares[n.Name] = m
		}
	}
	t := tree.Child("tcp")
	for _, n := range t.Child("routers").Entries() {
		d.TCP.Routers[n.Name] = &TCPRouter{Name: n.Name, Node: n, Rule: n.Child("rule"), RuleSyntax: n.Child("ruleSyntax"),
			EntryPoints: n.Child("entryPoints"), Middlewares: n.Child("middlewares"), Service: n.Child("service"),
			Priority: n.Child("priority"), TLS: tlsOf(n.Child("tls"))}
	}
	for _, n := range t.Child("services").Entries() {
		lb := n.Child("loadBalancer")
		d.TCP.Services[n.Name] = &TCPService{Name: n.Name, Node: n, Port: lb.Lookup("server.port"), TLS: lb.Lookup("server.tls"),
			Servers: lb.Child("servers").Entries(), ProxyProtocol: lb.Child("proxyProtocol"), Other: otherKind(n)}
	}
	for _, n := range t.Child("middlewares").Entries() {
		if m := middlewareOf(n, ds); m != nil {
			d.TCP.Middlewares[n.Name] = m
		}
	}
	u := tree.Child("udp")
	for _, n := range u.Child("routers").Entries() {
		d.UDP.Routers[n.Name] = &UDPRouter{Name: n.Name, Node: n, EntryPoints: n.Child("entryPoints"), Service: n.Child("service")}
	}
	for _, n := range u.Child("services").Entries() {
		lb := n.Child("loadBalancer")
		d.UDP.Services[n.Name] = &UDPService{Name: n.Name, Node: n, Port: lb.Lookup("server.port"), Servers: lb.Child("servers").Entries()}
	}
	return d
}

func otherKind(n *Node) *Node {
	for _, c := range n.Children {
		if !strings.EqualFold(c.Name, "loadBalancer") && !strings.EqualFold(c.Name, "middlewares") {
			return c
		}
	}
	return nil
}

// middlewareOf: Traefik refuses a middleware with several types ("multi-types
// middleware not supported") and one with none.
func middlewareOf(n *Node, ds *Diagnostics) *Middleware {
	switch len(n.Children) {
	case 0:
		return nil // its only keys were refused, and reported
	case 1:
	default:
		var names []string
		for _, c := range n.Children {
			names = append(names, c.Name)
		}
		ds.add(Error, n.Children[1].Origin, "", "middleware %q has several types (%s): Traefik refuses multi-type middlewares; declare one middleware per type", n.Name, strings.Join(names, ", "))
		return nil
	}
	c := n.Children[0]
	m := &Middleware{Name: n.Name, Node: n, Type: c.Name, Options: c}
	if c.Name == "plugin" {
		if len(c.Children) != 1 {
			ds.add(Error, c.Origin, "", "middleware %q: plugin takes exactly one plugin name (plugin.<name>.<key>)", n.Name)
			return nil
		}
		m.Plugin, m.Options = c.Children[0].Name, c.Children[0]
	}
	return m
}
