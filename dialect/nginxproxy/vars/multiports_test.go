package vars

import (
	"strings"
	"testing"
)

func TestDecodeMultiports(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		exposed   []ExposedPort
		want      string
		wantDiags []string
	}{
		{
			name: "hosts to ports (the documentation's first example)",
			in:   "www.example.org:\nservice1.example.org:\n  \"/\":\n    port: 8000\nservice2.example.org:\n  \"/\":\n    port: 9000\n",
			want: "exact:service1.example.org prefix:/ -> http:8000(variable)\nexact:service2.example.org prefix:/ -> http:9000(variable)\nexact:www.example.org prefix:/ -> http:80(default 80)\n",
		},
		{
			name:    "paths of one host, JSON",
			in:      `{"www.example.org": {"/": {}, "/service1": {"port": 8000, "dest": "/"}, "/service2": {"port": "9443", "proto": "https", "dest": "/"}}}`,
			exposed: []ExposedPort{{Port: 3000}},
			want:    "exact:www.example.org prefix:/ -> http:3000(only exposed port)\nexact:www.example.org prefix:/service1 -> http:8000(variable) dest /\nexact:www.example.org prefix:/service2 -> https:9443(variable) dest /\n",
		},
		{
			name: "external ports",
			in:   "example.org:\n  external_https_port: 8448\n  \"/\":\n    port: 8448\n  /path:\n    port: 80\n",
			want: "exact:example.org prefix:/ -> http:8448(variable) https:8448\nexact:example.org prefix:/path -> http:80(variable) https:8448\n",
		},
		{
			name: "what nginx-proxy skips silently is an error",
			in:   "a.example:\n  external_http_prot: 8080\n  ~^/re:\n    port: 1\n  /x:\n    prot: 8000\n    port: 99999\nb.example:\n  external_https_port: 8443\n",
			want: "exact:a.example prefix:/x -> http:80(default 80)\n",
			wantDiags: []string{
				`error: VIRTUAL_HOST_MULTIPORTS[a.example][/x].port:7="99999": not a port`,
				`error: VIRTUAL_HOST_MULTIPORTS[a.example][/x].prot:6="prot": unknown key, skipped by nginx-proxy; did you mean proto?`,
				`error: VIRTUAL_HOST_MULTIPORTS[a.example][external_http_prot]:2="external_http_prot": unknown key, skipped by nginx-proxy; did you mean external_http_port?`,
				`error: VIRTUAL_HOST_MULTIPORTS[a.example][~^/re]:3="~^/re": nginx-proxy skips paths that do not start with '/'`,
				`error: VIRTUAL_HOST_MULTIPORTS[b.example]:9="b.example": no path: nginx-proxy routes nothing for this host`,
			},
		},
		{
			name:      "not YAML: the container is not routed",
			in:        "a.example: [",
			wantDiags: []string{"error: VIRTUAL_HOST_MULTIPORTS: not valid YAML or JSON, so nginx-proxy does not route this container"},
		},
		{
			name:      "not a mapping",
			in:        "a.example",
			wantDiags: []string{"error: VIRTUAL_HOST_MULTIPORTS: not a mapping of hosts"},
		},
		{
			name: "aliases followed",
			in:   "a.example: &p\n  /:\n    port: 81\nb.example: *p\n",
			want: "exact:a.example prefix:/ -> http:81(variable)\nexact:b.example prefix:/ -> http:81(variable)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vhs, ds, err := DecodeMultiports(tt.in, tt.exposed)
			if err != nil {
				t.Fatal(err)
			}
			if got := routesText(&Container{Vhosts: vhs}); got != tt.want {
				t.Errorf("routes:\n%s\nwant:\n%s", got, tt.want)
			}
			checkDiags(t, ds, tt.wantDiags)
		})
	}
}

func TestDecodeMultiportsLimits(t *testing.T) {
	// An alias bomb: every level doubles the nodes.
	var b strings.Builder
	b.WriteString("x: &a0 {/: {port: 1}}\n")
	for i := 1; i < 30; i++ {
		b.WriteString("h" + itoa(i) + ": &a" + itoa(i) + " [*a" + itoa(i-1) + ", *a" + itoa(i-1) + "]\n")
	}
	if _, _, err := DecodeMultiports(b.String(), nil); err != nil {
		t.Logf("bomb: %v", err) // either refused by a cap or reported as not a mapping of paths
	}
	if _, _, err := DecodeMultiports(strings.Repeat(" ", maxMultiportsLen+1), nil); err == nil {
		t.Error("no size cap")
	}
}
