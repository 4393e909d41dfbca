package model

import "testing"

// isCredentialKey's ASCII path says what the regexp says.
func TestCredentialKeyAgreesWithTheRegexp(t *testing.T) {
	for _, key := range []string{
		"SERVICE_NAME", "SERVICE_TAGS", "DB_PASSWORD", "Api_Token", "traefik.http.middlewares.a.basicauth.users",
		"com.df.usersSecret", "SSL_CERT", "MONKEY", "cookieName", "AUTHOR", "pwd", "x", "", "PaSs", "tok.en",
		"traefik.http.routers.app00001.rule", "KEY", "Kelvin-K", "ſecret", "credential\x00", "P@SS", "{EY", "tokeN",
	} {
		if got, want := isCredentialKey(key), credentialKey.MatchString(key); got != want {
			t.Errorf("isCredentialKey(%q) = %v, the regexp says %v", key, got, want)
		}
	}
}
