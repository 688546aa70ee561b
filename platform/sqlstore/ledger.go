package sqlstore

import (
	"context"
	"fmt"

	"tongban/platform"
)

// ledgerSQL groups the progress projection; it is plain SQL both SQLite
// and PostgreSQL run (integer microseconds, CASE sums cast to BIGINT).
const ledgerSQL = `SELECT p.received_month, p.hall, COALESCE(MAX(pl.name), ''), p.matter_code, MAX(p.matter_name), p.mode,
	COUNT(*),
	CAST(SUM(CASE WHEN p.accepted_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT),
	CAST(SUM(CASE WHEN p.refused_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT),
	CAST(SUM(CASE WHEN p.handled_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT),
	CAST(SUM(CASE WHEN p.accepted_at IS NOT NULL AND p.handled_at IS NULL AND p.refused_at IS NULL
		AND p.withdrawn_at IS NULL AND p.closed_at IS NULL THEN 1 ELSE 0 END) AS BIGINT),
	CAST(SUM(CASE WHEN p.due_at IS NOT NULL AND (p.handled_at > p.due_at OR (p.handled_at IS NULL AND p.refused_at IS NULL
		AND p.withdrawn_at IS NULL AND p.closed_at IS NULL AND p.due_at < ?)) THEN 1 ELSE 0 END) AS BIGINT),
	CAST(SUM(CASE WHEN p.handled_at IS NOT NULL AND p.accepted_at IS NOT NULL THEN (p.handled_at - p.accepted_at) / 1000000 ELSE 0 END) AS BIGINT),
	CAST(SUM(CASE WHEN p.handled_at IS NOT NULL AND p.accepted_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT)
FROM case_progress p LEFT JOIN places pl ON pl.code = p.hall
WHERE p.received_at >= ? AND p.received_at < ? AND (? = '' OR p.hall = ?)
GROUP BY p.received_month, p.hall, p.matter_code, p.mode
ORDER BY p.received_month, p.hall, p.matter_code, p.mode`

// Ledger implements platform.LoopStore.
func (s *Store) Ledger(ctx context.Context, q platform.LedgerQuery) ([]platform.LedgerRow, error) {
	rows, err := s.query(ctx, s.rdb, ledgerSQL, us(q.Now), us(q.From), us(q.To), q.Hall, q.Hall)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	out := []platform.LedgerRow{}
	for rows.Next() {
		var r platform.LedgerRow
		var secs, handled int64
		if err := rows.Scan(&r.Month, &r.Hall, &r.HallName, &r.MatterCode, &r.MatterName, &r.Mode, &r.Received, &r.Accepted,
			&r.Refused, &r.Completed, &r.InProgress, &r.Overdue, &secs, &handled); err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		if handled > 0 {
			r.AvgHandlingHours = float64(secs) / float64(handled) / 3600
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}
