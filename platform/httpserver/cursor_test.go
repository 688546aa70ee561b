package httpserver

import (
	"testing"
)

func TestCursorRoundTrip(t *testing.T) {
	c := encodeCursor(cursor{Epoch: "e1", Hall: "410102", Seq: 42})
	seq, err := decodeCursor(c, "e1", "410102")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := seq, int64(42); got != want {
		t.Fatalf("seq = %d, want %d", got, want)
	}
	for name, args := range map[string][3]string{
		"other epoch": {c, "e2", "410102"},
		"other hall":  {c, "e1", "330106"},
		"garbage":     {"%%%", "e1", "410102"},
	} {
		if _, err := decodeCursor(args[0], args[1], args[2]); err != errCursor {
			t.Errorf("%s: err = %v, want errCursor", name, err)
		}
	}
	if seq, err := decodeCursor("", "e1", "410102"); err != nil || seq != 0 {
		t.Fatalf("empty cursor = %d, %v", seq, err)
	}
}

// FuzzDecodeCursor: a cursor from the network either decodes to a
// non-negative position or is refused with errCursor; never a panic.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(cursor{Epoch: "e1", Hall: "410102", Seq: 42}))
	f.Add("")
	f.Add("eyJ2IjoxLCJlIjoiZTEiLCJoIjoiNDEwMTAyIiwicyI6LTF9") // seq -1
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		seq, err := decodeCursor(s, "e1", "410102")
		if err != nil && err != errCursor {
			t.Fatalf("unexpected error %v", err)
		}
		if err == nil && seq < 0 {
			t.Fatalf("negative seq %d accepted", seq)
		}
	})
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{"gzip": true, "deflate, gzip;q=1.0": true, "gzip;q=0": false, "br": false, "": false} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}
