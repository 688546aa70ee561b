package protocol

import (
	"strings"
	"testing"
)

func TestDecodePlaces(t *testing.T) {
	tests := []struct {
		name, body string
		ok         bool
		n          int
	}{
		{"two places", `{"places":[{"code":"410102","name":"郑州市中原区政务服务中心","province":"河南省"},` +
			`{"code":"330106","name":"杭州市西湖区行政服务中心","province":"浙江省"}]}`, true, 2},
		{"empty", `{"places":[]}`, true, 0},
		{"unknown fields ignored", `{"places":[{"code":"410305","name":"涧西区","province":"河南省","x":1}],"y":2}`, true, 1},
		{"no province", `{"places":[{"code":"410305","name":"涧西区"}]}`, true, 1},
		{"bad code", `{"places":[{"code":"41A305","name":"x","province":""}]}`, false, 0},
		{"short code", `{"places":[{"code":"4103","name":"x"}]}`, false, 0},
		{"duplicate", `{"places":[{"code":"410305","name":"a"},{"code":"410305","name":"b"}]}`, false, 0},
		{"no name", `{"places":[{"code":"410305","name":"  "}]}`, false, 0},
		{"control character", `{"places":[{"code":"410305","name":"a\u0007b"}]}`, false, 0},
		{"long name", `{"places":[{"code":"410305","name":"` + strings.Repeat("区", MaxPlaceName+1) + `"}]}`, false, 0},
		{"trailing data", `{"places":[]} {}`, false, 0},
		{"not json", `<html>`, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodePlaces(strings.NewReader(tt.body))
			if got, want := err == nil, tt.ok; got != want {
				t.Fatalf("accepted = %v, want %v (err %v)", got, want, err)
			}
			if err != nil {
				if CodeOf(err) != EINVALID && CodeOf(err) != ETOOLARGE {
					t.Fatalf("error code %q", CodeOf(err))
				}
				return
			}
			if got, want := len(got.Places), tt.n; got != want {
				t.Fatalf("%d places, want %d", got, want)
			}
		})
	}
}

// FuzzDecodePlaces: whatever arrives, decoding never panics, and what it
// accepts is a directory of valid, distinct codes with names.
func FuzzDecodePlaces(f *testing.F) {
	f.Add(`{"places":[{"code":"410102","name":"郑州市中原区政务服务中心","province":"河南省"}]}`)
	f.Add(`{"places":[]}`)
	f.Add(`{"places":[{"code":"410102","name":"a"},{"code":"410102","name":"b"}]}`)
	f.Add(`{"places":null}`)
	f.Add("\x00\xff")
	f.Fuzz(func(t *testing.T, body string) {
		resp, err := DecodePlaces(strings.NewReader(body))
		if err != nil {
			if CodeOf(err) == EINTERNAL {
				t.Fatalf("decode error without a code: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range resp.Places {
			if !ValidPlaceCode(p.Code) || seen[p.Code] || strings.TrimSpace(p.Name) == "" {
				t.Fatalf("invalid place accepted: %+v", p)
			}
			seen[p.Code] = true
		}
	})
}
