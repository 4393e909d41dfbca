package config

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"unicode"

	"github.com/Masterminds/sprig/v3"
)

// DefaultRuleTemplate is providers.docker.defaultRule's default (Traefik's
// docker.DefaultTemplateRule).
const DefaultRuleTemplate = "Host(`{{ normalize .Name }}`)"

// Normalize is Traefik's provider.Normalize: runs of characters that are
// neither letters nor digits become one "-", and none lead or trail.
func Normalize(name string) string {
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}), "-")
}

// ServiceName is the name Traefik's Docker provider gives a container: with
// both com.docker.compose.project and .service labels (as compose sets
// them), Normalize(service + "_" + project), so service "web" of project
// "blog" is "web-blog"; otherwise Normalize(container name). In Swarm mode
// it is Normalize of the swarm service's name ("blog_web" → "blog-web").
// This name is the default service's and the default router's, and .Name in
// the default rule.
func ServiceName(project, service, containerName string) string {
	if project != "" && service != "" {
		return Normalize(service + "_" + project)
	}
	return Normalize(containerName)
}

// RuleData is what a defaultRule template sees, as in Traefik.
type RuleData struct {
	Name          string            // ServiceName's result
	ContainerName string            // without the leading "/"
	Labels        map[string]string // the container's labels
}

// safeFuncs are the template functions offered: Traefik's "normalize" and
// the sprig functions that cost at most their input. Others (repeat, until,
// env, crypto…) are refused with a message rather than run.
var safeFuncs = []string{
	"lower", "upper", "title", "trim", "trimAll", "trimPrefix", "trimSuffix", "replace",
	"default", "empty", "coalesce", "ternary", "contains", "hasPrefix", "hasSuffix",
	"split", "splitList", "join", "first", "last", "list", "dict", "get", "hasKey",
	"regexMatch", "regexFind", "regexReplaceAll", "regexReplaceAllLiteral", "substr", "trunc",
	"quote", "squote", "toString", "kebabcase", "snakecase", "camelcase", "nospace", "cat",
}

const maxRuleBytes = 16 << 10

func ruleFuncs() template.FuncMap {
	all := sprig.TxtFuncMap()
	fm := template.FuncMap{}
	for name := range all {
		fm[name] = refused(name)
	}
	for _, name := range safeFuncs {
		if f, ok := all[name]; ok {
			fm[name] = f
		}
	}
	fm["normalize"] = Normalize
	return fm
}

// ruleFuncMap is ruleFuncs' map, made once: sprig makes its map anew on
// every call, and Funcs checks every function of it by reflection.
var ruleFuncMap = sync.OnceValue(ruleFuncs)

// lastRule is the defaultRule template parsed last: a project has one,
// which every container without a rule of its own executes. Only the last
// is kept, so that many templates (a fuzzer's) do not pile up.
var lastRule atomic.Pointer[parsedRule]

type parsedRule struct {
	text string
	t    *template.Template
}

// parseRule parses a defaultRule template, or returns the one parsed last
// if it is the same text (a template executes concurrently as well).
func parseRule(tpl string) (*template.Template, error) {
	if last := lastRule.Load(); last != nil && last.text == tpl {
		return last.t, nil
	}
	t, err := template.New("defaultRule").Funcs(ruleFuncMap()).Parse(tpl)
	if err != nil {
		return nil, err
	}
	lastRule.Store(&parsedRule{text: tpl, t: t})
	return t, nil
}

func refused(name string) func(...any) (string, error) {
	return func(...any) (string, error) {
		return "", fmt.Errorf("template function %q is not supported by this tool", name)
	}
}

// RenderDefaultRule executes a defaultRule template as Traefik does (Go
// text/template with sprig functions and normalize). An error, or an empty
// result, makes Traefik drop every router that relies on the default rule.
func RenderDefaultRule(tpl string, data RuleData) (string, error) {
	if len(tpl) > maxRuleBytes {
		return "", fmt.Errorf("defaultRule longer than %d bytes: %w", maxRuleBytes, ErrLimit)
	}
	t, err := parseRule(tpl)
	if err != nil {
		return "", fmt.Errorf("parsing defaultRule: %w", err)
	}
	w := &capped{max: maxRuleBytes}
	if err := t.Execute(w, data); err != nil {
		return "", fmt.Errorf("executing defaultRule: %w", err)
	}
	return w.b.String(), nil
}

type capped struct {
	b   strings.Builder
	max int
}

var errTooLong = errors.New("defaultRule output too long")

func (c *capped) Write(p []byte) (int, error) {
	if c.b.Len()+len(p) > c.max {
		return 0, fmt.Errorf("%w (over %d bytes): %w", errTooLong, c.max, ErrLimit)
	}
	return c.b.Write(p)
}

