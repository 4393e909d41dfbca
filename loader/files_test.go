package loader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A compose project can point env_file, label_file, extends and .env at
// any path. Each must be a regular file of at most MaxFileSize: a device
// like /dev/zero would otherwise be read until memory runs out, and a huge
// file costs what the project's own files never would.
func TestLoadRefusesFilesThatAreNotSmallRegularFiles(t *testing.T) {
	big := strings.Repeat("#", MaxFileSize+1) + "\n"
	web := func(extra string) string { return "services:\n  web:\n    image: nginx\n" + extra }
	tests := []struct {
		name  string
		files map[string]string
		links map[string]string // name → target
		opts  Options
		is    error
		want  string
	}{
		{
			name:  "env_file on a device",
			files: map[string]string{"proj/compose.yaml": web("    env_file: /dev/zero\n")},
			is:    ErrNotRegular,
			want:  `service "web": env_file /dev/zero: not a regular file (a device); name a file`,
		},
		{
			name:  "env_file too large",
			files: map[string]string{"proj/compose.yaml": web("    env_file: big.env\n"), "proj/big.env": big},
			is:    ErrTooLarge,
			want:  `service "web": env_file big.env: larger than 1 MiB (1048578 bytes)`,
		},
		{
			name:  "env_file through a symlink to a device",
			files: map[string]string{"proj/compose.yaml": web("    env_file: [{path: zero.env, required: false}]\n")},
			links: map[string]string{"proj/zero.env": "/dev/zero"},
			is:    ErrNotRegular,
			want:  `service "web": env_file zero.env: not a regular file (a device); name a file`,
		},
		{
			name:  "label_file on a device",
			files: map[string]string{"proj/compose.yaml": web("    label_file: /dev/zero\n")},
			is:    ErrNotRegular,
			want:  `service "web": label_file /dev/zero: not a regular file (a device); name a file`,
		},
		{
			name:  "extends on a device",
			files: map[string]string{"proj/compose.yaml": web("    extends: {file: /dev/zero, service: web}\n")},
			is:    ErrNotRegular,
			want:  `loading compose.yaml: extends /dev/zero: not a regular file (a device); name a file`,
		},
		{
			name:  "extends too large",
			files: map[string]string{"proj/compose.yaml": web("    extends: {file: base.yaml, service: web}\n"), "proj/base.yaml": big},
			is:    ErrTooLarge,
			want:  `loading compose.yaml: extends base.yaml: larger than 1 MiB (1048578 bytes)`,
		},
		{
			name: "extends in an extended file, relative to that file",
			files: map[string]string{
				"proj/compose.yaml":  web("    extends: {file: sub/base.yaml, service: web}\n"),
				"proj/sub/base.yaml": web("    extends: {file: zero.yaml, service: web}\n"),
			},
			links: map[string]string{"proj/sub/zero.yaml": "/dev/zero"},
			is:    ErrNotRegular,
			want:  `loading compose.yaml: extends sub/zero.yaml: not a regular file (a device); name a file`,
		},
		{
			name:  "--env-file on a device",
			files: map[string]string{"proj/compose.yaml": web("")},
			opts:  Options{EnvFiles: []string{"/dev/zero"}},
			is:    ErrNotRegular,
			want:  `reading env files: /dev/zero: not a regular file (a device); name a file`,
		},
		{
			name:  ".env that links to a device",
			files: map[string]string{"proj/compose.yaml": web("")},
			links: map[string]string{"proj/.env": "/dev/zero"},
			is:    ErrNotRegular,
			want:  `reading env files: .env: not a regular file (a device); name a file`,
		},
		{
			name:  "a compose file that is a device",
			files: map[string]string{"proj/.keep": ""},
			opts:  Options{Files: []string{"/dev/zero"}},
			is:    ErrNotRegular,
			want:  `loading /dev/zero: not a regular file (a device); name a file`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			for name, target := range tt.links {
				if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
			opts := tt.opts
			if opts.Files == nil {
				opts.Files = []string{filepath.Join(dir, "proj", "compose.yaml")}
			}
			opts.WorkingDir = filepath.Join(dir, "proj")
			_, err := Load(context.Background(), opts)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%q, %v) = false", err, tt.is)
			}
			if got := strings.ReplaceAll(err.Error(), dir+"/proj/", ""); !strings.Contains(got, tt.want) {
				t.Errorf("error:\n got %s\nwant it to contain %s", got, tt.want)
			}
		})
	}
}

// Files of the allowed kind and size still load, and every file read is
// reported to Options.Read, for the CLI to refuse writing over one.
func TestLoadReportsEveryFileItReads(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n    label_file: web.labels\n    extends: {file: base.yaml, service: base}\n",
		"proj/base.yaml":    "services:\n  base:\n    image: nginx\n",
		"proj/web.env":      "A=1\n",
		"proj/web.labels":   "SERVICE_NAME=web\n",
		"proj/.env":         "X=1\n",
	})
	var read []string
	p, err := Load(context.Background(), Options{WorkingDir: filepath.Join(dir, "proj"), Read: func(_, path string) { read = append(read, path) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Services) != 1 || p.Services[0].Labels["SERVICE_NAME"] != "web" || p.Services[0].Environment["A"] != "1" {
		t.Errorf("label_file or env_file not applied: %+v", p.Services)
	}
	for _, f := range []string{"compose.yaml", "base.yaml", "web.env", "web.labels", ".env"} {
		want := filepath.Join(dir, "proj", f)
		found := false
		for _, r := range read {
			found = found || r == want
		}
		if !found {
			t.Errorf("Read was not told of %s; it got %q", want, read)
		}
	}
}
