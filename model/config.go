package model

import "strings"

// Config is everything the renderer needs, already validated and sorted:
// rendering it cannot fail on input and cannot leak map order.
type Config struct {
	Version string   `json:"version"` // tool version, for the header
	Files   []string `json:"files"`   // input files, for the header
	// Projects are the names of the compose projects of a run of several
	// (BuildProjects), sorted; nil for one project.
	Projects []string `json:"projects,omitempty"`
	// Command is the command line that made the config (Options.Command).
	Command   []string  `json:"command,omitempty"`
	Listen    Listen    `json:"listen"`
	Resolvers []string  `json:"resolvers"` // nameserver addresses, in the order given
	DNSRate   int       `json:"dns_rate"`  // the most DNS queries a second while nothing changes (Options.DNSRate)
	Backends  []Backend `json:"backends"`
	// Routes are the HTTP routing rules in the order HAProxy must try them
	// (see SortRoutes): the first that matches a request wins.
	Routes []Route `json:"routes"`
	// HostMap, when set, is the path of a map file (host or wildcard and
	// path → backend, see render.HostMap) in which the config looks up the
	// routes of exact hosts and of wildcards.
	HostMap string `json:"host_map,omitempty"`
	// Runtime, when set, is where HAProxy keeps its runtime socket and the
	// server state a reload starts from (Options.RuntimeDir).
	Runtime *Runtime `json:"runtime,omitempty"`
	// TrustedProxies are the networks whose X-Forwarded-For gives the
	// client address (its last value); others' connections are the client.
	TrustedProxies []Network `json:"trusted_proxies,omitempty"`
	// StatsAuth protects the stats page; nil: it is open.
	StatsAuth *Auth `json:"stats_auth,omitempty"`
	// Admissions are the services that others let answer requests their
	// routes match (compose2haproxy.admit), by the admitting service.
	Admissions []Admission `json:"admissions,omitempty"`
	// DefaultBackend is the backend of requests no route matches; empty:
	// they get a 404.
	DefaultBackend string `json:"default_backend,omitempty"`
	Additions             // the target version and its features (features.go)
}

// Listen holds the addresses the proxy listens on; empty means off.
type Listen struct {
	HTTP  string `json:"http"`            // the HTTP listener
	Stats string `json:"stats,omitempty"` // the stats page's listener, served at /stats
	HTTPS string `json:"https,omitempty"` // the HTTPS listener; empty without Certs
	Certs string `json:"certs,omitempty"` // the directory of PEM files (certificate and key), picked by SNI
	// HTTPSPort is the port clients reach HTTPS on, which redirects to
	// https name (443 is left out of the URL): set when a port mapping
	// differs, else HTTPS's port. 0 without Certs.
	HTTPSPort int `json:"https_port,omitempty"`
	// AcceptProxy makes every listener take the PROXY protocol
	// (--accept-proxy): the client address is the one its header carries.
	AcceptProxy bool `json:"accept_proxy,omitempty"`
	// ACME makes the HTTPS listener, also without Certs, serve the
	// certificates HAProxy gets by ACME (set from Options.Features).
	ACME bool `json:"acme,omitempty"`
}

// Source records where a value came from, so every host, path and option can
// be traced back to the compose file in errors, JSON and the routes table.
type Source struct {
	// Project is the compose project of Service when a run builds several
	// (BuildProjects); empty for one.
	Project string `json:"project,omitempty"`
	Service string `json:"service"`
	// Key is the label or environment key ("SERVICE_TAGS"), or an Option
	// ("slots") for values that come from Options.
	Key   string `json:"key"`
	Value string `json:"value"`
	// Item is the entry of a list value (one tag of SERVICE_TAGS, one path
	// of com.df.servicePath) that gave this; empty for a whole value.
	Item string `json:"item,omitempty"`
	// From is "labels", "deploy.labels", "environment", "option" or
	// "compose" (a value docker compose itself defines, like a port).
	From string `json:"from"`
	// shown is the value as a diagnostic shows it, when Value had to be
	// made safe to print into the config (SafeShown): only messages,
	// which never reach the config, carry it (see Shown).
	shown string
}

// Equal reports whether s and o are the same, shown value too (go-cmp
// calls it: it does not read unexported fields).
func (s Source) Equal(o Source) bool { return s == o }

