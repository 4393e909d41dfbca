package model_test

import (
	"github.com/compose2haproxy/compose2haproxy/dialect/all"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// The tests of package model build with every dialect.
func init() { model.SetTestDialects(all.Dialects()) }

// buildAll is model.Build with every dialect, unless opts names some.
func buildAll(p model.Project, opts model.Options) (model.Config, model.Diagnostics) {
	if opts.Dialects == nil {
		opts.Dialects = all.Dialects()
	}
	return model.Build(p, opts)
}
