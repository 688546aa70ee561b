package scanner_test

import (
	"os"
	"testing"
)

// The torture test runs the watcher and the writer as separate processes:
// this same test binary, re-executed with TONGBAN_SCANNER_CHILD set.
func TestMain(m *testing.M) {
	switch os.Getenv("TONGBAN_SCANNER_CHILD") {
	case "watcher":
		os.Exit(watcherChild())
	case "writer":
		os.Exit(writerChild())
	}
	os.Exit(m.Run())
}
