package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/consts"
	composeloader "github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// Sentinel errors; Load wraps them, check with errors.Is. A file that does
// not exist wraps fs.ErrNotExist instead.
var (
	// ErrLegacyFormat: a file has its services at the top level (Compose
	// file format v1), which docker compose no longer reads.
	ErrLegacyFormat = errors.New("this is a Compose file format v1 file (services at the top level)")
	// ErrNoComposeFile: no -f, no COMPOSE_FILE and no compose.yaml (or one
	// of its alternative names) in the working directory or its parents.
	ErrNoComposeFile = errors.New("no compose file found")
	// ErrEnvFile: an env file (--env-file, COMPOSE_ENV_FILES or .env)
	// could not be read; the error names it.
	ErrEnvFile = errors.New("reading env files")
)

// Options mirror docker compose's flags; the zero value of each means "as
// docker compose does by default".
type Options struct {
	// Files are the -f files, merged in order; "-" reads Stdin. Empty:
	// COMPOSE_FILE, else compose.yaml (or docker-compose.yml, …) found in
	// WorkingDir or one of its parents.
	Files []string
	// ProjectName is -p. Empty: COMPOSE_PROJECT_NAME, else the file's
	// `name:`, else the project directory's base name.
	ProjectName string
	// WorkingDir is --project-directory. Empty: the directory of the first
	// file that is not "-", else the current directory.
	WorkingDir string
	// EnvFiles are the --env-file files, in order. Empty: COMPOSE_ENV_FILES
	// (comma separated), else <project dir>/.env when it exists.
	EnvFiles []string
	// Profiles are the --profile names. Empty: COMPOSE_PROFILES (comma
	// separated).
	Profiles []string
	// Environ is the process environment. Only its COMPOSE_* settings
	// (COMPOSE_FILE, COMPOSE_PATH_SEPARATOR, COMPOSE_PROJECT_NAME,
	// COMPOSE_PROFILES, COMPOSE_ENV_FILES, COMPOSE_DISABLE_ENV_FILE) and
	// the variables Allowed names are used; the process environment itself
	// is never read, so the caller decides what is seen.
	Environ map[string]string
	// Allowed names the variables of Environ that interpolation,
	// `environment: [NAME]` and secrets' `environment:` may use; their
	// values win over the env files'. Empty: variables come from the env
	// files only, and a reference to any other variable is unset, as in
	// compose, with a warning when Environ has it.
	Allowed []string
	// Stdin is read when a file is "-"; nil makes "-" an error.
	Stdin io.Reader
	// Warnings receives compose-go's warnings (an obsolete "version:", an
	// unset variable), one "warning: compose: …" line each; nil drops them.
	Warnings io.Writer
	// Read, when set, is told the absolute path of every file Load reads
	// and what it is ("compose file", "env file", "label file", "extended
	// file"), so that the caller can refuse to write over one.
	Read func(what, path string)
	// Resolved, when set, is given Environ over the env files' variables,
	// so that the caller reads its own settings from .env as docker
	// compose reads COMPOSE_*. It is never interpolated.
	Resolved func(environment map[string]string)
}

