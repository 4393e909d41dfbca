// Package traefik reads Traefik's Docker-provider labels (v2 and v3) as a
// model.Dialect: which services Traefik would route (traefik.enable, the
// Traefik service's exposedByDefault, constraints and defaultRule), each
// HTTP router as a route of its own (Claim.Routes: a backend per router and
// rule branch, named SERVICE_PORT_ROUTER), its rule as hosts, paths and
// conditions, its entry points as listeners, and its middlewares through
// the model's tags. Reading is done by the ready-made packages rule (the
// rule language) and config (labels and static configuration, with
// Traefik's defaults); this package decides what HAProxy does with them.
//
// The promise is the other dialects': every traefik.* label either does
// what Traefik documents, or is an error naming the label and why. An
// access control (basicAuth, ipAllowList, forwardAuth, …) is never dropped:
// what cannot be converted refuses the router, and the label
// compose2haproxy.traefik.ignore (router names) leaves such a router out on
// purpose. Every router's outcome is reported in one run.
//
// The Traefik service of the project is recognised by its image (traefik,
// any registry and tag) or the label compose2haproxy.traefik: "true"; its
// command or TRAEFIK_* environment is its static configuration. Without
// one, the entry points web and http are the HTTP listener and websecure
// and https the HTTPS one, with a warning saying so.
package traefik
