package bench

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Domain is the --domain the measurements pass, so that every routed name
// also answers as <name>.Domain.
const Domain = "example.com"

// service is one generated compose service, before it is written as YAML
// (Project) or as the loader's model.Service (Services).
type service struct {
	name     string
	image    string
	keys     map[string]string // SERVICE_* keys
	inLabels bool              // keys under labels: instead of environment:
	env      map[string]string // other environment, as written (may interpolate)
	envValue map[string]string // env after interpolation with an empty environment
	port     int
	expose   bool // expose: instead of ports:
	replicas int  // deploy.replicas; 0: not set
}

// mixed is service i (from 1) of Project: every service is routed by
// SERVICE_NAME on one port and has a server_alias; some also have a path,
// a wildcard alias, sticky sessions, another balance, an HTTP check or
// replicas, and a third keep their keys in labels rather than environment.
func mixed(i int) service {
	id := fmt.Sprintf("%05d", i)
	tags := []string{"server_alias=app" + id + ".example.org"}
	if i%10 == 0 {
		tags = append(tags, "path=/api", "strip_path")
	}
	if i%50 == 0 {
		tags = append(tags, "server_alias=*.app"+id+".example.net")
	}
	if i%3 == 0 {
		tags = append(tags, "sticky_session")
	}
	if i%5 == 0 {
		tags = append(tags, "balance=leastconn")
	}
	s := service{
		name:  "svc" + id,
		image: "registry.example.org/shop/app" + id + ":1.4.2",
		keys: map[string]string{
			"SERVICE_NAME": "app" + id + "_shop",
			"SERVICE_TAGS": strings.Join(tags, ","),
		},
		inLabels: i%3 == 0,
		env: map[string]string{
			"LOG_LEVEL":    "info",
			"DATABASE_URL": "postgres://${DB_HOST:-db}:5432/app" + id,
		},
		envValue: map[string]string{
			"LOG_LEVEL":    "info",
			"DATABASE_URL": "postgres://db:5432/app" + id,
		},
		port:   8080,
		expose: i%4 == 0,
	}
	if i%2 == 0 {
		s.keys["SERVICE_CHECK_HTTP"] = "/health"
		s.keys["SERVICE_CHECK_INTERVAL"] = "5s"
	}
	if i%3 == 0 {
		s.replicas = 3
	}
	return s
}

// plain is service i (from 1) of Hosts: routed as host<i> on port, nothing else.
func plain(i, port int) service {
	id := fmt.Sprintf("%05d", i)
	return service{
		name:  "web" + id,
		image: "nginx:1.27",
		keys:  map[string]string{"SERVICE_NAME": "host" + id},
		port:  port,
	}
}

// Project is a compose file of n routed services (see mixed). Loading it
// needs an environment without DB_HOST for Services(n) to match it.
func Project(n int) []byte {
	return write(n, mixed)
}

// Hosts is a compose file of n services routed by host only, host00001 to
// host<n> (and host<i>.Domain with --domain Domain), all on port.
func Hosts(n, port int) []byte {
	return write(n, func(i int) service { return plain(i, port) })
}

// HostName is the routed name of service i (from 1) of Hosts.
func HostName(i int) string { return fmt.Sprintf("host%05d", i) }

// Services is Project(n) as loader.Load returns it: the input of
// model.Build without YAML, so the model and render benchmarks measure the
// same project as the whole run.
func Services(n int) []model.Service {
	out := make([]model.Service, 0, n)
	for i := 1; i <= n; i++ {
		s := mixed(i)
		ms := model.Service{
			Name:        s.name,
			Image:       s.image,
			Environment: maps.Clone(s.envValue),
			Replicas:    s.replicas,
			Networks:    []string{"default"},
		}
		if s.inLabels {
			ms.Labels = maps.Clone(s.keys)
		} else {
			if ms.Environment == nil {
				ms.Environment = map[string]string{}
			}
			maps.Copy(ms.Environment, s.keys)
		}
		p := []model.Port{{Number: s.port, Protocol: "tcp"}}
		if s.expose {
			ms.Expose = p
		} else {
			ms.Ports = p
		}
		out = append(out, ms)
	}
	return out
}

