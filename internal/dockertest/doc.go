// Package dockertest runs the end-to-end tests' Docker side: images built
// without a registry, docker-compose projects and Swarm stacks that clean
// up after themselves. It is used by the TestOnDocker… and TestOnSwarm…
// tests of e2e.
//
//	docker.go   Require: skip with -short or without an engine (fail
//	            under CI=true); Run; Engine and Machine (the engine the
//	            environment names) with Docker, Inspect, Logs.
//	images.go   BuildImages: the HAProxy and backend images, FROM scratch,
//	            built once per test binary with the legacy builder;
//	            Cleanup removes them (call it from TestMain).
//	compose.go  Project: a docker-compose project with a unique name,
//	            brought down with its volumes when the test ends.
//	engine.go   Engine: a private dockerd (StartEngine) with its own
//	            data root, socket, bridges and one-node Swarm, removed
//	            without a trace by Stop; the Swarm tests' engine.
//	swarm.go    SwarmEngine (one private engine per run, stopped by
//	            Cleanup) and Stack: docker stack deploy on it.
//	bystander.go  StartBystander: a container on the machine's engine,
//	            and a watch on that engine's Swarm state.
//	backend/    the backend image's program: a static Go HTTP server.
//
// On the machine's engine the tests create and remove only their own
// containers, networks and images; they never make it a Swarm nor make it
// leave one (issue 16).
//
// Requests go only to ports published on 127.0.0.1 (Project.Published
// refuses anything else) and Docker's DNS of the proxy container forwards
// nowhere (the tests give it "dns: 127.0.0.1"), so no test traffic leaves
// the machine.
package dockertest
