// Command backend is the HTTP server of the Docker tests' backend image:
// one replica of a service. It answers every request with status 200, the
// header X-Backend (the container's host name, unique per replica),
// X-Backend-IP (the address the request came in on) and X-Service
// ($SERVICE), and the body "<host name> <method> <request-uri>\n", as
// e2etest.Backend does on loopback.
//
// GET /health answers 200, or 503 after "backend health down" was run in
// the container (docker exec); "backend health up" makes it healthy again.
// On SIGTERM it drains: for $DRAIN (a Go duration, default 0) /health
// answers 503 while every other request is still served, so that a proxy
// checking /health stops sending before the replica goes; then it stops
// accepting connections, finishes the requests in flight and exits. It
// listens on :$PORT (default 80).
//
// It is built with CGO_ENABLED=0 into a FROM scratch image, so it needs
// nothing but the kernel.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "80"
	}
	if len(os.Args) == 3 && os.Args[1] == "health" {
		os.Exit(setHealth(port, os.Args[2]))
	}
	if len(os.Args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: backend | backend health up|down")
		os.Exit(2)
	}
	os.Exit(serve(port))
}

func serve(port string) int {
	host, _ := os.Hostname()
	service := os.Getenv("SERVICE")
	var unhealthy atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		ip, _, _ := net.SplitHostPort(fmt.Sprint(local))
		h := w.Header()
		h.Set("X-Backend", host)
		h.Set("X-Backend-IP", ip)
		h.Set("X-Service", service)
		h.Set("Content-Type", "text/plain; charset=utf-8")
		if r.URL.Path == "/health" && unhealthy.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintf(w, "%s %s %s\n", host, r.Method, r.RequestURI)
	})
	// The switch for /health, reachable only from inside the container.
	mux.HandleFunc("/_health/{state}", func(w http.ResponseWriter, r *http.Request) {
		if ip, _, _ := net.SplitHostPort(r.RemoteAddr); !net.ParseIP(ip).IsLoopback() {
			http.NotFound(w, r)
			return
		}
		unhealthy.Store(r.PathValue("state") == "down")
	})
	srv := &http.Server{Addr: ":" + port, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		fmt.Fprintln(os.Stderr, err)
		return 1
	case <-stop:
	}
	if drain, err := time.ParseDuration(os.Getenv("DRAIN")); err == nil && drain > 0 {
		unhealthy.Store(true)
		time.Sleep(drain)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func setHealth(port, state string) int {
	if state != "up" && state != "down" {
		fmt.Fprintln(os.Stderr, "usage: backend health up|down")
		return 2
	}
	resp, err := http.Post("http://127.0.0.1:"+port+"/_health/"+state, "", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	return 0
}
