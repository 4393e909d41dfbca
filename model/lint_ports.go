package model

import (
	"fmt"
	"net/netip"
	"strings"
)

// wellKnownPorts are ports of Docker's official images of databases,
// caches, queues and debuggers that do not speak HTTP: --all routing one
// as HTTP answers every request with a 502 at best, and at worst exposes
// a database or a debugger (the Node.js inspector runs any code) to
// whoever finds the host name. Ports whose usual protocol is HTTP
// (Elasticsearch's 9200, CouchDB's 5984) are not here.
var wellKnownPorts = map[int]string{
	1433:  "SQL Server's",
	1521:  "Oracle Database's",
	1883:  "MQTT's (Eclipse Mosquitto)",
	2181:  "ZooKeeper's",
	2345:  "the Go debugger Delve's",
	3306:  "MySQL's and MariaDB's",
	4222:  "NATS's",
	5005:  "the Java debugger's (JDWP)",
	5432:  "PostgreSQL's",
	5672:  "RabbitMQ's (AMQP)",
	6379:  "Redis's",
	7687:  "Neo4j's (Bolt)",
	9042:  "Cassandra's (CQL)",
	9092:  "Kafka's",
	9229:  "the Node.js inspector's",
	9300:  "Elasticsearch's transport",
	11211: "Memcached's",
	27017: "MongoDB's",
}

// lintWellKnownPort warns about a port --all routes as HTTP that is a
// well-known port of another protocol, naming the tag to use instead.
func lintWellKnownPort(svc *Service, port int, ds *Diagnostics) {
	what, ok := wellKnownPorts[port]
	if !ok {
		return
	}
	ds.Warnf(Source{Service: svc.Name, Key: "ports", Value: fmt.Sprint(port), From: "compose"},
		fmt.Sprintf("give it a TCP listener with the tag tcp=PORT (SERVICE_%d_TAGS: tcp=%d), or leave it out with SERVICE_%d_IGNORE: \"true\"", port, port, port),
		"%s routes port %d as HTTP, and it is %s port, which does not speak HTTP", OptionAll.Ref(), port, what)
}

// lintLoopbackAllow warns about allow= networks that hold loopback
// addresses when the proxy is a container with published ports: through
// a published port the client address HAProxy sees is the bridge's
// gateway (or the client's own), never 127.0.0.1, so the network lets
// no one in.
func lintLoopbackAllow(projects []Project, bs []Backend, ds *Diagnostics) {
	var proxy *Service
	for _, p := range projects {
		for i := range p.Services {
			if s := &p.Services[i]; isProxy(s) && len(s.Ports) > 0 && s.NetworkMode != "host" {
				proxy = s
			}
		}
	}
	if proxy == nil {
		return
	}
	for i := range bs {
		for _, n := range bs[i].Policy.Allow {
			pfx, err := netip.ParsePrefix(n.CIDR)
			if err != nil {
				a, aerr := netip.ParseAddr(n.CIDR)
				if aerr != nil {
					continue
				}
				pfx = netip.PrefixFrom(a, a.BitLen())
			}
			if !onlyLoopback(pfx) {
				continue
			}
			ds.Warnf(n.Source, "to serve it to this host only, give it a listener of its own (the tag listen=PORT, or com.df.srcPort) and publish that port on 127.0.0.1 only: ports: [\"127.0.0.1:PORT:PORT\"] on "+proxy.Name,
				"allows %s, which no client comes from: HAProxy runs in service %s, a container with published ports, and what reaches it through them comes from the bridge's gateway, not from 127.0.0.1", strings.TrimSpace(n.CIDR), proxy.Name)
		}
	}
}

// onlyLoopback reports whether every address of pfx is a loopback one.
func onlyLoopback(pfx netip.Prefix) bool {
	a, bits := pfx.Addr(), pfx.Bits()
	if a.Is4In6() {
		a, bits = a.Unmap(), bits-96
	}
	if a.Is4() {
		return a.IsLoopback() && bits >= 8
	}
	return a.IsLoopback() && bits == 128
}
