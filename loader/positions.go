package loader

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Where each label and environment variable was set (model.Position), so
// that a message names the file and line: compose-go keeps no position
// once files are merged. The tracer follows compose-go's merge on the
// YAML nodes (loader.loadYamlModel and loadYamlFile): each -f file, and
// each document of a file, over the ones before, key by key; an included
// project under the file that includes it; an extended service under the
// one that extends it; !reset and !override dropping what came before.
// env_file and label_file keys come last, under the service's own keys.
//
// It runs once compose-go has loaded the project, so every file is valid;
// what it cannot follow (a key made by interpolating a mapping's key,
// which compose does not do, or files past maxTracedFiles) is left
// without a position, and its messages without a file.

// keyPositions are where one service's keys were set: layer (as
// model.Source.From names it) → key → position.
type keyPositions map[string]map[string]model.Position

func (kp keyPositions) clone() keyPositions {
	out := keyPositions{}
	for layer, keys := range kp {
		out[layer] = maps.Clone(keys)
	}
	return out
}

func (kp keyPositions) set(layer, key string, pos model.Position) {
	if kp[layer] == nil {
		kp[layer] = map[string]model.Position{}
	}
	kp[layer][key] = pos
}

// overlay is kp with every key of top set over it, as compose merges
// labels and environment: key by key, the later (or extending) one wins.
func (kp keyPositions) overlay(top keyPositions) keyPositions {
	for layer, keys := range top {
		for k, pos := range keys {
			kp.set(layer, k, pos)
		}
	}
	return kp
}

// resetPath is a !reset or !override tag under a service: it drops what
// earlier files (and an included or extended service) set there. An empty
// layer is the whole service, an empty key a whole layer.
type resetPath struct{ layer, key string }

func (kp keyPositions) reset(rs []resetPath) {
	for _, r := range rs {
		switch {
		case r.layer == "":
			clear(kp)
		case r.key == "":
			delete(kp, r.layer)
		default:
			delete(kp[r.layer], r.key)
		}
	}
}

// serviceTrace is one service as a document (or a merge of them) has it.
type serviceTrace struct {
	keys    keyPositions
	extends *extendsRef // nil once applied, or when there is none
}

type extendsRef struct{ service, file string }

// docTrace is what one YAML document says about services.
type docTrace struct {
	services map[string]*serviceTrace
	resets   map[string][]resetPath // by service
	includes []includeEntry
}

// maxTracedFiles bounds the included and extended files the tracer reads,
// as maxIncludedFiles bounds checkIncludes; maxTraceDepth bounds nesting
// (compose-go has already refused cycles).
const (
	maxTracedFiles = 256
	maxTraceDepth  = 32
)

type tracer struct {
	workingDir string
	subst      func(string) string
	parsed     map[string][]*yaml.Node // included and extended files, by absolute path
	pairs      map[*yaml.Node][]pair   // mappings with their merge keys (<<) applied
	extended   map[extendsRef]keyPositions
}

// tracePositions says where each service of the project set each key of
// its labels, deploy.labels and environment in the compose files (main
// holds the -f files' names and documents, from scan).
func tracePositions(main []tracedFile, workingDir string, variables map[string]string) map[string]keyPositions {
	t := &tracer{
		workingDir: workingDir,
		subst:      func(s string) string { return interpolated(s, variables) },
		parsed:     map[string][]*yaml.Node{},
		pairs:      map[*yaml.Node][]pair{},
		extended:   map[extendsRef]keyPositions{},
	}
	out := map[string]keyPositions{}
	for name, s := range t.model(main, workingDir, 0) {
		out[name] = s.keys
	}
	return out
}

// tracedFile is a compose file: its name as positions show it, and its
// documents.
type tracedFile struct {
	name string
	docs []*yaml.Node
}

// model merges files in order, as compose-go loads a project's -f files
// or an include's paths; baseDir is the directory their include and
// extends paths are relative to.
func (t *tracer) model(files []tracedFile, baseDir string, depth int) map[string]*serviceTrace {
	acc := map[string]*serviceTrace{}
	for _, f := range files {
		for _, root := range f.docs {
			d := t.doc(f.name, root)
			t.include(&d, baseDir, depth)
			d.resetEarlier(acc)
			for _, name := range slices.Sorted(maps.Keys(d.services)) {
				t.extend(name, d.services, d.resets, baseDir, depth, map[string]bool{})
			}
			d.mergeInto(acc)
		}
	}
	return acc
}

