// Package model is the routing model of compose2haproxy and the conventions
// that fill it: registrator's SERVICE_* keys and docker-flow-proxy's com.df.*
// labels, read from a compose project into backends, hosts, paths and routes.
//
// Build is pure: a Project (what the loader read) and Options (the command
// line) in, a Config and Diagnostics out, the same bytes for the same input.
// Every value that can reach haproxy.cfg is validated here, before any
// template sees it, and every host, path and tag records the Source it came
// from, for error messages, the routes table and JSON.
//
// Problems are Diagnostics, collected and reported together, each naming
// the service, key and value, what is wrong and how to fix it.
package model
