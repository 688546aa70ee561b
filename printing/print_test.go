package printing

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongban/printing/spool"
)

// TestPrintEveryDocument prints each document through CUPS and cups-pdf
// and finds its text in the output file.
func TestPrintEveryDocument(t *testing.T) {
	printer, dir := os.Getenv("TONGBAN_TEST_PRINTER"), os.Getenv("TONGBAN_TEST_PDF_DIR")
	if printer == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI without TONGBAN_TEST_PRINTER: eval \"$(scripts/start-cups.sh)\" first")
		}
		t.Skip("TONGBAN_TEST_PRINTER not set")
	}
	need(t, "pdftoppm", "zbarimg")
	c := spool.NewCUPS("")
	for name, out := range renderAll(t) {
		before, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		seen := map[string]bool{}
		for _, f := range before {
			seen[f] = true
		}
		if _, err := c.Print(context.Background(), printer, spool.Job{Title: fmt.Sprintf("tongban-%s-%d", name, time.Now().UnixNano()), PDF: out.PDF}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var file string
		for end := time.Now().Add(10 * time.Second); file == "" && time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			now, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
			for _, f := range now {
				if st, err := os.Stat(f); !seen[f] && err == nil && st.Size() > 0 {
					file = f
				}
			}
		}
		if file == "" {
			t.Fatalf("%s: no cups-pdf output in %s", name, dir)
		}
		// cups-pdf re-distils through Ghostscript, which drops the text
		// layer of subset fonts: check the printed barcode instead.
		png := filepath.Join(t.TempDir(), "p")
		if err := exec.Command("pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile", file, png).Run(); err != nil {
			t.Fatal(err)
		}
		res, _ := exec.Command("zbarimg", "-q", png+".png").Output()
		ct, _ := fixtures()[name].Content()
		if !strings.Contains(string(res), "CODE-128:"+ct.Barcode+"\n") {
			t.Errorf("%s: printed file lacks barcode %q (got %q)", name, ct.Barcode, res)
		}
	}
}