// Shown returns s with raw as the value its diagnostics show, Value
// staying what the config may print: a Traefik rule's backquotes and
// spaces read as written on stderr, and as '?' in a template's comment.
func (s Source) Shown(raw string) Source {
	if raw != s.Value {
		s.shown = raw
	}
	return s
}

// item is s narrowed to one entry of its list value.
func (s Source) WithItem(entry string) Source {
	s.Item = entry
	return s
}

// Host is one name a backend answers to, lower-case. A wildcard host is
// "*.example.com" and matches one or more leading labels.
type Host struct {
	Name   string `json:"name"`
	Source Source `json:"source"`
}

// Wildcard reports whether h is "*.suffix".
func (h Host) Wildcard() bool { return len(h.Name) > 2 && h.Name[:2] == "*." }

// Suffix is the part a wildcard host requires at the end (".example.com").
func (h Host) Suffix() string { return h.Name[1:] }

// Path is a segment-aware URL prefix without a trailing slash: "/api"
// matches "/api" and "/api/x", not "/apix". The empty prefix matches all.
// Kind makes it an exact path or a plain string prefix instead.
type Path struct {
	Prefix string   `json:"prefix"`
	Kind   PathKind `json:"kind,omitempty"`
	Source Source   `json:"source"`
}

// PathKind says how a Path matches: "" by whole segments, PathExact the
// path itself only, PathBegins any path that starts with the prefix as a
// string (Traefik's PathPrefix: "/api" matches "/apix", and "/api/"
// keeps its slash). Neither is ever empty.
type PathKind string

const (
	PathExact  PathKind = "exact"
	PathBegins PathKind = "begins"
)

// order sorts paths of one prefix: the exact one first, then by segment,
// then by string, the most specific first.
func (k PathKind) order() int {
	switch k {
	case PathExact:
		return 0
	case PathBegins:
		return 2
	}
	return 1
}

