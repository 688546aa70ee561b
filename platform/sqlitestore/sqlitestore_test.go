package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"

	"tongban/platform"
	"tongban/platform/sqlitestore"
	"tongban/platform/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func() platform.Store {
		path := filepath.Join(t.TempDir(), "platform.db")
		return func() platform.Store {
			s, err := sqlitestore.Open(context.Background(), path)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}
