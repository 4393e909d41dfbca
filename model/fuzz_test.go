package model_test

// Fuzzing of label parsing and rendering. The property: either Build
// reports an error, or every value it accepted reaches haproxy.cfg only where
// the model put it — no new directive, no new word on a line, no character
// HAProxy's tokenizer interprets. The output is checked the way HAProxy reads
// it (lines, then words split on spaces) against the shapes the default
// template can produce, and then against the model itself.
//
//	go test ./model -run '^$' -fuzz FuzzLabels -fuzztime 60s
//
// The seed corpus is the f.Add calls below plus testdata/fuzz/<target>
// (relative to this package: model/testdata/fuzz/FuzzLabels and
// FuzzHeader). A failing input found by the fuzzer is written there by go
// test; keep it, so that the test fails until the bug is fixed. Files named
// bug_* reproduce an open bug (they fail); fixed_* reproduce a fixed one
// (they guard the fix).
//
// Without -fuzz (plain go test), each seed whose config Build accepts is
// also checked with haproxy -c -dW when HAProxy is installed: the in-process
// oracle proves the config cannot be injected into, HAProxy proves it is
// valid. That is too slow to do on every fuzzed input.

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
	"github.com/compose2haproxy/compose2haproxy/internal/testcert"
	"github.com/compose2haproxy/compose2haproxy/model"
	"github.com/compose2haproxy/compose2haproxy/render"
)

// Mode bits of FuzzLabels: which shape the project and options take.
const (
	modeSecond   = 1 << 0 // a second service "api" shares the routed name, on path /api
	modeLayer    = 3 << 1 // where the registrator keys are: 0 labels, 1 deploy.labels, 2 environment, 3 labels shadowing environment
	modeNotify   = 1 << 3 // com.df.notify=true
	modeAll      = 1 << 4 // --all
	modeSwarm    = 1 << 5 // --swarm
	modeTLS      = 1 << 6 // --tls DIR
	modeCheckTmo = 1 << 7 // SERVICE_CHECK_TIMEOUT gets the interval value too
)

// composeServiceName is what compose-go accepts as a service name (its
// schema's patternProperties); the loader never hands Build anything else.
var composeServiceName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// fuzzCertsDir stands in for --tls while fuzzing; plain go test makes a real
// one so that HAProxy can load it.
const fuzzCertsDir = "/etc/haproxy/certs"

func FuzzLabels(f *testing.F) {
	type seed struct {
		service, name, tags, checkHTTP, interval, servicePath, serviceDomain, rewrite, domain, prodLine, portKey, bind string
		mode                                                                                                           uint8
	}
	seeds := []seed{
		// Valid configurations of each feature, so the fuzzer starts from
		// deep inside the accepted space.
		{service: "web", name: "www_hello", tags: "sticky_session,server_alias=hello.home", checkHTTP: "/", domain: "example.com"},
		{service: "web", name: "app", tags: "path=/api,strip_path,balance=leastconn,weight=50,maxconn=100,slots=3,timeout=90s", checkHTTP: "/health?full=1", interval: "15s", mode: modeSecond | modeCheckTmo},
		{service: "shop", name: "shop", tags: "server_alias=*.shop.example.com,https_only,redirect_from=old.example.com", domain: "example.com", mode: modeTLS},
		{service: "go-demo", servicePath: "/demo,/api", serviceDomain: "demo.example.com", rewrite: "^/demo,/", mode: modeNotify},
		{service: "db", name: "db", tags: "tcp=5432", mode: modeSwarm},
		{service: "web", name: "servicea", prodLine: "feat42", domain: "example.org", portKey: "8080", bind: "127.0.0.1:8080", mode: modeAll},
		{service: "Web.1_x-y", tags: "balance=hdr(X-Tenant),public_ipaddress=10.0.0.1,stiky_session", mode: modeAll | 2<<1},
		{service: "web", name: "web", tags: "server_alias=a.example.com", checkHTTP: "/ping", mode: 1 << 1},
		{service: "web", name: "web", tags: "server_alias=*.a.example.com,server_alias=*.b.example.com,server_alias=*.long.example.com,path=/x,path=/y"},
		{service: "git", name: "git", tags: "sni=8443,server_alias=git.example.com,server_alias=*.git.example.com", domain: "example.com"},
		{service: "web", name: "shadowed", tags: "path=/x", mode: 3 << 1},

		// Injection attempts: a line break, a comment, quotes, log-format,
		// environment expansion, escapes, non-ASCII, HAProxy keywords.
		{service: "web", name: "web", tags: "server_alias=a.com\n  stats enable"},
		{service: "web", name: "web", tags: "server_alias=a.com\r\n  stats enable"},
		{service: "web", name: "web\n    stats enable"},
		{service: "web", name: "web\nbackend evil"},
		{service: "web", name: "web", checkHTTP: "/health\n    http-request deny"},
		{service: "web", name: "web", checkHTTP: "/health?x=1#frag"},
		{service: "web", name: "web", tags: "server_alias=a.com#b.com"},
		{service: "web", name: "web", tags: `server_alias="a.com b.com"`},
		{service: "web", name: "web", tags: `server_alias='a.com'`},
		{service: "web", name: "web", tags: "timeout=%[src]", checkHTTP: "/%[src]"},
		{service: "web", name: "web", tags: "balance=${X}", interval: "${INTERVAL}"},
		{service: "web", name: "web", tags: `path=/a\ b`, checkHTTP: `/a\"b`},
		{service: "web", name: "web", tags: "server_alias=bücher.de,path=/ä"},
		{service: "web", name: "web", tags: "server_alias=a.com\x00b.com,path=/a\tb"},
		{service: "web", name: "web", tags: "balance=hdr(Host) if TRUE"},
		{service: "web", name: "web", tags: "balance=hdr(X\n    stats enable)"},
		{service: "web", name: "web", tags: "path=/api if TRUE", checkHTTP: "/ if TRUE"},
		{service: "web", name: "web", tags: "server_alias=-i", domain: "-m"},
		{service: "web", name: "web", tags: "server_alias=*.*.example.com,server_alias=*"},
		{service: "web", name: "web", tags: "custom=a b,custom2=x#y"},
		{service: "web", name: "web", tags: "weight=1 maxconn 5", interval: "5s inter 0"},
		{service: "web", name: "web", tags: "slots=4096,weight=256,maxconn=1000000"},
		{service: "web", name: "web", tags: "slots=0,weight=0,maxconn=-1,slots=99999999999999999999"},
		{service: "web", domain: "example.com\n    stats enable", prodLine: "x y", bind: ":80 ssl crt /etc/passwd", mode: modeAll},
		{service: "web", bind: "[::1]:80", prodLine: "prod", mode: modeAll},
		{service: "web", bind: "1.2.3.4:80\n    stats enable", mode: modeAll},
		{service: "web", bind: "[X]:1", mode: modeAll},
		{service: "web", bind: "a:b:80", mode: modeAll},
		{service: "web", bind: "[::1%lo]:80", mode: modeAll},
		{service: "web", servicePath: "/a,/b c,/d#e", serviceDomain: "a.com,b.com\nc.com", rewrite: "/a,/b\n  stats enable", mode: modeNotify},
		{service: "web", rewrite: "/(.*),/\\1", servicePath: "/x", mode: modeNotify},
		{service: "web", rewrite: "/a),/b,g)] if TRUE", servicePath: "/x", mode: modeNotify},
		{service: "web", name: strings.Repeat("a", 64)},
		{service: "web", name: strings.Repeat("a.", 127) + "a"},
		{service: "web", name: "web", tags: strings.Repeat("server_alias=a.example.com,", 200)},
		{service: "web", name: "web", tags: "strip_path," + strings.Repeat("path=/p,", 40)},
		{service: "web", name: "web", tags: "path=/..,path=/.,path=/~a/b-c_d.e"},
		// A line break next to a comma: each tag is clean, the whole value
		// (which provenance keeps) is not.
		{service: "web", name: "web", tags: "sticky_session\n,\nlisten,path=/x"},
		{service: "-", mode: modeAll},
		{service: ".", mode: modeAll},
		{service: "_web", mode: modeAll},
		{service: "web\n    stats enable", mode: modeAll},

		// Edges of what HAProxy reads. Reproducers of the bugs fuzzing
		// found are not here but in testdata/fuzz/FuzzLabels, one file a
		// bug, named after it.
		{service: "web", name: "web", portKey: "65535"},
		{service: "web", name: "web", tags: "timeout=24d", interval: "1ms", mode: modeCheckTmo},
		{service: "web", name: "web", tags: "strip_path"},                                     // strip_path without path: a warning
		{service: "web", name: "web", tags: "strip_path" + pathTags(26)},                      // 26 paths: 64 words, the most HAProxy reads
		{service: "web", servicePath: "/", mode: modeNotify},                                  // "use_backend web" (no condition)
		{service: "web", servicePath: "/a", serviceDomain: "*.example.com", mode: modeNotify}, // wildcard only

		// What goes through: headers, compression, CORS, TLS and
		// protocols toward the servers, the default backend.
		{service: "web", name: "web", tags: "hsts,security_headers,cors_origin=https://app.example.com,cors_origin=*,compress=deflate,backend_tls,proto=h2,send_proxy,default", mode: modeTLS},
		{service: "web", name: "web", tags: "backend_tls=insecure,cors_origin=HTTP://A.example.com:8080,compress,proto=h2", checkHTTP: "/health"},
		{service: "web", name: "web", tags: "hsts=60,cors_origin=https://a.com/x,compress=brotli,proto=h3,backend_tls=maybe,default=1"},
		{service: "db", name: "db", tags: "tcp=5432,timeout_client=5m,timeout_tunnel=8h,send_proxy,backend_tls=insecure"},
		{service: "web", name: "web", tags: "timeout_client=5m,timeout_tunnel=30"},
		{service: "web", name: "www", tags: "match_header=X-Canary:1,match_header=X-Team:qa", mode: modeSecond},
		{service: "web", name: "www", tags: "path=/api,weight=90,backend_tls", mode: modeSecond}, // one backend, two services
		{service: "web", name: "www", tags: "path=/api,sticky_session", mode: modeSecond},        // they disagree
		{service: "web", name: "web", tags: "match_header=X-A:-i,match_header=X-B:a}b,match_header=X-C"},

		// Ways into another service's requests (the owner service of
		// fuzzProject admits no one): each must be an error.
		{service: "web", name: "web", tags: "server_alias=owned.example.com,path=/owned/x"},
		{service: "web", name: "owner", tags: "path=/owned/admin"},
		{service: "web", name: "web", tags: "server_alias=owned.example.com,path=/owned,match_header=X-A:1"},
		{service: "web", servicePath: "/", serviceDomain: "owned.example.com", mode: modeNotify},
		{service: "web", servicePath: "/", mode: modeNotify},
		{service: "web", name: "web", tags: "server_alias=*.example.com"},
		{service: "web", name: "web", tags: "default"},
		{service: "web", name: "owner", tags: "path=/owned,weight=256"},

		// Whitespace around flags and ports: accepted, and recorded
		// without it wherever a template could print it.
		{service: "bank", serviceDomain: "bank.example.com", portKey: "com.df.denyHttp=true\n", mode: modeNotify | modeTLS},
		{service: "bank", serviceDomain: "bank.example.com", portKey: "com.df.srcPort= 8081\n", mode: modeNotify},
		{service: "bank", serviceDomain: "bank.example.com", portKey: "com.df.srcHttpsPort=8443\r", mode: modeNotify | modeTLS},
		{service: "bank", serviceDomain: "bank.example.com", portKey: "com.df.httpsOnly=\ttrue ", mode: modeNotify | modeTLS},
		{service: "bank", serviceDomain: "bank.example.com", portKey: "com.df.srcPort=8081\n    stats enable", mode: modeNotify},
		{service: "web", name: "web", tags: "https_only \n,sticky_session\t,deny_http\r", mode: modeTLS},
		{service: "db", name: "db", tags: "tcp= 5432\n"},
		{service: "web", name: "web", portKey: "8080\n"},

		// ACME and the other features of model/features.go.
		{service: "shop", name: "shop", tags: "acme,https_only,server_alias=www.shop.example.com", domain: "example.com", mode: modeTLS},
		{service: "shop", name: "shop", tags: "acme,server_alias=*.shop.example.com"},
		{service: "shop", name: "shop", tags: "acme,path=/api,strip_path", mode: modeSecond},
		{service: "shop", name: "shop", tags: "acme=x\n    stats enable"},
	}
	for _, s := range seeds {
		f.Add(s.service, s.name, s.tags, s.checkHTTP, s.interval, s.servicePath, s.serviceDomain, s.rewrite, s.domain, s.prodLine, s.portKey, s.bind, s.mode)
	}
	fuzzing := isFuzzing()
	f.Fuzz(func(t *testing.T, service, name, tags, checkHTTP, interval, servicePath, serviceDomain, rewrite, domain, prodLine, portKey, bind string, mode uint8) {
		certs := fuzzCertsDir
		if mode&modeTLS != 0 && !fuzzing {
			certs = fuzzCertDir(t)
		}
		p, opts := fuzzProject(service, name, tags, checkHTTP, interval, servicePath, serviceDomain, rewrite, domain, prodLine, portKey, bind, mode, certs)
		checkBuilt(t, p, opts, fuzzing)
	})
}

