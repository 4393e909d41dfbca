package model

import (
	"fmt"
	"regexp"
	"strings"
)

// Secret is a top-level compose secret. Basic-auth users come from one
// (auth=NAME, com.df.usersSecret, the stats page's users); its content is
// read only for them and never printed.
type Secret struct {
	Name string
	// File is where the content was read, for messages; empty for a
	// secret from the environment.
	File    string
	Content []byte
	// Problem says why the content could not be read ("is outside the
	// project directory"); empty when it was. It is reported only when
	// the secret is used.
	Problem string
}

// Auth is HTTP basic authentication: a request without the credentials of
// one of Users gets 401 and a WWW-Authenticate challenge.
type Auth struct {
	// Secret names the compose secret the users come from; empty when a
	// label lists them (com.df.users).
	Secret string `json:"secret,omitempty"`
	Users  []User `json:"users"`
	Source Source `json:"source"`
	// Realm names the protected area in the browser's prompt: letters,
	// digits, '.', '_' and '-'; empty: the backend's name.
	Realm string `json:"realm,omitempty"`
	// HeaderField is a request header that carries the name of the user
	// who logged in to the servers, replacing any the client sent
	// (Traefik's headerField); a name CheckHeaderName accepts; empty: none.
	HeaderField string `json:"header_field,omitempty"`
}

// User is one user of an Auth. The hash is left out of JSON: it is not the
// password, but it is what an attacker would need to guess it offline.
type User struct {
	Name   string `json:"name"`
	Hash   string `json:"-"`      // a crypt(3) hash of an accepted Scheme
	Scheme string `json:"scheme"` // sha512, sha256, bcrypt or yescrypt
}

// hashSchemes are the crypt(3) schemes accepted: each was checked with a
// right and a wrong password against Debian 12's HAProxy 2.6 (libxcrypt
// 4.4.33), and each is still considered sound.
var hashSchemes = []struct {
	name string
	re   *regexp.Regexp
}{
	{"sha512", regexp.MustCompile(`^\$6\$(rounds=[0-9]{1,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$`)},
	{"sha256", regexp.MustCompile(`^\$5\$(rounds=[0-9]{1,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{43}$`)},
	{"bcrypt", regexp.MustCompile(`^\$2[aby]\$[0-9]{2}\$[./0-9A-Za-z]{53}$`)},
	{"yescrypt", regexp.MustCompile(`^\$y\$[./0-9A-Za-z]+\$[./0-9A-Za-z]*\$[./0-9A-Za-z]{43}$`)},
}

// acceptedSchemes names them for messages.
const acceptedSchemes = "$6$ (SHA-512), $5$ (SHA-256), $2b$/$2y$/$2a$ (bcrypt) or $y$ (yescrypt)"

// HashFix says how to make an accepted hash.
const HashFix = "hash the password with: openssl passwd -6"

// hashScheme names the scheme of an accepted hash, or says what is wrong
// with it. The message never repeats the value: it may be a password.
func hashScheme(h string) (string, string) {
	for _, s := range hashSchemes {
		if s.re.MatchString(h) {
			return s.name, ""
		}
	}
	switch {
	case strings.HasPrefix(h, "$1$"):
		return "", "is an MD5 crypt hash ($1$), which is too weak to accept; use " + acceptedSchemes
	case strings.HasPrefix(h, "$apr1$"):
		return "", "is an Apache MD5 hash ($apr1$, htpasswd's default), which HAProxy cannot check: every login would fail; use " + acceptedSchemes
	case strings.HasPrefix(h, "$"):
		return "", "is not a well-formed crypt(3) hash of " + acceptedSchemes
	}
	return "", "is not a crypt(3) hash (" + acceptedSchemes + "); a plaintext password is refused"
}

var userNameRe = regexp.MustCompile(`^[A-Za-z0-9._@+-]{1,64}$`)

// MaxUsers bounds one list of users: each is a line of the config.
const MaxUsers = 1000

// UserEntry is one "user:hash" (or bare "user") of a list.
type UserEntry struct {
	Name, Hash string
	Colon      bool   // without one, the entry may be a password: never print it
	Pos        string // "line 3" or "entry 2", for messages
}

