package model

// A Dialect is one convention of labels that asks a proxy to route a
// service: registrator's SERVICE_* keys, docker-flow-proxy's com.df.*
// labels. Each lives in a package of its own (dialect/…) and fills this
// model through the shared vocabulary, the tags (Applier): it never writes
// HAProxy text, and no decision of the model depends on which dialect, or
// which key, a value came from (a Source is for messages only).
//
// Build reads every service with every dialect of Options.Dialects, in
// their order: the first that sets a setting keeps it, and a different
// value from another is an error naming both.
type Dialect interface {
	// Table is the dialect's keys as data, for the documentation and for
	// naming a key compose hides ("x-SERVICE_NAME").
	Table() Table
	// Claim reads what the labels of a service ask: to route it or leave
	// it out, under which names, on which ports. It reports the problems
	// of the labels that hold for every port, once per service; they are
	// dropped when a dialect leaves the service out.
	Claim(l Labels, ds *Diagnostics) Claim
	// Apply applies the dialect's settings of the service to the backend
	// of one of its ports, through the tags they mean (a.Apply) or the
	// backend's own fields. Tags the dialect hands over (Backend.Tags) are
	// applied after every dialect's labels.
	Apply(a *Applier, port int)
}

// A Preparer is a Dialect that reads the whole project before its
// services: Traefik's labels depend on the Traefik service's own
// configuration and on middlewares other services define; nginx-proxy's
// proxy container holds the defaults of every routed container and the
// files it mounts. Build calls Prepare once a project, after checking the
// options, and reads its services with the Dialect it returns; problems of
// the project's settings go to ds. The dialects' Prepares run at the same
// time: one reads p and opts, and writes nothing another can see.
type Preparer interface {
	Prepare(p Project, opts Options, ds *Diagnostics) Dialect
}

// A Finisher is a Dialect that checks the built config: Traefik compares
// the order it would try its routers in (their priority) with the order
// of cfg.Routes, which is HAProxy's. Build calls Finish once, after every
// other pass, with the config it returns; Finish only reports.
type Finisher interface {
	Finish(cfg Config, ds *Diagnostics)
}

// Table describes a dialect for the documentation.
type Table struct {
	Name string // "docker-flow-proxy"
	// Prefix starts every key of the dialect ("com.df."): a key that
	// starts with "x-" and then this is named as hidden by compose.
	Prefix string
	// Route is the key that asks to route a service ("com.df.notify"),
	// for the message of a project that routes nothing.
	Route string
	// Keys are the dialect's keys, for its table in the README; nil when
	// the README documents them in prose.
	Keys []LabelDoc
	// Limits are the dialect's own limits, for the table of limits.
	Limits []LimitDoc
}

// LabelDoc describes one key of a dialect for documentation.
type LabelDoc struct {
	Name    string // the key: com.df.NAME
	Value   string // the value's form: "true|false", "HOST,…", "/PREFIX,…"
	Effect  string // what compose2haproxy does, or why not; options marked for SpellRefs
	Example string
}

// Claim is what one dialect's labels ask of one service. Its zero value
// asks nothing.
type Claim struct {
	// Ignore leaves the service out (SERVICE_IGNORE): no dialect routes it,
	// nor OptionAll.
	Ignore bool
	// Route asks to route the service; Source is what asks, for messages
	// (SERVICE_NAME, com.df.notify).
	Route  bool
	Source Source
	// Named routes the service under a name of its labels: its routes
	// answer on that name's hosts. A service that dialects route and none
	// names answers on the hosts and paths its settings give, or on any
	// host.
	Named bool
	// Name is the name of the service's ports (SERVICE_NAME), with
	// "-PORT" when it has several; PortNames name one port each
	// (SERVICE_<port>_NAME) and win over Name. Without either, the compose
	// service's name.
	Name      *Value
	PortNames map[int]Value
	// Port is the one port to route (com.df.port); 0: the declared TCP
	// ports, with Add and without Skip, of every dialect.
	Port int
	// Add are ports to route besides the declared ones, Skip ports not
	// to route (SERVICE_<port>_* keys, SERVICE_<port>_IGNORE).
	Add, Skip []int
	// PortProblems are the problems of Add and Skip: reported only when
	// the service is routed and no dialect chose one Port.
	PortProblems Diagnostics
	// Derive, when set, makes a second backend of each one built for the
	// service (com.df.httpsPort: the same for the requests that came over
	// TLS, on another port); tls says whether there is an HTTPS listener.
	// Its problems do not take the first out.
	Derive func(b Backend, tls bool, ds *Diagnostics) (Backend, bool)
	// Routes, when set, are the routes of each port: a backend is built
	// for every one (Applier.Variant names it, and Backend.Variant keeps
	// it), as Traefik's routers of one service differ in their rules and
	// middlewares. Names are [a-z0-9-]; nil: one backend per port.
	Routes map[int][]string
}

// Value is a key's value with where it came from.
type Value struct {
	Raw    string
	Source Source
}

// Dialects lists the tables of ds.
func tables(ds []Dialect) []Table {
	out := make([]Table, len(ds))
	for i, d := range ds {
		out[i] = d.Table()
	}
	return out
}

// HasHTTPS reports whether the config has an HTTPS listener: for
// certificates (Listen.Certs) or for ACME's.
func (opts Options) HasHTTPS() bool { return opts.usesHTTPS() }
