// Package all lists the label dialects compose2haproxy reads, in their
// order of precedence, for the CLI and the tests: a new dialect is its own
// package under dialect/ and one more line here. It is a package of its
// own because model cannot import the dialects, which import model.
package all
