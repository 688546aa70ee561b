package mailing

import (
	"slices"
	"testing"

	"tongban/app/cases"
)

func TestPlaces(t *testing.T) {
	tests := []struct {
		name string
		mode cases.Mode
		form map[string]string
		want []string
	}{
		{"proxy", cases.ModeProxy, map[string]string{"handlingPlace": " 330106 "}, []string{"330106"}},
		{"proxy ignores handlingPlaces", cases.ModeProxy, map[string]string{"handlingPlace": "330106", "handlingPlaces": "440305"}, []string{"330106"}},
		{"multi list", cases.ModeMultiPlace, map[string]string{"handlingPlaces": "330106，440305、330106;410105"}, []string{"330106", "440305"}},
		{"multi falls back", cases.ModeMultiPlace, map[string]string{"handlingPlace": "440305"}, []string{"440305"}},
		{"hall itself", cases.ModeProxy, map[string]string{"handlingPlace": "410105"}, nil},
		{"bad codes", cases.ModeMultiPlace, map[string]string{"handlingPlaces": "33010,ABCDEF,３３０１０６"}, nil},
		{"none", cases.ModeProxy, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Places(tt.mode, tt.form, "410105"); !slices.Equal(got, tt.want) {
				t.Fatalf("Places = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzPlaces(f *testing.F) {
	for _, s := range []string{"330106", "330106,440305", "330106，440305、", "", "３３０１０６", "410105;;330106 330106"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Places(cases.ModeMultiPlace, map[string]string{"handlingPlaces": s}, "410105")
		for i, p := range got {
			if !ValidPlace(p) || p == "410105" || slices.Index(got, p) != i {
				t.Fatalf("Places(%q) = %v: bad or repeated %q", s, got, p)
			}
		}
		if one := Places(cases.ModeProxy, map[string]string{"handlingPlace": s}, "410105"); len(one) > 1 {
			t.Fatalf("proxy got several places %v", one)
		}
	})
}
