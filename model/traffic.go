package model

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// DefaultTunnelTimeout and DefaultClientTimeout are the config's defaults
// (render's defaults section) that timeout_tunnel and timeout_client
// change; variables only so that a test can show the template reads them.
var (
	DefaultTunnelTimeout = "1h"
	DefaultClientTimeout = "30s"
)

// trafficTags change what goes through: headers, compression, TLS and
// protocols toward the servers, the default backend.
var trafficTags = []tagDef{
	{name: "hsts", value: &Form{"SECONDS", "give the max-age in seconds, like " + strconv.Itoa(DefaultHSTS) + " (a year)", wholeNumber(1, 2*DefaultHSTS).Check}, optional: true, http: true,
		https:   "it is sent on HTTPS responses",
		doc:     "`Strict-Transport-Security: max-age=SECONDS` (default a year, " + strconv.Itoa(DefaultHSTS) + ") on HTTPS responses",
		example: "hsts=63072000",
		apply: func(b *Backend, v string, _ tagContext) {
			b.HSTS = DefaultHSTS
			if v != "" {
				b.HSTS = atoi(v)
			}
		}},
	{name: "security_headers", http: true,
		doc: "`X-Content-Type-Options: nosniff`, `X-Frame-Options: SAMEORIGIN` and `Referrer-Policy: strict-origin-when-cross-origin` " +
			"on responses; a header the service sets or deletes by label wins",
		example: "security_headers",
		apply: func(b *Backend, _ string, cx tagContext) {
			for _, h := range securityHeaders {
				b.Headers = append(b.Headers, Header{Response: true, Action: "set", Name: h[0], Value: Literal(h[1]), Source: cx.src, Weak: true})
			}
		}},
	{name: "cors_origin", value: corsOrigin, repeatable: true, http: true,
		doc: "browsers may call the service from ORIGIN (`*`: any): HAProxy answers preflight requests (`OPTIONS` with " +
			"`Access-Control-Request-Method`) with 204 itself and adds `Access-Control-Allow-Origin` and `Vary: Origin` to responses",
		example: "cors_origin=https://app.example.com",
		apply:   func(b *Backend, v string, cx tagContext) { b.CORS = append(b.CORS, Origin{Origin: v, Source: cx.src}) }},
	{name: "compress", value: compressionAlgo, optional: true, http: true,
		doc:     "compress responses with ALGO (`gzip`, the default, `deflate`, `raw-deflate`) for clients that accept it; text, JSON, JavaScript, XML and SVG",
		example: "compress",
		apply: func(b *Backend, v string, cx tagContext) {
			if v == "" {
				v = "gzip"
			}
			if b.Compression == nil {
				b.Compression = &Compression{Types: compressTypes}
			}
			b.Compression.Algo, b.Compression.Source = v, cx.src
		}},
	{name: "default", http: true,
		doc:     "requests that no route matches (an unknown host, or a known host's unknown path) go here instead of the 404; one service at most",
		example: "default",
		apply:   func(b *Backend, _ string, cx tagContext) { b.Default = &cx.src }},
	{name: "backend_tls", value: tlsMode, optional: true,
		doc: "connect to the servers over TLS, verifying their certificate against the system's CAs for the server name " +
			"(the compose service, also sent as SNI); `backend_tls=insecure` does not verify",
		example: "backend_tls",
		apply: func(b *Backend, v string, _ tagContext) {
			b.Servers.TLS = "verify"
			if v != "" {
				b.Servers.TLS = v
			}
		}},
	{name: "proto", value: serverProto, http: true,
		doc:     "`h2`: speak HTTP/2 to the servers, in clear text (gRPC), or chosen by ALPN with `backend_tls`",
		example: "proto=h2",
		apply:   func(b *Backend, v string, _ tagContext) { b.Servers.Proto = v }},
	{name: "timeout_tunnel", value: duration,
		doc:     "how long a tunnel (a WebSocket, a TCP connection) may stay idle in both directions (default " + DefaultTunnelTimeout + ")",
		example: "timeout_tunnel=8h",
		apply:   func(b *Backend, v string, _ tagContext) { b.TunnelTimeout = v }},
	{name: "timeout_client", value: duration, tcp: true,
		doc:     "how long a TCP service's client may stay silent (default " + DefaultClientTimeout + "); for `tcp=` services, whose listener is their own",
		example: "tcp=5432,timeout_client=5m",
		apply:   func(b *Backend, v string, _ tagContext) { b.ClientTimeout = v }},
	{name: "match_header", value: headerCondition, repeatable: true, http: true,
		doc: "the service gets only requests with this header and value (exactly; all of them when repeated), " +
			"before routes without conditions on its hosts and paths: a canary by header",
		example: "match_header=X-Canary:1",
		apply: func(b *Backend, v string, cx tagContext) {
			name, value, _ := strings.Cut(v, ":")
			m := b.Matching()
			m.Headers = append(m.Headers, HeaderMatch{Name: name, Value: value, Source: cx.src})
		}},
	{name: "send_proxy",
		doc:     "send a PROXY protocol v2 header on each connection to the servers (health checks too), so they see the client's address",
		example: "send_proxy",
		apply:   func(b *Backend, _ string, _ tagContext) { b.Servers.SendProxy = true }},
}

