package registrator

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Dialect is registrator's: SERVICE_* labels and environment.
type Dialect struct{}

// Table describes the dialect; its keys are documented in the README's
// prose and the tag table.
func (Dialect) Table() model.Table {
	return model.Table{Name: "registrator", Prefix: "SERVICE_", Route: "SERVICE_NAME"}
}

// unsupportedKeys are registrator keys for checks HAProxy cannot run.
var unsupportedKeys = []string{"SERVICE_CHECK_SCRIPT", "SERVICE_CHECK_TTL", "SERVICE_CHECK_CMD", "SERVICE_CHECK_HTTPS"}

// Claim reads SERVICE_IGNORE, the names (SERVICE_NAME,
// SERVICE_<port>_NAME) and the ports the SERVICE_<port>_* keys name.
func (Dialect) Claim(l model.Labels, ds *model.Diagnostics) model.Claim {
	if ignored, _ := l.Flag("SERVICE_IGNORE"); ignored {
		return model.Claim{Ignore: true}
	}
	for _, k := range unsupportedKeys {
		if _, src, ok := l.Get(k); ok {
			ds.Warnf(src, "use SERVICE_CHECK_HTTP or SERVICE_CHECK_TCP", "HAProxy cannot run this check; it is ignored")
		}
	}
	var c model.Claim
	raw, src, named := l.Get("SERVICE_NAME")
	c.Source = src
	if named {
		c.Name = &model.Value{Raw: raw, Source: src}
	}
	paddedPortKeys(l, ds)
	byKey := portKeys(l)
	for p := range byKey {
		if raw, src, ok := l.Get("SERVICE_" + strconv.Itoa(p) + "_NAME"); ok {
			if c.PortNames == nil {
				c.PortNames = map[int]model.Value{}
			}
			c.PortNames[p] = model.Value{Raw: raw, Source: src}
			named = true
		}
	}
	c.Route, c.Named = named, named

	if len(byKey) == 0 {
		return c
	}
	tcp, udp, _ := model.DeclaredPorts(l.Service())
	for p, src := range byKey {
		ignored, _ := l.Flag("SERVICE_" + strconv.Itoa(p) + "_IGNORE")
		switch {
		case p < 1 || p > 65535:
			c.PortProblems.Errorf(src, "use the container port, from 1 to 65535", "%d is not a TCP port", p)
			continue
		case ignored && udp[p] && !tcp[p]:
			continue // asks for what happens anyway
		case udp[p] && !tcp[p]:
			c.PortProblems.Errorf(src, fmt.Sprintf("publish %d/tcp, or remove the SERVICE_%d_* keys", p, p),
				"port %d is declared only as UDP, which compose2haproxy does not route", p)
			continue
		}
		c.Add = append(c.Add, p)
	}
	for p := range byKey {
		if ignored, _ := l.Flag("SERVICE_" + strconv.Itoa(p) + "_IGNORE"); ignored {
			c.Skip = append(c.Skip, p)
		}
	}
	return c
}

// Apply hands the port's tags (SERVICE_<port>_TAGS, else SERVICE_TAGS) to
// the model and sets its health check (SERVICE_CHECK_*).
func (Dialect) Apply(a *model.Applier, port int) {
	l, b := a.Labels(), a.Backend()
	if raw, src, ok := forPort(l, port, "TAGS"); ok {
		b.Tags = model.ParseTags(raw, src, a.Diagnostics())
	}
	if v, src, ok := forPort(l, port, "CHECK_HTTP"); ok {
		a.CheckHTTP(v, src, "SERVICE_CHECK_HTTP")
	}
	if v, src, ok := forPort(l, port, "CHECK_INTERVAL"); ok {
		a.CheckTimer(&b.Check.Interval, v, src)
	}
	if v, src, ok := forPort(l, port, "CHECK_TIMEOUT"); ok {
		a.CheckTimer(&b.Check.Timeout, v, src)
	}
	if v, src, ok := forPort(l, port, "CHECK_TCP"); ok {
		a.CheckTCP(model.IsTrue(v), src)
	}
}

// forPort reads SERVICE_<port>_<suffix>, falling back to SERVICE_<suffix>:
// registrator's per-port keys override the service-wide ones.
func forPort(l model.Labels, port int, suffix string) (string, model.Source, bool) {
	if v, src, ok := l.Get("SERVICE_" + strconv.Itoa(port) + "_" + suffix); ok {
		return v, src, ok
	}
	return l.Get("SERVICE_" + suffix)
}

var portKey = regexp.MustCompile(`^SERVICE_([0-9]+)_([A-Z_]+)$`)

func isServiceKey(k string) bool { return strings.HasPrefix(k, "SERVICE_") }

// portKeys returns the ports named by SERVICE_<port>_* keys, each with the
// source of its first such key (in key order, for stable diagnostics).
func portKeys(l model.Labels) map[int]model.Source {
	out := map[int]model.Source{}
	for _, k := range l.KeysWhere(isServiceKey) {
		sub := portKey.FindStringSubmatch(k)
		if sub == nil {
			continue
		}
		n, err := strconv.Atoi(sub[1])
		if err != nil || strconv.Itoa(n) != sub[1] {
			continue // zero-padded: see paddedPortKeys
		}
		if _, ok := out[n]; !ok {
			_, src, _ := l.Get(k)
			out[n] = src
		}
	}
	return out
}

// paddedPortKeys reports SERVICE_<port>_* keys whose port has a leading
// zero: registrator looks up SERVICE_81_NAME, so SERVICE_081_NAME would be
// ignored without a word.
func paddedPortKeys(l model.Labels, ds *model.Diagnostics) {
	for _, k := range l.KeysWhere(isServiceKey) {
		sub := portKey.FindStringSubmatch(k)
		if sub == nil || len(sub[1]) < 2 || sub[1][0] != '0' {
			continue
		}
		_, src, _ := l.Get(k)
		n, _ := strconv.Atoi(sub[1])
		ds.Errorf(src, fmt.Sprintf("write SERVICE_%d_%s", n, sub[2]), "the port in the key has a leading zero, so it names no port")
	}
}
