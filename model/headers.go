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

type headerLabelKind struct {
	prefix   string
	response bool
}

// maxHeaderValue keeps a header line far below what HAProxy and servers
// accept.
const maxHeaderValue = 4096

var headerNameRe = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// framingHeaders are headers HAProxy manages itself: changing them would
// break how messages are delimited.
var framingHeaders = []string{"connection", "content-length", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"}

func checkHeaderName(n string) string {
	if prob := unsafeChar(n); prob != "" {
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
func checkHeaderValue(v string) string {
	if !utf8.ValidString(v) {
		return "is not valid UTF-8"
	}
	for _, r := range v {
		if r < 0x20 || r > 0x7e {
			if prob := unsafeChar(string(r)); prob != "" {
				return prob
			}
		}
	}
	if len(v) > maxHeaderValue {
		return fmt.Sprintf("is longer than %d characters", maxHeaderValue)
	}
	return ""
}

var (
	// sampleRe finds what HAProxy's log-format would evaluate: a sample
	// expression %[…], flags %{…}, or a variable like %ci.
	sampleRe = regexp.MustCompile(`%(\[[^\]]*\]?|\{[^}]*\}?|[A-Za-z]+)`)
	// conditionRe finds a condition docker-flow-proxy passed through after
	// the value ("on if { ssl_fc }").
	conditionRe = regexp.MustCompile(`(^|\s)(if|unless)(\s.*|$)`)
)

// checkDockerFlowHeaderValue adds docker-flow-proxy's own syntax to what
// checkHeaderValue refuses: it wrote values into HAProxy's config as they
// were, so some meant something other than their text.
func checkDockerFlowHeaderValue(v string) string {
	if prob := checkHeaderValue(v); prob != "" {
		return prob
	}
	if m := sampleRe.FindString(v); m != "" {
		return fmt.Sprintf("holds %s, which docker-flow-proxy let HAProxy evaluate; compose2haproxy sends header values as written", m)
	}
	if m := conditionRe.FindString(v); m != "" {
		return fmt.Sprintf("ends in a condition (%s), which docker-flow-proxy passed to HAProxy; compose2haproxy sends header values as written", strings.TrimSpace(m))
	}
	return ""
}

const headerValueFix = "write Name value pairs with literal values; a value with commas goes in a compose2haproxy.request-header.NAME or response-header.NAME label"

// headerPair is docker-flow-proxy's "Name value" entry.
var headerPair = &valueForm{"NAME VALUE", headerValueFix, func(v string) (string, string) {
	name, value, _ := strings.Cut(strings.TrimSpace(v), " ")
	if prob := checkHeaderName(name); prob != "" {
		return "", "has a name that " + prob
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return "", "has no value (write Name value)"
	}
	if prob := checkDockerFlowHeaderValue(value); prob != "" {
		return "", prob
	}
	return name + " " + value, ""
}}

var headerName = &valueForm{"NAME", "give header names like X-Cache", func(v string) (string, string) {
	return v, checkHeaderName(v)
}}

// headerLabel is the apply of docker-flow-proxy's header labels: add or set
// "Name value" pairs, or delete names.
func headerLabel(response bool, action string) func(b *Backend, v string, cx tagContext) {
	return func(b *Backend, v string, cx tagContext) {
		name, value, _ := strings.Cut(v, " ")
		b.Headers = append(b.Headers, Header{Response: response, Action: action, Name: name, Value: Literal(value), Source: cx.src})
	}
}

// applyHeaderLabels reads compose2haproxy.request-header.NAME and
// compose2haproxy.response-header.NAME.
func (a *applier) applyHeaderLabels(l labels) {
	b, ds := a.b, a.ds
	for _, k := range l.keys() {
		for _, hl := range headerLabels {
			name, ok := strings.CutPrefix(k, hl.prefix)
			if !ok {
				continue
			}
			v, src, _ := l.get(k)
			v = strings.Trim(v, " ") // HTTP does not count them as part of the value
			if prob := checkHeaderName(name); prob != "" {
				ds.errorf(src, "write the header's name after the prefix, like "+hl.prefix+"X-Frame-Options", "header %s %s", printable(name), prob)
				continue
			}
			if prob := checkHeaderValue(v); prob != "" {
				ds.errorf(src, "give a value of printable ASCII characters", "%s", prob)
				continue
			}
			a.http = append(a.http, setting{k, src})
			src.Value = safeShown(src.Value)
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
			return h.Response == k.response && strings.EqualFold(h.Name, k.name) && h.Source.Item != "security_headers"
		})
	}
	for _, h := range b.Headers {
		k := key{h.Response, strings.ToLower(h.Name)}
		if h.Source.Item == "security_headers" && explicit(k) {
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
			ds.errorf(h.Source, "change each header in one way",
				"%s header %s is changed twice: %s here and %s by %s=%s", dir, h.Name, describe(h), describe(prev), prev.Source.Key, printable(prev.Source.Value))
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
