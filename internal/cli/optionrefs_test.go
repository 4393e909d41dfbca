package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// The model and the dialects never spell this CLI's flags (model/option.go):
// a message or a documented effect names an option (Option.Ref), which the
// front end spells (SpellRefs). Every string literal of their code is read
// here, and one holding a flag of this CLI (--tls, not Traefik's
// --providers.docker) is an error naming where it is; every option the
// model declares has a flag to be spelled as.
func TestModelAndDialectsSpellNoFlag(t *testing.T) {
	var f flags
	flagset := flagSet(&f)
	flagRe := regexp.MustCompile(`(?:^|[^A-Za-z0-9-])--([a-z][a-z0-9-]*)`)
	fset := token.NewFileSet()
	options := 0
	for _, root := range []string{"../../model", "../../dialect"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			file, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if n.Kind != token.STRING {
						return true
					}
					s, _ := strconv.Unquote(n.Value)
					for _, m := range flagRe.FindAllStringSubmatch(s, -1) {
						if flagset.Lookup(m[1]) != nil {
							t.Errorf("%s spells the flag --%s: name the option instead (model.Option.Ref)", fset.Position(n.Pos()), m[1])
						}
					}
				case *ast.ValueSpec:
					if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Option" && filepath.Base(filepath.Dir(path)) == "model" {
						for _, v := range n.Values {
							if lit, ok := v.(*ast.BasicLit); ok {
								options++
								o, _ := strconv.Unquote(lit.Value)
								if spellOption(model.Option(o)) == o {
									t.Errorf("%s: option %s has no flag to be spelled as (optionFlags)", fset.Position(lit.Pos()), o)
								}
							}
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if options < 20 {
		t.Errorf("found %d options in model/: the walk lost its way", options)
	}
}
