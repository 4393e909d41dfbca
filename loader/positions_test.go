package loader

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// pos is shorthand for a position in a test's want.
func pos(file string, line int) model.Position { return model.Position{File: file, Line: line} }

// Each key of a service's labels, deploy.labels and environment is where
// compose took it from: the file that set it last, as compose merges
// them, and the line there.
func TestPositionsNameTheFileAndLineThatSetEachKey(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // under a temporary directory
		opts  Options           // "$DIR" in a string is that directory
		stdin string
		want  map[string]map[string]model.Position // web's, by layer and key
	}{
		{
			name: "an override file sets a label over the first file's",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    labels:\n      SERVICE_NAME: a\n      SERVICE_TAGS: x\n",
				"proj/override.yml": "services:\n  web:\n    labels:\n      SERVICE_NAME: b\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml", "$DIR/proj/override.yml"}},
			want: map[string]map[string]model.Position{"labels": {"SERVICE_NAME": pos("override.yml", 4), "SERVICE_TAGS": pos("compose.yaml", 6)}},
		},
		{
			name: "a list gives each item's line, a mapping each key's",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    labels:\n      - SERVICE_NAME=a\n      - \"SERVICE_TAGS=x\"\n" +
				"    environment:\n      - SERVICE_CHECK_HTTP=/\n      - EMPTY=\n"},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: map[string]map[string]model.Position{
				"labels":      {"SERVICE_NAME": pos("compose.yaml", 5), "SERVICE_TAGS": pos("compose.yaml", 6)},
				"environment": {"SERVICE_CHECK_HTTP": pos("compose.yaml", 8), "EMPTY": pos("compose.yaml", 9)},
			},
		},
		{
			name:  "deploy.labels",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 2\n      labels:\n        com.df.notify: \"true\"\n        com.df.servicePath: /web\n"},
			opts:  Options{WorkingDir: "$DIR/proj"},
			want:  map[string]map[string]model.Position{"deploy.labels": {"com.df.notify": pos("compose.yaml", 7), "com.df.servicePath": pos("compose.yaml", 8)}},
		},
		{
			name: "an included file's service under the including file's keys",
			files: map[string]string{
				"proj/compose.yaml":      "include:\n  - path: [sub/compose.yaml, sub/more.yaml]\nservices:\n  web:\n    labels:\n      SERVICE_TAGS: y\n",
				"proj/sub/compose.yaml":  "services:\n  web:\n    image: nginx\n    labels:\n      SERVICE_NAME: a\n      SERVICE_TAGS: x\n",
				"proj/sub/more.yaml":     "services:\n  web:\n    environment:\n      SERVICE_CHECK_HTTP: /\n",
				"proj/sub/.keep-the-dir": "",
			},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: map[string]map[string]model.Position{
				"labels":      {"SERVICE_NAME": pos("sub/compose.yaml", 5), "SERVICE_TAGS": pos("compose.yaml", 6)},
				"environment": {"SERVICE_CHECK_HTTP": pos("sub/more.yaml", 4)},
			},
		},
		{
			name: "extends in the same file: the base's keys under the service's own",
			files: map[string]string{"proj/compose.yaml": "services:\n  base:\n    image: nginx\n    labels:\n      SERVICE_NAME: a\n      SERVICE_TAGS: x\n" +
				"  web:\n    extends: base\n    labels:\n      SERVICE_TAGS: y\n"},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: map[string]map[string]model.Position{"labels": {"SERVICE_NAME": pos("compose.yaml", 5), "SERVICE_TAGS": pos("compose.yaml", 10)}},
		},
		{
			name: "extends of another file, which extends in its turn",
			files: map[string]string{
				"proj/compose.yaml":     "services:\n  web:\n    extends:\n      file: lib/common.yaml\n      service: app\n    environment:\n      SERVICE_TAGS: y\n",
				"proj/lib/common.yaml":  "services:\n  root:\n    image: nginx\n    environment:\n      SERVICE_NAME: a\n  app:\n    extends:\n      file: base.yaml\n      service: other\n    environment:\n      SERVICE_TAGS: x\n",
				"proj/lib/base.yaml":    "services:\n  other:\n    image: nginx\n    environment:\n      SERVICE_CHECK_HTTP: /\n",
				"proj/lib/.keep-the-di": "",
			},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: map[string]map[string]model.Position{"environment": {"SERVICE_CHECK_HTTP": pos("lib/base.yaml", 5), "SERVICE_TAGS": pos("compose.yaml", 7)}},
		},
		{
			name: "label_file lines, and labels over them",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    label_file: [web.labels, more.labels]\n    labels:\n      SERVICE_TAGS: y\n",
				"proj/web.labels":   "# routing\nSERVICE_NAME=a\nSERVICE_TAGS=x\nSERVICE_CHECK_HTTP=/\n",
				"proj/more.labels":  "\n\nSERVICE_CHECK_HTTP=/health\n",
			},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: map[string]map[string]model.Position{"labels": {
				"SERVICE_NAME": pos("web.labels", 2), "SERVICE_TAGS": pos("compose.yaml", 6), "SERVICE_CHECK_HTTP": pos("more.labels", 3),
			}},
		},
		{
			name: "env_file lines, and environment over them",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: env/web.env\n    environment:\n      SERVICE_TAGS: y\n",
				"proj/env/web.env":  "SERVICE_NAME=a\nNOTE=\"two\nlines\"\nexport SERVICE_TAGS=x\nSERVICE_CHECK_HTTP: /\n",
			},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: map[string]map[string]model.Position{"environment": {
				"SERVICE_NAME": pos("env/web.env", 1), "NOTE": pos("env/web.env", 2), "SERVICE_TAGS": pos("compose.yaml", 6), "SERVICE_CHECK_HTTP": pos("env/web.env", 5),
			}},
		},
		{
			name: "!reset in an override drops the first file's key, so the env_file's shows",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    environment:\n      SERVICE_NAME: a\n",
				"proj/override.yml": "services:\n  web:\n    environment: !reset []\n    env_file: web.env\n",
				"proj/web.env":      "\nSERVICE_NAME=b\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml", "$DIR/proj/override.yml"}},
			want: map[string]map[string]model.Position{"environment": {"SERVICE_NAME": pos("web.env", 2)}},
		},
		{
			name: "a merge key gives the anchor's line, a key of the service's own wins",
			files: map[string]string{"proj/compose.yaml": "x-routed: &routed\n  image: nginx\n  labels: &labels\n    SERVICE_NAME: a\n    SERVICE_TAGS: x\n" +
				"services:\n  web:\n    <<: *routed\n    environment:\n      <<: *labels\n      SERVICE_TAGS: y\n"},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: map[string]map[string]model.Position{
				"labels":      {"SERVICE_NAME": pos("compose.yaml", 4), "SERVICE_TAGS": pos("compose.yaml", 5)},
				"environment": {"SERVICE_NAME": pos("compose.yaml", 4), "SERVICE_TAGS": pos("compose.yaml", 11)},
			},
		},
		{
			name:  "a key interpolated into a list item",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    labels:\n      - ${KIND}_NAME=a\n", "proj/.env": "KIND=SERVICE\n"},
			opts:  Options{WorkingDir: "$DIR/proj"},
			want:  map[string]map[string]model.Position{"labels": {"SERVICE_NAME": pos("compose.yaml", 5)}},
		},
		{
			name:  "standard input is -, a file outside the project directory absolute",
			files: map[string]string{"other/override.yml": "services:\n  web:\n    labels:\n      SERVICE_TAGS: x\n", "proj/.keep": ""},
			opts:  Options{Files: []string{"-", "$DIR/other/override.yml"}, WorkingDir: "$DIR/proj"},
			stdin: "services:\n  web:\n    image: nginx\n    labels:\n      SERVICE_NAME: a\n",
			want:  map[string]map[string]model.Position{"labels": {"SERVICE_NAME": pos("-", 5), "SERVICE_TAGS": pos("$DIR/other/override.yml", 4)}},
		},
		{
			name: "a later document of a file is merged like a later file",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    labels:\n      SERVICE_NAME: a\n      SERVICE_TAGS: x\n" +
				"---\nservices:\n  web:\n    labels:\n      SERVICE_TAGS: y\n"},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: map[string]map[string]model.Position{"labels": {"SERVICE_NAME": pos("compose.yaml", 5), "SERVICE_TAGS": pos("compose.yaml", 11)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			opts := expand(tt.opts, dir)
			if tt.stdin != "" {
				opts.Stdin = strings.NewReader(tt.stdin)
			}
			p, err := Load(context.Background(), opts)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var got map[string]map[string]model.Position
			for _, s := range p.Services {
				if s.Name == "web" {
					got = s.Positions
				}
			}
			for _, keys := range tt.want {
				for k, p := range keys {
					keys[k] = model.Position{File: strings.ReplaceAll(p.File, "$DIR", dir), Line: p.Line}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("web's positions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnvKeyLines(t *testing.T) {
	tests := []struct {
		name, src string
		want      map[string]int
	}{
		{"plain", "A=1\nB=2\n", map[string]int{"A": 1, "B": 2}},
		{"comments, blank lines and spaces", "# a comment\n\n  A = 1\n\t# B=2\nC=3 # not a key\n", map[string]int{"A": 3, "C": 5}},
		{"export and a colon", "export A=1\nB: 2\n", map[string]int{"A": 1, "B": 2}},
		{"a key without a value", "A\nB=\n", map[string]int{"A": 1, "B": 2}},
		{"quoted values over several lines", "A=\"one\nB=not a key\"\nC='x\ny' \nD=\"esc \\\" \nE=no\"\nF=1", map[string]int{"A": 1, "C": 3, "D": 5, "F": 7}},
		{"the last of a key wins", "A=1\nA=2\n", map[string]int{"A": 2}},
		{"no final line break", "A=1", map[string]int{"A": 1}},
		{"CRLF", "A=1\r\nB=2\r\n", map[string]int{"A": 1, "B": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, envKeyLines(tt.src)); diff != "" {
				t.Errorf("envKeyLines(%q) (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// Over every project in testdata (the golden cases and the real-world
// ones: anchors, extends, env files, include), each key a service has was
// given a position, and the line there names the key.
func TestEveryKeyOfTheTestProjectsHasItsLine(t *testing.T) {
	var dirs []string
	for _, pattern := range []string{"../testdata/*", "../testdata/realworld/*", "../testdata/*/*"} {
		matches, _ := filepath.Glob(pattern)
		dirs = append(dirs, matches...)
	}
	checked := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		opts := Options{WorkingDir: dir}
		if raw, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
			fields := strings.Fields(string(raw))
			for i, a := range fields {
				if i > 0 && (fields[i-1] == "-f" || fields[i-1] == "--file") && a != "-" {
					opts.Files = append(opts.Files, filepath.Join(dir, a))
				}
			}
		}
		p, err := Load(context.Background(), opts)
		if err != nil {
			continue // a case about a load error, or a folder that is no project
		}
		for _, svc := range p.Services {
			for _, l := range []struct {
				name string
				m    map[string]string
			}{{"labels", svc.Labels}, {"deploy.labels", svc.DeployLabels}, {"environment", svc.Environment}} {
				for k := range l.m {
					if k == "#extensions" {
						continue // compose-go's own label holding the x- keys it dropped (restoreHidden)
					}
					checked++
					at, ok := svc.Positions[l.name][k]
					if !ok {
						t.Errorf("%s: %s %s %s has no position", dir, svc.Name, l.name, k)
						continue
					}
					path := at.File
					if !filepath.IsAbs(path) {
						path = filepath.Join(dir, path)
					}
					content, err := os.ReadFile(path)
					if err != nil {
						t.Errorf("%s: %s %s %s at %v: %v", dir, svc.Name, l.name, k, at, err)
						continue
					}
					lines := strings.Split(string(content), "\n")
					if at.Line < 1 || at.Line > len(lines) {
						t.Errorf("%s: %s %s %s at %v: the file has %d lines", dir, svc.Name, l.name, k, at, len(lines))
						continue
					}
					if line := lines[at.Line-1]; !strings.Contains(line, k) && !strings.Contains(line, "$") {
						t.Errorf("%s: %s %s %s at %v, whose line is %q", dir, svc.Name, l.name, k, at, line)
					}
				}
			}
		}
	}
	if checked < 1500 { // 2,023 when written
		t.Errorf("checked %d keys; the test projects have more", checked)
	}
}
