package render

import (
	"bufio"
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"text/template"

	"github.com/compose2haproxy/compose2haproxy/dialect/all"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// fieldPage is the page whose field reference documents what templates see.
const fieldPage = "../docs/templates-and-json.md"

// documentedNames reads the field reference of fieldPage: the names each
// type's section ("### Type") lists ("| `.Name` |").
func documentedNames(t *testing.T) map[string][]string {
	t.Helper()
	text, err := os.ReadFile(fieldPage)
	if err != nil {
		t.Fatal(err)
	}
	_, ref, ok := strings.Cut(string(text), "## Field reference\n")
	if !ok {
		t.Fatalf("%s has no field reference", fieldPage)
	}
	names := map[string][]string{}
	typ := ""
	sc := bufio.NewScanner(strings.NewReader(ref))
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "### "); ok {
			typ = name
			continue
		}
		if rest, ok := strings.CutPrefix(line, "| `."); ok && typ != "" {
			name, _, _ := strings.Cut(rest, "`")
			names[typ] = append(names[typ], name)
		}
	}
	if len(names) == 0 {
		t.Fatalf("%s lists no template names", fieldPage)
	}
	return names
}

// checkDocumentedNames executes "{{ .Name }}" for every name the page
// documents, on a value of its type: the first that data holds, else the
// type's zero value. A name text/template cannot resolve fails; a method
// that fails on a zero value resolved.
func checkDocumentedNames(t *testing.T, data Data) {
	t.Helper()
	values := map[string]reflect.Value{}
	var types func(rt reflect.Type)
	types = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if _, seen := values[rt.Name()]; seen || rt.Kind() != reflect.Struct {
			return
		}
		values[rt.Name()] = reflect.New(rt).Elem()
		for _, f := range reflect.VisibleFields(rt) {
			if f.IsExported() {
				types(f.Type)
			}
		}
	}
	types(reflect.TypeOf(data))
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k))
			}
		case reflect.Struct:
			if values[v.Type().Name()].IsZero() {
				values[v.Type().Name()] = v
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(data))
	for typ, names := range documentedNames(t) {
		v, ok := values[typ]
		if !ok {
			t.Errorf("%s documents type %s, which templates do not reach", fieldPage, typ)
			continue
		}
		for _, name := range names {
			tmpl, err := template.New(typ).Option("missingkey=error").Parse("{{ ." + name + " }}")
			if err != nil {
				t.Errorf("%s: %s.%s: %v", fieldPage, typ, name, err)
				continue
			}
			if err := tmpl.Execute(new(bytes.Buffer), v.Interface()); err != nil && !strings.Contains(err.Error(), "error calling "+name) {
				t.Errorf("%s documents %s.%s: %v", fieldPage, typ, name, err)
			}
		}
	}
}

// dataFor is the dot a template gets for cfg.
func dataFor(cfg model.Config) Data {
	return Data{Config: cfg, Frontend: frontendFor(cfg), HTTPSOnly: httpsOnlyRedirects(cfg), SNI: sniFrontends(cfg)}
}

// Every name the template field reference documents resolves, so renaming
// a field breaks this test before it breaks users' templates; and the names
// below, which a template prints, are the reference's.
func TestDocumentedTemplateNames(t *testing.T) {
	cfg, ds := model.Build(model.Project{Name: "p", Files: []string{"compose.yaml"}, Services: []model.Service{{
		Name:   "web",
		Labels: map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "path=/api,strip_path,sticky_session,weight=5,maxconn=9,timeout=9s,custom=x", "SERVICE_CHECK_HTTP": "/health", "SERVICE_CHECK_INTERVAL": "3s"},
		Expose: []model.Port{{Number: 8080, Protocol: "tcp"}},
	}}}, model.Options{Domains: []string{"example.com"}, Dialects: all.Dialects()})
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
	checkDocumentedNames(t, dataFor(cfg))
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