// checkBuilt builds p: either Build reports an error, with diagnostics
// one printable line each, or the config it renders, the same every time,
// holds every value only where the model put it, and so does a template
// that prints every field. Outside fuzzing HAProxy must accept the config.
func checkBuilt(t *testing.T, p model.Project, opts model.Options, fuzzing bool) {
	t.Helper()
	cfg, ds := buildAll(p, opts)
	for _, d := range ds {
		// Diagnostics are printed one a line; a value with a line
		// break must be quoted, or it forges the next diagnostic.
		if s := d.String(); strings.ContainsAny(s, "\n\r") || !utf8.ValidString(s) {
			t.Errorf("diagnostic is not one printable line: %q", s)
		}
	}
	if ds.HasErrors() {
		return
	}
	out, err := render.Config(cfg)
	if err != nil {
		t.Fatalf("render.Config failed on a config Build accepted: %v", err)
	}
	cfg2, _ := buildAll(p, opts)
	if out2, _ := render.Config(cfg2); !bytes.Equal(out, out2) {
		t.Fatalf("the same input rendered two different configs")
	}
	problems := checkRendered(cfg, out)
	if len(problems) > 0 {
		t.Fatalf("Build accepted the input but the config is unsafe:\n  %s\nconfig:\n%s", strings.Join(problems, "\n  "), out)
	}
	checkOwnership(t, cfg)
	if problems := checkEveryField(t, cfg); len(problems) > 0 {
		t.Fatalf("Build accepted the input but a template that prints every field gets unsafe values:\n  %s", strings.Join(problems, "\n  "))
	}
	if !fuzzing {
		haproxyAccepts(t, out)
	}
}

// FuzzHeaderLabels feeds header labels to Build: docker-flow-proxy's
// "Name value" lists and compose2haproxy's literal labels, whose name is
// in the key. Every value Build accepts must reach HAProxy as one quoted
// word that it reads back as exactly the model's value (see headerLine).
func FuzzHeaderLabels(f *testing.F) {
	for _, s := range [][5]string{
		{"X-Env prod,X-Team shop", "Server haproxy", "X-Forwarded-Host,Cookie", "Content-Security-Policy", "default-src 'self'; img-src * data:"},
		{"X-A 100% sure", `X-B "quoted" \ back`, "X-C", "X-Lit", `$HOME ${X} %[src] %% # not a comment`},
		{"X-Forwarded-Port %[dst_port]", "X-Ssl on if { ssl_fc }", "Bad Name", "X_Bad", "line\nbreak"},
		{"X-A a\n    stats enable", "Content-Length 5", "X-A", "X-A", "\x00"},
		{`X-A a"b c`, "X-A %{+Q}o", "", "Transfer-Encoding", "chunked"},
		{"X-A ü", "X-B a\tb", "", "X-Big", strings.Repeat("a", 5000)},
		{"X-A " + strings.Repeat("a b ", 100), "X-Empty", "", "X-A", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	fuzzing := isFuzzing()
	f.Fuzz(func(t *testing.T, addReq, setRes, delReq, litName, litValue string) {
		labels := map[string]string{"SERVICE_NAME": "web"}
		for k, v := range map[string]string{"com.df.addReqHeader": addReq, "com.df.setResHeader": setRes, "com.df.delReqHeader": delReq} {
			if v != "" {
				labels[k] = v
			}
		}
		labels["compose2haproxy.request-header."+litName] = litValue
		p := model.Project{Name: "fuzz", Files: []string{"compose.yaml"}, Services: []model.Service{
			{Name: "web", Image: "example/web", Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Labels: labels},
		}}
		checkBuilt(t, p, model.Options{Version: "fuzz"}, fuzzing)
	})
}

func pathTags(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ",path=/p%d", i)
	}
	return b.String()
}

// fuzzProject builds the project and options one FuzzLabels input
// describes: one service (its name fuzzed within compose's grammar) with
// the registrator and docker-flow keys in the layer mode picks, and
// optionally a second service sharing the routed name on a path.
func fuzzProject(service, name, tags, checkHTTP, interval, servicePath, serviceDomain, rewrite, domain, prodLine, portKey, bind string, mode uint8, certs string) (model.Project, model.Options) {
	if !composeServiceName.MatchString(service) {
		service = "web"
	}
	keys := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			keys[k] = v
		}
	}
	set("SERVICE_NAME", name)
	set("SERVICE_TAGS", tags)
	set("SERVICE_CHECK_HTTP", checkHTTP)
	set("SERVICE_CHECK_INTERVAL", interval)
	if mode&modeCheckTmo != 0 {
		set("SERVICE_CHECK_TIMEOUT", interval)
	}
	// portKey names a port of SERVICE_<port>_NAME, or is a whole
	// docker-flow-proxy label, com.df.KEY=VALUE, for those without an
	// argument of their own (flags, ports).
	if k, v, ok := strings.Cut(portKey, "="); ok && strings.HasPrefix(k, "com.df.") {
		keys[k] = v
	} else if portKey != "" {
		keys["SERVICE_"+portKey+"_NAME"] = "alt"
	}
	set("com.df.servicePath", servicePath)
	set("com.df.serviceDomain", serviceDomain)
	set("com.df.reqPathSearchReplace", rewrite)
	if mode&modeNotify != 0 {
		keys["com.df.notify"] = "true"
	}

	svc := model.Service{Name: service, Image: "example/web", Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Networks: []string{"default"}}
	switch (mode & modeLayer) >> 1 {
	case 0:
		svc.Labels = keys
	case 1:
		svc.DeployLabels = keys
	case 2:
		svc.Environment = keys
	case 3:
		// labels win: the environment's values must not reach the config
		svc.Labels = keys
		svc.Environment = map[string]string{"SERVICE_NAME": "shadow", "SERVICE_TAGS": "server_alias=shadow.example.com", "SERVICE_CHECK_HTTP": "/shadow"}
	}
	p := model.Project{Name: "fuzz", Files: []string{"compose.yaml"}, Services: []model.Service{svc}}
	if mode&modeSecond != 0 && service != "api" {
		second := name
		if second == "" {
			second = "api"
		}
		// They admit each other: a name and a host shared on purpose.
		keys["compose2haproxy.admit"] = "api"
		p.Services = append(p.Services, model.Service{
			Name: "api", Image: "example/api", Expose: []model.Port{{Number: 8080, Protocol: "tcp"}},
			Labels: map[string]string{"SERVICE_NAME": second, "SERVICE_TAGS": "path=/api", "compose2haproxy.admit": service},
		})
	}
	if service != "owner" {
		// A service that admits no one: whatever the fuzzed labels claim,
		// they never take its requests (checkOwnership).
		p.Services = append(p.Services, model.Service{
			Name: "owner", Image: "example/owner", Expose: []model.Port{{Number: 80, Protocol: "tcp"}},
			Labels: map[string]string{"SERVICE_NAME": "owner", "SERVICE_TAGS": "server_alias=owned.example.com,path=/owned"},
		})
	}
	opts := model.Options{Version: "fuzz", ProdLine: prodLine, All: mode&modeAll != 0, Swarm: mode&modeSwarm != 0,
		Listen: model.Listen{HTTP: bind, Stats: ":8404"}}
	if domain != "" {
		opts.Domains = []string{domain}
	}
	if mode&modeTLS != 0 {
		opts.Listen.Certs, opts.Listen.HTTPS = certs, ":8443"
	}
	if strings.Contains(tags, "acme") {
		// The acme tag turns on every feature of model/features.go, for
		// HAProxy 3.2 (which haproxyAccepts leaves to the golden cases).
		opts.RuntimeDir = "/var/run/haproxy"
		opts.Features = model.Features{Target: model.Target{Version: "3.2"}, Metrics: "8405", Log: "127.0.0.1:514", HTTP3: mode&modeTLS != 0,
			ACME: &model.ACMEOptions{Directory: "letsencrypt-staging", Contact: "ops@example.com", Dir: "/etc/haproxy/acme", CAFile: "/etc/ssl/ca.pem"}}
	}
	return p, opts
}

// FuzzHeader feeds the compose file names, which the header comment
// prints, to the renderer, as files and on the recorded command line: a
// name must not end the comment line.
func FuzzHeader(f *testing.F) {
	// Names with a line break, a CR or a NUL broke the header: see
	// testdata/fuzz/FuzzHeader.
	for _, s := range []string{"compose.yaml", "deploy/prod.yaml", "-", "my compose #1.yaml", `a"b'c$d%e\f.yaml`, "ü.yaml", "x\ty.yaml"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, file string) {
		p := model.Project{Name: "fuzz", Files: []string{"compose.yaml", file}, Services: []model.Service{
			{Name: "web", Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Labels: map[string]string{"SERVICE_NAME": "web"}},
		}}
		cfg, ds := buildAll(p, model.Options{Version: "fuzz", Command: []string{"-f", "compose.yaml", "-f", file}})
		if ds.HasErrors() {
			return
		}
		out, err := render.Config(cfg)
		if err != nil {
			t.Fatalf("render.Config: %v", err)
		}
		lines := strings.Split(string(out), "\n")
		i := slices.Index(lines, "global")
		if i != 4 || !strings.HasPrefix(lines[0], "# Generated by compose2haproxy fuzz from compose.yaml, ") ||
			lines[1] != "# Do not edit: regenerate it from the compose files instead, in their project directory:" ||
			!strings.HasPrefix(lines[2], "#   compose2haproxy -f compose.yaml -f ") || lines[3] != "" {
			t.Fatalf("file name %q broke the three header comment lines (a line break in it starts a directive):\n%s", file, head(out, 6))
		}
		if bytes.ContainsAny(out, "\r\x00") {
			t.Fatalf("file name %q put a CR or NUL into the config:\n%q", file, head(out, 3))
		}
	})
}

