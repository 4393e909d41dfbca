package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/loader"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Several projects in one run: "compose2haproxy shop/ blog/ wiki/compose.yaml".
//
// Each argument is a project, loaded as docker compose loads it in that
// folder: a folder finds its own compose files (and override), .env,
// COMPOSE_* settings of that .env, profiles and name (its files' name:,
// else the folder's name); a file is that folder's project with -f FILE.
// -f, -p, --project-directory and --env-file describe one project, so
// they do not go with project arguments, nor do COMPOSE_FILE and
// COMPOSE_PROJECT_NAME in the environment with several; --profile and
// --env apply to every project. One argument is that project alone, with
// the plain names of a single-project run.

// projectFlags are the flags that describe one project.
var projectFlags = []string{"file", "project-name", "project-directory", "env-file"}

// validateProjects refuses what does not go with project arguments.
func (f flags) validateProjects(changed func(string) bool) error {
	if len(f.projects) == 0 {
		return nil
	}
	for _, p := range f.projects {
		if p == "-" {
			return usageError{msg: "-: a project argument is a folder or a compose file, not standard input", fix: "read a project from standard input with -f -"}
		}
		if _, err := os.Stat(p); err != nil {
			return usageError{p, "", "no such folder or compose file: each argument is a project's folder or compose file (flags start with -)", seeHelp}
		}
	}
	for _, name := range projectFlags {
		if changed(name) {
			return usageError{"--" + name, "", "describes one project, and the projects are named as arguments (" + strings.Join(f.projects, " ") + ")",
				"load one project with -f or --project-directory alone, or name each project's folder as an argument; see docs/multi-project.md"}
		}
	}
	if len(f.projects) > 1 && strings.HasPrefix(f.statsAuth, "secret:") {
		return usageError{"--stats-auth", f.statsAuth, "names a secret, and with several projects it is no one project's", "give the users file as ./PATH"}
	}
	return nil
}

// oneProject turns a run of one project argument into the flags that
// load it, so that it is the same run, header included.
func (f *flags) oneProject() error {
	if len(f.projects) != 1 {
		return nil
	}
	p := f.projects[0]
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("loading %s: %w", p, err)
	}
	if fi.IsDir() {
		f.projectDir = p
	} else {
		f.files = []string{p}
	}
	f.projects = nil
	return nil
}

// loadedProject is one project of a run of several.
type loadedProject struct {
	arg     string // as given
	dir     string // its project directory, absolute
	project model.Project
	env     map[string]string // the environment its .env resolved
}

// loadProjects loads every project argument, each as itself. Compose's
// warnings and the errors are written to stderr, each naming its project
// argument; inputs receives every file read.
func loadProjects(ctx context.Context, f flags, environ map[string]string, allowed []string, stderr io.Writer, inputs *[]input) ([]loadedProject, int, int) {
	for _, k := range []string{"COMPOSE_FILE", "COMPOSE_PROJECT_NAME"} {
		if environ[k] != "" {
			fmt.Fprintln(stderr, usageError{msg: k + " is set in the environment, and would apply to every project", fix: "unset it; each project's own .env may set it"})
			return nil, exitUsage, 0
		}
	}
	var out []loadedProject
	code, warned := exitOK, 0
	for _, arg := range f.projects {
		lp := loadedProject{arg: arg}
		opts := loader.Options{Profiles: f.profiles, Environ: environ, Allowed: allowed,
			Read:     func(what, path string) { *inputs = append(*inputs, input{what, path}) },
			Resolved: func(e map[string]string) { lp.env = e },
		}
		abs, err := filepath.Abs(arg)
		fi, statErr := os.Stat(arg)
		switch {
		case err != nil:
		case statErr != nil:
			err = statErr
		case fi.IsDir():
			opts.WorkingDir, lp.dir = arg, abs
		default:
			opts.Files, lp.dir = []string{arg}, filepath.Dir(abs)
		}
		var warnings bytes.Buffer
		opts.Warnings = &warnings
		if err == nil {
			lp.project, err = loader.Load(ctx, opts)
		}
		for _, w := range strings.SplitAfter(strings.TrimSuffix(warnings.String(), "\n"), "\n") {
			if w == "" {
				continue
			}
			warned++
			if f.strict {
				w = "error:" + strings.TrimPrefix(w, "warning:")
			}
			sev, rest, _ := strings.Cut(w, ": ")
			fmt.Fprintf(stderr, "%s: %s: %s\n", sev, arg, strings.TrimSuffix(rest, "\n"))
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintf(stderr, "error: %s: %s\n", arg, line)
			}
			code = exitInput
			continue
		}
		out = append(out, lp)
	}
	return out, code, warned
}

// projectDomains is HAPROXY_DOMAIN as the projects' .env files resolve it:
// the same in every project, or an error naming two that differ.
func projectDomains(ps []loadedProject) (string, error) {
	var first *loadedProject
	for i := range ps {
		if ps[i].env["HAPROXY_DOMAIN"] == "" {
			continue
		}
		if first == nil {
			first = &ps[i]
		} else if d := ps[i].env["HAPROXY_DOMAIN"]; d != first.env["HAPROXY_DOMAIN"] {
			return "", usageError{msg: fmt.Sprintf("HAPROXY_DOMAIN is %s for %s and %s for %s, and one config has one set of domains", first.env["HAPROXY_DOMAIN"], first.arg, d, ps[i].arg),
				fix: "give the domains with --domain"}
		}
	}
	if first == nil {
		return "", nil
	}
	return first.env["HAPROXY_DOMAIN"], nil
}

// placeOfProjects is where a run of several projects is recorded from:
// the -o file's directory (the proxy's folder), else the working
// directory. The header is then the same wherever the command runs and
// however its paths are spelled; the projects are listed sorted.
func placeOfProjects(f flags, ps []loadedProject) (place, []model.Project, error) {
	var p place
	var err error
	if f.output != "" {
		p.dir, err = filepath.Abs(filepath.Dir(f.output))
	} else {
		p.dir, err = os.Getwd()
	}
	if err != nil {
		return place{}, nil, err
	}
	var projects []model.Project
	for _, lp := range ps {
		proj := lp.project
		proj.Files = nil
		for _, name := range lp.project.Files {
			if name != "-" && !filepath.IsAbs(name) {
				name = filepath.Join(lp.dir, name)
			}
			proj.Files = append(proj.Files, p.spell(name))
		}
		projects = append(projects, proj)
		p.projects = append(p.projects, p.spell(lp.arg))
	}
	slices.Sort(p.projects)
	slices.SortStableFunc(projects, func(a, b model.Project) int { return strings.Compare(firstOr(a.Files), firstOr(b.Files)) })
	return p, projects, nil
}

func firstOr(files []string) string {
	if len(files) == 0 {
		return ""
	}
	return files[0]
}
