package httpapi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"tongban/app/httpapi"
)

type point struct {
	X int `json:"x"`
	Y int `json:"y"`
}

type calc struct{ calls int }

func (c *calc) Add(a, b int) (int, error)  { c.calls++; return a + b, nil }
func (c *calc) Move(p point, dx int) point { return point{p.X + dx, p.Y} }
func (c *calc) Touch()                     { c.calls++ }
func (c *calc) Fail(code string) error {
	return errors.New(`{"code":"` + code + `","message":"no","zh":"不行"}`)
}
func (c *calc) Crash() error { return errors.New("plain failure") }

func call(t *testing.T, srv *httptest.Server, path, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestHandler(t *testing.T) {
	c := &calc{}
	static := fstest.MapFS{"index.html": {Data: []byte("<html>通办工作台</html>")}}
	srv := httptest.NewServer(httpapi.New(map[string]any{"Calc": c}, static))
	defer srv.Close()

	tests := []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"sum", "/api/Calc/Add", "[2, 3]", 200, "5"},
		{"struct arg", "/api/Calc/Move", `[{"x":1,"y":2}, 5]`, 200, `{"x":6,"y":2}`},
		{"missing args are zero", "/api/Calc/Add", "[7]", 200, "7"},
		{"no result", "/api/Calc/Touch", "", 200, "null"},
		{"domain error keeps code", "/api/Calc/Fail", `["ECONFLICT"]`, 409, `{"error":{"code":"ECONFLICT","message":"no","zh":"不行"}}`},
		{"locked", "/api/Calc/Fail", `["ELOCKED"]`, 423, `{"error":{"code":"ELOCKED","message":"no","zh":"不行"}}`},
		{"too many args", "/api/Calc/Add", "[1,2,3]", 400, ""},
		{"bad json", "/api/Calc/Add", "{", 400, ""},
		{"wrong type", "/api/Calc/Add", `["a", 1]`, 400, ""},
		{"unknown method", "/api/Calc/Nope", "[]", 404, ""},
		{"unknown service", "/api/Nope/Add", "[]", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, srv, tt.path, tt.body)
			if status != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", status, tt.status, body)
			}
			if tt.want != "" && body != tt.want {
				t.Fatalf("body = %s, want %s", body, tt.want)
			}
			if tt.status >= 400 {
				var e struct {
					Error struct{ Code, Zh string }
				}
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code == "" || e.Error.Zh == "" {
					t.Fatalf("error body %s lacks code or zh", body)
				}
			}
		})
	}
	t.Run("plain error is internal", func(t *testing.T) {
		status, body := call(t, srv, "/api/Calc/Crash", "[]")
		if status != 500 || !strings.Contains(body, "EINTERNAL") {
			t.Fatalf("got %d %s", status, body)
		}
	})
	t.Run("static", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(b), "通办工作台") {
			t.Fatalf("static body = %q", b)
		}
	})
	t.Run("GET on api refused", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/api/Calc/Touch")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 {
			t.Fatalf("status = %d", resp.StatusCode)
		}
	})
	if c.calls != 3 { // two Adds and one Touch succeeded
		t.Fatalf("Touch/Add calls = %d; the failing requests must not call methods", c.calls)
	}
}

// FuzzDecode feeds arbitrary bodies: the handler must answer, never panic.
func FuzzDecode(f *testing.F) {
	f.Add("[1,2]")
	f.Add(`[{"x":1},3]`)
	f.Add("[")
	f.Add("null")
	h := httpapi.New(map[string]any{"Calc": &calc{}}, fstest.MapFS{})
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/api/Calc/Add", "/api/Calc/Move"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("POST", path, strings.NewReader(body)))
			if rec.Code != 200 && rec.Code != 400 {
				t.Fatalf("status %d for %q", rec.Code, body)
			}
		}
	})
}
