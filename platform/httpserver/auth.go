package httpserver

import (
	"context"
	"net/http"
	"strings"

	"tongban/platform"
)

type deviceKey struct{}

// deviceOf returns the authenticated device of a request.
func deviceOf(ctx context.Context) (platform.Device, bool) {
	d, ok := ctx.Value(deviceKey{}).(platform.Device)
	return d, ok
}

// authenticate admits a request only with the bearer token of an enrolled,
// unrevoked device. The token is looked up by its hash on every request
// (no cache): a revocation takes effect at once on every node.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" || len(tok) > 256 {
			s.metrics.authFailures.WithLabelValues("missing").Inc()
			s.writeError(w, r, platform.ErrUnauthorized)
			return
		}
		d, err := s.store.DeviceByTokenHash(r.Context(), platform.HashSecret(tok))
		if err != nil {
			s.metrics.authFailures.WithLabelValues("unknown").Inc()
			s.writeError(w, r, err)
			return
		}
		if d.Revoked() {
			s.metrics.authFailures.WithLabelValues("revoked").Inc()
			s.writeError(w, r, platform.ErrUnauthorized)
			return
		}
		if info, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
			info.device = d.ID
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), deviceKey{}, d)))
	})
}
