package bench

import (
	"io"
	"strings"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
	"github.com/compose2haproxy/compose2haproxy/render"
)

// shapeOptions are options plus what a shape's Args ask for.
func shapeOptions(s Shape) model.Options {
	opts := options
	for _, a := range s.Args {
		if a == "--all" {
			opts.All = true
		}
	}
	return opts
}

// run is what the CLI does after loading: build, print the diagnostics,
// render when there is no error.
func run(tb testing.TB, p model.Project, opts model.Options, out io.Writer) model.Diagnostics {
	cfg, ds := model.Build(p, opts)
	for _, d := range ds {
		io.WriteString(out, d.String()+"\n")
	}
	if !ds.HasErrors() {
		if _, err := render.Config(cfg); err != nil {
			tb.Fatal(err)
		}
	}
	return ds
}

// Each hostile shape is accepted, or refused with the error that names its
// limit; and its diagnostics stay small (a long value is shortened).
func TestHostileShapesAreBoundedOrRefused(t *testing.T) {
	for _, s := range Shapes() {
		t.Run(s.Name, func(t *testing.T) {
			var out strings.Builder
			ds := run(t, load(t, writeProject(t, s.YAML)), shapeOptions(s), &out)
			switch {
			case s.Refused == "" && ds.HasErrors():
				t.Errorf("refused, want accepted:\n%.2000s", out.String())
			case s.Refused != "" && !strings.Contains(out.String(), s.Refused):
				t.Errorf("diagnostics lack %q:\n%.2000s", s.Refused, out.String())
			}
			if out.Len() > 300_000 {
				t.Errorf("%d bytes of diagnostics", out.Len())
			}
		})
	}
}

// BenchmarkHostile measures each hostile shape in-process: Load alone (the
// floor: what compose-go costs) and Run (load, build, diagnostics,
// render). The goal is Run within 2× Load in time and allocated bytes, or
// a refusal that names the limit; make bench prints the ratios.
func BenchmarkHostile(b *testing.B) {
	for _, s := range Shapes() {
		file := writeProject(b, s.YAML)
		opts := shapeOptions(s)
		b.Run(s.Name+"/Load", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				load(b, file)
			}
		})
		b.Run(s.Name+"/Run", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				run(b, load(b, file), opts, io.Discard)
			}
		})
	}
}