// Backend is one routed port of one compose service. No Hosts means any
// host (a docker-flow-proxy service with paths and no serviceDomain).
type Backend struct {
	Name string `json:"name"` // HAProxy backend name, unique
	// Project is the compose project of Service when a run builds several
	// (BuildProjects); empty for one. Name then starts with "<Project>.".
	Project string `json:"project,omitempty"`
	Service string `json:"service"` // compose service
	Port    int    `json:"port"`
	// Variant is the route of the port it is (Claim.Routes: a Traefik
	// router); empty when the port has one.
	Variant string `json:"variant,omitempty"`
	Hosts   []Host `json:"hosts"`           // exact hosts first, then wildcards, each sorted
	Paths   []Path `json:"paths,omitempty"` // longest first; empty means every path
	// StripPath removes the matched path prefix before forwarding.
	StripPath bool `json:"strip_path"`
	Sticky    bool `json:"sticky_session"`
	// StickyCookie names and flags the sticky session's cookie (Traefik's
	// sticky.cookie); nil: SRV, without flags.
	StickyCookie *Cookie `json:"sticky_cookie,omitempty"`
	Balance      string  `json:"balance"`
	Timeout      string  `json:"timeout,omitempty"` // server timeout; empty: defaults
	Check        Check   `json:"check"`
	Servers      Servers `json:"servers"`
	// Shared are the server-templates of the other compose services routed
	// under the same name, paths and conditions: one backend, its requests
	// split by weight (a canary, blue/green). Sorted by service.
	Shared []Servers `json:"shared,omitempty"`
	Tags   []Tag     `json:"tags,omitempty"` // every tag as given, known or not, for templates
	// HTTPSOnly redirects plain-HTTP requests to https (https_only).
	HTTPSOnly bool `json:"https_only"`
	// HTTPSRedirectCode is the status of that redirect for every method
	// (com.df.httpsRedirectCode); 0: 301 for GET and HEAD, 308 for the
	// others, which clients repeat with the same method and body.
	HTTPSRedirectCode int `json:"https_redirect_code,omitempty"`
	// HTTPSRedirectTemporary, with HTTPSRedirectCode 0, makes that
	// redirect temporary: 302 for GET and HEAD, 307 for the others
	// (Traefik's redirectScheme without permanent).
	HTTPSRedirectTemporary bool `json:"https_redirect_temporary,omitempty"`
	// Canonical is the host that Redirects lead to: the first explicit host
	// (com.df.serviceDomain), else <name>.<first domain>, else the first
	// server_alias, else the name. Empty for a route on any host.
	Canonical string `json:"canonical,omitempty"`
	// Redirects are old hosts answered with a 301 (308 for methods other
	// than GET and HEAD) to Canonical, keeping path and query (redirect_from,
	// com.df.redirectFromDomain).
	Redirects []Host `json:"redirects,omitempty"`
	// Rewrite changes the path before forwarding (com.df.reqPathSearchReplace).
	Rewrite *Rewrite `json:"rewrite,omitempty"`
	// PathEdits change the path before forwarding, in order (Traefik's
	// stripPrefix, addPrefix, replacePath).
	PathEdits []PathEdit `json:"path_edits,omitempty"`
	// URLRedirects answer, in order, the requests whose URL they rewrite
	// to another with a redirect there (Traefik's redirectRegex), after
	// the policy lets them in (or before it, and before the redirect to
	// https, when First) and before the path edits.
	URLRedirects []URLRedirect `json:"url_redirects,omitempty"`
	// TCPPort, when set, makes this a raw TCP service on its own listener
	// (tcp=PORT) instead of an HTTP route.
	TCPPort int `json:"tcp_port,omitempty"`
	// SNI makes the TCP service one of those that share TCPPort, each
	// taking the TLS connections whose server name is one of its Hosts.
	SNI bool `json:"sni,omitempty"`
	// Policy says who may come in; its zero value lets everyone in.
	Policy Policy `json:"policy,omitzero"`
	// Headers change request headers on their way to the servers and
	// response headers on their way to the client, in this order.
	Headers []Header `json:"headers,omitempty"`
	// HSTS is the max-age, in seconds, of the Strict-Transport-Security
	// header on HTTPS responses (hsts); 0: none.
	HSTS int `json:"hsts,omitempty"`
	// HSTSDirectives follow max-age in that header: ";includeSubDomains",
	// ";preload", or both; empty: none.
	HSTSDirectives string `json:"hsts_directives,omitempty"`
	// CORS lists the origins a browser may call the service from
	// (cors_origin); "*" is any. Empty: no CORS headers.
	CORS []Origin `json:"cors,omitempty"`
	// Compression compresses responses for clients that accept it; nil: off.
	Compression *Compression `json:"compression,omitempty"`
	// TunnelTimeout is how long a tunnel may stay idle (timeout_tunnel);
	// empty: the defaults section's (DefaultTunnelTimeout).
	TunnelTimeout string `json:"timeout_tunnel,omitempty"`
	// ClientTimeout and ClientKeepAlive set a tcp= service's own listener
	// (timeout_client, com.df.clitcpka); an empty ClientTimeout is the
	// defaults section's (DefaultClientTimeout).
	ClientTimeout   string `json:"timeout_client,omitempty"`
	ClientKeepAlive bool   `json:"client_tcp_keepalive,omitempty"`
	// ConnectionMode is the backend's HTTP connection option
	// (com.df.connectionMode): http-keep-alive, http-server-close or
	// httpclose; empty: HAProxy's default, keep-alive.
	ConnectionMode string `json:"connection_mode,omitempty"`
	// ProtoRedirect redirects plain-HTTP requests to https by the
	// X-Forwarded-Proto a balancer in front set: "when-http"
	// (com.df.redirectWhenHttpProto) or "unless-https"
	// (com.df.redirectUnlessHttpsProto); empty: none.
	ProtoRedirect string `json:"proto_redirect,omitempty"`
	// Match narrows the backend's routes to some requests (nil: all the
	// requests its hosts and paths select).
	Match *Match `json:"match,omitempty"`
	// ACLName orders the backend's routes among equally specific ones
	// (com.df.aclName); empty: by backend name.
	ACLName string `json:"acl_name,omitempty"`
	// ServiceGroup makes the TCP services of one group on one port one
	// backend (com.df.serviceGroup), as a shared name does.
	ServiceGroup string `json:"service_group,omitempty"`
	// UserDef is data for custom templates (com.df.userDef).
	UserDef string `json:"user_def,omitempty"`
	// Default, when set, makes this the backend of requests no route
	// matches, instead of the 404; it is what asked for it (the default
	// tag, com.df.isDefaultBackend).
	Default *Source `json:"default,omitempty"`
	// ACME, when set, is the acme tag: HAProxy gets a certificate for
	// each of Hosts from the run's ACME CA.
	ACME *Source `json:"acme,omitempty"`
	// Answer, when set, makes HAProxy answer every request its routes
	// take itself, once the policy let it in: no server is contacted, and
	// none is written (Traefik's ping@internal, the proxy's own health
	// endpoint).
	Answer *Answer `json:"answer,omitempty"`

	// TCPKey is the key that first made the backend a TCP service (a tag
	// list's, or a dialect's key that means tcp= or sni=), AddressKey the
	// one that addressed its servers other than as the service
	// (SetAddress): for messages only.
	TCPKey     string `json:"-"`
	AddressKey string `json:"-"`
}

