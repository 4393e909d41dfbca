package model_test

import (
	"testing"

	"github.com/compose2haproxy/compose2haproxy/bench"
	"github.com/compose2haproxy/compose2haproxy/dialect/all"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// BenchmarkBuild builds the model of bench.Project(1000) (1,000 routed
// services with aliases, some paths, wildcards, sticky sessions and checks)
// from Go values, without YAML. Compare runs with benchstat:
//
//	go test ./model -run '^$' -bench Build -count 10 > old.txt
//	(change something)
//	go test ./model -run '^$' -bench Build -count 10 > new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest old.txt new.txt
func BenchmarkBuild(b *testing.B) {
	p := model.Project{Name: "bench", Files: []string{"compose.yaml"}, Services: bench.Services(1000)}
	opts := model.Options{Version: "bench", Domains: []string{bench.Domain}, Dialects: all.Dialects()}
	if _, ds := model.Build(p, opts); len(ds) > 0 {
		b.Fatalf("the benchmark project has diagnostics, first: %s", ds[0])
	}
	b.ReportAllocs()
	for b.Loop() {
		model.Build(p, opts)
	}
}
