package config

import (
	"strings"
	"testing"
)

// FuzzDecodeLabels: any labels decode without panic, and defaults apply.
// The input is "key=value" lines.
func FuzzDecodeLabels(f *testing.F) {
	for _, s := range []string{
		"traefik.http.routers.a.rule=Host(`x`)\ntraefik.http.routers.A.tls.domains[0].main=x",
		"traefik.http.middlewares.m.plugin.p.x.y=1\ntraefik.http.middlewares.m.headers.customrequestheaders.X=1",
		"traefik.tcp.routers.t.tls=false\ntraefik.tcp.routers.t.tls.passthrough=true",
		"traefik.http.services.s.loadbalancer.server.port=0\ntraefik..x=1\ntraefik.[0]=1\ntraefik.a[99999]=1",
		"traefik.http.routers=1\ntraefik.http.routers.x.rule.y=1\ntraefik.enable=TRUE",
		"[http.routers.r]\nrule = \"Path(`/`)\"\n[[http.services.s.loadBalancer.servers]]\nurl = 'http://a'\nx = [\n 1,\n]\ny = \"\"\"\na\n\"\"\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		labels := map[string]string{}
		for _, line := range strings.Split(in, "\n") {
			k, v, _ := strings.Cut(line, "=")
			labels[k] = v
		}
		l, ds, err := DecodeLabels(labels)
		if err != nil {
			return
		}
		_ = ds.HasErrors()
		l.ApplyDefaults("svc", func() string { return DefaultRuleTemplate })
		for _, r := range l.HTTP.Routers {
			if r.Service == nil {
				t.Fatalf("router %q kept without service", r.Name)
			}
		}
		_, _, _ = DecodeStatic(StaticInput{Command: strings.Fields(in)})
		// The file provider's files, TOML with its line scan, and YAML.
		_, _, _ = DecodeFile("f.toml", []byte(in))
		_, _, _ = DecodeFile("f.yml", []byte(in))
		if c, err := ParseConstraint(in); err == nil {
			c.Match(labels)
		}
	})
}
