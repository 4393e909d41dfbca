package loader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// MaxFileSize bounds each env_file, label_file, extended file and
// --env-file/.env: they hold a few settings, and a larger file would cost
// more than the whole project it belongs to. Compose files themselves are
// not bounded; loading them is the floor every run pays.
const MaxFileSize = 1 << 20

var (
	// ErrNotRegular: a file the project points at is a device, FIFO or
	// socket (env_file: /dev/zero would be read until memory runs out).
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: a file the project points at is larger than MaxFileSize.
	ErrTooLarge = errors.New("larger than 1 MiB")
)

// checkFile reports why path may not be read, or nil. A path that cannot
// be stat'ed is left to compose-go, which says it better (a missing
// optional env_file is fine). limit 0 means no size limit.
func checkFile(path string, limit int64) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil || fi.IsDir():
		return nil
	case fi.Mode()&fs.ModeDevice != 0:
		return fmt.Errorf("%w (a device); name a file", ErrNotRegular)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%w (a %s); name a file", ErrNotRegular, kind(fi.Mode()))
	case limit > 0 && fi.Size() > limit:
		return fmt.Errorf("%w (%d bytes)", ErrTooLarge, fi.Size())
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// fileGuard refuses extended (and included) files that checkFile refuses,
// before compose-go reads them. compose-go has no hook for this but its
// ResourceLoader: the guard accepts only the paths it refuses, and its Load
// fails, so compose-go's own loader still reads every other file. An
// extended file's own extends paths are already absolute when the guard
// sees them; the top-level ones are relative to the working directory.
type fileGuard struct {
	workingDir string
	read       func(what, path string)
}

func (g fileGuard) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(g.workingDir, p)
}

func (g fileGuard) Accept(p string) bool {
	if checkFile(g.abs(p), MaxFileSize) != nil {
		return true
	}
	if fi, err := os.Stat(g.abs(p)); err == nil && fi.Mode().IsRegular() {
		g.read("extended file", g.abs(p))
	}
	return false
}

func (g fileGuard) Load(_ context.Context, p string) (string, error) {
	return "", fmt.Errorf("extends %s: %w", inside(g.workingDir, g.abs(p)), checkFile(g.abs(p), MaxFileSize))
}

func (g fileGuard) Dir(p string) string { return filepath.Dir(g.abs(p)) }

// resolveServiceFiles reads each service's env_file and label_file entries
// (compose-go's own step, which it was told to skip) once checkFile lets
// every one of them through.
func resolveServiceFiles(p *types.Project, workingDir string, read func(what, path string)) (*types.Project, error) {
	for _, name := range p.ServiceNames() {
		s := p.Services[name]
		specs := []types.ContainerSpec{s.ContainerSpec}
		for _, h := range s.PreStart {
			specs = append(specs, h.ContainerSpec)
		}
		for _, spec := range specs {
			for _, f := range spec.EnvFiles {
				if err := checkServiceFile(name, "env_file", f.Path, workingDir, func(p string) { read("env file", p) }); err != nil {
					return nil, err
				}
			}
			for _, f := range spec.LabelFiles {
				if err := checkServiceFile(name, "label_file", f, workingDir, func(p string) { read("label file", p) }); err != nil {
					return nil, err
				}
			}
		}
	}
	// docker compose config discards env_file once it is merged into
	// environment; we only read environment, so the result is the same.
	p, err := p.WithServicesEnvironmentResolved(true)
	if err != nil {
		return nil, err
	}
	return p.WithServicesLabelsResolved(false)
}

// checkServiceFile refuses a service's env_file or label_file that is not
// a small regular file inside the project directory, whether the service
// is the project's own or an included file's. A missing optional file
// outside is refused too: the answer does not depend on the machine.
func checkServiceFile(service, key, path, workingDir string, read func(string)) error {
	if err := checkProjectFile(path, workingDir); err != nil {
		return fmt.Errorf("service %q: %s %s: %w", service, key, inside(workingDir, path), err)
	}
	read(path)
	return nil
}

// checkProjectFile is checkFile, then checkInside with the fix.
func checkProjectFile(path, workingDir string) error {
	if err := checkFile(path, MaxFileSize); err != nil {
		return err
	}
	if err := checkInside(workingDir, path); err != nil {
		return fmt.Errorf("%w (move it into %s)", err, workingDir)
	}
	return nil
}

// inside names path relative to dir when it lies inside, else as it is.
func inside(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return rel
	}
	return path
}