// resetEarlier applies d's !reset and !override tags to what the files
// before it set.
func (d docTrace) resetEarlier(acc map[string]*serviceTrace) {
	for name, rs := range d.resets {
		if a := acc[name]; a != nil {
			if slices.Contains(rs, resetPath{}) {
				delete(acc, name)
				continue
			}
			a.keys.reset(rs)
		}
	}
}

// mergeInto sets d's services over acc's.
func (d docTrace) mergeInto(acc map[string]*serviceTrace) {
	for name, s := range d.services {
		a := acc[name]
		if a == nil {
			acc[name] = s
			continue
		}
		a.keys.overlay(s.keys)
		if s.extends != nil {
			a.extends = s.extends
		}
	}
}

// include puts the services of d's include: entries under d's own: a
// service both define takes the including file's keys over the included
// ones (compose-go's importResources).
func (t *tracer) include(d *docTrace, baseDir string, depth int) {
	if depth >= maxTraceDepth {
		return
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(baseDir, p)
	}
	for _, e := range d.includes {
		if len(e.paths) == 0 {
			continue
		}
		var files []tracedFile
		for _, p := range e.paths {
			path := abs(t.subst(p))
			files = append(files, tracedFile{t.name(path), t.parse(path)})
		}
		includedDir := filepath.Dir(abs(t.subst(e.paths[0])))
		if e.projectDir != "" {
			includedDir = abs(t.subst(e.projectDir))
		}
		for name, imported := range t.model(files, includedDir, depth+1) {
			own := d.services[name]
			if own == nil {
				d.services[name] = imported
				continue
			}
			base := imported.keys.clone()
			base.reset(d.resets[name])
			own.keys = base.overlay(own.keys)
		}
	}
}

// extend applies the extends: of service name of services, whose
// documents' tags are resets: the base service's keys, then name's own
// over them (compose-go's applyServiceExtends). A base in another file
// is that file's service, extended in turn relative to that file.
func (t *tracer) extend(name string, services map[string]*serviceTrace, resets map[string][]resetPath, baseDir string, depth int, visiting map[string]bool) {
	s := services[name]
	if s == nil || s.extends == nil || visiting[name] || depth >= maxTraceDepth {
		return
	}
	ref := *s.extends
	s.extends = nil
	visiting[name] = true
	var base keyPositions
	if ref.file == "" {
		t.extend(ref.service, services, resets, baseDir, depth+1, visiting)
		if b := services[ref.service]; b != nil {
			base = b.keys.clone()
		}
	} else {
		path := ref.file
		if !filepath.IsAbs(path) {
			path = filepath.Join(baseDir, path)
		}
		base = t.extendedService(extendsRef{ref.service, path}, depth)
	}
	if base == nil {
		return
	}
	base.reset(resets[name])
	s.keys = base.overlay(s.keys)
}

// extendedService is the service ref.service of the file ref.file, its
// own extends applied: loaded alone, without its include: entries, as
// compose-go loads an extended file.
func (t *tracer) extendedService(ref extendsRef, depth int) keyPositions {
	if kp, ok := t.extended[ref]; ok {
		return kp.clone()
	}
	acc := map[string]*serviceTrace{}
	resets := map[string][]resetPath{}
	for _, root := range t.parse(ref.file) {
		d := t.doc(t.name(ref.file), root)
		d.resetEarlier(acc)
		d.mergeInto(acc)
		for name, rs := range d.resets {
			resets[name] = append(resets[name], rs...)
		}
	}
	t.extend(ref.service, acc, resets, filepath.Dir(ref.file), depth+1, map[string]bool{})
	var kp keyPositions
	if s := acc[ref.service]; s != nil {
		kp = s.keys
	}
	t.extended[ref] = kp
	return kp.clone()
}

