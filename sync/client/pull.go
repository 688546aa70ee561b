package client

import (
	"context"
	"errors"
	"fmt"

	"tongban/sync/protocol"
)

// pullAll applies batches until the platform has nothing more. A cursor
// the platform cannot continue (412) is forgotten once per round and the
// device pulls a full snapshot of its scope; the outbox is untouched.
func (s *Syncer) pullAll(ctx context.Context, api *API) (int, error) {
	applied := 0
	rebuilt := false
	for {
		cur, err := s.cfg.Store.Cursor(ctx)
		if err != nil {
			return applied, fmt.Errorf("read cursor: %w", err)
		}
		b, err := api.Pull(ctx, cur, s.cfg.PullLimit)
		var pe *protocol.Error
		if errors.As(err, &pe) && pe.Code == protocol.ECURSOR && !rebuilt {
			s.cfg.Logger.Warn("pull cursor refused by the platform, rebuilding from a snapshot")
			if err := s.cfg.Store.ResetCursor(ctx); err != nil {
				return applied, fmt.Errorf("reset cursor: %w", err)
			}
			rebuilt = true
			continue
		}
		if err != nil {
			return applied, err
		}
		if err := s.cfg.Store.ApplyPull(ctx, b); err != nil {
			return applied, fmt.Errorf("apply pull: %w", err)
		}
		applied += len(b.Actions)
		if !b.More {
			return applied, nil
		}
	}
}
