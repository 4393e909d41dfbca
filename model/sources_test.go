package model

import (
	"reflect"
	"strings"
	"testing"
)

// A Source anywhere in a Backend is checked and cleaned: denyHttp's value
// and a service's own listener's port were not, and a custom template
// printing them wrote a line break into the config.
func TestEverySourceIsChecked(t *testing.T) {
	labels := map[string]string{"com.df.notify": "true", "com.df.serviceDomain": "bank.example.com",
		"com.df.denyHttp": "true\n", "com.df.srcPort": " 8081\n", "com.df.srcHttpsPort": "8443\r"}
	cfg, ds := buildAll(Project{Services: []Service{svc("bank", labels, 80)}}, Options{Listen: Listen{Certs: "/certs"}})
	if ds.HasErrors() || len(cfg.Backends) != 1 || cfg.Backends[0].Match == nil {
		t.Fatalf("%v; want one backend with its listeners", ds)
	}
	b := cfg.Backends[0]
	for _, src := range append([]Source{*b.Policy.DenyHTTP}, b.Match.Listeners[0].Source, b.Match.Listeners[1].Source) {
		if prob := UnsafeChar(src.Value); prob != "" {
			t.Errorf("%s=%q: %s, and a template may print it", src.Key, src.Value, prob)
		}
	}
	labels["com.df.srcPort"] = "8081\n    stats enable"
	if _, ds := buildAll(Project{Services: []Service{svc("bank", labels, 80)}}, Options{Listen: Listen{Certs: "/certs"}}); !ds.HasErrors() {
		t.Errorf("a line break inside com.df.srcPort: no error")
	}
}

// sources yields every Source a Backend holds, wherever a new field puts
// one: each is found by walking the type here, set to a value of its own,
// and must come out of sources.
func TestSourcesCoverEveryField(t *testing.T) {
	var b Backend
	var want []string
	n := 0
	var fill func(v reflect.Value, path string)
	fill = func(v reflect.Value, path string) {
		switch {
		case v.Type() == reflect.TypeFor[Source]():
			n++
			v.Set(reflect.ValueOf(Source{Service: path}))
			want = append(want, path)
		case v.Kind() == reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), path)
		case v.Kind() == reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			fill(v.Index(0), path+"[0]")
			fill(v.Index(1), path+"[1]")
		case v.Kind() == reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					fill(v.Field(i), path+"."+v.Type().Field(i).Name)
				}
			}
		case v.Kind() == reflect.Map || v.Kind() == reflect.Interface || v.Kind() == reflect.Array:
			t.Errorf("%s: a %s; sources does not look into one: give it a case", path, v.Kind())
		}
	}
	fill(reflect.ValueOf(&b).Elem(), "Backend")
	var got []string
	for src := range b.sources() {
		got = append(got, src.Service)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sources yields:\n%s\nwant every Source of the type:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, path := range []string{"Backend.Policy.DenyHTTP", "Backend.Match.Listeners[1].Source", "Backend.Policy.Auth.Source"} {
		if !strings.Contains(strings.Join(want, "\n")+"\n", path+"\n") {
			t.Errorf("the walk found no %s", path)
		}
	}
	if n < 20 {
		t.Errorf("the walk found %d sources; it lost its way", n)
	}
}