func head(out []byte, n int) string {
	lines := strings.SplitN(string(out), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// templateSections describes the default template section by section, so
// that a template edit needs no change here: the lines without an action
// are allowed as they are (at most as often as the template writes them in
// one section), and the directives it uses in each section are the only
// ones allowed there. Lines with actions must also match actionShapes.
type templateSection struct {
	header   *regexp.Regexp // the section line; "{{…}}" matches one word
	literals map[string]int // line → how often one section holds it
	keywords map[string]bool
}

var templateSections = func() map[string]*templateSection {
	sections := map[string]*templateSection{}
	action := regexp.MustCompile(`\{\{.*?\}\}`)
	kind := "" // the header comment, before the first section
	sections[kind] = &templateSection{header: regexp.MustCompile(`^$`), literals: map[string]int{}, keywords: map[string]bool{}}
	lines, defines := templateDefines(string(render.DefaultTemplate()))
	var add func(line string)
	add = func(line string) {
		body := strings.TrimLeft(line, " ")
		if strings.HasPrefix(body, "{{") {
			// A define's lines belong to the section that calls it, once
			// for each call.
			for _, m := range templateCall.FindAllStringSubmatch(body, -1) {
				for _, l := range defines[m[1]] {
					add(l)
				}
			}
			return
		}
		if body == "" {
			return
		}
		if words := strings.Fields(body); sectionKeywords[words[0]] && line == body {
			kind = action.ReplaceAllString(line, "*")
			if sections[kind] == nil {
				parts := strings.Split(kind, "*")
				for i := range parts {
					parts[i] = regexp.QuoteMeta(parts[i])
				}
				sections[kind] = &templateSection{header: regexp.MustCompile(`^` + strings.Join(parts, `\S+`) + `$`),
					literals: map[string]int{}, keywords: map[string]bool{}}
			}
			return
		}
		sec := sections[kind]
		if !strings.Contains(line, "{{") {
			sec.literals[line]++
		}
		if !strings.HasPrefix(body, "#") {
			sec.keywords[strings.Fields(body)[0]] = true
		}
	}
	for _, line := range lines {
		add(line)
	}
	return sections
}()

var (
	templateCall   = regexp.MustCompile(`\{\{-? *template "([^"]+)"`)
	templateDefine = regexp.MustCompile(`^\{\{-? *define "([^"]+)"`)
	templateOpen   = regexp.MustCompile(`\{\{-? *(?:if|range|with|define|block) `)
	templateEnd    = regexp.MustCompile(`\{\{-? *end *-?\}\}`)
)

// templateDefines splits a template into its lines outside defines and
// the lines of each define (none for a define on one line, which a line
// calls in place), found by counting the actions that open and end blocks.
func templateDefines(text string) ([]string, map[string][]string) {
	var top []string
	defines := map[string][]string{}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := templateDefine.FindStringSubmatch(lines[i])
		if m == nil {
			top = append(top, lines[i])
			continue
		}
		depth := len(templateOpen.FindAllString(lines[i], -1)) - len(templateEnd.FindAllString(lines[i], -1))
		for ; depth > 0 && i+1 < len(lines); i++ {
			depth += len(templateOpen.FindAllString(lines[i+1], -1)) - len(templateEnd.FindAllString(lines[i+1], -1))
			if depth > 0 {
				defines[m[1]] = append(defines[m[1]], lines[i+1])
			}
		}
	}
	return top, defines
}

// sectionKind finds the template section an output section line comes
// from: an exact header first ("backend no_route"), else a pattern.
func sectionKind(header string) string {
	if templateSections[header] != nil {
		return header
	}
	for kind, sec := range templateSections {
		if strings.Contains(kind, "*") && sec.header.MatchString(header) {
			return kind
		}
	}
	return ""
}

// actionShapes are the shapes of the template's lines that print values,
// with the placeholders below, keyed by directive. A value that smuggles a
// space, a line break or a quote into the config turns its line into one no
// shape matches.
var actionShapes = func() map[string][]*regexp.Regexp {
	class := strings.NewReplacer(
		"{NAME}", `[A-Za-z0-9_.:-]+`, // proxy, ACL names (HAProxy: [A-Za-z0-9_:.-])
		"{HOST}", `[a-z0-9][a-z0-9.-]*`, // a routed exact host
		"{SUFFIX}", `\.[a-z0-9][a-z0-9.-]*`, // a wildcard host's suffix
		"{PATH}", `/[A-Za-z0-9._~/-]*`,
		"{RE}", `(?:[A-Za-z0-9_~/-]|\[\.\])*`, // a path as a regex: dots as [.]
		"{CHECK}", `/[A-Za-z0-9._~/?=&-]*`,
		"{DUR}", `[0-9]+(?:us|ms|s|m|h|d)?`,
		"{ADDR}", `(?:[A-Za-z0-9.:-]*|\[[0-9A-Fa-f:.]+\]):[0-9]+`,
		"{INT}", `[0-9]+`,
		"{CERTS}", `/[A-Za-z0-9._/-]+`,
		"{SSL}", `!?\{ ssl_fc \}`,
		"{CODE}", `30[12378]`,
		"{HDR}", `[A-Za-z0-9-]{1,64}`,
		// A header value: one double-quoted word, \, \" and \$ escaped, %% doubled.
		"{LIT}", `"(?:[ !#&-\[\]-~]|\\[\\"$]|%%)*"`,
		"{ORIGIN}", `https?://[a-z0-9.-]+(?::[0-9]+)?`,
		"{MIME}", `[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*`,
		"{METH}", `(?: !?METH_GET)?`,
		"{NETS}", `(?: [0-9a-f.:]+(?:/[0-9]+)?){1,32}`,
		"{METHODS}", `(?: [A-Z][A-Z-]*)+`,
		"{ALLOW}", `[A-Z][A-Z-]*(?:,[A-Z][A-Z-]*)*`,
		"{HASH}", `'\$[./0-9A-Za-z$=]+'`,
		"{PCRE}", urlRedirectRegex.String()[1:len(urlRedirectRegex.String())-1],
		"{URLFORMAT}", urlRedirectFormat.String()[1:len(urlRedirectFormat.String())-1],
	)
	raw := map[string][]string{
		"frontend":   {`frontend (?:tcp|sni)-[0-9]+`},
		"backend":    {`backend {NAME}`},
		"nameserver": {`nameserver dns[0-9]+ {ADDR}`},
		"bind": {`bind {ADDR}(?: name own_{INT})?(?: accept-proxy)?`, `bind {ADDR}(?: name own_{INT})? ssl(?: crt {CERTS})? alpn h2,http/1\.1(?: accept-proxy)?`,
			`bind quic[46]@{ADDR} ssl(?: crt {CERTS})? alpn h3`},
		// The features of model/features.go.
		"log":                    {`log (?:stdout|stderr) format raw local0`, `log {ADDR} local0`, `log {CERTS} local0`},
		"stats":                  {`stats socket {CERTS}/(?:haproxy|admin)\.sock mode 600 level (?:user|admin)`},
		"server-state-file":      {`server-state-file {CERTS}/servers\.state`},
		"httpclient.ssl.ca-file": {`httpclient.ssl.ca-file {CERTS}`},
		"directory":              {`directory https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/-]*)?`},
		"contact":                {`contact [A-Za-z0-9._+-]+@[a-z0-9][a-z0-9.-]*`},
		"account-key":            {`account-key {CERTS}/account\.key`},
		"keytype":                {`keytype (?:ECDSA|RSA)`},
		"curves":                 {`curves P-(?:256|384)`},
		"bits":                   {`bits (?:2048|4096)`},
		"crt-base":               {`crt-base {CERTS}`},
		"key-base":               {`key-base {CERTS}`},
		"load":                   {`load crt {HOST}\.pem acme acme domains {HOST}`},
		"ssl-f-use":              {`ssl-f-use crt @acme/{HOST}\.pem`},
		"mode":                   {`mode tcp`},
		"http-request": {
			`http-request redirect prefix https://%\[var\(txn\.host\)\](?::{INT})? code {CODE} if !\{ ssl_fc \} \{ var\(txn\.host\) -m sub \. \}(?: {NAME}){0,2}{METH}`,
			`http-request redirect prefix https://%\[var\(txn\.host\)\] code {CODE} if !\{ ssl_fc \} \{ var\(txn\.host\) -m sub \. \} !?\{ var\(txn\.client_proto\) -m str https? \}{METH}`,
			`http-request redirect prefix https://{HOST}(?::{INT})? code {CODE} if {NAME}(?: {SSL})?{METH}`,
			`http-request redirect prefix http://{HOST}%\[var\(txn\.port\)\] code {CODE} if {NAME}(?: {SSL})?{METH}`,
			`http-request replace-path \^\({RE}(?:\|{RE})*\)/\?\(\.\*\)\$ /\\2 if strip_path`,
			`http-request set-path %\[path,regsub\(\^?{RE},[A-Za-z0-9._~/-]*,g\)\]`,
			// The PathEdits: strip, add, replace.
			`http-request replace-path \^\(\?:{RE}(?:\|{RE})*\)/\?\(\.\*\)\$ /\\1`,
			`http-request replace-path \^\(\.\*\)\$ {PATH}\\1`,
			`http-request replace-path \^\.\*\$ {PATH}`,
			// A PathEdit's Regex and Format (a dialect's checked PCRE), single-quoted.
			`http-request replace-path '\^[A-Za-z0-9\\(?:)|*+{},^\[\]/.$-]*' '/[A-Za-z0-9/._~\\-]*'`,
			// A URLRedirect's Regex and Format, in regsub's double quotes inside single quotes.
			`http-request set-var\(txn\.redirect_to\) 'var\(txn\.redirect_from\),regsub\("{PCRE}","{URLFORMAT}",g\)'`,
			`http-request redirect location %\[var\(txn\.redirect_to\)\] code (?:301|302|307|308) if !\{ var\(txn\.redirect_to\),strcmp\(txn\.redirect_from\) eq 0 \} !?\{ method GET \}`,
			`http-request return status 429 content-type text/plain string "too many requests" hdr Retry-After {INT} if \{ sc_http_req_rate\(0\) gt {INT} \}`,
			// A limit's source: sc0 a rate limit's, sc1 the requests in progress'.
			`http-request track-sc[01] src(?: table in_flight:{NAME})?`,
			`http-request track-sc[01] req\.fhdr\((?:host|{HDR}),1\),sha2\(256\)(?: table in_flight:{NAME})? if \{ req\.fhdr\((?:host|{HDR}),1\) -m len gt 0 \}`,
			`http-request track-sc[01] bin\(00\)(?: table in_flight:{NAME})?`,
			`http-request return status 429 content-type text/plain string "too many requests in flight" if \{ sc_trackers\(1\) gt {INT} \}`,
			`http-request return status 405 content-type text/plain string "method not allowed" hdr Allow {ALLOW} (?:if|unless) \{ method,upper -m str{METHODS} \}`,
			`http-request auth realm [A-Za-z0-9._-]+ unless \{ http_auth\(users_{NAME}\) \}`,
			`http-request set-header {HDR} %\[http_auth_user\]`,
			`http-request return status 200 content-type text/plain string "OK"`,
			`http-request wait-for-body time 10s at-least {INT} if body_unsized`,
			`http-request deny deny_status 413 if \{ req\.body_size gt {INT} \}`,
			`http-request deny deny_status 413 if body_unsized \{ req\.body_len,add\(txn\.held\) ge {INT} \}`,
			`http-request (?:add|set)-header {HDR} {LIT}`,
			`http-request del-header {HDR}`,
			`http-request set-var\(txn\.cors_origin\) req\.fhdr\(origin\) if \{ req\.fhdr\(origin\) -m str(?: {ORIGIN}){1,50} \}`,
		},
		"user":        {`user [A-Za-z0-9._@+-]+ password {HASH}`},
		"stick-table": {`stick-table type (?:ipv6|binary len 32) size 100k expire {INT}s store http_req_rate\({INT}s\)`, `stick-table type (?:ipv6|binary len 32) size 100k expire 10s`},
		"http-response": {
			`http-response (?:add|set)-header {HDR} {LIT}`,
			`http-response del-header {HDR}`,
			`http-response set-header Strict-Transport-Security max-age={INT}(?:;includeSubDomains)?(?:;preload)? if \{ ssl_fc \}`,
			`http-response set-header alt-svc "h3=\\":{INT}\\"; ma=86400" if \{ ssl_fc \}`,
		},
		"compression": {`compression algo (?:gzip|deflate|raw-deflate|identity)`, `compression type(?: {MIME}){1,60}`},
		"acl": {
			`acl {NAME} var\(txn\.host\) -m str(?: {HOST}){1,32}`,
			`acl {NAME} var\(txn\.host\) -m end(?: {SUFFIX}){1,32}`,
			`acl path:{NAME} path {PATH}`,
			`acl path:{NAME} path_beg {PATH}/`,
			`acl pathis:{NAME} path {PATH}`,
			`acl pathbeg:{NAME} path_beg {PATH}`,
			`acl (?:not_)?hdr_{NAME}_[0-9]+ req\.fhdr\({HDR}\) -m str [A-Za-z0-9._~][A-Za-z0-9._~-]*`,
			// Traefik's rule conditions: Method, Query, ClientIP, negated.
			`acl (?:not_)?meth_{NAME} method,upper -m str(?: [A-Z][A-Z_-]*)+`,
			`acl (?:not_)?query_{NAME}_[0-9]+ urlp\([A-Za-z0-9._~][A-Za-z0-9._~-]*\) -m str [A-Za-z0-9._~][A-Za-z0-9._~-]*`,
			`acl (?:not_)?client_{NAME} src -m ip{NETS}`,
			`acl agent_{NAME} req\.fhdr\(user-agent\) -m sub -i(?: [A-Za-z0-9._][A-Za-z0-9._-]*)+`,
			`acl strip_path path(?: {PATH}){1,32}`,
			`acl strip_path path_beg(?: {PATH}/){1,32}`,
			`acl (?:trusted_proxy|allowed_client|denied_client)(?:_v6)? src{NETS}`,
		},
		// A route on any host and every path has no condition.
		"use_backend": {`use_backend {NAME} if(?: (?:!?{NAME}|\{ so_name own_[0-9]+(?: own_[0-9]+)* \}|!?\{ ssl_fc \}))+`, `use_backend {NAME}`,
			`use_backend {NAME} if \{ req_ssl_sni -i -m (?:str(?: {HOST}){1,32}|end {SUFFIX}) \}`},
		"balance":            {`balance (?:roundrobin|static-rr|leastconn|source|first|random|uri|hdr\([A-Za-z0-9-]+\))`},
		"dynamic-cookie-key": {`dynamic-cookie-key {NAME}`},
		"cookie":             {`cookie [A-Za-z0-9_-]+ insert indirect nocache dynamic(?: secure)?(?: httponly)?(?: attr SameSite=(?:Lax|Strict|None))?`},
		"http-check":         {`http-check send meth GET uri {CHECK}`},
		"timeout":            {`timeout (?:check|server|tunnel|client|resolve) {DUR}`},
		"option":             {`option (?:http-keep-alive|http-server-close|httpclose)`},
		"server-template": {`server-template [A-Za-z0-9_.-]+ 1-{INT} (?:tasks\.)?[A-Za-z0-9_.-]+:{INT} check(?: inter {DUR})?(?: port {INT})?(?: weight {INT})?(?: maxconn {INT})?` +
			`(?: ssl verify required ca-file @system-ca sni str\([a-z0-9.-]+\) verifyhost [a-z0-9.-]+ check-sni [a-z0-9.-]+| ssl verify none)?(?: alpn h2| proto h2)?(?: send-proxy-v2)?(?: check-ssl)?`},
		"default_backend": {`default_backend {NAME}`},
	}
	shapes := map[string][]*regexp.Regexp{}
	for kw, list := range raw {
		for _, s := range list {
			shapes[kw] = append(shapes[kw], regexp.MustCompile(`^`+class.Replace(s)+`$`))
		}
	}
	return shapes
}()

// sectionKeywords start a section and are not indented; every other
// directive is indented four spaces.
var sectionKeywords = map[string]bool{"acme": true, "crt-store": true, "global": true, "defaults": true, "resolvers": true, "userlist": true, "frontend": true, "backend": true, "listen": true}

var altSvcRe = regexp.MustCompile(`^http-response set-header alt-svc "h3=\\":[0-9]+\\"; ma=86400" if \{ ssl_fc \}$`)

// haproxyMaxWords is the most words HAProxy 2.6 reads on a line (MAX_LINE_ARGS).
const haproxyMaxWords = 64

// checkRendered checks the values of cfg (checkModelValues) and the config
// rendered from it (checkText). It returns what is wrong.
func checkRendered(cfg model.Config, out []byte) []string {
	return slices.Concat(checkModelValues(cfg), checkText(cfg, out), checkRedirects(cfg, out))
}

// checkRedirects requires every redirect to take only its own service's
// requests: no other backend routes a redirected host, exactly or by a
// wildcard, and the https redirects sit in their backend, after routing,
// so that the frontend redirects only redirected hosts.
func checkRedirects(cfg model.Config, out []byte) []string {
	var probs []string
	for _, b := range cfg.Backends {
		for _, r := range b.Redirects {
			for _, o := range cfg.Backends {
				if o.Name == b.Name {
					continue
				}
				for _, h := range o.Hosts {
					if h.Name == r.Name || h.Wildcard() && strings.HasSuffix(r.Name, h.Suffix()) {
						probs = append(probs, fmt.Sprintf("backend %s redirects %s, which backend %s routes as %s", b.Name, r.Name, o.Name, h.Name))
					}
				}
			}
		}
	}
	frontend := false
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "frontend "):
			frontend = line == "frontend http"
		case !strings.HasPrefix(line, " "):
			frontend = false
		case frontend && strings.HasPrefix(line, "    http-request redirect ") && !strings.Contains(line, " if redirect_"):
			probs = append(probs, fmt.Sprintf("%q redirects in the frontend, before routing, a host no route redirects", line))
		}
	}
	return probs
}

