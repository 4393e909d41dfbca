package loader

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sync"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/consts"
	"github.com/compose-spec/compose-go/v2/dotenv"
	composeloader "github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
)

// composeSettings are the process-environment variables that choose what
// is loaded, read as docker compose reads them. They are settings, not
// variables: interpolation does not see them unless allowed.
// COMPOSE_ENV_FILES and COMPOSE_DISABLE_ENV_FILE are read from
// Options.Environ directly (docker compose reads them from the process
// environment only).
var composeSettings = []string{
	consts.ComposeFilePath, consts.ComposePathSeparator, consts.ComposeProjectName, consts.ComposeProfiles,
}

// envScope keeps apart what the process environment may decide (the
// COMPOSE_* settings) and what may be interpolated (the env files'
// variables and the allowed ones). The runner's environment is not the
// project's: in CI it holds the job's token, which a label could
// otherwise copy into the config, the JSON model or a message.
type envScope struct {
	process map[string]string // Options.Environ
	allowed map[string]bool   // Options.Allowed
	files   map[string]string // what the env files set; the first file to set a name wins

	mu         sync.Mutex
	referenced map[string]bool // names interpolation looked up
}

func newEnvScope(opts Options) *envScope {
	e := &envScope{process: opts.Environ, allowed: map[string]bool{}, files: map[string]string{}, referenced: map[string]bool{}}
	for _, name := range opts.Allowed {
		e.allowed[name] = true
	}
	return e
}

// variables is what interpolation sees: the env files' variables, the
// allowed variables of the process environment over them (as the
// environment wins over .env in docker compose), and PWD, the current
// directory, which compose files use for bind mounts.
func (e *envScope) variables() map[string]string {
	vars := maps.Clone(e.files)
	for name := range e.allowed {
		if v, ok := e.process[name]; ok {
			vars[name] = v
		}
	}
	if _, ok := vars["PWD"]; !ok {
		if pwd, err := os.Getwd(); err == nil {
			vars["PWD"] = pwd
		}
	}
	return vars
}

// settings is what chooses files, project name and profiles: the COMPOSE_*
// settings of the process environment over the interpolation variables
// (an env file may set COMPOSE_FILE too).
func (e *envScope) settings() map[string]string {
	s := e.variables()
	for _, name := range composeSettings {
		if v, ok := e.process[name]; ok {
			s[name] = v
		}
	}
	return s
}

// resolved is the process environment over the env files' variables: what
// docker compose would resolve, for the caller's own settings.
func (e *envScope) resolved() map[string]string {
	r := maps.Clone(e.files)
	maps.Copy(r, e.process)
	return r
}

// withEnviron replaces cli.WithOsEnv: the project options start from the
// settings, never from the whole process environment.
func (e *envScope) withEnviron(o *cli.ProjectOptions) error {
	maps.Copy(o.Environment, e.settings())
	return nil
}

// withDotEnv replaces cli.WithDotEnv, which interpolates the env files
// with the whole environment: here a ${VAR} in .env sees only what
// interpolation may see.
func (e *envScope) withDotEnv(o *cli.ProjectOptions) error {
	vars, err := dotenv.GetEnvFromFile(e.variables(), o.EnvFiles)
	if err != nil {
		return err
	}
	for k, v := range vars {
		if _, ok := e.files[k]; !ok {
			e.files[k] = v
		}
	}
	maps.Copy(o.Environment, e.settings())
	return nil
}

// withRecordedLookups makes interpolation record every name it looks up,
// in the project's files and in included ones (compose-go hands
// Substitute on to them), so that unusedWarnings can tell which variables
// of the process environment were asked for.
func (e *envScope) withRecordedLookups(o *composeloader.Options) {
	substitute := o.Interpolate.Substitute
	if substitute == nil {
		substitute = template.Substitute
	}
	o.Interpolate.Substitute = func(s string, mapping template.Mapping) (string, error) {
		return substitute(s, func(name string) (string, bool) {
			e.refer(name)
			return mapping(name)
		})
	}
}

func (e *envScope) refer(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.referenced[name] = true
}

// referUnresolved records the names that services' environment lists
// without a value (`environment: [NAME]`), which compose takes from the
// environment without interpolating.
func (e *envScope) referUnresolved(p *types.Project) {
	if p == nil {
		return
	}
	for _, s := range p.Services {
		for name, v := range s.Environment {
			if v == nil {
				e.refer(name)
			}
		}
	}
}

// notRead reports whether the process environment sets name but the
// project did not get it from there: docker compose would have used it.
func (e *envScope) notRead(name string) bool {
	_, set := e.process[name]
	return set && !e.allowed[name] && name != "PWD"
}

// notReadFix is the hint for such a variable; it names the flag, never
// the value.
func notReadFix(name string) string {
	return fmt.Sprintf("compose2haproxy does not read it from the process environment: pass --env %s to use it", name)
}

// warnUnread writes one warning for each referenced variable that only
// the process environment sets, sorted by name.
func (e *envScope) warnUnread(w io.Writer) {
	if w == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(e.referenced)) {
		if e.notRead(name) {
			fmt.Fprintf(w, "warning: ${%s}: set in the process environment, which compose2haproxy does not interpolate from; variables come from .env and --env-file files (pass --env %s to use it)\n", name, name)
		}
	}
}
