// Package httpserver is the platform's HTTP API (/v1/, JSON, gzip, device
// tokens), its resumable scan uploads (tus), /healthz and /metrics. A
// Server keeps no state of its own: everything lives in the platform.Store
// and the blob store, so several nodes can serve one platform.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tongban/platform"
	"tongban/scanner/blob"
)

// Config are a Server's dependencies.
type Config struct {
	Store     platform.Store
	Blobs     blob.Store // verified scans, content-addressed
	UploadDir string     // tus uploads in progress (shared by all nodes)
	Logger    *slog.Logger
	Registry  *prometheus.Registry // nil: a new one
	Now       func() time.Time     // nil: time.Now
	// MaxUploadSize bounds one scan (default 64 MiB).
	MaxUploadSize int64
}

// Server serves the platform API.
type Server struct {
	cfg      Config
	store    platform.Store
	log      *slog.Logger
	now      func() time.Time
	mux      *http.ServeMux
	metrics  *metrics
	uploads  *uploads
	polls    *longPoll // long-poll pulls: the node's sequence watcher
	patterns []string  // every route served, for the OpenAPI check
}

// New builds a Server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Blobs == nil || cfg.UploadDir == "" {
		return nil, errors.New("httpserver: Store, Blobs and UploadDir are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUploadSize == 0 {
		cfg.MaxUploadSize = 64 << 20
	}
	s := &Server{cfg: cfg, store: cfg.Store, log: cfg.Logger, now: cfg.Now, mux: http.NewServeMux(),
		metrics: newMetrics(cfg.Registry)}
	up, err := newUploads(s)
	if err != nil {
		return nil, err
	}
	s.uploads = up
	s.polls = newLongPoll(s.store, longPollEvery, longPollWaiters, s)
	s.routes()
	return s, nil
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Patterns returns the route patterns served ("GET /v1/me", ...).
func (s *Server) Patterns() []string { return append([]string(nil), s.patterns...) }

// Serve listens on addr until ctx is done, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener serves on ln until ctx is done.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("platform listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// access says who may call a route.
type access int

const (
	public access = iota // no credential (health, metrics, enrollment)
	device               // a valid, unrevoked device token
)

// handle registers h for pattern with logging, metrics, gzip and, for
// device routes, authentication.
func (s *Server) handle(pattern string, a access, h http.HandlerFunc) {
	s.patterns = append(s.patterns, pattern)
	var next http.Handler = h
	if a == device {
		next = s.authenticate(next)
	}
	s.mux.Handle(pattern, s.observe(pattern, gzipMiddleware(next)))
}

func (s *Server) routes() {
	s.handle("GET /healthz", public, s.healthz)
	s.handle("GET /metrics", public, s.metrics.handler().ServeHTTP)
	s.handle("POST /v1/enroll", public, s.enroll)
	s.handle("GET /v1/me", device, s.me)
	s.handle("GET /v1/places", device, s.places)
	s.handle("GET /v1/accounts", device, s.accounts)
	s.handle("GET /v1/catalog", device, s.catalog)
	s.handle("POST /v1/push", device, s.push)
	s.handle("PUT /v1/cases/{caseId}/actions/{id}", device, s.putAction)
	s.handle("GET /v1/cases/{id}", device, s.getCase)
	s.handle("GET /v1/pull", device, s.pull)
	s.handle("POST /v1/numbers/blocks", device, s.reserveNumbers)
	s.loopRoutes()
	s.handle("GET /v1/blobs/{sha256}", device, s.getBlob)
	s.handle("HEAD /v1/blobs/{sha256}", device, s.getBlob)
	// tus (resumable uploads): creation, offset, append. Not gzipped.
	for _, p := range []string{"POST /v1/uploads/", "HEAD /v1/uploads/{id}", "PATCH /v1/uploads/{id}", "OPTIONS /v1/uploads/"} {
		s.patterns = append(s.patterns, p)
		s.mux.Handle(p, s.observe(p, s.authenticate(s.uploads)))
	}
}
