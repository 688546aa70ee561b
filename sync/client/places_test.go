package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"tongban/sync/protocol"
)

func TestAPIPlaces(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		n       int
		code    string // expected error code, "" for success
		offline bool
	}{
		{"directory", 200, `{"places":[{"code":"410102","name":"郑州市中原区政务服务中心","province":"河南省"},` +
			`{"code":"410305","name":"洛阳市涧西区政务服务中心","province":"河南省"}]}`, 2, "", false},
		{"empty", 200, `{"places":[]}`, 0, "", false},
		{"malformed place", 200, `{"places":[{"code":"x","name":"y"}]}`, 0, "EOFFLINE", true},
		{"revoked", 401, `{"error":{"code":"EUNAUTHORIZED","message":"m","zh":"设备凭据无效"}}`, 0, protocol.EUNAUTHORIZED, false},
		{"garbled", 200, `{"places":[`, 0, "EOFFLINE", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/places" || r.Header.Get(protocol.HeaderAuthorization) != "Bearer tok-0123456789abcdef" {
					http.Error(w, "wrong request", http.StatusBadRequest)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			api, err := NewAPI(srv.URL, "tok-0123456789abcdef", nil)
			if err != nil {
				t.Fatal(err)
			}
			ps, err := api.Places(context.Background())
			if tt.code == "" {
				if err != nil {
					t.Fatalf("places: %v", err)
				}
				if got, want := len(ps), tt.n; got != want {
					t.Fatalf("%d places, want %d", got, want)
				}
				if ps == nil {
					t.Fatal("nil list")
				}
				return
			}
			if got, want := errors.Is(err, ErrOffline), tt.offline; got != want {
				t.Fatalf("offline = %v, want %v (%v)", got, want, err)
			}
			var pe *protocol.Error
			if !errors.As(err, &pe) || pe.Code != tt.code {
				t.Fatalf("error %v, want code %s", err, tt.code)
			}
		})
	}
}
