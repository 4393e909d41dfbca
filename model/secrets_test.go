package model

import (
	"encoding/json"
	"strings"
	"testing"
)

// A docker-flow-proxy label that restricts who may reach a service, and
// that compose2haproxy does not implement, is an error: routing the
// service without it would publish it unprotected. The access labels
// compose2haproxy implements (policy.go) are so only without an index.
func TestUnimplementedAccessLabelsAreErrors(t *testing.T) {
	for _, key := range []string{
		"com.df.verifyClientSsl",
		"com.df.users.1", "com.df.allowedMethods.1", "com.df.denyHttp.2",
	} {
		t.Run(key, func(t *testing.T) {
			_, got := build(t, Options{}, svc("d", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/d", key: "x"}, 80))
			if len(got) != 1 || !strings.HasPrefix(got[0], "error: d: "+key+"=") ||
				!strings.Contains(got[0], "restricts who may reach the service") && !strings.Contains(got[0], "numbered destinations") {
				t.Errorf("diagnostics %q, want one error for %s", got, key)
			}
		})
	}
}

// The value of a key that carries credentials never appears in a
// diagnostic, the JSON model or anything else made from a Source: it is
// redacted, and the diagnostic still says where it came from.
func TestCredentialValuesAreRedacted(t *testing.T) {
	const password = "hunter2"
	services := []Service{
		svc("a", map[string]string{"com.df.notify": "true", "com.df.servicePath": "/a", "com.df.users": "admin:" + password}, 80),
		svc("b", map[string]string{"SERVICE_NAME": "b", "x-com.df.usersSecret": password}, 80),
		svc("c", map[string]string{"SERVICE_NAME": "c", "com.df.serviceCert": "-----BEGIN PRIVATE KEY-----" + password}, 80),
	}
	cfg, got := build(t, Options{}, services...)
	for _, d := range got {
		if strings.Contains(d, password) {
			t.Errorf("diagnostic shows the secret: %s", d)
		}
	}
	for _, want := range []string{"error: a: com.df.users=[redacted]: ", "error: b: x-com.df.usersSecret=[redacted]: ", "error: c: com.df.serviceCert=[redacted]: "} {
		found := false
		for _, d := range got {
			found = found || strings.HasPrefix(d, want)
		}
		if !found {
			t.Errorf("no diagnostic starts with %q: %q", want, got)
		}
	}
	out, _ := json.Marshal(cfg)
	if strings.Contains(string(out), password) {
		t.Errorf("the model shows the secret: %s", out)
	}
}
