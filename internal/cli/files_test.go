//go:build linux

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/haproxytest"
)

// -o and --map never overwrite what the run reads: a compose file (named
// or found), an env file, a label file or the template. Such a run is a
// usage error, and the file stays as it was.
func TestOutputsMayNotNameAnInput(t *testing.T) {
	dir := t.TempDir()
	project := writeFile(t, filepath.Join(dir, "compose.yaml"), strings.Replace(webProject, "  api:\n", "  api:\n    env_file: api.env\n", 1))
	writeFile(t, filepath.Join(dir, "api.env"), "A=1\n")
	writeFile(t, filepath.Join(dir, ".env"), "B=1\n")
	tmpl := writeFile(t, filepath.Join(dir, "my.tmpl"), "{{ range .Backends }}{{ .Name }}\n{{ end }}")
	if err := os.Symlink("compose.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "haproxy.cfg")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"-o the compose file", []string{"-f", project, "-o", project}, "error: -o=" + project + ": names an input of this run, the compose file " + project + " (write it elsewhere)"},
		{"-o the compose file found in the directory", []string{"--project-directory", dir, "-o", project}, "names an input of this run"},
		{"-o a link to the compose file", []string{"-f", project, "-o", filepath.Join(dir, "link.yaml")}, "names an input of this run"},
		{"-o the env_file", []string{"-f", project, "-o", filepath.Join(dir, "api.env")}, "names an input of this run"},
		{"-o .env", []string{"-f", project, "-o", filepath.Join(dir, ".env")}, "names an input of this run"},
		{"-o the template", []string{"-f", project, "--template", tmpl, "-o", tmpl}, "names an input of this run, the template " + tmpl},
		{"--map the compose file", []string{"-f", project, "-o", out, "--map", project}, "error: --map=" + project + ": names an input of this run"},
		{"-o and --map on one file", []string{"-f", project, "-o", out, "--map", out}, "names the same file as -o (give the map a file of its own)"},
		{"-o and --map on one file by two names", []string{"-f", project, "-o", out, "--map", filepath.Join(dir, ".", "haproxy.cfg")}, "names the same file as -o (give the map a file of its own)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := map[string]string{}
			for _, f := range []string{project, tmpl, filepath.Join(dir, "api.env"), filepath.Join(dir, ".env")} {
				b, _ := os.ReadFile(f)
				before[f] = string(b)
			}
			code, stdout, stderr := cli(t, "", tt.args...)
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, tt.want)
			}
			for f, b := range before {
				if got, _ := os.ReadFile(f); string(got) != b {
					t.Errorf("%s changed to %q", f, got)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
}

// The --map path is printed inside map(...): a comma would give HAProxy a
// default value, a parenthesis would end the argument list.
func TestMapPathIsValidated(t *testing.T) {
	dir := t.TempDir()
	project := writeFile(t, filepath.Join(dir, "compose.yaml"), webProject)
	for _, m := range []string{"x.map,evil", "x.map)", "x(1).map"} {
		code, _, stderr := cli(t, "", "-f", project, "-o", filepath.Join(dir, "haproxy.cfg"), "--map", filepath.Join(dir, m))
		if code != exitUsage || !strings.Contains(stderr, "error: --map=") || !strings.Contains(stderr, "map file path has characters other than letters, digits and . _ - / + @") {
			t.Errorf("--map %s: exit %d, stderr %q; want exit 2 and the path refused", m, code, stderr)
		}
	}
}

// Replacing a file keeps its owner, group and mode; a new file gets the
// mode the umask leaves, as any file the user creates.
func TestOutputKeepsOwnerGroupAndModeAndNewFilesFollowTheUmask(t *testing.T) {
	dir := t.TempDir()
	project := writeFile(t, filepath.Join(dir, "compose.yaml"), webProject)
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)

	fresh := filepath.Join(dir, "new.cfg")
	if code, _, stderr := cli(t, "", "-f", project, "-o", fresh); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("new file: mode %v (%v), want 0640 from the umask 027", fi.Mode().Perm(), err)
	}

	existing := writeFile(t, filepath.Join(dir, "haproxy.cfg"), "old\n")
	if err := os.Chmod(existing, 0o604); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		// Root can give the file away, as a package's file would be.
		uid, gid = 4321, 8765
		if err := os.Chown(existing, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := cli(t, "", "-f", project, "-o", existing); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fi, err := os.Stat(existing)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if fi.Mode().Perm() != 0o604 || int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("replaced file: mode %v, owner %d:%d; want 0604, %d:%d", fi.Mode().Perm(), st.Uid, st.Gid, uid, gid)
	}
}

