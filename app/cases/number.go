package cases

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ProvisionalPrefix starts every provisional number. Official 受理编号 come
// from the platform and never start with it.
const ProvisionalPrefix = "临-"

// nextProvisional allocates 临-<hall>-<yyyymmdd>-<devtag>-<seq>: unique
// across the devices of one hall because of the device tag, and clearly a
// different shape from an official number.
func (s *Service) nextProvisional(ctx context.Context, tx *sql.Tx, at time.Time) (string, error) {
	day := at.In(hallZone).Format("20060102")
	var seq int
	err := tx.QueryRowContext(ctx, `INSERT INTO case_counters(hall_code, day, seq) VALUES (?, ?, 1)
		ON CONFLICT(hall_code, day) DO UPDATE SET seq = seq + 1 RETURNING seq`, s.cfg.HallCode, day).Scan(&seq)
	if err != nil {
		return "", fmt.Errorf("provisional number: %w", err)
	}
	return fmt.Sprintf("%s%s-%s-%s-%04d", ProvisionalPrefix, s.cfg.HallCode, day, s.cfg.DeviceTag, seq), nil
}

// IsProvisional reports whether a case number is a provisional one.
func IsProvisional(no string) bool { return strings.HasPrefix(no, ProvisionalPrefix) }
