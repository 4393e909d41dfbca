package model

import (
	"strings"
	"testing"
)

// Get and Keys read the same layers, in one order: a key set in each is
// listed once and read from the first.
func TestLabelsReadOneOrderOfLayers(t *testing.T) {
	s := Service{Name: "web", Labels: map[string]string{"a": "1"}, DeployLabels: map[string]string{"a": "2", "b": "2"},
		Environment: map[string]string{"a": "3", "b": "3", "c": "3"}}
	l := LabelsOf(&s)
	if got := strings.Join(l.Keys(), ","); got != "a,b,c" {
		t.Errorf("Keys: %s, want a,b,c", got)
	}
	for _, tt := range []struct{ key, value, from string }{{"a", "1", "labels"}, {"b", "2", "deploy.labels"}, {"c", "3", "environment"}} {
		if v, src, ok := l.Get(tt.key); !ok || v != tt.value || src.From != tt.from {
			t.Errorf("Get(%s) = %q from %q, want %q from %s", tt.key, v, src.From, tt.value, tt.from)
		}
	}
}

// CredentialKey's ASCII path says what the regexp says.
func TestCredentialKeyAgreesWithTheRegexp(t *testing.T) {
	for _, key := range []string{
		"SERVICE_NAME", "SERVICE_TAGS", "DB_PASSWORD", "Api_Token", "traefik.http.middlewares.a.basicauth.users",
		"com.df.usersSecret", "SSL_CERT", "MONKEY", "cookieName", "AUTHOR", "pwd", "x", "", "PaSs", "tok.en",
		"traefik.http.routers.app00001.rule", "KEY", "Kelvin-K", "ſecret", "credential\x00", "P@SS", "{EY", "tokeN",
	} {
		if got, want := CredentialKey(key), credentialKey.MatchString(key); got != want {
			t.Errorf("CredentialKey(%q) = %v, the regexp says %v", key, got, want)
		}
	}
}
