package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tongban/platform"
)

// CreateEnrollCode implements platform.Store.
func (s *Store) CreateEnrollCode(ctx context.Context, c platform.EnrollCode) error {
	if _, err := s.Place(ctx, c.Hall); err != nil {
		return fmt.Errorf("enroll code for %s: %w", c.Hall, err)
	}
	_, err := s.exec(ctx, s.db, `INSERT INTO enroll_codes (hash, hall, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		c.Hash, c.Hall, us(c.CreatedAt), us(c.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create enroll code: %w", err)
	}
	return nil
}

// Enroll implements platform.Store. The code is consumed by a conditional
// UPDATE, so two devices racing with one code (even on two nodes) cannot
// both win.
func (s *Store) Enroll(ctx context.Context, codeHash string, d platform.Device, tokenHash string, now time.Time) (platform.Device, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var hall string
		err := s.row(ctx, tx, `UPDATE enroll_codes SET used_at = ?, device_id = ?
			WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING hall`,
			us(now), d.ID, codeHash, us(now)).Scan(&hall)
		if errors.Is(err, sql.ErrNoRows) {
			return platform.ErrEnrollCode
		}
		if err != nil {
			return fmt.Errorf("use enroll code: %w", err)
		}
		d.Hall, d.EnrolledAt = hall, now.UTC().Truncate(time.Microsecond)
		_, err = s.exec(ctx, tx, `INSERT INTO devices (id, name, hall, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?)`,
			d.ID, d.Name, d.Hall, tokenHash, us(now))
		if err != nil {
			return fmt.Errorf("create device: %w", err)
		}
		return nil
	})
	return d, err
}

const deviceCols = `id, name, hall, enrolled_at, revoked_at`

func scanDevice(sc interface{ Scan(...any) error }) (platform.Device, error) {
	var d platform.Device
	var enrolled int64
	var revoked sql.NullInt64
	err := sc.Scan(&d.ID, &d.Name, &d.Hall, &enrolled, &revoked)
	d.EnrolledAt, d.RevokedAt = fromUS(enrolled), fromNullUS(revoked)
	return d, err
}

// DeviceByTokenHash implements platform.Store. A revoked device is returned
// too (with RevokedAt set); the caller refuses it.
func (s *Store) DeviceByTokenHash(ctx context.Context, tokenHash string) (platform.Device, error) {
	d, err := scanDevice(s.row(ctx, s.db, `SELECT `+deviceCols+` FROM devices WHERE token_hash = ?`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return d, platform.ErrUnauthorized
	}
	if err != nil {
		return d, fmt.Errorf("read device: %w", err)
	}
	return d, nil
}

// Devices implements platform.Store.
func (s *Store) Devices(ctx context.Context) ([]platform.Device, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+deviceCols+` FROM devices ORDER BY enrolled_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer rows.Close()
	var out []platform.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RevokeDevice implements platform.Store.
func (s *Store) RevokeDevice(ctx context.Context, id string, now time.Time) error {
	res, err := s.exec(ctx, s.db, `UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, us(now), id)
	if err != nil {
		return fmt.Errorf("revoke device: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return platform.ErrNotFound
	}
	return nil
}