// A path is followed as the kernel follows it: ".." after a symbolic link
// to a directory is the parent of the link's target, not of the link, so
// the check that keeps the inputs from being written and the write agree;
// and ".." after a missing directory is an error, as it is to the kernel.
func TestOutputPathIsResolvedOnDisk(t *testing.T) {
	dir := t.TempDir()
	project := writeFile(t, filepath.Join(dir, "p", "compose.yaml"), webProject)
	other := writeFile(t, filepath.Join(dir, "other", "compose.yaml"), "other's\n")
	if err := os.Mkdir(filepath.Join(dir, "other", "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "other", "dir"), filepath.Join(dir, "p", "sub")); err != nil {
		t.Fatal(err)
	}
	// Not filepath.Join, which would clean "sub/.." away.
	code, _, stderr := cli(t, "", "-f", project, "-o", dir+"/p/sub/../compose.yaml")
	input, _ := os.ReadFile(project)
	written, _ := os.ReadFile(other)
	if code != 0 || string(input) != webProject || !strings.HasPrefix(string(written), "# Generated by compose2haproxy") {
		t.Errorf("-o p/sub/../compose.yaml: exit %d, %s; the input is now %.40q, other/compose.yaml %.40q; want the input untouched and other/compose.yaml written", code, stderr, input, written)
	}

	writeFile(t, project, webProject)
	out := dir + "/p/missing/../out.cfg"
	code, _, stderr = cli(t, "", "-f", project, "-o", out)
	if _, err := os.Stat(filepath.Join(dir, "p", "out.cfg")); code != exitInput || err == nil || !strings.Contains(stderr, "missing") {
		t.Errorf("-o p/missing/../out.cfg: exit %d, %s, p/out.cfg written: %v; want exit 1 naming the missing directory and nothing written", code, stderr, err == nil)
	}

	// A directory of the output path that does not exist yet: the message
	// says what to do (the deploy recipe's haproxy/ on a fresh folder).
	code, _, stderr = cli(t, "", "-f", project, "-o", filepath.Join(dir, "p", "haproxy", "haproxy.cfg"))
	if want := "mkdir -p " + filepath.Join(dir, "p", "haproxy"); code != exitInput || !strings.Contains(stderr, want) {
		t.Errorf("-o into a missing directory: exit %d, %s; want exit 1 and %q", code, stderr, want)
	}
}

// Through a symlink the file it points to is replaced only where the
// kernel's protected_symlinks rule would follow the link: when it belongs
// to the user running the tool or to the directory's owner. A link that
// someone else planted in a shared directory (as in /tmp) is an error,
// whether it stands for the file or for a directory on the way to it; the
// tool applies the rule itself, as the sysctl may be off.
func TestOutputThroughSymlinkFollowsOnlyTrustedLinks(t *testing.T) {
	if os.Getuid() != 0 {
		haproxytest.SkipOrFail(t, "needs root to make a link owned by another user")
	}
	project := writeFile(t, filepath.Join(t.TempDir(), "compose.yaml"), webProject)
	for _, tt := range []struct {
		name            string
		linkUID, dirUID int
		dir             bool   // the link is a directory holding the file
		want            string // empty: written through the link
	}{
		{"link of the caller", 0, 0, false, ""},
		{"link of the directory's owner", 4321, 4321, false, ""},
		{"link of another user", 4321, 0, false, "is a symbolic link owned by uid 4321, neither yours nor the directory's owner's"},
		{"directory link of the caller", 0, 0, true, ""},
		{"directory link of the directory's owner", 4321, 4321, true, ""},
		{"directory link of another user", 4321, 0, true, "/shared/evil is a symbolic link owned by uid 4321, neither yours nor the directory's owner's"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			shared := filepath.Join(t.TempDir(), "shared")
			if err := os.Mkdir(shared, 0o777|os.ModeSticky); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(shared, 0o777|os.ModeSticky); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(shared, tt.dirUID, 0); err != nil {
				t.Fatal(err)
			}
			target := writeFile(t, filepath.Join(t.TempDir(), "victim"), "precious\n")
			link, out := filepath.Join(shared, "haproxy.cfg"), filepath.Join(shared, "haproxy.cfg")
			if tt.dir {
				link, out = filepath.Join(shared, "evil"), filepath.Join(shared, "evil", "victim")
				if err := os.Symlink(filepath.Dir(target), link); err != nil {
					t.Fatal(err)
				}
			} else if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			if err := os.Lchown(link, tt.linkUID, 0); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := cli(t, "", "-f", project, "-o", out)
			got, _ := os.ReadFile(target)
			if tt.want == "" {
				if code != 0 || !strings.HasPrefix(string(got), "# Generated by compose2haproxy") {
					t.Errorf("exit %d, %s; target %q", code, stderr, got)
				}
				return
			}
			if code != exitInput || !strings.Contains(stderr, "error: writing "+out+": ") || !strings.Contains(stderr, tt.want) || string(got) != "precious\n" {
				t.Errorf("exit %d, stderr %q, target %q; want exit 1, %q and the target untouched", code, stderr, got, tt.want)
			}
		})
	}
}
