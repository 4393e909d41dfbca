package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/testcert"
)

const realworldDir = "../../testdata/realworld"

// realworldOutcome is what compose2haproxy --all does with one project of
// testdata/realworld: exit 0 with these backends (besides no_route), or
// exit 1 with an error naming this file or service.
type realworldOutcome struct {
	exit     int
	backends []string // exit 0
	names    string   // exit 1: stderr must contain it (a file or a service)
}

// realworldOutcomes records every project's outcome, so that a change of
// outcome fails the test. A project is a folder with the compose files
// (and their env, secret and config files) and an optional "args" file,
// one extra argument a line; a file after -f is relative to the folder.
// The traefik_* projects are read by the Traefik dialect: each is routed
// or refused with reasons (TLS routers without --tls, Traefik's
// dashboard, a port only the image declares), none silently.
var realworldOutcomes = map[string]realworldOutcome{
	"anchors_merge":     {backends: []string{"gateway", "orders", "otel-collector-13133", "otel-collector-4317", "otel-collector-4318", "users"}},
	"build_only":        {backends: []string{"backend", "frontend"}},
	"deploy_resources":  {backends: []string{"agent", "api", "scaled"}},
	"docker_flow_proxy": {backends: []string{"main_8080", "proxy-443", "proxy-80"}},
	// Two services under one name must admit each other (compose2haproxy.admit).
	"duplicate_service_name":  {exit: 1, names: "app-green"},
	"elk_stack":               {backends: []string{"elasticsearch-9200", "elasticsearch-9300", "kibana", "logstash-50000", "logstash-5044", "logstash-9600"}},
	"env_file":                {backends: []string{"shop"}},
	"extends_other_file":      {backends: []string{"admin", "webapp_web_8000"}},
	"extends_same_file":       {backends: []string{"rails"}},
	"gitlab":                  {backends: []string{"gitlab-22", "gitlab-443", "gitlab-5050", "gitlab-80"}},
	"healthchecks_depends_on": {backends: []string{"api", "postgres", "redis"}},
	"host_network":            {backends: []string{"homeassistant", "mosquitto-1883", "mosquitto-9001", "nodered"}},
	"include_directive":       {backends: []string{"app", "cache", "queue-15672", "queue-5672"}},
	"interpolation_defaults":  {backends: []string{"docs", "shop.app"}},
	"interpolation_required":  {exit: 1, names: "compose.yaml"},
	"ipv6_ports":              {backends: []string{"api", "web-2019", "web-443", "web-80"}},
	"legacy_v1":               {exit: 1, names: "docker-compose.yml"},
	"long_port_syntax":        {backends: []string{"game", "web-443", "web-80", "web-9113"}},
	"mailserver":              {backends: []string{"mailserver-143", "mailserver-25", "mailserver-465", "mailserver-587", "mailserver-993", "roundcube"}},
	"monitoring":              {backends: []string{"alertmanager", "cadvisor", "grafana", "nodeexporter", "prometheus"}},
	"port_ranges": {backends: []string{"app-5000", "app-5001", "app-9000", "app-9001", "app-9002", "app-9003", "coturn",
		"ftp-21", "ftp-21000", "ftp-21001", "ftp-21002", "ftp-21003", "ftp-21004", "ftp-21005", "ftp-21006", "ftp-21007", "ftp-21008", "ftp-21009", "ftp-21010"}},
	"profiles": {backends: []string{"adminer", "app", "mailhog-1025", "mailhog-8025"}},
	// SERVICE_8600_IGNORE on consul's UDP-only DNS port asks for what
	// happens anyway: no error.
	"registrator":        {backends: []string{"consul-ui", "orders-metrics_api_9000", "orders_api_8080", "www.hello"}},
	"secrets_configs":    {backends: []string{"app", "db"}},
	"several_networks":   {backends: []string{"app", "db", "proxy"}},
	"traefik_labels":     {exit: 1, names: "router api: it is on entry point web"},
	"udp_ports":          {backends: []string{"pihole-53", "pihole-80", "syslog-601", "syslog-6514"}},
	"version_38":         {backends: []string{"nginx", "redis", "web"}},
	"wordpress_mysql":    {backends: []string{"db-3306", "db-33060", "phpmyadmin", "wordpress"}},
	"x_extension_fields": {backends: []string{"search-9200", "search-9600", "web"}},
	// Public Traefik and nginx-proxy projects (issues 17 and 19; sources in
	// each folder's SOURCE, features in testdata/realworld/README.md).
	// Without --tls, every Traefik router on an HTTPS entry point is
	// refused for want of a certificate (TestRealWorldTraefikShare runs
	// them with one, and counts what the labels alone decide).
	// nginx-proxy's variables are read by dialect/nginxproxy: the proxy
	// and its companions are left out, each VIRTUAL_HOST container is
	// routed on its VIRTUAL_PORT only, and acme-companion's hosts without
	// --acme-directory or --tls are refused, naming LETSENCRYPT_HOST.
	"nginx_proxy_buchdag":          {exit: 1, names: "LETSENCRYPT_HOST=www.example.com"},
	"nginx_proxy_docs_loadbalance": {backends: []string{"myapp"}},
	// One container, three ports by VIRTUAL_HOST_MULTIPORTS.
	"nginx_proxy_docs_multiports": {backends: []string{"multiport-container-80", "multiport-container-8000_multiport-container_8000", "multiport-container-9443_multiport-container_9443"}},
	"nginx_proxy_gilyes_sample":   {exit: 1, names: "LETSENCRYPT_HOST=sampleapi.example.com"},
	"nginx_proxy_nextcloud":       {},
	"nginx_proxy_pihole":          {backends: []string{"pihole"}},
	// As published, dockergen's environment: holds only a comment (null).
	"nginx_proxy_separate_containers": {exit: 1, names: "docker-compose-separate-containers.yml"},
	"nginx_proxy_virtual_host":        {exit: 1, names: "LETSENCRYPT_HOST=blog.example.com"},
	// The console's rule excludes paths (!PathPrefix): refused.
	"traefik_appwrite":               {exit: 1, names: "router appwrite_console_http"},
	"traefik_authelia_lite":          {exit: 1, names: "router authelia"},
	"traefik_bluepuma_redirectregex": {exit: 1, names: "api@internal"},
	"traefik_bluepuma_swarm":         {exit: 1, names: "error: "},
	"traefik_bluepuma_tcp":           {exit: 1, names: "TCP router tcpecho-le"},
	"traefik_docs_acme_dns_secrets":  {exit: 1, names: "router whoami"},
	"traefik_docs_basic":             {exit: 1, names: "router whoami"},
	"traefik_docs_expose_docker":     {exit: 1, names: "file provider"},
	// whoami-api: the image declares its port (Traefik reads EXPOSE).
	"traefik_docs_expose_docker_advanced": {exit: 1, names: "router whoami-api"},
	"traefik_docs_getting_started":        {exit: 1, names: "router whoami"},
	"traefik_docs_setup_docker":           {exit: 1, names: "api@internal"},
	"traefik_docs_swarm_layers":           {exit: 1, names: "router admin-backend"},
	"traefik_fastapi_template":            {exit: 1, names: "constraint-label"},
	"traefik_home_server_stack":           {exit: 1, names: "router adguard"},
	// Traefik v1's labels, each refused by name.
	"traefik_jitsi_v1_labels": {exit: 1, names: "traefik.backend=jc_backend"},
	"traefik_lempa_authentik": {exit: 1, names: "router authentik"},
	"traefik_mailu_tcp":       {exit: 1, names: "TCP router sieve"},
	// Its catch-all HTTP to HTTPS redirect, a router on the Traefik
	// service itself, is converted; its dashboard is not.
	"traefik_servarr_stack": {exit: 1, names: "api@internal"},
	"traefik_swarmrocks":    {exit: 1, names: "api@internal"},
	// Converted whole; --all leaves out the Traefik service, which
	// HAProxy replaces.
	"traefik_vegasbrianc_swarm_monitoring": {backends: []string{"grafana_3000_grafana", "prometheus_9090_prometheus"}},
}

