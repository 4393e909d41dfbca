package dockerflow

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

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
	if prob := model.CheckHeaderValue(v); prob != "" {
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
var headerPair = &model.Form{Doc: "NAME VALUE", Fix: headerValueFix, Check: func(v string) (string, string) {
	name, value, _ := strings.Cut(strings.TrimSpace(v), " ")
	if prob := model.CheckHeaderName(name); prob != "" {
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

var headerName = &model.Form{Doc: "NAME", Fix: "give header names like X-Cache", Check: func(v string) (string, string) {
	return v, model.CheckHeaderName(v)
}}

// headerLabel is the apply of docker-flow-proxy's header labels: add or set
// "Name value" pairs, or delete names.
func headerLabel(response bool, action string) func(b *model.Backend, v string, cx context) {
	return func(b *model.Backend, v string, cx context) {
		name, value, _ := strings.Cut(v, " ")
		b.Headers = append(b.Headers, model.Header{Response: response, Action: action, Name: name, Value: model.Literal(value), Source: cx.src})
	}
}
