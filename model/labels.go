package model

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Labels reads one service's settings with registrator's precedence,
// which every dialect shares: labels, then deploy.labels, then
// environment; the first that sets a key wins.
type Labels struct {
	svc *Service
}

// LabelsOf reads svc's labels.
func LabelsOf(svc *Service) Labels { return Labels{svc} }

// Service is the service whose labels l reads.
func (l Labels) Service() *Service { return l.svc }

// Get returns a key's value and where it came from; the Source's value is
// Redacted when the key's name says it holds a credential.
func (l Labels) Get(key string) (string, Source, bool) {
	v, src, ok := l.GetPublic(key)
	if ok {
		src.Value = redact(key, src.Value)
	}
	return v, src, ok
}

// GetPublic is Get for a key whose name looks like a credential's but
// whose value is none (com.df.userAgent): the Source keeps the value.
func (l Labels) GetPublic(key string) (string, Source, bool) {
	for _, layer := range l.svc.layers() {
		if v, ok := layer.m[key]; ok {
			return v, Source{Service: l.svc.Name, Key: key, Value: v, From: layer.from}, true
		}
	}
	return "", Source{Service: l.svc.Name, Key: key}, false
}

// layer is one of a service's maps of settings, named as Source.From
// names it.
type layer struct {
	from string
	m    map[string]string
}

// layers are svc's settings in the order they are read: the first that
// sets a key wins.
func (svc *Service) layers() [3]layer {
	return [3]layer{{"labels", svc.Labels}, {"deploy.labels", svc.DeployLabels}, {"environment", svc.Environment}}
}

// Flag reads a boolean as registrator did, and compose2haproxy's own
// labels do: set to anything but "", "false" or "0" (SPEC §2; registrator
// itself took any non-empty value).
func (l Labels) Flag(key string) (bool, Source) {
	v, src, ok := l.Get(key)
	return ok && IsTrue(v), src
}

// IsTrue is a Flag's value: anything but "", "false" or "0", in any case.
func IsTrue(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v != "" && v != "false" && v != "0"
}

// Keys lists every key set in any layer, sorted, for checks that look at
// all of them (a dialect's unknown keys, keys compose hides).
func (l Labels) Keys() []string { return l.KeysWhere(nil) }

// KeysWhere lists the keys keep accepts (nil: all), as Keys. A check for
// one prefix, run on every service, sorts and allocates only what it keeps.
func (l Labels) KeysWhere(keep func(key string) bool) []string {
	var ks []string
	for _, layer := range l.svc.layers() {
		for k := range layer.m {
			if keep == nil || keep(k) {
				ks = append(ks, k)
			}
		}
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

// credentialWords are in the keys whose values carry credentials
// (passwords, tokens, keys, certificates with their keys, user lists), in
// any case: their values never reach a diagnostic, the routes table or
// the JSON model.
var credentialWords = []string{"pass", "pwd", "secret", "token", "user", "auth", "credential", "cert", "key", "cookie"}

// credentialKey matches a key holding one of credentialWords, with
// Unicode's case folding (K, the Kelvin sign, is a k).
var credentialKey = regexp.MustCompile(`(?i)` + strings.Join(credentialWords, "|"))

// Redacted stands for the value of a credential-bearing key.
const Redacted = "[redacted]"

func redact(key, v string) string {
	if CredentialKey(key) {
		return Redacted
	}
	return v
}

// credentialKeys caches credentialKey's verdict by key: every lookup of a
// key redacts its value, and a project asks for the same few keys of each
// of its services (the regexp was a quarter of Build's time). An ASCII
// key, the usual one, is searched for the words in any case instead,
// which costs less than the cache (Traefik's keys name each router, so
// they differ from service to service).
var credentialKeys sync.Map // string → bool

// CredentialKey reports whether a key's name says its value carries a
// credential, as Get reads it: a dialect whose keys hold names (a
// Traefik router's tls.certResolver) asks it of the part that may.
func CredentialKey(key string) bool {
	if isASCII(key) {
		return slices.ContainsFunc(credentialWords, func(w string) bool { return containsLower(key, w) })
	}
	if v, ok := credentialKeys.Load(key); ok {
		return v.(bool)
	}
	cred := credentialKey.MatchString(key)
	credentialKeys.Store(key, cred)
	return cred
}

// containsLower reports whether the ASCII string s holds the lower-case
// word w in any case, without making a lower-case copy of s.
func containsLower(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		k := 0
		for k < len(w) && s[i+k]|0x20 == w[k] {
			k++
		}
		if k == len(w) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
