package vars

import (
	"strings"
	"testing"
)

// FuzzDecodeMultiports: any value decodes without panic, within the caps,
// and every host returned has at least one route with a valid port.
func FuzzDecodeMultiports(f *testing.F) {
	for _, s := range []string{
		"www.example.org:\nservice1.example.org:\n  \"/\":\n    port: 8000\n",
		`{"a.example": {"/": {}, "/x": {"port": "81", "proto": "https", "dest": "/"}}}`,
		"a: &x {/: {port: 1}}\nb: *x\n",
		"~^a{2}$:\n  /:\n",
		"a.example:\n  external_https_port: 8448\n  =/x: {}\n  /y: [1]\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		vhs, ds, err := DecodeMultiports(in, []ExposedPort{{Port: 8080}})
		if err != nil {
			if !strings.Contains(err.Error(), ErrLimit.Error()) {
				t.Fatalf("error not a cap: %v", err)
			}
			return
		}
		_ = ds.HasErrors()
		for _, v := range vhs {
			if len(v.Routes) == 0 {
				t.Fatalf("host %q without routes", v.Host.V.Name)
			}
			for _, r := range v.Routes {
				if r.Port.V.Number < 1 || r.Port.V.Number > 65535 {
					t.Fatalf("port %d", r.Port.V.Number)
				}
			}
		}
	})
}