var (
	diagnosticLine = regexp.MustCompile(`^(error|warning|compose2haproxy): `)
	backendLine    = regexp.MustCompile(`(?m)^backend (\S+)$`)
)

// Compose files of the kind public projects hold, run with --all: each
// either gives a config HAProxy accepts (exit 0), or fails with a clear
// message (exit 1) — never a panic, never exit 2 or 3, never an invalid
// config.
func TestRealWorldProjects(t *testing.T) {
	entries, err := os.ReadDir(realworldDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			want, ok := realworldOutcomes[name]
			if !ok {
				t.Fatalf("testdata/realworld/%s has no entry in realworldOutcomes: add its expected outcome", name)
			}
			dir := filepath.Join(realworldDir, name)
			args := append([]string{"--project-directory", dir, "--all"}, projectArgs(t, dir)...)
			code, stdout, stderr := runRecovering(t, args)

			for _, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
				if line != "" && !diagnosticLine.MatchString(line) {
					t.Errorf("stderr line does not start with error:, warning: or compose2haproxy: %q\nstderr:\n%s", line, stderr)
				}
			}
			switch code {
			case 0:
				var got []string
				for _, m := range backendLine.FindAllStringSubmatch(stdout, -1) {
					if m[1] != "no_route" {
						got = append(got, m[1])
					}
				}
				slices.Sort(got)
				if want.exit != 0 {
					t.Errorf("exit 0 with backends %q; want exit %d naming %q", got, want.exit, want.names)
				} else if !slices.Equal(got, want.backends) {
					t.Errorf("backends %q, want %q", got, want.backends)
				}
				cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
				writeFile(t, cfg, stdout)
				haproxyCheck(t, cfg)
			case 1:
				if want.exit != 1 {
					t.Errorf("exit 1, want exit 0 with backends %q; stderr:\n%s", want.backends, stderr)
				}
				if stdout != "" {
					t.Errorf("exit 1 but wrote to stdout:\n%s", stdout)
				}
				if !strings.Contains(stderr, "error: ") {
					t.Errorf("exit 1 without an error line; stderr:\n%s", stderr)
				}
				if !strings.Contains(stderr, want.names) {
					t.Errorf("stderr does not name %q:\n%s", want.names, stderr)
				}
			default:
				t.Errorf("exit %d (only 0 or 1 are expected for a compose project); stderr:\n%s", code, stderr)
			}
		})
	}
	for name := range realworldOutcomes {
		if !seen[name] {
			t.Errorf("realworldOutcomes has %s, which is not a folder in testdata/realworld", name)
		}
	}
}

