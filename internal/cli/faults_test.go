//go:build linux

package cli

// Fault safety of -o: whatever goes wrong while the config is written — a
// directory that cannot be written, a full disk, the process killed — the
// old file stays whole, and a failure exits 1 naming the path.
//
// The tests run as root here and in CI, and root ignores permission bits,
// so each fault has several mechanisms; a mechanism this machine cannot
// provide skips with the reason, and the others still run:
//
//	read-only  chmod 0555 (non-root only), chattr +i, a read-only tmpfs
//	           (mount, root only), a parent that is a file (always)
//	full disk  a 64 KiB tmpfs (mount, root only); RLIMIT_FSIZE on the real
//	           binary (always: the write fails with EFBIG instead of ENOSPC)
//	killed     SIGKILL of the real binary at random moments (always)

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// aliasProject writes a compose project whose config is large (one
// server_alias a line pattern, n of them) without being slow to build:
// services of model.MaxListItems aliases each, the most SERVICE_TAGS holds.
func aliasProject(t *testing.T, dir, label string, n int) string {
	t.Helper()
	var project strings.Builder
	project.WriteString("services:\n")
	for svc := 0; svc*model.MaxListItems < n; svc++ {
		var tags []string
		for i := svc * model.MaxListItems; i < min(n, (svc+1)*model.MaxListItems); i++ {
			tags = append(tags, fmt.Sprintf("server_alias=%s%05d.example.com", label, i))
		}
		fmt.Fprintf(&project, `  web%d:
    image: example/web
    expose: ["80"]
    labels:
      SERVICE_NAME: web%d
      SERVICE_TAGS: %s
`, svc, svc, strings.Join(tags, ","))
	}
	return writeFile(t, filepath.Join(dir, label, "compose.yaml"), project.String())
}

const oldConfig = "# the old config, which must survive\n"

// requireWriteFailed checks the outcome every failed write must have: exit
// 1, an error naming the path, nothing on stdout, the old file as it was
// and no temporary file left beside it.
func requireWriteFailed(t *testing.T, target string, code int, stdout, stderr string, want ...string) {
	t.Helper()
	if code != exitInput {
		t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("wrote to stdout: %.200q", stdout)
	}
	for _, w := range append([]string{"error: writing " + target + ": "}, want...) {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if got, err := os.ReadFile(target); err != nil || string(got) != oldConfig {
		t.Errorf("the old file was not kept: %v, %.200q", err, got)
	}
	if left := tempFiles(t, filepath.Dir(target)); len(left) > 0 {
		t.Errorf("temporary files left behind: %q", left)
	}
}

// tempFiles lists the temporary files writeAll leaves in dir on failure.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(dir, ".haproxy.cfg.tmp*"))
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// mountTmpfs mounts a tmpfs with opts on a new directory. When this machine
// does not allow it (not root, no CAP_SYS_ADMIN, a container without mount
// rights) the test skips, or fails under CI=true (haproxytest.SkipOrFail).
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		haproxytest.SkipOrFail(t, fmt.Sprintf("cannot mount a tmpfs here (%v): this mechanism needs root with mount rights", err))
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	return dir
}

