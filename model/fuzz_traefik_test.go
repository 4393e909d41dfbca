package model_test

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Mode bits of FuzzTraefikLabels.
const (
	traefikTLS      = 1 << 0 // --tls DIR, and a websecure entry point on its port
	traefikRedirect = 1 << 1 // entry point web redirects to websecure
	traefikV2       = 1 << 2 // the router's rule in Traefik v2 syntax
	traefikSecond   = 1 << 3 // a second router of the service, on PathPrefix(`/second`)
	traefikOther    = 1 << 4 // another Traefik-routed service, on Host(`other.example.com`)
)

// FuzzTraefikLabels feeds Traefik labels to Build: a router's rule,
// entry points and priority, and two middlewares (a type, one option and
// its value each, plus a whole label). The property is FuzzLabels': Build
// refuses, or every accepted value reaches haproxy.cfg only where the
// model put it, and no route takes requests another service owns.
//
//	go test ./model -run '^$' -fuzz FuzzTraefikLabels -fuzztime 60s
//
// Seeds are the traefik_* golden cases' labels; what the fuzzer finds is
// kept in testdata/fuzz/FuzzTraefikLabels.
func FuzzTraefikLabels(f *testing.F) {
	type seed struct {
		rule, entrypoints, priority, mwType, mwKey, mwValue, label string
		mode                                                       uint8
	}
	for _, s := range []seed{
		{"Host(`shop.example.com`)", "web", "", "redirectscheme", "scheme", "https", "", traefikTLS},
		{"Host(`shop.example.com`)", "websecure", "", "stripprefix", "prefixes", "/api,/v1", "traefik.http.middlewares.m2.compress=true", traefikTLS},
		{"Host(`shop.example.com`) && PathPrefix(`/admin/`)", "websecure", "", "basicauth", "users", "admin:$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.", "traefik.http.middlewares.m1.basicauth.realm=shop-admin", traefikTLS},
		{"Host(`shop.example.com`)", "", "", "ipallowlist", "sourcerange", "10.0.0.0/8, 192.168.1.7", "traefik.http.middlewares.m2.ratelimit.average=100", 0},
		{"Host(`shop.example.com`)", "websecure", "", "headers", "stsseconds", "31536000", "traefik.http.middlewares.m2.headers.stsincludesubdomains=true", traefikTLS},
		{"Host(`shop.example.com`)", "websecure", "", "headers", "stspreload", "true", "traefik.http.middlewares.m1.headers.stsseconds=63072000", traefikTLS | traefikRedirect},
		{"Host(`a.example.com`)", "", "", "headers", "customresponseheaders.X-Powered-By", "", "traefik.http.middlewares.m2.headers.customrequestheaders.X-Env=prod", 0},
		{"Host(`a.example.com`)", "", "", "buffering", "maxrequestbodybytes", "10485760", "traefik.http.middlewares.m2.headers.framedeny=true", 0},
		{"Host(`whoami.example.com`) || Host(`who.example.com`)", "", "", "", "", "", "", traefikSecond},
		{"Host(`whoami.example.com`) && Path(`/health`)", "", "10", "replacepath", "path", "/status", "", traefikSecond},
		{"Host(`whoami.example.com`) && Header(`X-Canary`, `1`)", "", "", "addprefix", "prefix", "/v2", "", traefikOther},
		{"Host(`blog.example.com`)", "websecure", "", "", "", "", "", traefikTLS | traefikRedirect},
		{"Host(`a.example.com`, `b.example.com`) && PathPrefix(`/x`)", "web", "", "stripprefix", "prefixes", "/x", "", traefikV2},
		{"PathPrefix(`/owned`)", "", "", "", "", "", "", 0},
		{"Host(`owned.example.com`)", "", "1000", "", "", "", "", traefikOther},
		{"Host(`other.example.com`) && PathPrefix(`/a`)", "", "99999", "", "", "", "", traefikOther},
		{"Host(`api.example.com`) && (Method(`GET`) || Method(`HEAD`))", "", "", "", "", "", "", traefikOther},
		{"Host(`owned.example.com`) && Method(`POST`) && ClientIP(`10.0.0.0/8`)", "", "", "", "", "", "", 0},
		{"PathPrefix(`/owned`) && Query(`beta`, `1`)", "", "", "", "", "", "", 0},
		{"Host(`other.example.com`) && !Header(`X-Bot`, `yes`) && !ClientIP(`203.0.113.0/24`) && !Method(`DELETE`)", "", "", "", "", "", "", traefikOther},
		{"Host(`a.example.com`) && !Query(`x`, `1`) && Method(`get`)", "", "", "", "", "", "", 0},
		// Traefik's ping, answered by HAProxy; a sticky cookie's name and
		// flags; basic auth's header to the servers; a check's own port.
		{"Host(`ping.example.com`) && Path(`/ping`)", "", "", "", "", "", "traefik.http.routers.r1.service=ping@internal", 0},
		{"Host(`a.example.com`)", "", "", "basicauth", "headerfield", "X-User", "traefik.http.middlewares.m1.basicauth.users=admin:$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.", 0},
		{"Host(`a.example.com`)", "", "", "", "", "", "traefik.http.services.web.loadbalancer.sticky.cookie.name=aff", traefikOther},
		{"Host(`a.example.com`)", "", "", "", "", "", "traefik.http.services.web.loadbalancer.healthcheck.port=9000", 0},
		// Path rewrites by a pattern, and regexp matchers.
		{"Host(`a.example.com`)", "", "", "replacepathregex", "regex", "^/old/(.*)", "traefik.http.middlewares.m1.replacepathregex.replacement=/v2/$1", 0},
		{"Host(`a.example.com`)", "", "", "stripprefixregex", "regex", "^/t/[a-z]+-[0-9]+", "", 0},
		{"HostRegexp(`^(www\\.)?a\\.example\\.com$`) && PathRegexp(`^/(v1|v2)/`)", "", "", "", "", "", "", 0},
		// Redirects by a pattern on the URL: converted, then one whose
		// replacement tries to leave its quotes.
		{"Host(`www.a.example.com`) || Host(`a.example.com`)", "", "", "redirectregex", "regex", "^https?://www\\.(.*)", "traefik.http.middlewares.m1.redirectregex.replacement=https://${1}", 0},
		{"Host(`a.example.com`)", "", "", "redirectregex", "replacement", "https://x/'\"%[src],g)' #", "traefik.http.middlewares.m1.redirectregex.regex=^http://(.*)", 0},
		// Requests in progress: per host (Traefik's default), per header.
		{"Host(`a.example.com`) || Host(`b.example.com`)", "", "", "inflightreq", "amount", "10", "traefik.http.middlewares.m2.ratelimit.average=100", 0},
		{"Host(`a.example.com`)", "", "", "inflightreq", "sourcecriterion.requestheadername", "X-Api-Key", "traefik.http.middlewares.m1.inflightreq.amount=2", 0},
		// A rate limit per host, per header.
		{"Host(`a.example.com`) || Host(`b.example.com`)", "", "", "ratelimit", "sourcecriterion.requesthost", "true", "traefik.http.middlewares.m1.ratelimit.average=100", 0},
		{"Host(`a.example.com`)", "", "", "ratelimit", "sourcecriterion.requestheadername", "X-Api-Key", "traefik.http.middlewares.m1.ratelimit.average=10", 0},
		{"Path(`/a b`) || Host(`x\n`)", "web", "", "headers", "customresponseheaders.X-A", "a\"b %[src]", "traefik.http.middlewares.m2.headers.referrerpolicy=x\ny", 0},
	} {
		f.Add(s.rule, s.entrypoints, s.priority, s.mwType, s.mwKey, s.mwValue, s.label, s.mode)
	}
	fuzzing := isFuzzing()
	f.Fuzz(func(t *testing.T, rule, entrypoints, priority, mwType, mwKey, mwValue, label string, mode uint8) {
		certs := fuzzCertsDir
		if mode&traefikTLS != 0 && !fuzzing {
			certs = fuzzCertDir(t)
		}
		p, opts := traefikFuzzProject(rule, entrypoints, priority, mwType, mwKey, mwValue, label, mode, certs)
		checkBuilt(t, p, opts, fuzzing)
	})
}