// Load reads the compose project described by opts the way `docker compose
// config` does and reduces it to a model.Project.
func Load(ctx context.Context, opts Options) (model.Project, error) {
	// compose-go logs through logrus's global logger, with time stamps;
	// route its warnings to the caller in the tool's own format instead.
	logrus.SetOutput(io.Discard)
	logrus.SetFormatter(warningFormat{})
	if opts.Warnings != nil {
		logrus.SetOutput(opts.Warnings)
	}
	read := opts.Read
	if read == nil {
		read = func(string, string) {}
	}
	env := newEnvScope(opts)
	defer env.warnUnread(opts.Warnings)
	po, err := projectOptions(opts, env)
	if err != nil {
		return model.Project{}, err
	}
	for _, f := range po.EnvFiles {
		read("env file", f)
	}
	if opts.Resolved != nil {
		opts.Resolved(env.resolved())
	}
	variables := env.variables()
	workingDir, err := po.GetWorkingDir()
	if err != nil {
		return model.Project{}, fmt.Errorf("finding the project directory: %w", err)
	}
	if len(po.ConfigPaths) == 0 {
		return model.Project{}, fmt.Errorf("%w in %s or its parents (looked for %s; name one with -f or COMPOSE_FILE)",
			ErrNoComposeFile, workingDir, strings.Join(cli.DefaultFileNames, ", "))
	}

	files, names, err := readConfigFiles(po.ConfigPaths, workingDir, opts.Stdin)
	if err != nil {
		return model.Project{}, err
	}
	for _, f := range files {
		if f.Filename != "-" {
			read("compose file", f.Filename)
		}
	}
	named := false
	hidden := map[string]map[string]map[string]string{}
	scans := make([]scanResult, len(files))
	for i, f := range files {
		s := scan(f.Content)
		scans[i] = s
		for svc, layers := range s.hidden {
			hidden[svc] = layers
		}
		if s.legacy {
			return model.Project{}, fmt.Errorf(`%s: %w; put them under a "services:" key (see https://docs.docker.com/compose/compose-file/)`,
				names[i], ErrLegacyFormat)
		}
		named = named || s.named
		if err := checkIncludes(s.includes, workingDir, workingDir, variables, read, map[string]bool{}); err != nil {
			return model.Project{}, fmt.Errorf("loading %s: %w", names[i], err)
		}
	}

	warnOtherProjects(files, po.ConfigPaths, scans, opts.Warnings)

	project, err := composeloader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  workingDir,
		ConfigFiles: files,
		Environment: variables,
	},
		composeloader.WithProfiles(profiles(opts.Profiles, po.Environment)),
		withProjectName(po.Name, po.Environment, workingDir, named),
		func(o *composeloader.Options) {
			// env_file and label_file are read below, once checked.
			o.SkipResolveEnvironment, o.SkipResolveLabels = true, true
			o.ResourceLoaders = append(o.ResourceLoaders, fileGuard{workingDir, read})
		},
		env.withRecordedLookups,
	)
	env.referUnresolved(project)
	loaded := project // with its env_file and label_file lists
	if err == nil {
		project, err = resolveServiceFiles(project, workingDir, read)
	}
	if err == nil {
		// docker compose config runs this check after loading, too.
		err = project.CheckContainerNameUnicity()
	}
	if err != nil {
		return model.Project{}, fmt.Errorf("loading %s: %w", strings.Join(names, ", "), suggestKey(err))
	}
	p, err := convert(project, names)
	restoreHidden(&p, hidden)
	main := make([]tracedFile, len(files))
	for i, f := range files {
		main[i] = tracedFile{f.Filename, scans[i].docs}
		if f.Filename != "-" {
			main[i].name = filepath.ToSlash(inside(workingDir, f.Filename))
		}
	}
	servicePositions(&p, tracePositions(main, workingDir, variables), loaded, workingDir)
	p.Secrets = secrets(project, workingDir, read, env)
	var labels []string // every service's label values, which may name a proxy's file
	for _, s := range project.Services {
		labels = append(labels, slices.Collect(maps.Values(s.Labels))...)
		if s.Deploy != nil {
			labels = append(labels, slices.Collect(maps.Values(s.Deploy.Labels))...)
		}
	}
	labelPaths := pathsIn(labels)
	for i := range p.Services {
		if s, ok := project.Services[p.Services[i].Name]; ok {
			ms := mounts(s.Volumes, workingDir, read)
			if slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Type == types.VolumeTypeBind }) {
				// Only a bind mount can hold a named path: without
				// one, the project's paths are not even gathered.
				ms = namedMounts(s.Volumes, ms, namedPaths(s, labelPaths), workingDir, read)
			}
			p.Services[i].Mounts = ms
		}
	}
	return p, err
}

