package loader

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// token is a process-environment value that must never reach a label, an
// environment value, a secret, a warning or an error unless allowed.
const token = "glcbt-64-SECRETVALUE"

// The process environment is the runner's, not the project's: a CI job's
// CI_JOB_TOKEN is there. Only the variables the caller allows (--env NAME)
// are interpolated from it; every other reference behaves as compose
// behaves for an unset variable, and the COMPOSE_* settings still work.
func TestProcessEnvironmentReachesOnlyWhatIsAllowed(t *testing.T) {
	environ := map[string]string{
		"CI_JOB_TOKEN": token, "TAG": "environ", "COMPOSE_PROFILES": "debug", "SHOP_HOST": "shop.example.com",
	}
	const compose = `services:
  web:
    image: nginx:${TAG:-latest}
    labels:
      SERVICE_TAGS: "path=${CI_JOB_TOKEN}"
      DEFAULTED: "${CI_JOB_TOKEN:-none}"
      FROM_DOTENV: "${FROM_DOTENV}"
      PROFILES: "p${COMPOSE_PROFILES}"
      HOST: "${SHOP_HOST}"
    environment: [CI_JOB_TOKEN, SERVICE_NAME=web]
  debug:
    image: busybox
    profiles: [debug]
secrets:
  token: {environment: CI_JOB_TOKEN}
`
	tests := []struct {
		name    string
		allowed []string
		want    model.Service
		secret  model.Secret
		// warned: the names the warnings must point at --env for.
		warned []string
	}{
		{
			name: "nothing allowed",
			want: model.Service{Name: "web", Image: "nginx:latest", Networks: []string{"default"},
				Labels:      map[string]string{"SERVICE_TAGS": "path=", "DEFAULTED": "none", "FROM_DOTENV": "", "PROFILES": "p", "HOST": ""},
				Environment: map[string]string{"SERVICE_NAME": "web"}},
			secret: model.Secret{Name: "token", Problem: "comes from the environment variable CI_JOB_TOKEN, which is not set (compose2haproxy does not read it from the process environment: pass --env CI_JOB_TOKEN to use it)"},
			warned: []string{"CI_JOB_TOKEN", "COMPOSE_PROFILES", "SHOP_HOST", "TAG"},
		},
		{
			name:    "--env SHOP_HOST --env CI_JOB_TOKEN",
			allowed: []string{"SHOP_HOST", "CI_JOB_TOKEN"},
			want: model.Service{Name: "web", Image: "nginx:latest", Networks: []string{"default"},
				Labels:      map[string]string{"SERVICE_TAGS": "path=" + token, "DEFAULTED": token, "FROM_DOTENV": token, "PROFILES": "p", "HOST": "shop.example.com"},
				Environment: map[string]string{"SERVICE_NAME": "web", "CI_JOB_TOKEN": token}},
			secret: model.Secret{Name: "token", Content: []byte(token)},
			warned: []string{"COMPOSE_PROFILES", "TAG"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			// .env may not read the process environment either.
			writeFiles(t, dir, map[string]string{"compose.yaml": compose, ".env": "FROM_DOTENV=${CI_JOB_TOKEN}\n"})
			var warnings bytes.Buffer
			p, err := Load(context.Background(), Options{WorkingDir: dir, Environ: environ, Allowed: tt.allowed, Warnings: &warnings})
			if err != nil {
				t.Fatal(err)
			}
			// COMPOSE_PROFILES is a setting: it still turns debug on.
			if len(p.Services) != 2 || p.Services[0].Name != "debug" {
				t.Fatalf("services %+v: want debug (COMPOSE_PROFILES) and web", p.Services)
			}
			if diff := cmp.Diff(tt.want, p.Services[1], ignorePositions); diff != "" {
				t.Errorf("web (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]model.Secret{tt.secret}, p.Secrets); diff != "" {
				t.Errorf("secrets (-want +got):\n%s", diff)
			}
			text := warnings.String()
			if strings.Contains(text, token) || strings.Contains(text, "environ") && !strings.Contains(text, "environment") {
				t.Errorf("a warning shows a value of the environment:\n%s", text)
			}
			for _, name := range tt.warned {
				if !strings.Contains(text, "--env "+name) {
					t.Errorf("no warning names --env %s:\n%s", name, text)
				}
			}
			for _, name := range tt.allowed {
				if strings.Contains(text, "--env "+name) {
					t.Errorf("a warning asks for --env %s, which is given:\n%s", name, text)
				}
			}
		})
	}
}

// ${VAR:?message} of a variable that only the process environment sets is
// compose's error for an unset variable, and shows no value.
func TestRequiredVariableOnlyInTheEnvironmentIsAnError(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    labels:\n      X: \"${CI_JOB_TOKEN:?set it}\"\n"})
	var warnings bytes.Buffer
	_, err := Load(context.Background(), Options{WorkingDir: dir, Environ: map[string]string{"CI_JOB_TOKEN": token}, Warnings: &warnings})
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "CI_JOB_TOKEN") {
		t.Fatalf("error %v: want compose's error for an unset CI_JOB_TOKEN, without its value", err)
	}
	if !strings.Contains(warnings.String(), "--env CI_JOB_TOKEN") || strings.Contains(warnings.String(), token) {
		t.Errorf("warnings %q: want one naming --env CI_JOB_TOKEN, without its value", warnings.String())
	}
}

