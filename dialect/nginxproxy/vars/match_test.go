package vars

import (
	"strings"
	"testing"
)

func mustHosts(t *testing.T, ss ...string) []Host {
	t.Helper()
	var hs []Host
	for _, s := range ss {
		h, err := ParseHost(s)
		if err != nil {
			t.Fatalf("ParseHost(%q): %v", s, err)
		}
		hs = append(hs, h)
	}
	return hs
}

// nginx's server_name precedence: exact, longest leading wildcard, longest
// trailing wildcard, first regex; "*.x" matches any depth but not x; ".x"
// matches x too; regexes are searched case-insensitively.
func TestSelectHost(t *testing.T) {
	hs := mustHosts(t, "~^www\\.", "mail.*", "*.example.org", "*.sub.example.org", "www.example.org", ".example.net", "~EXAMPLE\\.com$")
	for _, tt := range []struct{ name, want string }{
		{"www.example.org", "www.example.org"},
		{"WWW.Example.Org.", "www.example.org"},
		{"a.sub.example.org", "*.sub.example.org"},
		{"a.b.example.org", "*.example.org"},
		{"example.org", ""},
		{"example.net", ".example.net"},
		{"x.example.net", ".example.net"},
		{"mail.example.com", "mail.*"},
		{"www.example.com", "~EXAMPLE\\.com$"}, // regexes in byte order of the entry, as nginx-proxy writes them
		{"www.foo", "~^www\\."},
		{"shop.example.com", "~EXAMPLE\\.com$"},
		{"mail", ""},
	} {
		i := SelectHost(hs, tt.name)
		got := ""
		if i >= 0 {
			got = hs[i].Name
		}
		if got != tt.want {
			t.Errorf("SelectHost(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHostFileName(t *testing.T) {
	hs := mustHosts(t, "app.example.com", "~^foo\\.bar\\..*\\.nip\\.io")
	if hs[0].FileName() != "app.example.com" || len(hs[1].FileName()) != 40 {
		t.Errorf("file names %q %q", hs[0].FileName(), hs[1].FileName())
	}
}

func mustPaths(t *testing.T, ss ...string) []Path {
	t.Helper()
	var ps []Path
	for _, s := range ss {
		p, err := ParsePath(s)
		if err != nil {
			t.Fatalf("ParsePath(%q): %v", s, err)
		}
		ps = append(ps, p)
	}
	return ps
}

// nginx's location precedence: exact, then the longest prefix if it is ^~,
// then the first regex, then the longest prefix.
func TestSelectPath(t *testing.T) {
	ps := mustPaths(t, "/", "/api", "/api/v2/", "= /api/exact", "^~ /static/", "~*\\.(png|jpg)$", "~^/api/v2/admin")
	for _, tt := range []struct{ uri, want string }{
		{"/", "/"},
		{"/apiary", "/api"},
		{"/api/v2/x", "/api/v2/"},
		{"/api/v2/admin/x", "~^/api/v2/admin"},
		{"/api/exact", "= /api/exact"},
		{"/api/exact/more", "/api"},
		{"/static/a.png", "^~ /static/"},
		{"/img/a.PNG", "~*\\.(png|jpg)$"},
	} {
		i := SelectPath(ps, tt.uri)
		got := ""
		if i >= 0 {
			got = ps[i].Raw
		}
		if got != tt.want {
			t.Errorf("SelectPath(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
	if i := SelectPath(mustPaths(t, "/api"), "/other"); i != -1 {
		t.Errorf("a host with only /api answers /other from %d, want -1 (DEFAULT_ROOT)", i)
	}
}

func TestParsePathRefused(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"api", "must start with '/'"},
		{"@named", "named location"},
		{"~^/a{2}", "unquoted"},
		{"~^/(?=x)", "regex not supported"},
		{"/a b", "unquoted"},
		{"~" + strings.Repeat("a", maxRegexLen+1), "at most 1024"},
	} {
		if _, err := ParsePath(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePath(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
	if p := mustPaths(t, "=/x")[0]; p.Kind != PathExact || p.Value != "/x" {
		t.Errorf("glued modifier: %+v", p)
	}
}

func TestDest(t *testing.T) {
	for _, tt := range []struct{ path, dest, uri, want, err string }{
		{"/app1/", "/", "/app1/foo?x=1", "/foo?x=1", ""},
		{"/app1", "/", "/app1/foo", "//foo", ""},
		{"= /login", "/auth/login", "/login", "/auth/login", ""},
		{"/a", "x", "", "", "must start with '/'"},
		{"/a", "/$host", "", "", "nginx variable"},
	} {
		rw, err := ParseDest(tt.dest, mustPaths(t, tt.path)[0])
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDest(%q, %q) = %v, want %q", tt.dest, tt.path, err, tt.err)
			}
			continue
		}
		if got := rw.Apply(tt.uri); err != nil || got != tt.want {
			t.Errorf("%s + %s: %s → %s (%v), want %s", tt.path, tt.dest, tt.uri, got, err, tt.want)
		}
	}
}

func TestRedirectsWithoutSlash(t *testing.T) {
	ps := mustPaths(t, "/", "/app/", "/api", "= /x/", "^~ /s/")
	want := []bool{false, true, false, false, true}
	for i, p := range ps {
		if p.RedirectsWithoutSlash() != want[i] {
			t.Errorf("%q: %v", p.Raw, !want[i])
		}
	}
}
