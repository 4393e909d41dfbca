package loader

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// maxMountFiles bounds the files read from one mounted folder.
const maxMountFiles = 256

// mounts lists a service's volumes and reads the bind mounts under
// model.MountsReadUnder as secrets are read: inside the project directory,
// regular files of at most MaxFileSize; a folder's files one level deep.
// What cannot be read keeps the reason, reported only if a dialect needs
// the files.
func mounts(vs []types.ServiceVolumeConfig, workingDir string, read func(what, path string)) []model.Mount {
	var out []model.Mount
	for _, v := range vs {
		m := model.Mount{Target: v.Target, Source: v.Source, Bind: v.Type == types.VolumeTypeBind}
		under := path.Clean(v.Target) == model.MountsReadUnder || strings.HasPrefix(path.Clean(v.Target), model.MountsReadUnder+"/")
		if m.Bind {
			src := v.Source
			if !filepath.IsAbs(src) {
				src = filepath.Join(workingDir, src)
			}
			m.Source = inside(workingDir, src)
			if under {
				m.Files, m.Problem = readMount(src, workingDir, read)
			}
		} else if under {
			m.Problem = fmt.Sprintf("is the %s %s, whose files live in Docker, where compose2haproxy cannot read them", cmpOr(v.Type, "volume"), cmpOr(v.Source, "(anonymous)"))
		}
		out = append(out, m)
	}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// readMount reads a mounted file or folder, or says why not.
func readMount(src, workingDir string, read func(what, path string)) ([]model.MountFile, string) {
	shown := inside(workingDir, src)
	if err := checkInside(workingDir, src); err != nil {
		return nil, fmt.Sprintf("is %s, %v", shown, err)
	}
	fi, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Sprintf("is %s, which cannot be read: %v", shown, reason(err))
	}
	if !fi.IsDir() {
		read("mounted file", src)
		b, prob := readSmallFile(src)
		if prob != "" {
			return nil, prob
		}
		return []model.MountFile{{Content: b}}, ""
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return nil, fmt.Sprintf("is the folder %s, which cannot be read: %v", shown, reason(err))
	}
	if len(entries) > maxMountFiles {
		return nil, fmt.Sprintf("is the folder %s, which holds %d entries (at most %d are read)", shown, len(entries), maxMountFiles)
	}
	files := []model.MountFile{}
	for _, e := range entries {
		p := filepath.Join(src, e.Name())
		if e.IsDir() || !within(workingDir, p) {
			continue
		}
		read("mounted file", p)
		b, prob := readSmallFile(p)
		if prob != "" {
			return nil, prob
		}
		files = append(files, model.MountFile{Name: e.Name(), Content: b})
	}
	slices.SortFunc(files, func(a, b model.MountFile) int { return strings.Compare(a.Name, b.Name) })
	return files, ""
}
