package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Hashes of the password "s3cret", made with openssl passwd -6 and -5
// and Python's crypt (bcrypt, yescrypt); each was checked with HAProxy.
const (
	sha512Hash   = "$6$ViEJ.yPI3rV1T1WP$7l7M/IhsEA2xWnBJtX.3nH6hKbpnS/ntXXL1WzqEHXgwl1XW62nTadVXVEOBj8NtA7Ugw/J52V3NqyMPt5kgb1"
	sha256Hash   = "$5$4AIE8wQFMTLdmatF$AzvWN2FREixjdXIqh1DHQKkE1Lp5dyyYLzzgfNJKFY/"
	bcryptHash   = "$2b$12$aTXK9jVDm3WzI7Mewm7ukeodAK5eGd/R1aZ2cs9U3GlOQ3SGYnuz6"
	yescryptHash = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$8c0O2L8gFA3jUVvwMFdXpZKM78kTwpdGJswaLb6IRr/"
	md5Hash      = "$1$dRPBdqPd$5AfYXpLKBK9tDC9CguiK//"
	apr1Hash     = "$apr1$vB6WEkh0$UTAdKixnXstQT9vkXfEmt/"
)

// opsSecret is the secret the README's auth=ops example names.
var opsSecret = Secret{Name: "ops", File: "ops.users", Content: []byte("alice:" + sha512Hash + "\nops:" + sha256Hash + "\n")}

// Exactly the schemes HAProxy 2.6 checks on Debian 12 and that are sound
// are accepted; the message never holds the value.
func TestHashSchemes(t *testing.T) {
	tests := []struct{ hash, scheme, prob string }{
		{sha512Hash, "sha512", ""},
		{"$6$rounds=5000$saltsalt$As4wrv0kZlfch1du9WeH7qhskyLriQWySXrZzynnvi46nFnNxjdpl6ksRegrrKexvhIa/Iny8S8uF3fVWTMuC1", "sha512", ""},
		{sha256Hash, "sha256", ""},
		{bcryptHash, "bcrypt", ""},
		{strings.Replace(bcryptHash, "$2b$", "$2y$", 1), "bcrypt", ""}, // htpasswd -B
		{strings.Replace(bcryptHash, "$2b$", "$2a$", 1), "bcrypt", ""},
		{yescryptHash, "yescrypt", ""},
		{md5Hash, "", "MD5 crypt"},
		{apr1Hash, "", "HAProxy cannot check"},
		{"abhWCwoTZY2c6", "", "a plaintext password is refused"}, // DES, or a password
		{"hunter2", "", "a plaintext password is refused"},
		{sha512Hash[:len(sha512Hash)-1], "", "not a well-formed"},
		{"$gy$j9T$F5Jx5fExrKuPp53xLKQ..1$yz6UTUIeFoRgFnLX9MQ6fQiHUOCkaV1Bw6h/ylm/5m3", "", "not a well-formed"},
	}
	for _, tt := range tests {
		scheme, prob := hashScheme(tt.hash)
		if scheme != tt.scheme || !strings.Contains(prob, tt.prob) || (tt.prob == "") != (prob == "") {
			t.Errorf("hashScheme(%q) = %q, %q; want %q and a problem with %q", tt.hash, scheme, prob, tt.scheme, tt.prob)
		}
		if prob != "" && strings.Contains(prob, tt.hash) {
			t.Errorf("the problem repeats the value: %s", prob)
		}
	}
}

