package traefik

import (
	"fmt"
	"maps"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/rule"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// redirect is what sends the plain requests of the HTTP listener to https
// before the routers of a lower priority see them: the entry point's
// http.redirections, or a catch-all router of the Traefik service whose
// first middleware is a redirectScheme to https (v2's http-catchall:
// HostRegexp(`{host:.+}`) on the web entry point).
type redirect struct {
	what      string         // for messages: "entry point web", "router http-catchall"
	hosts     *regexp.Regexp // the hosts it takes, as Traefik matches them; nil: any host
	pattern   string         // hosts' source, for messages
	priority  int64
	permanent bool
	src       model.Source
	ep        *config.EntryPoint // the entry point's redirection; nil for a router
}

// findCatchAlls finds the routers of the Traefik service's labels that
// only redirect plain HTTP to https: on the shared HTTP listener only,
// without tls, a rule that takes any host and path (or the hosts of a
// pattern), and a redirectScheme to https as first middleware, which
// answers every plain request it gets. They are converted as the entry
// point redirection is (applyListeners), not refused as routes to
// Traefik itself.
func (pr *project) findCatchAlls() {
	if pr.traefik == nil || pr.assumed {
		return
	}
	svc := pr.traefik
	provider := pr.provider(svc)
	if provider == nil {
		return
	}
	tl, _, err := pr.decode(svc)
	if err != nil || tl == nil || pr.leftOut(svc, tl, provider) != "" {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(tl.HTTP.Routers)) {
		if rd := pr.catchAll(svc, tl.HTTP.Routers[name]); rd != nil {
			pr.catchAlls = append(pr.catchAlls, rd)
		}
	}
}

// catchAll is r as a redirect, or nil when it is not one.
func (pr *project) catchAll(svc *model.Service, r *config.Router) *redirect {
	if r.TLS != nil || !r.Rule.Set() {
		return nil
	}
	eps := r.EntryPoints.List()
	if len(eps) == 0 {
		eps = pr.static.DefaultEntryPoints()
	}
	for _, ep := range eps {
		if l, why := pr.entryPoint(ep); why != "" || !l.shared || l.tls || l.ep != nil && l.ep.TLS != nil {
			return nil
		}
	}
	parsed, why, _ := pr.parseRule(r.Rule.String(), r.RuleSyntax, false, rule.HTTP, "")
	if why != "" {
		return nil
	}
	branches, err := parsed.Translate()
	if err != nil || len(branches) != 1 {
		return nil
	}
	c := branches[0]
	if p := c.Path; p != nil && (p.Pattern != nil || p.Exact != "" || p.Prefix != "/") ||
		len(c.Methods)+len(c.Headers)+len(c.Queries)+len(c.ClientIP)+len(c.ALPN)+len(c.Also)+len(c.Not) > 0 {
		return nil
	}
	rd := &redirect{what: "router " + r.Name, priority: int64(parsed.DefaultPriority()), src: nodeSource(svc, r.Rule)}
	if r.Priority != nil {
		rd.priority = r.Priority.Int()
	}
	if h := c.Host; h != nil {
		if h.Pattern == nil || h.Wildcard != "" {
			return nil // names: a redirect of a few hosts, not converted
		}
		if !anyHost(h.Pattern.Source) {
			re, err := regexp.Compile(h.Pattern.Source)
			if err != nil {
				return nil
			}
			rd.hosts, rd.pattern = re, h.Pattern.Source
		}
	}
	mws := r.Middlewares.List()
	if len(mws) == 0 {
		return nil
	}
	name, provider, _ := strings.Cut(mws[0], "@")
	defined := pr.middleware
	switch strings.ToLower(provider) {
	case "", "docker", "swarm":
	case "file":
		defined = pr.fileMiddleware
	default:
		return nil
	}
	def, ok := defined[strings.ToLower(name)]
	if !ok || !strings.EqualFold(def.m.Type, "redirectScheme") {
		return nil
	}
	opts := def.m.Options
	if !strings.EqualFold(opts.Child("scheme").String(), "https") {
		return nil
	}
	if port := opts.Child("port"); port.Set() && port.String() != strconv.Itoa(pr.httpsPort) {
		return nil
	}
	for _, o := range opts.Entries() {
		switch strings.ToLower(o.Name) {
		case "scheme", "port", "permanent":
		default:
			return nil // a setting the middleware's own conversion refuses
		}
	}
	rd.permanent = opts.Child("permanent").Bool()
	pr.item(def.service, def.kind(), def.m.Name).used = true
	return rd
}

// anyHost reports whether a HostRegexp's pattern (as Traefik compiles it)
// matches every host name: .+ or .* (v2's {host:.+}), anchored or not,
// in groups or not.
func anyHost(src string) bool {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return false
	}
	re = re.Simplify()
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op == syntax.OpConcat {
		subs := re.Sub
		for len(subs) > 0 && (subs[0].Op == syntax.OpBeginText || subs[0].Op == syntax.OpBeginLine) {
			subs = subs[1:]
		}
		for len(subs) > 0 && (subs[len(subs)-1].Op == syntax.OpEndText || subs[len(subs)-1].Op == syntax.OpEndLine) {
			subs = subs[:len(subs)-1]
		}
		if len(subs) != 1 {
			return false
		}
		re = subs[0]
		for re.Op == syntax.OpCapture {
			re = re.Sub[0]
		}
	}
	switch re.Op {
	case syntax.OpEmptyMatch:
		return true
	case syntax.OpStar, syntax.OpPlus:
		return anyChar(re.Sub[0])
	}
	return false
}

// redirects are the project's redirects of the HTTP listener, the
// highest priority first.
func (pr *project) redirects() []*redirect {
	var out []*redirect
	if ep := pr.redirectsToHTTPS(); ep != nil {
		out = append(out, &redirect{what: "entry point " + ep.Name, priority: ep.Redirect.PriorityOrDefault(), permanent: ep.Redirect.Permanent.Bool(),
			src: pr.staticSource(ep.Redirect.To.Origin), ep: ep})
	}
	out = append(out, pr.catchAlls...)
	slices.SortStableFunc(out, func(a, b *redirect) int { return -cmpInt(a.priority, b.priority) })
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// redirectOf is the redirect Traefik sends rt's plain requests to: the
// first, by priority, that takes its hosts, if it comes before rt (rt
// takes no plain request, or has a lower priority). why is set when a
// redirect takes some of its hosts and not the others.
func (pr *project) redirectOf(rt *route) (rd *redirect, why string) {
	for _, r := range pr.redirects() {
		switch takes, some := r.takes(rt.hosts); {
		case some != "":
			return nil, fmt.Sprintf("%s redirects plain requests for %s to https and not for the route's other hosts, which is not converted: give those a router of their own", r.what, some)
		case !takes:
			continue
		case rt.plain && rt.priority > r.priority:
			return nil, "" // rt comes first, and every redirect after it
		}
		return r, ""
	}
	return nil, ""
}

// takes reports whether r redirects the plain requests for every one of
// hosts (nil: any host); some names one it takes when it does not take
// them all.
func (r *redirect) takes(hosts []string) (all bool, some string) {
	if r.hosts == nil {
		return true, ""
	}
	var in, out []string
	for _, h := range hosts {
		if !strings.HasPrefix(h, "*.") && r.hosts.MatchString(h) {
			in = append(in, h)
		} else {
			out = append(out, h)
		}
	}
	switch {
	case len(hosts) > 0 && len(out) == 0:
		return true, ""
	case len(in) > 0:
		return false, in[0]
	case len(hosts) == 0:
		return false, "some hosts (HostRegexp(" + r.pattern + "))"
	}
	return false, ""
}
