package e2e

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// TestMetricsAndAccessLog: --metrics serves HAProxy's Prometheus exporter,
// whose scrape holds a series of each backend; the access log, on
// HAProxy's stdout by default, has one line per request naming the
// frontend, backend and server, the timings, the status and the request.
func TestMetricsAndAccessLog(t *testing.T) {
	s := newScene(t)
	s.serve("shop", "127.0.61.1")
	s.serve("blog", "127.0.61.2")
	metrics := fmt.Sprintf("127.0.0.1:%d", e2etest.FreePort(t))
	p := startProxy(t, s.dns, s.compose(svc("shop", "SERVICE_NAME: shop"), svc("blog", "SERVICE_NAME: blog")), "--metrics", metrics)
	waitRoutes(t, p.Addr, e2etest.Request{Host: "shop"}, "shop")
	waitRoutes(t, p.Addr, e2etest.Request{Host: "blog", Path: "/post/1"}, "blog")

	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, b := range []string{"shop", "blog"} {
		series := fmt.Sprintf(`haproxy_backend_http_responses_total{proxy="%s",code="2xx"}`, b)
		if !strings.Contains(string(body), series) {
			t.Errorf("the scrape has no %s:\n%.2000s", series, body)
		}
	}

	// httplog: client [date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes ... "request"
	line := regexp.MustCompile(`127\.0\.0\.1:[0-9]+ \[[^]]+\] http blog/blog-1 [0-9]+/[0-9]+/[0-9]+/[0-9]+/[0-9]+ 200 [0-9]+ .* "GET /post/1 HTTP/1\.1"`)
	e2etest.Eventually(t, 10*time.Second, "an access log line for GET /post/1", func() (bool, string) {
		return line.MatchString(p.Logs()), p.Logs()
	})
	if strings.Contains(p.Logs(), "/metrics") {
		t.Errorf("the scrape is logged:\n%s", p.Logs())
	}
}