func TestPolicyValueForms(t *testing.T) {
	tests := []struct {
		form      *Form
		in, norm  string
		wantError bool
	}{
		{network, "10.0.0.0/8", "10.0.0.0/8", false},
		{network, "192.168.1.5", "192.168.1.5", false},
		{network, "::ffff:10.0.0.1", "10.0.0.1", false},
		{network, "2001:DB8::/32", "2001:db8::/32", false},
		{network, "10.1.2.3/8", "", true},
		{network, "10.0.0.0/33", "", true},
		{network, "fe80::1%eth0", "", true},
		{network, "example.com", "", true},
		{rate, "100/10s", "100/10s", false},
		{rate, "20/s", "20/1s", false},
		{rate, "1000/2m", "1000/120s", false},
		{rate, "5/h", "5/3600s", false},
		{rate, "100", "", true},
		{rate, "0/s", "", true},
		{rate, "1/0s", "", true},
		{rate, "1/2d", "", true},
		{rate, "1/25h", "", true},
		{rate, "100/10s/HOST", "100/10s/host", false},
		{rate, "20/s/header:X-Api-Key", "20/1s/header:X-Api-Key", false},
		{rate, "5/h/Header:x-user", "5/3600s/header:x-user", false},
		{rate, "100/10s/client", "", true},
		{rate, "100/10s/", "", true},
		{rate, "100/10s/header:", "", true},
		{rate, "100/10s/header:X_User", "", true},
		{rate, "100/10s/header:Host/x", "", true},
		{rate, "0/s/host", "", true},
		{rate, "100/host", "", true},
		{inFlight, "10", "10", false},
		{inFlight, "1000000/HOST", "1000000/host", false},
		{inFlight, "2/header:X-Api-Key", "2/header:X-Api-Key", false},
		{inFlight, "2/Header:x-user", "2/header:x-user", false},
		{inFlight, "0", "", true},
		{inFlight, "1000001", "", true},
		{inFlight, "-1/host", "", true},
		{inFlight, "10/client", "", true},
		{inFlight, "10/header:", "", true},
		{inFlight, "10/header:X_User", "", true},
		{inFlight, "10/header:Content-Length", "", true},
		{inFlight, "10/header:X-A b", "", true},
		{inFlight, "10/", "", true},
		{bodySize, "512k", "512k", false},
		{bodySize, "10M", "10m", false},
		{bodySize, "1000", "1000", false},
		{bodySize, "0", "", true},
		{bodySize, "1025g", "", true},
		{bodySize, "1.5m", "", true},
		{HTTPMethod, "get", "GET", false},
		{HTTPMethod, "PROPFIND", "PROPFIND", false},
		{HTTPMethod, "GET,POST", "", true},
		{SecretName, "ops.users_v2-x", "ops.users_v2-x", false},
		{SecretName, "ops/x", "", true},
	}
	for _, tt := range tests {
		norm, prob := tt.form.Check(tt.in)
		if (prob != "") != tt.wantError || (!tt.wantError && norm != tt.norm) {
			t.Errorf("%s %q: %q, %q; want %q (error %v)", tt.form.Doc, tt.in, norm, prob, tt.norm, tt.wantError)
		}
	}
	if n, _ := parseSize("10m"); n != 10<<20 {
		t.Errorf("10m is %d bytes", n)
	}
	for v, want := range map[string]RateLimit{
		"100/10s":                  {Requests: 100, Period: "10s", Seconds: 10, RetryAfter: 20},
		"20/1s/host":               {Requests: 20, Period: "1s", Seconds: 1, RetryAfter: 2, Per: "host"},
		"5/3600s/header:X-Api-Key": {Requests: 5, Period: "3600s", Seconds: 3600, RetryAfter: 7200, Per: "header", Header: "X-Api-Key"},
	} {
		if got := *parseRate(v, Source{}); got != want {
			t.Errorf("parseRate(%q) = %+v, want %+v", v, got, want)
		}
	}
}

// buildPolicy builds one service with labels and the project's secrets
// and returns its policy and the diagnostics.
func buildPolicy(t *testing.T, labels map[string]string, secrets ...Secret) (Policy, []string) {
	t.Helper()
	cfg, ds := buildAll(Project{Services: []Service{svc("web", labels, 80)}, Secrets: secrets}, Options{Listen: Listen{Certs: "/certs"}})
	var msgs []string
	for _, d := range ds {
		msgs = append(msgs, d.String())
	}
	if len(cfg.Backends) != 1 {
		return Policy{}, msgs
	}
	return cfg.Backends[0].Policy, msgs
}

func userNames(a *Auth) []string {
	if a == nil {
		return nil
	}
	var names []string
	for _, u := range a.Users {
		names = append(names, u.Name)
	}
	return names
}

// docker-flow-proxy's users labels keep their meaning: the label's users,
// a user without a hash taking it from the secret (dfp_users_NAME or
// NAME); without the label, every user of the secret.
func TestDockerFlowUsers(t *testing.T) {
	monitoring := Secret{Name: "dfp_users_monitoring", Content: []byte("ops:" + sha512Hash + ",viewer:" + sha256Hash + "\n")}
	plain := Secret{Name: "monitoring", Content: []byte("ops:" + sha256Hash)}
	dfp := func(kv ...string) map[string]string {
		m := map[string]string{"com.df.notify": "true", "com.df.servicePath": "/x", "com.df.usersPassEncrypted": "true"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		labels  map[string]string
		secrets []Secret
		users   []string
		secret  string
		errs    []string
	}{
		{"label alone", dfp("com.df.users", "admin:"+sha512Hash), nil, []string{"admin"}, "", nil},
		{"secret alone, docker-flow-proxy's name", dfp("com.df.usersSecret", "monitoring"), []Secret{monitoring, plain}, []string{"ops", "viewer"}, "dfp_users_monitoring", nil},
		{"secret alone, its own name", dfp("com.df.usersSecret", "monitoring"), []Secret{plain}, []string{"ops"}, "monitoring", nil},
		{"label users take hashes from the secret", dfp("com.df.users", "admin:"+sha512Hash+",ops", "com.df.usersSecret", "monitoring"), []Secret{monitoring}, []string{"admin", "ops"}, "dfp_users_monitoring", nil},
		{"a user the secret lacks", dfp("com.df.users", "nobody", "com.df.usersSecret", "monitoring"), []Secret{monitoring}, nil, "",
			[]string{"error: web: com.df.users=[redacted]: com.df.users, entry 1: has no hash, and secret dfp_users_monitoring does not list that user (give the user a hash (user:HASH) or add it to the secret)"}},
		{"no such secret", dfp("com.df.usersSecret", "nope"), nil, nil, "",
			[]string{"error: web: com.df.usersSecret=[redacted]: there is no compose secret dfp_users_nope or nope (declare dfp_users_nope (or nope) under the top-level secrets: key)"}},
		{"hashes without usersPassEncrypted", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/x", "com.df.users": "admin:" + sha512Hash}, nil, nil, "",
			[]string{"error: web: com.df.users=[redacted]: plaintext passwords are refused: com.df.users and com.df.usersSecret must hold crypt(3) hashes (hash the password with: openssl passwd -6, write user:HASH and set com.df.usersPassEncrypted=true)"}},
		{"auth tag and label", dfp("com.df.users", "admin:"+sha512Hash, "SERVICE_TAGS", "auth=ops"), []Secret{opsSecret}, []string{"admin"}, "",
			[]string{"error: web: SERVICE_TAGS=auth=ops: basic auth is set twice: by auth=ops and by com.df.users (keep one of them)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, msgs := buildPolicy(t, tt.labels, tt.secrets...)
			if diff := cmp.Diff(tt.errs, msgs); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.users, userNames(p.Auth)); tt.errs == nil && diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
			if tt.errs == nil && p.Auth.Secret != tt.secret {
				t.Errorf("secret %q, want %q", p.Auth.Secret, tt.secret)
			}
		})
	}
}