func TestOutputInReadOnlyDirectoryKeepsOldFile(t *testing.T) {
	project := aliasProject(t, t.TempDir(), "host", 10)

	// Permission bits: effective for a normal user only.
	t.Run("chmod_0555", func(t *testing.T) {
		dir := t.TempDir()
		target := writeFile(t, filepath.Join(dir, "haproxy.cfg"), oldConfig)
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		if f, err := os.CreateTemp(dir, "probe"); err == nil {
			f.Close()
			os.Remove(f.Name())
			// Not a missing tool (SkipOrFail): root, as CI runs, is not
			// bound by permission bits, and the other variants cover it.
			t.Skipf("a 0555 directory is writable here (uid %d ignores permission bits); the other variants cover it", os.Geteuid())
		}
		code, stdout, stderr := cli(t, "", "-f", project, "-o", target)
		requireWriteFailed(t, target, code, stdout, stderr, "permission denied")
	})

	// An immutable directory (chattr +i): even root cannot add a file.
	t.Run("chattr_immutable", func(t *testing.T) {
		chattr, err := exec.LookPath("chattr")
		if err != nil {
			haproxytest.SkipOrFail(t, "chattr not installed (apt-get install e2fsprogs)")
		}
		dir := t.TempDir()
		target := writeFile(t, filepath.Join(dir, "haproxy.cfg"), oldConfig)
		if out, err := exec.Command(chattr, "+i", dir).CombinedOutput(); err != nil {
			haproxytest.SkipOrFail(t, fmt.Sprintf("chattr +i %s failed (%v: %s): needs root and a file system with the immutable flag (ext4, xfs, btrfs)", dir, err, bytes.TrimSpace(out)))
		}
		t.Cleanup(func() {
			if out, err := exec.Command(chattr, "-i", dir).CombinedOutput(); err != nil {
				t.Errorf("chattr -i %s: %v: %s", dir, err, out)
			}
		})
		code, stdout, stderr := cli(t, "", "-f", project, "-o", target)
		requireWriteFailed(t, target, code, stdout, stderr, "operation not permitted")
	})

	// A tmpfs holding the old file, then remounted read-only.
	t.Run("read_only_tmpfs", func(t *testing.T) {
		dir := mountTmpfs(t, "size=1m,mode=0755")
		target := writeFile(t, filepath.Join(dir, "haproxy.cfg"), oldConfig)
		if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, "size=1m"); err != nil {
			haproxytest.SkipOrFail(t, fmt.Sprintf("cannot remount the tmpfs read-only: %v", err))
		}
		code, stdout, stderr := cli(t, "", "-f", project, "-o", target)
		requireWriteFailed(t, target, code, stdout, stderr, "read-only file system")
	})

	// A target whose parent is a file (ENOTDIR): works for every user. The
	// "old file" here is that parent, which must not change.
	t.Run("parent_is_a_file", func(t *testing.T) {
		dir := t.TempDir()
		parent := writeFile(t, filepath.Join(dir, "haproxy.cfg"), oldConfig)
		target := filepath.Join(parent, "haproxy.cfg")
		code, stdout, stderr := cli(t, "", "-f", project, "-o", target)
		if code != exitInput || stdout != "" || !strings.Contains(stderr, "error: writing "+target+": ") || !strings.Contains(stderr, "not a directory") {
			t.Errorf("exit %d, stdout %.100q, stderr:\n%s", code, stdout, stderr)
		}
		if got, err := os.ReadFile(parent); err != nil || string(got) != oldConfig {
			t.Errorf("the file in the way changed: %v, %q", err, got)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("files left behind: %v", entries)
		}
	})
}

// With --map the run writes two files: when the config cannot be written,
// the map must not change either, and the other way round.
func TestHostMapIsNotWrittenWhenTheConfigFails(t *testing.T) {
	dir := t.TempDir()
	project := writeFile(t, filepath.Join(dir, "compose.yaml"), webProject)
	const oldMap = "old.example.com old\n"
	for _, tt := range []struct{ name, cfg, hostMap, failed string }{
		{"config_parent_missing", filepath.Join(dir, "missing", "haproxy.cfg"), filepath.Join(dir, "hosts.map"), "haproxy.cfg"},
		{"config_parent_is_a_file", filepath.Join(project, "haproxy.cfg"), filepath.Join(dir, "hosts.map"), "haproxy.cfg"},
		{"map_parent_missing", filepath.Join(dir, "haproxy.cfg"), filepath.Join(dir, "missing", "hosts.map"), "hosts.map"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range []string{tt.cfg, tt.hostMap} {
				if fi, err := os.Stat(filepath.Dir(p)); err == nil && fi.IsDir() {
					writeFile(t, p, oldMap)
				}
			}
			code, _, stderr := cli(t, "", "-f", project, "-o", tt.cfg, "--map", tt.hostMap)
			if code != exitInput || !strings.Contains(stderr, "error: writing ") || !strings.Contains(stderr, tt.failed) {
				t.Errorf("exit %d, stderr %q; want 1 and an error writing %s", code, stderr, tt.failed)
			}
			for _, p := range []string{tt.cfg, tt.hostMap} {
				if got, err := os.ReadFile(p); err == nil && string(got) != oldMap {
					t.Errorf("%s changed to %q", p, got)
				}
				if left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".*.tmp*")); len(left) > 0 {
					t.Errorf("temporary files left behind: %q", left)
				}
			}
		})
	}
}