// checkText tokenizes out as HAProxy does and checks it against the
// template's sections and line shapes and against cfg: every variable word
// of the config must be one the model holds.
func checkText(cfg model.Config, out []byte) []string {
	var probs []string
	bad := func(format string, args ...any) {
		if len(probs) < 20 {
			probs = append(probs, fmt.Sprintf(format, args...))
		}
	}
	for i, c := range out {
		if c != '\n' && (c < 0x20 || c > 0x7e) {
			bad("byte %d is %q: only printable ASCII and LF may reach haproxy.cfg", i, c)
			break
		}
	}

	header := []string{"# Generated by compose2haproxy " + cfg.Version + " from " + strings.Join(cfg.Files, ", ") + ".",
		"# Do not edit: regenerate it from the compose files instead."}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	sections := map[string][]string{} // "backend NAME" → its lines
	var section string
	sec := templateSections[""]
	seen := map[string]int{} // literal lines of this section
	var backends, hostPatterns, redirectPatterns, pathPrefixes, useBackends []string
	headers := map[string][]string{} // section → its header changes as HAProxy reads them
	for n, line := range lines {
		where := fmt.Sprintf("line %d %q", n+1, line)
		if line == "" {
			continue
		}
		if n < 2 {
			if line != header[n] {
				bad("%s: want the header %q", where, header[n])
			}
			continue
		}
		body := strings.TrimPrefix(line, "    ")
		words := strings.Split(body, " ")
		kw := words[0]
		// A header line ends in a quoted value: read it as HAProxy does.
		header, isHeader := headerLine(body)
		if isHeader {
			words = header
		}
		if !strings.HasPrefix(body, "#") {
			if sectionKeywords[kw] != !strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "     ") {
				bad("%s: indented wrongly for %q (a line break in a value would start this line)", where, kw)
			}
			if len(words) > haproxyMaxWords {
				bad("%s: %d words; HAProxy reads at most %d and fails on the rest", where, len(words), haproxyMaxWords)
			}
			for _, c := range []string{"#", "'", "`", "$", `"`, `\`, "%", "\t", "\r"} {
				if strings.Contains(line, c) && !isHeader && sec.literals[line] == 0 && !allowedSpecial(kw, words, c) {
					bad("%s: %q is special to HAProxy's tokenizer and the template never writes it here", where, c)
				}
			}
		}
		if sectionKeywords[kw] && line == body {
			kind := sectionKind(line)
			if kind == "" {
				bad("%s: a section the template does not write", where)
				continue
			}
			section, sec, seen = line, templateSections[kind], map[string]int{}
			if kw == "backend" {
				backends = append(backends, words[1])
			}
			continue
		}
		if sec.literals[line] > 0 {
			if seen[line]++; seen[line] > sec.literals[line] {
				bad("%s: written more often in section %q than the template does", where, section)
			}
		} else if strings.HasPrefix(body, "#") {
			bad("%s: a comment the template does not write here", where)
			continue
		} else if !sec.keywords[kw] {
			bad("%s: directive %q is not one the template writes in section %q", where, kw, section)
			continue
		} else if !slices.ContainsFunc(actionShapes[kw], func(re *regexp.Regexp) bool { return re.MatchString(body) }) {
			bad("%s: not a shape the template writes for %q", where, kw)
			continue
		}
		sections[section] = append(sections[section], body)
		if isHeader {
			headers[section] = append(headers[section], strings.Join(header, " "))
		}
		switch {
		case section != "frontend http":
		case kw == "acl" && words[2] == "var(txn.host)" && strings.HasPrefix(words[1], "redirect_"):
			redirectPatterns = append(redirectPatterns, words[5:]...)
		case kw == "acl" && words[2] == "var(txn.host)":
			hostPatterns = append(hostPatterns, words[5:]...)
		case kw == "acl" && (words[2] == "path" || strings.HasPrefix(words[1], "pathbeg:") && words[2] == "path_beg"):
			pathPrefixes = append(pathPrefixes, words[3])
			// The ACL is named after its path: two paths never share one.
			if want := pathACLName(words[1], words[3]); words[1] != want {
				bad("%s: the ACL of path %s is named %s, not %s", where, words[3], words[1], want)
			}
		case kw == "use_backend":
			useBackends = append(useBackends, words[1])
		}
	}

	// The variable words are exactly the model's, nothing more.
	var wantBackends, wantHosts, wantRedirects, wantPaths, wantUse []string
	wantBackends = append(wantBackends, "no_route")
	for _, b := range cfg.Backends {
		wantBackends = append(wantBackends, b.Name)
		if b.Policy.MaxInFlight != nil {
			wantBackends = append(wantBackends, "in_flight:"+b.Name) // its table
		}
		for _, h := range b.Redirects {
			wantRedirects = append(wantRedirects, h.Name)
		}
	}
	for i, r := range cfg.Routes {
		if i > 0 && cfg.Routes[i-1].OwnListener() && !r.OwnListener() {
			wantUse = append(wantUse, "no_route") // the own listeners serve nothing else
		}
		wantUse = append(wantUse, r.Backend)
		for _, h := range r.Hosts {
			if h.Wildcard() {
				wantHosts = append(wantHosts, h.Suffix())
			} else {
				wantHosts = append(wantHosts, h.Name)
			}
		}
		if r.Path.Prefix != "" {
			wantPaths = append(wantPaths, r.Path.Prefix)
		}
		if r.Match != nil {
			for _, p := range r.Match.ExcludePaths {
				wantPaths = append(wantPaths, p.Prefix)
			}
		}
	}
	compareSets := func(what string, got, want []string) {
		if g, w := sortedSet(got), sortedSet(want); !slices.Equal(g, w) {
			bad("%s in the config %q, in the model %q", what, g, w)
		}
	}
	if !slices.Equal(backends, wantBackends) {
		bad("backends in the config %q, in the model %q", backends, wantBackends)
	}
	compareSets("host ACL patterns", hostPatterns, wantHosts)
	compareSets("redirected hosts", redirectPatterns, wantRedirects)
	compareSets("path ACL prefixes", pathPrefixes, wantPaths)
	if n := len(cfg.Routes); n > 0 && cfg.Routes[n-1].OwnListener() {
		wantUse = append(wantUse, "no_route")
	}
	if !slices.Equal(useBackends, wantUse) {
		bad("use_backend rules in the config %q, routes in the model %q", useBackends, wantUse)
	}
	for _, b := range cfg.Backends {
		lines := sections["backend "+b.Name]
		want := []string{"balance " + b.Balance, serverTemplate(b, b.Servers)}
		for _, sv := range b.Shared {
			want = append(want, serverTemplate(b, sv))
		}
		if b.Answer != nil { // HAProxy answers: no server
			want = []string{"balance " + b.Balance, fmt.Sprintf("http-request return status %d content-type text/plain string %s", b.Answer.Status, b.Answer.Body)}
		}
		if b.Check.HTTPPath != "" {
			want = append(want, "http-check send meth GET uri "+b.Check.HTTPPath)
		}
		if b.Check.Timeout != "" {
			want = append(want, "timeout check "+b.Check.Timeout)
		}
		if b.Timeout != "" {
			want = append(want, "timeout server "+b.Timeout)
		}
		if b.HSTS != 0 {
			want = append(want, fmt.Sprintf("http-response set-header Strict-Transport-Security max-age=%d%s if { ssl_fc }", b.HSTS, b.HSTSDirectives))
		}
		if b.Policy.Maintenance == nil {
			var edits []string
			for _, l := range lines {
				if strings.HasPrefix(l, "http-request replace-path ") && !strings.HasSuffix(l, " if strip_path") {
					edits = append(edits, l)
				}
			}
			if w := pathEditLines(b.PathEdits); !slices.Equal(edits, w) {
				bad("backend %s edits the path with %q, the model with %q", b.Name, edits, w)
			}
			var redirects []string
			for _, l := range lines {
				if strings.HasPrefix(l, "http-request set-var(txn.redirect_to) ") || strings.HasPrefix(l, "http-request redirect location ") {
					redirects = append(redirects, l)
				}
			}
			if w := urlRedirectLines(b.URLRedirects); !slices.Equal(redirects, w) {
				bad("backend %s redirects by URL with %q, the model with %q", b.Name, redirects, w)
			}
		}
		if c := b.Compression; c != nil {
			want = append(want, "compression algo "+c.Algo)
			if len(c.Types) > 0 {
				want = append(want, "compression type "+strings.Join(c.Types, " "))
			}
		}
		var wantHeaders []string
		for _, h := range b.Headers {
			w := headerRule(h) + " " + h.Name
			if h.Action != "del" {
				w += " " + string(h.Value)
			}
			wantHeaders = append(wantHeaders, w)
		}
		if got := headers["backend "+b.Name]; !slices.Equal(got, wantHeaders) {
			bad("backend %s changes the headers %q, the model %q", b.Name, got, wantHeaders)
		}
		for _, w := range want {
			if !slices.Contains(lines, w) {
				bad("backend %s lacks the line %q the model asks for", b.Name, w)
			}
		}
		var strip, wantStrip []string
		for _, l := range lines {
			if w := strings.Fields(l); len(w) > 2 && w[0] == "acl" && w[1] == "strip_path" && w[2] == "path" {
				strip = append(strip, w[3:]...)
			}
		}
		if b.StripPath && b.Policy.Maintenance == nil { // a backend in maintenance rewrites nothing
			for _, p := range b.Paths {
				wantStrip = append(wantStrip, p.Prefix)
			}
		}
		compareSets("strip_path prefixes of backend "+b.Name, strip, wantStrip)
		for _, w := range policyLines(b.Name, b.Policy) {
			if !slices.Contains(lines, w) {
				bad("backend %s lacks the policy line %q the model asks for", b.Name, w)
			}
		}
		if got, want := sections["userlist users_"+b.Name], userLines(b.Policy.Auth); !slices.Equal(got, want) {
			bad("userlist of backend %s is %q, the model's users %q", b.Name, got, want)
		}
		if b.Check.HTTPPath == "" && slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "http-check") }) {
			bad("backend %s has an HTTP check the model does not", b.Name)
		}
	}
	if got, want := sections["userlist stats_users"], userLines(cfg.StatsAuth); !slices.Equal(got, want) {
		bad("the stats page's userlist is %q, the model's users %q", got, want)
	}
	var trusted []string
	for _, n := range cfg.TrustedProxies {
		trusted = append(trusted, n.CIDR)
	}
	var gotTrusted []string
	for _, l := range sections["frontend http"] {
		if w := strings.Fields(l); len(w) > 3 && w[1] == "trusted_proxy" {
			gotTrusted = append(gotTrusted, w[3:]...)
		}
	}
	if !slices.Equal(gotTrusted, trusted) {
		bad("trusted proxies in the config %q, in the model %q", gotTrusted, trusted)
	}
	return probs
}

// userLines are the lines of the userlist an Auth asks for: the hash is
// single-quoted, so HAProxy takes its '$' literally.
func userLines(a *model.Auth) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, u := range a.Users {
		out = append(out, "user "+u.Name+" password '"+u.Hash+"'")
	}
	return out
}

// policyLines are lines a backend's policy must hold, with the model's
// values in them.
func policyLines(name string, p model.Policy) []string {
	var want []string
	for _, l := range []struct {
		acl  string
		nets []model.Network
	}{{"allowed_client", p.Allow}, {"denied_client", p.Deny}} {
		var cidrs []string
		for _, n := range l.nets {
			cidrs = append(cidrs, n.CIDR)
		}
		if len(cidrs) > 0 && len(cidrs) <= 32 {
			want = append(want, "acl "+l.acl+" src "+strings.Join(cidrs, " "))
		}
	}
	if p.Maintenance != nil {
		return want
	}
	// track is the line that tracks a limit's source in stick counter sc.
	track := func(sc int, table, per, header string) string {
		if table != "" {
			table = " table " + table
		}
		if per == "" {
			return fmt.Sprintf("http-request track-sc%d src%s", sc, table)
		}
		key := map[string]string{"host": "req.fhdr(host,1)", "header": "req.fhdr(" + header + ",1)"}[per]
		return fmt.Sprintf("http-request track-sc%d %s,sha2(256)%s if { %[2]s -m len gt 0 }", sc, key, table)
	}
	if r := p.RateLimit; r != nil {
		want = append(want, track(0, "", r.Per, r.Header),
			fmt.Sprintf(`http-request return status 429 content-type text/plain string "too many requests" hdr Retry-After %d if { sc_http_req_rate(0) gt %d }`, r.RetryAfter, r.Requests))
	}
	if f := p.MaxInFlight; f != nil {
		want = append(want, track(1, "in_flight:"+name, f.Per, f.Header),
			fmt.Sprintf(`http-request return status 429 content-type text/plain string "too many requests in flight" if { sc_trackers(1) gt %d }`, f.Requests))
	}
	if p.Auth != nil {
		want = append(want, "http-request auth realm "+cmp.Or(p.Auth.Realm, name)+" unless { http_auth(users_"+name+") }")
	}
	if b := p.MaxBody; b != nil {
		want = append(want, fmt.Sprintf("http-request deny deny_status 413 if { req.body_size gt %d }", b.Bytes))
	}
	var methods []string
	for _, m := range p.Methods {
		methods = append(methods, m.Name)
	}
	if len(methods) > 0 {
		want = append(want, `http-request return status 405 content-type text/plain string "method not allowed" hdr Allow `+p.AllowHeader()+" unless { method,upper -m str "+strings.Join(methods, " ")+" }")
	}
	return want
}

// headerRule is how the default template starts a header change.
func headerRule(h model.Header) string {
	if h.Response {
		return "http-response " + h.Action + "-header"
	}
	return "http-request " + h.Action + "-header"
}

// headerLine reads a header change ("http-request set-header NAME "VALUE"")
// as HAProxy does, its value unquoted and with %% read as %, and reports
// whether the line is one: the template's shape, the value one word that
// HAProxy's log-format takes literally.
func headerLine(body string) ([]string, bool) {
	if !strings.HasPrefix(body, "http-request ") && !strings.HasPrefix(body, "http-response ") {
		return nil, false
	}
	words, err := haproxyWords(body)
	if err != nil || len(words) < 3 || !strings.HasSuffix(words[1], "-header") || strings.Contains(body, " if ") {
		return nil, false
	}
	switch {
	case len(words) == 3 && strings.HasPrefix(words[1], "del-"):
		return words, true
	case len(words) == 4 && !strings.HasPrefix(words[1], "del-") && strings.HasSuffix(body, `"`):
		v, ok := logFormatLiteral(words[3])
		words[3] = v
		return words, ok
	}
	return nil, false
}

// haproxyWords splits a config line into words as HAProxy's tokenizer does
// (its manual, section 2.2): spaces and tabs separate words outside quotes;
// a backslash escapes the next character outside single quotes; "…" keeps
// spaces, '#' and "'"; '…' keeps everything; an unquoted '#' starts a
// comment. An unescaped '$' in double quotes (an environment variable) and
// escapes the default template never writes are errors.
func haproxyWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case ' ', '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case '#':
			i = len(line)
		case '\\':
			if i++; i == len(line) {
				return nil, fmt.Errorf("a backslash ends the line")
			}
			cur.WriteByte(line[i])
			inWord = true
		case '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("an unterminated single quote")
			}
			cur.WriteString(line[i+1 : i+1+end])
			i, inWord = i+1+end, true
		case '"':
			inWord = true
			for i++; ; i++ {
				if i == len(line) {
					return nil, fmt.Errorf("an unterminated double quote")
				}
				c := line[i]
				if c == '"' {
					break
				}
				if c == '$' {
					return nil, fmt.Errorf("an unescaped $ in double quotes, which HAProxy expands")
				}
				if c == '\\' {
					if i++; i == len(line) || !strings.ContainsRune(`\"$'#`, rune(line[i])) {
						return nil, fmt.Errorf("an escape the template does not write")
					}
					c = line[i]
				}
				cur.WriteByte(c)
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// logFormatLiteral reads a log-format string that must hold no variable:
// every '%' doubled.
func logFormatLiteral(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i++; i == len(s) || s[i] != '%' {
				return "", false
			}
		}
		b.WriteByte(s[i])
	}
	return b.String(), true
}

