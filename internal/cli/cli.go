package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/compose2haproxy/compose2haproxy/dialect/all"
	"github.com/compose2haproxy/compose2haproxy/loader"
	"github.com/compose2haproxy/compose2haproxy/model"
	"github.com/compose2haproxy/compose2haproxy/render"
)

// version is set at release time with -ldflags
// "-X github.com/compose2haproxy/compose2haproxy/internal/cli.version=…";
// without it, toolVersion asks the build.
var version = ""

// Exit codes; exitDocs documents them (docs/command-line.md, doc.go).
const (
	exitOK       = 0
	exitInput    = 1 // the input is wrong, or --diff found a difference
	exitUsage    = 2
	exitRejected = 3 // haproxy -c rejected the result
)

// Main is the command as a process: run on the process's arguments,
// environment and standard streams, stopped by an interrupt. It returns the
// exit code for os.Exit.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
}

// flags holds the command line; zero values mean the documented defaults.
type flags struct {
	files         []string
	projectName   string
	projectDir    string
	envFiles      []string
	env           []string
	profiles      []string
	output        string
	domains       []string
	prodLine      string
	all           bool
	bind          string
	stats         string
	statsAuth     string
	acceptProxy   bool
	trustedProxy  []string
	tls           string
	tlsBind       string
	httpsPort     int
	resolvers     []string
	dnsRate       int
	slots         int
	swarm         bool
	check         bool
	diff          bool
	format        string
	template      string
	hostMap       string
	runtimeDir    string
	printTemplate bool
	haproxy       string
	strict        bool
	version       bool
	help          bool
	features      featureFlags // features.go
	// projects are the project arguments (projects.go); nil: one project,
	// from -f, --project-directory or the working directory.
	projects []string
}