// warnOtherProjects warns when -f names the main compose files of two
// folders (compose.yaml, docker-compose.yml, …) that both define a
// service: compose merges them into one project and one service, which is
// rarely what two projects' files are for.
func warnOtherProjects(files []types.ConfigFile, given []string, scans []scanResult, w io.Writer) {
	if w == nil {
		return
	}
	first := map[string]int{} // service → the first main file that defines it
	warned := map[[2]int]bool{}
	for i, f := range files {
		if f.Filename == "-" || !slices.Contains(cli.DefaultFileNames, filepath.Base(f.Filename)) {
			continue
		}
		for _, svc := range scans[i].services {
			j, ok := first[svc]
			if !ok {
				first[svc] = i
				continue
			}
			if filepath.Dir(files[j].Filename) == filepath.Dir(f.Filename) || warned[[2]int{j, i}] {
				continue
			}
			warned[[2]int{j, i}] = true
			fmt.Fprintf(w, "warning: -f %s and -f %s are the compose files of two folders, and both define service %s, which compose merges into one (to route several projects, name each project's folder instead of -f: compose2haproxy %s %s)\n",
				given[j], given[i], svc, filepath.ToSlash(filepath.Dir(given[j])), filepath.ToSlash(filepath.Dir(given[i])))
		}
	}
}

// restoreHidden puts back the x- keys compose-go dropped from labels and
// environment, so that the model can report them instead of routing as if
// they were not there.
func restoreHidden(p *model.Project, hidden map[string]map[string]map[string]string) {
	for i := range p.Services {
		svc := &p.Services[i]
		for layer, kvs := range hidden[svc.Name] {
			dst := &svc.Labels
			switch layer {
			case "environment":
				dst = &svc.Environment
			case "deploy.labels":
				dst = &svc.DeployLabels
			}
			if *dst == nil {
				*dst = map[string]string{}
			}
			for k, v := range kvs {
				if _, ok := (*dst)[k]; !ok {
					(*dst)[k] = v
				}
			}
		}
	}
}

// projectOptions resolves files, environment and project name in the
// order docker compose applies them (cmd/compose: toProjectOptions): the
// process environment's settings first, then .env next to the current directory (it
// may set COMPOSE_FILE), then file discovery, then .env of the project
// directory, which may differ.
func projectOptions(opts Options, env *envScope) (*cli.ProjectOptions, error) {
	envFiles := opts.EnvFiles
	if len(envFiles) == 0 {
		// docker compose reads this one from the process environment only.
		envFiles = strings.FieldsFunc(opts.Environ["COMPOSE_ENV_FILES"], func(r rune) bool { return r == ',' })
	}
	po, err := cli.NewProjectOptions(slices.Clone(opts.Files),
		step("project directory", cli.WithWorkingDirectory(opts.WorkingDir)),
		env.withEnviron,
		envStep(withEnvFiles(envFiles, opts.Environ)),
		envStep(env.withDotEnv),
		cli.WithConfigFileEnv, // its errors already name COMPOSE_FILE
		step("finding compose file", cli.WithDefaultConfigPath),
		envStep(withEnvFiles(envFiles, opts.Environ)),
		envStep(env.withDotEnv),
		cli.WithName(opts.ProjectName), // its error names the project name
	)
	if err != nil {
		return nil, err
	}
	return po, nil
}

// step prefixes fn's error with what was being done.
func step(what string, fn cli.ProjectOptionsFn) cli.ProjectOptionsFn {
	return func(o *cli.ProjectOptions) error {
		if err := fn(o); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
}

// envStep wraps fn's error in ErrEnvFile.
func envStep(fn cli.ProjectOptionsFn) cli.ProjectOptionsFn {
	return func(o *cli.ProjectOptions) error {
		if err := fn(o); err != nil {
			return fmt.Errorf("%w: %w", ErrEnvFile, err)
		}
		return nil
	}
}

// withEnvFiles is cli.WithEnvFiles without its os.LookupEnv of
// COMPOSE_DISABLE_ENV_FILE, and with an error that wraps fs.ErrNotExist
// when a named env file is missing (compose-go's does not).
func withEnvFiles(files []string, environ map[string]string) cli.ProjectOptionsFn {
	return func(o *cli.ProjectOptions) error {
		if len(files) > 0 {
			for _, f := range files {
				if _, err := os.Stat(f); err != nil {
					return err
				}
				if err := checkFile(f, MaxFileSize); err != nil {
					return fmt.Errorf("%s: %w", f, err)
				}
			}
			o.EnvFiles = files
			return nil
		}
		if v, ok := environ[consts.ComposeDisableDefaultEnvFile]; ok {
			disable, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%s=%q: %w", consts.ComposeDisableDefaultEnvFile, v, err)
			}
			if disable {
				return nil
			}
		}
		wd, err := o.GetWorkingDir()
		if err != nil {
			return err
		}
		dotEnv := filepath.Join(wd, ".env")
		fi, err := os.Stat(dotEnv)
		if err != nil {
			// The default .env is optional: absent or unreadable, docker
			// compose goes on without it.
			return nil
		}
		if err := checkFile(dotEnv, MaxFileSize); err != nil {
			return fmt.Errorf("%s: %w", dotEnv, err)
		}
		if !fi.IsDir() {
			o.EnvFiles = []string{dotEnv}
		}
		return nil
	}
}

