package bench

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/compose2haproxy/compose2haproxy/dialect/all"
	"github.com/compose2haproxy/compose2haproxy/loader"
	"github.com/compose2haproxy/compose2haproxy/model"
	"github.com/compose2haproxy/compose2haproxy/render"
)

// options are the CLI's defaults plus --domain Domain, as cmd/benchrun runs it.
var options = model.Options{Version: "bench", Domains: []string{Domain}, Slots: 0, Dialects: all.Dialects()} // the CLI's default slots

// writeProject writes data as compose.yaml in a new temporary directory.
func writeProject(tb testing.TB, data []byte) string {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "compose.yaml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return file
}

func load(tb testing.TB, file string) model.Project {
	tb.Helper()
	p, err := loader.Load(context.Background(), loader.Options{Files: []string{file}, Environ: map[string]string{}})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// The model and render benchmarks build Services(n) in Go; they measure
// the same project as the whole run only if the loader reads Project(n)
// into exactly that.
func TestServicesIsWhatTheLoaderReadsFromProject(t *testing.T) {
	const n = 120 // every combination of the i%k variations
	got := load(t, writeProject(t, Project(n)))
	want := model.Project{Name: "bench", Files: []string{"compose.yaml"}, Services: Services(n)}
	// Where each label was written only names files in messages: a
	// generated project has none.
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(model.Service{}, "Positions")); diff != "" {
		t.Errorf("Services(%d) differs from the loaded Project(%d) (-want +got):\n%s", n, n, diff)
	}
}

// A generated project is valid: no diagnostic at all, one backend and at
// least one route per service, and it renders.
func TestGeneratedProjectsBuildWithoutDiagnostics(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{{"Project", Project(200)}, {"Hosts", Hosts(200, 8080)}, {"Traefik", Traefik(200)}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, ds := model.Build(load(t, writeProject(t, tc.data)), options)
			for _, d := range ds {
				t.Errorf("diagnostic: %s", d)
			}
			if len(cfg.Backends) != 200 || len(cfg.Routes) < 200 {
				t.Errorf("%d backends and %d routes, want 200 and at least 200", len(cfg.Backends), len(cfg.Routes))
			}
			if _, err := render.Config(cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

var sizes = []int{100, 1000, 5000}

// BenchmarkStages times each stage of a run in-process, at each size:
// Load (compose file to model.Project), Build, Render, and All three.
// Profile one with, for example,
//
//	go test ./bench -run '^$' -bench 'Stages/5000/(Build|Render)' -cpuprofile cpu.out -memprofile mem.out
func BenchmarkStages(b *testing.B) { stages(b, Project) }

// BenchmarkTraefikStages is BenchmarkStages for Traefik(n).
func BenchmarkTraefikStages(b *testing.B) { stages(b, Traefik) }

func stages(b *testing.B, project func(n int) []byte) {
	for _, n := range sizes {
		file := writeProject(b, project(n))
		project := load(b, file)
		cfg, _ := model.Build(project, options)
		b.Run(strconv.Itoa(n)+"/Load", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				load(b, file)
			}
		})
		b.Run(strconv.Itoa(n)+"/Build", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				model.Build(project, options)
			}
		})
		b.Run(strconv.Itoa(n)+"/Render", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := render.Config(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(strconv.Itoa(n)+"/All", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cfg, _ := model.Build(load(b, file), options)
				if _, err := render.Config(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