// flagSet declares the flags into f. Each flag is a model option or a
// choice of the CLI; optionFlags maps the model's options to them.
func flagSet(f *flags) *pflag.FlagSet {
	fs := pflag.NewFlagSet("compose2haproxy", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, in the tool's style
	fs.SortFlags = false
	fs.StringArrayVarP(&f.files, "file", "f", nil, "compose `FILE`, repeatable, merged in order; - reads stdin")
	fs.StringVarP(&f.projectName, "project-name", "p", "", "project `NAME`")
	fs.StringVar(&f.projectDir, "project-directory", "", "working directory `DIR` of the project")
	fs.StringArrayVar(&f.envFiles, "env-file", nil, "environment `FILE`, repeatable")
	fs.StringArrayVar(&f.env, "env", nil, "interpolate the variable `NAME` of the process environment too, repeatable (a name, not NAME=VALUE)")
	fs.StringArrayVar(&f.profiles, "profile", nil, "profile `NAME` to enable, repeatable")
	fs.StringVarP(&f.output, "output", "o", "", "write the config to `FILE`, atomically (default stdout)")
	fs.StringArrayVar(&f.domains, "domain", nil, "base `DOMAIN`, repeatable (default from HAPROXY_DOMAIN, ':'-separated)")
	fs.StringVar(&f.prodLine, "prod-line", "", "production `LINE` appended to every routed name; sets PROD_LINE")
	fs.BoolVar(&f.all, "all", false, "route every service with a TCP port")
	fs.StringVar(&f.bind, "bind", ":80", "HTTP listener address `ADDR`")
	fs.StringVar(&f.tls, "tls", "", "directory `DIR` of PEM files (certificate and key); adds an HTTPS listener")
	fs.StringVar(&f.tlsBind, "tls-bind", "", "HTTPS listener address `ADDR` with --tls (default :443)")
	fs.IntVar(&f.httpsPort, "https-port", 0, "the `PORT` clients reach HTTPS on, for redirects, when a port mapping differs (default: --tls-bind's port)")
	fs.StringVar(&f.stats, "stats", "127.0.0.1:8404", "stats page listener address `ADDR` (at /stats); empty disables")
	fs.StringVar(&f.statsAuth, "stats-auth", "", "protect the stats page with the `USERS` of a compose secret (secret:NAME) or of a file (./PATH; user:HASH lines)")
	fs.BoolVar(&f.acceptProxy, "accept-proxy", false, "every listener takes the PROXY protocol (the client address is the one it carries)")
	fs.StringArrayVar(&f.trustedProxy, "trusted-proxy", nil, "network `CIDR` whose X-Forwarded-For gives the client address, repeatable")
	fs.StringArrayVar(&f.resolvers, "resolver", nil, "nameserver address `ADDR`, repeatable (default "+model.DockerDNS+")")
	fs.IntVar(&f.dnsRate, "dns-rate", model.DefaultDNSRate, "the most DNS queries `N` a second HAProxy sends to re-resolve servers while nothing changes (more services: each asked less often), 1 to "+strconv.Itoa(model.MaxDNSRate))
	fs.IntVar(&f.slots, "slots", 0, "server-template size floor `N`, 1 to "+strconv.Itoa(model.MaxSlots)+" (default: "+model.Thousands(model.SlotBudget)+" slots over the services, "+strconv.Itoa(model.MinSlots)+" to "+strconv.Itoa(model.DefaultSlots)+" each, and twice a service's replicas)")
	fs.BoolVar(&f.swarm, "swarm", false, "address servers as tasks.<service>")
	fs.StringVar(&f.format, "format", "cfg", "output `FORMAT`: cfg (haproxy.cfg), json (the model), routes (a table) or report (what became of each label: router, middleware, variable, for a migration)")
	fs.StringVar(&f.template, "template", "", "render haproxy.cfg with the text/template in `FILE` (sprig functions) instead of the default")
	fs.BoolVar(&f.printTemplate, "print-template", false, "print the default template and exit")
	fs.StringVar(&f.hostMap, "map", "", "write the routes of hosts, paths and wildcards to the HAProxy map `FILE` and look them up there; none: never (default: with -o and at least 16 such routes, beside the config as NAME.map)")
	fs.StringVar(&f.runtimeDir, "runtime-dir", "", "HAProxy's directory `DIR` in the proxy container for its runtime socket and the server state a reload starts from")
	f.declareFeatures(fs)
	fs.BoolVar(&f.check, "check", false, "run haproxy -c -dW on the result before writing")
	fs.BoolVar(&f.diff, "diff", false, "print a unified diff against the existing -o file; exit 1 when they differ; write nothing")
	fs.StringVar(&f.haproxy, "haproxy", "haproxy", "haproxy binary `PATH` for --check")
	fs.BoolVar(&f.strict, "strict", false, "treat warnings as errors, compose's own included")
	fs.BoolVar(&f.version, "version", false, "print the version and exit")
	fs.BoolVarP(&f.help, "help", "h", false, "print the flags and exit")
	return fs
}

// optionFlags spells the model's options as this CLI's flags.
var optionFlags = map[model.Option]string{
	model.OptionDomains: "--domain", model.OptionProdLine: "--prod-line", model.OptionAll: "--all", model.OptionSwarm: "--swarm",
	model.OptionSlots: "--slots", model.OptionHTTP: "--bind", model.OptionStats: "--stats",
	model.OptionHTTPS: "--tls-bind", model.OptionCerts: "--tls", model.OptionHTTPSPort: "--https-port",
	model.OptionResolvers: "--resolver", model.OptionHostMap: "--map", model.OptionRuntimeDir: "--runtime-dir", model.OptionDNSRate: "--dns-rate",
	model.OptionTrustedProxies: "--trusted-proxy", model.OptionStatsAuth: "--stats-auth", model.OptionAcceptProxy: "--accept-proxy",
	model.OptionStrict: "--strict", model.OptionTemplate: "--template",
}

func spellOption(o model.Option) string {
	if f, ok := optionFlags[o]; ok {
		return f
	}
	if f, ok := featureOptionFlags[o]; ok {
		return f
	}
	return string(o)
}

// usageError is a wrong command line, printed in the style of the model's
// diagnostics: "error: --flag=value: what (fix)".
type usageError struct {
	flag, value string // value: "" prints the flag alone
	msg, fix    string
}

func (e usageError) Error() string {
	d := model.Diagnostic{Severity: model.Error, Key: e.flag, Value: e.value, Message: e.msg, Fix: e.fix}
	if e.value == "" && e.flag != "" {
		d.Key, d.Message = "", e.flag+": "+e.msg
	}
	return d.String()
}

const seeHelp = "see compose2haproxy --help"

// parseFlags reads args. Errors are usageErrors; --help is pflag.ErrHelp.
func parseFlags(args []string) (flags, *pflag.FlagSet, error) {
	var f flags
	flagset := flagSet(&f)
	err := flagset.Parse(args)
	var notExist *pflag.NotExistError
	var needsValue *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.Is(err, pflag.ErrHelp):
		return f, flagset, err
	case errors.As(err, &invalid):
		msg := invalid.Unwrap().Error()
		if invalid.GetFlag().Value.Type() == "int" {
			msg = "not a whole number"
		}
		return f, flagset, usageError{"--" + invalid.GetFlag().Name, invalid.GetValue(), msg, seeHelp}
	case errors.As(err, &needsValue):
		return f, flagset, usageError{"--" + needsValue.GetFlag().Name, "", "needs a value", seeHelp}
	case errors.As(err, &notExist), err != nil:
		return f, flagset, usageError{msg: err.Error(), fix: seeHelp}
	case f.help:
		return f, flagset, pflag.ErrHelp
	}
	f.projects = flagset.Args()
	if err := f.validateProjects(func(name string) bool { return flagset.Changed(name) }); err != nil {
		return f, flagset, err
	}
	return f, flagset, f.validate()
}

