package config

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v4"
)

// FileSupported reports whether Traefik's file provider reads a file of
// this name: .toml, .yaml or .yml (a directory's other files are skipped).
func FileSupported(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".toml", ".yaml", ".yml":
		return true
	}
	return false
}

// DecodeFile reads one file of Traefik's file provider (dynamic
// configuration), YAML or TOML by its extension (.toml is TOML, anything
// else YAML, as Traefik). Each value keeps the file's name and, for YAML,
// its line, for messages about name@file references. Keys are compared
// case-insensitively, as Traefik does. The error is non-nil when the file
// does not parse (ErrSyntax) or exceeds a cap (ErrLimit).
func DecodeFile(name string, data []byte) (*Dynamic, Diagnostics, error) {
	r, err := fileRaw(name, data)
	if err != nil {
		return nil, nil, err
	}
	var ds Diagnostics
	if strings.Contains(string(data), "{{") {
		ds.add(Warning, Origin{Source: name, Key: "(file)"}, "", "Traefik runs the file provider's files as Go templates; this tool reads the text as written")
	}
	tree := check(r, dynamicSchema(), srcFile, Origin{Source: name}, &ds, &nodeArena{})
	if tree == nil {
		tree = &Node{kind: gSection}
	}
	d := view(tree, &ds)
	ds.Sort()
	return &d, ds, nil
}

// fileRaw parses YAML or TOML into the untyped tree.
func fileRaw(name string, data []byte) (*raw, error) {
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("%s: %d bytes (at most %d): %w", name, len(data), maxInputBytes, ErrLimit)
	}
	c := &conv{file: name}
	root := &raw{}
	if strings.EqualFold(path.Ext(name), ".toml") {
		var m map[string]any
		if _, err := toml.Decode(string(data), &m); err != nil {
			return nil, fmt.Errorf("%s: %v: %w", name, err, ErrSyntax)
		}
		c.lines = tomlLines(string(data))
		if err := c.tomlMap(root, m, nil, 0); err != nil {
			return nil, err
		}
		return root, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", name, err, ErrSyntax)
	}
	if len(doc.Content) == 0 {
		return root, nil
	}
	if err := c.yamlNode(root, doc.Content[0], nil, 0); err != nil {
		return nil, err
	}
	return root, nil
}

type conv struct {
	file  string
	nodes int
	lines map[string]int // TOML: each key's line (tomlLines)
	arena rawArena
}

func (c *conv) count(depth int) error {
	c.nodes++
	if c.nodes > maxFileNodes {
		return fmt.Errorf("%s: more than %d values: %w", c.file, maxFileNodes, ErrLimit)
	}
	if depth > maxDepth {
		return fmt.Errorf("%s: nested deeper than %d: %w", c.file, maxDepth, ErrLimit)
	}
	return nil
}

func key(p []string) string { return strings.Join(p, ".") }

func (c *conv) yamlNode(r *raw, n *yaml.Node, p []string, depth int) error {
	if err := c.count(depth); err != nil {
		return err
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
		if err := c.count(depth); err != nil {
			return err
		}
	}
	o := Origin{Source: c.file, Key: key(p), Line: n.Line}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" {
				// a merge key: its mapping's entries join this one
				if err := c.yamlNode(r, v, p, depth+1); err != nil {
					return err
				}
				continue
			}
			ch := r.add(k.Value, &c.arena)
			if ch.origin.Key == "" {
				ch.origin = Origin{Source: c.file, Key: key(append(p, k.Value)), Line: k.Line}
			}
			if err := c.yamlNode(ch, v, append(p, k.Value), depth+1); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		scalars := true
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode {
				scalars = false
			}
		}
		if scalars {
			r.isSeq, r.hasValue = true, true
			if r.origin.Key == "" {
				r.origin = o
			}
			r.seq = nil
			for _, e := range n.Content {
				if err := c.count(depth); err != nil {
					return err
				}
				r.seq = append(r.seq, e.Value)
			}
			r.value = strings.Join(r.seq, ",")
			return nil
		}
		for i, e := range n.Content {
			ch := r.add("["+strconv.Itoa(i)+"]", &c.arena)
			ch.origin = Origin{Source: c.file, Key: key(append(p, "["+strconv.Itoa(i)+"]")), Line: e.Line}
			if err := c.yamlNode(ch, e, append(p, "["+strconv.Itoa(i)+"]"), depth+1); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		if len(n.Value) > maxValueLen {
			return fmt.Errorf("%s:%d: value longer than %d bytes: %w", c.file, n.Line, maxValueLen, ErrLimit)
		}
		r.value, r.hasValue = n.Value, true
		if r.origin.Key == "" {
			r.origin = o
		}
		if n.Tag == "!!null" {
			r.value = ""
		}
	}
	return nil
}

func (c *conv) tomlMap(r *raw, m map[string]any, p []string, depth int) error {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		ch := r.add(k, &c.arena)
		if ch.origin.Key == "" {
			ch.origin = Origin{Source: c.file, Key: key(append(p, k)), Line: c.lines[key(append(p, k))]}
		}
		if err := c.tomlValue(ch, m[k], append(p, k), depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (c *conv) tomlValue(r *raw, v any, p []string, depth int) error {
	if err := c.count(depth); err != nil {
		return err
	}
	o := Origin{Source: c.file, Key: key(p), Line: c.lines[key(p)]}
	switch v := v.(type) {
	case map[string]any:
		return c.tomlMap(r, v, p, depth)
	case []map[string]any:
		for i, e := range v {
			ch := r.add("["+strconv.Itoa(i)+"]", &c.arena)
			ip := key(append(p, "["+strconv.Itoa(i)+"]"))
			ch.origin = Origin{Source: c.file, Key: ip, Line: c.lines[ip]}
			if err := c.tomlMap(ch, e, append(p, "["+strconv.Itoa(i)+"]"), depth+1); err != nil {
				return err
			}
		}
	case []any:
		var seq []string
		for i, e := range v {
			if _, ok := e.(map[string]any); ok {
				ch := r.add("["+strconv.Itoa(i)+"]", &c.arena)
				if err := c.tomlValue(ch, e, append(p, "["+strconv.Itoa(i)+"]"), depth+1); err != nil {
					return err
				}
				continue
			}
			if err := c.count(depth); err != nil {
				return err
			}
			seq = append(seq, fmt.Sprint(e))
		}
		if len(r.children) == 0 {
			r.seq, r.isSeq, r.hasValue, r.origin = seq, true, true, o
			r.value = strings.Join(seq, ",")
		}
	default:
		r.value, r.hasValue, r.origin = fmt.Sprint(v), true, o
	}
	return nil
}
