package model

import (
	"cmp"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Policy says who may reach a backend and how much they may send. Its zero
// value lets every request through. The rules run in the order of the
// fields: the cheap refusals first, basic auth (a slow hash) after the rate
// limit, and the body, which HAProxy may have to wait for, last.
type Policy struct {
	// DenyHTTP refuses plain-HTTP requests with 403 (deny_http,
	// com.df.denyHttp).
	DenyHTTP *Source `json:"deny_http,omitempty"`
	// Allow lets in only clients in these networks (allow=); empty: every
	// client. Deny refuses clients in these networks (deny=), allowed or
	// not. Either way the refusal is a 403.
	Allow []Network `json:"allow,omitempty"`
	Deny  []Network `json:"deny,omitempty"`
	// Maintenance answers every request with 503, Retry-After and a short
	// page; no request reaches the servers.
	Maintenance *Source    `json:"maintenance,omitempty"`
	RateLimit   *RateLimit `json:"rate_limit,omitempty"`
	MaxInFlight *InFlight  `json:"max_in_flight,omitempty"`
	// Methods are the methods let in (method=, com.df.allowedMethods),
	// without the denied ones; empty: every method but DeniedMethods
	// (com.df.deniedMethods). Others get 405 with an Allow header.
	Methods       []Method   `json:"methods,omitempty"`
	DeniedMethods []Method   `json:"denied_methods,omitempty"`
	Auth          *Auth      `json:"auth,omitempty"`
	MaxBody       *BodyLimit `json:"max_body,omitempty"`
}

// Network is a client address or network, as HAProxy's src ACL takes it:
// "10.0.0.0/8", "192.168.1.5", "2001:db8::/32".
type Network struct {
	CIDR   string `json:"cidr"`
	Source Source `json:"source"`
}

// RateLimit refuses a source's requests beyond Requests in Period with
// 429 and Retry-After.
type RateLimit struct {
	Requests int    `json:"requests"`
	Period   string `json:"period"`  // as HAProxy reads it: "10s"
	Seconds  int    `json:"seconds"` // the period in seconds
	// RetryAfter is twice the period: HAProxy's rate is an estimate over
	// the current period and the one before, so a client that waits two
	// periods is sure to get in (most get in after one, when HAProxy
	// forgets a source idle for a period).
	RetryAfter int `json:"retry_after"`
	// Per and Header say what a source is, as InFlight's: "" the client
	// address, "host" the Host header as sent, "header" the value of the
	// header Header; a missing or empty one is one source of its own.
	Per    string `json:"per,omitempty"`
	Header string `json:"header,omitempty"`
	Source Source `json:"source"`
}

// InFlight refuses a request with 429 while Requests others of its
// source are in progress in the backend (max_in_flight): a request counts
// from when HAProxy lets it in to the last byte of its response.
type InFlight struct {
	Requests int `json:"requests"` // at most this many at once
	// Per is what a source is: "" the client address, "host" the Host
	// header as the client wrote it (case and port kept), "header" the
	// value of the header Header (its first line, whole); a missing or
	// empty Host or header is one source of its own.
	Per    string `json:"per,omitempty"`
	Header string `json:"header,omitempty"` // as written; HAProxy finds it in any case
	Source Source `json:"source"`
}

// BodyLimit refuses a request body larger than Bytes with 413.
type BodyLimit struct {
	Bytes  int64  `json:"bytes"`
	Size   string `json:"size"` // as written: "512k"
	Source Source `json:"source"`
}

// Method is an HTTP method a policy names.
type Method struct {
	Name   string `json:"name"`
	Source Source `json:"source"`
}

// Open reports whether the policy lets every request through.
func (p Policy) Open() bool {
	return p.DenyHTTP == nil && len(p.Allow) == 0 && len(p.Deny) == 0 && p.Maintenance == nil && p.RateLimit == nil && p.MaxInFlight == nil &&
		len(p.Methods) == 0 && len(p.DeniedMethods) == 0 && p.Auth == nil && p.MaxBody == nil
}

// policyTags say who may reach a service. Each refusal is an HTTP status,
// so they all need HTTP.
var policyTags = []tagDef{
	{name: "auth", value: SecretName, http: true,
		doc:     "basic auth: NAME is a top-level compose secret whose file holds `user:HASH` lines (`openssl passwd -6`); others get 401",
		example: "auth=ops",
		apply:   applyAuthTag},
	{name: "allow", value: network, repeatable: true, http: true,
		doc:     "only clients in this network or address (IPv4 or IPv6) get in; others get 403",
		example: "allow=10.0.0.0/8",
		apply:   func(b *Backend, v string, cx tagContext) { b.Policy.Allow = append(b.Policy.Allow, Network{v, cx.src}) }},
	{name: "deny", value: network, repeatable: true, http: true,
		doc:     "clients in this network or address get 403, even when allowed",
		example: "deny=192.168.1.13",
		apply:   func(b *Backend, v string, cx tagContext) { b.Policy.Deny = append(b.Policy.Deny, Network{v, cx.src}) }},
	{name: "rate_limit", value: rate, http: true,
		doc: "at most N requests per PERIOD (`s`, `m`, `h`) from one client address; more get 429 with `Retry-After`. " +
			"`N/PERIOD/host` counts per `Host` header as sent, `N/PERIOD/header:NAME` per value of the header NAME (requests without it count as one source)",
		example: "rate_limit=100/10s",
		apply:   func(b *Backend, v string, cx tagContext) { b.Policy.RateLimit = parseRate(v, cx.src) }},
	{name: "max_in_flight", value: inFlight, http: true,
		doc: "at most N requests in progress at once from one client address; more get 429 (a request counts until its response ends). " +
			"`N/host` counts per `Host` header as sent, `N/header:NAME` per value of the header NAME (requests without it count as one source)",
		example: "max_in_flight=10",
		apply:   func(b *Backend, v string, cx tagContext) { b.Policy.MaxInFlight = parseInFlight(v, cx.src) }},
	{name: "max_body", value: bodySize, http: true,
		doc:     "request bodies over SIZE (`512k`, `10m`; 1024-based) get 413, chunked ones too (see below)",
		example: "max_body=10m",
		apply: func(b *Backend, v string, cx tagContext) {
			n, _ := parseSize(v)
			b.Policy.MaxBody = &BodyLimit{Bytes: n, Size: v, Source: cx.src}
		}},
	{name: "method", value: HTTPMethod, repeatable: true, http: true,
		doc:     "only these methods get in (`GET` lets `HEAD` in too); others get 405 with `Allow`",
		example: "method=GET",
		apply: func(b *Backend, v string, cx tagContext) {
			b.Policy.Methods = append(b.Policy.Methods, Method{v, cx.src})
		}},
	{name: "deny_http", http: true, https: "plain-HTTP requests get 403",
		doc:     "plain-HTTP requests get 403; unlike `https_only`, nothing is redirected",
		example: "deny_http",
		apply:   func(b *Backend, _ string, cx tagContext) { b.Policy.DenyHTTP = &cx.src }},
	{name: "maintenance", http: true,
		doc:     "every request gets 503 with `Retry-After` and a short page; the servers get no requests",
		example: "maintenance",
		apply:   func(b *Backend, _ string, cx tagContext) { b.Policy.Maintenance = &cx.src }},
}

var (
	SecretName = &Form{"NAME", "give the name of a top-level compose secret", checkSecretName}
	network    = &Form{"CIDR", "give an address or network like 10.0.0.0/8, 192.168.1.5 or 2001:db8::/32", checkNetwork}
	rate       = &Form{"N/PERIOD[/SOURCE]", "give requests per period like 100/10s, 20/s or 1000/h, per client address, or 100/10s/host or 100/10s/header:X-Api-Key", checkRate}
	inFlight   = &Form{"N[/SOURCE]", "give a number of requests like 10, per client address, or 10/host or 10/header:X-Api-Key", checkInFlight}
	bodySize   = &Form{"SIZE", "give a size like 512k, 10m or 1g (1024-based), or bytes", func(v string) (string, string) {
		_, prob := parseSize(v)
		return strings.ToLower(v), prob
	}}
	HTTPMethod = &Form{"METHOD", "give a method like GET or POST", checkMethod}
)

var secretNameRe = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

func checkSecretName(v string) (string, string) {
	if prob := UnsafeChar(v); prob != "" {
		return "", prob
	}
	if !secretNameRe.MatchString(v) {
		return "", "is not a compose secret name (letters, digits, '.', '_' and '-')"
	}
	return v, ""
}

// checkNetwork normalises an address or a network. A network with bits
// set after its prefix (10.1.2.3/8) is refused: it is usually a typo for
// an address or another prefix length.
func checkNetwork(v string) (string, string) {
	if prob := UnsafeChar(v); prob != "" {
		return "", prob
	}
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		switch {
		case err != nil:
			return "", "is not an IPv4 or IPv6 network like 10.0.0.0/8"
		case p.Masked() != p:
			return "", fmt.Sprintf("has bits set after its /%d prefix: write %s, or the address alone", p.Bits(), p.Masked())
		}
		return p.String(), ""
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return "", "is not an IPv4 or IPv6 address"
	}
	return a.Unmap().String(), ""
}

