package model

import (
	"fmt"
	"strings"
	"testing"
)

func tagList(format string, n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(format, i)
	}
	return strings.Join(items, ",")
}

// wantError builds services and requires an error that contains want.
func wantError(t *testing.T, want string, services ...Service) {
	t.Helper()
	_, got := build(t, Options{}, services...)
	for _, d := range got {
		if strings.HasPrefix(d, "error: ") && strings.Contains(d, want) {
			return
		}
	}
	t.Errorf("no error contains %q in %d diagnostics: %.1000q", want, len(got), got)
}

// Inputs that would cost far more than loading them are refused with an
// error that names the limit, before the work is done.
func TestLimitsAreErrorsNamingTheLimit(t *testing.T) {
	many := func(n int, labels func(i int) map[string]string) []Service {
		var ss []Service
		for i := range n {
			ss = append(ss, svc(fmt.Sprintf("s%d", i), labels(i), 80))
		}
		return ss
	}
	tests := []struct {
		name     string
		services []Service
		want     string
	}{
		{"tags in one key",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": tagList("server_alias=h%d.example.com", MaxListItems+1)}, 80)},
			"SERVICE_TAGS holds 1001 items; the limit is 1000"},
		{"items in one com.df.* list",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.servicePath": tagList("/p%d", MaxListItems+1)}, 80)},
			"com.df.servicePath holds 1001 items; the limit is 1000"},
		{"hosts × paths of one service",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": tagList("server_alias=h%d.example.com", 200) + "," + tagList("path=/p%d", 60)}, 80)},
			"w routes 201 hosts × 60 paths = 12060 host and path pairs; the limit is 10000"},
		{"routes in all",
			many(11, func(i int) map[string]string {
				return map[string]string{"SERVICE_NAME": fmt.Sprintf("s%d", i), "SERVICE_TAGS": tagList("server_alias=h%d.s"+fmt.Sprint(i)+".example.com", 99) + "," + tagList("path=/p%d", 100)}
			}),
			"the project routes 110000 host and path pairs in all; the limit is 100000"},
		{"routed ports of one service",
			[]Service{{Name: "r", Labels: map[string]string{"SERVICE_NAME": "r"}, Expose: func() []Port {
				var ps []Port
				for n := 1; n <= MaxPorts+1; n++ {
					ps = append(ps, Port{Number: n, Protocol: "tcp"})
				}
				return ps
			}()}},
			"r routes 1001 ports; the limit is 1000"},
		{"server slots in all",
			many(17, func(i int) map[string]string {
				return map[string]string{"SERVICE_NAME": fmt.Sprintf("s%d", i), "SERVICE_TAGS": "slots=4096"}
			}),
			"the server-templates hold 69632 slots in all; the limit is 65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.want, tt.services...)
		})
	}
}