// ApplyDefaults completes the labels as Traefik's Docker provider does
// after decoding (docker/config.go build, provider.BuildRouterConfiguration),
// for a container that Traefik keeps (Exposed and matching constraints):
//
//   - TCP (UDP): when routers or services are declared but no service, a
//     service named name is created; a TCP router without rule is dropped
//     ("Empty rule"); a router without service gets the only service, and is
//     dropped when there are several.
//   - HTTP, unless the labels declare TCP or UDP and nothing HTTP: with no
//     HTTP service, a service named name is created; with no router, a
//     router named name is created, unless there are several services (then
//     no router at all). Every router without a rule gets defaultRule
//     (DefaultRule set); an empty defaultRule (or one that failed to render)
//     drops the router. A router without service gets the only service, and
//     is dropped when there are several.
//
// name is ServiceName's result; defaultRule is RenderDefaultRule's. A created
// service has no port: Traefik then uses the container's lowest exposed
// port (see ServerPort). Dropped routers are reported as errors, as Traefik
// logs them.
func (l *Labels) ApplyDefaults(name string, defaultRule func() string) Diagnostics {
	var ds Diagnostics
	at := Origin{Source: "default", Key: name}
	if len(l.TCP.Routers)+len(l.TCP.Services) > 0 {
		if len(l.TCP.Services) == 0 {
			l.TCP.Services[name] = &TCPService{Name: name, Default: true}
		}
		for rn, r := range l.TCP.Routers {
			if r.Rule.String() == "" {
				ds.add(Error, r.Node.Origin, "", "TCP router %q has no rule: Traefik drops it (\"Empty rule\")", rn)
				delete(l.TCP.Routers, rn)
				continue
			}
			if r.Service == nil {
				s, msg := only(keys(l.TCP.Services))
				if msg != "" {
					ds.add(Error, r.Node.Origin, "", "TCP router %q has no service and %s: Traefik drops it; set traefik.tcp.routers.%s.service", rn, msg, rn)
					delete(l.TCP.Routers, rn)
					continue
				}
				r.Service = synth("service", s, "the container's only TCP service")
			}
		}
	}
	if len(l.UDP.Routers)+len(l.UDP.Services) > 0 {
		if len(l.UDP.Services) == 0 {
			l.UDP.Services[name] = &UDPService{Name: name, Default: true}
		}
		for rn, r := range l.UDP.Routers {
			if r.Service == nil {
				s, msg := only(keys(l.UDP.Services))
				if msg != "" {
					ds.add(Error, r.Node.Origin, "", "UDP router %q has no service and %s: Traefik drops it; set traefik.udp.routers.%s.service", rn, msg, rn)
					delete(l.UDP.Routers, rn)
					continue
				}
				r.Service = synth("service", s, "the container's only UDP service")
			}
		}
	}
	if !l.HasHTTP() {
		ds.Sort()
		return ds
	}
	if len(l.HTTP.Services) == 0 {
		l.HTTP.Services[name] = &Service{Name: name, Default: true}
	}
	if len(l.HTTP.Routers) == 0 {
		if len(l.HTTP.Services) > 1 {
			ds.add(Note, at, "", "no router declared and %d services: Traefik creates no router for this container", len(l.HTTP.Services))
		} else {
			l.HTTP.Routers[name] = &Router{Name: name, Default: true, Node: &Node{Name: name, Origin: at, kind: gSection}}
		}
	}
	for rn, r := range l.HTTP.Routers {
		if r.Rule.String() == "" {
			rule := defaultRule()
			if rule == "" {
				ds.add(Error, r.Node.Origin, "", "router %q has no rule and the default rule is empty or failed: Traefik drops it; set traefik.http.routers.%s.rule", rn, rn)
				delete(l.HTTP.Routers, rn)
				continue
			}
			r.Rule, r.DefaultRule = synth("rule", rule, "providers.docker.defaultRule"), true
		}
		if r.Service == nil {
			s, msg := only(keys(l.HTTP.Services))
			if msg != "" {
				ds.add(Error, r.Node.Origin, "", "router %q has no service and %s: Traefik drops it; set traefik.http.routers.%s.service", rn, msg, rn)
				delete(l.HTTP.Routers, rn)
				continue
			}
			r.Service = synth("service", s, "the container's only service")
		}
	}
	ds.Sort()
	return ds
}

// ServerPort is the port Traefik sends to: the declared server.port, else
// the container's lowest exposed port (Traefik's getPort). ok is false when
// there is neither; Traefik then logs "port is missing" and drops the whole
// container, not only the service.
func ServerPort(declared *Node, exposed []int) (port int, ok bool) {
	if declared != nil {
		return int(declared.Int()), true
	}
	for _, p := range exposed {
		if p > 0 && (!ok || p < port) {
			port, ok = p, true
		}
	}
	return port, ok
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func only(names []string) (string, string) {
	if len(names) == 1 {
		return names[0], ""
	}
	sortStrings(names)
	return "", fmt.Sprintf("%d services (%s)", len(names), strings.Join(names, ", "))
}