var rateRe = regexp.MustCompile(`^([0-9]{1,7})/([0-9]{0,5})(s|m|h)$`)

var unitSeconds = map[string]int{"s": 1, "m": 60, "h": 3600}

// checkRate reads N/PERIOD[/SOURCE] ("100/10s", "20/s/host") and gives the
// rate as N/SECONDSs, the one unit HAProxy's rate and Retry-After share.
func checkRate(v string) (string, string) {
	if prob := UnsafeChar(v); prob != "" {
		return "", prob
	}
	n, rest, _ := strings.Cut(v, "/")
	period, per, keyed := strings.Cut(rest, "/")
	m := rateRe.FindStringSubmatch(n + "/" + period)
	if m == nil {
		return "", "is not N/PERIOD like 100/10s"
	}
	requests, _ := strconv.Atoi(m[1])
	count := 1
	if m[2] != "" {
		count, _ = strconv.Atoi(m[2])
	}
	secs := count * unitSeconds[m[3]]
	switch {
	case requests < 1 || requests > 1_000_000:
		return "", "allows fewer than 1 or more than 1000000 requests"
	case secs < 1 || secs > 86400:
		return "", "has a period shorter than 1s or longer than a day"
	}
	norm := fmt.Sprintf("%d/%ds", requests, secs)
	if !keyed {
		return norm, ""
	}
	src, prob := checkPer(per, "N/PERIOD")
	if prob != "" {
		return "", prob
	}
	return norm + "/" + src, ""
}

