package bench

import (
	"fmt"
	"strconv"
	"strings"
)

// Shape is a generated project that tries to make a run cost far more
// than loading it: the shapes of issue 9's review. Each must either build
// at about the cost of loading, or be refused with an error that names
// the limit it hits (Refused, a substring of that error).
type Shape struct {
	Name    string
	Args    []string // extra command-line arguments (model options)
	Refused string   // "": the project is accepted
	YAML    []byte
}

// Shapes lists the hostile shapes, each at the size the review measured
// (or the largest the limits accept).
func Shapes() []Shape {
	list := func(format string, n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(format, i)
		}
		return strings.Join(items, ",")
	}
	one := func(name, keys string) string {
		return fmt.Sprintf("  %s:\n    image: example/%s\n    expose: [\"80\"]\n    labels:\n%s", name, name, keys)
	}
	label := func(k, v string) string { return fmt.Sprintf("      %s: %s\n", k, strconv.Quote(v)) }
	services := func(parts ...string) []byte { return []byte("name: hostile\nservices:\n" + strings.Join(parts, "")) }
	web := one("web", label("SERVICE_NAME", "web"))

	var sharing, sharingMax, slots []string
	for i := range 20 {
		sharing = append(sharing, one(fmt.Sprintf("s%02d", i), label("SERVICE_NAME", fmt.Sprintf("s%02d", i))+
			label("SERVICE_TAGS", list("server_alias=shared%d.example.com", 300)+","+list(fmt.Sprintf("path=/s%02d/p%%d", i), 200))))
	}
	for i := range 10 {
		// 100 hosts (its name, name.example.com and 98 shared aliases) ×
		// 100 paths: the most one backend, and the project, may route.
		sharingMax = append(sharingMax, one(fmt.Sprintf("s%02d", i), label("SERVICE_NAME", fmt.Sprintf("s%02d", i))+
			label("SERVICE_TAGS", list("server_alias=shared%d.example.com", 98)+","+list(fmt.Sprintf("path=/s%02d/p%%d", i), 100))))
	}
	var wildMax, paths []string
	for i := range 10 {
		// Each wildcard is a use_backend rule for each path: 98 × 100 of
		// them a service, 98,000 rules in all.
		wildMax = append(wildMax, one(fmt.Sprintf("s%02d", i), label("SERVICE_NAME", fmt.Sprintf("s%02d", i))+
			label("SERVICE_TAGS", list("server_alias=*.shared%d.example.com", 98)+","+list(fmt.Sprintf("path=/s%02d/p%%d", i), 100))))
		paths = append(paths, one(fmt.Sprintf("s%02d", i), label("SERVICE_NAME", fmt.Sprintf("s%02d", i))+
			label("SERVICE_TAGS", list(fmt.Sprintf("path=/s%02d/p%%d", i), 990))))
	}
	// /a, /a/a, …: every parent of a path is routed, on a host under the
	// wildcard and by the same service, so the lint that looks for a path
	// shadowed by a parent follows each whole chain.
	nested := make([]string, 998)
	for i := range nested {
		nested[i] = "path=" + strings.Repeat("/a", i+1)
	}
	for i := range 100 {
		slots = append(slots, one(fmt.Sprintf("s%03d", i), label("SERVICE_NAME", fmt.Sprintf("s%03d", i))+label("SERVICE_TAGS", "slots=4096")))
	}
	// Services that all claim one host, by one path or each inside the
	// last's: the ownership rule compares each claim with the services
	// before it, and must stop at the first that does not admit it.
	var claiming, nesting []string
	for i := range 500 { // each refused: 500 errors of about 500 bytes
		claiming = append(claiming, one(fmt.Sprintf("c%04d", i), label("SERVICE_NAME", fmt.Sprintf("c%04d", i))+label("SERVICE_TAGS", "server_alias=one.example.com,path=/x")))
		nesting = append(nesting, one(fmt.Sprintf("n%04d", i), label("SERVICE_NAME", fmt.Sprintf("n%04d", i))+label("SERVICE_TAGS", "server_alias=one.example.com,path="+strings.Repeat("/a", i+1))))
	}
	ranges := "  ranges:\n    image: example/ranges\n    expose: [\"1-65535/udp\", \"1-65535/sctp\", \"1-65535\"]\n"
	return []Shape{
		{Name: "expose-ranges", YAML: services(web, ranges)},
		{Name: "expose-ranges-all", Args: []string{"--all"}, Refused: "routes 65535 ports; the limit is 1000", YAML: services(web, ranges)},
		{Name: "aliases-x-paths-2000", Refused: "holds 4000 items; the limit is 1000",
			YAML: services(one("web", label("SERVICE_NAME", "web")+label("SERVICE_TAGS", list("server_alias=a%d.example.com", 2000)+","+list("path=/p%d", 2000))))},
		{Name: "aliases-x-paths-500", Refused: "host and path pairs; the limit is 10000",
			YAML: services(one("web", label("SERVICE_NAME", "web")+label("SERVICE_TAGS", list("server_alias=a%d.example.com", 500)+","+list("path=/p%d", 499))))},
		{Name: "docker-flow-domains-x-paths", Refused: "host and path pairs; the limit is 10000",
			YAML: services(one("web", label("com.df.notify", "true")+label("com.df.serviceDomain", list("d%d.example.com", 1000))+label("com.df.servicePath", list("/p%d", 1000))))},
		{Name: "services-sharing-hosts", Refused: "host and path pairs; the limit is 10000", YAML: services(sharing...)},
		{Name: "services-sharing-hosts-max", YAML: services(sharingMax...)},
		{Name: "wildcards-x-paths-max", YAML: services(wildMax...)},
		{Name: "paths-990", YAML: services(paths...)},
		{Name: "nested-paths-998",
			YAML: services(one("web", label("SERVICE_NAME", "web")+label("SERVICE_TAGS", "server_alias=*.web.example.com,server_alias=a.web.example.com,"+strings.Join(nested, ","))))},
		{Name: "invalid-paths-1000", Refused: "does not start with '/'",
			YAML: services(one("web", label("SERVICE_NAME", "web")+label("SERVICE_TAGS", list("path=p%d-"+strings.Repeat("x", 60), 1000))))},
		{Name: "long-value", Refused: "service name contains",
			YAML: services(one("web", label("SERVICE_NAME", strings.Repeat("a", 1<<20)+" b")))},
		{Name: "services-claiming-one-host", Refused: "is also routed to service c0000", YAML: services(claiming...)},
		{Name: "services-nesting-on-one-host", Refused: "would take those requests from it", YAML: services(nesting...)},
		{Name: "slots", Refused: "slots in all; the limit is 65536", YAML: services(slots...)},
	}
}
