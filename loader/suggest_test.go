package loader

import (
	"context"
	"strings"
	"testing"
)

// A key the Compose Specification does not define gets the key of its
// place it is a typo of, in both forms of compose-go's schema error.
func TestMisspelledKeysSuggestTheKey(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"services:\n  web:\n    image: nginx\n    lables: {a: b}\n", "services.web.lables false schema (did you mean labels?)"},
		{"services:\n  web:\n    image: nginx\n    deploy: {replica: 2}\n", "services.web.deploy additional properties 'replica' not allowed (did you mean replicas?)"},
		{"services:\n  web:\n    image: nginx\nnetwork: {}\n", "additional properties 'network' not allowed (did you mean networks?)"},
		// Nothing near: the error as compose-go gave it.
		{"services:\n  web:\n    image: nginx\n    frobnicate: 1\n", "services.web.frobnicate false schema"},
	} {
		_, err := Load(context.Background(), Options{Files: []string{"-"}, Stdin: strings.NewReader(tt.yaml), WorkingDir: t.TempDir()})
		if err == nil || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want it to end with %q", tt.yaml, err, tt.want)
		}
	}
}
