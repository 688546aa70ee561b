package httpserver_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/sqlitestore"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
)

var theSpec *spec

func openSpec(t testing.TB) *spec {
	t.Helper()
	if theSpec == nil {
		s, err := loadSpec(filepath.Join("..", "..", "docs", "openapi.json"))
		require.NoError(t, err)
		theSpec = s
	}
	return theSpec
}

type env struct {
	t      *testing.T
	store  platform.Store
	server *httpserver.Server
	ts     *httptest.Server
	dir    string
	blobs  *blob.FS
	spec   *spec
	logs   *bytes.Buffer
}

// newEnv starts a platform on a fresh SQLite file with places A, B, C.
func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "platform.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	storetest.SeedPlaces(t, st)
	e := &env{t: t, store: st, dir: dir, spec: openSpec(t)}
	e.start()
	return e
}

// start (re)starts the HTTP node on the same database and directories.
func (e *env) start() {
	bs, err := blob.OpenFS(filepath.Join(e.dir, "blobs"))
	require.NoError(e.t, err)
	e.blobs = bs
	e.logs = &bytes.Buffer{}
	srv, err := httpserver.New(httpserver.Config{Store: e.store, Blobs: bs, UploadDir: filepath.Join(e.dir, "uploads"),
		Logger: newTestLogger(e.logs), Now: func() time.Time { return storetest.T0.Add(time.Hour) }})
	require.NoError(e.t, err)
	e.server = srv
	if e.ts != nil {
		e.ts.Close()
	}
	e.ts = httptest.NewServer(srv.Handler())
	e.t.Cleanup(e.ts.Close)
}

// device enrolls a device of hall through the API and returns a client.
func (e *env) device(hall string) *client {
	e.t.Helper()
	code := platform.NewEnrollCode()
	require.NoError(e.t, e.store.CreateEnrollCode(context.Background(), platform.EnrollCode{
		Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)), Hall: hall,
		CreatedAt: storetest.T0, ExpiresAt: storetest.T0.Add(48 * time.Hour)}))
	c := &client{e: e}
	var er struct {
		DeviceID, Token, Hall string
	}
	c.call(http.MethodPost, "/v1/enroll", nil, map[string]string{"code": code, "deviceName": "测试设备"}, http.StatusCreated, &er)
	require.Equal(e.t, hall, er.Hall)
	c.token, c.id, c.hall = er.Token, er.DeviceID, er.Hall
	return c
}

type client struct {
	e               *env
	token, id, hall string
	gzip            bool
}

func (c *client) dev() platform.Device { return platform.Device{ID: c.id, Hall: c.hall} }

// fill replaces {name} in tmpl with args in order.
func fill(tmpl string, args []string) string {
	out := tmpl
	for _, a := range args {
		i := strings.Index(out, "{")
		j := strings.Index(out, "}")
		out = out[:i] + a + out[j+1:]
	}
	return out
}

// raw sends a request and returns status, headers and the (inflated) body.
func (c *client) raw(method, path string, body any, header http.Header) (int, http.Header, []byte) {
	c.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.e.t, err)
		if c.gzip {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, _ = zw.Write(b)
			require.NoError(c.e.t, zw.Close())
			b = buf.Bytes()
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.e.ts.URL+path, rd)
	require.NoError(c.e.t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		if c.gzip {
			req.Header.Set("Content-Encoding", "gzip")
		}
	}
	resp, err := http.DefaultClient.Do(req) // transparently inflates gzip responses
	require.NoError(c.e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.e.t, err)
	return resp.StatusCode, resp.Header, b
}

// call sends a JSON request to tmpl filled with args (tmpl is the spec's
// path), checks the status and validates the response against the spec.
func (c *client) call(method, tmpl string, args []string, body any, want int, out any) []byte {
	c.e.t.Helper()
	path := fill(tmpl, args)
	st, h, b := c.raw(method, path, body, nil)
	require.Equal(c.e.t, want, st, "%s %s: %s", method, path, b)
	ctype := h.Get("Content-Type")
	if len(b) == 0 {
		ctype = ""
	}
	require.NoError(c.e.t, c.e.spec.validateResponse(method, strings.SplitN(tmpl, "?", 2)[0], st, ctype, b))
	if out != nil {
		require.NoError(c.e.t, json.Unmarshal(b, out))
	}
	return b
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