// validate checks what pflag cannot: values and combinations. The values
// that are the model's options are the model's to check.
func (f flags) validate() error {
	for _, name := range f.env {
		if err := checkEnvName(name); err != nil {
			return err
		}
	}
	switch {
	case f.format != "cfg" && f.format != "json" && f.format != "routes" && f.format != "report":
		return usageError{"--format", f.format, "not a format", "use cfg, json, routes or report"}
	case f.format == "report" && (f.output != "" || f.hostMap != "" || f.diff):
		return usageError{"--format", f.format, "writes the migration report to stdout, and goes with none of -o, --map and --diff", ""}
	case f.diff && f.output == "":
		return usageError{"--diff", "", "compares with the -o file", "add -o FILE"}
	case f.check && f.format != "cfg":
		return usageError{"--check", "", "validates haproxy.cfg, and does not go with --format " + f.format, ""}
	case f.template != "" && f.format != "cfg":
		return usageError{"--template", f.template, "renders haproxy.cfg, and does not go with --format " + f.format, ""}
	case f.dnsRate < 1 || f.dnsRate > model.MaxDNSRate:
		return usageError{"--dns-rate", strconv.Itoa(f.dnsRate), "is out of range", fmt.Sprintf("give a number of queries a second from 1 to %d; the default is %d", model.MaxDNSRate, model.DefaultDNSRate)}
	case f.hostMap != "" && f.hostMap != noMap && f.output == "" && !f.diff && f.format == "cfg":
		return usageError{"--map", f.hostMap, "writes a second file", "add -o FILE for the config"}
	}
	return f.features.validate()
}

// checkEnvName accepts a variable name for --env. A value is refused: on
// the command line it would be recorded in the config's header and seen by
// ps.
func checkEnvName(name string) error {
	if k, _, ok := strings.Cut(name, "="); ok && validEnvName(k) {
		return usageError{"--env", name, "takes the name of a variable of the environment, not a value",
			fmt.Sprintf("export %s and pass --env %s, or put %s=… in an --env-file", k, k, k)}
	}
	if !validEnvName(name) {
		return usageError{"--env", name, "not a variable name", "letters, digits and _, not starting with a digit"}
	}
	return nil
}

func validEnvName(s string) bool {
	for i, r := range s {
		if r != '_' && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z') && (i == 0 || !('0' <= r && r <= '9')) {
			return false
		}
	}
	return s != ""
}

// toolVersion is what --version and the header report.
func toolVersion() string {
	info, ok := debug.ReadBuildInfo()
	return versionOf(version, info, ok)
}

// versionOf is the release's -X …/internal/cli.version, else the module
// version that go install …@version stamps into the binary, else "(devel)".
func versionOf(ldflags string, info *debug.BuildInfo, ok bool) string {
	switch {
	case ldflags != "":
		return ldflags
	case ok && info.Main.Version != "":
		return info.Main.Version
	}
	return "(devel)"
}