// allowedSpecial reports whether the tokenizer-special character c is one
// the template itself writes on this line: the 404 body's quotes, the
// replace-path regex's "$" and "\2", the set-path "%[".
func allowedSpecial(kw string, words []string, c string) bool {
	if kw == "http-response" && len(words) > 2 && words[2] == "alt-svc" {
		// The value's quotes, escaped inside it: the shape holds a port.
		return (c == `"` || c == `\`) && altSvcRe.MatchString(strings.Join(words, " "))
	}
	if kw == "user" {
		// A password hash, single-quoted so that HAProxy takes its '$'
		// literally (the user shape says it holds nothing else).
		return (c == "'" || c == "$") && len(words) == 4 && strings.Count(words[3], "'") == 2
	}
	if kw != "http-request" || len(words) < 3 {
		return false
	}
	if words[1] == "set-var(txn.redirect_to)" && len(words) == 3 && strings.Contains(`'"\`, c) {
		// A URLRedirect's Regex and Format: regsub's two double-quoted
		// arguments in one single-quoted word, the shape says what they hold.
		return strings.Count(words[2], "'") == 2 && strings.Count(words[2], `"`) == 4
	}
	if words[1] == "redirect" && len(words) > 3 && words[2] == "location" && c == "%" {
		return words[3] == "%[var(txn.redirect_to)]" && strings.Count(strings.Join(words, " "), "%") == 1
	}
	if words[1] == "replace-path" && len(words) == 4 && strings.HasPrefix(words[2], "'") && strings.Contains("'\\$", c) {
		// A PathEdit's Regex and Format, each single-quoted: HAProxy takes
		// them literally, and the shape says what they hold.
		return strings.Count(strings.Join(words, " "), "'") == 4
	}
	switch c {
	case `"`:
		return words[1] == "return" && strings.Count(strings.Join(words, " "), `"`) == 2
	case "$":
		return words[1] == "replace-path" && strings.Count(words[2], "$") == 1 && (strings.HasSuffix(words[2], ")$") || words[2] == "^.*$") &&
			!slices.ContainsFunc(words[3:], func(w string) bool { return strings.Contains(w, "$") })
	case `\`:
		// The strip_path rewrite's /\2, a PathEdit's /\1 or PREFIX\1.
		return words[1] == "replace-path" && len(words) > 3 && (words[3] == `/\2` || strings.HasSuffix(words[3], `\1`)) &&
			strings.Count(strings.Join(words, " "), `\`) == 1
	case "%":
		if words[1] == "redirect" && len(words) > 3 && (strings.HasPrefix(words[3], "https://%[var(txn.host)]") || strings.HasSuffix(words[3], "%[var(txn.port)]")) {
			return strings.Count(strings.Join(words, " "), "%") == 1
		}
		if words[1] == "set-var-fmt(txn.port)" {
			return words[2] == ":%[req.hdr(host),port_only]" && strings.Count(strings.Join(words, " "), "%") == 1
		}
		if words[1] == "set-header" && len(words) == 4 && words[3] == "%[http_auth_user]" {
			return strings.Count(strings.Join(words, " "), "%") == 1 // basic auth's HeaderField
		}
		return words[1] == "set-path" && strings.HasPrefix(words[2], "%[path,regsub(") && strings.Count(words[2], "%") == 1
	}
	return false
}

// checkModelValues requires every string the model hands to templates to
// be free of what HAProxy's tokenizer interprets: custom templates print
// any of them, tags included.
func checkModelValues(cfg model.Config) []string {
	var probs []string
	check := func(what, v string) {
		if what == "password hash" {
			if !hashRe.MatchString(v) {
				probs = append(probs, fmt.Sprintf("model value %s=%q is not '$' and [./0-9A-Za-z$=]", what, v))
			}
			return
		}
		for _, r := range v {
			if r <= ' ' || r > '~' || strings.ContainsRune("#'\"`$%\\", r) {
				probs = append(probs, fmt.Sprintf("model value %s=%q holds %q", what, v, r))
				return
			}
		}
	}
	for _, b := range cfg.Backends {
		check("backend", b.Name)
		check("service", b.Service)
		check("balance", b.Balance)
		check("timeout", b.Timeout)
		check("canonical", b.Canonical)
		check("check path", b.Check.HTTPPath)
		check("check interval", b.Check.Interval)
		check("check timeout", b.Check.Timeout)
		check("server prefix", b.Servers.Prefix)
		check("server address", b.Servers.Address)
		for _, h := range slices.Concat(b.Hosts, b.Redirects) {
			check("host", h.Name)
		}
		for _, p := range b.Paths {
			check("path", p.Prefix)
		}
		for _, tag := range b.Tags {
			check("tag", tag.Name)
			check("tag value", tag.Value)
		}
		for _, e := range b.PathEdits {
			for _, p := range slices.Concat(e.Strip, []string{e.Add, e.Replace}) {
				check("path edit", p)
			}
		}
		for _, r := range b.URLRedirects {
			if !urlRedirectRegex.MatchString(r.Regex) || !urlRedirectFormat.MatchString(r.Format) {
				probs = append(probs, fmt.Sprintf("model value URL redirect %q → %q holds what its quotes do not keep", r.Regex, r.Format))
			}
		}
		check("HSTS directives", b.HSTSDirectives)
		if b.Rewrite != nil {
			check("rewrite search", b.Rewrite.Search)
			check("rewrite replace", b.Rewrite.Replace)
		}
		checkPolicyValues(b.Policy, check)
		for _, h := range b.Headers {
			check("header name", h.Name)
			for _, r := range string(h.Value) {
				if r < ' ' || r > '~' {
					probs = append(probs, fmt.Sprintf("header %s value %q holds %q", h.Name, h.Value, r))
					break
				}
			}
		}
		for _, o := range b.CORS {
			check("CORS origin", o.Origin)
		}
		var conds []*model.Conditions
		if m := b.Match; m != nil {
			conds = append(conds, &model.Conditions{Headers: m.Headers, Methods: m.Methods, Queries: m.Queries, Clients: m.Clients}, m.Not)
		}
		for _, m := range conds {
			if m == nil {
				continue
			}
			for _, h := range m.Headers {
				check("header condition", h.Name)
				check("header condition value", h.Value)
			}
			for _, v := range m.Methods {
				check("method condition", v)
			}
			for _, q := range m.Queries {
				check("query key", q.Key)
				check("query value", q.Value)
			}
			for _, n := range m.Clients {
				check("client network", n.CIDR)
			}
		}
		if c := b.Compression; c != nil {
			check("compression algo", c.Algo)
			for _, t := range c.Types {
				check("compression type", t)
			}
		}
		check("server TLS", b.Servers.TLS)
		check("server SNI", b.Servers.SNI)
		check("server proto", b.Servers.Proto)
		if b.Servers.Port < 1 || b.Servers.Port > 65535 {
			probs = append(probs, fmt.Sprintf("backend %s: server port %d is not a TCP port (1-65535)", b.Name, b.Servers.Port))
		}
	}
	for _, n := range cfg.TrustedProxies {
		check("trusted proxy", n.CIDR)
	}
	if cfg.StatsAuth != nil {
		checkPolicyValues(model.Policy{Auth: cfg.StatsAuth}, check)
	}
	return probs
}

