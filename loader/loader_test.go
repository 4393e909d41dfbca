package loader

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// ignorePositions leaves out where each key was set: positions_test.go
// checks those.
var ignorePositions = cmpopts.IgnoreFields(model.Service{}, "Positions")

// nginx is the smallest service most cases need.
const nginx = "services:\n  web:\n    image: nginx\n"

// web is the model of nginx: compose-go puts it on the default network.
func web() model.Service {
	return model.Service{Name: "web", Image: "nginx", Networks: []string{"default"}}
}

func port(n int, proto string) model.Port { return model.Port{Number: n, Protocol: proto} }

func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // relative to a temporary directory
		// opts builds the options; "$DIR" in any string becomes the
		// temporary directory.
		opts  Options
		stdin string
		want  model.Project
	}{
		{
			name: "two files are merged in order and the later label wins",
			files: map[string]string{
				"proj/compose.yaml":  "services:\n  web:\n    image: nginx\n    labels:\n      SERVICE_NAME: a\n      SERVICE_TAGS: x\n",
				"proj/override.yaml": "services:\n  web:\n    labels:\n      SERVICE_NAME: b\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml", "$DIR/proj/override.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml", "override.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Labels: map[string]string{"SERVICE_NAME": "b", "SERVICE_TAGS": "x"}},
			}},
		},
		{
			name:  "a dash reads stdin and the working directory names the project",
			files: map[string]string{"proj/.keep": ""},
			opts:  Options{Files: []string{"-"}, WorkingDir: "$DIR/proj"},
			stdin: nginx,
			want:  model.Project{Name: "proj", Files: []string{"-"}, Services: []model.Service{web()}},
		},
		{
			name:  "stdin and a file are merged",
			files: map[string]string{"proj/extra.yaml": "services:\n  web:\n    image: nginx:2\n"},
			opts:  Options{Files: []string{"-", "$DIR/proj/extra.yaml"}},
			stdin: nginx,
			want: model.Project{Name: "proj", Files: []string{"-", "extra.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:2", Networks: []string{"default"}},
			}},
		},
		{
			name:  "-p names the project over COMPOSE_PROJECT_NAME and name:",
			files: map[string]string{"proj/compose.yaml": "name: fromfile\n" + nginx},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, ProjectName: "flag", Environ: map[string]string{"COMPOSE_PROJECT_NAME": "env"}},
			want:  model.Project{Name: "flag", Files: []string{"compose.yaml"}, Services: []model.Service{web()}},
		},
		{
			name:  "COMPOSE_PROJECT_NAME names the project over name:",
			files: map[string]string{"proj/compose.yaml": "name: fromfile\n" + nginx},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, Environ: map[string]string{"COMPOSE_PROJECT_NAME": "env"}},
			want:  model.Project{Name: "env", Files: []string{"compose.yaml"}, Services: []model.Service{web()}},
		},
		{
			name: "COMPOSE_PROJECT_NAME from .env names the project",
			files: map[string]string{
				"proj/compose.yaml": nginx,
				"proj/.env":         "COMPOSE_PROJECT_NAME=dotenv\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "dotenv", Files: []string{"compose.yaml"}, Services: []model.Service{web()}},
		},
		{
			name:  "name: in the file names the project over the directory",
			files: map[string]string{"proj/compose.yaml": "name: Shop-${LINE}\n" + nginx},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, Environ: map[string]string{"LINE": "x"}, Allowed: []string{"LINE"}},
			want:  model.Project{Name: "shop-x", Files: []string{"compose.yaml"}, Services: []model.Service{web()}},
		},
		{
			name: "--project-directory sets the name, the .env and the relative file names",
			files: map[string]string{
				"files/compose.yaml": "services:\n  web:\n    image: nginx:${TAG}\n",
				"files/.env":         "TAG=files\n",
				"proj/.env":          "TAG=proj\n",
			},
			opts: Options{Files: []string{"$DIR/files/compose.yaml"}, WorkingDir: "$DIR/proj"},
			want: model.Project{Name: "proj", Files: []string{"../files/compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:proj", Networks: []string{"default"}},
			}},
		},
		{
			name: ".env of the project directory is interpolated",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx:${TAG}\n",
				"proj/.env":         "TAG=dotenv\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:dotenv", Networks: []string{"default"}},
			}},
		},
		{
			name: "an allowed variable of the environment wins over .env",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx:${TAG}\n",
				"proj/.env":         "TAG=dotenv\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}, Environ: map[string]string{"TAG": "environ"}, Allowed: []string{"TAG"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:environ", Networks: []string{"default"}},
			}},
		},
		{
			name: "--env-file files replace .env and later ones win",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: ${IMAGE:-none}:${TAG:-none}\n    labels:\n      FROM_DOTENV: ${DOTENV:-unset}\n",
				"proj/.env":         "DOTENV=yes\n",
				"a.env":             "IMAGE=httpd\nTAG=a\n",
				"b.env":             "TAG=b\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}, EnvFiles: []string{"$DIR/a.env", "$DIR/b.env"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "httpd:b", Networks: []string{"default"}, Labels: map[string]string{"FROM_DOTENV": "unset"}},
			}},
		},
		{
			name: "COMPOSE_ENV_FILES stands in for --env-file",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx:${TAG}\n",
				"proj/.env":         "TAG=dotenv\n",
				"a.env":             "TAG=a\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}, Environ: map[string]string{"COMPOSE_ENV_FILES": "$DIR/a.env"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:a", Networks: []string{"default"}},
			}},
		},
		{
			name: "COMPOSE_DISABLE_ENV_FILE skips .env",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx:${TAG:-none}\n",
				"proj/.env":         "TAG=dotenv\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}, Environ: map[string]string{"COMPOSE_DISABLE_ENV_FILE": "true"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:none", Networks: []string{"default"}},
			}},
		},
		{
			name:  "PROD_LINE is interpolated from the environment when allowed",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    labels:\n      SERVICE_NAME: web.${PROD_LINE}\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, Environ: map[string]string{"PROD_LINE": "prod"}, Allowed: []string{"PROD_LINE"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Labels: map[string]string{"SERVICE_NAME": "web.prod"}},
			}},
		},
		{
			name:  "a profiled service is dropped when its profile is off",
			files: map[string]string{"proj/compose.yaml": nginx + "  debug:\n    image: busybox\n    profiles: [debug]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want:  model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{web()}},
		},
		{
			name:  "--profile turns a profiled service on",
			files: map[string]string{"proj/compose.yaml": nginx + "  debug:\n    image: busybox\n    profiles: [debug]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, Profiles: []string{"debug"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "debug", Image: "busybox", Networks: []string{"default"}}, web(),
			}},
		},
		{
			name:  "COMPOSE_PROFILES turns a profiled service on",
			files: map[string]string{"proj/compose.yaml": nginx + "  debug:\n    image: busybox\n    profiles: [debug]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, Environ: map[string]string{"COMPOSE_PROFILES": "other, debug"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "debug", Image: "busybox", Networks: []string{"default"}}, web(),
			}},
		},
		{
			name: "COMPOSE_PROFILES in .env turns a profiled service on",
			files: map[string]string{
				"proj/compose.yaml": nginx + "  debug:\n    image: busybox\n    profiles: [debug]\n",
				"proj/.env":         "COMPOSE_PROFILES=debug\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "debug", Image: "busybox", Networks: []string{"default"}}, web(),
			}},
		},
		{
			name:  "--profile replaces COMPOSE_PROFILES",
			files: map[string]string{"proj/compose.yaml": nginx + "  debug:\n    image: busybox\n    profiles: [debug]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, Profiles: []string{"other"}, Environ: map[string]string{"COMPOSE_PROFILES": "debug"}},
			want:  model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{web()}},
		},
		{
			name: "COMPOSE_FILE names two files",
			files: map[string]string{
				"proj/base.yaml": nginx,
				"proj/prod.yaml": "services:\n  web:\n    image: nginx:prod\n",
			},
			opts: Options{Environ: map[string]string{"COMPOSE_FILE": "$DIR/proj/base.yaml:$DIR/proj/prod.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"base.yaml", "prod.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:prod", Networks: []string{"default"}},
			}},
		},
		{
			name: "COMPOSE_PATH_SEPARATOR splits COMPOSE_FILE",
			files: map[string]string{
				"proj/base.yaml": nginx,
				"proj/prod.yaml": "services:\n  web:\n    image: nginx:prod\n",
			},
			opts: Options{Environ: map[string]string{"COMPOSE_FILE": "$DIR/proj/base.yaml,$DIR/proj/prod.yaml", "COMPOSE_PATH_SEPARATOR": ","}},
			want: model.Project{Name: "proj", Files: []string{"base.yaml", "prod.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:prod", Networks: []string{"default"}},
			}},
		},
		{
			name: "COMPOSE_FILE set in the project's .env is used",
			files: map[string]string{
				"proj/.env":      "COMPOSE_FILE=$DIR/proj/base.yaml:$DIR/proj/prod.yaml\n",
				"proj/base.yaml": nginx,
				"proj/prod.yaml": "services:\n  web:\n    image: nginx:prod\n",
			},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: model.Project{Name: "proj", Files: []string{"base.yaml", "prod.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx:prod", Networks: []string{"default"}},
			}},
		},
		{
			name: "compose.yaml and its override are found in the working directory",
			files: map[string]string{
				"proj/compose.yaml":          nginx,
				"proj/compose.override.yaml": "services:\n  web:\n    labels:\n      SERVICE_NAME: web\n",
			},
			opts: Options{WorkingDir: "$DIR/proj"},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml", "compose.override.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Labels: map[string]string{"SERVICE_NAME": "web"}},
			}},
		},
		{
			name:  "docker-compose.yml is found in a parent of the working directory",
			files: map[string]string{"proj/docker-compose.yml": nginx, "proj/sub/.keep": ""},
			opts:  Options{WorkingDir: "$DIR/proj/sub"},
			want:  model.Project{Name: "sub", Files: []string{"../docker-compose.yml"}, Services: []model.Service{web()}},
		},
		{
			name: "deploy labels and replicas",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    labels: [a=1]\n" +
				"    deploy:\n      replicas: 3\n      labels:\n        com.df.notify: \"true\"\n"},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Replicas: 3,
					Labels: map[string]string{"a": "1"}, DeployLabels: map[string]string{"com.df.notify": "true"}},
			}},
		},
		{
			name:  "scale sets replicas",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    scale: 4\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Replicas: 4},
			}},
		},
		{
			name:  "expose ranges become one port each, udp is kept",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    expose: [\"3000\", 3001, \"53/udp\", \"8000-8002\", \"9000-9001/UDP\"]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Expose: []model.Port{
					port(3000, "tcp"), port(3001, "tcp"), port(53, "udp"), port(8000, "tcp"), port(8001, "tcp"), port(8002, "tcp"), port(9000, "udp"), port(9001, "udp"),
				}},
			}},
		},
		{
			name:  "overlapping expose entries give each port once",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    expose: [\"80\", \"79-81\", \"80/udp\"]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Expose: []model.Port{
					port(80, "tcp"), port(79, "tcp"), port(81, "tcp"), port(80, "udp"),
				}},
			}},
		},
		{
			name:  "ports keep their target and protocol",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\", \"53:53/udp\", \"9000-9001:7000-7001\", {target: 443, published: \"8443\"}, \"3000\"]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Ports: []model.Port{
					port(80, "tcp"), port(53, "udp"), port(7000, "tcp"), port(7001, "tcp"), port(443, "tcp"), port(3000, "tcp"),
				}},
			}},
		},
		{
			name: "environment drops variables without a value and resolves the allowed ones from the environment",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n" +
				"    environment: [SERVICE_NAME=web, UNSET_ANYWHERE, FROM_ENVIRON, NOT_ALLOWED, EMPTY=]\n"},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}, Environ: map[string]string{"FROM_ENVIRON": "yes", "NOT_ALLOWED": "no"}, Allowed: []string{"FROM_ENVIRON"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"},
					Environment: map[string]string{"SERVICE_NAME": "web", "FROM_ENVIRON": "yes", "EMPTY": ""}},
			}},
		},
		{
			name: "env_file entries reach the environment",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n",
				"proj/web.env":      "SERVICE_NAME=fromfile\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Environment: map[string]string{"SERVICE_NAME": "fromfile"}},
			}},
		},
		{
			name: "networks are sorted, network_mode has none, services are sorted",
			files: map[string]string{"proj/compose.yaml": "services:\n  zed:\n    image: nginx\n    networks: [front, back]\n" +
				"  alpha:\n    image: nginx\n    network_mode: host\n  mid:\n    build: ./does-not-exist\n" +
				"networks:\n  front: {}\n  back: {}\n"},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "alpha", Image: "nginx", NetworkMode: "host"},
				{Name: "mid", Networks: []string{"default"}},
				{Name: "zed", Image: "nginx", Networks: []string{"back", "front"}},
			}},
		},
		{
			// What Traefik's traefik.docker.network names: PROJECT_KEY is
			// left out, a name: and an external network's key are kept.
			name: "networks keep the names the engine knows them by",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    networks: [front, back, edge]\n" +
				"networks:\n  front: {}\n  back:\n    name: shared-back\n  edge:\n    external: true\n"},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "web", Image: "nginx", Networks: []string{"back", "edge", "front"}},
			}, ExternalNetworks: []string{"edge"}, NetworkNames: map[string]string{"back": "shared-back", "edge": "edge"}},
		},
		{
			// Traefik's rules folder, named by a flag, with a file mounted
			// into it, and a users file named by another service's label
			// below a mounted folder.
			name: "bind mounts at paths the project names are read",
			files: map[string]string{
				"proj/compose.yaml": "services:\n  proxy:\n    image: traefik\n    command: [--providers.file.directory=/rules]\n" +
					"    volumes: [./rules:/rules, ./auth:/etc/auth, ./other:/other, ./more/c.yml:/rules/more/c.yml]\n" +
					"  web:\n    image: nginx\n    labels:\n      a.usersfile: /etc/auth/users\n",
				"proj/rules/a.yml":  "http: {}\n",
				"proj/auth/users":   "u:x\n",
				"proj/other/secret": "s",
				"proj/more/c.yml":   "c",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want: model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
				{Name: "proxy", Image: "traefik", Networks: []string{"default"}, Command: []string{"--providers.file.directory=/rules"}, Mounts: []model.Mount{
					{Target: "/rules", Source: "rules", Bind: true, Files: []model.MountFile{{Name: "a.yml", Content: []byte("http: {}\n")}}},
					{Target: "/etc/auth", Source: "auth", Bind: true},
					{Target: "/other", Source: "other", Bind: true},
					{Target: "/rules/more/c.yml", Source: "more/c.yml", Bind: true, Files: []model.MountFile{{Content: []byte("c")}}},
					{Target: "/etc/auth/users", Source: "auth/users", Bind: true, Files: []model.MountFile{{Content: []byte("u:x\n")}}},
				}},
				{Name: "web", Image: "nginx", Networks: []string{"default"}, Labels: map[string]string{"a.usersfile": "/etc/auth/users"}},
			}},
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
			got, err := Load(context.Background(), opts)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, ignorePositions); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		is    error  // errors.Is must hold, when set
		want  string // the whole message, "$DIR" expanded
		// contains is used instead of want for compose-go's own messages.
		contains []string
	}{
		{
			name:  "a v1 file is named and explained",
			files: map[string]string{"proj/docker-compose.yml": "web:\n  image: nginx\n  ports: [\"80:80\"]\nx-common: {}\n"},
			opts:  Options{WorkingDir: "$DIR/proj"},
			is:    ErrLegacyFormat,
			want:  `docker-compose.yml: this is a Compose file format v1 file (services at the top level); put them under a "services:" key (see https://docs.docker.com/compose/compose-file/)`,
		},
		{
			name: "a v1 override file is reported by its name",
			files: map[string]string{
				"proj/compose.yaml":  nginx,
				"proj/override.yaml": "version: \"2\"\ndb:\n  build: .\n",
			},
			opts: Options{Files: []string{"$DIR/proj/compose.yaml", "$DIR/proj/override.yaml"}},
			is:   ErrLegacyFormat,
			want: `override.yaml: this is a Compose file format v1 file (services at the top level); put them under a "services:" key (see https://docs.docker.com/compose/compose-file/)`,
		},
		{
			name:  "a missing -f file",
			files: map[string]string{"proj/compose.yaml": nginx},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml", "$DIR/proj/missing.yaml"}},
			is:    fs.ErrNotExist,
			want:  "loading $DIR/proj/missing.yaml: file does not exist (paths given with -f are relative to the current directory)",
		},
		{
			name:     "a missing COMPOSE_FILE file",
			files:    map[string]string{"proj/compose.yaml": nginx},
			opts:     Options{WorkingDir: "$DIR/proj", Environ: map[string]string{"COMPOSE_FILE": "$DIR/proj/compose.yaml:$DIR/proj/gone.yaml"}},
			is:       fs.ErrNotExist,
			contains: []string{"COMPOSE_FILE", "$DIR/proj/gone.yaml"},
		},
		{
			name:  "a missing --env-file",
			files: map[string]string{"proj/compose.yaml": nginx},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, EnvFiles: []string{"$DIR/prod.env"}},
			is:    fs.ErrNotExist,
			want:  "reading env files: stat $DIR/prod.env: no such file or directory",
		},
		{
			name:  "no compose file anywhere",
			files: map[string]string{"proj/.keep": ""},
			opts:  Options{WorkingDir: "$DIR/proj"},
			is:    ErrNoComposeFile,
			// the search goes up to /, so only the start is known
			contains: []string{"no compose file found in $DIR/proj or its parents", "-f"},
		},
		{
			name:     "an undefined network keeps compose-go's message",
			files:    map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    networks: [nope]\n"},
			opts:     Options{Files: []string{"$DIR/proj/compose.yaml"}},
			contains: []string{"loading compose.yaml: ", `service "web" refers to undefined network nope`},
		},
		{
			name:     "a schema error keeps compose-go's message",
			files:    map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    labelz: {}\n"},
			opts:     Options{Files: []string{"$DIR/proj/compose.yaml"}},
			contains: []string{"loading compose.yaml: ", "labelz"},
		},
		{
			name:     "a required variable that is unset",
			files:    map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx:${TAG:?set TAG}\n"},
			opts:     Options{Files: []string{"$DIR/proj/compose.yaml"}},
			contains: []string{"loading compose.yaml: ", "set TAG"},
		},
		{
			// name: outranks the directory even when it comes out empty,
			// as in docker compose
			name:     "a name: that interpolates to nothing",
			files:    map[string]string{"proj/compose.yaml": "name: ${NAME:-}\n" + nginx},
			opts:     Options{Files: []string{"$DIR/proj/compose.yaml"}},
			contains: []string{"loading compose.yaml: ", "project name must not be empty"},
		},
		{
			name:  "an unparseable expose names the service",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    expose: [\"80-x\"]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want:  `service "web": expose "80-x": "x" is not a port number (1-65535)`,
		},
		{
			name:  "an expose range that runs backwards",
			files: map[string]string{"proj/compose.yaml": "services:\n  web:\n    image: nginx\n    expose: [\"90-80\"]\n"},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}},
			want:  `service "web": expose "90-80": range ends before it starts`,
		},
		{
			name: "two services with one container_name, as docker compose config rejects",
			files: map[string]string{"proj/compose.yaml": "services:\n  a:\n    image: nginx\n    container_name: one\n" +
				"  b:\n    image: nginx\n    container_name: one\n"},
			opts:     Options{Files: []string{"$DIR/proj/compose.yaml"}},
			contains: []string{"loading compose.yaml: ", `"one"`},
		},
		{
			name:  "a dash without stdin",
			files: map[string]string{"proj/.keep": ""},
			opts:  Options{Files: []string{"-"}, WorkingDir: "$DIR/proj"},
			want:  "loading -: no standard input to read",
		},
		{
			name:  "an invalid project name",
			files: map[string]string{"proj/compose.yaml": nginx},
			opts:  Options{Files: []string{"$DIR/proj/compose.yaml"}, ProjectName: "My Project"},
			want:  `invalid project name "My Project": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			got, err := Load(context.Background(), expand(tt.opts, dir))
			if err == nil {
				t.Fatalf("Load succeeded with %+v, want an error", got)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%q, %v) = false", err, tt.is)
			}
			if tt.want != "" {
				if want := strings.ReplaceAll(tt.want, "$DIR", dir); err.Error() != want {
					t.Errorf("error:\n got %s\nwant %s", err, want)
				}
			}
			for _, c := range tt.contains {
				if c = strings.ReplaceAll(c, "$DIR", dir); !strings.Contains(err.Error(), c) {
					t.Errorf("error %q does not contain %q", err, c)
				}
			}
		})
	}
}

// TestLoadFromSubdirectory runs in a subdirectory of the project, as a user
// would: the compose file is found in the parent, which becomes the project
// directory, and the parent's .env applies (docker compose reads .env again
// after discovery).
func TestLoadFromSubdirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"proj/compose.yaml": "services:\n  web:\n    image: nginx:${TAG}\n",
		"proj/.env":         "TAG=parent\n",
		"proj/sub/.keep":    "",
	})
	t.Chdir(filepath.Join(dir, "proj", "sub"))
	got, err := Load(context.Background(), Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := model.Project{Name: "proj", Files: []string{"compose.yaml"}, Services: []model.Service{
		{Name: "web", Image: "nginx:parent", Networks: []string{"default"}},
	}}
	if diff := cmp.Diff(want, got, ignorePositions); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       scanResult
	}{
		{"services", nginx, scanResult{services: []string{"web"}}},
		{"v1 service", "web:\n  image: nginx\n", scanResult{legacy: true}},
		{"v1 service through an anchor", "x-base: &base\n  image: nginx\nweb: *base\n", scanResult{legacy: true}},
		{"unknown key that is no service", "foo:\n  bar: 1\n", scanResult{}},
		{"extension only", "x-web:\n  image: nginx\n", scanResult{}},
		{"services next to a stray service", "services: {}\nweb:\n  image: nginx\n", scanResult{}},
		{"named", "name: shop\n" + nginx, scanResult{named: true, services: []string{"web"}}},
		{"null name", "name: ~\n" + nginx, scanResult{services: []string{"web"}}},
		{"v1 in a second document", nginx + "---\nweb:\n  build: .\n", scanResult{legacy: true, services: []string{"web"}}},
		{"not yaml", "services: [\n", scanResult{}},
		{"x- label keys", "services:\n  web:\n    labels:\n      x-SERVICE_NAME: web\n      SERVICE_TAGS: a\n    deploy:\n      labels: {x-a: b}\n",
			scanResult{hidden: map[string]map[string]map[string]string{"web": {"labels": {"x-SERVICE_NAME": "web"}, "deploy.labels": {"x-a": "b"}}}, services: []string{"web"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scan([]byte(tt.yaml)); !cmp.Equal(got, tt.want, cmp.AllowUnexported(scanResult{}), cmpopts.IgnoreFields(scanResult{}, "docs")) {
				t.Errorf("scan(%q) = %+v, want %+v", tt.yaml, got, tt.want)
			}
		})
	}
}

// writeFiles writes files (relative paths to contents) under dir; "$DIR"
// in a content becomes dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(content, "$DIR", dir)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// expand replaces "$DIR" with dir in every string of opts, so that cases
// can be written before the temporary directory exists.
func expand(opts Options, dir string) Options {
	x := func(s string) string { return strings.ReplaceAll(s, "$DIR", dir) }
	xs := func(ss []string) []string {
		var out []string
		for _, s := range ss {
			out = append(out, x(s))
		}
		return out
	}
	opts.Files = xs(opts.Files)
	opts.EnvFiles = xs(opts.EnvFiles)
	opts.WorkingDir = x(opts.WorkingDir)
	if opts.Environ != nil {
		env := map[string]string{}
		for k, v := range opts.Environ {
			env[k] = x(v)
		}
		opts.Environ = env
	}
	return opts
}