func write(n int, gen func(int) service) []byte {
	var b strings.Builder
	b.Grow(n * 600)
	b.WriteString("name: bench\nservices:\n")
	for i := 1; i <= n; i++ {
		s := gen(i)
		fmt.Fprintf(&b, "  %s:\n    image: %s\n", s.name, s.image)
		if s.expose {
			fmt.Fprintf(&b, "    expose: [\"%d\"]\n", s.port)
		} else {
			fmt.Fprintf(&b, "    ports: [\"%d\"]\n", s.port)
		}
		env := s.env
		if s.inLabels {
			writeMap(&b, "labels", s.keys)
		} else {
			env = maps.Clone(s.env)
			if env == nil {
				env = map[string]string{}
			}
			maps.Copy(env, s.keys)
		}
		writeMap(&b, "environment", env)
		if s.replicas > 0 {
			fmt.Fprintf(&b, "    deploy:\n      replicas: %d\n", s.replicas)
		}
	}
	return []byte(b.String())
}

// writeMap writes a YAML mapping of strings, keys sorted, values quoted.
func writeMap(b *strings.Builder, key string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(b, "    %s:\n", key)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(b, "      %s: %s\n", k, strconv.Quote(m[k]))
	}
}

// Paths is a compose file of n services routed under one host, shop, each
// by a path of its own (/p00001 … /p<n>), all on port: n path rules.
func Paths(n, port int) []byte {
	return write(n, func(i int) service {
		s := plain(i, port)
		s.keys = map[string]string{"SERVICE_NAME": "shop", "SERVICE_TAGS": fmt.Sprintf("path=/p%05d", i)}
		return s
	})
}

// Wildcards is a compose file of n services each routed by a wildcard
// alias of its own (*.w00001.example.net …), all on port: n wildcard rules.
func Wildcards(n, port int) []byte {
	return write(n, func(i int) service {
		s := plain(i, port)
		s.keys["SERVICE_TAGS"] = fmt.Sprintf("server_alias=*.w%05d.example.net", i)
		return s
	})
}

// Traefik is a compose file of n services routed by Traefik's labels, as a
// project migrating from Traefik has them, and the Traefik service they
// were written for (its entry points, and two middlewares the services
// share): each service has a router with a Host rule (every 10th also a
// PathPrefix, open to the shared allow list only; every 25th a second
// host), its entry point, its own headers middleware and the shared
// headers one; every third a health check, every fourth a sticky cookie,
// and the keys of mixed's environment.
func Traefik(n int) []byte {
	var b strings.Builder
	b.Grow(n * 900)
	b.WriteString(`name: bench
services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker.exposedbydefault=false
      - --entrypoints.web.address=:80
    ports: ["80:80"]
    labels:
      traefik.enable: "true"
      traefik.http.middlewares.office.ipallowlist.sourcerange: 10.0.0.0/8, 192.168.0.0/16
      traefik.http.middlewares.secure.headers.framedeny: "true"
`)
	for i := 1; i <= n; i++ {
		s := traefikService(i)
		fmt.Fprintf(&b, "  %s:\n    image: %s\n    expose: [\"%d\"]\n", s.name, s.image, s.port)
		writeMap(&b, "labels", s.keys)
		writeMap(&b, "environment", s.env)
	}
	return []byte(b.String())
}

// traefikService is service i (from 1) of Traefik.
func traefikService(i int) service {
	id := fmt.Sprintf("%05d", i)
	router, host := "traefik.http.routers.app"+id, "app"+id+".example.com"
	rule := "Host(`" + host + "`)"
	if i%25 == 0 {
		rule = "(Host(`" + host + "`) || Host(`www." + host + "`))"
	}
	if i%10 == 0 {
		rule += " && PathPrefix(`/api`)"
	}
	middlewares := "app" + id + "-headers,secure@docker"
	if i%10 == 0 {
		middlewares += ",office@docker"
	}
	keys := map[string]string{
		"traefik.enable":        "true",
		router + ".rule":        rule,
		router + ".entrypoints": "web",
		router + ".middlewares": middlewares,
		"traefik.http.middlewares.app" + id + "-headers.headers.customrequestheaders.X-App": "app" + id,
		"traefik.http.services.app" + id + ".loadbalancer.server.port":                      "8080",
	}
	if i%3 == 0 {
		keys["traefik.http.services.app"+id+".loadbalancer.healthcheck.path"] = "/health"
		keys["traefik.http.services.app"+id+".loadbalancer.healthcheck.interval"] = "10s"
	}
	if i%4 == 0 {
		keys["traefik.http.services.app"+id+".loadbalancer.sticky.cookie"] = "true"
	}
	return service{
		name:  "svc" + id,
		image: "registry.example.org/shop/app" + id + ":1.4.2",
		keys:  keys,
		env: map[string]string{
			"LOG_LEVEL":    "info",
			"DATABASE_URL": "postgres://${DB_HOST:-db}:5432/app" + id,
		},
		port: 8080,
	}
}