// everyFieldTemplate prints every field of the model, one "PATH VALUE"
// line each, made by walking the types so that a new field is printed
// too. Only render's derived Frontend is left out: the default template
// checks it.
var everyFieldTemplate = func() string {
	var b strings.Builder
	// A type that holds itself (Match.Not) is walked twice on a path: the
	// model nests it once.
	onPath := map[reflect.Type]int{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		if onPath[t] == 2 {
			return
		}
		onPath[t]++
		defer func() { onPath[t]-- }()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue // no template reaches it (Source's shown value, for messages)
			}
			p := path + "." + f.Name
			switch ft := f.Type; {
			case ft.Kind() == reflect.Pointer:
				fmt.Fprintf(&b, "{{ with .%s }}", f.Name)
				walk(ft.Elem(), p)
				b.WriteString("{{ end }}")
			case ft.Kind() == reflect.Struct:
				fmt.Fprintf(&b, "{{ with .%s }}", f.Name)
				walk(ft, p)
				b.WriteString("{{ end }}")
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				fmt.Fprintf(&b, "{{ range .%s }}", f.Name)
				walk(ft.Elem(), p)
				b.WriteString("{{ end }}")
			case ft.Kind() == reflect.Slice:
				fmt.Fprintf(&b, "{{ range .%s }}%s {{ . }}\n{{ end }}", f.Name, p)
			default:
				fmt.Fprintf(&b, "%s {{ .%s }}\n", p, f.Name)
			}
		}
	}
	walk(reflect.TypeFor[model.Config](), "")
	return b.String()
}()