// run is the whole command; Main only wires it to the process.
func run(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f, flagset, err := parseFlags(args)
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprintf(stdout, "usage: compose2haproxy [flags] [PROJECT...]\n\nTurns a Docker Compose project into haproxy.cfg; each PROJECT (a folder or a compose file) is one of several.\n\nFlags:\n%s", flagset.FlagUsages())
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	switch {
	case f.version:
		fmt.Fprintf(stdout, "compose2haproxy %s\n", toolVersion())
		return exitOK
	case f.printTemplate:
		stdout.Write(render.DefaultTemplate())
		return exitOK
	}

	env := envMap(environ)
	// --prod-line sets PROD_LINE, unless --env PROD_LINE takes the
	// environment's (SPEC §2: the environment wins).
	allowed := slices.Clone(f.env)
	if _, set := env["PROD_LINE"]; f.prodLine != "" && !(set && slices.Contains(allowed, "PROD_LINE")) {
		env["PROD_LINE"] = f.prodLine
		allowed = append(allowed, "PROD_LINE")
	}
	var inputs []input
	if f.template != "" {
		inputs = append(inputs, input{"template", f.template})
	}
	if err := f.oneProject(); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInput
	}
	var projects []model.Project
	var place place
	warnings := 0 // compose's own warnings, and the loader's
	if len(f.projects) > 1 {
		lps, code, n := loadProjects(ctx, f, env, allowed, stderr, &inputs)
		if code != exitOK {
			return code
		}
		warnings = n
		domain, err := projectDomains(lps)
		if err != nil && len(f.domains) == 0 {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		env = map[string]string{"HAPROXY_DOMAIN": domain}
		if place, projects, err = placeOfProjects(f, lps); err != nil {
			fmt.Fprintf(stderr, "error: finding the working directory: %v\n", err)
			return exitInput
		}
	} else {
		project, n, code := loadOne(ctx, f, env, allowed, stdin, stderr, &inputs, &env)
		if code != exitOK {
			return code
		}
		warnings = n
		var err error
		if place, err = placeOf(f, project, inputs); err != nil {
			fmt.Fprintf(stderr, "error: finding the project directory: %v\n", err)
			return exitInput
		}
		projects = []model.Project{project}
	}
	statsAuth, ds := statsUsers(projects[0], f.statsAuth, func(path string) { inputs = append(inputs, input{"users file", path}) })
	if ds = append(ds, checkOutputs(f, inputs)...); len(ds) > 0 {
		for _, d := range ds {
			fmt.Fprintln(stderr, d)
		}
		return exitUsage
	}

	domains := f.domains
	if len(domains) == 0 && env["HAPROXY_DOMAIN"] != "" {
		domains = strings.Split(env["HAPROXY_DOMAIN"], ":")
	}
	checkBin := ""
	if f.check {
		checkBin = f.haproxy
	}
	features, err := f.features.features(ctx, checkBin, f.tls)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	opts := model.Options{
		Version: toolVersion(), Command: place.commandLine(flagset), Domains: domains, ProdLine: f.prodLine, All: f.all, Swarm: f.swarm, Slots: f.slots,
		Listen:    model.Listen{HTTP: f.bind, Stats: f.stats, HTTPS: f.tlsBind, Certs: f.tls, HTTPSPort: f.httpsPort, AcceptProxy: f.acceptProxy},
		Resolvers: f.resolvers, DNSRate: f.dnsRate, HostMap: f.mapRef(), RuntimeDir: f.runtimeDir,
		TrustedProxies: f.trustedProxy, StatsAuth: statsAuth, Features: features,
		Dialects: all.Dialects(),
	}
	var items []model.ReportItem
	var cfg model.Config
	var diags model.Diagnostics
	if f.format == "report" {
		cfg, diags, items = model.BuildReport(projects, opts)
	} else {
		cfg, diags = model.BuildProjects(projects, opts)
	}
	if f.autoMap() && render.MappedRoutes(cfg) < autoMapRoutes {
		cfg.HostMap = "" // a small project stays one readable file
	}
	if f.strict {
		diags = diags.Strict()
	}
	for _, d := range diags {
		fmt.Fprintln(stderr, d.Spell(spellOption))
	}
	if f.format == "report" {
		return report(items, diags, f.strict && warnings > 0, stdout, stderr)
	}
	if diags.HasErrors() || f.strict && warnings > 0 {
		fmt.Fprintf(stderr, "compose2haproxy: %d problem(s); nothing written\n", len(diags)+warnings)
		if diags.BadOption() {
			return exitUsage
		}
		return exitInput
	}

	outputs, err := produce(cfg, f)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInput
	}
	if f.check {
		if code := check(ctx, f.haproxy, cfg, f.template, f.output, stderr); code != exitOK {
			return code
		}
	}
	if f.diff {
		return diff(outputs, stdout, stderr)
	}
	if err := writePlaceholders(f.features.acmePlaceholders, cfg.ACME); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInput
	}
	if f.output == "" {
		if _, err := stdout.Write(outputs[0].data); err != nil {
			fmt.Fprintf(stderr, "error: writing output: %v\n", err)
			return exitInput
		}
		return exitOK
	}
	// The map goes first, so a config is never on disk without its map.
	slices.Reverse(outputs)
	if err := writeAll(outputs); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInput
	}
	return exitOK
}