// SetAddress addresses the servers as addr instead of the service
// (com.df.outboundHostname); src is what asks.
func (b *Backend) SetAddress(addr string, src Source) {
	b.Servers.Address, b.AddressKey = addr, src.Key
}

// Match is what a request must also be for a backend's routes to take
// it: carry every header, come from any of the user agents, and not be
// under any excluded path.
type Match struct {
	Headers      []HeaderMatch `json:"headers,omitempty"`
	UserAgents   []UserAgent   `json:"user_agents,omitempty"`
	ExcludePaths []Path        `json:"exclude_paths,omitempty"`
	// Listeners are listeners of the service's own (docker-flow-proxy's
	// srcPort and srcHttpsPort): its routes take only the requests that
	// came to one of them, and they serve no other route.
	Listeners []Listener `json:"listeners,omitempty"`
	// TLS takes only requests that came over TLS (the backend
	// com.df.httpsPort makes for them).
	TLS bool `json:"tls,omitempty"`
	// Plain takes only requests that came without TLS (a Traefik router
	// that is not on the HTTPS entry point, or has no tls). Never with TLS.
	Plain bool `json:"plain,omitempty"`
	// Methods takes only requests whose method, in upper case, is one of
	// these (Traefik's Method); empty: any method.
	Methods []string `json:"methods,omitempty"`
	// Queries takes only requests whose query parameter Key has exactly
	// Value, its first occurrence (Traefik's Query).
	Queries []QueryMatch `json:"queries,omitempty"`
	// Clients takes only requests whose client address is in one of these
	// networks (Traefik's ClientIP): the connection's, or the PROXY
	// protocol's with --accept-proxy.
	Clients []Network `json:"clients,omitempty"`
	// Not holds conditions that must each fail (Traefik's !); nil: none.
	Not *Conditions `json:"not,omitempty"`
}

// Conditions are the negated conditions of a Match: each must fail.
type Conditions struct {
	Headers []HeaderMatch `json:"headers,omitempty"`
	Methods []string      `json:"methods,omitempty"`
	Queries []QueryMatch  `json:"queries,omitempty"`
	Clients []Network     `json:"clients,omitempty"`
}

// QueryMatch requires the query parameter Key with exactly Value. Both
// are letters, digits and . _ ~ - (a value percent-encoded differently
// is not decoded).
type QueryMatch struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
}

// Listener is a port a service listens on by itself, on the address of
// --bind (plain HTTP) or --tls-bind (TLS, with --tls's certificates).
type Listener struct {
	Port   int    `json:"port"`
	TLS    bool   `json:"tls,omitempty"`
	Source Source `json:"source"`
}

// HeaderMatch requires the header Name with exactly Value.
type HeaderMatch struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source Source `json:"source"`
}

// UserAgent matches a User-Agent that contains Pattern, in any case.
type UserAgent struct {
	Pattern string `json:"pattern"`
	Source  Source `json:"source"`
}

// Header is one change to a request header (on its way to the servers) or
// a response header (on its way to the client). Value is sent as it is:
// the config quotes it so that HAProxy evaluates nothing in it.
type Header struct {
	Response bool    `json:"response"`
	Action   string  `json:"action"` // "add", "set" or "del"
	Name     string  `json:"name"`
	Value    Literal `json:"value,omitempty"` // printable ASCII; empty for del
	Source   Source  `json:"source"`
	// Weak gives way to a change of the same header by any other setting
	// (security_headers' defaults).
	Weak bool `json:"-"`
}

