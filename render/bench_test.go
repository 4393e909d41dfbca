package render_test

import (
	"testing"

	"github.com/compose2haproxy/compose2haproxy/bench"
	"github.com/compose2haproxy/compose2haproxy/dialect/all"
	"github.com/compose2haproxy/compose2haproxy/model"
	"github.com/compose2haproxy/compose2haproxy/render"
)

// BenchmarkRender renders the config of bench.Project(1000) with the
// default template; the model is built once, outside the timing. Compare
// runs with benchstat as in model's BenchmarkBuild.
func BenchmarkRender(b *testing.B) {
	p := model.Project{Name: "bench", Files: []string{"compose.yaml"}, Services: bench.Services(1000)}
	cfg, ds := model.Build(p, model.Options{Version: "bench", Domains: []string{bench.Domain}, Dialects: all.Dialects()})
	if len(ds) > 0 {
		b.Fatalf("the benchmark project has diagnostics, first: %s", ds[0])
	}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		out, err := render.Config(cfg)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "cfg-bytes")
}
