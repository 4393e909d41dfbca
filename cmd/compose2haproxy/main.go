package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/compose2haproxy/compose2haproxy/loader"
	"github.com/compose2haproxy/compose2haproxy/model"
	"github.com/compose2haproxy/compose2haproxy/render"
)

// version is set at release time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes, as documented in the README.
const (
	exitOK       = 0
	exitInput    = 1 // the input is wrong, or --diff found a difference
	exitUsage    = 2
	exitRejected = 3 // haproxy -c rejected the result
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// flags holds the command line; zero values mean the documented defaults.
type flags struct {
	files         []string
	projectName   string
	projectDir    string
	envFiles      []string
	profiles      []string
	output        string
	domains       []string
	prodLine      string
	all           bool
	bind          string
	stats         string
	tls           string
	tlsBind       string
	httpsPort     int
	resolvers     []string
	slots         int
	swarm         bool
	check         bool
	diff          bool
	format        string
	template      string
	hostMap       string
	printTemplate bool
	haproxy       string
	strict        bool
	version       bool
}

func parseFlags(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := pflag.NewFlagSet("compose2haproxy", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and usage are printed below, once
	fs.SortFlags = false
	fs.StringArrayVarP(&f.files, "file", "f", nil, "compose file, repeatable, merged in order; - reads stdin")
	fs.StringVarP(&f.projectName, "project-name", "p", "", "project name")
	fs.StringVar(&f.projectDir, "project-directory", "", "working directory of the project")
	fs.StringArrayVar(&f.envFiles, "env-file", nil, "environment file, repeatable")
	fs.StringArrayVar(&f.profiles, "profile", nil, "profile to enable, repeatable")
	fs.StringVarP(&f.output, "output", "o", "", "write the config to this file, atomically (default stdout)")
	fs.StringArrayVar(&f.domains, "domain", nil, "base domain, repeatable (default from HAPROXY_DOMAIN, ':'-separated)")
	fs.StringVar(&f.prodLine, "prod-line", "", "production line appended to every routed name; sets PROD_LINE")
	fs.BoolVar(&f.all, "all", false, "route every service with a TCP port")
	fs.StringVar(&f.bind, "bind", ":80", "HTTP listener address")
	fs.StringVar(&f.tls, "tls", "", "directory of PEM files (certificate and key); adds an HTTPS listener")
	fs.StringVar(&f.tlsBind, "tls-bind", "", "HTTPS listener address with --tls (default :443)")
	fs.IntVar(&f.httpsPort, "https-port", 0, "the port clients reach HTTPS on, for redirects, when a port mapping differs (default: --tls-bind's port)")
	fs.StringVar(&f.stats, "stats", ":8404", "stats page listener (at /stats); empty disables")
	fs.StringArrayVar(&f.resolvers, "resolver", nil, "nameserver address, repeatable (default 127.0.0.11:53)")
	fs.IntVar(&f.slots, "slots", model.DefaultSlots, "default server-template size")
	fs.BoolVar(&f.swarm, "swarm", false, "address servers as tasks.<service>")
	fs.StringVar(&f.format, "format", "cfg", "output: cfg (haproxy.cfg), json (the model) or routes (a table)")
	fs.StringVar(&f.template, "template", "", "render haproxy.cfg with this text/template (sprig functions) instead of the default")
	fs.BoolVar(&f.printTemplate, "print-template", false, "print the default template and exit")
	fs.StringVar(&f.hostMap, "map", "", "write exact hosts to this HAProxy map file and look them up there (for thousands of hosts)")
	fs.BoolVar(&f.check, "check", false, "run haproxy -c -dW on the result before writing")
	fs.BoolVar(&f.diff, "diff", false, "print a unified diff against the existing -o file; exit 1 when they differ; write nothing")
	fs.StringVar(&f.haproxy, "haproxy", "haproxy", "haproxy binary for --check")
	fs.BoolVar(&f.strict, "strict", false, "treat warnings as errors")
	fs.BoolVar(&f.version, "version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: compose2haproxy [flags]\n\nTurns a Docker Compose project into haproxy.cfg.\n\nFlags:\n%s", fs.FlagUsages())
	}
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q (flags only; name compose files with -f)", fs.Arg(0))
	}
	if err == nil {
		err = f.validate()
	}
	if err != nil && !errors.Is(err, pflag.ErrHelp) {
		fmt.Fprintf(stderr, "compose2haproxy: %v\n", err)
		fs.Usage()
	}
	return f, err
}

