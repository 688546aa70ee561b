package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tongban/platform"
	"tongban/sync/protocol"
)

// Official numbers count per collecting place and calendar year (China
// Standard Time).
var cst = time.FixedZone("CST", 8*3600)

// BlockLifetime is how long a reserved block of numbers stays usable.
const BlockLifetime = 30 * 24 * time.Hour

// takeNumbers advances the (place, year) counter by count and returns the
// first serial taken. The counter row lock orders concurrent takers.
func (s *Store) takeNumbers(ctx context.Context, tx *sql.Tx, place string, year, count int) (int, error) {
	if _, err := s.exec(ctx, tx, `INSERT INTO number_counters (place, year, next) VALUES (?, ?, 1)
		ON CONFLICT (place, year) DO NOTHING`, place, year); err != nil {
		return 0, fmt.Errorf("init number counter: %w", err)
	}
	var next int
	if err := s.row(ctx, tx, `UPDATE number_counters SET next = next + ? WHERE place = ? AND year = ? RETURNING next`,
		count, place, year).Scan(&next); err != nil {
		return 0, fmt.Errorf("take numbers: %w", err)
	}
	return next - count, nil
}

// assignNumber gives an accepted case its 受理编号: the one the device took
// offline from a block reserved for it, if valid, or the next one of the
// collecting hall. The platform records it as a system action, so every
// device in the case's scope learns it through pull.
func (p *pushTx) assignNumber(a protocol.Action, cs caseScope) (string, error) {
	number, source := "", "platform"
	var offline protocol.OfficialNumberPayload
	if json.Unmarshal(a.Payload, &offline) == nil && offline.OfficialNumber != "" {
		err := p.s.row(p.ctx, p.tx, `UPDATE reserved_numbers SET used_by_case = ?
			WHERE number = ? AND device_id = ? AND used_by_case IS NULL AND expires_at > ? RETURNING number`,
			a.CaseID, offline.OfficialNumber, p.dev.ID, us(p.now)).Scan(&number)
		switch {
		case err == nil:
			source = "block"
		case !errors.Is(err, sql.ErrNoRows):
			return "", fmt.Errorf("use reserved number: %w", err)
		}
	}
	if number == "" {
		year := p.now.In(cst).Year()
		n, err := p.s.takeNumbers(p.ctx, p.tx, cs.hall, year, 1)
		if err != nil {
			return "", err
		}
		number = platform.FormatOfficialNumber(cs.hall, year, n)
	}
	if _, err := p.s.exec(p.ctx, p.tx, `UPDATE cases SET official_number = ? WHERE id = ?`, number, a.CaseID); err != nil {
		return "", fmt.Errorf("set official number: %w", err)
	}
	payload, _ := json.Marshal(protocol.OfficialNumberPayload{OfficialNumber: number, Source: source})
	sys := protocol.Action{ID: newID(), CaseID: a.CaseID, Kind: protocol.KindOfficialNumber, Actor: "platform",
		Role: "system", DeviceID: p.s.platformID, Hall: cs.hall, DeviceTime: p.now, Payload: payload}
	sys.BasedOnVersion = cs.version + 1
	if _, err := p.appendAction(sys, cs, platform.ActionFingerprint(sys), false); err != nil {
		return "", err
	}
	return number, nil
}

// ReserveNumbers implements platform.Store.
func (s *Store) ReserveNumbers(ctx context.Context, d platform.Device, count int, now time.Time) (protocol.NumberBlock, error) {
	var b protocol.NumberBlock
	if count < 1 || count > protocol.MaxNumberBlock {
		return b, protocol.Invalid("count", fmt.Sprintf("count must be 1..%d", protocol.MaxNumberBlock),
			fmt.Sprintf("预留数量须在 1–%d 之间", protocol.MaxNumberBlock))
	}
	now = now.UTC().Truncate(time.Microsecond)
	b = protocol.NumberBlock{ID: newID(), Hall: d.Hall, ExpiresAt: now.Add(BlockLifetime), Numbers: make([]string, 0, count)}
	year := now.In(cst).Year()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		first, err := s.takeNumbers(ctx, tx, d.Hall, year, count)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO number_blocks (id, device_id, hall, year, first, last, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, d.ID, d.Hall, year, first, first+count-1, us(now), us(b.ExpiresAt)); err != nil {
			return fmt.Errorf("record block: %w", err)
		}
		for i := 0; i < count; i++ {
			n := platform.FormatOfficialNumber(d.Hall, year, first+i)
			if _, err := s.exec(ctx, tx, `INSERT INTO reserved_numbers (number, block_id, device_id, expires_at) VALUES (?, ?, ?, ?)`,
				n, b.ID, d.ID, us(b.ExpiresAt)); err != nil {
				return fmt.Errorf("record reserved number: %w", err)
			}
			b.Numbers = append(b.Numbers, n)
		}
		return nil
	})
	if err != nil {
		return protocol.NumberBlock{}, fmt.Errorf("reserve numbers: %w", err)
	}
	return b, nil
}
