package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// The header records the command that made the config, so that anyone can
// make it again, and --diff compares the whole file: the command must be
// the same for the same input however its paths were spelled and wherever
// it was run. It is recorded as run in the project directory: the compose
// files loaded, then the flags in --help's order, each path given relative
// to that directory.

// notInHeader are the flags that do not change what is written, left out
// of the command line the header records, so that "--diff" or "--check"
// runs compare equal to the run that wrote the file.
var notInHeader = map[string]bool{"check": true, "diff": true, "haproxy": true, "strict": true}

// cwdPaths are the flags whose values are paths this run reads or writes,
// relative to the working directory. --tls, --map and --runtime-dir are
// not: the config holds them as given, for HAProxy to read.
var cwdPaths = map[string]bool{"output": true, "template": true, "env-file": true}

// place is where a run's command line is recorded from.
type place struct {
	dir string // the project directory, absolute
	// files are the compose files loaded, relative to dir ("-": stdin).
	files []string
	// otherDir: dir is not the first compose file's directory, which it
	// would be without --project-directory.
	otherDir bool
	// secret: --stats-auth names a secret of the project, not a file.
	secret bool
	// projects are the project arguments of a run of several, relative
	// to dir, sorted (placeOfProjects); files is then empty.
	projects []string
}

// placeOf finds the project directory as the loader does: --project-directory,
// else the first compose file's directory (the first file read, which
// default discovery may find in a parent), else the working directory.
func placeOf(f flags, project model.Project, inputs []input) (place, error) {
	var first string
	for _, in := range inputs {
		if in.what == "compose file" {
			first = filepath.Dir(in.path)
			break
		}
	}
	var p place
	var err error
	switch {
	case f.projectDir != "":
		p.dir, err = filepath.Abs(f.projectDir)
	case first != "":
		p.dir = first
	default:
		p.dir, err = os.Getwd()
	}
	if err != nil {
		return place{}, err
	}
	p.otherDir = first != "" && first != p.dir
	for _, name := range project.Files {
		if name != "-" && !filepath.IsAbs(name) {
			name = filepath.Join(p.dir, name)
		}
		p.files = append(p.files, p.spell(name))
	}
	p.secret = strings.HasPrefix(f.statsAuth, "secret:")
	return p, nil
}

// spell writes path, relative to the working directory or absolute, as
// seen from the project directory: relative to it when they share more
// than the root ("../out/haproxy.cfg"), else absolute
// ("/etc/haproxy/haproxy.cfg"), so that a checkout gives the same header
// wherever it is and a system path stays one.
func (p place) spell(path string) string {
	if path == "" || path == "-" {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	rel, err := filepath.Rel(p.dir, abs)
	up := rel == ".." || strings.HasPrefix(rel, "../")
	if err != nil || up && topDir(abs) != topDir(p.dir) {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

func topDir(abs string) string {
	top, _, _ := strings.Cut(strings.TrimPrefix(abs, "/"), "/")
	return top
}

// commandLine is the command line the header records, to be run in the
// project directory: the compose files loaded ("--file compose.yaml",
// whether given, found or taken from COMPOSE_FILE), "--project-directory ."
// when it is not theirs, then the flags given, in the order --help lists
// them, each value as its own word and paths as spell writes them. A flag
// given its default value is left out. The environment is not recorded.
func (p place) commandLine(flagset *pflag.FlagSet) []string {
	words := slices.Clone(p.projects)
	flagset.VisitAll(func(fl *pflag.Flag) {
		switch {
		case fl.Name == "file":
			for _, f := range p.files {
				words = append(words, "--file", f)
			}
			return
		case fl.Name == "project-directory":
			if p.otherDir {
				words = append(words, "--project-directory", ".")
			}
			return
		case !fl.Changed || notInHeader[fl.Name]:
			return
		}
		values := []string{fl.Value.String()}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			values = sv.GetSlice()
		} else if isDefault(fl) {
			return
		}
		for _, v := range values {
			if cwdPaths[fl.Name] || fl.Name == "stats-auth" && !p.secret {
				v = p.spell(v)
			}
			if fl.Name == "stats-auth" && !p.secret && !strings.Contains(v, "/") {
				v = "./" + v // a bare name would be read as neither
			}
			switch {
			case fl.Value.Type() == "bool" && v == "true":
				words = append(words, "--"+fl.Name)
			case fl.Value.Type() == "bool", v == "":
				words = append(words, "--"+fl.Name+"="+v)
			default:
				words = append(words, "--"+fl.Name, v)
			}
		}
	})
	return words
}

// isDefault reports whether fl holds what leaving it out would give.
func isDefault(fl *pflag.Flag) bool {
	v := fl.Value.String()
	return v == fl.DefValue || fl.Name == "slots" && v == "0"
}
