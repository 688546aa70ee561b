package httpserver

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"

	"tongban/sync/protocol"
)

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }}

// gzipMiddleware inflates a gzip request body (bounded, so a small bomb
// cannot expand past MaxBodyBytes) and compresses the response when the
// client accepts gzip.
func gzipMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.ToLower(r.Header.Get("Content-Encoding")) {
		case "":
		case "gzip":
			zr, err := gzip.NewReader(http.MaxBytesReader(w, r.Body, protocol.MaxBodyBytes))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, protocol.ErrorBody{Error: protocol.Errorf(protocol.EINVALID,
					"bad gzip body", "请求压缩格式错误")})
				return
			}
			defer zr.Close()
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.LimitReader(zr, protocol.MaxBodyBytes+1), r.Body}
			r.Header.Del("Content-Encoding")
			r.ContentLength = -1
		default:
			writeJSON(w, http.StatusUnsupportedMediaType, protocol.ErrorBody{Error: protocol.Errorf(protocol.EINVALID,
				"unsupported content encoding", "不支持的请求压缩格式")})
			return
		}
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipResponse{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") {
			return true
		}
	}
	return false
}

// gzipResponse compresses JSON bodies; others (blobs, already compressed
// scans) and empty bodies pass through.
type gzipResponse struct {
	http.ResponseWriter
	zw      *gzip.Writer
	decided bool
}

func (g *gzipResponse) WriteHeader(status int) {
	if !g.decided {
		g.decided = true
		h := g.Header()
		if status != http.StatusNoContent && status != http.StatusNotModified &&
			strings.HasPrefix(h.Get("Content-Type"), "application/json") && h.Get("Content-Encoding") == "" {
			h.Set("Content-Encoding", "gzip")
			h.Add("Vary", "Accept-Encoding")
			h.Del("Content-Length")
			g.zw = gzipWriters.Get().(*gzip.Writer)
			g.zw.Reset(g.ResponseWriter)
		}
	}
	g.ResponseWriter.WriteHeader(status)
}

func (g *gzipResponse) Write(b []byte) (int, error) {
	if !g.decided {
		g.WriteHeader(http.StatusOK)
	}
	if g.zw != nil {
		return g.zw.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipResponse) close() {
	if g.zw != nil {
		_ = g.zw.Close()
		gzipWriters.Put(g.zw)
		g.zw = nil
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }
