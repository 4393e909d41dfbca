package traefik

import (
	"maps"
	"slices"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/traefik/config"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Kinds of the items of the migration report.
const (
	kindRouter     = "router"
	kindTCPRouter  = "tcp router"
	kindUDPRouter  = "udp router"
	kindMiddleware = "middleware"
	// kindTCPMiddleware: TCP middlewares are a namespace of their own.
	kindTCPMiddleware = "tcp middleware"
	// The file provider's, listed under the Traefik service.
	kindFileRouter     = "file router"
	kindFileMiddleware = "file middleware"
)

// reportItem is an item of the report being recorded.
type reportItem struct {
	model.ReportItem
	used bool // a middleware some router applied
}

// item is the item of the report for a router or middleware of service,
// made on first use.
func (pr *project) item(service, kind, name string) *reportItem {
	if pr.items == nil {
		pr.items = map[string]*reportItem{}
	}
	key := service + "\x00" + kind + "\x00" + strings.ToLower(name)
	it := pr.items[key]
	if it == nil {
		it = &reportItem{ReportItem: model.ReportItem{Dialect: "traefik", Service: service, Kind: kind, Name: name}}
		pr.items[key] = it
	}
	return it
}

// record gives it the diagnostics reported since from: the problems of
// converting it.
func (it *reportItem) record(ds *model.Diagnostics, from int) {
	if len(*ds) > from {
		it.Notes = append(it.Notes, slices.Clone((*ds)[from:])...)
	}
}

// Report says what became of every router and middleware of the
// project's Traefik labels (model.Reporter). Diagnostics the later passes
// of Build reported about a router's labels (ownership, conflicts) are
// its notes too.
func (d Dialect) Report(ds model.Diagnostics) []model.ReportItem {
	pr := d.p
	if pr == nil {
		return nil
	}
	for _, kind := range []struct {
		defined map[string]definedMiddleware
		kind    string
	}{{pr.middleware, kindMiddleware}, {pr.tcpMiddleware, kindTCPMiddleware}, {pr.fileMiddleware, kindFileMiddleware}} {
		for _, name := range slices.Sorted(maps.Keys(kind.defined)) {
			def := kind.defined[name]
			it := pr.item(def.service, kind.kind, def.m.Name)
			if it.Detail == "" {
				it.Detail = def.m.Type
			}
		}
	}
	if pr.file != nil {
		for _, fr := range pr.file.routers {
			if it := pr.item(pr.traefik.Name, kindFileRouter, fr.r.Name); fr.target != "" && !fr.claimed && it.Outcome == "" {
				it.Outcome, it.Detail = model.LeftOut, "its service "+fr.target+" is left out (by another dialect's label)"
			}
		}
	}
	var out []model.ReportItem
	for _, key := range slices.Sorted(maps.Keys(pr.items)) {
		it := pr.items[key]
		switch it.Kind {
		case kindRouter, kindTCPRouter:
			prefix := "traefik.http.routers." + strings.ToLower(it.Name) + "."
			if it.Kind == kindTCPRouter {
				prefix = "traefik.tcp.routers." + strings.ToLower(it.Name) + "."
			}
			for _, dg := range ds {
				if dg.Service == it.Service && strings.HasPrefix(strings.ToLower(dg.Key), prefix) {
					it.Notes = append(it.Notes, dg)
				}
			}
		case kindFileRouter:
			// Its values are named FILE:LINE:http.routers.NAME.KEY, under
			// the service it routes to.
			part := ":http.routers." + strings.ToLower(it.Name) + "."
			for _, dg := range ds {
				if k := strings.ToLower(dg.Key); strings.Contains(k, part) && !slices.ContainsFunc(it.Notes, func(n model.Diagnostic) bool { return n == dg }) {
					it.Notes = append(it.Notes, dg)
				}
			}
		}
		switch {
		case it.Outcome != "":
		case it.Kind == kindMiddleware && !it.used && len(it.Notes) == 0 && pr.named["docker:"+strings.ToLower(it.Name)],
			it.Kind == kindFileMiddleware && !it.used && len(it.Notes) == 0 && pr.named["file:"+strings.ToLower(it.Name)]:
			it.Outcome = model.NotReached
		case (it.Kind == kindMiddleware || it.Kind == kindTCPMiddleware || it.Kind == kindFileMiddleware) && !it.used && len(it.Notes) == 0:
			it.Outcome = model.Unused
		default:
			it.Outcome = model.OutcomeOf(it.Notes)
		}
		out = append(out, it.ReportItem)
	}
	return out
}

// nameMiddlewares records middlewares a router or entry point names,
// as "provider:name"; a name without @provider is def's.
func (pr *project) nameMiddlewares(refs []string, def string) {
	if pr.named == nil {
		pr.named = map[string]bool{}
	}
	for _, ref := range refs {
		name, provider, _ := strings.Cut(ref, "@")
		switch p := strings.ToLower(provider); p {
		case "", "docker", "swarm", "file":
			if p == "" {
				p = def
			}
			if p == "swarm" {
				p = "docker"
			}
			pr.named[p+":"+strings.ToLower(name)] = true
		}
	}
}

// leaveOut records the routers of a service Traefik does not expose.
func (pr *project) leaveOut(svc *model.Service, tl *config.Labels, why string) {
	for _, rn := range slices.Sorted(maps.Keys(tl.HTTP.Routers)) {
		it := pr.item(svc.Name, kindRouter, rn)
		it.Outcome, it.Detail = model.LeftOut, why
	}
	for _, rn := range slices.Sorted(maps.Keys(tl.TCP.Routers)) {
		it := pr.item(svc.Name, kindTCPRouter, rn)
		it.Outcome, it.Detail = model.LeftOut, why
	}
	for _, rn := range slices.Sorted(maps.Keys(tl.UDP.Routers)) {
		it := pr.item(svc.Name, kindUDPRouter, rn)
		it.Outcome, it.Detail = model.LeftOut, why
	}
}