// parseRate reads what checkRate normalised.
func parseRate(v string, src Source) *RateLimit {
	n, rest, _ := strings.Cut(v, "/")
	period, per, _ := strings.Cut(rest, "/")
	secs, _ := strconv.Atoi(strings.TrimSuffix(period, "s"))
	r := &RateLimit{Requests: atoi(n), Period: period, Seconds: secs, RetryAfter: 2 * secs, Source: src}
	r.Per, r.Header = cutPer(per)
	return r
}

// checkInFlight reads N, N/host or N/header:NAME.
func checkInFlight(v string) (string, string) {
	if prob := UnsafeChar(v); prob != "" {
		return "", prob
	}
	n, per, slash := strings.Cut(v, "/")
	count, prob := ParseInt(n, 1, 1_000_000)
	if prob != "" {
		return "", "has a number of requests that " + prob
	}
	if !slash {
		return strconv.Itoa(count), ""
	}
	src, prob := checkPer(per, "N")
	if prob != "" {
		return "", prob
	}
	return strconv.Itoa(count) + "/" + src, ""
}

// parseInFlight reads what checkInFlight normalised.
func parseInFlight(v string, src Source) *InFlight {
	n, per, _ := strings.Cut(v, "/")
	f := &InFlight{Requests: atoi(n), Source: src}
	f.Per, f.Header = cutPer(per)
	return f
}

