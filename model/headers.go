package model

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// headerLabels are compose2haproxy's own labels for a header whose value
// does not fit docker-flow-proxy's format: the label's key names the
// header, its value is the header's value, taken literally (empty deletes
// the header).
var headerLabels = []headerLabelKind{{"compose2haproxy.request-header.", false}, {"compose2haproxy.response-header.", true}}

func isHeaderLabel(k string) bool {
	return slices.ContainsFunc(headerLabels, func(hl headerLabelKind) bool { return strings.HasPrefix(k, hl.prefix) })
}

type headerLabelKind struct {
	prefix   string
	response bool
}

// maxHeaderValue keeps a header line far below what HAProxy and servers
// accept.
const maxHeaderValue = 4096

// headerNameRe is what a header name may be wherever one is written:
// a header label, match_header, balance hdr(NAME).
var headerNameRe = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// framingHeaders are headers HAProxy manages itself: changing them would
// break how messages are delimited.
var framingHeaders = []string{"connection", "content-length", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"}

func CheckHeaderName(n string) string {
	if prob := UnsafeChar(n); prob != "" {
		return prob
	}
	if !headerNameRe.MatchString(n) {
		return "is not a header name (1 to 64 letters, digits and '-')"
	}
	if slices.Contains(framingHeaders, strings.ToLower(n)) {
		return "is a header HAProxy manages itself (it delimits messages or connections)"
	}
	return ""
}

// checkHeaderValue checks a value that is sent literally: printable ASCII,
// no longer than maxHeaderValue.
func CheckHeaderValue(v string) string {
	if !utf8.ValidString(v) {
		return "is not valid UTF-8"
	}
	for _, r := range v {
		if r < 0x20 || r > 0x7e {
			if prob := UnsafeChar(string(r)); prob != "" {
				return prob
			}
		}
	}
	if len(v) > maxHeaderValue {
		return fmt.Sprintf("is longer than %d characters", maxHeaderValue)
	}
	return ""
}

// applyHeaderLabels reads compose2haproxy.request-header.NAME and
// compose2haproxy.response-header.NAME.
func (a *Applier) applyHeaderLabels(l Labels) {
	b, ds := a.b, a.ds
	for _, k := range l.KeysWhere(isHeaderLabel) {
		for _, hl := range headerLabels {
			name, ok := strings.CutPrefix(k, hl.prefix)
			if !ok {
				continue
			}
			v, src, _ := l.Get(k)
			v = strings.Trim(v, " ") // HTTP does not count them as part of the value
			if prob := CheckHeaderName(name); prob != "" {
				ds.Errorf(src, "write the header's name after the prefix, like "+hl.prefix+"X-Frame-Options", "header %s %s", Printable(name), prob)
				continue
			}
			if prob := CheckHeaderValue(v); prob != "" {
				ds.Errorf(src, "give a value of printable ASCII characters", "%s", prob)
				continue
			}
			a.http = append(a.http, setting{k, src})
			src.Value = SafeShown(src.Value)
			h := Header{Response: hl.response, Action: "set", Name: name, Value: Literal(v), Source: src}
			if v == "" {
				h.Action = "del"
			}
			b.Headers = append(b.Headers, h)
		}
	}
}

// checkHeaders reports a header changed in two ways in one direction (set
// and deleted, or set twice to different values; adding twice adds two
// values). A header the service sets by label wins over security_headers.
func checkHeaders(b *Backend, ds *Diagnostics) {
	type key struct {
		response bool
		name     string
	}
	first := map[key]Header{}
	var kept []Header
	explicit := func(k key) bool {
		return slices.ContainsFunc(b.Headers, func(h Header) bool {
			return h.Response == k.response && strings.EqualFold(h.Name, k.name) && !h.Weak
		})
	}
	for _, h := range b.Headers {
		k := key{h.Response, strings.ToLower(h.Name)}
		if h.Weak && explicit(k) {
			continue // security_headers gives way
		}
		prev, seen := first[k]
		switch {
		case !seen:
			first[k] = h
		case prev.Action == "add" && h.Action == "add":
		case prev.Action == h.Action && prev.Value == h.Value:
			continue
		default:
			dir := "request"
			if h.Response {
				dir = "response"
			}
			ds.Errorf(h.Source, "change each header in one way",
				"%s header %s is changed twice: %s here and %s by %s=%s", dir, h.Name, describe(h), describe(prev), prev.Source.Key, Printable(prev.Source.Value))
			continue
		}
		kept = append(kept, h)
	}
	// Request rules first, as HAProxy runs them: a reader sees them in order.
	slices.SortStableFunc(kept, func(x, y Header) int { return compareBool(x.Response, y.Response) })
	b.Headers = kept
}

func describe(h Header) string {
	if h.Action == "del" {
		return "deleted"
	}
	return h.Action + " to " + strconv.Quote(string(h.Value))
}
