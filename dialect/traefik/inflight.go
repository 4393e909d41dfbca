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
	per, _, ok := c.limitSource(m, "/host")
	if !ok {
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
	if per == "" {
		c.countsForwarded(m, m.src(m.opt("sourceCriterion").Child("ipStrategy")))
	}
	v := strconv.FormatInt(amount.Int(), 10) + per
	if _, prob := model.TagForm("max_in_flight").Check(v); prob != "" {
		c.refuse(m.src(amount), m, "max_in_flight=%s %s", v, prob)
		return
	}
	c.countsPerBackend(m, m.src(amount))
	c.a.Apply("max_in_flight", v, m.src(amount), "middleware "+m.m.Name)
}