// profiles is cli.WithDefaultProfiles, which we cannot use because its
// loader options are private to cli.ProjectOptions.LoadProject, and that
// reads "-" from os.Stdin.
func profiles(flags []string, env types.Mapping) []string {
	if len(flags) > 0 {
		return flags
	}
	var out []string
	for _, p := range strings.Split(env[consts.ComposeProfiles], ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// withProjectName reproduces compose-go's private withNamePrecedenceLoad:
// -p, then COMPOSE_PROJECT_NAME, then `name:` in a file (compose-go reads
// it itself when no name is set here), then the project directory's name.
func withProjectName(flag string, env types.Mapping, workingDir string, namedInFile bool) func(*composeloader.Options) {
	return func(o *composeloader.Options) {
		switch {
		case flag != "":
			o.SetProjectName(flag, true)
		case env[consts.ComposeProjectName] != "":
			o.SetProjectName(env[consts.ComposeProjectName], true)
		case !namedInFile:
			o.SetProjectName(composeloader.NormalizeProjectName(filepath.Base(workingDir)), false)
		}
	}
}

// readConfigFiles reads every compose file up front (compose-go would read
// "-" from os.Stdin) and names each one as the header will show it.
func readConfigFiles(paths []string, workingDir string, stdin io.Reader) ([]types.ConfigFile, []string, error) {
	files := make([]types.ConfigFile, len(paths))
	names := make([]string, len(paths))
	for i, p := range paths {
		if p == "-" {
			names[i] = "-"
			if stdin == nil {
				return nil, nil, errors.New("loading -: no standard input to read")
			}
			b, err := io.ReadAll(stdin)
			if err != nil {
				return nil, nil, fmt.Errorf("loading -: reading standard input: %w", err)
			}
			files[i] = types.ConfigFile{Filename: "-", Content: b}
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, nil, fmt.Errorf("loading %s: %w", p, err)
		}
		names[i] = displayName(workingDir, abs)
		if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
			return nil, nil, fmt.Errorf("loading %s: %s is a directory", names[i], abs)
		} else if err == nil && fi.Mode()&fs.ModeDevice != 0 {
			// A FIFO stays allowed: -f <(envsubst < compose.yaml) is one.
			return nil, nil, fmt.Errorf("loading %s: %w", inside(workingDir, abs), checkFile(abs, 0))
		}
		b, err := os.ReadFile(abs)
		if errors.Is(err, fs.ErrNotExist) {
			// The path as given, not the absolute one: messages stay the same on every machine.
			return nil, nil, fmt.Errorf("loading %s: %w (paths given with -f are relative to the current directory)", p, fs.ErrNotExist)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("loading %s: %w", names[i], err)
		}
		files[i] = types.ConfigFile{Filename: abs, Content: b}
	}
	return files, names, nil
}

// displayName is path relative to the working directory when it can be,
// with forward slashes, so that the generated header is the same on every
// machine and checkout.
func displayName(workingDir, path string) string {
	if rel, err := filepath.Rel(workingDir, path); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}

// warningFormat prints a logrus entry as one diagnostic line.
type warningFormat struct{}

func (warningFormat) Format(e *logrus.Entry) ([]byte, error) {
	return []byte(e.Level.String() + ": compose: " + e.Message + "\n"), nil
}