func TestOutputOnFullDiskKeepsOldFile(t *testing.T) {
	if testing.Short() {
		t.Skip("slow fault test, skipped with -short")
	}
	// About 150 KiB of config: more than the 64 KiB file system holds.
	projectDir := t.TempDir()
	project := aliasProject(t, projectDir, "host", 5000)

	// A real ENOSPC: a 64 KiB tmpfs with the old file on it.
	t.Run("small_tmpfs_ENOSPC", func(t *testing.T) {
		dir := mountTmpfs(t, "size=64k,mode=0755")
		target := writeFile(t, filepath.Join(dir, "haproxy.cfg"), oldConfig)
		code, stdout, stderr := cli(t, "", "-f", project, "-o", target)
		requireWriteFailed(t, target, code, stdout, stderr, "no space left on device")
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err == nil && st.Bfree*uint64(st.Bsize) < 32<<10 {
			t.Errorf("only %d bytes free after the failed write: the partial temporary file still holds the space", st.Bfree*uint64(st.Bsize))
		}
	})

	// Without mount rights: the real binary under RLIMIT_FSIZE, so that its
	// write fails part-way (EFBIG, "file too large") as on a full disk. Go
	// ignores SIGXFSZ, so the write returns the error instead of the
	// process dying.
	t.Run("rlimit_fsize_EFBIG", func(t *testing.T) {
		bin, env := e2etest.CLI(t)
		dir := t.TempDir()
		target := writeFile(t, filepath.Join(dir, "haproxy.cfg"), oldConfig)
		const limit = 64 << 10
		var cmd *exec.Cmd
		if prlimit, err := exec.LookPath("prlimit"); err == nil {
			cmd = exec.Command(prlimit, fmt.Sprintf("--fsize=%d", limit), bin, "-f", project, "-o", target)
		} else if sh, err := exec.LookPath("sh"); err == nil {
			// ulimit -f counts 512-byte blocks in dash and POSIX mode.
			cmd = exec.Command(sh, "-c", fmt.Sprintf(`ulimit -f %d && exec "$0" "$@"`, limit/512), bin, "-f", project, "-o", target)
		} else {
			haproxytest.SkipOrFail(t, "neither prlimit nor sh to set RLIMIT_FSIZE")
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr, cmd.Env = &stdout, &stderr, env
		err := cmd.Run()
		var exit *exec.ExitError
		code := 0
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		requireWriteFailed(t, target, code, stdout.String(), stderr.String(), "file too large")
	})
}

// A process killed at any moment leaves either the complete old config or
// the complete new one, never a part. The real binary writes a large config
// in a loop and is killed with SIGKILL: half of the time at a random
// moment, half of the time as soon as its temporary file appears or the
// target changes (that is, mid-write). Each kill is followed by a byte comparison with the two
// possible configs, both of which HAProxy accepts.
//
// A SIGKILL cannot be cleaned up after: a kill after the temporary file was
// created leaves ".haproxy.cfg.tmp*" beside the target. That is expected
// (the next run creates a new one; nothing reads them) and is reported in
// the log, then removed before the next round.
func TestOutputSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("slow fault test, skipped with -short")
	}
	bin, env := e2etest.CLI(t)
	dir := t.TempDir()
	projects := []string{aliasProject(t, dir, "blue", 20000), aliasProject(t, dir, "green", 20000)}
	// The configs as the runs below write them: the header records -o.
	target := filepath.Join(dir, "out", "haproxy.cfg")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	var configs [2][]byte
	for i, p := range projects {
		render := exec.Command(bin, "-f", p, "-o", target, "--map", "none") // one file, as large as it gets
		render.Env = env
		if msgs, err := render.CombinedOutput(); err != nil {
			t.Fatalf("rendering %s: %v\n%s", p, err, msgs)
		}
		out, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		configs[i] = out
		haproxyCheck(t, writeFile(t, filepath.Join(dir, fmt.Sprintf("want%d.cfg", i)), string(out)))
	}
	if bytes.Equal(configs[0], configs[1]) {
		t.Fatal("the two configs are the same; the test could not tell them apart")
	}

	writeFile(t, target, string(configs[0]))
	current := 0
	var completed, midWrite, early, leftovers int
	const rounds = 20
	start := time.Now()
	var runtime time.Duration // of an uninterrupted run, measured as we go
	for round := range rounds {
		next := 1 - current
		cmd := exec.Command(bin, "-f", projects[next], "-o", target, "--map", "none")
		cmd.Env = env
		began := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()

		sawTemp := false
		if round%2 == 0 {
			// Kill as soon as the temporary file exists (or the target
			// itself changes, which a writer that is not atomic would do),
			// after a random few hundred microseconds: inside Write, Chmod,
			// Sync or Rename.
			before, _ := os.Stat(target)
			deadline := time.Now().Add(10 * time.Second)
			for !sawTemp && time.Now().Before(deadline) && len(done) == 0 {
				now, err := os.Stat(target)
				sawTemp = len(tempFiles(t, filepath.Dir(target))) > 0 ||
					err != nil || now.Size() != before.Size() || !now.ModTime().Equal(before.ModTime())
			}
			if sawTemp {
				time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
			}
		} else {
			time.Sleep(time.Duration(rand.Int64N(int64(max(runtime, 50*time.Millisecond)) * 6 / 5)))
			sawTemp = len(tempFiles(t, filepath.Dir(target))) > 0
		}
		cmd.Process.Kill() // harmless when it has already exited
		err := <-done

		got, rerr := os.ReadFile(target)
		switch {
		case rerr != nil:
			t.Fatalf("round %d: the target is gone after SIGKILL: %v", round, rerr)
		case bytes.Equal(got, configs[current]):
		case bytes.Equal(got, configs[next]):
			current = next
		default:
			t.Fatalf("round %d: after SIGKILL the target is neither the old nor the new config (%d bytes; old %d, new %d)",
				round, len(got), len(configs[current]), len(configs[next]))
		}
		killed := err != nil
		switch {
		case !killed:
			completed++
			runtime = max(runtime, time.Since(began))
			if current != next {
				t.Fatalf("round %d: the run exited 0 but the target is still the old config", round)
			}
		case sawTemp:
			midWrite++
		default:
			early++
		}
		if left := tempFiles(t, filepath.Dir(target)); len(left) > 0 {
			leftovers += len(left)
			if !killed {
				t.Errorf("round %d: a run that finished left %q", round, left)
			}
			for _, f := range left {
				os.Remove(f)
			}
		}
	}
	t.Logf("%d rounds in %v: %d killed mid-write, %d killed before writing, %d finished; %d temporary files left by SIGKILL (expected, removed)",
		rounds, time.Since(start).Round(time.Millisecond), midWrite, early, completed, leftovers)
	if midWrite == 0 {
		t.Errorf("no kill landed while the temporary file existed: the test proved nothing about a kill mid-write")
	}
}