// projectArgs are the arguments of the project in dir: its "args" file,
// one argument a line (none without one), a file after -f named relative
// to the folder.
func projectArgs(t *testing.T, dir string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "args"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(raw))
	var args []string
	for i, a := range fields {
		if i > 0 && (fields[i-1] == "-f" || fields[i-1] == "--file") && a != "-" && !filepath.IsAbs(a) {
			a = filepath.Join(dir, a)
		}
		args = append(args, a)
	}
	return args
}

// runRecovering runs the CLI in-process with an empty environment (so the
// machine's variables cannot change an outcome) and turns a panic into a
// test failure that shows where it happened.
func runRecovering(t *testing.T, args []string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("compose2haproxy %s panicked: %v\n%s", strings.Join(args, " "), r, debug.Stack())
			}
		}()
		code = run(context.Background(), args, nil, strings.NewReader(""), &out, &errb)
	}()
	return code, out.String(), errb.String()
}

// reportItem is one item of a migration report (--format report): its
// header line's kind, name and outcome, and its notes.
type reportItem struct {
	kind, name, outcome string
	errors, warnings    int
}

var (
	reportHeader = regexp.MustCompile(`^traefik (router|tcp router|udp router|middleware) (\S+) \(service [^)]*\): (.+)$`)
	// routerLabel is a router's name in a traefik.* label of a compose
	// file, as a line of it writes it (not one whose name is interpolated).
	routerLabel = regexp.MustCompile(`(?i)traefik\.(http|tcp|udp)\.routers\.([a-z0-9_-]+)\.`)
)

// parseReport reads the items of a migration report.
func parseReport(t *testing.T, report string) []reportItem {
	t.Helper()
	var items []reportItem
	for _, line := range strings.Split(report, "\n") {
		switch {
		case reportHeader.MatchString(line):
			m := reportHeader.FindStringSubmatch(line)
			items = append(items, reportItem{kind: m[1], name: m[2], outcome: m[3]})
		case strings.HasPrefix(line, "    - error: ") && len(items) > 0:
			items[len(items)-1].errors++
		case strings.HasPrefix(line, "    - warning: ") && len(items) > 0:
			items[len(items)-1].warnings++
		}
	}
	return items
}

// labelledRouters are the routers the traefik.* labels of dir's compose
// files name, by lower-case name, with their kind: what the migration
// report must list.
func labelledRouters(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			for _, m := range routerLabel.FindAllStringSubmatch(line, -1) {
				kind := map[string]string{"http": "router", "tcp": "tcp router", "udp": "udp router"}[strings.ToLower(m[1])]
				out[strings.ToLower(m[2])] = kind
			}
		}
	}
	return out
}

