package pgstore_test

import (
	"testing"

	"tongban/platform"
	"tongban/platform/pgstore"
	"tongban/platform/pgstore/pgtest"
	"tongban/platform/storetest"
)

func TestConformance(t *testing.T) {
	admin := pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) func() platform.Store {
		dsn := pgtest.NewDatabase(t, admin)
		return func() platform.Store {
			s, err := pgstore.Open(t.Context(), dsn)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}
