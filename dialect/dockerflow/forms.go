package dockerflow

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Forms of docker-flow-proxy's own labels.
var (
	aclName        = &model.Form{Doc: "NAME", Fix: "give letters, digits and . _ : -", Check: checkACLName}
	connectionMode = &model.Form{Doc: "MODE", Fix: "give http-keep-alive, http-server-close or httpclose", Check: checkConnectionMode}
	userDef        = &model.Form{Doc: "VALUE", Fix: "give letters, digits and punctuation without spaces, quotes, #, $, % or backslashes", Check: checkUserDef}
)

var aclNameRe = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

func checkACLName(v string) (string, string) {
	if prob := model.UnsafeChar(v); prob != "" {
		return "", prob
	}
	if !aclNameRe.MatchString(v) {
		return "", "is not 1 to 64 letters, digits and . _ : -"
	}
	return v, ""
}

func checkConnectionMode(v string) (string, string) {
	switch v {
	case "http-keep-alive", "http-server-close", "httpclose":
		return v, ""
	case "http-tunnel", "forceclose":
		return "", "is a mode HAProxy 2.x no longer has (http-tunnel is gone; forceclose is httpclose)"
	}
	if prob := model.UnsafeChar(v); prob != "" {
		return "", prob
	}
	return "", "is not http-keep-alive, http-server-close or httpclose"
}

// checkUserDef keeps userDef, which templates print, to what a tag's value
// may hold.
func checkUserDef(v string) (string, string) {
	if prob := model.UnsafeChar(v); prob != "" {
		return "", prob
	}
	if len(v) > 256 {
		return "", "is longer than 256 characters"
	}
	return v, ""
}

var mimeTypeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$`)

// mimeTypes is docker-flow-proxy's compressionType: MIME types separated by
// spaces, as HAProxy's "compression type" takes them.
var mimeTypes = &model.Form{Doc: "TYPE …", Fix: "give MIME types separated by spaces, like text/html text/css", Check: func(v string) (string, string) {
	types := strings.Fields(strings.ToLower(v))
	if len(types) == 0 || len(types) > 60 {
		return "", "does not hold 1 to 60 MIME types"
	}
	for _, t := range types {
		if prob := model.UnsafeChar(t); prob != "" {
			return "", prob
		}
		if !mimeTypeRe.MatchString(t) {
			return "", fmt.Sprintf("holds %s, which is not a MIME type like text/html", t)
		}
	}
	return strings.Join(types, " "), ""
}}