// traefikFuzzProject is the project one FuzzTraefikLabels input
// describes: a Traefik service, the fuzzed service web with router r1
// (middlewares m1 and m2), a service that admits no one (owner, by
// registrator's keys) and optionally another Traefik-routed one.
func traefikFuzzProject(rule, entrypoints, priority, mwType, mwKey, mwValue, label string, mode uint8, certs string) (model.Project, model.Options) {
	command := []string{"--providers.docker.exposedbydefault=false", "--entrypoints.web.address=:80"}
	opts := model.Options{Version: "fuzz", Listen: model.Listen{HTTP: ":80", Stats: ":8404"}}
	if mode&traefikTLS != 0 {
		command = append(command, "--entrypoints.websecure.address=:443")
		opts.Listen.Certs, opts.Listen.HTTPS = certs, ":443"
	}
	if mode&traefikRedirect != 0 {
		command = append(command, "--entrypoints.web.http.redirections.entrypoint.to=websecure")
	}
	labels := map[string]string{"traefik.enable": "true", "traefik.http.routers.r1.rule": rule, "traefik.http.routers.r1.middlewares": "m1,m2"}
	if mode&traefikV2 != 0 {
		labels["traefik.http.routers.r1.rulesyntax"] = "v2"
	}
	set := func(k, v string) {
		if v != "" {
			labels[k] = v
		}
	}
	set("traefik.http.routers.r1.entrypoints", entrypoints)
	set("traefik.http.routers.r1.priority", priority)
	if mwType != "" {
		labels["traefik.http.middlewares.m1."+mwType+"."+mwKey] = mwValue
	} else {
		labels["traefik.http.middlewares.m1.compress"] = "true"
	}
	if k, v, ok := strings.Cut(label, "="); ok {
		labels[k] = v
	}
	if !strings.Contains(label, ".m2.") {
		labels["traefik.http.middlewares.m2.retry.attempts"] = "2"
	}
	if mode&traefikSecond != 0 {
		labels["traefik.http.routers.r2.rule"] = "Host(`whoami.example.com`) && PathPrefix(`/second`)"
	}
	p := model.Project{Name: "fuzz", Files: []string{"compose.yaml"}, Services: []model.Service{
		{Name: "traefik", Image: "traefik:v3.1", Command: command, Networks: []string{"default"}},
		{Name: "web", Image: "example/web", Expose: []model.Port{{Number: 8080, Protocol: "tcp"}}, Networks: []string{"default"}, Labels: labels},
		{Name: "owner", Image: "example/owner", Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Networks: []string{"default"},
			Labels: map[string]string{"SERVICE_NAME": "owner", "SERVICE_TAGS": "server_alias=owned.example.com,path=/owned"}},
	}}
	if mode&traefikOther != 0 {
		p.Services = append(p.Services, model.Service{Name: "other", Image: "example/other", Expose: []model.Port{{Number: 80, Protocol: "tcp"}}, Networks: []string{"default"},
			Labels: map[string]string{"traefik.enable": "true", "traefik.http.routers.other.rule": "Host(`other.example.com`)"}})
	}
	return p, opts
}