// Allowed methods lose the denied ones, GET lets HEAD in, and the Allow
// header lists what gets in.
func TestMethods(t *testing.T) {
	tests := []struct {
		labels  map[string]string
		allowed []string
		header  string
	}{
		{map[string]string{"SERVICE_TAGS": "method=GET"}, []string{"GET", "HEAD"}, "GET,HEAD"},
		{map[string]string{"SERVICE_TAGS": "method=post,method=GET,method=POST"}, []string{"GET", "HEAD", "POST"}, "GET,HEAD,POST"},
		{map[string]string{"com.df.allowedMethods": "GET,DELETE", "com.df.deniedMethods": "DELETE,HEAD"}, []string{"GET"}, "GET"},
		{map[string]string{"com.df.deniedMethods": "DELETE,PUT"}, nil, "GET,HEAD,POST,PATCH,OPTIONS"},
		{map[string]string{"com.df.allowedMethods": "PUT", "SERVICE_TAGS": "method=GET"}, []string{"GET", "HEAD", "PUT"}, "GET,HEAD,PUT"},
	}
	for _, tt := range tests {
		tt.labels["SERVICE_NAME"] = "web"
		p, msgs := buildPolicy(t, tt.labels)
		var got []string
		for _, m := range p.Methods {
			got = append(got, m.Name)
		}
		if len(msgs) > 0 || !slices.Equal(got, tt.allowed) || p.AllowHeader() != tt.header {
			t.Errorf("%v: allowed %q, Allow %q, %q; want %q, %q", tt.labels, got, p.AllowHeader(), msgs, tt.allowed, tt.header)
		}
	}
}

// A secret's file is checked line by line, and every problem is named
// without its password.
func TestSecretUsers(t *testing.T) {
	tests := []struct {
		name, content string
		users         []string
		errs          []string
	}{
		{"comments, blank lines and CRLF", "# ops team\r\n\r\nalice:" + sha512Hash + "\r\n  bob : " + sha256Hash + "  \n", []string{"alice", "bob"}, nil},
		{"slow hashes warn", "alice:" + sha512Hash + "\nbob:" + bcryptHash + "\ncarol:" + yescryptHash, []string{"alice", "bob", "carol"}, nil},
		{"empty", "# nobody\n", nil, []string{"secret ops holds no users: nobody could log in (add user:HASH lines)"}},
		{"twice", "alice:" + sha512Hash + "\nalice:" + sha256Hash, nil, []string{"secret ops, line 2: user alice is listed twice (keep one entry per user)"}},
		{"bad name", "al ice:" + sha512Hash, nil, []string{"secret ops, line 1: is not a user:hash entry with a valid user name (write one user:HASH a line; user names are letters, digits and . _ @ + -)"}},
		{"no hash", "alice:", nil, []string{"secret ops, line 1: user alice has no password hash (hash the password with: openssl passwd -6, and write alice:HASH)"}},
		{"unreadable", "", nil, []string{"secret ops is a directory (give the secret a file: of user:HASH lines inside the project directory)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sec := Secret{Name: "ops", Content: []byte(tt.content)}
			if tt.name == "unreadable" {
				sec = Secret{Name: "ops", Problem: "is a directory"}
			}
			p, msgs := buildPolicy(t, map[string]string{"SERVICE_NAME": "web", "SERVICE_TAGS": "auth=ops"}, sec)
			var want []string
			for _, e := range tt.errs {
				want = append(want, "error: web: SERVICE_TAGS=auth=ops: "+e)
			}
			if tt.name == "slow hashes warn" {
				want = []string{"warning: web: SERVICE_TAGS=auth=ops: secret ops: the bcrypt or yescrypt hashes of bob, carol cost HAProxy 30 ms to over a second of CPU at every login, during which its thread serves nothing else (hash the password with: openssl passwd -6 (SHA-512: 3 ms))"}
			}
			if diff := cmp.Diff(want, msgs); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.users, userNames(p.Auth)); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
		})
	}
}