// loadOne loads the one project of the run, from -f, --project-directory
// or the working directory, and returns it with the number of compose's
// warnings; *env becomes the environment its .env resolved.
func loadOne(ctx context.Context, f flags, env map[string]string, allowed []string, stdin io.Reader, stderr io.Writer, inputs *[]input, resolved *map[string]string) (model.Project, int, int) {
	var composeWarnings bytes.Buffer
	project, err := loader.Load(ctx, loader.Options{
		Files: f.files, ProjectName: f.projectName, WorkingDir: f.projectDir,
		EnvFiles: f.envFiles, Profiles: f.profiles, Environ: env, Allowed: allowed, Stdin: stdin, Warnings: &composeWarnings,
		Read:     func(what, path string) { *inputs = append(*inputs, input{what, path}) },
		Resolved: func(e map[string]string) { *resolved = e },
	})
	// compose's own warnings (an unset variable) are problems like the
	// model's: errors with --strict.
	warnings := strings.SplitAfter(strings.TrimSuffix(composeWarnings.String(), "\n"), "\n")
	if composeWarnings.Len() == 0 {
		warnings = nil
	}
	for _, w := range warnings {
		if f.strict {
			w = "error:" + strings.TrimPrefix(w, "warning:")
		}
		io.WriteString(stderr, strings.TrimSuffix(w, "\n")+"\n")
	}
	if err != nil {
		// compose-go joins several errors with line breaks: one line each.
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "error: %s\n", line)
		}
		if errors.Is(err, fs.ErrNotExist) && len(f.files) == 0 && !errors.Is(err, loader.ErrEnvFile) {
			fmt.Fprintln(stderr, "hint: pass the compose file with -f, or run in its directory")
		}
		return model.Project{}, 0, exitInput
	}
	return project, len(warnings), exitOK
}

// report prints the migration report (--format report) to stdout. It
// exits 1 when an item is refused or the project has another error (or,
// with --strict, a warning: a difference counts then), else 0.
func report(items []model.ReportItem, diags model.Diagnostics, strictWarnings bool, stdout, stderr io.Writer) int {
	for i := range items {
		notes := make(model.Diagnostics, len(items[i].Notes))
		for j, d := range items[i].Notes {
			notes[j] = d.Spell(spellOption)
		}
		items[i].Notes = notes
		items[i].Detail = model.SpellRefs(items[i].Detail, spellOption)
	}
	spelled := make(model.Diagnostics, len(diags))
	for i, d := range diags {
		spelled[i] = d.Spell(spellOption)
	}
	if _, err := stdout.Write(render.Report(items, spelled)); err != nil {
		fmt.Fprintf(stderr, "error: writing output: %v\n", err)
		return exitInput
	}
	if model.Refuses(items) || diags.HasErrors() || strictWarnings {
		refused := 0
		for _, it := range items {
			if it.Outcome == model.Refused {
				refused++
			}
		}
		fmt.Fprintf(stderr, "compose2haproxy: %d item(s) refused, %d problem(s); no config written\n", refused, len(diags))
		return exitInput
	}
	return exitOK
}

// output is one file the run produces: the config (first), then the map.
type output struct {
	path string // empty: stdout
	data []byte
}