// A long value is shown once, shortened, however many problems it has.
func TestLongValuesAreShortenedInDiagnostics(t *testing.T) {
	value := tagList("path=p%d", 5000)
	_, got := build(t, Options{}, svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": value}, 80))
	total := 0
	for _, d := range got {
		total += len(d)
	}
	if len(got) == 0 || total > 2000 {
		t.Errorf("%d diagnostics, %d bytes in all, for a %d-byte value; want a few short lines", len(got), total, len(value))
	}
	d := Diagnostic{Severity: Error, Service: "w", Key: "SERVICE_TAGS", Value: strings.Repeat("a", 10000), Message: "m"}
	if s := d.String(); len(s) > 300 || !strings.Contains(s, "(10000 bytes)") {
		t.Errorf("String() = %.400q (%d bytes), want the value shortened with its length", s, len(s))
	}
}

// Configs HAProxy would refuse, or run otherwise than asked, are errors.
func TestConfigsHAProxyWouldRefuseAreErrors(t *testing.T) {
	longPaths := tagList("path=/a-long-path-segment-number-%04d", 900)
	tests := []struct {
		name     string
		services []Service
		want     string
	}{
		{"tcp with balance uri",
			[]Service{svc("db", map[string]string{"SERVICE_NAME": "db", "SERVICE_TAGS": "tcp=5432,balance=uri"}, 5432)},
			"error: db: SERVICE_TAGS=tcp=5432,balance=uri: balance uri needs HTTP, but the service is a TCP service (tcp=5432) (use roundrobin, static-rr, leastconn, source, first or random)"},
		{"tcp with balance hdr",
			[]Service{svc("db", map[string]string{"SERVICE_NAME": "db", "SERVICE_TAGS": "tcp=5432,balance=hdr(X-A)"}, 5432)},
			"balance hdr(X-A) needs HTTP, but the service is a TCP service (tcp=5432)"},
		{"a port above 65535",
			[]Service{{Name: "a", Labels: map[string]string{"SERVICE_NAME": "a"}, Ports: []Port{{Number: 70000, Protocol: "tcp"}}}},
			"error: a: ports=70000: 70000 is not a TCP port (use the container port, from 1 to 65535)"},
		{"an empty rewrite replacement",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/e", "com.df.reqPathSearchReplace": "/e,"}, 80)},
			"the replacement is empty"},
		{"a rewrite that would take the leading slash",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/e", "com.df.reqPathSearchReplace": "^/e/,x"}, 80)},
			"the replacement does not start with '/'"},
		{"a rewrite too long for HAProxy",
			[]Service{svc("d", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/e", "com.df.reqPathSearchReplace": "/" + strings.Repeat("a", 2000) + ",/"}, 80)},
			"is longer than 1000 characters"},
		{"a strip_path regex too large for HAProxy",
			[]Service{svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": "strip_path," + longPaths}, 80)},
			"strip_path would match 900 paths with one regex of 29709 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.want, tt.services...)
		})
	}
}

// The model names options, never the CLI's flags (option.go): a
// diagnostic's text holds no "--flag" before the CLI spells it.
func TestDiagnosticsNameNoFlag(t *testing.T) {
	many := make([]Port, MaxPorts+1)
	for i := range many {
		many[i] = Port{Number: i + 1, Protocol: "tcp"}
	}
	var slotted []Service
	for i := range 20 {
		slotted = append(slotted, svc(fmt.Sprintf("s%d", i), map[string]string{"SERVICE_NAME": fmt.Sprintf("s%d", i), "SERVICE_TAGS": "slots=4096"}, 80))
	}
	for _, tc := range []struct {
		name     string
		services []Service
	}{
		{"too many ports under --all", []Service{{Name: "ranges", Expose: many}}},
		{"deny_http without --tls", []Service{svc("web", map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "deny_http"}, 80)}},
		{"too many slots", slotted},
	} {
		_, ds := buildAll(Project{Services: tc.services}, Options{All: true})
		if !ds.HasErrors() {
			t.Errorf("%s: no error", tc.name)
		}
		for _, d := range ds {
			if strings.Contains(d.Message+d.Fix, "--") {
				t.Errorf("%s: %q spells a flag; name the option (Option.Ref)", tc.name, d.Message+" ("+d.Fix+")")
			}
		}
	}
}

// The strip_path limit is on the regex render writes (StripRegex), not an
// estimate of it: one exactly maxRegexLen long passes, one character more
// is an error.
func TestStripRegexLimitIsExact(t *testing.T) {
	for _, extra := range []int{0, 1} {
		b := Backend{StripPath: true}
		for len(StripRegex(b.Paths)) < maxRegexLen-100 {
			b.Paths = append(b.Paths, Path{Prefix: fmt.Sprintf("/p.%04d", len(b.Paths))})
		}
		b.Paths = append(b.Paths, Path{Prefix: "/"})
		b.Paths[len(b.Paths)-1].Prefix += strings.Repeat("a", maxRegexLen-len(StripRegex(b.Paths))+extra)
		var ds Diagnostics
		checkStripRegex(&b, &ds)
		if n := len(StripRegex(b.Paths)); ds.HasErrors() != (extra > 0) {
			t.Errorf("a strip_path regex of %d characters (the limit is %d): %v", n, maxRegexLen, ds)
		}
	}
}

// limitBackends keeps the backends it does not drop, in order, in the
// array it was given.
func TestLimitBackendsKeepsTheOthersInOrder(t *testing.T) {
	big := Backend{Service: "big", Hosts: make([]Host, 2), Paths: make([]Path, MaxBackendPairs)}
	bs := []Backend{{Service: "a", Hosts: make([]Host, 1)}, big, {Service: "b", Hosts: make([]Host, 1)}, big, {Service: "c", Hosts: make([]Host, 1)}}
	var ds Diagnostics
	got := limitBackends(bs, &ds)
	var names []string
	for _, b := range got {
		names = append(names, b.Service)
	}
	if strings.Join(names, " ") != "a b c" || len(ds) != 2 {
		t.Errorf("kept %v with %d diagnostics, want a b c and 2", names, len(ds))
	}
}
