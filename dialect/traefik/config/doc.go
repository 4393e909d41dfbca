// Package config reads the data side of Traefik's Docker provider: a
// container's traefik.* labels, the Traefik service's static configuration,
// the file provider's dynamic files, and constraint expressions. It is pure:
// no Docker, no file system, no other package of this repository; callers
// pass maps and bytes. It reads what Traefik v2 and v3 read; it does not
// decide what HAProxy does with it.
//
// # What is read
//
//   - DecodeLabels: the labels below "traefik." as Traefik's paerser does:
//     keys split on dots, "name[n]" indexes a list (tls.domains[0].main),
//     every segment compared case-insensitively (a router written "Web" and
//     "web" is one router, named by the first spelling in byte order), list
//     values split on commas and trimmed (entrypoints, middlewares,
//     sourcerange, users, …). Booleans are strconv.ParseBool's; durations
//     are an integer of seconds or Go's form (10s); ports 1 to 65535.
//     The schema (tables_dynamic.go) covers HTTP routers, services
//     (loadbalancer.server.*, sticky.cookie.*, healthcheck.*, passhostheader,
//     serverstransport), every label middleware type (plugin.* kept
//     uninterpreted), TCP routers, services and middlewares, UDP routers and
//     services, traefik.enable, traefik.docker.* and traefik.swarm.*.
//   - DecodeStatic: the static configuration from exactly one source, as
//     Traefik: its configuration file when it finds one (the caller passes the
//     bytes), else its command flags when there are any, else TRAEFIK_*
//     variables (TRAEFIK_ENTRYPOINTS_WEB_ADDRESS = entrypoints.web.address;
//     every "_" is a dot). Flags take "=value", or the next argument, or
//     nothing for a boolean or a section (--ping, --api.dashboard); repeated
//     list flags append. Entry points, providers.docker/swarm/file, api, ping
//     and certificatesresolvers are typed; log, metrics, tracing and other
//     sections are accepted as written and not interpreted.
//   - DecodeFile: a file provider file, YAML (with each value's line) or
//     TOML (each line found by a scan, tomlLines), with the same schema as labels except that a
//     service lists loadBalancer.servers[].url where labels say server.port.
//   - ParseConstraint: Label(`k`,`v`), LabelRegex(`k`,`re`), &&, ||, !,
//     parentheses; Go string literals.
//
// Every value is a *Node that keeps its Origin (label key, flag, variable,
// or file and line) for messages; the typed views (Router, Service,
// Middleware, EntryPoint, …) point into the tree.
//
// # Traefik's defaults (read in traefik/traefik pkg/provider/docker and
// pkg/provider/configuration.go, traefik/paerser parser/)
//
//   - providers.docker.exposedByDefault is true; defaultRule is
//     Host(`{{ normalize .Name }}`); .Name is ServiceName: Normalize of
//     "<service>_<project>" for a compose container ("web-blog").
//   - Labels.ApplyDefaults: with no HTTP service, one named .Name is created;
//     with no router, one named .Name is created unless there are several
//     services; every router without rule gets the default rule; a router
//     without service gets the only service, or is dropped when there are
//     several. None of this happens to a container whose labels are only
//     TCP/UDP; TCP routers without rule are dropped.
//   - No server.port: the container's lowest exposed port (ServerPort);
//     none at all and Traefik drops the whole container.
//   - No entry points defined: "http" on :80. A router naming no entry
//     points gets those with asDefault, or all non-UDP ones
//     (Static.DefaultEntryPoints). Entry point redirection: scheme https,
//     permanent, priority MaxInt-1.
//
// # What is refused (Error diagnostics)
//
//   - Unknown keys, with the closest known name ("did you mean"); Traefik
//     v1 labels (traefik.frontend.rule, traefik.port) named as such.
//     Traefik itself refuses the whole container for unknown keys below
//     traefik.http/tcp/udp, and ignores other traefik.* labels (its
//     constraints may read them: traefik.constraint-label). An unknown
//     label below the root is an error here when it is a near miss of a
//     known one (traefik.enabel, a typo far more often than not), and a
//     Warning saying that Traefik ignores it otherwise.
//   - A root not spelled "traefik" in lower case (Traefik refuses it), empty
//     segments, bad indexes, a value where a section is expected and the
//     reverse, values outside their grammar, empty list items, negative
//     durations, middlewares with several types, routers Traefik drops.
//   - An invalid LabelRegex (Traefik would silently never match).
//   - defaultRule templates using sprig functions that cost more than their
//     input (repeat, until, env, crypto): refused when run.
//
// A value "false" on a section that Traefik enables with "true" (tls,
// sticky, compress) disables it and every key below it, as in Traefik: a
// warning says so.
//
// # Bounds
//
// At most 4096 labels, flags or variables, 4 MiB of input or file, keys of
// 1 KiB, values of 64 KiB, 24 levels, list indexes up to 999, 1000 list
// items, 200,000 file values (YAML aliases counted as expanded);
// constraints of 4 KiB, 64 levels, 256 calls; regexps are RE2. Beyond a
// cap the functions return an error wrapping ErrLimit.
package config
