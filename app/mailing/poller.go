package mailing

import (
	"context"
	"log/slog"
	"time"
)

// Poller refreshes tracking on a timer. Both functions are called on every
// tick, so changed settings (interval, hall, courier) apply without a
// restart.
type Poller struct {
	// Service builds the mailing service with the settings in force; ok
	// false skips the tick (no hall yet, database in recovery).
	Service func() (svc *Service, ok bool)
	// Every is the interval; <= 0 means 30 minutes.
	Every func() time.Duration
	Log   *slog.Logger
}

// Serve polls until ctx ends; it returns ctx's error.
func (p *Poller) Serve(ctx context.Context) error {
	for {
		d := p.Every()
		if d <= 0 {
			d = 30 * time.Minute
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		p.tick(ctx)
	}
}

func (p *Poller) tick(ctx context.Context) {
	svc, ok := p.Service()
	if !ok {
		return
	}
	n, err := svc.Refresh(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		p.Log.Warn("tracking refresh failed", "err", err)
	case n > 0:
		p.Log.Info("tracking refreshed", "events", n)
	}
}
