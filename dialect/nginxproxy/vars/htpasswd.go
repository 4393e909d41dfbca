package vars

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// HashScheme is the scheme of one htpasswd password.
type HashScheme int

const (
	HashUnknown     HashScheme = iota
	HashSHA512Crypt            // $6$: accepted
	HashSHA256Crypt            // $5$: accepted
	HashBcrypt                 // $2a$, $2b$, $2y$: accepted
	HashAPR1                   // $apr1$: refused
	HashMD5Crypt               // $1$: refused
	HashSHA1                   // {SHA}: refused
	HashSSHA                   // {SSHA}: refused
	HashPlain                  // {PLAIN} or no scheme: refused
	HashDES                    // 13-character crypt: refused
	HashYescrypt               // $y$: refused
)

func (h HashScheme) String() string {
	return [...]string{"unknown", "sha512-crypt", "sha256-crypt", "bcrypt", "apr1", "md5-crypt",
		"{SHA}", "{SSHA}", "plain", "des-crypt", "yescrypt"}[h]
}

// Accepted reports whether HAProxy can check the hash with the same result:
// these schemes are in every crypt(3) HAProxy is built with.
func (h HashScheme) Accepted() bool {
	return h == HashSHA512Crypt || h == HashSHA256Crypt || h == HashBcrypt
}

// User is one htpasswd line kept.
type User struct {
	Name   string
	Hash   string
	Scheme HashScheme
	Line   int
}

// Htpasswd is one basic-auth file: the users HAProxy gets as a userlist.
type Htpasswd struct {
	File  string // path in the proxy container
	Users []User
}

// rehash is the way out for every refused scheme.
const rehash = "re-hash the users' passwords with bcrypt (htpasswd -B %s <user>) or SHA-512 crypt (mkpasswd -m sha-512), which nginx and HAProxy both check"

// ParseHtpasswd reads the basic-auth file nginx-proxy would use, as nginx
// reads it: one "user:password[:comment]" a line, "#" lines are comments, the
// first line of a user wins. Every user whose hash HAProxy cannot check is an
// Error diagnostic (an access control is never dropped, and a user who could
// log in through nginx must not silently be locked out or let in); the
// caller must then refuse the file as a whole.
func ParseHtpasswd(file string, data []byte) (*Htpasswd, Diagnostics, error) {
	if len(data) > maxFileSize {
		return nil, nil, fmt.Errorf("%s of %d bytes (at most %d): %w", file, len(data), maxFileSize, ErrLimit)
	}
	h := &Htpasswd{File: file}
	var ds Diagnostics
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxFileSize)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		o := Origin{Source: "file", Key: file, Line: n}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			ds.add(Error, o, "", "not a \"user:password\" line")
			continue
		}
		hash, _, _ := strings.Cut(rest, ":")
		if strings.ContainsAny(name, " \t\"'\\#") {
			ds.add(Error, o, name, "user name with a space, quote, backslash or '#', which a HAProxy userlist cannot hold: rename the user")
			continue
		}
		if seen[name] {
			ds.add(Warning, o, name, "user listed again: nginx checks only the first line of a user, and so does this translation")
			continue
		}
		seen[name] = true
		u := User{Name: name, Hash: hash, Scheme: hashScheme(hash), Line: n}
		switch {
		case u.Scheme.Accepted():
			if !wellFormed(u) {
				ds.add(Error, o, name, "malformed %s hash: nobody could log in with it; "+rehash, u.Scheme, file)
				continue
			}
			h.Users = append(h.Users, u)
		case u.Scheme == HashUnknown:
			ds.add(Error, o, name, "unrecognised password hash; "+rehash, file)
		default:
			ds.add(Error, o, name, "%s password hash, which HAProxy cannot check (%s); "+rehash, u.Scheme, whyRefused(u.Scheme), file)
		}
	}
	if len(h.Users) == 0 && !ds.HasErrors() {
		ds.add(Warning, Origin{Source: "file", Key: file}, "", "no users: nginx refuses every request to this host with 401")
	}
	return h, ds, nil
}

func whyRefused(s HashScheme) string {
	switch s {
	case HashAPR1:
		return "Apache's MD5 variant, htpasswd's default, is checked by nginx itself but by no crypt(3)"
	case HashSHA1, HashSSHA:
		return "nginx checks this scheme itself; crypt(3) does not know it"
	case HashPlain:
		return "a plain-text password"
	case HashDES:
		return "DES crypt keeps 8 characters of the password and is not in every crypt(3)"
	case HashMD5Crypt:
		return "MD5 crypt is weak and missing from some crypt(3) builds"
	case HashYescrypt:
		return "yescrypt is missing from musl-based HAProxy images"
	}
	return ""
}

func hashScheme(h string) HashScheme {
	switch {
	case strings.HasPrefix(h, "$6$"):
		return HashSHA512Crypt
	case strings.HasPrefix(h, "$5$"):
		return HashSHA256Crypt
	case strings.HasPrefix(h, "$2a$"), strings.HasPrefix(h, "$2b$"), strings.HasPrefix(h, "$2y$"):
		return HashBcrypt
	case strings.HasPrefix(h, "$apr1$"):
		return HashAPR1
	case strings.HasPrefix(h, "$1$"):
		return HashMD5Crypt
	case strings.HasPrefix(h, "$y$"):
		return HashYescrypt
	case strings.HasPrefix(h, "{SHA}"):
		return HashSHA1
	case strings.HasPrefix(h, "{SSHA}"):
		return HashSSHA
	case strings.HasPrefix(h, "{PLAIN}"):
		return HashPlain
	case strings.HasPrefix(h, "$"), strings.HasPrefix(h, "{"):
		return HashUnknown
	case len(h) == 13 && strings.Trim(h, cryptAlphabet) == "":
		return HashDES
	}
	// nginx hands anything else to crypt(3), which fails or computes a DES
	// hash that never equals it: nobody logs in with such a line in nginx.
	return HashUnknown
}

const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// wellFormed checks the shape of an accepted hash, so that a truncated file
// is reported rather than loaded as users nobody can log in as.
func wellFormed(u User) bool {
	h := u.Hash
	switch u.Scheme {
	case HashBcrypt:
		// $2y$NN$ + 22 salt + 31 hash characters.
		return len(h) == 60 && h[3] == '$' && h[6] == '$' && h[4] >= '0' && h[4] <= '3' &&
			h[5] >= '0' && h[5] <= '9' && strings.Trim(h[7:], cryptAlphabet) == ""
	case HashSHA512Crypt, HashSHA256Crypt:
		parts := strings.Split(h[3:], "$")
		if len(parts) == 3 && strings.HasPrefix(parts[0], "rounds=") {
			parts = parts[1:]
		}
		want := 86
		if u.Scheme == HashSHA256Crypt {
			want = 43
		}
		return len(parts) == 2 && len(parts[0]) <= 16 && strings.Trim(parts[0], "$:\n") == parts[0] &&
			len(parts[1]) == want && strings.Trim(parts[1], cryptAlphabet) == ""
	}
	return false
}
