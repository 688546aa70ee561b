package app

import (
	"context"

	"tongban/app/remotefiles"
	"tongban/app/store"
)

// LoopDBForTest is the open database (tests build journals on it).
func (w *Workstation) LoopDBForTest() *store.DB {
	db, _ := w.ready()
	return db
}

// DeviceIDForTest is this workstation's device id.
func (w *Workstation) DeviceIDForTest() string { return w.deviceID }

// UseSourceForTest replaces the platform the service fetches files from.
func (h *HandlingService) UseSourceForTest(fn func(ctx context.Context) (remotefiles.Source, error)) {
	h.source = fn
}
