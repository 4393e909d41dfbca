package dockerflow

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// maxRewriteLen bounds each side of com.df.reqPathSearchReplace.
const maxRewriteLen = 1000

// redirectCode is the status of a redirect.
var redirectCode = &model.Form{Doc: "CODE", Fix: "give 307 or 308 to keep the method, or 301, 302 or 303; without it GET and HEAD get 301 and other methods 308", Check: func(v string) (string, string) {
	switch n, _ := model.ParseInt(v, 301, 308); n {
	case 301, 302, 303, 307, 308:
		return strconv.Itoa(n), ""
	}
	return "", "a redirect status is one of 301, 302, 303, 307 and 308"
}}

// setRewrite sets the path rewrite "search,replace", which one service
// has at most.
func setRewrite(b *model.Backend, v string, cx context) {
	search, replace, _ := strings.Cut(v, ",")
	if prob := checkRewriteValue(v); prob != "" {
		cx.ds.Errorf(cx.src, rewritePair.Fix, "%s", prob)
		return
	}
	if b.Rewrite != nil {
		cx.ds.Errorf(cx.src, "keep one of them", "the path rewrite is set twice: here and by %s=%s", b.Rewrite.Source.Key, model.Printable(b.Rewrite.Source.Value))
		return
	}
	b.Rewrite = &model.Rewrite{Search: search, Replace: replace, Source: cx.src}
}

// rewritePart is one side of docker-flow-proxy's deprecated
// reqPathSearch/reqPathReplace pair.
var rewritePart = &model.Form{Doc: "REGEX", Fix: "give path characters, like /demo", Check: func(v string) (string, string) {
	if prob := model.UnsafeChar(v); prob != "" {
		return "", prob
	}
	if !regexPathChars(v) {
		return "", "has characters other than " + model.PathCharsDoc + " (and ^ at the start)"
	}
	return v, ""
}}

// rewritePair is "search,replace": both are kept to path characters (and
// a leading ^ on search) so the regex cannot reach beyond the path.
var rewritePair = &model.Form{Doc: "SEARCH,REPLACE", Fix: "write it as search,replace with path characters, like /demo,/api", Check: func(v string) (string, string) { return v, checkRewriteValue(v) }}

// regexPathChars reports whether v is path characters, maybe after a
// leading ^ (the search anchored at the path's start).
func regexPathChars(v string) bool { return model.OnlyPathChars(strings.TrimPrefix(v, "^")) }

// checkRewriteValue returns what is wrong with a "search,replace" pair.
func checkRewriteValue(v string) string {
	if prob := model.UnsafeChar(v); prob != "" {
		return prob
	}
	search, replace, ok := strings.Cut(v, ",")
	if !ok || search == "" || strings.Contains(replace, ",") {
		return "is not a search,replace pair"
	}
	if !regexPathChars(search) || !model.OnlyPathChars(replace) {
		return "has characters other than " + model.PathCharsDoc + " (and ^ at the start of search)"
	}
	switch {
	case len(search) > maxRewriteLen || len(replace) > maxRewriteLen:
		return fmt.Sprintf("is longer than %d characters on one side, more than HAProxy's regex and sample parsers take", maxRewriteLen)
	case replace == "":
		// A path the search matches whole would become empty: HAProxy
		// sends "GET  HTTP/1.1".
		return "the replacement is empty, so a path the search matches whole would be empty; replace with / instead"
	case strings.HasPrefix(strings.TrimPrefix(search, "^"), "/") && !strings.HasPrefix(replace, "/"):
		return "the replacement does not start with '/', so a match at the start of the path would leave it without its leading /"
	}
	return ""
}
