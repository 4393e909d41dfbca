package vars

import (
	"strings"
	"testing"
)

func TestParseHtpasswd(t *testing.T) {
	const (
		sha512 = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"
		sha256 = "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA"
		bcrypt = "$2y$05$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
	)
	data := strings.Join([]string{
		"# admins",
		"alice:" + sha512 + ":the comment",
		"bob:" + sha256,
		"carol:" + bcrypt + "\r",
		"alice:" + sha256,
		"dave:$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0",
		"erin:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
		"frank:{PLAIN}secret",
		"gina:abJnggxhB/yJU",
		"hank:$6$short$abc",
		"ivan:secret",
		"no colon",
		"",
	}, "\n")
	h, ds, err := ParseHtpasswd(HtpasswdDir+"/app.example.com", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, u := range h.Users {
		users = append(users, u.Name+"="+u.Scheme.String())
	}
	if got := strings.Join(users, " "); got != "alice=sha512-crypt bob=sha256-crypt carol=bcrypt" {
		t.Errorf("users %s", got)
	}
	checkDiags(t, ds, []string{
		`warning: /etc/nginx/htpasswd/app.example.com:5="alice": user listed again`,
		`error: /etc/nginx/htpasswd/app.example.com:6="dave": apr1 password hash, which HAProxy cannot check (Apache's MD5 variant, htpasswd's default, is checked by nginx itself but by no crypt(3)); re-hash the users' passwords with bcrypt (htpasswd -B /etc/nginx/htpasswd/app.example.com <user>) or SHA-512 crypt (mkpasswd -m sha-512)`,
		`error: /etc/nginx/htpasswd/app.example.com:7="erin": {SHA} password hash`,
		`error: /etc/nginx/htpasswd/app.example.com:8="frank": plain password hash`,
		`error: /etc/nginx/htpasswd/app.example.com:9="gina": des-crypt password hash`,
		`error: /etc/nginx/htpasswd/app.example.com:10="hank": malformed sha512-crypt hash`,
		`error: /etc/nginx/htpasswd/app.example.com:11="ivan": unrecognised password hash; re-hash`,
		`error: /etc/nginx/htpasswd/app.example.com:12: not a "user:password" line`,
	})
	if _, _, err := ParseHtpasswd("x", make([]byte, maxFileSize+1)); err == nil {
		t.Error("no cap")
	}
}

func TestHtpasswdFile(t *testing.T) {
	h := mustHosts(t, "app.example.com")[0]
	p := mustPaths(t, "/api")[0]
	names := []string{"app.example.com", "app.example.com_" + sha1Hex("/api"), "app.example.com_location"}
	if got := HtpasswdFile(h, p, names); got != "app.example.com_"+sha1Hex("/api") {
		t.Errorf("per-path file: %q", got)
	}
	if got := HtpasswdFile(h, RootPath, names); got != "app.example.com" {
		t.Errorf("per-host file: %q", got)
	}
	re := mustHosts(t, "~^a\\.")[0]
	if got := HtpasswdFile(re, RootPath, []string{"~^a\\."}); got != "" {
		t.Errorf("regex host named as written: %q, nginx-proxy uses the SHA-1", got)
	}
}

func TestSelectCert(t *testing.T) {
	files := []string{"foo.bar.com.crt", "foo.bar.com.key", "bar.com.crt", "bar.com.key", "nokey.example.crt",
		"example.crt", "example.key", "shared.crt", "shared.key", "default.crt", "default.key", "bar.com.chain.pem"}
	for _, tt := range []struct {
		host, certName string
		trust          bool
		want           Cert
	}{
		{"foo.bar.com", "", true, Cert{"foo.bar.com", CertExact, true, ""}},
		{"x.bar.com", "", true, Cert{"bar.com", CertParent, true, "bar.com.chain.pem"}},
		{"sub.x.bar.com", "", true, Cert{"default", CertDefault, true, ""}}, // never the grandparent
		{"sub.x.bar.com", "", false, Cert{}},
		{"bar.com", "", true, Cert{"bar.com", CertExact, true, "bar.com.chain.pem"}},
		{"x.example", "", false, Cert{}}, // two labels: no parent rule
		{"nokey.example", "", true, Cert{"nokey.example", CertExact, false, ""}},
		{"a.nokey.example", "", true, Cert{"nokey.example", CertParent, false, ""}}, // chosen by .crt, no fallback
		{"foo.bar.com", "shared", true, Cert{"shared", CertByName, true, ""}},
		{"foo.bar.com", "missing", true, Cert{"missing", CertByName, false, ""}}, // no fallback
		{"*.bar.com", "", true, Cert{"bar.com", CertParent, true, "bar.com.chain.pem"}},
	} {
		if got := SelectCert(tt.host, tt.certName, tt.trust, files); got != tt.want {
			t.Errorf("SelectCert(%q, %q, %v) = %+v, want %+v", tt.host, tt.certName, tt.trust, got, tt.want)
		}
	}
}

func TestCertPairs(t *testing.T) {
	pairs, ds := CertPairs([]string{"a.crt", "a.key", "b.crt", "ca.crt", "x.dhparam.pem", "dhparam.pem", "default.crt", "default.key"})
	var got []string
	for _, p := range pairs {
		got = append(got, p.Name)
	}
	if strings.Join(got, " ") != "a default" {
		t.Errorf("pairs %v", got)
	}
	checkDiags(t, ds, []string{
		"warning: /etc/nginx/certs/b.crt: no b.key",
		"error: /etc/nginx/certs/ca.crt: client certificate checks (mTLS) are not translated",
		"note: /etc/nginx/certs/x.dhparam.pem: per-host DH parameters",
	})
}

func TestClassifyMounts(t *testing.T) {
	f, ds := ClassifyMounts([]Mount{
		{"./certs", "/etc/nginx/certs/"},
		{"./auth/app", "/etc/nginx/htpasswd/app.example.com"},
		{"./vhost", "/etc/nginx/vhost.d"},
		{"./internal.conf", "/etc/nginx/network_internal.conf"},
		{"./my_proxy.conf", "/etc/nginx/conf.d/my_proxy.conf"},
		{"/var/run/docker.sock", "/tmp/docker.sock"},
		{"./50x.html", "/usr/share/nginx/html/errors/50x.html"},
	})
	if f.Certs["."] != "./certs" || f.Htpasswd["app.example.com"] != "./auth/app" || f.Vhost["."] != "./vhost" ||
		f.NetworkInternal != "./internal.conf" || f.HTML["errors/50x.html"] != "./50x.html" {
		t.Errorf("folders %+v", f)
	}
	checkDiags(t, ds, []string{`error: /etc/nginx/conf.d/my_proxy.conf="./my_proxy.conf": nginx configuration for the whole proxy`})
	hs := mustHosts(t, "app.example.com", "~^a\\.")
	checkDiags(t, CheckVhostDir([]string{"app.example.com_location", "default", "~^a\\."}, hs), []string{
		"error: /etc/nginx/vhost.d/app.example.com_location: nginx configuration for app.example.com: nginx syntax is not translated",
		"error: /etc/nginx/vhost.d/default: nginx configuration for every host without its own file",
		"error: /etc/nginx/vhost.d/~^a\\.: a file named after the regex ~^a\\., which nginx-proxy no longer reads",
	})
}

func TestParseNetworkInternal(t *testing.T) {
	ps, err := ParseNetworkInternal([]byte("# ours\nallow 10.1.0.0/16;\nallow 192.168.1.7;  # the office\ndeny all;\n"))
	if err != nil || len(ps) != 2 || ps[1].String() != "192.168.1.7/32" {
		t.Errorf("%v %v", ps, err)
	}
	for _, in := range []string{"allow 10.0.0.0/8;\n", "deny 10.0.0.0/8;\nallow all;\n", "allow 10.0.0.0/8\ndeny all;", "allow x;\ndeny all;"} {
		if _, err := ParseNetworkInternal([]byte(in)); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if len(InternalRanges) != 5 {
		t.Errorf("ranges %v", InternalRanges)
	}
}
