package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits keep the cost of a run close to the cost of loading the compose
// files (README: Safety), whatever the labels say: an input beyond one is
// an error naming it, found before the work it would cost.
const (
	// MaxListItems bounds the items of one list value: SERVICE_TAGS, a
	// com.df.* list.
	MaxListItems = 1000
	// MaxPorts bounds the routed ports of one service: each is a backend
	// (expose: ["1-65535"] with --all would be 65,535).
	MaxPorts = 1000
	// MaxBackendPairs bounds a backend's hosts × paths: each pair is an
	// ACL match HAProxy tries and a row of the routes table.
	MaxBackendPairs = 10_000
	// MaxPairs bounds the hosts × paths of the whole project.
	MaxPairs = 100_000
	// MaxTotalSlots bounds the server-template slots of the whole project:
	// HAProxy's start-up time and memory grow with each (about 34 µs and
	// 4 KiB a slot with HAProxy 2.6).
	MaxTotalSlots = 65_536
	// maxRegexLen bounds a regex the config holds: HAProxy's PCRE2 refuses
	// a compiled pattern over 64 KiB, which a strip_path alternation of
	// about 30,000 characters reaches.
	maxRegexLen = 16_000
)

// listTooLong reports, as an error, a list value of more than MaxListItems
// items.
func ListTooLong(v string, src Source, ds *Diagnostics) bool {
	n := 1
	for i := range len(v) {
		if v[i] == ',' {
			n++
		}
	}
	if n <= MaxListItems {
		return false
	}
	ds.Errorf(src, "split the service, or route it by fewer names and paths",
		"%s holds %d items; the limit is %d", src.Key, n, MaxListItems)
	return true
}

// SplitList splits a comma-separated list value into its items, without
// the spaces around them and without empty ones.
func SplitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// pairs is the number of host and path pairs b routes (a redirect is a
// host; no path counts as one).
func (b *Backend) pairs() int {
	return (len(b.Hosts) + len(b.Redirects)) * max(len(b.Paths), 1)
}

// limitBackends drops the backends over MaxBackendPairs, and all of them
// when the project is over MaxPairs or MaxTotalSlots, each with an error.
// It keeps them in bs's own array (a backend is a kilobyte).
func limitBackends(bs []Backend, ds *Diagnostics) []Backend {
	kept := bs[:0]
	total, slots := 0, 0
	for i := range bs {
		b := &bs[i] // not a copy of a kilobyte each
		if n := b.pairs(); n > MaxBackendPairs {
			ds.Errorf(Source{Service: b.Service}, "split the service, or route it by fewer names and paths",
				"%s routes %d hosts × %d paths = %d host and path pairs; the limit is %d",
				b.Service, len(b.Hosts)+len(b.Redirects), max(len(b.Paths), 1), n, MaxBackendPairs)
			continue
		}
		total += b.pairs()
		slots += b.Servers.Slots
		if len(kept) < i {
			kept = append(kept, *b) // after a dropped one: moved down
		} else {
			kept = kept[:i+1]
		}
	}
	if total > MaxPairs {
		ds.Errorf(Source{}, "route fewer names and paths, or split the project into several configs",
			"the project routes %d host and path pairs in all; the limit is %d", total, MaxPairs)
		return nil
	}
	if slots > MaxTotalSlots {
		ds.Errorf(Source{}, "lower "+OptionSlots.Ref()+" or the slots= tags",
			"the server-templates hold %d slots in all; the limit is %d, as HAProxy's start-up time and memory grow with each", slots, MaxTotalSlots)
		return nil
	}
	return kept
}

func checkStripRegex(b *Backend, ds *Diagnostics) {
	if !b.StripPath {
		return
	}
	if n := len(StripRegex(b.Paths)); n > maxRegexLen {
		ds.Errorf(b.tagSource("strip_path"), "strip fewer or shorter paths, or rewrite in the service",
			"strip_path would match %d paths with one regex of %d characters, more than HAProxy compiles (the limit here is %d)", len(b.Paths), n, maxRegexLen)
	}
}

// shorten cuts a long value for a message: its start and its length.
func shorten(s string) string {
	const keep = 100
	if len(s) <= keep+20 {
		return s
	}
	cut := keep
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut-- // not inside a UTF-8 sequence
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:cut], len(s))
}

// LimitDoc is a row of the limits' table in docs/safety-and-limits.md,
// which is made from LimitDocs so that page and code cannot disagree.
type LimitDoc struct {
	What, Value, Why string // Markdown
}

// Thousands writes n as a person reads it: 10000 as 10,000.
func Thousands(v int) string {
	s := strconv.Itoa(v)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// LimitDocs lists the limits above, those of other files and those of the
// dialects, with their values taken from the constants that enforce them.
func LimitDocs(dialects []Dialect) []LimitDoc {
	n := Thousands
	docs := []LimitDoc{
		{"items in one list value (`SERVICE_TAGS`, a `com.df.*` list)", n(MaxListItems), "10,000 tags were 1 GB of diagnostics"},
		{"routed ports of one service", n(MaxPorts), "`expose: [\"1-65535\"]` with `" + OptionAll.Ref() + "` is 65,535 backends"},
		{"hosts × paths of one service (a redirect is a host)", n(MaxBackendPairs), "2,000 aliases × 2,000 paths took 9.6 s and 1.4 GiB"},
		{"hosts × paths in all", n(MaxPairs), ""},
		{"server-template slots of one service", n(MaxSlots), "HAProxy's start-up slows with every slot: `slots=` and `" + OptionSlots.Ref() + "` beyond it are errors, more `replicas` are capped with a warning"},
		{"server-template slots in all", n(MaxTotalSlots), "100 services with `slots=4096` made `haproxy -c` take 14 s and 1.75 GB"},
		{"the `strip_path` regex (all of a service's paths)", n(maxRegexLen) + " characters", "HAProxy's PCRE2 refuses about 30,000"},
		{"a header value", n(maxHeaderValue) + " characters", "one config line each"},
		{"`cors_origin` origins of one service", n(maxOrigins), "they share one line of at most 64 words"},
		{"users in one list (a secret, `com.df.users`, `" + OptionStatsAuth.Ref() + "`)", n(MaxUsers), "each is a line of the config"},
		{"`" + OptionTrustedProxies.Ref() + "` networks", n(MaxTrustedProxies), "each is a word of one ACL"},
		{"one password hash: SHA-crypt `rounds=`, bcrypt cost, yescrypt N×r",
			n(MaxSHARounds) + "; " + n(MaxBcryptCost) + "; " + n(MaxYescryptNR) + " (twice `mkpasswd`'s default)",
			"HAProxy runs crypt(3) on each at every start, reload and login, on its event loop: `rounds=999999999` is minutes"},
		{"the password hashes of all userlists (the stats page's and each service's), estimated",
			MaxHashWork.String() + " of CPU to check once",
			"HAProxy checks each at every start and reload: 60 bcrypt hashes of cost 12 are 12 s"},
	}
	for _, t := range tables(dialects) {
		docs = append(docs, t.Limits...)
	}
	return docs
}
