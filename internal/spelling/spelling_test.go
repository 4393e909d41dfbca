package spelling

import (
	"strings"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"sticky_session", "sticky_session", 0},
		{"stiky_session", "sticky_session", 1},
		{"balanse", "balance", 1},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{strings.Repeat("a", maxName+1), "a", 1 << 30},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%.10q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
