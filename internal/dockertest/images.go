package dockertest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
)

// ConfigDir is where the HAProxy image reads haproxy.cfg: mount the
// directory, not the file, so that a config replaced by rename (as -o
// writes it) is seen by a reload.
const ConfigDir = "/usr/local/etc/haproxy"

// Images are the images the Docker tests run, built once per test binary
// with the legacy builder (no registry, nothing pulled) and removed by
// Cleanup.
type Images struct {
	// HAProxy is FROM scratch: the host's HAProxy binary, every library
	// ldd lists, the dynamic loader and a two-line /etc/passwd and
	// /etc/group. It runs "haproxy -W -db -f ConfigDir/haproxy.cfg":
	// master-worker, so SIGUSR2 reloads it.
	HAProxy string
	// Backend is FROM scratch with the static ./backend program.
	Backend string
}

// imageSet is an engine's Images, built on first use.
type imageSet struct {
	once sync.Once
	tags []string
	val  Images
	err  error
}

// BuildImages is Machine.BuildImages.
func BuildImages(tb testing.TB) Images {
	tb.Helper()
	return Machine.BuildImages(tb)
}

// BuildImages builds the images on the engine on first use and returns
// them. An engine has no registry to pull from and engines share no
// images: each builds its own.
func (e *Engine) BuildImages(tb testing.TB) Images {
	tb.Helper()
	Require(tb)
	e.images.once.Do(func() { e.images.val, e.images.err = e.buildImages() })
	if e.images.err != nil {
		tb.Fatal(e.images.err)
	}
	return e.images.val
}

func (e *Engine) buildImages() (Images, error) {
	var id [4]byte
	_, _ = rand.Read(id[:])
	run := fmt.Sprintf("%d-%s", os.Getpid(), hex.EncodeToString(id[:]))
	var imgs Images
	var err error
	if imgs.HAProxy, err = e.buildImage("haproxy:"+run, haproxyRoot, `CMD ["/usr/sbin/haproxy", "-W", "-db", "-f", "`+ConfigDir+`/haproxy.cfg"]`); err != nil {
		return imgs, fmt.Errorf("building the HAProxy image: %w", err)
	}
	if imgs.Backend, err = e.buildImage("backend:"+run, backendRoot, `CMD ["/backend"]`); err != nil {
		return imgs, fmt.Errorf("building the backend image: %w", err)
	}
	return imgs, nil
}

// buildImage fills root/ in a build directory with fill, and builds
// FROM scratch, COPY root/ /, then the extra Dockerfile lines.
func (e *Engine) buildImage(name string, fill func(root string) error, extra string) (string, error) {
	dir, err := os.MkdirTemp("", "compose2haproxy-image-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := fill(filepath.Join(dir, "root")); err != nil {
		return "", err
	}
	dockerfile := "FROM scratch\nCOPY root/ /\n" + extra + "\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return "", err
	}
	tag := "compose2haproxy-e2e/" + name
	cmd := exec.Command("docker", e.args([]string{"build", "-q", "--label", "compose2haproxy.e2e=1", "-t", tag, dir})...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("docker build: %v\n%s", err, out)
	}
	e.images.tags = append(e.images.tags, tag)
	return tag, nil
}

// haproxyRoot copies the HAProxy that haproxytest.Find picks, with the
// libraries it links and the loader, to the same paths under root.
func haproxyRoot(root string) error {
	bin, err := haproxytest.Find()
	if err != nil {
		return err
	}
	if bin, err = filepath.EvalSymlinks(bin); err != nil {
		return err
	}
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return fmt.Errorf("ldd %s (the image needs a dynamically linked HAProxy binary, not a wrapper script): %v", bin, err)
	}
	files := []string{bin}
	for _, line := range strings.Split(string(out), "\n") {
		// "libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x…)" or
		// "/lib64/ld-linux-x86-64.so.2 (0x…)"; linux-vdso has no file.
		for _, f := range strings.Fields(line) {
			if strings.HasPrefix(f, "/") {
				files = append(files, f)
			}
		}
	}
	for _, f := range files {
		dst := filepath.Join(root, f)
		if f == bin {
			dst = filepath.Join(root, "usr/sbin/haproxy")
		}
		if err := copyFile(f, dst, 0o755); err != nil {
			return err
		}
	}
	return writeAccounts(root)
}

// writeAccounts writes the /etc/passwd and /etc/group that HAProxy's
// "user haproxy" and "group haproxy" would look up.
func writeAccounts(root string) error {
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/:/nonexistent\nhaproxy:x:99:99:haproxy:/:/nonexistent\n"), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nhaproxy:x:99:\n"), 0o644)
}

// backendRoot builds ./backend as a static binary into root.
func backendRoot(root string) error {
	cmd := exec.Command("go", "build", "-o", filepath.Join(root, "backend"), "github.com/compose2haproxy/compose2haproxy/internal/dockertest/backend")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./internal/dockertest/backend: %v\n%s", err, out)
	}
	return nil
}

// copyFile copies src (following symlinks) to dst with mode.
func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Cleanup removes the images BuildImages built on Machine and stops the
// Swarm tests' engine if one was started. Call it from TestMain after
// m.Run; what it could not undo is in the error.
func Cleanup() error {
	var errs []error
	for _, tag := range Machine.images.tags {
		if _, err := Machine.Run("rmi", "-f", tag); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, stopSwarmEngine())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dockertest: cleaning up: %w", err)
	}
	return nil
}
