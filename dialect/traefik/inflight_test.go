package traefik_test

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// inFlightReq counts per source as Traefik does: per Host unless a
// sourceCriterion says otherwise; what HAProxy cannot count alike, and
// what Traefik itself refuses, is an error naming the router.
func TestInFlightReq(t *testing.T) {
	const mw = "traefik.http.middlewares.limit.inflightreq."
	for _, tt := range []struct {
		name    string
		labels  map[string]string
		trusted bool
		want    *model.InFlight // Requests, Per and Header; nil: refused
		diag    string          // in the diagnostics
	}{
		{"Traefik's default is the host", map[string]string{mw + "amount": "10"}, false, &model.InFlight{Requests: 10, Per: "host"}, ""},
		{"requestHost", map[string]string{mw + "amount": "10", mw + "sourcecriterion.requesthost": "true"}, false, &model.InFlight{Requests: 10, Per: "host"}, ""},
		{"requestHost false is the default", map[string]string{mw + "amount": "3", mw + "sourcecriterion.requesthost": "false"}, false, &model.InFlight{Requests: 3, Per: "host"}, ""},
		{"requestHeaderName", map[string]string{mw + "amount": "2", mw + "sourcecriterion.requestheadername": "X-Api-Key"}, false,
			&model.InFlight{Requests: 2, Per: "header", Header: "X-Api-Key"}, ""},
		{"ipStrategy: the connection's address", map[string]string{mw + "amount": "5", mw + "sourcecriterion.ipstrategy.depth": "0"}, false, &model.InFlight{Requests: 5}, ""},
		{"ipStrategy without depth behind trusted proxies", map[string]string{mw + "amount": "5", mw + "sourcecriterion.ipstrategy.depth": "0"}, true,
			&model.InFlight{Requests: 5}, "warning: web: traefik.http.middlewares.limit.inflightreq.sourcecriterion.ipstrategy.depth=0: router r, middleware limit (inFlightReq): without sourceCriterion.ipStrategy.depth Traefik counts"},
		{"depth 1 from trusted proxies", map[string]string{mw + "amount": "5", mw + "sourcecriterion.ipstrategy.depth": "1"}, true, &model.InFlight{Requests: 5}, "ipStrategy.depth 1: HAProxy takes the last X-Forwarded-For address"},
		{"depth 1 without trusted proxies", map[string]string{mw + "amount": "5", mw + "sourcecriterion.ipstrategy.depth": "1"}, false, nil, "reads from trusted proxies only"},
		{"excludedIPs", map[string]string{mw + "amount": "5", mw + "sourcecriterion.ipstrategy.excludedips": "10.0.0.0/8"}, false, nil, "ipStrategy.excludedIPs takes the last X-Forwarded-For address outside them"},
		{"no amount", map[string]string{mw + "sourcecriterion.requesthost": "true"}, false, nil, "no amount (0): Traefik answers every request with 429"},
		{"amount 0", map[string]string{mw + "amount": "0"}, false, nil, "amount 0: Traefik answers every request with 429"},
		{"too many", map[string]string{mw + "amount": "1000001"}, false, nil, "router r, middleware limit (inFlightReq): max_in_flight=1000001/host has a number of requests that is not a whole number from 1 to 1000000"},
		{"two criteria", map[string]string{mw + "amount": "5", mw + "sourcecriterion.requesthost": "true", mw + "sourcecriterion.requestheadername": "X-User"}, false, nil, "mutually exclusive"},
		{"ipStrategy and a header", map[string]string{mw + "amount": "5", mw + "sourcecriterion.ipstrategy.depth": "0", mw + "sourcecriterion.requestheadername": "X-User"}, false, nil, "mutually exclusive"},
		{"a header name HAProxy cannot take", map[string]string{mw + "amount": "5", mw + "sourcecriterion.requestheadername": "X_User"}, false, nil, "sourceCriterion.requestHeaderName X_User is not a header name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := buildLimit(t, tt.labels, tt.trusted)
			if tt.diag != "" && !strings.Contains(diags, tt.diag) || tt.diag == "" && diags != "" {
				t.Errorf("diagnostics:\n%s\nwant %q", diags, tt.diag)
			}
			b := backend(cfg, "web_80_r")
			if tt.want == nil {
				if b != nil || !strings.Contains(diags, "error: ") {
					t.Errorf("routed (%v), want the router refused:\n%s", b != nil, diags)
				}
				return
			}
			if b == nil || b.Policy.MaxInFlight == nil {
				t.Fatalf("no limit:\n%s", diags)
			}
			got := *b.Policy.MaxInFlight
			got.Source = model.Source{}
			if got != *tt.want {
				t.Errorf("got %+v, want %+v", got, *tt.want)
			}
		})
	}
}