// parse reads an included or extended file once; nil when it cannot, or
// when the tracer has read maxTracedFiles of them.
func (t *tracer) parse(path string) []*yaml.Node {
	if docs, ok := t.parsed[path]; ok {
		return docs
	}
	t.parsed[path] = nil
	if len(t.parsed) > maxTracedFiles || checkFile(path, 0) != nil {
		return nil
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	docs := scan(content).docs
	t.parsed[path] = docs
	return docs
}

// name is path as a position shows it: relative to the project directory
// when inside it.
func (t *tracer) name(path string) string {
	return filepath.ToSlash(inside(t.workingDir, path))
}

// doc reads the services of one document of file.
func (t *tracer) doc(file string, root *yaml.Node) docTrace {
	d := docTrace{services: map[string]*serviceTrace{}, resets: map[string][]resetPath{}}
	for _, top := range t.mapping(root) {
		switch top.key {
		case "include":
			d.includes = scanIncludes(top.value)
		case "services":
			for _, svc := range t.mapping(top.value) {
				t.service(file, svc, &d)
			}
		}
	}
	return d
}

func (t *tracer) service(file string, svc pair, d *docTrace) {
	tag := resetTag(svc.value)
	if tag != "" {
		d.resets[svc.key] = append(d.resets[svc.key], resetPath{})
		if tag == "!reset" {
			return
		}
	}
	s := &serviceTrace{keys: keyPositions{}}
	d.services[svc.key] = s
	for _, attr := range t.mapping(svc.value) {
		switch attr.key {
		case "labels", "environment":
			t.layer(file, svc.key, attr.key, attr.value, s, d)
		case "deploy":
			switch resetTag(attr.value) {
			case "!reset":
				d.resets[svc.key] = append(d.resets[svc.key], resetPath{layer: "deploy.labels"})
				continue
			case "!override":
				d.resets[svc.key] = append(d.resets[svc.key], resetPath{layer: "deploy.labels"})
			}
			for _, dep := range t.mapping(attr.value) {
				if dep.key == "labels" {
					t.layer(file, svc.key, "deploy.labels", dep.value, s, d)
				}
			}
		case "extends":
			v := deref(attr.value)
			if v.Kind == yaml.ScalarNode {
				s.extends = &extendsRef{service: t.subst(v.Value)}
				continue
			}
			ref := &extendsRef{}
			for _, e := range t.mapping(v) {
				if e.value.Kind == yaml.ScalarNode {
					switch e.key {
					case "service":
						ref.service = t.subst(e.value.Value)
					case "file":
						ref.file = t.subst(e.value.Value)
					}
				}
			}
			s.extends = ref
		}
	}
}

// layer records the keys of one of a service's labels, deploy.labels or
// environment, as a mapping (the key's line) or a list of KEY=VALUE (the
// item's line; compose interpolates the item, key included).
func (t *tracer) layer(file, service, layer string, n *yaml.Node, s *serviceTrace, d *docTrace) {
	switch resetTag(n) {
	case "!reset":
		d.resets[service] = append(d.resets[service], resetPath{layer: layer})
		return
	case "!override":
		d.resets[service] = append(d.resets[service], resetPath{layer: layer})
	}
	if deref(n).Kind == yaml.SequenceNode {
		for _, item := range sequenceItems(n) {
			if item.Kind == yaml.ScalarNode {
				key, _, _ := strings.Cut(t.subst(item.Value), "=")
				s.keys.set(layer, key, model.Position{File: file, Line: item.Line})
			}
		}
		return
	}
	for _, kv := range t.mapping(n) {
		if resetTag(kv.value) != "" {
			d.resets[service] = append(d.resets[service], resetPath{layer, kv.key})
			if resetTag(kv.value) == "!reset" {
				continue
			}
		}
		s.keys.set(layer, kv.key, model.Position{File: file, Line: kv.line})
	}
}

// resetTag is n's !reset or !override tag (or its alias target's), else "".
func resetTag(n *yaml.Node) string {
	for n != nil {
		if n.Tag == "!reset" || n.Tag == "!override" {
			return n.Tag
		}
		if n.Kind != yaml.AliasNode {
			break
		}
		n = n.Alias
	}
	return ""
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{}
	}
	return n
}

// mapping lists a mapping's entries with its merge keys applied, as the
// YAML decoder compose-go uses applies them: a key of the mapping itself
// wins over a merged one, and of merged mappings the first listed wins.
// Merged entries keep the line of their anchor's mapping.
func (t *tracer) mapping(n *yaml.Node) []pair {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	if ps, ok := t.pairs[n]; ok {
		return ps
	}
	t.pairs[n] = nil // a mapping that merges itself adds nothing
	var own, merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			sources := []*yaml.Node{v}
			if deref(v).Kind == yaml.SequenceNode {
				sources = sequenceItems(v)
			}
			for _, src := range sources {
				merged = append(merged, t.mapping(src)...)
			}
			continue
		}
		own = append(own, pair{k.Value, v, k.Line})
	}
	seen := map[string]bool{}
	var out []pair
	for _, p := range slices.Concat(own, merged) {
		if !seen[p.key] {
			seen[p.key] = true
			out = append(out, p)
		}
	}
	t.pairs[n] = out
	return out
}

