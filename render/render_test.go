package render

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Every name the README's template table documents resolves, so renaming
// a field breaks this test before it breaks users' templates.
func TestDocumentedTemplateNames(t *testing.T) {
	cfg, ds := model.Build(model.Project{Name: "p", Files: []string{"compose.yaml"}, Services: []model.Service{{
		Name:   "web",
		Labels: map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "path=/api,strip_path,sticky_session,weight=5,maxconn=9,timeout=9s,custom=x", "SERVICE_CHECK_HTTP": "/health", "SERVICE_CHECK_INTERVAL": "3s"},
		Expose: []model.Port{{Number: 8080, Protocol: "tcp"}},
	}}}, model.Options{Domains: []string{"example.com"}})
	if ds.HasErrors() {
		t.Fatalf("Build: %v", ds)
	}
	const text = `{{ .Version }} {{ .Files }} {{ .Resolvers }} {{ .DNSRate }} {{ .DNS.Names }} {{ .DNS.Resolve }} [{{ .HostMap }}] {{ shellWords .Command }} {{ comment .Files }}
{{ .Listen.HTTP }} {{ .Listen.Stats }} [{{ .Listen.HTTPS }}] [{{ .Listen.Certs }}] {{ .Listen.HTTPSPort }}
{{ range .Backends }}{{ .Name }} {{ .Service }} {{ .Port }} {{ .StripPath }} {{ .Sticky }} {{ .Balance }} {{ .Timeout }} {{ .HTTPSOnly }} {{ .HTTPSRedirectCode }} [{{ .Canonical }}] {{ .Redirects }} {{ .Rewrite }} {{ .TCPPort }}
{{ range .Hosts }}{{ .Name }} {{ .Wildcard }} {{ .Source.Key }} {{ end }}
{{ range .Paths }}{{ .Prefix }} {{ .Source.Item }} {{ end }}
{{ .Check.HTTPPath }} {{ .Check.Interval }} [{{ .Check.Timeout }}]{{ range .Check.Sources }} {{ .Key }}{{ end }}
{{ .Servers.Prefix }} {{ .Servers.Address }} {{ .Servers.Port }} {{ .Servers.Slots }} {{ .Servers.Weight }} {{ .Servers.MaxConn }} {{ .Servers.Source.Key }}
{{ range .Tags }}{{ .Name }}={{ .Value }}:{{ .Known }}:{{ .Source.From }} {{ end }}
{{ end }}{{ range .Routes }}{{ .Backend }} {{ .Path.Prefix }} {{ .Wildcard }} {{ len .Hosts }}
{{ end }}{{ range .Frontend.HostACLs }}{{ .Name }} {{ .Match }} {{ .Patterns }}
{{ end }}{{ range .Frontend.PathACLs }}{{ .Name }} {{ .Prefix }}
{{ end }}{{ .Frontend.KeepPort }}{{ range .Frontend.Redirects }}{{ .Target }} {{ .Code }} {{ .ACLs }}
{{ end }}{{ range .Frontend.Rules }}{{ .Backend }} {{ .ACLs }}
{{ end }}{{ range $name, $rs := .HTTPSOnly }}{{ $name }}{{ range $rs }} {{ .Target }} {{ .Code }} {{ .ACLs }}{{ end }}{{ end }}
{{ regex "/a.b" }} {{ tcpBind ":80" 5432 }} {{ upper "sprig" }}`
	out, err := Template(cfg, "names.tmpl", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"web_8080 web 8080 true true roundrobin 9s false 0",
		"web.example.com false SERVICE_NAME",
		"/api path=/api",
		"/health 3s [] SERVICE_CHECK_HTTP SERVICE_CHECK_INTERVAL",
		"web- web 8080 10 5 9 slots",
		"custom=x:false:labels",
		"/a[.]b :5432 SPRIG",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A template error names the template file and line.
func TestTemplateErrorNamesFileAndLine(t *testing.T) {
	_, err := Template(model.Config{}, "my.tmpl", []byte("ok\n{{ .Nmae }}"))
	if err == nil || !strings.Contains(err.Error(), "my.tmpl:2") {
		t.Fatalf("error %v, want one naming my.tmpl:2", err)
	}
}

// Templates keep the tool's promises: no network, no secrets from the
// environment, the same input gives the same bytes. sprig's functions
// that break one are not there, so a template that calls one fails to
// parse, naming it.
func TestTemplatesHaveNoFunctionThatBreaksAPromise(t *testing.T) {
	for _, name := range []string{
		"env", "expandenv", "getHostByName",
		"now", "ago", "date", "dateInZone", "date_in_zone", "dateModify", "date_modify", "mustDateModify", "must_date_modify",
		"htmlDate", "htmlDateInZone", "toDate", "mustToDate", "unixEpoch", "durationRound",
		"randAlphaNum", "randAlpha", "randAscii", "randNumeric", "randBytes", "randInt", "shuffle", "uuidv4",
		"bcrypt", "htpasswd", "encryptAES", "genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert",
		"genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey", "buildCustomCert",
	} {
		_, err := Template(model.Config{}, "t.tmpl", []byte("{{ "+name+" }}"))
		if err == nil || !strings.Contains(err.Error(), `function "`+name+`" not defined`) {
			t.Errorf("{{ %s }}: error %v, want function %q not defined", name, err, name)
		}
	}
	// What stays: pure functions of their arguments.
	out, err := Template(model.Config{}, "t.tmpl", []byte(`{{ upper "a" }} {{ sha256sum "a" | trunc 4 }} {{ duration "90" }} {{ list 1 2 | join "," }}`))
	if err != nil || string(out) != "A ca97 1m30s 1,2" {
		t.Errorf("got %q, %v", out, err)
	}
}

// The policy names the README's template table documents resolve too.
func TestDocumentedPolicyNames(t *testing.T) {
	const hash = "$6$ViEJ.yPI3rV1T1WP$7l7M/IhsEA2xWnBJtX.3nH6hKbpnS/ntXXL1WzqEHXgwl1XW62nTadVXVEOBj8NtA7Ugw/J52V3NqyMPt5kgb1"
	cfg, ds := model.Build(model.Project{Name: "p", Files: []string{"compose.yaml"},
		Secrets: []model.Secret{{Name: "ops", Content: []byte("alice:" + hash)}},
		Services: []model.Service{{
			Name: "web",
			Labels: map[string]string{"SERVICE_NAME": "web", "com.df.deniedMethods": "PUT",
				"SERVICE_TAGS": "auth=ops,allow=10.0.0.0/8,deny=10.6.6.6,rate_limit=5/s,max_body=1k,method=GET,deny_http,maintenance"},
			Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
		}}}, model.Options{Listen: model.Listen{Certs: "/certs", Stats: ":8404", AcceptProxy: true}, TrustedProxies: []string{"10.1.0.0/16"},
		StatsAuth: &model.Secret{Name: "ops", Content: []byte("bob:" + hash)}})
	if ds.HasErrors() {
		t.Fatalf("Build: %v", ds)
	}
	const text = `{{ range .Backends }}{{ with .Policy }}{{ .DenyHTTP.Key }} {{ range .Allow }}{{ .CIDR }}{{ end }} {{ range .Deny }}{{ .CIDR }} {{ .Source.Item }}{{ end }} {{ .Maintenance.Item }}
{{ .RateLimit.Requests }}/{{ .RateLimit.Period }} {{ .RateLimit.Seconds }} {{ .RateLimit.RetryAfter }} {{ range .Methods }}{{ .Name }}{{ end }} {{ range .DeniedMethods }}{{ .Name }}{{ end }} {{ .AllowHeader }} {{ .Open }}
{{ .Auth.Secret }}{{ range .Auth.Users }} {{ .Name }} {{ .Scheme }} {{ len .Hash }}{{ end }} {{ .MaxBody.Bytes }} {{ .MaxBody.Size }}{{ end }}{{ end }}
{{ range .TrustedProxies }}{{ .CIDR }}{{ end }} {{ range .StatsAuth.Users }}{{ .Name }}{{ end }} {{ .Listen.AcceptProxy }}`
	out, err := Template(cfg, "names.tmpl", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"SERVICE_TAGS 10.0.0.0/8 10.6.6.6 deny=10.6.6.6 maintenance",
		"5/1s 1 2 GETHEAD PUT GET,HEAD false",
		"ops alice sha512 106 1024 1k",
		"10.1.0.0/16 bob true",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// The resolvers ask about each name every DNS.Resolve: with more names
// than the rate, less often, so that the idle query rate stays bounded.
func TestDNSSpreadsTheNamesOverTheRate(t *testing.T) {
	for _, tc := range []struct {
		names, rate int
		want        string
	}{{0, 100, "1s"}, {10, 100, "1s"}, {100, 100, "1s"}, {101, 100, "2s"}, {1000, 100, "10s"}, {5000, 100, "50s"}, {1000, 1000, "1s"}, {3, 0, "3s"}} {
		cfg := model.Config{DNSRate: tc.rate}
		for i := range tc.names {
			name := "svc" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
			cfg.Backends = append(cfg.Backends, model.Backend{Servers: model.Servers{Address: name}, Shared: []model.Servers{{Address: name}}})
		}
		if got := dnsFor(cfg); got.Resolve != tc.want || got.Names != tc.names {
			t.Errorf("%d names at %d a second: resolve every %s (%d names), want %s", tc.names, tc.rate, got.Resolve, got.Names, tc.want)
		}
	}
}