// Literal is a value HAProxy must take as it is written. It holds printable
// ASCII; printed (by a template, or with %v) it is one double-quoted HAProxy
// word with backslash, quote and '$' escaped (no environment expansion)
// and '%' doubled (no log-format variable or sample expression), so that
// even a custom template that prints it cannot change the line around it.
type Literal string

func (l Literal) String() string {
	return `"` + literalEscape.Replace(string(l)) + `"`
}

var literalEscape = strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, `%`, `%%`)

// Cookie is how the sticky session's cookie is written.
type Cookie struct {
	Name     string `json:"name"` // a token of letters, digits, '-' and '_'; empty: SRV
	Secure   bool   `json:"secure,omitempty"`
	HTTPOnly bool   `json:"http_only,omitempty"`
	SameSite string `json:"same_site,omitempty"` // Lax, Strict or None; empty: not said
	Source   Source `json:"source"`
}

// Answer is a response HAProxy gives itself: a status and a short plain
// text body.
type Answer struct {
	Status int     `json:"status"`
	Body   Literal `json:"body"`
	Source Source  `json:"source"`
}

// Origin is one origin allowed by CORS: "https://app.example.com", or "*".
type Origin struct {
	Origin string `json:"origin"`
	Source Source `json:"source"`
}

// Compression says how responses are compressed.
type Compression struct {
	Algo   string   `json:"algo"`            // gzip, deflate, raw-deflate or identity
	Types  []string `json:"types,omitempty"` // MIME types; empty: every type
	Source Source   `json:"source"`
}

// Rewrite replaces every match of the regular expression Search in the
// path with Replace; both hold only path characters (and a leading ^).
type Rewrite struct {
	Search  string `json:"search"`
	Replace string `json:"replace"`
	Source  Source `json:"source"`
}

// PathEdit is one change of the request path; exactly one of Strip, Add,
// Replace and Regex is set, each made of PathChars. Strip removes the
// first of its prefixes the path starts with, as a string, and the path
// keeps a leading '/' ("/apix" without "/api" is "/x"); Add puts a prefix
// before the path; Replace replaces the whole path. Regex, when it
// matches the path, replaces it with Format (HAProxy's replace-path):
// a PCRE pattern a dialect checked to mean what its proxy's does, with
// no quote, space or '#' (the config single-quotes it), and a format of
// PathChars and \N references to its groups. The query string is kept.
type PathEdit struct {
	Strip   []string `json:"strip,omitempty"`
	Add     string   `json:"add,omitempty"`
	Replace string   `json:"replace,omitempty"`
	Regex   string   `json:"regex,omitempty"`
	Format  string   `json:"format,omitempty"`
	Source  Source   `json:"source"`
}

// URLRedirect rewrites the URL a request was sent to,
// scheme://host/path?query (the scheme of its connection, http or https;
// the Host header as sent, port included; the path as routed, with the
// query as sent), replacing every match of Regex with Format, and answers
// a URL that differs with a redirect there. A URL it leaves as it was goes
// on. Neither Regex nor Format holds a quote, space, '%', '$' or '#': the
// config writes them in regsub's double quotes inside single quotes.
type URLRedirect struct {
	// Regex is a PCRE a dialect checked to mean what its proxy's does and
	// never to match an empty string: letters, digits, \xHH, \z and the
	// regex syntax ( ) [ ] { } ? : | * + , - ^.
	Regex string `json:"regex"`
	// Format is the new URL, starting with http://, https:// or /: URL
	// characters (letters, digits and - . _ ~ : / ? @ ! & ( ) * + , ; =)
	// and \N references to Regex's groups (N up to 9, \0 the whole match).
	Format string `json:"format"`
	// Permanent redirects with 301 for GET and 308 for other methods;
	// else 302 and 307.
	Permanent bool `json:"permanent,omitempty"`
	// First puts it before the backend's redirect to https and its
	// policy, which then see only the requests it lets go on.
	First  bool   `json:"first,omitempty"`
	Source Source `json:"source"`
}

// PathChars reports whether p is a path that a PathEdit or a Path of a
// dialect may hold: '/' first, then OnlyPathChars, and no "//" (the
// frontend merges slashes).
func PathChars(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.Contains(p, "//") && OnlyPathChars(p)
}