// checkEveryField renders cfg with everyFieldTemplate: each line must be
// one of its "PATH VALUE" lines, and VALUE one word free of what HAProxy's
// tokenizer interprets. A line break in a value starts a line of its own.
func checkEveryField(t *testing.T, cfg model.Config) []string {
	out, err := render.Template(cfg, "every-field.tmpl", []byte(everyFieldTemplate))
	if err != nil {
		t.Fatalf("rendering every field: %v", err)
	}
	var probs []string
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		path, value, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(path, ".") || !strings.Contains(everyFieldTemplate, path+" {{") {
			probs = append(probs, fmt.Sprintf("line %q is no field's: a value broke its line", line))
			continue
		}
		if strings.HasSuffix(path, ".Users.Hash") {
			// A password hash holds '$': templates print it single-quoted.
			if !hashRe.MatchString(value) {
				probs = append(probs, fmt.Sprintf("%s=%q is not a hash of '$', '.', '/', '=', letters and digits", path, value))
			}
			continue
		}
		if path == ".Backends.PathEdits.Regex" || path == ".Backends.PathEdits.Format" {
			// A dialect's checked PCRE and its replace-path format hold '\'
			// and '$': templates print them single-quoted.
			if !pathEditQuoted.MatchString(value) {
				probs = append(probs, fmt.Sprintf("%s=%q holds what single quotes do not keep", path, value))
			}
			continue
		}
		if path == ".Backends.URLRedirects.Regex" || path == ".Backends.URLRedirects.Format" {
			// Printed in double quotes inside single quotes: no quote, space
			// or '%', and a backslash only as the shapes say.
			if re := map[bool]*regexp.Regexp{true: urlRedirectRegex, false: urlRedirectFormat}[strings.HasSuffix(path, "Regex")]; !re.MatchString(value) {
				probs = append(probs, fmt.Sprintf("%s=%q holds what its quotes do not keep", path, value))
			}
			continue
		}
		if path == ".Backends.Headers.Value" || path == ".Backends.Answer.Body" {
			// A model.Literal prints as one quoted word HAProxy takes literally.
			if words, err := haproxyWords(value); err != nil || len(words) != 1 || !strings.HasPrefix(value, `"`) {
				probs = append(probs, fmt.Sprintf("%s=%s is not one quoted word (%v)", path, value, err))
			} else if _, ok := logFormatLiteral(words[0]); !ok {
				probs = append(probs, fmt.Sprintf("%s=%s holds a log-format variable", path, value))
			}
			continue
		}
		for _, r := range value {
			if r <= ' ' || r > '~' || strings.ContainsRune("#'\"`$%\\", r) {
				probs = append(probs, fmt.Sprintf("%s=%q holds %q", path, value, r))
				break
			}
		}
	}
	return probs
}

// urlRedirectRegex and urlRedirectFormat are what a URLRedirect's Regex
// and Format may hold: a PCRE of letters, digits, \xHH escapes, \z and
// regex syntax; URL characters and \N references after http://, https://
// or /. Neither holds a quote, a space, '%', '$' or '#'.
var (
	urlRedirectRegex  = regexp.MustCompile(`^(?:[A-Za-z0-9(?:)|*+{},^\[\]-]|\\x[0-9a-f]{2}|\\z)+$`)
	urlRedirectFormat = regexp.MustCompile(`^(?:https?://|/)(?:[A-Za-z0-9._~:/?@!&()*+,;=-]|\\[0-9])*$`)
)

// pathEditQuoted is what a PathEdit's Regex or Format may hold: no quote,
// space or line break, so single quotes keep it whole.
var pathEditQuoted = regexp.MustCompile(`^[A-Za-z0-9\\(?:)|*+{},^\[\]/._~$-]*$`)

// hashRe is what a password hash may hold: it is printed single-quoted,
// where '$' is literal, so only a quote or a line break could escape.
var hashRe = regexp.MustCompile(`^\$[./0-9A-Za-z$=]+$`)

// checkPolicyValues checks the values of a policy, the password hashes
// against hashRe, the rest as every other value.
func checkPolicyValues(p model.Policy, check func(what, v string)) {
	for _, n := range slices.Concat(p.Allow, p.Deny) {
		check("network", n.CIDR)
	}
	for _, m := range slices.Concat(p.Methods, p.DeniedMethods) {
		check("method", m.Name)
	}
	if r := p.RateLimit; r != nil {
		check("rate period", r.Period)
	}
	if f := p.MaxInFlight; f != nil {
		check("in-flight header", f.Header)
	}
	if b := p.MaxBody; b != nil {
		check("body size", b.Size)
	}
	if a := p.Auth; a != nil {
		check("auth secret", a.Secret)
		check("auth realm", a.Realm)
		for _, u := range a.Users {
			check("user", u.Name)
			check("hash scheme", u.Scheme)
			check("password hash", u.Hash)
		}
	}
}

// serverTemplate is the line of one server-template of b.
func serverTemplate(b model.Backend, sv model.Servers) string {
	s := fmt.Sprintf("server-template %s 1-%d %s:%d check", sv.Prefix, sv.Slots, sv.Address, sv.Port)
	if b.Check.Interval != "" {
		s += " inter " + b.Check.Interval
	}
	if b.Check.Port != 0 {
		s += " port " + strconv.Itoa(b.Check.Port)
	}
	if sv.Weight != 0 {
		s += " weight " + strconv.Itoa(sv.Weight)
	}
	if sv.MaxConn != 0 {
		s += " maxconn " + strconv.Itoa(sv.MaxConn)
	}
	switch sv.TLS {
	case "verify":
		s += fmt.Sprintf(" ssl verify required ca-file @system-ca sni str(%s) verifyhost %s check-sni %s", sv.SNI, sv.SNI, sv.SNI)
	case "insecure":
		s += " ssl verify none"
	}
	if sv.Proto == "h2" && sv.TLS != "" {
		s += " alpn h2"
	} else if sv.Proto == "h2" {
		s += " proto h2"
	}
	if sv.SendProxy {
		s += " send-proxy-v2"
	}
	if b.Check.Port != 0 && sv.TLS != "" {
		s += " check-ssl"
	}
	return s
}

func sortedSet(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// isFuzzing reports whether this process generates inputs (go test -fuzz)
// rather than replaying the seed corpus.
func isFuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if fl := flag.Lookup(name); fl != nil && fl.Value.String() != "" && fl.Value.String() != "false" {
			return true
		}
	}
	return false
}

// haproxyAccepts runs haproxy -c -dW on a config Build accepted. Without
// HAProxy it does nothing, except under CI=true, where it fails; with -short
// it does nothing.
func haproxyAccepts(t *testing.T, cfg []byte) {
	t.Helper()
	if testing.Short() {
		return // one HAProxy process a seed is most of the seeds' time
	}
	if bytes.Contains(cfg, []byte("\nacme acme\n")) {
		return // for HAProxy 3.2, with certificate files: the golden cases check such configs
	}
	bin, err := haproxytest.Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v, and CI=true requires it", err)
		}
		t.Logf("%v: the seed's config is not checked with haproxy -c -dW", err)
		return
	}
	file := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(file, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := haproxytest.Check(bin, file); err != nil {
		t.Errorf("Build accepted the input, but HAProxy rejects the config: %v", err)
	}
}

// fuzzCertDir makes a directory with a self-signed certificate and key, as
// HAProxy's "crt DIR" reads them, for the TLS seeds' haproxy -c.
func fuzzCertDir(t *testing.T) string {
	t.Helper()
	// Not t.TempDir: its name holds the seed's "#", which --tls rejects.
	dir, err := os.MkdirTemp("", "compose2haproxy-certs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if _, err := testcert.Write(dir, []string{"example.com"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The oracle itself must catch an injection when the model lets one
// through: render configs whose values were never validated and require
// checkText (the tokenizer-level check alone) to object to each.
func TestFuzzOracleCatchesInjections(t *testing.T) {
	base := func() model.Config {
		return model.Config{Version: "fuzz", Files: []string{"compose.yaml"}, Listen: model.Listen{HTTP: ":80", Stats: ":8404"},
			Resolvers: []string{"127.0.0.11:53"},
			Backends: []model.Backend{{Name: "web", Service: "web", Port: 80, Balance: "roundrobin",
				Hosts:   []model.Host{{Name: "web"}},
				Servers: model.Servers{Prefix: "web-", Address: "web", Port: 80, Slots: 10}}},
			Routes: []model.Route{{Backend: "web", Hosts: []model.Host{{Name: "web"}}}}}
	}
	valid := base()
	out, err := render.Config(valid)
	if err != nil {
		t.Fatal(err)
	}
	if probs := checkRendered(valid, out); len(probs) > 0 {
		t.Fatalf("a valid config is rejected:\n%s\n%s", strings.Join(probs, "\n"), out)
	}
	for name, inject := range map[string]func(c *model.Config){
		"host with a new directive":     func(c *model.Config) { c.Routes[0].Hosts[0].Name = "web\n    stats enable" },
		"host with a new section":       func(c *model.Config) { c.Routes[0].Hosts[0].Name = "web\nlisten evil\n    bind :1" },
		"host with a condition":         func(c *model.Config) { c.Routes[0].Hosts[0].Name = "web if TRUE" },
		"host with a comment":           func(c *model.Config) { c.Routes[0].Hosts[0].Name = "web#x" },
		"host with a CR":                func(c *model.Config) { c.Routes[0].Hosts[0].Name = "web\rx" },
		"balance with log-format":       func(c *model.Config) { c.Backends[0].Balance = "hdr(%[src])" },
		"check path with a quote":       func(c *model.Config) { c.Backends[0].Check.HTTPPath = `/h"x` },
		"check path with an extra word": func(c *model.Config) { c.Backends[0].Check.HTTPPath = "/h x" },
		"server address with a backend": func(c *model.Config) { c.Backends[0].Servers.Address = "web:80\nbackend evil\n    server x 1.2.3.4" },
		"timeout with an environment $": func(c *model.Config) { c.Backends[0].Timeout = "${T}" },
		"path with a backslash": func(c *model.Config) {
			c.Routes[0].Path.Prefix = `/a\b`
			c.Backends[0].Paths = []model.Path{{Prefix: `/a\b`}}
		},
		"duplicate literal in a section": func(c *model.Config) { c.Backends[0].Check.HTTPPath = "/h\n    option httpchk" },
		"hash that closes its quote": func(c *model.Config) {
			c.Backends[0].Policy.Auth = &model.Auth{Users: []model.User{{Name: "a", Hash: "$6$x' insecure-password 'y"}}}
		},
		"hash with a new directive": func(c *model.Config) {
			c.Backends[0].Policy.Auth = &model.Auth{Users: []model.User{{Name: "a", Hash: "$6$x'\n    user b insecure-password 'y"}}}
		},
		"user name with a second word": func(c *model.Config) {
			c.Backends[0].Policy.Auth = &model.Auth{Users: []model.User{{Name: "a groups g", Hash: "$6$x"}}}
		},
		"network with a condition": func(c *model.Config) {
			c.Backends[0].Policy.Allow = []model.Network{{CIDR: "10.0.0.0/8 } || { always_true"}}
		},
		"trusted proxy with a comment": func(c *model.Config) { c.TrustedProxies = []model.Network{{CIDR: "10.0.0.0/8#x"}} },
		"header value with a line break": func(c *model.Config) {
			c.Backends[0].Headers = []model.Header{{Action: "set", Name: "X-A", Value: "a\n    http-request deny"}}
		},
		"header name with a condition": func(c *model.Config) {
			c.Backends[0].Headers = []model.Header{{Action: "del", Name: "X-A if TRUE"}}
		},
		"path edit with a condition": func(c *model.Config) {
			c.Backends[0].PathEdits = []model.PathEdit{{Replace: "/x if TRUE"}}
		},
		"path edit with a second backreference": func(c *model.Config) {
			c.Backends[0].PathEdits = []model.PathEdit{{Add: `/a\1`}}
		},
		"stripped prefix that ends the regex": func(c *model.Config) {
			c.Backends[0].PathEdits = []model.PathEdit{{Strip: []string{"/a)$ /b #"}}}
		},
		"HSTS directive with a new directive": func(c *model.Config) {
			c.Backends[0].HSTS, c.Backends[0].HSTSDirectives = 60, ";preload if TRUE\n    http-request deny"
		},
		"realm with a second word": func(c *model.Config) {
			c.Backends[0].Policy.Auth = &model.Auth{Realm: "r unless TRUE", Users: []model.User{{Name: "a", Hash: "$6$x"}}}
		},
	} {
		cfg := base()
		inject(&cfg)
		out, err := render.Config(cfg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(checkText(cfg, out)) == 0 {
			t.Errorf("%s: checkText accepts the injected config:\n%s", name, out)
		}
	}
}

// repeatedPassword returns a password of the user lists that msg repeats.
// Only passwords that cannot be in msg by chance count: 12 letters or
// digits or more, not part of a user name and not in the other inputs.
func repeatedPassword(msg string, lists []string, others string) string {
	var names, pws []string
	for _, list := range lists {
		for _, e := range strings.FieldsFunc(list, func(r rune) bool { return r == '\n' || r == ',' }) {
			name, pw, colon := strings.Cut(e, ":")
			if !colon {
				pw = e // without ':', the entry may be a password
			} else {
				names = append(names, strings.TrimSpace(name))
			}
			pws = append(pws, strings.TrimSpace(pw))
		}
	}
	for _, pw := range pws {
		inName := slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, pw) })
		if len(pw) >= 12 && alnum.MatchString(pw) && !inName && !strings.Contains(others, pw) && strings.Contains(msg, pw) {
			return pw
		}
	}
	return ""
}

