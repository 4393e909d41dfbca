package model

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The overlap lint speaks only of what is wrong: a route that a request it
// names never reaches. The layouts the README recommends pass --strict.
func TestLintSpeaksOnlyOfUnreachableRoutes(t *testing.T) {
	tests := []struct {
		name     string
		services []Service
		want     []string
	}{
		{"a shorter prefix beside a longer one on one host",
			[]Service{svc("api", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "path=/api", "compose2haproxy.admit": "users"}, 80),
				svc("users", map[string]string{"SERVICE_NAME": "app", "SERVICE_TAGS": "path=/api/users"}, 80)},
			nil},
		{"a wildcard catch-all beside exact hosts",
			[]Service{svc("any", map[string]string{"SERVICE_NAME": "any", "SERVICE_TAGS": "server_alias=*.example.com"}, 80),
				svc("www", map[string]string{"SERVICE_NAME": "www", "SERVICE_TAGS": "server_alias=www.example.com"}, 80),
				svc("deep", map[string]string{"SERVICE_NAME": "deep", "SERVICE_TAGS": "server_alias=*.a.example.com"}, 80)},
			nil},
		{"an exact host's prefix takes a wildcard's longer paths on that host",
			[]Service{svc("api", map[string]string{"SERVICE_NAME": "api", "SERVICE_TAGS": "server_alias=api.example.com,path=/api"}, 80),
				svc("orders", map[string]string{"SERVICE_NAME": "orders", "SERVICE_TAGS": "server_alias=*.example.com,path=/api/orders,path=/api/v2/orders"}, 80)},
			[]string{
				`warning: orders: SERVICE_TAGS=server_alias=*.example.com,path=/api/orders,path=/api/v2/orders: path /api/orders of *.example.com is never reached on api.example.com: service api routes /api there, and exact hosts come before wildcards (route /api/orders on api.example.com too, or give one of them another path)`,
				`warning: orders: SERVICE_TAGS=server_alias=*.example.com,path=/api/orders,path=/api/v2/orders: path /api/v2/orders of *.example.com is never reached on api.example.com: service api routes /api there, and exact hosts come before wildcards (route /api/v2/orders on api.example.com too, or give one of them another path)`,
			}},
		{"a longer wildcard's prefix takes a shorter wildcard's longer paths",
			[]Service{svc("a", map[string]string{"SERVICE_NAME": "a", "SERVICE_TAGS": "server_alias=*.a.example.com,path=/x"}, 80),
				svc("b", map[string]string{"SERVICE_NAME": "b", "SERVICE_TAGS": "server_alias=*.example.com,path=/x/y"}, 80)},
			[]string{`warning: b: SERVICE_TAGS=server_alias=*.example.com,path=/x/y: path /x/y of *.example.com is never reached on *.a.example.com: service a routes /x there, and longer wildcards come first (route /x/y on *.a.example.com too, or give one of them another path)`}},
		{"a host's prefix takes the longer paths of a route on any host",
			[]Service{svc("www", map[string]string{"SERVICE_NAME": "www", "SERVICE_TAGS": "path=/demo"}, 80),
				svc("demo", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/demo/hello"}, 80)},
			[]string{`warning: demo: com.df.servicePath=/demo/hello: path /demo/hello on any host is never reached on www: service www routes /demo there, and routes on a host come before routes on any host (route /demo/hello on www too, or give one of them another path)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := build(t, Options{}, tt.services...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}
