package loader

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/schema"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// unknownKey finds the key of compose-go's schema error for a key the
// Compose Specification does not define, in either of its forms:
// "services.web.lables false schema", or "services.web.deploy additional
// properties 'replica' not allowed".
var unknownKey = regexp.MustCompile(`([A-Za-z0-9_.-]*) (?:false schema\b|additional properties '([^']+)' not allowed)`)

// suggestKey adds "did you mean labels?" to a schema error about an
// unknown key that is one or two typos away from a key of its place.
func suggestKey(err error) error {
	m := unknownKey.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	path := strings.FieldsFunc(m[1], func(r rune) bool { return r == '.' })
	if m[2] != "" {
		path = append(path, m[2])
	}
	keys := schemaKeys()
	var place string
	switch {
	case len(path) == 0:
		return err
	case len(path) == 1:
		place = "" // the top level
	case len(path) == 3 && path[0] == "services":
		place = "service"
	case len(path) == 4 && path[0] == "services" && path[2] == "deploy":
		place = "deployment"
	default:
		return err
	}
	if s := model.Nearest(path[len(path)-1], keys[place]); s != "" {
		return fmt.Errorf("%w (did you mean %s?)", err, s)
	}
	return err
}

// schemaKeys reads the keys the Compose Specification defines at the top
// level ("") and in a service and its deploy section, from the schema
// compose-go validates with, so that suggestions follow its version.
var schemaKeys = sync.OnceValue(func() map[string][]string {
	var spec struct {
		Properties map[string]json.RawMessage
		Defs       map[string]schemaDef `json:"$defs"`
	}
	if json.Unmarshal([]byte(schema.Schema), &spec) != nil {
		return nil
	}
	var keysOf func(name string) []string
	keysOf = func(name string) []string {
		def := spec.Defs[name]
		var keys []string
		for k := range def.Properties {
			keys = append(keys, k)
		}
		for _, ref := range def.AllOf {
			keys = append(keys, keysOf(strings.TrimPrefix(ref.Ref, "#/$defs/"))...)
		}
		return keys
	}
	top := make([]string, 0, len(spec.Properties))
	for k := range spec.Properties {
		top = append(top, k)
	}
	out := map[string][]string{"": top, "service": keysOf("service"), "deployment": keysOf("deployment")}
	for _, keys := range out {
		slices.Sort(keys)
	}
	return out
})

type schemaDef struct {
	Properties map[string]json.RawMessage
	AllOf      []struct {
		Ref string `json:"$ref"`
	}
}