// filePositions are the keys of env_file (or label_file) files, each at
// its line; a later file wins, as compose reads them in order.
func filePositions(paths []string, workingDir string, cache map[string]map[string]int) map[string]model.Position {
	if len(paths) == 0 {
		return nil
	}
	out := map[string]model.Position{}
	for _, path := range paths {
		lines, ok := cache[path]
		if !ok {
			lines = nil
			if checkFile(path, MaxFileSize) == nil {
				if content, err := os.ReadFile(path); err == nil {
					lines = envKeyLines(string(content))
				}
			}
			cache[path] = lines
		}
		name := filepath.ToSlash(inside(workingDir, path))
		for k, line := range lines {
			out[k] = model.Position{File: name, Line: line}
		}
	}
	return out
}

// envKeyLines finds the line of each key of an env file, read as
// compose-go's dotenv parser reads it: statements after blank lines and
// # comments, an optional "export ", the key up to '=', ':' or the end of
// the line, a value to the end of the line or, quoted, to its closing
// quote, which may be lines further. The last statement of a key wins.
func envKeyLines(src string) map[string]int {
	out := map[string]int{}
	line, counted := 1, 0 // line is that of src[counted]
	lineAt := func(i int) int {
		line += strings.Count(src[counted:i], "\n")
		counted = i
		return line
	}
	i := 0
	for {
		for i < len(src) && unicode.IsSpace(rune(src[i])) {
			i++
		}
		if i >= len(src) {
			return out
		}
		if src[i] == '#' {
			i = endOfLine(src, i)
			continue
		}
		start := i
		if rest, ok := strings.CutPrefix(src[i:], "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			i += len("export")
			for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
				i++
			}
		}
		end := strings.IndexAny(src[i:], "=:\n")
		if end < 0 {
			end = len(src) - i
		}
		if key := strings.TrimSpace(src[i : i+end]); key != "" {
			out[key] = lineAt(start)
		}
		i += end
		if i >= len(src) || src[i] == '\n' {
			continue
		}
		i++ // past '=' or ':'
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i < len(src) && (src[i] == '"' || src[i] == '\'') {
			i = closingQuote(src, i)
		}
		i = endOfLine(src, i)
	}
}

// endOfLine is the index of the line break ending src[i]'s line, or len(src).
func endOfLine(src string, i int) int {
	if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// closingQuote is the index after the quote closing the one at src[i]
// (a backslash escapes the next character), or len(src).
func closingQuote(src string, i int) int {
	quote := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case quote:
			return j + 1
		}
	}
	return len(src)
}

// servicePositions gives each service of p the positions of the keys it
// has: its own keys' from the compose files (traced), the others' from
// its env_file and label_file files (loaded, the project before they
// were read, lists them in order).
func servicePositions(p *model.Project, traced map[string]keyPositions, loaded *types.Project, workingDir string) {
	cache := map[string]map[string]int{}
	for i := range p.Services {
		svc := &p.Services[i]
		own := traced[svc.Name]
		var envFiles, labelFiles map[string]model.Position
		if s, ok := loaded.Services[svc.Name]; ok {
			var paths []string
			for _, f := range s.EnvFiles {
				paths = append(paths, f.Path)
			}
			envFiles = filePositions(paths, workingDir, cache)
			labelFiles = filePositions(s.LabelFiles, workingDir, cache)
		}
		for _, l := range []struct {
			name  string
			m     map[string]string
			files map[string]model.Position
		}{{"labels", svc.Labels, labelFiles}, {"deploy.labels", svc.DeployLabels, nil}, {"environment", svc.Environment, envFiles}} {
			for k := range l.m {
				pos, ok := own[l.name][k]
				if !ok {
					pos, ok = l.files[k]
				}
				if ok {
					if svc.Positions == nil {
						svc.Positions = map[string]map[string]model.Position{}
					}
					if svc.Positions[l.name] == nil {
						svc.Positions[l.name] = map[string]model.Position{}
					}
					svc.Positions[l.name][k] = pos
				}
			}
		}
	}
}
