package loader

import (
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// maxNamedPaths bounds the named paths read from one service's mounts.
const maxNamedPaths = 32

// namedPaths are the absolute container paths a project names: in a
// service's command or environment (a flag's value, a variable's), or in
// any service's label values (labelPaths: project-wide, as a proxy reads
// other containers' labels, and found once for the project, not once a
// service). Sorted, without duplicates.
func namedPaths(s types.ServiceConfig, labelPaths map[string]bool) []string {
	words := slices.Concat(s.Command, s.Entrypoint)
	for _, v := range s.Environment {
		if v != nil {
			words = append(words, *v)
		}
	}
	seen := pathsIn(words)
	maps.Copy(seen, labelPaths)
	return slices.Sorted(maps.Keys(seen))
}

// pathsIn are the absolute paths that words are, or give as a flag's
// value (--providers.file.directory=/rules), cleaned.
func pathsIn(words []string) map[string]bool {
	seen := map[string]bool{}
	for _, w := range words {
		if _, v, ok := strings.Cut(w, "="); ok && strings.HasPrefix(w, "-") {
			w = v
		}
		if strings.HasPrefix(w, "/") && !strings.ContainsAny(w, "\x00\n") {
			seen[path.Clean(w)] = true
		}
	}
	return seen
}

// namedMounts reads what the service's bind mounts hold at the paths the
// project names (namedPaths): Traefik's --providers.file.directory=/rules
// with ./rules:/rules mounted, a basicAuth usersFile. A named path that is
// a mount's target has that mount read, and so have the mounts below it
// (files mounted one by one into a named folder); one below a target
// (/etc/traefik/dynamic under ./traefik:/etc/traefik) is one more Mount
// whose Target is the path. All are read as the mounts under
// model.MountsReadUnder are: inside the project, regular files, bounded.
func namedMounts(vs []types.ServiceVolumeConfig, ms []model.Mount, named []string, workingDir string, read func(what, path string)) []model.Mount {
	n := 0
	for _, p := range named {
		for i, v := range vs {
			m := &ms[i]
			if v.Type != types.VolumeTypeBind || !strings.HasPrefix(path.Clean(v.Target), p+"/") || m.Files != nil || m.Problem != "" {
				continue
			}
			if n++; n > maxNamedPaths {
				return ms
			}
			src := v.Source
			if !filepath.IsAbs(src) {
				src = filepath.Join(workingDir, src)
			}
			m.Files, m.Problem = readMount(src, workingDir, read)
		}
		best := -1
		for i, v := range vs {
			t := path.Clean(v.Target)
			if v.Type == types.VolumeTypeBind && (p == t || strings.HasPrefix(p, t+"/")) && (best < 0 || len(t) > len(path.Clean(vs[best].Target))) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		if n++; n > maxNamedPaths {
			break
		}
		v, t := vs[best], path.Clean(vs[best].Target)
		src := v.Source
		if !filepath.IsAbs(src) {
			src = filepath.Join(workingDir, src)
		}
		if p == t {
			if m := &ms[best]; m.Files == nil && m.Problem == "" {
				m.Files, m.Problem = readMount(src, workingDir, read)
			}
			continue
		}
		host := filepath.Join(src, filepath.FromSlash(strings.TrimPrefix(p, t)))
		m := model.Mount{Target: p, Source: inside(workingDir, host), Bind: true}
		m.Files, m.Problem = readMount(host, workingDir, read)
		ms = append(ms, m)
	}
	return ms
}