// validate checks what pflag cannot: values and combinations.
func (f flags) validate() error {
	switch {
	case f.format != "cfg" && f.format != "json" && f.format != "routes":
		return fmt.Errorf("--format %q: use cfg, json or routes", f.format)
	case f.diff && f.output == "":
		return errors.New("--diff compares with the -o file: add -o FILE")
	case f.check && f.format != "cfg":
		return errors.New("--check validates haproxy.cfg: it does not go with --format " + f.format)
	case f.template != "" && f.format != "cfg":
		return errors.New("--template renders haproxy.cfg: it does not go with --format " + f.format)
	case f.slots < 1:
		// Zero would mean the default to model.Build: say so instead.
		return fmt.Errorf("--slots %d: give a number from 1 to %d; the default is %d", f.slots, model.MaxSlots, model.DefaultSlots)
	case f.hostMap != "" && f.output == "" && !f.diff && f.format == "cfg":
		return errors.New("--map writes a second file: add -o FILE for the config")
	}
	return nil
}

// run is the whole command; main only wires it to the process.
func run(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f, err := parseFlags(args, stderr)
	if errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	switch {
	case f.version:
		fmt.Fprintf(stdout, "compose2haproxy %s\n", version)
		return exitOK
	case f.printTemplate:
		stdout.Write(render.DefaultTemplate())
		return exitOK
	}

	env := envMap(environ)
	if _, set := env["PROD_LINE"]; f.prodLine != "" && !set {
		env["PROD_LINE"] = f.prodLine
	}
	var inputs []input
	if f.template != "" {
		inputs = append(inputs, input{"template", f.template})
	}
	project, err := loader.Load(ctx, loader.Options{
		Files: f.files, ProjectName: f.projectName, WorkingDir: f.projectDir,
		EnvFiles: f.envFiles, Profiles: f.profiles, Environ: env, Stdin: stdin, Warnings: stderr,
		Read: func(what, path string) { inputs = append(inputs, input{what, path}) },
	})
	if err != nil {
		// compose-go joins several errors with line breaks: one line each.
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "error: %s\n", line)
		}
		if errors.Is(err, fs.ErrNotExist) && len(f.files) == 0 {
			fmt.Fprintln(stderr, "hint: pass the compose file with -f, or run in its directory")
		}
		return exitInput
	}

	if ds := checkOutputs(f, inputs); len(ds) > 0 {
		for _, d := range ds {
			fmt.Fprintln(stderr, d)
		}
		return exitUsage
	}

	domains := f.domains
	if len(domains) == 0 && env["HAPROXY_DOMAIN"] != "" {
		domains = strings.Split(env["HAPROXY_DOMAIN"], ":")
	}
	cfg, diags := model.Build(project, model.Options{
		Version: version, Domains: domains, ProdLine: f.prodLine, All: f.all, Swarm: f.swarm, Slots: f.slots,
		Listen:    model.Listen{HTTP: f.bind, Stats: f.stats, HTTPS: f.tlsBind, Certs: f.tls, HTTPSPort: f.httpsPort},
		Resolvers: f.resolvers, HostMap: f.hostMap,
	})
	if f.strict {
		diags = diags.Strict()
	}
	for _, d := range diags {
		fmt.Fprintln(stderr, d)
	}
	if diags.HasErrors() {
		fmt.Fprintf(stderr, "compose2haproxy: %d problem(s); nothing written\n", len(diags))
		if diags.BadFlag() {
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
	if f.hostMap != "" && f.format == "cfg" {
		outs = append(outs, output{f.hostMap, render.HostMap(cfg)})
	}
	return outs, nil
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
