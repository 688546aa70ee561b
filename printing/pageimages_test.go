package printing

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// TestPageImages renders every document type with the edge-case fixtures
// and writes PNG page images for a person to look at:
//
//	TONGBAN_PAGE_IMAGES=/tmp/pages go test -run TestPageImages ./printing/
//
// Without the variable it only checks that every page converts.
func TestPageImages(t *testing.T) {
	need(t, "pdftoppm")
	dir := os.Getenv("TONGBAN_PAGE_IMAGES")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	outs := renderAll(t)
	names := make([]string, 0, len(outs))
	for n := range outs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		out := outs[name]
		p := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(p, out.PDF, 0o644); err != nil {
			t.Fatal(err)
		}
		if b, err := exec.Command("pdftoppm", "-png", "-r", "80", p, filepath.Join(dir, name)).CombinedOutput(); err != nil {
			t.Fatalf("%s: pdftoppm: %v\n%s", name, err, b)
		}
		for page := 1; page <= out.Pages; page++ {
			if _, err := os.Stat(pageFile(dir, name, page, out.Pages)); err != nil {
				t.Errorf("%s page %d: no image: %v", name, page, err)
			}
		}
		t.Log(fmt.Sprintf("%s: %d page(s), %.0f×%.0f mm", name, out.Pages, out.Width, out.Height))
	}
}
