package model

import (
	"reflect"
	"testing"
)

// Where a value came from never makes two services of one name disagree:
// two backends alike but for every Source they hold, wherever a field
// puts one, agree. The walk finds the Sources by type, as comparable
// does not: it would fail for a Source comparable missed.
func TestSourcesDoNotMakeSharedBackendsDisagree(t *testing.T) {
	filled := func(from string) *Backend {
		var b Backend
		var fill func(v reflect.Value)
		fill = func(v reflect.Value) {
			switch {
			case v.Type() == reflect.TypeFor[Source]():
				v.Set(reflect.ValueOf(Source{Service: from, Key: from, Value: from, From: from}))
			case v.Kind() == reflect.Pointer:
				v.Set(reflect.New(v.Type().Elem()))
				fill(v.Elem())
			case v.Kind() == reflect.Slice:
				v.Set(reflect.MakeSlice(v.Type(), 1, 1))
				fill(v.Index(0))
			case v.Kind() == reflect.Struct:
				for i := range v.NumField() {
					if v.Type().Field(i).IsExported() {
						fill(v.Field(i))
					}
				}
			}
		}
		fill(reflect.ValueOf(&b).Elem())
		b.Service = from
		return &b
	}
	if what := disagreement(filled("blue"), filled("green")); what != "" {
		t.Errorf("two backends alike but for their sources: %s", what)
	}
}
