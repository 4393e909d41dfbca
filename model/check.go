package model

import "strconv"

// CheckHTTP makes the health check an HTTP request for path; what names
// the setting in messages (SERVICE_CHECK_HTTP).
func (a *Applier) CheckHTTP(path string, src Source, what string) {
	if prob := checkCheckPath(path); prob != "" {
		a.ds.Errorf(src, "give a path like /health", "health check path %s", prob)
		return
	}
	a.b.Check.HTTPPath, a.checkHTTP = path, what
	a.b.Check.Sources = append(a.b.Check.Sources, src)
}

// CheckTimer sets the check's interval or timeout (*dst) to a duration.
func (a *Applier) CheckTimer(dst *string, v string, src Source) {
	norm, prob := normDuration(v)
	if prob != "" {
		a.ds.Errorf(src, "give a duration like 5s", "%s", prob)
		return
	}
	*dst = norm
	a.b.Check.Sources = append(a.b.Check.Sources, src)
}

// CheckTCP asks for the TCP connect check (on), which wins over an HTTP
// check, or not; the first to ask decides.
func (a *Applier) CheckTCP(on bool, src Source) {
	if a.checkTCP == nil {
		a.checkTCP = &setting{strconv.FormatBool(on), src}
	}
}

// finishCheck settles the check once every setting is applied.
func (a *Applier) finishCheck() {
	t, c := a.checkTCP, &a.b.Check
	if t == nil || t.value != "true" {
		return
	}
	if c.HTTPPath != "" {
		a.ds.Warnf(t.src, "remove one of "+t.src.Key+" and "+a.checkHTTP, "%s wins over %s=%s", t.src.Key, a.checkHTTP, c.HTTPPath)
	}
	c.HTTPPath = ""
	c.Sources = append(c.Sources, t.src)
}