// SplitUsers reads "user:hash" entries separated by line breaks or commas
// (docker-flow-proxy's format; a crypt hash never holds a comma); blank
// entries and lines starting with '#' are skipped.
func SplitUsers(content string, unit string) []UserEntry {
	var out []UserEntry
	for i, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		for j, item := range strings.Split(line, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			pos := fmt.Sprintf("%s %d", unit, i+1)
			if unit == "entry" {
				pos = fmt.Sprintf("entry %d", j+1)
			}
			name, hash, colon := strings.Cut(item, ":")
			out = append(out, UserEntry{Name: strings.TrimSpace(name), Hash: strings.TrimSpace(hash), Colon: colon, Pos: pos})
		}
	}
	return out
}

// CheckUsers turns entries into users, each with an accepted hash; what
// refers to the list in messages ("secret ops"). Problems are reported at
// src without ever printing a password or hash.
func CheckUsers(entries []UserEntry, what string, src Source, ds *Diagnostics) []User {
	if len(entries) > MaxUsers {
		ds.Errorf(src, fmt.Sprintf("keep at most %d users in one list", MaxUsers), "%s has %d users", what, len(entries))
		return nil
	}
	var users []User
	seen := map[string]bool{}
	ok := true
	for _, e := range entries {
		if !e.Colon {
			ds.Errorf(src, "write one user:HASH a line; "+HashFix, "%s, %s: is not a user:hash entry (it has no ':')", what, e.Pos)
			ok = false
			continue
		}
		if !userNameRe.MatchString(e.Name) {
			// The name is not printed: a line without ':' may be a password.
			ds.Errorf(src, "write one user:HASH a line; user names are letters, digits and . _ @ + -", "%s, %s: is not a user:hash entry with a valid user name", what, e.Pos)
			ok = false
			continue
		}
		if seen[e.Name] {
			ds.Errorf(src, "keep one entry per user", "%s, %s: user %s is listed twice", what, e.Pos, e.Name)
			ok = false
			continue
		}
		seen[e.Name] = true
		if e.Hash == "" {
			ds.Errorf(src, HashFix+", and write "+e.Name+":HASH", "%s, %s: user %s has no password hash", what, e.Pos, e.Name)
			ok = false
			continue
		}
		scheme, prob := hashScheme(e.Hash)
		if prob != "" {
			ds.Errorf(src, HashFix+", and write "+e.Name+":HASH", "%s, %s: the password of user %s %s", what, e.Pos, e.Name, prob)
			ok = false
			continue
		}
		if _, prob, fix := hashWork(e.Hash, scheme); prob != "" {
			ds.Errorf(src, fix, "%s, %s: the password hash of user %s %s", what, e.Pos, e.Name, prob)
			ok = false
			continue
		}
		users = append(users, User{Name: e.Name, Hash: e.Hash, Scheme: scheme})
	}
	if !ok {
		return nil
	}
	if len(users) == 0 {
		ds.Errorf(src, "add user:HASH lines", "%s holds no users: nobody could log in", what)
	}
	return users
}

// WarnSlowHashes warns about users whose hashes HAProxy checks slowly:
// measured with HAProxy 2.6 on 2 vCPUs, a $6$ hash took 3 ms a login, a
// bcrypt one 30 ms (cost 5) to 1.3 s (cost 12), yescrypt 0.6 s. HAProxy
// checks on its event loop, so the thread serves nothing else meanwhile.
func WarnSlowHashes(a *Auth, what string, ds *Diagnostics) {
	var slow []string
	for _, u := range a.Users {
		if u.Scheme == "bcrypt" || u.Scheme == "yescrypt" {
			slow = append(slow, u.Name)
		}
	}
	if len(slow) > 0 {
		ds.Warnf(a.Source, HashFix+" (SHA-512: 3 ms)",
			"%s: the bcrypt or yescrypt hashes of %s cost HAProxy 30 ms to over a second of CPU at every login, during which its thread serves nothing else", what, strings.Join(slow, ", "))
	}
}

// SecretUsers reads the users of a compose secret; what names the secret
// in messages.
func SecretUsers(sec *Secret, src Source, ds *Diagnostics) []User {
	what := "secret " + sec.Name
	if sec.Name == "" {
		what = "file " + sec.File
	}
	if sec.Problem != "" {
		ds.Errorf(src, "give the secret a file: of user:HASH lines inside the project directory", "%s %s", what, sec.Problem)
		return nil
	}
	return CheckUsers(SplitUsers(string(sec.Content), "line"), what, src, ds)
}
