package nginxproxy

import (
	"slices"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy/vars"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// reportRow is one line of the migration report: a variable (or mount) of a
// service and what became of it.
type reportRow struct {
	Service string
	Key     string
	Status  Status
	Note    string
}

// Report lists, for every nginx-proxy variable, label and folder of the
// project, whether it was converted, converted with a difference (the
// note says which), refused (the note says why) or has no effect: the
// dialect's part of --format report (model.Reporter).
func (bound *project) Report(model.Diagnostics) []model.ReportItem {
	var items []model.ReportItem
	for _, r := range bound.rows() {
		it := model.ReportItem{Dialect: Dialect{}.Table().Name, Service: r.Service, Kind: "variable", Name: r.Key}
		switch r.Status {
		case Converted:
			it.Outcome, it.Detail = model.Converted, r.Note
		case NoEffect:
			it.Outcome, it.Detail = model.Unused, r.Note
		case ConvertedDiff:
			it.Outcome = model.Differs
			it.Notes = model.Diagnostics{{Severity: model.Warning, Service: r.Service, Key: r.Key, Message: r.Note}}
		default:
			it.Outcome = model.Refused
			it.Notes = model.Diagnostics{{Severity: model.Error, Service: r.Service, Key: r.Key, Message: r.Note}}
		}
		items = append(items, it)
	}
	return items
}

// rows are what became of each variable of the project's services.
func (bound *project) rows() []reportRow {
	var rows []reportRow
	seen := map[[2]string]bool{}
	for _, s := range bound.services {
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
			rows = append(rows, reportRow{Service: k[0], Key: k[1], Status: o.status, Note: o.note})
		}
	}
	slices.SortFunc(rows, func(a, b reportRow) int {
		return strings.Compare(a.Service+"\x00"+a.Key, b.Service+"\x00"+b.Key)
	})
	return rows
}

// row is what became of one variable: the run's outcome, else the table's.
func (p *project) row(svc, key string) reportRow {
	e, ok := effects[key]
	if !ok {
		e = acmeSetting
	}
	r := reportRow{Service: svc, Key: key, Status: e.status, Note: e.doc}
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
