package loader

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v4"
)

// scanResult is what Load needs to know about a file before compose-go
// sees it.
type scanResult struct {
	// legacy: services sit at the top level (Compose file format v1).
	// compose-go only says "additional properties 'web' not allowed",
	// which does not tell a v1 user what to change.
	legacy bool
	// named: the file sets a top-level `name:`, which then outranks the
	// directory name (as in compose-go's cli.ProjectOptions.prepare).
	named bool
	// hidden: label and environment keys starting with "x-", which
	// compose-go drops as extensions (service → layer → key → value).
	// They are handed to the model so it can say why they do nothing.
	hidden map[string]map[string]map[string]string
	// includes: the file's include: entries, as written, so that their env
	// files are checked before compose-go reads them.
	includes []includeEntry
	// services: the names under services:, in the order written.
	services []string
	// docs: the root of each YAML document, kept to find where each label
	// was set (positions.go) without parsing the file again.
	docs []*yaml.Node
}

// topLevelKeys are the top-level keys of the compose specification
// (compose-go's schema/compose-spec.json); x-* keys are extensions.
var topLevelKeys = map[string]bool{
	"version": true, "name": true, "include": true, "services": true, "models": true,
	"networks": true, "volumes": true, "secrets": true, "configs": true, "jobs": true,
}

// serviceKeys are service attributes common in v1 files; one of them in a
// mapping under an unknown top-level key marks that key as a service.
var serviceKeys = map[string]bool{
	"image": true, "build": true, "ports": true, "expose": true, "environment": true,
	"env_file": true, "labels": true, "command": true, "entrypoint": true, "volumes": true,
	"volumes_from": true, "links": true, "external_links": true, "container_name": true,
	"restart": true, "net": true, "dns": true, "extends": true, "working_dir": true,
	"hostname": true, "user": true, "privileged": true,
}

// scan looks at the raw YAML of a compose file. It never fails: a file that
// does not parse is left to compose-go, which reports it better.
func scan(content []byte) scanResult {
	var res scanResult
	dec := yaml.NewDecoder(bytes.NewReader(content))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return res
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
			root = root.Content[0]
		}
		if root.Kind != yaml.MappingNode {
			continue
		}
		res.docs = append(res.docs, root)
		hasServices, hasTopLevelService := false, false
		for i := 0; i+1 < len(root.Content); i += 2 {
			key, value := root.Content[i].Value, root.Content[i+1]
			switch {
			case key == "services":
				hasServices = true
				scanHidden(value, &res)
			case key == "include":
				res.includes = append(res.includes, scanIncludes(value)...)
			case key == "name":
				if value.Kind == yaml.ScalarNode && value.Value != "" && value.ShortTag() != "!!null" {
					res.named = true
				}
			case topLevelKeys[key] || strings.HasPrefix(key, "x-"):
			default:
				hasTopLevelService = hasTopLevelService || looksLikeService(value)
			}
		}
		if !hasServices && hasTopLevelService {
			res.legacy = true
		}
	}
}

func looksLikeService(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if serviceKeys[n.Content[i].Value] {
			return true
		}
	}
	return false
}

// scanHidden records the x- keys of each service's labels, deploy.labels
// and environment mappings.
func scanHidden(services *yaml.Node, res *scanResult) {
	for _, svc := range mappingPairs(services) {
		res.services = append(res.services, svc.key)
		for _, attr := range mappingPairs(svc.value) {
			switch attr.key {
			case "labels", "environment":
				recordHidden(res, svc.key, attr.key, attr.value)
			case "deploy":
				for _, d := range mappingPairs(attr.value) {
					if d.key == "labels" {
						recordHidden(res, svc.key, "deploy.labels", d.value)
					}
				}
			}
		}
	}
}

func recordHidden(res *scanResult, service, layer string, m *yaml.Node) {
	for _, kv := range mappingPairs(m) {
		if !strings.HasPrefix(kv.key, "x-") || kv.value.Kind != yaml.ScalarNode {
			continue
		}
		if res.hidden == nil {
			res.hidden = map[string]map[string]map[string]string{}
		}
		if res.hidden[service] == nil {
			res.hidden[service] = map[string]map[string]string{}
		}
		if res.hidden[service][layer] == nil {
			res.hidden[service][layer] = map[string]string{}
		}
		res.hidden[service][layer][kv.key] = kv.value.Value
	}
}

type pair struct {
	key   string
	value *yaml.Node
	line  int // the key's
}

// mappingPairs lists a mapping's entries, following an alias; anything
// else has none.
func mappingPairs(n *yaml.Node) []pair {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, pair{n.Content[i].Value, n.Content[i+1], n.Content[i].Line})
	}
	return out
}

// scanIncludes reads an include: list: each entry a path, or a mapping of
// path (one or a list), env_file (one or a list) and project_directory.
func scanIncludes(n *yaml.Node) []includeEntry {
	var out []includeEntry
	for _, item := range sequenceItems(n) {
		if item.Kind == yaml.ScalarNode {
			out = append(out, includeEntry{paths: []string{item.Value}})
			continue
		}
		var e includeEntry
		for _, kv := range mappingPairs(item) {
			switch kv.key {
			case "path":
				e.paths = scalars(kv.value)
			case "env_file":
				e.envFiles, e.envFilesSet = scalars(kv.value), true
			case "project_directory":
				if kv.value.Kind == yaml.ScalarNode {
					e.projectDir = kv.value.Value
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// sequenceItems lists a sequence's items, following aliases.
func sequenceItems(n *yaml.Node) []*yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	items := make([]*yaml.Node, 0, len(n.Content))
	for _, item := range n.Content {
		if item.Kind == yaml.AliasNode && item.Alias != nil {
			item = item.Alias
		}
		items = append(items, item)
	}
	return items
}

// scalars is a scalar as a list of one, or a sequence's scalars.
func scalars(n *yaml.Node) []string {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, item := range sequenceItems(n) {
		if item.Kind == yaml.ScalarNode {
			out = append(out, item.Value)
		}
	}
	return out
}
