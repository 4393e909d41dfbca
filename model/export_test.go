package model

// testDialects are dialect/all's, for the tests of this package, which
// cannot import it (it imports model): dialects_test.go hands them over.
var testDialects []Dialect

// SetTestDialects hands the dialects to this package's tests.
func SetTestDialects(ds []Dialect) { testDialects = ds }

// buildAll is Build with every dialect, unless opts names some.
func buildAll(p Project, opts Options) (Config, Diagnostics) {
	if opts.Dialects == nil {
		opts.Dialects = testDialects
	}
	return Build(p, opts)
}
