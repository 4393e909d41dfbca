package cli

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/render"
)

// The field reference of docs/templates-and-json.md is made from the types
// a template sees (render.Data and what it holds) and their doc comments:
// a template name, the JSON name (from the json tag; "—" when only
// templates see it) and what it means. Renaming, adding or documenting a
// field changes the page.
func TestFieldReference(t *testing.T) {
	docSection(t, docsDir+"templates-and-json.md", "field reference",
		"made by TestFieldReference from render.Data and the doc comments of model and render", fieldReference(t))
}

// typeDocs holds the doc comments of the struct fields and methods of the
// packages in dirs, by "pkg.Type.Name".
func typeDocs(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	docs := map[string]string{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			pkg := f.Name.Name
			for _, decl := range f.Decls {
				switch d := decl.(type) {
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						ts, ok := spec.(*ast.TypeSpec)
						if !ok {
							continue
						}
						st, ok := ts.Type.(*ast.StructType)
						if !ok {
							continue
						}
						for _, field := range st.Fields.List {
							text := field.Doc.Text()
							if text == "" {
								text = field.Comment.Text()
							}
							for _, name := range field.Names {
								docs[pkg+"."+ts.Name.Name+"."+name.Name] = text
							}
						}
					}
				case *ast.FuncDecl:
					if d.Recv == nil || len(d.Recv.List) != 1 {
						continue
					}
					recv := d.Recv.List[0].Type
					if star, ok := recv.(*ast.StarExpr); ok {
						recv = star.X
					}
					if id, ok := recv.(*ast.Ident); ok {
						docs[pkg+"."+id.Name+"."+d.Name.Name] = d.Doc.Text()
					}
				}
			}
		}
	}
	return docs
}

// fieldReference walks the types from render.Data: a section per struct
// type, a row per exported field and per method a template can call.
func fieldReference(t *testing.T) string {
	t.Helper()
	docs := typeDocs(t, "../../model", "../../render")
	var order []reflect.Type
	inJSON := map[reflect.Type]bool{}
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type, bool)
	elem := func(rt reflect.Type) reflect.Type {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		return rt
	}
	fields := func(rt reflect.Type) []reflect.StructField {
		var out []reflect.StructField
		for _, f := range reflect.VisibleFields(rt) {
			if f.IsExported() && !f.Anonymous {
				out = append(out, f)
			}
		}
		return out
	}
	jsonName := func(f reflect.StructField) string {
		tag, ok := f.Tag.Lookup("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
			return ""
		case !ok || name == "":
			return f.Name
		}
		return name
	}
	visit = func(rt reflect.Type, json bool) {
		if rt.Kind() != reflect.Struct || rt.PkgPath() == "" {
			return
		}
		was := inJSON[rt]
		inJSON[rt] = was || json
		if seen[rt] {
			if json && !was {
				for _, f := range fields(rt) {
					visit(elem(f.Type), jsonName(f) != "")
				}
			}
			return
		}
		seen[rt] = true
		order = append(order, rt)
		for _, f := range fields(rt) {
			visit(elem(f.Type), json && jsonName(f) != "")
		}
	}
	data := reflect.TypeFor[render.Data]()
	visit(data, false)
	// The model embedded in render.Data is what --format json prints.
	config := data.Field(0).Type
	inJSON[config] = true
	for _, f := range fields(config) {
		visit(elem(f.Type), jsonName(f) != "")
	}

	names := map[reflect.Type]string{}
	for _, rt := range order {
		names[rt] = rt.Name()
	}
	typeName := func(rt reflect.Type) string {
		var b strings.Builder
		for {
			switch rt.Kind() {
			case reflect.Pointer:
				b.WriteString("*")
				rt = rt.Elem()
				continue
			case reflect.Slice:
				b.WriteString(`\[\]`)
				rt = rt.Elem()
				continue
			case reflect.Map:
				b.WriteString(`map\[` + rt.Key().String() + `\]`)
				rt = rt.Elem()
				continue
			}
			break
		}
		if n, ok := names[rt]; ok {
			return fmt.Sprintf("%s[%s](#%s)", b.String(), n, strings.ToLower(n))
		}
		return b.String() + rt.String()
	}
	clean := func(s string) string {
		s = strings.Join(strings.Fields(s), " ")
		return strings.NewReplacer("|", `\|`, "<", "&lt;", "*", `\*`).Replace(s)
	}
	var b strings.Builder
	for _, rt := range order {
		pkg := filepath.Base(rt.PkgPath())
		where := "templates only"
		if inJSON[rt] {
			where = "templates and JSON"
		}
		if rt == data {
			where = "the template's dot: the model's fields and the frontend's, ready to print"
		}
		fmt.Fprintf(&b, "\n### %s\n\n`%s.%s`, %s.\n\n| in a template | JSON | type | meaning |\n|---|---|---|---|\n", rt.Name(), pkg, rt.Name(), where)
		for _, f := range reflect.VisibleFields(rt) {
			if !f.IsExported() || f.Anonymous {
				continue
			}
			owner := rt
			if len(f.Index) > 1 { // promoted from the embedded model
				owner = rt.FieldByIndex(f.Index[:len(f.Index)-1]).Type
			}
			json := "—"
			if n := jsonName(f); n != "" && inJSON[owner] {
				json = "`" + n + "`"
			}
			doc := docs[filepath.Base(owner.PkgPath())+"."+owner.Name()+"."+f.Name]
			fmt.Fprintf(&b, "| `.%s` | %s | %s | %s |\n", f.Name, json, clean(typeName(f.Type)), clean(doc))
		}
		for i := range rt.NumMethod() {
			m := rt.Method(i)
			if m.Type.NumIn() != 1 || m.Type.NumOut() < 1 || m.Type.NumOut() > 2 || strings.HasPrefix(m.Name, "Marshal") || m.Name == "String" || m.Name == "Error" {
				continue
			}
			doc := docs[pkg+"."+rt.Name()+"."+m.Name]
			fmt.Fprintf(&b, "| `.%s` | — | %s (a method) | %s |\n", m.Name, clean(typeName(m.Type.Out(0))), clean(doc))
		}
	}
	return strings.TrimPrefix(b.String(), "\n")
}
