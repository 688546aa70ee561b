package app

import (
	"path/filepath"
	"testing"

	"tongban/app/errs"
)

func TestParseReaderConfig(t *testing.T) {
	dir := filepath.FromSlash("/data")
	tests := []struct {
		name, in   string
		driver     string
		path, addr string
		bad        bool
	}{
		{"empty object is no reader", `{}`, "none", "", "", false},
		{"file relative", `{"driver":"file","path":"sim/card.json"}`, "file", filepath.Join(dir, "sim/card.json"), "", false},
		{"file absolute", `{"driver":"file","path":"/tmp/c.json"}`, "file", "/tmp/c.json", "", false},
		{"socket tcp", `{"driver":"socket","network":"tcp","address":"127.0.0.1:7070"}`, "socket", "", "127.0.0.1:7070", false},
		{"socket unix relative", `{"driver":"socket","network":"unix","address":"r.sock"}`, "socket", "", filepath.Join(dir, "r.sock"), false},
		{"file without path", `{"driver":"file"}`, "", "", "", true},
		{"unknown driver", `{"driver":"usb"}`, "", "", "", true},
		{"unknown field", `{"driver":"none","port":3}`, "", "", "", true},
		{"bad network", `{"driver":"socket","network":"udp","address":"x"}`, "", "", "", true},
		{"timeout too long", `{"driver":"none","timeoutSeconds":3600}`, "", "", "", true},
		{"not json", `driver=file`, "", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseReaderConfig([]byte(tc.in), dir)
			if tc.bad {
				if got, want := errs.Code(err), errs.EINVALID; got != want {
					t.Fatalf("code %q, want %q", got, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Driver != tc.driver || c.Path != tc.path || c.Address != tc.addr {
				t.Fatalf("got %+v", c)
			}
		})
	}
}

func FuzzParseReaderConfig(f *testing.F) {
	for _, s := range []string{`{}`, `{"driver":"file","path":"a"}`, `{"driver":"socket","network":"unix","address":"s"}`,
		`{"driver":"socket","network":"tcp","address":"127.0.0.1:1","timeoutSeconds":5}`, `[]`, `{"driver":1}`, "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseReaderConfig(b, "/data")
		if err != nil {
			if errs.Code(err) != errs.EINVALID || errs.Zh(err) == "" {
				t.Fatalf("error without code or message: %v", err)
			}
			return
		}
		switch c.Driver {
		case "none":
		case "file":
			if !filepath.IsAbs(c.Path) {
				t.Fatalf("file path %q not absolute", c.Path)
			}
		case "socket":
			if c.Address == "" {
				t.Fatal("socket without address")
			}
		default:
			t.Fatalf("driver %q accepted", c.Driver)
		}
		if d := c.timeout(); d <= 0 || d > maxReadTimeout {
			t.Fatalf("timeout %v out of range", d)
		}
	})
}
