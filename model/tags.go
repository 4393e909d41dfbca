package model

import (
	"fmt"
	"strings"
)

// tagSpec says what a known tag takes.
type tagSpec struct {
	value      bool // needs =VALUE
	repeatable bool
}

var knownTags = map[string]tagSpec{
	"server_alias":   {value: true, repeatable: true},
	"server_aliases": {value: true, repeatable: true},
	"path":           {value: true, repeatable: true},
	"strip_path":     {},
	"sticky_session": {},
	"balance":        {value: true},
	"weight":         {value: true},
	"maxconn":        {value: true},
	"slots":          {value: true},
	"timeout":        {value: true},
	"https_only":     {},
	"redirect_from":  {value: true, repeatable: true},
	"tcp":            {value: true},
}

// foreignTags belong to other tools of the registrator ecosystem; they are
// kept for custom templates without a warning.
var foreignTags = map[string]bool{"public_ipaddress": true}

// parseTags splits a SERVICE_TAGS value into tags. Each value is checked for
// characters HAProxy would interpret even when the tag is unknown, because
// custom templates can print any tag.
func parseTags(raw string, src Source, ds *Diagnostics) []Tag {
	var tags []Tag
	seen := map[string]string{}
	for _, item := range strings.Split(raw, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, hasValue := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		value = strings.TrimSpace(value)
		if prob := unsafeChar(item); prob != "" {
			ds.errorf(src, "remove it from the tag", "tag %s %s", printable(item), prob)
			continue
		}
		spec, known := knownTags[name]
		tag := Tag{Name: name, Value: value, Known: known, Source: src.item(item)}
		switch {
		case !known && foreignTags[name]:
		case !known:
			fix := "remove it, or see the README for the tags compose2haproxy knows"
			if s := suggest(name); s != "" {
				fix = fmt.Sprintf("did you mean %q?", s)
			}
			ds.warnf(src, fix, "unknown tag %q", name)
		case spec.value && (!hasValue || value == ""):
			ds.errorf(src, fmt.Sprintf("write it as %s=VALUE", name), "tag %q needs a value", name)
			continue
		case !spec.value && hasValue:
			ds.errorf(src, fmt.Sprintf("write just %q", name), "tag %q takes no value", name)
			continue
		case !spec.repeatable:
			if prev, ok := seen[name]; ok && prev != value {
				ds.errorf(src, "keep one of them", "tag %q is set twice, to %q and %q", name, prev, value)
				continue
			}
			seen[name] = value
		}
		tags = append(tags, tag)
	}
	return tags
}

// suggest returns the known tag nearest to name, if it is near enough to be
// a typo.
func suggest(name string) string {
	best, bestDist := "", 3
	for known := range knownTags {
		if d := editDistance(name, known); d < bestDist || (d == bestDist && known < best) {
			best, bestDist = known, d
		}
	}
	if best == "" || bestDist > len(name)/2 {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
