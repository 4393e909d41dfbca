package loader

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// secrets reads the project's top-level secrets, which basic auth may name
// (auth=NAME): a file inside the project directory, regular and at most
// MaxFileSize, or an environment variable's value. A secret that cannot be
// read keeps the reason, which the model reports only when a service uses
// it: other secrets (a database password, a key) are none of our business.
func secrets(p *types.Project, workingDir string, read func(what, path string), env *envScope) []model.Secret {
	var out []model.Secret
	for _, name := range slices.Sorted(maps.Keys(p.Secrets)) {
		s := p.Secrets[name]
		sec := model.Secret{Name: name}
		switch {
		case s.File != "":
			path := s.File
			if !filepath.IsAbs(path) {
				path = filepath.Join(workingDir, path)
			}
			sec.File = inside(workingDir, path)
			if err := checkInside(workingDir, path); err != nil {
				sec.Problem = fmt.Sprintf("is the file %s, %v", sec.File, err)
				break
			}
			read("secret file", path)
			sec.Content, sec.Problem = readSmallFile(path)
		case s.Environment != "" && s.Content == "":
			sec.Problem = fmt.Sprintf("comes from the environment variable %s, which is not set", s.Environment)
			if env.notRead(s.Environment) {
				sec.Problem += " (" + notReadFix(s.Environment) + ")"
			}
		case s.Environment != "":
			sec.Content = []byte(s.Content)
		case bool(s.External):
			sec.Problem = "is external: it lives in Docker, where compose2haproxy cannot read it"
		default:
			sec.Problem = "has neither file: nor environment:"
		}
		out = append(out, sec)
	}
	return out
}

// ErrOutsideProject: a file the project names lies outside the project
// directory. Only the operator chooses files outside it (-f, --env-file,
// --stats-auth): a compose file pointing at ~/.docker/config.json or a CI
// runner's secrets would otherwise copy them into labels, the config and
// its messages.
var ErrOutsideProject = errors.New("outside the project directory")

// checkInside is the one rule for files the project names (secrets,
// env_file, label_file, an include's env files): inside dir, links
// resolved, or ErrOutsideProject.
func checkInside(dir, path string) error {
	if within(dir, path) {
		return nil
	}
	return fmt.Errorf("%w; compose2haproxy reads only the project's files", ErrOutsideProject)
}

// within reports whether path is dir or below it, symbolic links
// resolved: a link inside the project to /etc/shadow is outside it.
func within(dir, path string) bool {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		real = path // a missing file: readSmallFile says so
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		realDir = dir
	}
	rel, err := filepath.Rel(realDir, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// readSmallFile reads a regular file of at most MaxFileSize, or says why
// not; the reason never quotes the content.
func readSmallFile(path string) ([]byte, string) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Sprintf("names the file %s, which does not exist", path)
	case err != nil:
		return nil, fmt.Sprintf("names the file %s, which cannot be read: %v", path, reason(err))
	case fi.IsDir():
		return nil, fmt.Sprintf("names %s, which is a directory", path)
	}
	if err := checkFile(path, MaxFileSize); err != nil {
		return nil, fmt.Sprintf("names the file %s, which is %v", path, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Sprintf("names the file %s, which cannot be read: %v", path, reason(err))
	}
	return b, ""
}

// reason is err without the path, which the message names already.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadUsersFile reads a file of users named on the command line (the stats
// page's), with the limits of a secret's file. Relative paths are relative
// to the current directory, as every path on the command line.
func ReadUsersFile(path string) model.Secret {
	sec := model.Secret{File: path}
	sec.Content, sec.Problem = readSmallFile(path)
	return sec
}
