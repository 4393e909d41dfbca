// Package dockertest runs the end-to-end tests' Docker side: images built
// without a registry, docker-compose projects and Swarm stacks that clean
// up after themselves. It is used by the TestOnDocker… and TestOnSwarm…
// tests of e2e.
//
//	docker.go   Require: skip with -short or without an engine (fail
//	            under CI=true); Run, Docker, Inspect, Logs.
//	images.go   BuildImages: the HAProxy and backend images, FROM scratch,
//	            built once per test binary with the legacy builder;
//	            Cleanup removes them (call it from TestMain).
//	compose.go  Project: a docker-compose project with a unique name,
//	            brought down with its volumes when the test ends.
//	swarm.go    JoinSwarm and Stack: a one-node Swarm (left at the end
//	            only if this run made it) and docker stack deploy.
//	backend/    the backend image's program: a static Go HTTP server.
//
// Requests go only to ports published on 127.0.0.1 (Project.Published
// refuses anything else) and Docker's DNS of the proxy container forwards
// nowhere (the tests give it "dns: 127.0.0.1"), so no test traffic leaves
// the machine.
package dockertest
