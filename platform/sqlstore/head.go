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

var _ platform.TouchReader = (*Store)(nil)

// Touched implements platform.TouchReader: the places whose devices see a
// change in (from, to] — the collecting hall, the handling place and the
// further places (多地联办) of every case created or acted on there. Both
// bounds are sequence numbers, so the unique seq indexes serve it.
func (s *Store) Touched(ctx context.Context, from, to int64) ([]string, error) {
	rows, err := s.query(ctx, s.rdb, `SELECT case_hall FROM actions WHERE seq > ? AND seq <= ?
		UNION SELECT case_place FROM actions WHERE seq > ? AND seq <= ?
		UNION SELECT hall FROM cases WHERE seq > ? AND seq <= ?
		UNION SELECT handling_place FROM cases WHERE seq > ? AND seq <= ?
		UNION SELECT cp.place FROM case_places cp WHERE cp.case_id IN (
			SELECT case_id FROM actions WHERE seq > ? AND seq <= ? UNION SELECT id FROM cases WHERE seq > ? AND seq <= ?)`,
		from, to, from, to, from, to, from, to, from, to, from, to)
	if err != nil {
		return nil, fmt.Errorf("touched places: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("touched places: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
