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

// hashFix says how to make an accepted hash.
const hashFix = "hash the password with: openssl passwd -6"

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

// userEntry is one "user:hash" (or bare "user") of a list.
type userEntry struct {
	name, hash string
	colon      bool   // without one, the entry may be a password: never print it
	pos        string // "line 3" or "entry 2", for messages
}

// splitUsers reads "user:hash" entries separated by line breaks or commas
// (docker-flow-proxy's format; a crypt hash never holds a comma); blank
// entries and lines starting with '#' are skipped.
func splitUsers(content string, unit string) []userEntry {
	var out []userEntry
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
			out = append(out, userEntry{name: strings.TrimSpace(name), hash: strings.TrimSpace(hash), colon: colon, pos: pos})
		}
	}
	return out
}

// checkUsers turns entries into users, each with an accepted hash; what
// refers to the list in messages ("secret ops"). Problems are reported at
// src without ever printing a password or hash.
func checkUsers(entries []userEntry, what string, src Source, ds *Diagnostics) []User {
	if len(entries) > MaxUsers {
		ds.errorf(src, fmt.Sprintf("keep at most %d users in one list", MaxUsers), "%s has %d users", what, len(entries))
		return nil
	}
	var users []User
	seen := map[string]bool{}
	ok := true
	for _, e := range entries {
		if !e.colon {
			ds.errorf(src, "write one user:HASH a line; "+hashFix, "%s, %s: is not a user:hash entry (it has no ':')", what, e.pos)
			ok = false
			continue
		}
		if !userNameRe.MatchString(e.name) {
			// The name is not printed: a line without ':' may be a password.
			ds.errorf(src, "write one user:HASH a line; user names are letters, digits and . _ @ + -", "%s, %s: is not a user:hash entry with a valid user name", what, e.pos)
			ok = false
			continue
		}
		if seen[e.name] {
			ds.errorf(src, "keep one entry per user", "%s, %s: user %s is listed twice", what, e.pos, e.name)
			ok = false
			continue
		}
		seen[e.name] = true
		if e.hash == "" {
			ds.errorf(src, hashFix+", and write "+e.name+":HASH", "%s, %s: user %s has no password hash", what, e.pos, e.name)
			ok = false
			continue
		}
		scheme, prob := hashScheme(e.hash)
		if prob != "" {
			ds.errorf(src, hashFix+", and write "+e.name+":HASH", "%s, %s: the password of user %s %s", what, e.pos, e.name, prob)
			ok = false
			continue
		}
		if _, prob, fix := hashWork(e.hash, scheme); prob != "" {
			ds.errorf(src, fix, "%s, %s: the password hash of user %s %s", what, e.pos, e.name, prob)
			ok = false
			continue
		}
		users = append(users, User{Name: e.name, Hash: e.hash, Scheme: scheme})
	}
	if !ok {
		return nil
	}
	if len(users) == 0 {
		ds.errorf(src, "add user:HASH lines", "%s holds no users: nobody could log in", what)
	}
	return users
}

// warnSlowHashes warns about users whose hashes HAProxy checks slowly:
// measured with HAProxy 2.6 on 2 vCPUs, a $6$ hash took 3 ms a login, a
// bcrypt one 30 ms (cost 5) to 1.3 s (cost 12), yescrypt 0.6 s. HAProxy
// checks on its event loop, so the thread serves nothing else meanwhile.
func warnSlowHashes(a *Auth, what string, ds *Diagnostics) {
	var slow []string
	for _, u := range a.Users {
		if u.Scheme == "bcrypt" || u.Scheme == "yescrypt" {
			slow = append(slow, u.Name)
		}
	}
	if len(slow) > 0 {
		ds.warnf(a.Source, hashFix+" (SHA-512: 3 ms)",
			"%s: the bcrypt or yescrypt hashes of %s cost HAProxy 30 ms to over a second of CPU at every login, during which its thread serves nothing else", what, strings.Join(slow, ", "))
	}
}

// secretUsers reads the users of a compose secret; what names the secret
// in messages.
func secretUsers(sec *Secret, src Source, ds *Diagnostics) []User {
	what := "secret " + sec.Name
	if sec.Name == "" {
		what = "file " + sec.File
	}
	if sec.Problem != "" {
		ds.errorf(src, "give the secret a file: of user:HASH lines inside the project directory", "%s %s", what, sec.Problem)
		return nil
	}
	return checkUsers(splitUsers(string(sec.Content), "line"), what, src, ds)
}
