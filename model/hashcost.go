package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// HAProxy runs crypt(3) on every hash of every userlist at each start and
// reload (the check that it knows the scheme: three bcrypt hashes of cost
// 14 made "haproxy -c" take 2.5 s), and on the password of every login,
// on its event loop. A hash's cost is bounded near its scheme's default,
// and the sum over all userlists too (README: Safety, Limits).
const (
	// MaxSHARounds bounds rounds= of a $5$ or $6$ hash: twice the
	// default (5000), which crypt(3) uses when rounds= is left out.
	MaxSHARounds = 10_000
	// MaxBcryptCost bounds a bcrypt hash's cost: 12 is about 0.2 s a
	// check, each step doubling it (htpasswd -B's default is 5, PHP's
	// and Python's 10 and 12).
	MaxBcryptCost = 12
	// MaxYescryptNR bounds a yescrypt hash's N×r, which its time and
	// memory (128×N×r bytes) grow with: twice mkpasswd's default
	// ($y$j9T$: N 4096, r 32; 16 MiB), that is mkpasswd -m yescrypt -R 6.
	MaxYescryptNR = 2 * 4096 * 32
	// MaxHashWork bounds the estimated CPU of checking every hash of every
	// userlist once, as HAProxy does at each start and reload.
	MaxHashWork = 10 * time.Second
)

// Estimated single-core crypt(3) times (libxcrypt 4.4, Debian 12, on the
// machine the README's measures come from).
const (
	sha512PerRound  = 270 * time.Nanosecond // 1.3 ms at 5000 rounds
	sha256PerRound  = 330 * time.Nanosecond // 1.7 ms at 5000 rounds
	bcryptCost10    = 50 * time.Millisecond
	yescryptDefault = 20 * time.Millisecond // N×r = 4096×32
)

// hashWork estimates the CPU one crypt(3) of h, an accepted hash of
// scheme, takes; or says why its cost is refused (fix: how to hash again).
// Messages never repeat the hash.
func hashWork(h, scheme string) (work time.Duration, prob, fix string) {
	params := strings.Split(h, "$")[2] // "$6$rounds=N$salt$hash": "rounds=N"
	switch scheme {
	case "sha512", "sha256":
		rounds := 5000
		if v, ok := strings.CutPrefix(params, "rounds="); ok {
			rounds, _ = strconv.Atoi(v) // at most 9 digits (hashSchemes)
		}
		rounds = max(rounds, 1000) // crypt(3) takes fewer as 1000
		if rounds > MaxSHARounds {
			return 0, fmt.Sprintf("has rounds=%d: SHA-crypt above %d rounds slows every start, reload and login of HAProxy (the default is 5000)", rounds, MaxSHARounds),
				"hash the password again with: openssl passwd -6, or mkpasswd -m sha-512 -R 5000"
		}
		per := sha512PerRound
		if scheme == "sha256" {
			per = sha256PerRound
		}
		return time.Duration(rounds) * per, "", ""
	case "bcrypt":
		cost, _ := strconv.Atoi(params) // two digits (hashSchemes)
		switch {
		case cost < 4:
			return 0, fmt.Sprintf("has bcrypt cost %s, which crypt(3) refuses: every login would fail", params),
				"hash the password again with: htpasswd -nB -C 10 USER, or openssl passwd -6"
		case cost > MaxBcryptCost:
			return 0, fmt.Sprintf("has bcrypt cost %s: above %d, each check takes HAProxy's thread over 0.2 s, and each step doubles it", params, MaxBcryptCost),
				"hash the password again with: htpasswd -nB -C 10 USER, or openssl passwd -6"
		}
		return bcryptCost10 << cost >> 10, "", ""
	case "yescrypt":
		const fix = "hash the password again with: mkpasswd -m yescrypt (its default cost), or openssl passwd -6"
		_, rest, ok1 := decode64Uint32(params, 0) // the flavor
		nLog2, rest, ok2 := decode64Uint32(rest, 1)
		r, rest, ok3 := decode64Uint32(rest, 1)
		switch {
		case !ok1 || !ok2 || !ok3 || nLog2 > 40:
			return 0, "is not a well-formed yescrypt hash", fix
		case rest != "":
			return 0, "has yescrypt parameters beyond N and r (p, t or g), whose cost this tool does not estimate", fix
		}
		nr := uint64(r) << nLog2
		if nr > MaxYescryptNR {
			return 0, fmt.Sprintf("has yescrypt N×r %d (N=%d, r=%d): above %d (twice mkpasswd's default), each check takes HAProxy's thread over 40 ms and 128×N×r bytes", nr, uint64(1)<<nLog2, r, MaxYescryptNR), fix
		}
		return time.Duration(uint64(yescryptDefault) * nr / (4096 * 32)), "", ""
	}
	return 0, "", ""
}

const itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// decode64Uint32 reads one number of a yescrypt hash's parameters, which
// are written with a variable number of itoa64 characters: a first
// character in 0-47 stands alone; a higher one starts a longer number, its
// range saying how many characters follow, each adding 6 bits. min is added
// (N's log2 and r are written less 1).
func decode64Uint32(s string, min uint32) (uint32, string, bool) {
	if s == "" {
		return 0, s, false
	}
	c := uint64(strings.IndexByte(itoa64, s[0]))
	if c > 63 {
		return 0, s, false
	}
	var base uint64
	start, end, chars, bits := uint64(0), uint64(47), 1, uint(0)
	for c > end {
		base += (end + 1 - start) << bits
		if start >= 63 {
			return 0, s, false
		}
		start, end = end+1, end+1+(62-end)/2
		chars++
		bits += 6
	}
	if len(s) < chars {
		return 0, s, false
	}
	v := base + (c-start)<<bits
	for i := 1; i < chars; i++ {
		d := uint64(strings.IndexByte(itoa64, s[i]))
		if d > 63 {
			return 0, s, false
		}
		bits -= 6
		v += d << bits
	}
	v += uint64(min)
	if v > 1<<32-1 {
		return 0, s, false
	}
	return uint32(v), s[chars:], true
}

// limitHashWork refuses userlists whose hashes would take HAProxy more
// than MaxHashWork to check at each start and reload. Each backend with
// basic auth has a userlist of its own, even when several name one secret.
func limitHashWork(bs []Backend, stats *Auth, ds *Diagnostics) {
	var work time.Duration
	n := 0
	add := func(a *Auth) {
		if a == nil {
			return
		}
		for _, u := range a.Users {
			w, _, _ := hashWork(u.Hash, u.Scheme)
			work += w
			n++
		}
	}
	add(stats)
	for i := range bs {
		add(bs[i].Policy.Auth)
	}
	if work > MaxHashWork {
		ds.Errorf(Source{}, "use $6$ hashes (openssl passwd -6: about 1.3 ms each), fewer users, or basic auth on fewer services (each has its own userlist)",
			"the userlists hold %d password hashes, which HAProxy checks at every start and reload: about %.1f s of CPU, over the limit of %d s", n, work.Seconds(), int(MaxHashWork/time.Second))
	}
}
