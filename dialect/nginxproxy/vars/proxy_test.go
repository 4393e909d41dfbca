package vars

import (
	"strings"
	"testing"
)

func TestProxyRole(t *testing.T) {
	for _, tt := range []struct {
		image  string
		labels map[string]string
		label  string
		want   Role
	}{
		{"nginxproxy/nginx-proxy", nil, "", RoleProxy},
		{"nginxproxy/nginx-proxy:1.6-alpine", nil, "", RoleProxy},
		{"docker.io/jwilder/nginx-proxy:latest", nil, "", RoleProxy},
		{"ghcr.io/nginx-proxy/nginx-proxy@sha256:abc", nil, "", RoleProxy},
		{"nginxproxy/nginx-proxy:1.11-dockergen", nil, "", RoleDockerGen},
		{"nginxproxy/docker-gen", nil, "", RoleDockerGen},
		{"nginx:alpine", map[string]string{DefaultNginxLabel: ""}, "", RoleNginx},
		{"nginx", map[string]string{"com.example.proxy": "x"}, "com.example.proxy", RoleNginx},
		{"nginx", map[string]string{DefaultNginxLabel: ""}, "com.example.proxy", NotProxy},
		{"traefik:v3", nil, "", NotProxy},
		{"myregistry:5000/nginx-proxy", nil, "", NotProxy},
	} {
		if got := ProxyRole(tt.image, tt.labels, tt.label); got != tt.want {
			t.Errorf("ProxyRole(%q, %v) = %s, want %s", tt.image, tt.labels, got, tt.want)
		}
	}
}

func TestDecodeProxy(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		check     func(t *testing.T, p *Proxy)
		wantDiags []string
	}{
		{
			name: "defaults",
			check: func(t *testing.T, p *Proxy) {
				if p.DefaultHost.Set() || p.DefaultRoot.V.Status != 404 || !p.TrustDownstreamProxy.V || p.HTTPSMethod.V != Redirect ||
					p.HSTS.V.Value != DefaultHSTS || p.HTTPPort.V != 80 || p.HTTPSPort.V != 443 || p.EnableIPv6.V ||
					p.SSLPolicy.V.Name != "Mozilla-Intermediate" || !p.TrustDefaultCert.V || !p.EnableHTTPOnMissing.V ||
					p.NonGetRedirect.V != 301 || p.NginxLabel.V != DefaultNginxLabel {
					t.Errorf("defaults %+v", p)
				}
				if p.HTTPPort.Origin.Source != "default" {
					t.Errorf("origin %+v", p.HTTPPort.Origin)
				}
			},
		},
		{
			name: "set",
			env: map[string]string{"DEFAULT_HOST": "foo.bar.com", "TRUST_DOWNSTREAM_PROXY": "false", "HTTPS_METHOD": "noredirect", "HSTS": "off",
				"HTTP_PORT": "1080", "HTTPS_PORT": "10443", "ENABLE_IPV6": "true", "DEFAULT_ROOT": "301 https://$host/app$request_uri",
				"SSL_POLICY": "AWS-2016-08", "LOG_JSON": "true"},
			check: func(t *testing.T, p *Proxy) {
				if p.DefaultHost.V != "foo.bar.com" || p.TrustDownstreamProxy.V || p.HTTPSMethod.V != NoRedirect || !p.HSTS.V.Off ||
					p.HTTPPort.V != 1080 || p.HTTPSPort.V != 10443 || !p.EnableIPv6.V || p.DefaultRoot.V.URL != "https://$host/app$request_uri" ||
					!p.SSLPolicy.V.LowersGlobal {
					t.Errorf("settings %+v", p)
				}
			},
			wantDiags: []string{`note: LOG_JSON="true": no effect: logging`},
		},
		{
			name: "refused",
			env: map[string]string{"TRUST_DOWNSTREAM_PROXY": "nope", "HTTP_PORT": "0", "DEFAULT_ROOT": "none", "ENABLE_HTTP3": "true",
				"DOCKER_CONTAINER_FILTERS": "network=web", "VIRTUAL_HOST": "proxy.example", "DEFAULT_HOTS": "a"},
			wantDiags: []string{
				`warning: DEFAULT_HOTS="a": not an nginx-proxy variable; did you mean DEFAULT_HOST?`,
				`error: DEFAULT_ROOT="none": none leaves "location /" to a vhost.d file`,
				`error: DOCKER_CONTAINER_FILTERS="network=web": container filters are not applied`,
				`error: ENABLE_HTTP3="true": HTTP/3 is not translated`,
				`error: HTTP_PORT="0": not a port`,
				`error: TRUST_DOWNSTREAM_PROXY="nope": not a boolean`,
				`warning: VIRTUAL_HOST="proxy.example": read on proxied containers only`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ds, err := DecodeProxy(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
			checkDiags(t, ds, tt.wantDiags)
		})
	}
}

func TestParseDefaultRoot(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Return
		err  string
	}{
		{"404", Return{Status: 404}, ""},
		{"418", Return{Status: 418}, ""},
		{"503 down for maintenance", Return{Status: 503, Body: "down for maintenance"}, ""},
		{"301 https://github.com/nginx-proxy/nginx-proxy/blob/main/README.md", Return{Status: 301, URL: "https://github.com/nginx-proxy/nginx-proxy/blob/main/README.md"}, ""},
		{"301 $scheme://$host/myapp1$request_uri", Return{Status: 301, URL: "$scheme://$host/myapp1$request_uri"}, ""},
		{"https://example.org/", Return{Status: 302, URL: "https://example.org/"}, ""},
		{"301 https://$http_x/", Return{}, "nginx variable $http_x not translated"},
		{"302", Return{}, "needs a URL"},
		{"teapot", Return{}, "a status"},
	} {
		got, err := ParseDefaultRoot(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDefaultRoot(%q) = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDefaultRoot(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseLoadBalance(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{"least_conn;", "leastconn", ""},
		{"ip_hash;", "source", ""},
		{"hash $remote_addr;", "source", ""},
		{"hash $request_uri consistent;", "uri whole", ""},
		{"hash $http_x_user_id;", "hdr(x-user-id)", ""},
		{"random two least_conn;", "random(2)", ""},
		{"least_conn", "", "terminating ';'"},
		{"hash $cookie_sid;", "", "hash key"},
		{"sticky cookie srv_id;", "", "not translated"},
	} {
		b, err := ParseLoadBalance(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseLoadBalance(%q) = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || b.Algorithm != tt.want {
			t.Errorf("ParseLoadBalance(%q) = %+v, %v; want %s", tt.in, b, err, tt.want)
		}
	}
}

func TestSSLPolicies(t *testing.T) {
	if len(SSLPolicies) != 22 {
		t.Errorf("%d policies", len(SSLPolicies))
	}
	for name, p := range SSLPolicies {
		if p.Name != name || p.MinVersion > p.MaxVersion || (p.MaxVersion < TLS13 || p.MinVersion < TLS13) == (p.Ciphers == "") {
			t.Errorf("policy %s: %+v", name, p)
		}
		if p.LowersGlobal != (p.MinVersion < TLS12) {
			t.Errorf("policy %s lowers the global policy: %v", name, p.LowersGlobal)
		}
	}
}