// The names of the field reference resolve on a model with every access
// policy too, and these policy names print what they hold.
func TestDocumentedPolicyNames(t *testing.T) {
	const hash = "$6$ViEJ.yPI3rV1T1WP$7l7M/IhsEA2xWnBJtX.3nH6hKbpnS/ntXXL1WzqEHXgwl1XW62nTadVXVEOBj8NtA7Ugw/J52V3NqyMPt5kgb1"
	cfg, ds := model.Build(model.Project{Name: "p", Files: []string{"compose.yaml"},
		Secrets: []model.Secret{{Name: "ops", Content: []byte("alice:" + hash)}},
		Services: []model.Service{{
			Name: "web",
			Labels: map[string]string{"SERVICE_NAME": "web", "com.df.deniedMethods": "PUT",
				"SERVICE_TAGS": "auth=ops,allow=10.0.0.0/8,deny=10.6.6.6,rate_limit=5/s,max_body=1k,method=GET,deny_http,maintenance"},
			Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
		}}}, model.Options{Dialects: all.Dialects(), Listen: model.Listen{Certs: "/certs", Stats: ":8404", AcceptProxy: true}, TrustedProxies: []string{"10.1.0.0/16"},
		StatsAuth: &model.Secret{Name: "ops", Content: []byte("bob:" + hash)}})
	if ds.HasErrors() {
		t.Fatalf("Build: %v", ds)
	}
	checkDocumentedNames(t, dataFor(cfg))
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

// The routes table says which listener a service's own listener's route is
// on, and marks a host https only where the redirect applies: not to a
// short name, which is internal traffic that no certificate matches.
func TestRoutesTableShowsListenersAndWhereHTTPSIsForced(t *testing.T) {
	cfg, ds := model.Build(model.Project{Name: "t", Services: []model.Service{
		{Name: "admin", Labels: map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "admin.example.com", "com.df.srcPort": "8081"}, Expose: []model.Port{{Number: 80}}},
		{Name: "web", Labels: map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "https_only"}, Expose: []model.Port{{Number: 80}}},
	}}, model.Options{Domains: []string{"example.com"}, Listen: model.Listen{Certs: "/certs"}, Dialects: all.Dialects()})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	table := string(Routes(cfg))
	for _, want := range []string{"admin.example.com :8081 ", "web.example.com (https only) ", "\nweb  "} {
		if !strings.Contains(table, want) {
			t.Errorf("routes table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "\nweb (https only)") {
		t.Errorf("the short name web is marked https only, but the redirect leaves it alone:\n%s", table)
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

// The defaults section's timeouts that tags change are the model's, which
// the tags' docs state: the template does not write them out.
func TestDefaultTimeoutsAreTheModels(t *testing.T) {
	tunnel, client := model.DefaultTunnelTimeout, model.DefaultClientTimeout
	t.Cleanup(func() { model.DefaultTunnelTimeout, model.DefaultClientTimeout = tunnel, client })
	model.DefaultTunnelTimeout, model.DefaultClientTimeout = "7h", "7s"
	out, err := Config(model.Config{Listen: model.Listen{HTTP: ":80"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n    timeout tunnel 7h\n", "\n    timeout client 7s\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the defaults section lacks %q", want)
		}
	}
}

// strip_path's regex is the model's (model.StripRegex), whose length the
// model bounds: render writes it as it is.
func TestStripRegexIsTheModels(t *testing.T) {
	cfg, ds := model.Build(model.Project{Name: "p", Services: []model.Service{{
		Name:   "web",
		Labels: map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "strip_path,path=/api,path=/v1.2/x"},
		Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
	}}}, model.Options{Dialects: all.Dialects()})
	if ds.HasErrors() {
		t.Fatalf("Build: %v", ds)
	}
	out, err := Config(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := "http-request replace-path " + model.StripRegex(cfg.Backends[0].Paths) + " "
	if !strings.Contains(string(out), want) {
		t.Errorf("the config lacks %q", want)
	}
}
