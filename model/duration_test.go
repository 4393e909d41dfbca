package model

import (
	"strings"
	"testing"
)

// A duration reaches HAProxy in one unit it reads as meant: a bare number
// (milliseconds to HAProxy, seconds to most people) is an error naming the
// unit, and Go-style durations as Consul takes them are converted.
func TestDurations(t *testing.T) {
	for _, tt := range []struct{ in, want, prob string }{
		{"30s", "30s", ""},
		{"500ms", "500ms", ""},
		{"2d", "2d", ""},
		{"1000us", "1000us", ""},
		{"1m30s", "90s", ""},
		{"1h30m", "90m", ""},
		{"1.5s", "1500ms", ""},
		{"2h0m0s", "2h", ""},
		{"30", "", "has no unit, which HAProxy reads as milliseconds: write 30s for seconds (or 30ms)"},
		{"2", "", "has no unit, which HAProxy reads as milliseconds: write 2s for seconds (or 2ms)"},
		{"999us", "", "is shorter than 1ms"},
		{"0s", "", "is shorter than 1ms"},
		{"25d", "", "is longer than HAProxy's longest timer (24 days)"},
		{"-5s", "", "is not a duration like 500ms, 5s, 1m or 1m30s"},
		{"soon", "", "is not a duration like 500ms, 5s, 1m or 1m30s"},
	} {
		got, prob := normDuration(tt.in)
		if got != tt.want || prob != tt.prob {
			t.Errorf("normDuration(%q) = %q, %q; want %q, %q", tt.in, got, prob, tt.want, tt.prob)
		}
	}
}

// Both places a registrator duration comes from use the same rule.
func TestBareNumberDurationsAreErrors(t *testing.T) {
	_, got := build(t, Options{}, svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": "timeout=30", "SERVICE_CHECK_INTERVAL": "2", "SERVICE_CHECK_TIMEOUT": "1m30s"}, 80))
	if len(got) != 2 || !strings.Contains(got[0], "SERVICE_CHECK_INTERVAL=2: has no unit") || !strings.Contains(got[1], "timeout=30 has no unit") {
		t.Errorf("diagnostics %q; want the two bare numbers named", got)
	}
	cfg, _ := build(t, Options{}, svc("w", map[string]string{"SERVICE_NAME": "w", "SERVICE_TAGS": "timeout=1m30s", "SERVICE_CHECK_TIMEOUT": "1m30s"}, 80))
	if b := cfg.Backends[0]; b.Timeout != "90s" || b.Check.Timeout != "90s" {
		t.Errorf("timeout %q, check timeout %q; want both 90s", b.Timeout, b.Check.Timeout)
	}
}
