package traefik

import (
	"fmt"
	"strconv"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// applyInFlightReq converts inFlightReq to max_in_flight. Traefik counts
// the requests in progress per source (vulcand/oxy's connlimit), by
// default per Host (req.Host, as the client wrote it), and answers 429
// once amount of the same source are in progress.
func applyInFlightReq(c *mwContext, m *mw) {
	amount := m.opt("amount")
	s := m.opt("sourceCriterion")
	ips, header, host := s.Child("ipStrategy"), s.Child("requestHeaderName"), s.Child("requestHost")
	criteria := 0
	for _, set := range []bool{ips.Set(), header.String() != "", host.Bool()} {
		if set {
			criteria++
		}
	}
	if criteria > 1 {
		c.refuse(m.src(s), m, "sourceCriterion sets more than one of ipStrategy, requestHeaderName and requestHost, which Traefik refuses (they are mutually exclusive): keep one")
		return
	}
	if amount.Int() <= 0 {
		// connlimit refuses a request when the source's count is at
		// least amount: with 0, the default, every request.
		what := fmt.Sprintf("amount %d", amount.Int())
		if !amount.Set() {
			what = "no amount (0)"
		}
		c.refuse(m.src(amount), m, "%s: Traefik answers every request with 429; give amount, the number of requests let in at once", what)
		return
	}
	per := ""
	switch {
	case ips.Set():
		if !c.clientAddress(m, ips) {
			return
		}
		if c.p.trusted && ips.Child("depth").Int() != 1 {
			// Not an access control: as rateLimit's, a warning.
			c.differ(m.src(ips), m, "without sourceCriterion.ipStrategy.depth Traefik counts the requests of each connection's address (a proxy in front is one client); with %s HAProxy counts each X-Forwarded-For address that proxy sends", model.OptionTrustedProxies.Ref())
		}
	case header.String() != "":
		if prob := model.CheckHeaderName(header.String()); prob != "" {
			c.refuse(m.src(header), m, "sourceCriterion.requestHeaderName %s %s", model.Printable(header.String()), prob)
			return
		}
		per = "/header:" + header.String()
	default:
		per = "/host" // requestHost, and Traefik's default
	}
	v := strconv.FormatInt(amount.Int(), 10) + per
	if _, prob := model.TagForm("max_in_flight").Check(v); prob != "" {
		c.refuse(m.src(amount), m, "max_in_flight=%s %s", v, prob)
		return
	}
	c.countsPerBackend(m, m.src(amount))
	c.a.Apply("max_in_flight", v, m.src(amount), "middleware "+m.m.Name)
}
