package vars

import (
	"errors"
	"strings"
	"testing"
)

// diagsText renders diagnostics one per line for comparison.
func diagsText(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// checkDiags compares diagnostics with substrings, one per diagnostic, in order.
func checkDiags(t *testing.T, ds Diagnostics, want []string) {
	t.Helper()
	if len(ds) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(ds), len(want), diagsText(ds))
	}
	for i, w := range want {
		if !strings.Contains(ds[i].String(), w) {
			t.Errorf("diagnostic %d = %q, want it to contain %q", i, ds[i], w)
		}
	}
}

// routesText is a compact view of a container's routes.
func routesText(c *Container) string {
	var b strings.Builder
	for _, v := range c.Vhosts {
		for _, r := range v.Routes {
			b.WriteString(v.Host.V.Kind.String() + ":" + v.Host.V.Match + " " + r.Path.V.Kind.String() + ":" + r.Path.V.Value +
				" -> " + r.Proto.V.String() + ":" + itoa(r.Port.V.Number) + "(" + r.Port.V.Rule.String() + ")")
			if r.Rewrite.V.Dest != "" {
				b.WriteString(" dest " + r.Rewrite.V.Dest)
			}
			if v.ExternalHTTPSPort.Set() {
				b.WriteString(" https:" + itoa(v.ExternalHTTPSPort.V))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestDecodeContainer(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		labels    map[string]string
		exposed   []ExposedPort
		want      string // routesText
		check     func(t *testing.T, c *Container)
		wantDiags []string
	}{
		{
			name:      "the issue's example: one host, VIRTUAL_PORT",
			env:       map[string]string{"VIRTUAL_HOST": "legacy.example.com", "VIRTUAL_PORT": "8000"},
			want:      "exact:legacy.example.com prefix:/ -> http:8000(variable)\n",
			wantDiags: nil,
		},
		{
			name:      "hosts comma-separated, trimmed, empty items and duplicates skipped, wildcards",
			env:       map[string]string{"VIRTUAL_HOST": " a.example , *.b.example,,a.example, c.*, .d.example, A.Example"},
			exposed:   []ExposedPort{{Port: 3000}},
			want:      "exact:a.example prefix:/ -> http:3000(only exposed port)\nsuffix:.b.example prefix:/ -> http:3000(only exposed port)\nprefix:c. prefix:/ -> http:3000(only exposed port)\ndot-suffix:.d.example prefix:/ -> http:3000(only exposed port)\nexact:a.example prefix:/ -> http:3000(only exposed port)\n",
			wantDiags: []string{"note: VIRTUAL_PORT: no port given: nginx-proxy uses the only exposed port, 3000"},
		},
		{
			name:      "no port, several exposed, none 80: 80 with a warning",
			env:       map[string]string{"VIRTUAL_HOST": "a.example"},
			exposed:   []ExposedPort{{Port: 8080}, {Port: 9090}},
			want:      "exact:a.example prefix:/ -> http:80(default 80)\n",
			wantDiags: []string{"warning: VIRTUAL_PORT: no port given and 2 ports exposed, none of them 80"},
		},
		{
			name:      "no port, none exposed: 80",
			env:       map[string]string{"VIRTUAL_HOST": "a.example"},
			want:      "exact:a.example prefix:/ -> http:80(default 80)\n",
			wantDiags: []string{"note: VIRTUAL_PORT: no port given and none exposed"},
		},
		{
			name: "path and dest",
			env:  map[string]string{"VIRTUAL_HOST": "example.tld", "VIRTUAL_PATH": "/app1/", "VIRTUAL_DEST": "/", "VIRTUAL_PORT": "80"},
			want: "exact:example.tld prefix:/app1/ -> http:80(variable) dest /\n",
			check: func(t *testing.T, c *Container) {
				rw := c.Vhosts[0].Routes[0].Rewrite.V
				if got := rw.Apply("/app1/foo"); got != "/foo" {
					t.Errorf("rewrite /app1/foo = %q", got)
				}
			},
		},
		{
			name:      "dest losing a slash is a warning",
			env:       map[string]string{"VIRTUAL_HOST": "example.tld", "VIRTUAL_PATH": "/app1", "VIRTUAL_DEST": "/", "VIRTUAL_PORT": "80"},
			want:      "exact:example.tld prefix:/app1 -> http:80(variable) dest /\n",
			wantDiags: []string{`warning: VIRTUAL_DEST="/": the path "/app1" ends with '/' and the destination does not, or the reverse: the rewritten paths lose or double a slash (/app1/foo becomes //foo)`},
		},
		{
			name:      "regex path with dest refused",
			env:       map[string]string{"VIRTUAL_HOST": "example.tld", "VIRTUAL_PATH": "~^/(app1|alt)/", "VIRTUAL_DEST": "/", "VIRTUAL_PORT": "80"},
			want:      "exact:example.tld regex:^/(app1|alt)/ -> http:80(variable)\n",
			wantDiags: []string{"error: VIRTUAL_DEST=\"/\": VIRTUAL_DEST cannot be used with a regex VIRTUAL_PATH"},
		},
		{
			name: "protos",
			env:  map[string]string{"VIRTUAL_HOST": "g.example", "VIRTUAL_PROTO": " grpcs ", "VIRTUAL_PORT": "443", "VIRTUAL_DEST": "/x"},
			want: "exact:g.example prefix:/ -> grpcs:443(variable)\n",
			wantDiags: []string{
				`warning: VIRTUAL_DEST="/x": ignored with VIRTUAL_PROTO=grpcs, as nginx-proxy does`,
			},
		},
		{
			name:      "uwsgi refused with the way out",
			env:       map[string]string{"VIRTUAL_HOST": "u.example", "VIRTUAL_PROTO": "uwsgi", "VIRTUAL_PORT": "3031"},
			want:      "exact:u.example prefix:/ -> http:3031(variable)\n",
			wantDiags: []string{"error: VIRTUAL_PROTO=\"uwsgi\": HAProxy does not speak the uwsgi protocol: run the application's HTTP server"},
		},
		{
			name:      "unknown proto with suggestion",
			env:       map[string]string{"VIRTUAL_HOST": "u.example", "VIRTUAL_PROTO": "htps", "VIRTUAL_PORT": "1"},
			want:      "exact:u.example prefix:/ -> http:1(variable)\n",
			wantDiags: []string{`did you mean "https"?`},
		},
		{
			name: "bad port, bad host, bad wildcard, port in host",
			env:  map[string]string{"VIRTUAL_HOST": "www.*.example.org,a.example:8080,ok.example,bad host", "VIRTUAL_PORT": "80a"},
			want: "exact:ok.example prefix:/ -> http:80(default 80)\n",
			wantDiags: []string{
				`error: VIRTUAL_HOST="a.example:8080": a port in a host is never matched`,
				`error: VIRTUAL_HOST="bad host": character ' ' is not allowed`,
				`error: VIRTUAL_HOST="www.*.example.org": nginx accepts '*' only as a whole first or last label`,
				"note: VIRTUAL_PORT: no port given and none exposed",
				`error: VIRTUAL_PORT="80a": not a port`,
			},
		},
		{
			name: "regex hosts: accepted in RE2, refused with lookahead or braces",
			env:  map[string]string{"VIRTUAL_HOST": `~^foo\.bar\..*\.nip\.io$,~^(?!www)\.x$,~^a{2}\.example$`, "VIRTUAL_PORT": "80"},
			want: "regex:^foo\\.bar\\..*\\.nip\\.io$ prefix:/ -> http:80(variable)\n",
			wantDiags: []string{
				`error: VIRTUAL_HOST="~^a{2}\\.example$": nginx-proxy writes the regex unquoted`,
				`error: VIRTUAL_HOST="~^(?!www)\\.x$": regex not supported`,
			},
		},
		{
			name: "settings",
			env: map[string]string{"VIRTUAL_HOST": "s.example", "VIRTUAL_PORT": "80", "HTTPS_METHOD": "nohttp", "HSTS": "max-age=60; preload",
				"CERT_NAME": "shared", "SSL_POLICY": "Mozilla-Modern", "NETWORK_ACCESS": "internal", "ENABLE_HTTP_ON_MISSING_CERT": "false",
				"EXTERNAL_HTTPS_PORT": "8443"},
			want: "exact:s.example prefix:/ -> http:80(variable) https:8443\n",
			check: func(t *testing.T, c *Container) {
				if c.HTTPSMethod.V != NoHTTP || c.HSTS.V.Value != "max-age=60; preload" || c.CertName.V != "shared" ||
					c.SSLPolicy.V.MinVersion != TLS13 || !c.Internal.V || c.EnableHTTPOnMissingCert.V {
					t.Errorf("settings %+v", c)
				}
				if c.HTTPSMethod.Origin.Key != "HTTPS_METHOD" {
					t.Errorf("origin %+v", c.HTTPSMethod.Origin)
				}
			},
		},
		{
			name: "bad settings never dropped silently",
			env: map[string]string{"VIRTUAL_HOST": "s.example", "VIRTUAL_PORT": "80", "HTTPS_METHOD": "no-redirect", "NETWORK_ACCESS": "Internal",
				"SSL_POLICY": "Mozilla-modern", "HSTS": "includeSubDomains", "ENABLE_HTTP_ON_MISSING_CERT": "yes"},
			want: "exact:s.example prefix:/ -> http:80(variable)\n",
			wantDiags: []string{
				`error: ENABLE_HTTP_ON_MISSING_CERT="yes": not a boolean`,
				`error: HSTS="includeSubDomains": no max-age`,
				`error: HTTPS_METHOD="no-redirect": unknown method (nginx-proxy would serve HTTPS only, without redirect); did you mean "noredirect"?`,
				`error: NETWORK_ACCESS="Internal": unknown value: nginx-proxy restricts access only for exactly "internal"`,
				`error: SSL_POLICY="Mozilla-modern": unknown policy (nginx-proxy would set no TLS versions or ciphers for it); did you mean "Mozilla-Modern"?`,
			},
		},
		{
			name: "unknown VIRTUAL_* with a near miss is an error, VIRTUAL_ENV a warning, app variables skipped, near misses warned",
			env:  map[string]string{"VIRTUAL_HOST": "a.example", "VIRTUAL_PORTS": "80", "VIRTUAL_ENV": "/venv", "DATABASE_URL": "x", "HTTPS_METHD": "redirect"},
			want: "exact:a.example prefix:/ -> http:80(default 80)\n",
			wantDiags: []string{
				`warning: HTTPS_METHD="redirect": not an nginx-proxy variable; did you mean HTTPS_METHOD?`,
				`warning: VIRTUAL_ENV="/venv": unknown variable, ignored by nginx-proxy`,
				"note: VIRTUAL_PORT: no port given and none exposed",
				`error: VIRTUAL_PORTS="80": unknown variable, ignored by nginx-proxy; did you mean VIRTUAL_PORT?`,
			},
		},
		{
			name: "proxy variables on a proxied container",
			env:  map[string]string{"VIRTUAL_HOST": "a.example", "VIRTUAL_PORT": "80", "DEFAULT_HOST": "a.example", "HTTP_PORT": "8080"},
			want: "exact:a.example prefix:/ -> http:80(variable)\n",
			wantDiags: []string{
				`warning: DEFAULT_HOST="a.example": read on the nginx-proxy container only`,
			},
		},
		{
			name: "labels",
			env:  map[string]string{"VIRTUAL_HOST": "a.example", "VIRTUAL_PORT": "80"},
			labels: map[string]string{
				LabelPrefix + "loadbalance":       "hash $remote_addr consistent;",
				LabelPrefix + "keepalive":         "disabled",
				LabelPrefix + "non-get-redirect":  "308",
				LabelPrefix + "loadbalanse":       "least_conn;",
				LabelPrefix + "ssl_verify_client": "optional",
				"traefik.enable":                  "true",
			},
			want: "exact:a.example prefix:/ -> http:80(variable)\n",
			check: func(t *testing.T, c *Container) {
				if c.LoadBalance.V.Algorithm != "source" || !c.LoadBalance.V.Consistent || c.NonGetRedirect.V != 308 || c.Keepalive.V != "disabled" {
					t.Errorf("labels %+v", c)
				}
			},
			wantDiags: []string{
				"note: com.github.nginx-proxy.nginx-proxy.keepalive=\"disabled\": converted with a difference",
				"error: com.github.nginx-proxy.nginx-proxy.loadbalanse=\"least_conn;\": unknown nginx-proxy label; did you mean com.github.nginx-proxy.nginx-proxy.loadbalance?",
				"error: com.github.nginx-proxy.nginx-proxy.ssl_verify_client=\"optional\": client certificate checks (mTLS) are not translated",
			},
		},
		{
			name: "acme-companion: ACME_HOST wins over LETSENCRYPT_HOST, certificates must be provided",
			env: map[string]string{"VIRTUAL_HOST": "a.example", "VIRTUAL_PORT": "80", "ACME_HOST": "a.example, b.example.",
				"LETSENCRYPT_HOST": "old.example", "LETSENCRYPT_EMAIL": "me@example.org"},
			want: "exact:a.example prefix:/ -> http:80(variable)\n",
			check: func(t *testing.T, c *Container) {
				if c.ACME == nil || strings.Join(c.ACME.Hosts, "|") != "a.example|b.example" || c.ACME.Email != "me@example.org" {
					t.Errorf("acme %+v", c.ACME)
				}
			},
			wantDiags: []string{
				`error: ACME_HOST="a.example, b.example.": certificates are not obtained by this tool: provide a.example.crt, b.example.crt and .key`,
				`warning: ACME_HOST="b.example": not among the container's hosts`,
			},
		},
		{
			name:      "no VIRTUAL_HOST: not routed, companions reported",
			env:       map[string]string{"VIRTUAL_PORT": "80"},
			want:      "",
			wantDiags: []string{`warning: VIRTUAL_PORT="80": no VIRTUAL_HOST: nginx-proxy does not route this container`},
		},
		{
			name: "multiports replaces the five variables",
			env: map[string]string{"VIRTUAL_HOST": "x.example", "VIRTUAL_PORT": "1",
				"VIRTUAL_HOST_MULTIPORTS": "www.example.org:\nservice1.example.org:\n  \"/\":\n    port: 8000\n"},
			want: "exact:service1.example.org prefix:/ -> http:8000(variable)\nexact:www.example.org prefix:/ -> http:80(default 80)\n",
			wantDiags: []string{
				`warning: VIRTUAL_HOST="x.example": ignored: VIRTUAL_HOST_MULTIPORTS replaces it`,
				`warning: VIRTUAL_PORT="1": ignored: VIRTUAL_HOST_MULTIPORTS replaces it`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ds, err := DecodeContainer(ContainerInput{Env: tt.env, Labels: tt.labels, Exposed: tt.exposed})
			if err != nil {
				t.Fatal(err)
			}
			if got := routesText(c); got != tt.want {
				t.Errorf("routes:\n%s\nwant:\n%s", got, tt.want)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
			checkDiags(t, ds, tt.wantDiags)
		})
	}
}

func TestDecodeContainerLimits(t *testing.T) {
	env := map[string]string{"VIRTUAL_HOST": strings.Repeat("a", maxValueLen+1)}
	if _, _, err := DecodeContainer(ContainerInput{Env: env}); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("err = %v", err)
	}
	_, ds, err := DecodeContainer(ContainerInput{Env: map[string]string{"VIRTUAL_HOST": "~" + strings.Repeat("a", maxRegexLen+1)}})
	if err != nil || !strings.Contains(diagsText(ds), "regex host of 1026 bytes (at most 1024)") {
		t.Errorf("err = %v, diags %s", err, diagsText(ds))
	}
}

func TestEffectiveHTTPSMethod(t *testing.T) {
	for _, tt := range []struct {
		m           HTTPSMethod
		cert, onMis bool
		want        HTTPSMethod
	}{
		{Redirect, true, true, Redirect},
		{Redirect, false, true, NoRedirect},
		{NoHTTP, false, true, NoRedirect},
		{NoHTTP, false, false, NoHTTP},
		{NoHTTPS, false, true, NoHTTPS},
	} {
		if got := EffectiveHTTPSMethod(tt.m, tt.cert, tt.onMis); got != tt.want {
			t.Errorf("EffectiveHTTPSMethod(%s, %v, %v) = %s, want %s", tt.m, tt.cert, tt.onMis, got, tt.want)
		}
	}
}

// The size cap bounds what nginx-proxy reads only: another dialect's long
// label (a registrator SERVICE_TAGS of a thousand paths) is not this
// decoder's to refuse.
func TestOnlyNginxProxysOwnValuesAreBounded(t *testing.T) {
	long := strings.Repeat("path=/a,", maxValueLen)
	if _, _, err := DecodeContainer(ContainerInput{Env: map[string]string{"SERVICE_TAGS": long}, Labels: map[string]string{"SERVICE_TAGS": long}}); err != nil {
		t.Errorf("another dialect's long value: %v", err)
	}
	if _, _, err := DecodeContainer(ContainerInput{Env: map[string]string{"VIRTUAL_HOST": long}}); !errors.Is(err, ErrLimit) {
		t.Errorf("a long VIRTUAL_HOST: %v, want ErrLimit", err)
	}
}
