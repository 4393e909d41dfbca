package loader

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
)

// includeEntry is one entry of a compose file's include: list, as written.
type includeEntry struct {
	paths       []string // the included file, then its override files
	envFiles    []string
	envFilesSet bool // env_file given (else the included project's .env is read)
	projectDir  string
}

// maxIncludedFiles bounds how many included files checkIncludes reads to
// follow their include: lists; compose-go reports cycles itself.
const maxIncludedFiles = 256

// checkIncludes applies the project's file rule to the env files of
// include: entries, which compose-go reads itself, with no hook, to
// interpolate the included file: each given env_file, else the .env of the
// included project's directory. It follows the included files' own
// include: lists. baseDir is the directory relative paths of entries are
// resolved against (the project directory for the project's own files,
// the included project's for an included file's), as compose-go does;
// variables interpolates the entries (an included file's own env files
// are not applied to its entries: a rare case, then compose-go decides).
// Entries it cannot make sense of are left to compose-go to report.
func checkIncludes(entries []includeEntry, baseDir, projectDir string, variables map[string]string, read func(what, path string), seen map[string]bool) error {
	subst := func(s string) string { return interpolated(s, variables) }
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(baseDir, p)
	}
	for _, e := range entries {
		if len(e.paths) == 0 {
			continue
		}
		written := subst(e.paths[0])
		main := abs(written)
		includedDir := filepath.Dir(main)
		if e.projectDir != "" {
			includedDir = abs(subst(e.projectDir))
		}
		var envFiles []string
		if e.envFilesSet {
			for _, f := range e.envFiles {
				if f = subst(f); f != "/dev/null" {
					envFiles = append(envFiles, abs(f))
				}
			}
		} else if fi, err := os.Stat(filepath.Join(includedDir, ".env")); err == nil && !fi.IsDir() {
			envFiles = append(envFiles, filepath.Join(includedDir, ".env"))
		}
		for _, f := range envFiles {
			if err := checkProjectFile(f, projectDir); err != nil {
				return fmt.Errorf("include %s: env_file %s: %w", written, inside(projectDir, f), err)
			}
			read("env file", f)
		}
		if seen[main] || len(seen) >= maxIncludedFiles || checkFile(main, 0) != nil {
			continue
		}
		seen[main] = true
		content, err := os.ReadFile(main)
		if err != nil {
			continue
		}
		if err := checkIncludes(scan(content).includes, includedDir, projectDir, variables, read, seen); err != nil {
			return err
		}
	}
	return nil
}

// interpolated is s with variables put in as compose-go does, or s as it
// is when it holds none or does not parse (compose-go reports that).
func interpolated(s string, variables map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	out, err := template.SubstituteWithOptions(s, func(name string) (string, bool) {
		v, ok := variables[name]
		return v, ok
	}, template.WithoutLogging)
	if err != nil {
		return s
	}
	return out
}
