package sqlstore

import (
	"context"
	"fmt"

	"tongban/platform"
)

var _ platform.HeadReader = (*Store)(nil)

// HeadSeq implements platform.HeadReader: the newest committed sequence
// number (one row of counters; a push holds that row locked until commit,
// so a reader sees a number only once everything up to it is committed).
func (s *Store) HeadSeq(ctx context.Context) (int64, error) {
	var head int64
	if err := s.row(ctx, s.rdb, `SELECT value FROM counters WHERE name = 'seq'`).Scan(&head); err != nil {
		return 0, fmt.Errorf("read sequence head: %w", err)
	}
	return head, nil
}
