package spool

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"tongban/printing/perr"
)

// testPrinter returns the cups-pdf printer started by scripts/start-cups.sh;
// CI must have it.
func testPrinter(t *testing.T) (string, string) {
	t.Helper()
	p, dir := os.Getenv("TONGBAN_TEST_PRINTER"), os.Getenv("TONGBAN_TEST_PDF_DIR")
	if p == "" || dir == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI without TONGBAN_TEST_PRINTER: run eval \"$(scripts/start-cups.sh)\" first")
		}
		t.Skip("TONGBAN_TEST_PRINTER not set (eval \"$(scripts/start-cups.sh)\")")
	}
	return p, dir
}

// PrintAndFind prints pdf on printer and returns the file cups-pdf wrote.
func PrintAndFind(t *testing.T, c *CUPS, printer, dir, title string, pdf []byte) []byte {
	t.Helper()
	before := map[string]bool{}
	old, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	for _, f := range old {
		before[f] = true
	}
	res, err := c.Print(context.Background(), printer, Job{Title: title, PDF: pdf})
	if err != nil {
		t.Fatalf("print %s: %v (%s)", title, err, perr.Zh(err))
	}
	if res.State != "completed" || res.JobID == "" {
		t.Fatalf("result %+v", res)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		now, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
		for _, f := range now {
			if !before[f] {
				b, err := os.ReadFile(f)
				if err == nil && len(b) > 0 {
					return b
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no output file for %s in %s", title, dir)
	return nil
}

func minimalPDF(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/hello.pdf")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCUPSPrint(t *testing.T) {
	printer, dir := testPrinter(t)
	c := NewCUPS("")
	ps, err := c.Printers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range ps {
		found = found || p.Name == printer
	}
	if !found {
		t.Fatalf("%s not in %+v", printer, ps)
	}
	out := PrintAndFind(t, c, printer, dir, fmt.Sprintf("hello-%d", time.Now().UnixNano()), minimalPDF(t))
	if !bytes.HasPrefix(out, []byte("%PDF")) {
		t.Fatalf("output is not a PDF")
	}
}

func TestCUPSErrors(t *testing.T) {
	printer, _ := testPrinter(t)
	c := NewCUPS("")
	c.Timeout = 5 * time.Second
	ctx := context.Background()
	pdf := minimalPDF(t)

	if _, err := c.Print(ctx, "NoSuchPrinter", Job{Title: "x", PDF: pdf}); perr.Code(err) != perr.ENOTFOUND {
		t.Errorf("nonexistent printer: %v", err)
	}
	run := func(args ...string) {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	// Stop and reject a queue of its own: other packages' tests print to the
	// shared test printer at the same time.
	own := fmt.Sprintf("%sErrors%d", printer, os.Getpid())
	run("lpadmin", "-p", own, "-v", "cups-pdf:/", "-E", "-P", "/etc/cups/ppd/"+printer+".ppd")
	t.Cleanup(func() { _ = exec.Command("lpadmin", "-x", own).Run() })
	run("cupsdisable", own)
	_, err := c.Print(ctx, own, Job{Title: "stopped", PDF: pdf})
	run("cupsenable", own)
	if perr.Code(err) != perr.ECONFLICT {
		t.Errorf("stopped printer: %v", err)
	} else {
		t.Logf("stopped: %s", perr.Zh(err))
	}
	run("cupsreject", own)
	_, err = c.Print(ctx, own, Job{Title: "rejecting", PDF: pdf})
	run("cupsaccept", own)
	if perr.Code(err) != perr.ECONFLICT {
		t.Errorf("rejecting printer: %v", err)
	} else {
		t.Logf("rejecting: %s", perr.Zh(err))
	}
	if _, err := NewCUPS("/nonexistent.sock").Print(ctx, printer, Job{Title: "x", PDF: pdf}); perr.Code(err) != perr.EOFFLINE {
		t.Errorf("no cups: %v", err)
	}
}