// produce renders cfg in the chosen format.
func produce(cfg model.Config, f flags) ([]output, error) {
	var data []byte
	var err error
	switch f.format {
	case "json":
		data, err = render.JSON(cfg)
	case "routes":
		data = render.Routes(cfg)
	default:
		data, err = renderConfig(cfg, f.template)
	}
	if err != nil {
		return nil, err
	}
	outs := []output{{f.output, data}}
	if cfg.HostMap != "" && f.format == "cfg" {
		outs = append(outs, output{f.mapFile(), render.HostMap(cfg)})
	}
	return outs, nil
}

// noMap is the --map value that keeps every route in the config.
const noMap = "none"

// autoMapRoutes is the number of routes the map would take out of the
// frontend from which it is written by default: each use_backend rule
// HAProxy tries costs a request about 0.6% of the time a single host's
// takes (docs/performance.md), so 16 rules cost about 10%.
const autoMapRoutes = 16

// autoMap reports whether the host map is the default's to choose: no
// --map, a config written to a file with the default template, and no
// relative --tls directory, whose meaning the map's "default-path config"
// would change.
func (f flags) autoMap() bool {
	return f.hostMap == "" && f.output != "" && f.format == "cfg" && f.template == "" &&
		(f.tls == "" || filepath.IsAbs(f.tls))
}

// mapFile is where the host map is written: --map's file, or by default
// NAME.map beside -o's NAME.cfg; empty: none.
func (f flags) mapFile() string {
	switch {
	case f.hostMap == noMap:
		return ""
	case f.hostMap != "":
		return f.hostMap
	case f.autoMap():
		return filepath.Join(filepath.Dir(f.output), f.mapRef())
	}
	return ""
}

// mapRef is the map's path as the config names it: --map's as given, or
// by default the file's name alone, which "default-path config" reads
// beside the config wherever HAProxy finds it.
func (f flags) mapRef() string {
	switch {
	case f.hostMap == noMap:
		return ""
	case f.hostMap != "":
		return f.hostMap
	case f.autoMap():
		name := filepath.Base(f.output)
		if filepath.Ext(name) == ".map" {
			return name + ".hosts.map"
		}
		return strings.TrimSuffix(name, filepath.Ext(name)) + ".map"
	}
	return ""
}

// renderConfig renders haproxy.cfg with the default template or the
// user's; a template error names the file and line.
func renderConfig(cfg model.Config, template string) ([]byte, error) {
	if template == "" {
		return render.Config(cfg)
	}
	text, err := os.ReadFile(template)
	if err != nil {
		return nil, fmt.Errorf("reading the template: %w", err)
	}
	return render.Template(cfg, template, text)
}

// envMap turns KEY=VALUE pairs into a map; later pairs win, as in exec.
func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// statsUsers finds the users --stats-auth names: secret:NAME is the
// compose secret NAME, a path with a '/' (./stats.users) a file. A bare
// NAME is a usage error: anyone who can edit the compose files can declare
// a secret, and one named as the operator's users file must not take its
// place. nil when the flag is not given.
func statsUsers(project model.Project, arg string, read func(path string)) (*model.Secret, model.Diagnostics) {
	if arg == "" {
		return nil, nil
	}
	refuse := func(msg, fix string) (*model.Secret, model.Diagnostics) {
		return nil, model.Diagnostics{{Severity: model.Error, Key: "--stats-auth", Value: arg, Message: msg, Fix: fix}}
	}
	secret := func(name string) *model.Secret {
		for i := range project.Secrets {
			if project.Secrets[i].Name == name {
				return &project.Secrets[i]
			}
		}
		return nil
	}
	name, isSecret := strings.CutPrefix(arg, "secret:")
	switch {
	case isSecret && name == "":
		return refuse("names no compose secret", "write secret:NAME")
	case isSecret && secret(name) == nil:
		return refuse("there is no compose secret "+name, "declare it under the top-level secrets: key, or give a file as ./"+name)
	case isSecret:
		return secret(name), nil
	case !strings.Contains(arg, "/"):
		return refuse("names neither a compose secret nor a file: a secret is secret:NAME, a file a path", "write secret:"+arg+" for the compose secret, or ./"+arg+" for the file")
	}
	if abs, err := filepath.Abs(arg); err == nil {
		read(abs)
	}
	sec := loader.ReadUsersFile(arg)
	return &sec, nil
}
