package model

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// labels reads one service's settings with registrator's precedence:
// labels, then deploy.labels, then environment; the first that sets a key
// wins.
type labels struct {
	svc *Service
}

func (l labels) get(key string) (string, Source, bool) {
	for _, layer := range []struct {
		from string
		m    map[string]string
	}{{"labels", l.svc.Labels}, {"deploy.labels", l.svc.DeployLabels}, {"environment", l.svc.Environment}} {
		if v, ok := layer.m[key]; ok {
			return v, Source{Service: l.svc.Name, Key: key, Value: redact(key, v), From: layer.from}, true
		}
	}
	return "", Source{Service: l.svc.Name, Key: key}, false
}

// forPort reads SERVICE_<port>_<suffix>, falling back to SERVICE_<suffix>:
// registrator's per-port keys override the service-wide ones.
func (l labels) forPort(port int, suffix string) (string, Source, bool) {
	if v, src, ok := l.get("SERVICE_" + strconv.Itoa(port) + "_" + suffix); ok {
		return v, src, ok
	}
	return l.get("SERVICE_" + suffix)
}

// flag reads a registrator boolean: set to anything but "", "false" or "0"
// (SPEC §2; registrator itself took any non-empty value).
func (l labels) flag(key string) (bool, Source) {
	v, src, ok := l.get(key)
	return ok && isTrue(v), src
}

func isTrue(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v != "" && v != "false" && v != "0"
}

var portKey = regexp.MustCompile(`^SERVICE_([0-9]+)_([A-Z_]+)$`)

// portKeys returns the ports named by SERVICE_<port>_* keys, each with the
// source of its first such key (in key order, for stable diagnostics).
func (l labels) portKeys() map[int]Source {
	out := map[int]Source{}
	for _, k := range l.keys() {
		sub := portKey.FindStringSubmatch(k)
		if sub == nil {
			continue
		}
		n, err := strconv.Atoi(sub[1])
		if err != nil || strconv.Itoa(n) != sub[1] {
			continue // zero-padded: see paddedPortKeys
		}
		if _, ok := out[n]; !ok {
			_, src, _ := l.get(k)
			out[n] = src
		}
	}
	return out
}

// paddedPortKeys reports SERVICE_<port>_* keys whose port has a leading
// zero: registrator looks up SERVICE_81_NAME, so SERVICE_081_NAME would be
// ignored without a word.
func (l labels) paddedPortKeys(ds *Diagnostics) {
	for _, k := range l.keys() {
		sub := portKey.FindStringSubmatch(k)
		if sub == nil || len(sub[1]) < 2 || sub[1][0] != '0' {
			continue
		}
		_, src, _ := l.get(k)
		n, _ := strconv.Atoi(sub[1])
		ds.errorf(src, fmt.Sprintf("write SERVICE_%d_%s", n, sub[2]), "the port in the key has a leading zero, so it names no port")
	}
}

// keys lists every key set in any layer, sorted, for checks that look at
// all of them (unsupported registrator keys, com.df.* keys).
func (l labels) keys() []string {
	var ks []string
	for _, m := range []map[string]string{l.svc.Labels, l.svc.DeployLabels, l.svc.Environment} {
		for k := range m {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

// dockerFlowPrefix starts every docker-flow-proxy key.
const dockerFlowPrefix = "com.df."

// hasPrefix reports whether any key of the service starts with prefix.
func (l labels) hasPrefix(prefix string) bool {
	for _, m := range []map[string]string{l.svc.Labels, l.svc.DeployLabels, l.svc.Environment} {
		for k := range m {
			if strings.HasPrefix(k, prefix) {
				return true
			}
		}
	}
	return false
}

// credentialKey matches keys whose values carry credentials (passwords,
// tokens, keys, certificates with their keys, user lists): their values
// never reach a diagnostic, the routes table or the JSON model.
var credentialKey = regexp.MustCompile(`(?i)pass|pwd|secret|token|user|auth|credential|cert|key|cookie`)

// Redacted stands for the value of a credential-bearing key.
const Redacted = "[redacted]"

// notCredentials are keys the pattern matches that hold no secret.
var notCredentials = map[string]bool{"com.df.userAgent": true, "com.df.userDef": true}

func redact(key, v string) string {
	if isCredentialKey(key) {
		return Redacted
	}
	return v
}

// credentialKeys caches credentialKey's verdict by key: every lookup of a
// key redacts its value, and a project asks for the same few keys of each
// of its services (the regexp was a quarter of Build's time).
var credentialKeys sync.Map // string → bool

func isCredentialKey(key string) bool {
	if v, ok := credentialKeys.Load(key); ok {
		return v.(bool)
	}
	cred := credentialKey.MatchString(key) && !notCredentials[key]
	credentialKeys.Store(key, cred)
	return cred
}