// checkPer reads the source a limit counts per, after its value's last
// slash: "host" or "header:NAME" (the word in any case, the name as
// written, as messages show it). limit is the value's form before the
// slash, for the fix.
func checkPer(per, limit string) (string, string) {
	lower := strings.ToLower(per)
	switch {
	case lower == "host":
		return "host", ""
	case strings.HasPrefix(lower, "header:"):
		header := per[len("header:"):]
		if prob := CheckHeaderName(header); prob != "" {
			return "", fmt.Sprintf("names the header %s, which %s", Printable(header), prob)
		}
		return "header:" + header, ""
	}
	return "", fmt.Sprintf("counts per %s: write %s (per client address), %[2]s/host or %[2]s/header:NAME", Printable(per), limit)
}

// cutPer reads what checkPer normalised as a limit's Per and Header.
func cutPer(per string) (string, string) {
	if header, ok := strings.CutPrefix(per, "header:"); ok {
		return "header", header
	}
	return per, ""
}

var sizeRe = regexp.MustCompile(`^([0-9]{1,13})([kmg]?)$`)

// MaxBodyLimit is the largest max_body: a terabyte, far beyond any body
// HAProxy should pass, and far from int64's end.
const MaxBodyLimit = 1 << 40

// parseSize reads a byte count with an optional k, m or g (1024-based,
// as HAProxy's sizes), in either case.
func parseSize(v string) (int64, string) {
	if prob := UnsafeChar(v); prob != "" {
		return 0, prob
	}
	m := sizeRe.FindStringSubmatch(strings.ToLower(v))
	if m == nil {
		return 0, "is not a size like 512k, 10m or 1g"
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	n <<= map[string]int{"": 0, "k": 10, "m": 20, "g": 30}[m[2]]
	if n < 1 || n > MaxBodyLimit {
		return 0, "is not a size from 1 byte to 1024g"
	}
	return n, ""
}

var methodRe = regexp.MustCompile(`^[A-Z][A-Z-]{0,31}$`)

// checkMethod upper-cases a method: HAProxy compares them case-sensitively
// and clients send them in capitals.
func checkMethod(v string) (string, string) {
	if prob := UnsafeChar(v); prob != "" {
		return "", prob
	}
	m := strings.ToUpper(v)
	if !methodRe.MatchString(m) {
		return "", "is not an HTTP method like GET (letters and '-')"
	}
	return m, ""
}

// commonMethods are what the Allow header of a 405 lists when only denied
// methods are known.
var commonMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// applyAuthTag sets basic auth from the secret an auth=NAME tag names.
func applyAuthTag(b *Backend, name string, cx tagContext) {
	if b.Policy.Auth != nil {
		cx.ds.Errorf(cx.src, "keep one of them", "basic auth is set twice: by %s and by %s", cx.src.Item, b.Policy.Auth.Source.Key)
		return
	}
	sec := cx.secrets[name]
	if sec == nil {
		cx.ds.Errorf(cx.src, fmt.Sprintf("declare it under the top-level secrets: key, like secrets: {%s: {file: ./%s.users}}", name, name),
			"there is no compose secret %q", name)
		return
	}
	if users := SecretUsers(sec, cx.src, cx.ds); users != nil {
		b.Policy.Auth = &Auth{Secret: name, Users: users, Source: cx.src}
		WarnSlowHashes(b.Policy.Auth, "secret "+name, cx.ds)
	}
}

// finishPolicy settles what depends on more than one setting: denied
// methods leave the allowed list, GET lets HEAD in, and the methods come
// out sorted and once each.
func finishPolicy(p *Policy, ds *Diagnostics) {
	if len(p.Methods) == 0 {
		p.DeniedMethods = sortMethods(p.DeniedMethods)
		return
	}
	denied := map[string]bool{}
	for _, m := range p.DeniedMethods {
		denied[m.Name] = true
	}
	var allowed []Method
	for _, m := range p.Methods {
		if !denied[m.Name] {
			allowed = append(allowed, m)
		}
		if m.Name == "GET" && !denied["HEAD"] {
			allowed = append(allowed, Method{"HEAD", m.Source})
		}
	}
	if len(allowed) == 0 {
		ds.Errorf(p.Methods[0].Source, "allow at least one method the denied methods leave", "every allowed method is also denied: no request could get in")
	}
	p.Methods = sortMethods(allowed)
	p.DeniedMethods = sortMethods(p.DeniedMethods)
}

func sortMethods(ms []Method) []Method {
	slices.SortStableFunc(ms, func(a, b Method) int { return strings.Compare(a.Name, b.Name) })
	return slices.CompactFunc(ms, func(a, b Method) bool { return a.Name == b.Name })
}

// AllowHeader is the Allow header of a 405: the allowed methods, or the
// common methods the policy does not deny.
func (p Policy) AllowHeader() string {
	var names []string
	if len(p.Methods) > 0 {
		for _, m := range p.Methods {
			names = append(names, m.Name)
		}
	} else {
		for _, m := range commonMethods {
			if !slices.ContainsFunc(p.DeniedMethods, func(d Method) bool { return d.Name == m }) {
				names = append(names, m)
			}
		}
	}
	return strings.Join(names, ",")
}

// loopbackListener reports whether a listen address ([HOST]:PORT) takes
// connections from this host only: a loopback address (127.0.0.0/8, ::1)
// or localhost. No host, 0.0.0.0 or [::] is every address.
func loopbackListener(addr string) bool {
	host := addr[:max(strings.LastIndex(addr, ":"), 0)]
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// MaxTrustedProxies bounds --trusted-proxy: each is a word of one ACL.
const MaxTrustedProxies = 256

// checkAccessFlags checks the command-line options about clients: the
// trusted proxies and the users of the stats page.
func checkAccessFlags(opts Options, ds *Diagnostics) ([]Network, *Auth) {
	var trusted []Network
	for _, v := range opts.TrustedProxies {
		src := OptionTrustedProxies.source(v)
		n, prob := checkNetwork(v)
		if prob != "" {
			ds.Errorf(src, network.Fix, "trusted proxy %s", prob)
			continue
		}
		trusted = append(trusted, Network{n, src})
	}
	if len(trusted) > MaxTrustedProxies {
		ds.Errorf(trusted[0].Source, "give networks rather than addresses", "more than %d trusted proxies", MaxTrustedProxies)
	}
	slices.SortFunc(trusted, func(a, b Network) int { return strings.Compare(a.CIDR, b.CIDR) })
	trusted = slices.CompactFunc(trusted, func(a, b Network) bool { return a.CIDR == b.CIDR })
	if opts.StatsAuth == nil {
		if stats := opts.Listen.Stats; stats != "" && !loopbackListener(stats) {
			ds.Warnf(OptionStats.source(stats), "give "+OptionStatsAuth.Ref()+" users, or listen on a loopback address like 127.0.0.1:8404",
				"the stats page listens beyond this host and asks for no password: whoever reaches it sees every backend, server address and health")
		}
		return trusted, nil
	}
	src := OptionStatsAuth.source(cmp.Or(opts.StatsAuth.Name, opts.StatsAuth.File))
	if opts.Listen.Stats == "" {
		ds.Errorf(src, "give "+OptionStats.Ref()+" an address, or drop "+OptionStatsAuth.Ref(), "the stats page's users are given, but the stats page is off")
		return trusted, nil
	}
	users := SecretUsers(opts.StatsAuth, src, ds)
	if users == nil {
		return trusted, nil
	}
	a := &Auth{Secret: opts.StatsAuth.Name, Users: users, Source: src}
	WarnSlowHashes(a, "the stats page", ds)
	return trusted, a
}