// securityHeaders are the response headers the security_headers tag sets.
var securityHeaders = [][2]string{
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "SAMEORIGIN"},
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
}

// compressTypes are what the compress tag compresses: text formats, which
// shrink; images and archives are compressed already.
var compressTypes = []string{"application/javascript", "application/json", "application/xml", "image/svg+xml",
	"text/css", "text/html", "text/javascript", "text/plain", "text/xml"}

func OneOf(doc, fix string, values ...string) *Form {
	return &Form{doc, fix, func(v string) (string, string) {
		if slices.Contains(values, v) {
			return v, ""
		}
		if prob := UnsafeChar(v); prob != "" {
			return "", prob
		}
		if len(values) == 1 {
			return "", "is not " + values[0]
		}
		return "", "is not one of " + strings.Join(values, ", ")
	}}
}

var (
	compressionAlgo = OneOf("ALGO", "give gzip, deflate or raw-deflate", "gzip", "deflate", "raw-deflate", "identity")
	tlsMode         = OneOf("insecure", "write backend_tls to verify the certificate, or backend_tls=insecure not to", "insecure")
	serverProto     = OneOf("h2", "write proto=h2 for HTTP/2; HTTP/1.1 needs no tag", "h2")
	corsOrigin      = &Form{"ORIGIN", "give an origin like https://app.example.com (scheme, host, optional port), or *", checkOrigin}
)

var originRe = regexp.MustCompile(`^(https?)://([^/:]+)(:[0-9]{1,5})?$`)

// checkOrigin validates a CORS origin: scheme://host[:port], lower-case
// as browsers send it, or "*".
func checkOrigin(v string) (string, string) {
	if prob := UnsafeChar(v); prob != "" {
		return "", prob
	}
	if v == "*" {
		return v, ""
	}
	v = strings.ToLower(v)
	m := originRe.FindStringSubmatch(v)
	if m == nil {
		return "", "is not an origin (scheme://host or scheme://host:port, no path)"
	}
	if prob := checkHost(m[2], false); prob != "" {
		return "", "has a host that " + prob
	}
	if m[3] != "" {
		if _, prob := ParseInt(m[3][1:], 1, 65535); prob != "" {
			return "", "has a port that " + prob
		}
	}
	return v, ""
}

// Matching is b's Match, made on first use.
func (b *Backend) Matching() *Match {
	if b.Match == nil {
		b.Match = &Match{}
	}
	return b.Match
}

// matchValueRe is what a header condition's value or a user agent pattern
// may hold: characters that need no quoting in an ACL pattern and that an
// ACL name may carry, and no leading '-' (HAProxy would read a flag).
var matchValueRe = regexp.MustCompile(`^[A-Za-z0-9._][A-Za-z0-9._-]{0,127}$`)

// headerCondition is "Name:value", as docker-flow-proxy's serviceHeader.
var headerCondition = &Form{"NAME:VALUE", "write the header and its value, like X-Version:3 (letters, digits, . _ - in the value)",
	func(v string) (string, string) {
		name, value, ok := strings.Cut(v, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok {
			return "", "is not Name:value"
		}
		if prob := CheckHeaderName(name); prob != "" {
			return "", "has a name that " + prob
		}
		if prob := UnsafeChar(value); prob != "" {
			return "", "has a value that " + prob
		}
		if !matchValueRe.MatchString(value) {
			return "", "has a value that is not 1 to 128 letters, digits and . _ - (not starting with -)"
		}
		return name + ":" + value, ""
	}}

// UserAgentPattern is one of docker-flow-proxy's userAgent values.
var UserAgentPattern = &Form{"AGENT", "give words of letters, digits and . _ -, like googlebot,iphone",
	func(v string) (string, string) {
		if prob := UnsafeChar(v); prob != "" {
			return "", prob
		}
		if !matchValueRe.MatchString(v) {
			return "", "is not 1 to 128 letters, digits and . _ - (not starting with -)"
		}
		return v, ""
	}}

// checkTraffic reports traffic settings the backend cannot honour, once
// every tag and label is applied.
func (a *Applier) checkTraffic() {
	b, ds := a.b, a.ds
	checkHeaders(b, ds)
	if len(b.CORS) > maxOrigins {
		ds.Errorf(b.CORS[maxOrigins].Source, "allow at most "+strconv.Itoa(maxOrigins)+" origins, or cors_origin=*", "too many CORS origins: one line of HAProxy's holds them all")
	}
}

// maxOrigins keeps the CORS line within HAProxy's 64 words.
const maxOrigins = 50