var alnum = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// Mode bits of FuzzPolicy.
const (
	policyTLS         = 1 << 0 // --tls
	policyUsersSecret = 1 << 1 // the docker-flow service also names the secret (com.df.usersSecret)
	policyAcceptProxy = 1 << 2 // --accept-proxy
	policyPlaintext   = 1 << 3 // no com.df.usersPassEncrypted
)

// FuzzPolicy feeds access policies to Build and the renderer: policy tags,
// docker-flow-proxy's users label, the content of the secret both name,
// a trusted proxy and the stats page's users. Password hashes hold '$',
// which HAProxy expands outside single quotes: the property is FuzzLabels'
// (an error, or a config where every value is where the model put it),
// with the hashes only inside their quotes.
//
//	go test ./model -run '^$' -fuzz FuzzPolicy -fuzztime 60s
func FuzzPolicy(f *testing.F) {
	const h6 = "$6$ViEJ.yPI3rV1T1WP$7l7M/IhsEA2xWnBJtX.3nH6hKbpnS/ntXXL1WzqEHXgwl1XW62nTadVXVEOBj8NtA7Ugw/J52V3NqyMPt5kgb1"
	const hb = "$2b$12$aTXK9jVDm3WzI7Mewm7ukeodAK5eGd/R1aZ2cs9U3GlOQ3SGYnuz6"
	type seed struct {
		tags, users, secret, trusted, stats string
		mode                                uint8
	}
	for _, s := range []seed{
		// Each policy, valid.
		{tags: "auth=ops,allow=10.0.0.0/8,deny=10.6.6.6,rate_limit=100/10s,max_body=10m,method=GET,method=post", secret: "alice:" + h6 + "\nbob:" + hb + "\n"},
		{tags: "deny_http,allow=2001:db8::/32,allow=::1", trusted: "172.16.0.0/12", mode: policyTLS | policyAcceptProxy},
		{tags: "maintenance,auth=ops,path=/x,strip_path", secret: "alice:" + h6},
		{users: "admin:" + h6 + ",ops", secret: "ops:" + hb, mode: policyUsersSecret},
		{users: "admin:" + h6, stats: "alice:" + h6},
		// IPv4 and IPv6 networks in one list: 6to4 and IPv4-compatible
		// addresses pass only the IPv6 ones.
		{tags: "allow=10.0.0.0/8,allow=2002:a00::/24,deny=::a00:1", trusted: "2001:db8::/32"},
		{tags: "allow=::ffff:10.0.0.1,allow=::/0", trusted: "::ffff:10.1.0.0/112"},
		// Injection attempts through users, hashes and networks.
		{tags: "auth=ops", secret: "alice:" + h6 + "'\n    user evil insecure-password x"},
		{tags: "auth=ops", secret: "alice:$6$x' insecure-password 'y"},
		{users: "admin:$6$abc$def'\n    stats enable", mode: 0},
		{users: "admin groups g:" + h6},
		{users: "admin:correcthorsebattery", mode: policyPlaintext},
		{tags: "auth=ops", secret: "alice:correcthorsebattery\ncorrecthorsebattery\n"},
		{users: "admin:correcthorsebattery"},
		{tags: "allow=10.0.0.0/8 if TRUE,deny=1.2.3.4#x"},
		{tags: "method=GET POST,method=G\nET"},
		{trusted: "10.0.0.0/8\n    stats enable", stats: "alice:" + h6 + "\r\nbackend x"},
		{tags: "rate_limit=1/0s,max_body=0,max_body=99999999999999g"},
		{tags: "max_in_flight=10,rate_limit=5/s"},
		{tags: "max_in_flight=2/header:X-Api-Key"},
		{tags: "max_in_flight=2/host,max_in_flight=3"},
		{tags: "max_in_flight=2/header:X-A) table x,max_in_flight=0/host"},
		{tags: "rate_limit=100/10s/host,max_in_flight=2/header:X-Api-Key"},
		{tags: "rate_limit=5/s/header:X-Tenant"},
		{tags: "rate_limit=5/s/header:X-A) if TRUE,rate_limit=5/s/Host"},
	} {
		f.Add(s.tags, s.users, s.secret, s.trusted, s.stats, s.mode)
	}
	fuzzing := isFuzzing()
	f.Fuzz(func(t *testing.T, tags, users, secret, trusted, stats string, mode uint8) {
		certs := fuzzCertsDir
		if mode&policyTLS != 0 && !fuzzing {
			certs = fuzzCertDir(t)
		}
		p := model.Project{Name: "fuzz", Files: []string{"compose.yaml"}, Secrets: []model.Secret{{Name: "ops", File: "ops.users", Content: []byte(secret)}},
			Services: []model.Service{
				{Name: "web", Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Labels: map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": tags}},
				{Name: "dfp", Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Labels: map[string]string{"com.df.notify": "true", "com.df.servicePath": "/dfp"}},
			}}
		dfp := p.Services[1].Labels
		if users != "" {
			dfp["com.df.users"] = users
		}
		if mode&policyUsersSecret != 0 {
			dfp["com.df.usersSecret"] = "ops"
		}
		if mode&policyPlaintext == 0 {
			dfp["com.df.usersPassEncrypted"] = "true"
		}
		opts := model.Options{Version: "fuzz", Listen: model.Listen{HTTP: ":80", Stats: ":8404", AcceptProxy: mode&policyAcceptProxy != 0}}
		if mode&policyTLS != 0 {
			opts.Listen.Certs, opts.Listen.HTTPS = certs, ":8443"
		}
		if trusted != "" {
			opts.TrustedProxies = []string{trusted}
		}
		if stats != "" {
			opts.StatsAuth = &model.Secret{Name: "stats", Content: []byte(stats)}
		}
		cfg, ds := buildAll(p, opts)
		for _, d := range ds {
			if s := d.String(); strings.ContainsAny(s, "\n\r") || !utf8.ValidString(s) {
				t.Errorf("diagnostic is not one printable line: %q", s)
			}
			if pw := repeatedPassword(d.String(), []string{secret, users, stats}, tags+trusted); pw != "" {
				t.Errorf("diagnostic repeats the password %q: %s", pw, d)
			}
		}
		if ds.HasErrors() {
			return
		}
		out, err := render.Config(cfg)
		if err != nil {
			t.Fatalf("render.Config failed on a config Build accepted: %v", err)
		}
		if problems := checkRendered(cfg, out); len(problems) > 0 {
			t.Fatalf("Build accepted the input but the config is unsafe:\n  %s\nconfig:\n%s", strings.Join(problems, "\n  "), out)
		}
		checkOwnership(t, cfg)
		if problems := checkEveryField(t, cfg); len(problems) > 0 {
			t.Fatalf("Build accepted the input but a template that prints every field gets unsafe values:\n  %s", strings.Join(problems, "\n  "))
		}
		if !fuzzing && !testing.Short() {
			haproxyAccepts(t, out)
		}
	})
}

// pathEditLines are the lines a backend's PathEdits ask for, in order,
// made from the model's values as HAProxy must read them: a prefix's dots
// as [.] in the regex, everything else as it is.
func pathEditLines(edits []model.PathEdit) []string {
	var out []string
	for _, e := range edits {
		switch {
		case len(e.Strip) > 0:
			var res []string
			for _, p := range e.Strip {
				res = append(res, strings.ReplaceAll(p, ".", "[.]"))
			}
			out = append(out, `http-request replace-path ^(?:`+strings.Join(res, "|")+`)/?(.*)$ /\1`)
		case e.Regex != "":
			out = append(out, `http-request replace-path '`+e.Regex+`' '`+e.Format+`'`)
		case e.Add != "":
			out = append(out, `http-request replace-path ^(.*)$ `+e.Add+`\1`)
		default:
			out = append(out, `http-request replace-path ^.*$ `+e.Replace)
		}
	}
	return out
}

// urlRedirectLines are the lines a backend's URLRedirects ask for: those
// that come first, then the others, each its rewrite and its two redirects.
func urlRedirectLines(rs []model.URLRedirect) []string {
	var out []string
	for _, first := range []bool{true, false} {
		for _, r := range rs {
			if r.First != first {
				continue
			}
			codes := [2]string{"302", "307"}
			if r.Permanent {
				codes = [2]string{"301", "308"}
			}
			changed := "!{ var(txn.redirect_to),strcmp(txn.redirect_from) eq 0 }"
			out = append(out, `http-request set-var(txn.redirect_to) 'var(txn.redirect_from),regsub("`+r.Regex+`","`+r.Format+`",g)'`,
				"http-request redirect location %[var(txn.redirect_to)] code "+codes[0]+" if "+changed+" { method GET }",
				"http-request redirect location %[var(txn.redirect_to)] code "+codes[1]+" if "+changed+" !{ method GET }")
		}
	}
	return out
}

// pathACLName is the name the template gives the ACL of a path ACL line
// named like name: ':' for '/', ".::." for '~', after the kind's prefix.
func pathACLName(name, path string) string {
	kind, _, _ := strings.Cut(name, ":")
	return kind + strings.NewReplacer("/", ":", "~", ".::.").Replace(path)
}