// env_file and label_file are read like secrets: only inside the project
// directory (links resolved), whether the service is the project's own or
// comes from an included file; so is an include's env_file, and the .env
// an included project would read.
func TestFilesOutsideTheProjectAreRefused(t *testing.T) {
	web := func(extra string) string { return "services:\n  web:\n    image: nginx\n" + extra }
	include := func(entry string) string { return "include:\n  - " + entry + "\n" + web("") }
	tests := []struct {
		name  string
		files map[string]string
		links map[string]string
		want  string // "$DIR" is the temporary directory, proj/ the project
	}{
		{
			name:  "env_file outside",
			files: map[string]string{"proj/compose.yaml": web("    env_file: ../ci.env\n"), "ci.env": "A=1\n"},
			want:  `service "web": env_file $DIR/ci.env: outside the project directory; compose2haproxy reads only the project's files (move it into $DIR/proj)`,
		},
		{
			name:  "label_file outside, by absolute path",
			files: map[string]string{"proj/compose.yaml": web("    label_file: $DIR/ci.labels\n"), "ci.labels": "A=1\n"},
			want:  `service "web": label_file $DIR/ci.labels: outside the project directory; compose2haproxy reads only the project's files (move it into $DIR/proj)`,
		},
		{
			name:  "env_file inside through a link to outside",
			files: map[string]string{"proj/compose.yaml": web("    env_file: link.env\n"), "ci.env": "A=1\n"},
			links: map[string]string{"proj/link.env": "$DIR/ci.env"},
			want:  `service "web": env_file link.env: outside the project directory; compose2haproxy reads only the project's files (move it into $DIR/proj)`,
		},
		{
			name: "an included service's env_file outside",
			files: map[string]string{
				"proj/compose.yaml":       include("infra/compose.yaml"),
				"proj/infra/compose.yaml": "services:\n  cache:\n    image: redis\n    env_file: ../../ci.env\n",
				"ci.env":                  "A=1\n",
			},
			want: `service "cache": env_file $DIR/ci.env: outside the project directory; compose2haproxy reads only the project's files (move it into $DIR/proj)`,
		},
		{
			name: "an included service's label_file outside",
			files: map[string]string{
				"proj/compose.yaml":       include("infra/compose.yaml"),
				"proj/infra/compose.yaml": "services:\n  cache:\n    image: redis\n    label_file: /etc/hostname\n",
			},
			want: `service "cache": label_file /etc/hostname: outside the project directory; compose2haproxy reads only the project's files (move it into $DIR/proj)`,
		},
		{
			name: "an include's env_file outside",
			files: map[string]string{
				"proj/compose.yaml":       include("{path: infra/compose.yaml, env_file: ../ci.env}"),
				"proj/infra/compose.yaml": "services:\n  cache:\n    image: redis:${V:-7}\n",
				"ci.env":                  "V=1\n",
			},
			want: `include infra/compose.yaml: env_file $DIR/ci.env: outside the project directory; compose2haproxy reads only the project's files (move it into $DIR/proj)`,
		},
		{
			name: "the .env of an included project outside",
			files: map[string]string{
				"proj/compose.yaml":   include("../shared/compose.yaml"),
				"shared/compose.yaml": "services:\n  cache:\n    image: redis:${V:-7}\n",
				"shared/.env":         "V=1\n",
			},
			want: `include ../shared/compose.yaml: env_file $DIR/shared/.env: outside the project directory; compose2haproxy reads only the project's files (move it into $DIR/proj)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			for name, target := range tt.links {
				symlink(t, strings.ReplaceAll(target, "$DIR", dir), filepath.Join(dir, name))
			}
			var read []string
			_, err := Load(context.Background(), Options{WorkingDir: filepath.Join(dir, "proj"), Read: func(_, p string) { read = append(read, p) }})
			want := strings.ReplaceAll(tt.want, "$DIR", dir)
			if err == nil || !strings.HasSuffix(err.Error(), want) {
				t.Fatalf("error %v\nwant one ending in %s", err, want)
			}
			for _, r := range read {
				if !strings.HasPrefix(r, filepath.Join(dir, "proj")+string(filepath.Separator)) {
					t.Errorf("Read was told of %s, outside the project", r)
				}
			}
		})
	}
}

// An include's env_file inside the project is read, and named to the
// caller like every other file.
func TestIncludeEnvFileInsideTheProjectIsRead(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"compose.yaml":       "include:\n  - {path: infra/compose.yaml, env_file: infra/infra.env}\n",
		"infra/compose.yaml": "services:\n  cache:\n    image: redis:${V:-7}\n",
		"infra/infra.env":    "V=7.2\n",
	})
	var read []string
	p, err := Load(context.Background(), Options{WorkingDir: dir, Read: func(_, p string) { read = append(read, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Services) != 1 || p.Services[0].Image != "redis:7.2" {
		t.Errorf("services %+v: want cache with redis:7.2", p.Services)
	}
	want := filepath.Join(dir, "infra", "infra.env")
	found := false
	for _, r := range read {
		found = found || r == want
	}
	if !found {
		t.Errorf("Read was not told of %s; it got %q", want, read)
	}
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}
