package traefik_test

import (
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// rateLimit counts per source as Traefik does: per client address unless
// a sourceCriterion says otherwise; what HAProxy cannot count alike, and
// what Traefik itself refuses, is an error naming the router.
func TestRateLimitSources(t *testing.T) {
	const mw = "traefik.http.middlewares.limit.ratelimit."
	const window = "HAProxy lets each "
	for _, tt := range []struct {
		name    string
		labels  map[string]string
		trusted bool
		want    *model.RateLimit // Requests, Period, Per and Header; nil: refused, or no limit when diag is ""
		diag    string           // in the diagnostics
		notDiag string           // not in them
	}{
		{"Traefik's default is the client address", map[string]string{mw + "average": "10"}, false,
			&model.RateLimit{Requests: 10, Period: "1s"}, window + "client address make 10/1s requests", ""},
		{"requestHost", map[string]string{mw + "average": "100", mw + "period": "1m", mw + "sourcecriterion.requesthost": "true"}, false,
			&model.RateLimit{Requests: 100, Period: "60s", Per: "host"}, window + "Host header (as sent) make 100/60s requests", ""},
		{"requestHost false is the default", map[string]string{mw + "average": "3", mw + "sourcecriterion.requesthost": "false"}, false,
			&model.RateLimit{Requests: 3, Period: "1s"}, window + "client address", ""},
		{"requestHeaderName", map[string]string{mw + "average": "2", mw + "sourcecriterion.requestheadername": "X-Api-Key"}, false,
			&model.RateLimit{Requests: 2, Period: "1s", Per: "header", Header: "X-Api-Key"}, window + "value of the header X-Api-Key make 2/1s requests", ""},
		{"an empty requestHeaderName is none", map[string]string{mw + "average": "2", mw + "sourcecriterion.requestheadername": ""}, false,
			&model.RateLimit{Requests: 2, Period: "1s"}, window + "client address", ""},
		{"ipStrategy without depth behind trusted proxies", map[string]string{mw + "average": "5", mw + "sourcecriterion.ipstrategy.depth": "0"}, true,
			&model.RateLimit{Requests: 5, Period: "1s"}, "without sourceCriterion.ipStrategy.depth Traefik counts", ""},
		{"no default address behind trusted proxies for a host", map[string]string{mw + "average": "5", mw + "sourcecriterion.requesthost": "true"}, true,
			&model.RateLimit{Requests: 5, Period: "1s", Per: "host"}, window + "Host header", "ipStrategy.depth"},
		{"no average is no limit, whatever the source", map[string]string{mw + "sourcecriterion.requesthost": "true"}, false, nil, "", ""},
		{"two criteria", map[string]string{mw + "average": "5", mw + "sourcecriterion.requesthost": "true", mw + "sourcecriterion.requestheadername": "X-User"}, false,
			nil, "mutually exclusive", ""},
		{"two criteria without an average", map[string]string{mw + "sourcecriterion.requesthost": "true", mw + "sourcecriterion.requestheadername": "X-User"}, false,
			nil, "mutually exclusive", ""},
		{"ipStrategy and a host", map[string]string{mw + "average": "5", mw + "sourcecriterion.ipstrategy.depth": "0", mw + "sourcecriterion.requesthost": "true"}, false,
			nil, "mutually exclusive", ""},
		{"a header name HAProxy cannot take", map[string]string{mw + "average": "5", mw + "sourcecriterion.requestheadername": "X_User"}, false,
			nil, "sourceCriterion.requestHeaderName X_User is not a header name", ""},
		{"a period of other than whole seconds", map[string]string{mw + "average": "5", mw + "period": "1500ms", mw + "sourcecriterion.requesthost": "true"}, false,
			nil, "a period of 1.5s: whole seconds are converted", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := buildLimit(t, tt.labels, tt.trusted)
			if tt.diag != "" && !strings.Contains(diags, tt.diag) || tt.diag == "" && diags != "" || tt.notDiag != "" && strings.Contains(diags, tt.notDiag) {
				t.Errorf("diagnostics:\n%s\nwant %q, not %q", diags, tt.diag, tt.notDiag)
			}
			b := backend(cfg, "web_80_r")
			if tt.want == nil {
				refused := tt.diag != ""
				if refused && (b != nil || !strings.Contains(diags, "error: ")) {
					t.Errorf("routed (%v), want the router refused:\n%s", b != nil, diags)
				}
				if !refused && (b == nil || b.Policy.RateLimit != nil) {
					t.Errorf("want the router routed without a limit:\n%s", diags)
				}
				return
			}
			if b == nil || b.Policy.RateLimit == nil {
				t.Fatalf("no limit:\n%s", diags)
			}
			r := *b.Policy.RateLimit
			got := model.RateLimit{Requests: r.Requests, Period: r.Period, Per: r.Per, Header: r.Header}
			if got != *tt.want {
				t.Errorf("got %+v, want %+v", got, *tt.want)
			}
		})
	}
}
