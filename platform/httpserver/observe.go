package httpserver

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	pushItems    *prometheus.CounterVec
	authFailures *prometheus.CounterVec
	uploadBytes  prometheus.Counter
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tongban_platform_requests_total",
			Help: "HTTP requests by route and status."}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tongban_platform_request_seconds",
			Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets}, []string{"route"}),
		pushItems: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tongban_platform_push_items_total",
			Help: "Pushed cases and actions by kind and outcome."}, []string{"kind", "status"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tongban_platform_auth_failures_total",
			Help: "Refused device credentials by reason."}, []string{"reason"}),
		uploadBytes: prometheus.NewCounter(prometheus.CounterOpts{Name: "tongban_platform_verified_upload_bytes_total",
			Help: "Bytes of scans verified into the blob store."}),
	}
	reg.MustRegister(m.requests, m.duration, m.pushItems, m.authFailures, m.uploadBytes)
	return m
}

func (m *metrics) handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// recorder captures the status and size of a response for logs and metrics.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

type infoKey struct{}

// reqInfo is filled in by inner handlers for the access log.
type reqInfo struct{ device string }

func routeOf(r *http.Request) string {
	if p := r.Pattern; p != "" {
		return p
	}
	return "?"
}

// observe logs one structured line per request and records metrics. It
// logs the route pattern, never the URL (no ids, no query), and no body.
func (s *Server) observe(pattern string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		info := &reqInfo{}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.requests.WithLabelValues(pattern, strconv.Itoa(rec.status)).Inc()
		s.metrics.duration.WithLabelValues(pattern).Observe(d.Seconds())
		if pattern == "GET /metrics" || pattern == "GET /healthz" {
			return
		}
		s.log.Info("request", "route", pattern, "status", rec.status, "ms", d.Milliseconds(),
			"bytes", rec.bytes, "device", info.device)
	})
}
