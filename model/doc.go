// Package model is the routing model of compose2haproxy and the shared
// vocabulary that fills it: backends, hosts, paths and routes, and the
// tags (with their policy, traffic, header and auth settings) into which
// every label dialect parses.
//
// The dialects (registrator's SERVICE_* keys, docker-flow-proxy's com.df.*
// labels) live in packages of their own under dialect/ and reach Build
// through Options.Dialects as Dialect values: model imports none of them,
// and no decision here depends on which dialect or key a value came from.
//
// Build is pure: a Project (what the loader read) and Options (the command
// line) in, a Config and Diagnostics out, the same bytes for the same input.
// Every value that can reach haproxy.cfg is validated here, before any
// template sees it, and every host, path and tag records the Source it came
// from, for error messages, the routes table and JSON.
//
// Problems are Diagnostics, collected and reported together, each naming
// the service, key and value, what is wrong and how to fix it; Build adds
// the file and line that set the key, from Service.Positions.
package model
