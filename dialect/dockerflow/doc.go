// Package dockerflow reads docker-flow-proxy's dialect: the com.df.*
// labels that Docker Flow Swarm Listener handed to the proxy. Its table
// (table.go) is the one place that says, for every label, how its value
// reads, which tag it means or how else it applies, and what the README
// says about it: the README's label table is generated from it
// (Dialect.Table). A label applies through the model's tags wherever one
// means the same; the rest (basic auth from users and a secret, the path
// rewrite, docker-flow-proxy's header format, the HTTPS twin backend) is
// here.
package dockerflow
