package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

func (s *Store) initMeta(ctx context.Context) error {
	for _, k := range []string{"platform_id", "epoch"} {
		if _, err := s.exec(ctx, s.db, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
			k, newID()); err != nil {
			return fmt.Errorf("init meta: %w", err)
		}
	}
	return nil
}

func (s *Store) meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.row(ctx, s.db, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("meta %s missing", key)
	}
	if err != nil {
		return "", fmt.Errorf("read meta %s: %w", key, err)
	}
	return v, nil
}

// PlatformID implements platform.Store.
func (s *Store) PlatformID(ctx context.Context) (string, error) { return s.meta(ctx, "platform_id") }

// Epoch implements platform.Store.
func (s *Store) Epoch(ctx context.Context) (string, error) { return s.meta(ctx, "epoch") }

// ResetEpoch makes every outstanding pull cursor unusable (after a restore
// from backup, when the change feed went back in time).
func (s *Store) ResetEpoch(ctx context.Context) (string, error) {
	e := newID()
	if _, err := s.exec(ctx, s.db, `UPDATE meta SET value = ? WHERE key = 'epoch'`, e); err != nil {
		return "", fmt.Errorf("reset epoch: %w", err)
	}
	return e, nil
}
