package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/aymanbagabas/go-udiff"

	"github.com/compose2haproxy/compose2haproxy/model"
	"github.com/compose2haproxy/compose2haproxy/render"
)

// writeAll replaces each output's file so that a reader sees the old file
// or the new one, never a part, and so that no file changes unless every
// one could be written: all are written to synced temporary files first,
// then renamed over their targets in turn.
func writeAll(outputs []output) error {
	staged := make([]stagedFile, 0, len(outputs))
	for _, o := range outputs {
		s, err := stage(o.path, o.data)
		if err != nil {
			for _, s := range staged {
				s.abort()
			}
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
		staged = append(staged, s)
	}
	for i, s := range staged {
		if err := s.commit(); err != nil {
			for _, s := range staged[i+1:] {
				s.abort()
			}
			return fmt.Errorf("writing %s: %w", outputs[i].path, err)
		}
	}
	return nil
}

// stagedFile is new contents for path, waiting in a temporary file beside
// it to be renamed over it.
type stagedFile struct {
	path, tmp string
	data      []byte // for a FIFO or device, which is written at commit
}

// stage writes data to a temporary file in path's directory, synced. A
// file it replaces keeps its owner, group and mode; a new file gets the
// mode the umask leaves, like any file the user creates.
func stage(path string, data []byte) (s stagedFile, err error) {
	if path, err = followLinks(path); err != nil {
		return stagedFile{}, err
	}
	old, err := os.Stat(path)
	if err == nil && !old.Mode().IsRegular() {
		// A FIFO or device (-o /dev/stdout) cannot be renamed over.
		return stagedFile{path: path, data: data}, nil
	}
	tmp, err := createTemp(path)
	if err != nil {
		return stagedFile{}, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return stagedFile{}, err
	}
	if old != nil {
		st := old.Sys().(*syscall.Stat_t)
		if err = tmp.Chown(int(st.Uid), int(st.Gid)); err != nil {
			return stagedFile{}, fmt.Errorf("cannot keep its owner and group %d:%d: %w", st.Uid, st.Gid, err)
		}
		// After the chown, which may clear set-id bits.
		if err = tmp.Chmod(old.Mode().Perm()); err != nil {
			return stagedFile{}, err
		}
	}
	if err = tmp.Sync(); err != nil {
		return stagedFile{}, err
	}
	if err = tmp.Close(); err != nil {
		return stagedFile{}, err
	}
	return stagedFile{path: path, tmp: tmp.Name()}, nil
}

// createTemp creates a new file beside path, with mode 0666 less the
// umask (os.CreateTemp's 0600 would ignore the umask).
func createTemp(path string) (*os.File, error) {
	for {
		name := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}

// followLinks resolves the symbolic links in path, each component's,
// following each only where the kernel's protected_symlinks rule would: a
// link owned by the user running the tool or by the owner of its
// directory. Anyone else's link in a shared directory (as in /tmp) could
// point the write at any file the user may write. The rule is applied here
// because the sysctl may be off, and because the final link would not be
// followed at all: the rename replaces it. The path is walked as the
// kernel walks it, never cleaned as text: ".." after a link to a directory
// is the parent of its target, and after a missing directory an error.
func followLinks(path string) (string, error) {
	if strings.HasSuffix(path, "/") {
		return "", errors.New("names a directory, not a file")
	}
	resolved := "/"
	if !filepath.IsAbs(path) {
		// The kernel's working directory: $PWD, which os.Getwd prefers,
		// may name it through a link.
		wd, err := syscall.Getwd()
		if err != nil {
			return "", err
		}
		resolved = wd
	}
	rest := strings.Split(path, "/")
	for links := 0; len(rest) > 0; {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, name)
		fi, err := os.Lstat(next)
		switch {
		case errors.Is(err, fs.ErrNotExist) && len(rest) == 0:
			return next, nil // a new file
		case errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("directory %s does not exist; create it first (mkdir -p %s)", next, next)
		case err != nil:
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if links++; links > 40 {
			return "", errors.New("too many levels of symbolic links")
		}
		di, err := os.Stat(resolved)
		if err != nil {
			return "", err
		}
		link, owner := fi.Sys().(*syscall.Stat_t).Uid, di.Sys().(*syscall.Stat_t).Uid
		if int(link) != os.Geteuid() && link != owner {
			what := next + " is"
			if len(rest) == 0 {
				what = "is"
			}
			return "", fmt.Errorf("%s a symbolic link owned by uid %d, neither yours nor the directory's owner's (uid %d); replace it with the file or a link of your own", what, link, owner)
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(target) {
			resolved = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return resolved, nil
}

func (s stagedFile) commit() error {
	if s.tmp == "" {
		return writeThrough(s.path, s.data)
	}
	if err := os.Rename(s.tmp, s.path); err != nil {
		s.abort()
		return err
	}
	return nil
}

func (s stagedFile) abort() {
	if s.tmp != "" {
		os.Remove(s.tmp)
	}
}

func writeThrough(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

// input is a file the run reads.
type input struct {
	what, path string
}

// checkOutputs refuses -o and --map paths that name a file the run reads
// (writing the config over its own compose file) or each other.
func checkOutputs(f flags, inputs []input) model.Diagnostics {
	var ds model.Diagnostics
	refuse := func(flag, path, msg, fix string) {
		ds = append(ds, model.Diagnostic{Severity: model.Error, Key: flag, Value: path, Message: msg, Fix: fix})
	}
	for _, o := range []struct{ flag, path string }{{"-o", f.output}, {"--map", f.mapFile()}} {
		if o.path == "" {
			continue
		}
		for _, in := range inputs {
			if sameFile(o.path, in.path) {
				refuse(o.flag, o.path, fmt.Sprintf("names an input of this run, the %s %s", in.what, in.path), "write it elsewhere")
				break
			}
		}
	}
	if f.output != "" && f.mapFile() != "" && sameFile(f.output, f.mapFile()) {
		refuse("--map", f.mapFile(), "names the same file as -o", "give the map a file of its own")
	}
	return ds
}

// sameFile reports whether a and b are one file: the same file when both
// exist (through links, by any name), else the same absolute path.
func sameFile(a, b string) bool {
	ai, errA := os.Stat(a)
	bi, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(ai, bi)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// check runs haproxy -c -dW on the config. HAProxy's messages name a
// temporary file; they are shown with the output's name and the line they
// point at. With --map the checked config reads a temporary copy of the map,
// since the real one is not written yet; with --runtime-dir, a server-state
// file with no server, since the real one is the proxy's.
func check(ctx context.Context, haproxy string, cfg model.Config, template, name string, stderr io.Writer) int {
	bin, err := exec.LookPath(haproxy)
	if err != nil {
		fmt.Fprintln(stderr, usageError{"--haproxy", haproxy, "--check needs HAProxy, and there is none here: " + err.Error(), "install it with apt-get install haproxy, or pass --haproxy PATH"})
		return exitUsage
	}
	// The checked config names files here; a $TMPDIR HAProxy would read
	// otherwise (a space, a comma inside map(…)) is passed over.
	base := os.TempDir()
	if !model.PlainPath(base) {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "compose2haproxy-check")
	if err != nil {
		fmt.Fprintf(stderr, "error: --check: %v\n", err)
		return exitInput
	}
	defer os.RemoveAll(dir)
	if cfg.HostMap != "" {
		cfg.HostMap = filepath.Join(dir, "hosts.map")
		if err := os.WriteFile(cfg.HostMap, render.HostMap(cfg), 0o600); err != nil {
			fmt.Fprintf(stderr, "error: --check: %v\n", err)
			return exitInput
		}
	}
	if cfg.Runtime != nil {
		rt := *cfg.Runtime
		rt.ServerState = filepath.Join(dir, "servers.state")
		cfg.Runtime = &rt
		if err := os.WriteFile(rt.ServerState, render.NoServerState(), 0o600); err != nil {
			fmt.Fprintf(stderr, "error: --check: %v\n", err)
			return exitInput
		}
	}
	if cfg.ACME != nil {
		// HAProxy 3.2 reads each certificate file, and writes a missing
		// account key: both in a directory of the check's.
		acme := *cfg.ACME
		acme.Dir = filepath.Join(dir, "acme")
		acme.AccountKey = filepath.Join(acme.Dir, "account.key")
		cfg.ACME = &acme
		if err := writePlaceholders(acme.Dir, &acme); err != nil {
			fmt.Fprintf(stderr, "error: --check: %v\n", err)
			return exitInput
		}
	}
	text, err := renderConfig(cfg, template)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInput
	}
	file := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(file, text, 0o600); err != nil {
		fmt.Fprintf(stderr, "error: --check: %v\n", err)
		return exitInput
	}
	msgs, err := exec.CommandContext(ctx, bin, "-c", "-dW", "-f", file).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(stderr, "error: --check: running %s: %v\n", bin, err)
		return exitInput
	}
	if err == nil {
		return exitOK
	}
	if name == "" {
		name = "<stdout>"
	}
	fmt.Fprintf(stderr, "haproxy -c -dW rejected the generated config (exit %d):\n", exit.ExitCode())
	stderr.Write(explain(msgs, file, name, text))
	if containerPaths.Match(msgs) {
		fmt.Fprintln(stderr, "note: the config names paths inside the proxy's container (--tls, --map, --runtime-dir), which this machine lacks: "+
			"check it with the HAProxy of the proxy's image, which sees them, through a wrapper passed as --haproxy (docs/deploy.md: deploy/haproxy-prod)")
	}
	return exitRejected
}

// containerPaths are HAProxy's words for a file it cannot find, which
// under --check is most often a path of the proxy's container.
var containerPaths = regexp.MustCompile(`unable to stat SSL certificate|unable to load SSL|No such file or directory`)

// diff prints a unified diff of each output against the file it would
// replace (a missing file counts as empty) and returns 1 when any differs.
func diff(outputs []output, stdout, stderr io.Writer) int {
	code := exitOK
	for _, o := range outputs {
		old, err := os.ReadFile(o.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "error: --diff: %v\n", err)
			return exitInput
		}
		if bytes.Equal(old, o.data) {
			continue
		}
		code = exitInput
		io.WriteString(stdout, udiff.Unified(o.path, o.path+" (generated)", string(old), string(o.data)))
	}
	return code
}

var lineRef = regexp.MustCompile(`\[([^\]]+):([0-9]+)\]`)

// explain renames file to name in HAProxy's messages and quotes the config
// line each message points at.
func explain(msgs []byte, file, name string, cfg []byte) []byte {
	lines := bytes.Split(cfg, []byte("\n"))
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(msgs))
	for sc.Scan() {
		msg := bytes.ReplaceAll(sc.Bytes(), []byte(file), []byte(name))
		out.Write(msg)
		out.WriteByte('\n')
		if m := lineRef.FindSubmatch(msg); m != nil {
			if n, err := strconv.Atoi(string(m[2])); err == nil && n >= 1 && n <= len(lines) {
				fmt.Fprintf(&out, "    %s:%d: %s\n", name, n, bytes.TrimSpace(lines[n-1]))
			}
		}
	}
	return out.Bytes()
}
