package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tongban/platform"
)

// Failure slow-down of the query page: after n failures in a row on a key
// the next attempt waits 0.5 s × 2^(n-1), at most maxBlock. Failures are
// forgotten after failureMemory without one.
const (
	baseBlock     = 500 * time.Millisecond
	maxBlock      = 15 * time.Minute
	failureMemory = time.Hour
	throttleTTL   = 24 * time.Hour
)

// Admit implements platform.LoopStore. Every bucket is a row locked for
// the transaction (UPDATE ... RETURNING), so nodes on one database share
// the buckets exactly. A refused request takes no token.
func (s *Store) Admit(ctx context.Context, limits []platform.ThrottleLimit, now time.Time) (time.Duration, error) {
	var wait time.Duration
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		wait = 0
		type bucket struct {
			tokens float64
			at     time.Time
		}
		buckets := make([]bucket, len(limits))
		for i, l := range limits {
			if _, err := s.exec(ctx, tx, `INSERT INTO query_throttle (key, tokens, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (key) DO NOTHING`, l.Key, l.Burst, us(now)); err != nil {
				return fmt.Errorf("throttle %s: %w", l.Key, err)
			}
			var tokens float64
			var updated, failures, blocked int64
			if err := s.row(ctx, tx, `UPDATE query_throttle SET tokens = tokens WHERE key = ?
				RETURNING tokens, updated_at, failures, blocked_until`, l.Key).Scan(&tokens, &updated, &failures, &blocked); err != nil {
				return fmt.Errorf("throttle %s: %w", l.Key, err)
			}
			if b := fromUS(blocked); b.After(now) && b.Sub(now) > wait {
				wait = b.Sub(now)
			}
			if el := now.Sub(fromUS(updated)); el > 0 && l.Every > 0 {
				tokens += float64(el) / float64(l.Every)
			}
			if tokens > l.Burst {
				tokens = l.Burst
			}
			if tokens < 1 {
				if w := time.Duration((1 - tokens) * float64(l.Every)); w > wait {
					wait = w
				}
			}
			buckets[i] = bucket{tokens: tokens, at: now}
		}
		if wait > 0 {
			return nil
		}
		for i, l := range limits {
			if _, err := s.exec(ctx, tx, `UPDATE query_throttle SET tokens = ?, updated_at = ? WHERE key = ?`,
				buckets[i].tokens-1, us(buckets[i].at), l.Key); err != nil {
				return fmt.Errorf("throttle %s: %w", l.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("admit: %w", err)
	}
	if wait == 0 && now.UnixNano()%97 == 0 {
		s.pruneThrottle(ctx, now)
	}
	return wait, nil
}

// Penalize implements platform.LoopStore.
func (s *Store) Penalize(ctx context.Context, keys []string, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			var failures, last int64
			err := s.row(ctx, tx, `UPDATE query_throttle SET failures = failures WHERE key = ? RETURNING failures, updated_at`, k).
				Scan(&failures, &last)
			if err == sql.ErrNoRows {
				continue // Admit creates the row first
			}
			if err != nil {
				return fmt.Errorf("penalize %s: %w", k, err)
			}
			if now.Sub(fromUS(last)) > failureMemory {
				failures = 0
			}
			failures++
			block := maxBlock
			if failures < 32 {
				if b := baseBlock << (failures - 1); b < maxBlock {
					block = b
				}
			}
			if _, err := s.exec(ctx, tx, `UPDATE query_throttle SET failures = ?, blocked_until = ?, updated_at = ? WHERE key = ?`,
				failures, us(now.Add(block)), us(now), k); err != nil {
				return fmt.Errorf("penalize %s: %w", k, err)
			}
		}
		return nil
	})
}

// pruneThrottle forgets buckets idle for a day (best effort).
func (s *Store) pruneThrottle(ctx context.Context, now time.Time) {
	_, _ = s.exec(ctx, s.db, `DELETE FROM query_throttle WHERE updated_at < ? AND blocked_until < ?`,
		us(now.Add(-throttleTTL)), us(now))
}