// PathRegex is a path (OnlyPathChars) as a regex that matches it
// literally: the dot, its one regex meta character, as [.] (a backslash
// is an escape in haproxy.cfg).
func PathRegex(path string) string { return strings.ReplaceAll(path, ".", "[.]") }

// StripRegex is the regex of strip_path that render writes: it matches
// any of the prefixes (longest first, so the longest wins) and captures
// the rest of the path after an optional slash as \2. The model bounds
// its length (maxRegexLen).
func StripRegex(paths []Path) string {
	alts := make([]string, len(paths))
	for i, p := range paths {
		alts[i] = PathRegex(p.Prefix)
	}
	return "^(" + strings.Join(alts, "|") + ")/?(.*)$"
}

// Check is a backend's health check. Every server is checked; an empty
// HTTPPath means a TCP connect check.
type Check struct {
	HTTPPath string `json:"http_path,omitempty"`
	Interval string `json:"interval,omitempty"` // empty: HAProxy's default (2s)
	Timeout  string `json:"timeout,omitempty"`  // empty: timeout connect
	// Port is where the checks go (over TLS when the servers speak it);
	// 0: the servers' port.
	Port    int      `json:"port,omitempty"`
	Sources []Source `json:"sources,omitempty"` // the SERVICE_CHECK_* keys that set it; none for the default check
}

// Servers describes the server-template that resolves the service's DNS name.
type Servers struct {
	Service string `json:"service"` // the compose service they are
	Prefix  string `json:"prefix"`  // server names are Prefix1..PrefixN
	Address string `json:"address"` // DNS name: the compose service, or tasks.<service>
	Port    int    `json:"port"`
	Slots   int    `json:"slots"`             // N: the most replicas it can hold
	Weight  int    `json:"weight,omitempty"`  // 0: HAProxy's default
	MaxConn int    `json:"maxconn,omitempty"` // 0: no limit
	Source  Source `json:"source"`            // what set Slots: a slots= tag, the replicas or the slots option
	// TLS is "verify" (TLS, the certificate checked against the system's
	// CAs for SNI), "insecure" (TLS, unchecked) or empty (clear text).
	TLS string `json:"tls,omitempty"`
	// SNI is the server name sent and verified over TLS: the compose
	// service's name. Empty without TLS.
	SNI string `json:"sni,omitempty"`
	// Proto is "h2" to speak HTTP/2 (in clear text, or chosen by ALPN over
	// TLS); empty: HTTP/1.1.
	Proto string `json:"proto,omitempty"`
	// SendProxy sends a PROXY protocol v2 header on each connection,
	// health checks included.
	SendProxy bool `json:"send_proxy,omitempty"`
}

// Tag is one SERVICE_TAGS entry: "sticky_session" or "path=/api".
type Tag struct {
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
	Known  bool   `json:"known"`
	Source Source `json:"source"`
}

// Route sends requests for Hosts under Path to Backend. Hosts are either
// all exact, or wildcards of one length, or none (any host: a
// docker-flow-proxy route by path alone), so that routes can be ordered by
// how specific they are.
type Route struct {
	// Backend is the backend's name, or NoRoute: the request's host
	// belongs to services none of whose routes matched, and it gets 404.
	Backend string `json:"backend"`
	Hosts   []Host `json:"hosts"`
	Path    Path   `json:"path"`
	// Match narrows the route to some requests (its backend's); such a
	// route is tried before the routes without one on the same host and path.
	Match *Match `json:"match,omitempty"`
	// ACLName orders equally specific routes (com.df.aclName); empty: the
	// backend's name does.
	ACLName string `json:"acl_name,omitempty"`
}

// Wildcard reports whether the route matches by host suffix: a route holds
// exact hosts or wildcards, never both.
func (r Route) Wildcard() bool { return len(r.Hosts) > 0 && r.Hosts[0].Wildcard() }

// Runtime is the proxy's runtime directory. Before a reload, the state
// saved from the socket ("show servers state") gives the new HAProxy the
// addresses the running one resolved, so it does not answer 503 while it
// asks DNS for them again.
type Runtime struct {
	Dir         string `json:"dir"`
	Socket      string `json:"socket"`       // Dir/haproxy.sock: read-only commands
	ServerState string `json:"server_state"` // Dir/servers.state
}
