package nginxproxy

import (
	"slices"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy/vars"
)

func TestEveryVariableHasAnEffect(t *testing.T) {
	for _, v := range vars.Variables {
		if _, ok := effects[v.Name]; !ok && v.Scope != vars.OnACME {
			t.Errorf("%s has no effect in the table", v.Name)
		}
	}
	for name := range effects {
		if !slices.ContainsFunc(vars.Variables, func(v vars.Var) bool { return v.Name == name }) {
			t.Errorf("effects names %s, which vars.Variables does not", name)
		}
	}
}

func TestExpandRegex(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
		refused bool
	}{
		{pattern: `^(www\.)?example\.com$`, want: []string{"example.com", "www.example.com"}},
		{pattern: `^API\.(a|b)\.example\.org$`, want: []string{"api.a.example.org", "api.b.example.org"}},
		{pattern: `^s[12]\.example\.com$`, want: []string{"s1.example.com", "s2.example.com"}},
		{pattern: `example\.com`, refused: true},                              // unanchored: any longer name
		{pattern: `^example\.com`, refused: true},                             // open at the end
		{pattern: `^[a-z]+\.example\.com$`, refused: true},                    // infinitely many
		{pattern: `^.\.example\.com$`, refused: true},                         // a large class
		{pattern: `^(a|b|c|d|e|f|g|h|i)(a|b|c|d|e|f|g|h|i)x$`, refused: true}, // 81 names
	}
	for _, tt := range tests {
		got, why := expandRegex(tt.pattern)
		if tt.refused != (why != "") || !tt.refused && !slices.Equal(got, tt.want) {
			t.Errorf("expandRegex(%q) = %q, %q; want %q (refused %v)", tt.pattern, got, why, tt.want, tt.refused)
		}
	}
}
