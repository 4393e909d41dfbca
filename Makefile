# compose2haproxy — `make run` renders the bundled example, `make test` runs
# every test (HAProxy must be installed: apt-get install haproxy; the Docker
# tests need a Docker engine, docker-compose and socat, the Swarm tests root
# and dockerd, as they start an engine of their own; .ci/run installs it
# all).
GO      ?= go
BIN     := bin/compose2haproxy
DOMAIN  ?= 127.0.0.1.nip.io

.PHONY: build run test bench fuzz check clean

build:
	$(GO) build -o $(BIN) ./cmd/compose2haproxy

run: build
	$(BIN) -f example/compose.yaml --domain $(DOMAIN) -o example/haproxy.cfg
	@cat example/haproxy.cfg
	@if command -v haproxy >/dev/null 2>&1; then \
		haproxy -c -dW -f example/haproxy.cfg && echo "haproxy -c -dW: example/haproxy.cfg is valid"; \
	else echo "haproxy not installed (apt-get install haproxy): skipped haproxy -c -dW"; fi

# Every golden config is also checked with the further HAProxy versions
# that .ci/debian-haproxy made, when they exist (see
# docs/haproxy-versions.md). The Docker tests need a Docker engine and docker-compose.
HAPROXY_ALSO ?= $(wildcard /var/cache/compose2haproxy/bin/haproxy-*)
export HAPROXY_ALSO

test:
	@for h in $$(command -v haproxy) $(HAPROXY_ALSO); do printf '%s: ' "$$h"; "$$h" -v | head -n 1; done
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test ./model -run '^$$' -fuzz '^FuzzLabels$$' -fuzztime 10s
	$(GO) test ./model -run '^$$' -fuzz '^FuzzPolicy$$' -fuzztime 10s
	$(GO) test ./model -run '^$$' -fuzz '^FuzzHeaderLabels$$' -fuzztime 10s
	$(GO) test ./model -run '^$$' -fuzz '^FuzzTraefikLabels$$' -fuzztime 10s
	$(GO) test ./dialect/traefik/rule -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 10s

# Performance (about 30 minutes; needs haproxy and wrk; not part of make
# test, and it asserts nothing): loading vs the whole run at 100, 1,000 and
# 5,000 services as separate processes, alternated, 11 runs each (time and
# peak RSS; and 1,000 Traefik-labelled services), the Go benchmarks of model
# and render (saved in bin/bench.txt
# for benchstat), the hostile shapes of issue 9 against loading alone
# (bin/hostile.txt), routing through HAProxy with 1 and 1,000 hosts, paths
# and wildcards under wrk, then what the config costs HAProxy while it runs:
# start, reload and memory by server slots and with the defaults
# (bin/start.txt), a reload under
# load (bin/reload.txt), DNS queries against the time to follow a moved
# container (bin/dns.txt). BENCH_HAPROXY=path measures another HAProxy.
# See bench/doc.go.
BENCH_N ?= 11
bench: build
	$(GO) build -o bin/loadonly ./bench/cmd/loadonly
	$(GO) run ./bench/cmd/benchrun -bin $(BIN) -loadonly bin/loadonly -n $(BENCH_N)
	$(GO) run ./bench/cmd/benchrun -bin $(BIN) -loadonly bin/loadonly -n $(BENCH_N) -sizes 1000 -shape traefik
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./model ./render | tee bin/bench.txt
	$(GO) test -run '^$$' -bench Hostile -benchmem -count 5 -benchtime 20x -timeout 30m ./bench | tee bin/hostile.txt
	BENCH_ROUTING=1 $(GO) test -count=1 -run '^TestRoutingCost$$' -v -timeout 30m ./bench
	$(GO) test -run '^$$' -bench '^BenchmarkHAProxyStart$$' -benchtime 3x -timeout 30m ./bench | tee bin/start.txt
	$(GO) test -run '^$$' -bench '^BenchmarkReload$$' -benchtime 10x -timeout 30m ./bench | tee bin/reload.txt
	$(GO) test -run '^$$' -bench '^BenchmarkDNS$$' -benchtime 3x -timeout 60m ./bench | tee bin/dns.txt

# Fuzzing, 2 minutes a target (FUZZTIME=10m for longer). An input that
# breaks a property is written to model/testdata/fuzz/<target>/: keep it,
# so that go test fails until the bug is fixed. See model/fuzz_test.go.
FUZZTIME ?= 2m
fuzz:
	$(GO) test ./model -run '^$$' -fuzz '^FuzzLabels$$' -fuzztime $(FUZZTIME) -timeout 0
	$(GO) test ./model -run '^$$' -fuzz '^FuzzHeader$$' -fuzztime $(FUZZTIME) -timeout 0
	$(GO) test ./model -run '^$$' -fuzz '^FuzzPolicy$$' -fuzztime $(FUZZTIME) -timeout 0
	$(GO) test ./model -run '^$$' -fuzz '^FuzzHeaderLabels$$' -fuzztime $(FUZZTIME) -timeout 0
	$(GO) test ./model -run '^$$' -fuzz '^FuzzTraefikLabels$$' -fuzztime $(FUZZTIME) -timeout 0
	$(GO) test ./dialect/traefik/rule -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -timeout 0
	$(GO) test ./dialect/traefik/config -run '^$$' -fuzz '^FuzzDecodeLabels$$' -fuzztime $(FUZZTIME) -timeout 0
	$(GO) test ./dialect/nginxproxy/vars -run '^$$' -fuzz '^FuzzDecodeMultiports$$' -fuzztime $(FUZZTIME) -timeout 0

check: test

clean:
	rm -rf bin example/haproxy.cfg
