package nginxproxy

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy/vars"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Row is one line of the migration report: a variable (or mount) of a
// service and what became of it.
type Row struct {
	Service string
	Key     string
	Status  Status
	Note    string
}

// capture binds the dialect as Dialect does, and keeps the bound project.
type capture struct{ p **project }

func (c capture) Prepare(p model.Project, opts model.Options, ds *model.Diagnostics) model.Dialect {
	*c.p = newProject(p, opts, ds)
	return *c.p
}
func (capture) Table() model.Table { return Dialect{}.Table() }
func (capture) Claim(l model.Labels, ds *model.Diagnostics) model.Claim {
	return Dialect{}.Claim(l, ds)
}
func (capture) Apply(a *model.Applier, port int) { Dialect{}.Apply(a, port) }

// Report builds the project with opts (its Dialects as given, this one
// included) and lists, for every nginx-proxy variable, label and folder
// of the project, whether it was converted, converted with a difference
// (the note says which), refused (the note says why) or has no effect.
func Report(mp model.Project, opts model.Options) []Row {
	var bound *project
	ds := slices.Clone(opts.Dialects)
	for i, d := range ds {
		if _, ok := d.(Dialect); ok {
			ds[i] = capture{&bound}
		}
	}
	opts.Dialects = ds
	model.Build(mp, opts)
	if bound == nil {
		return nil
	}
	var rows []Row
	seen := map[[2]string]bool{}
	services := slices.Clone(mp.Services)
	slices.SortFunc(services, func(a, b model.Service) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range services {
		role := bound.roles[s.Name]
		if role == vars.NotProxy && (acmeCompanion(s.Image) || bound.containers[s.Name] == nil) {
			continue
		}
		for _, v := range vars.Variables {
			val, ok := s.Environment[v.Name]
			if v.Label {
				val, ok = s.Labels[v.Name]
			}
			scope := vars.OnContainer | vars.OnACME
			if role == vars.RoleProxy || role == vars.RoleDockerGen {
				scope = vars.OnProxy
			}
			if !ok || val == "" || v.Scope&scope == 0 {
				continue
			}
			seen[[2]string{s.Name, v.Name}] = true
			rows = append(rows, bound.row(s.Name, v.Name))
		}
	}
	for k, o := range bound.outcomes {
		if !seen[k] {
			rows = append(rows, Row{Service: k[0], Key: k[1], Status: o.status, Note: o.note})
		}
	}
	slices.SortFunc(rows, func(a, b Row) int {
		return strings.Compare(a.Service+"\x00"+a.Key, b.Service+"\x00"+b.Key)
	})
	return rows
}

// row is what became of one variable: the run's outcome, else the table's.
func (p *project) row(svc, key string) Row {
	e, ok := effects[key]
	if !ok {
		e = acmeSetting
	}
	r := Row{Service: svc, Key: key, Status: e.status, Note: e.doc}
	if o, ok := p.outcomes[[2]string{svc, key}]; ok {
		r.Status = o.status
		if e.status == NoEffect && o.status == Converted {
			r.Status = NoEffect
		}
		if o.note != "" {
			r.Note = o.note
		}
	}
	return r
}

// WriteReport writes rows as a table, options spelled by spell.
func WriteReport(rows []Row, spell func(model.Option) string) []byte {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SERVICE\tVARIABLE\tOUTCOME\tNOTE")
	for _, r := range rows {
		note := strings.NewReplacer("`", "", "**", "").Replace(model.SpellRefs(r.Note, spell))
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Service, r.Key, r.Status, note)
	}
	w.Flush()
	return []byte(b.String())
}