// traefikShare is what became of the routers of the public Traefik
// projects.
type traefikShare struct {
	projects, whole                        int
	http, converted, differs, refused, out int
	tcp, tcpConverted                      int
	rows                                   []string
}

func (s traefikShare) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Of their %d HTTP routers, %d are converted (%d of them with a difference) and %d refused", s.http, s.converted, s.differs, s.refused)
	if s.out > 0 {
		fmt.Fprintf(&b, ", %d left out", s.out)
	}
	fmt.Fprintf(&b, ";\nof their %d TCP routers, %d are converted. %d of the %d projects convert whole.\n\n", s.tcp, s.tcpConverted, s.whole, s.projects)
	b.WriteString("| project | HTTP routers | converted | refused | TCP routers | converts whole |\n|---|---|---|---|---|---|\n")
	for _, r := range s.rows {
		b.WriteString(r)
	}
	return b.String()
}

// The public Traefik projects of testdata/realworld (a SOURCE file) run
// as a Traefik user would check them: their args, --tls (so that a router
// on an HTTPS entry point is judged by its labels, not by a missing
// certificate) and --format report. Every router their labels name is in
// the report, none silently dropped; each refused item says why (an
// error), each difference how (a warning); the exit status says whether
// the project converts whole. docs/traefik.md keeps the counts (-update
// rewrites them).
func TestRealWorldTraefikShare(t *testing.T) {
	certs := t.TempDir()
	if _, err := testcert.Write(certs, []string{"example.com", "*.example.com"}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(realworldDir)
	if err != nil {
		t.Fatal(err)
	}
	var share traefikShare
	for _, e := range entries {
		dir := filepath.Join(realworldDir, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "SOURCE")); !strings.HasPrefix(e.Name(), "traefik_") || err != nil {
			continue
		}
		args := append([]string{"--project-directory", dir, "--tls", certs, "--format", "report"}, projectArgs(t, dir)...)
		code, stdout, stderr := runRecovering(t, args)
		items := parseReport(t, stdout)
		listed := map[string]string{}
		var http, conv, ref, tcp, tcpConv int
		for _, it := range items {
			switch {
			case it.outcome == "refused" && it.errors == 0:
				t.Errorf("%s: %s %s is refused without an error saying why:\n%s", e.Name(), it.kind, it.name, stdout)
			case it.outcome == "converted with a difference" && it.warnings == 0:
				t.Errorf("%s: %s %s differs without a warning saying how:\n%s", e.Name(), it.kind, it.name, stdout)
			case !slices.Contains([]string{"converted", "converted with a difference", "refused", "left out", "unused", "not reached"}, it.outcome):
				t.Errorf("%s: %s %s has an unknown outcome %q", e.Name(), it.kind, it.name, it.outcome)
			}
			if it.kind == "middleware" {
				continue
			}
			listed[strings.ToLower(it.name)] = it.kind
			converted := strings.HasPrefix(it.outcome, "converted")
			switch it.kind {
			case "router":
				http++
				share.http++
				switch it.outcome {
				case "converted with a difference":
					share.differs++
				case "refused":
					ref++
					share.refused++
				case "left out":
					share.out++
				}
				if converted {
					conv++
					share.converted++
				}
			case "tcp router":
				tcp++
				share.tcp++
				if converted {
					tcpConv++
					share.tcpConverted++
				}
			}
		}
		for name, kind := range labelledRouters(t, dir) {
			if _, ok := listed[name]; !ok {
				t.Errorf("%s: the labels name %s %s, which the report does not list: dropped silently\n%s\nstderr:\n%s", e.Name(), kind, name, stdout, stderr)
			}
		}
		if (code == 0) != (ref == 0 && !strings.Contains(stderr, "error: ")) {
			t.Errorf("%s: exit %d with %d refused routers; stderr:\n%s", e.Name(), code, ref, stderr)
		}
		whole := "no"
		if code == 0 {
			whole = "yes"
			share.whole++
		}
		share.projects++
		share.rows = append(share.rows, fmt.Sprintf("| %s | %d | %d | %d | %d | %s |\n", e.Name(), http, conv, ref, tcp, whole))
	}
	docSection(t, docsDir+"traefik.md", "realworld share", "TestRealWorldTraefikShare", share.String())
}
