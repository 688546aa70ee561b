package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"tongban/platform"
	"tongban/sync/protocol"
)

const caseCols = `id, seq, hall, handling_place, matter_code, mode, provisional_number, device_id, created_at,
	COALESCE(data, ''), COALESCE(official_number, ''), version, received_at`

func scanCase(sc interface{ Scan(...any) error }) (protocol.StoredCase, error) {
	var c protocol.StoredCase
	var created, received int64
	var data string
	err := sc.Scan(&c.ID, &c.Seq, &c.Hall, &c.HandlingPlace, &c.MatterCode, &c.Mode, &c.ProvisionalNumber, &c.DeviceID,
		&created, &data, &c.OfficialNumber, &c.Version, &received)
	c.CreatedAt, c.ReceivedAt = fromUS(created), fromUS(received)
	if data != "" {
		c.Data = json.RawMessage(data)
	}
	return c, err
}

const actionCols = `id, seq, case_id, case_version, kind, actor, role, device_id, hall, device_time, based_on,
	COALESCE(payload, ''), COALESCE(attachments, ''), received_at, flagged`

func scanAction(sc interface{ Scan(...any) error }) (protocol.StoredAction, error) {
	var a protocol.StoredAction
	var devTime, received int64
	var payload, atts string
	var flagged int
	err := sc.Scan(&a.ID, &a.Seq, &a.CaseID, &a.CaseVersion, &a.Kind, &a.Actor, &a.Role, &a.DeviceID, &a.Hall, &devTime,
		&a.BasedOnVersion, &payload, &atts, &received, &flagged)
	if err != nil {
		return a, err
	}
	a.DeviceTime, a.ReceivedAt, a.Flagged = fromUS(devTime), fromUS(received), flagged != 0
	if payload != "" {
		a.Payload = json.RawMessage(payload)
	}
	if atts != "" {
		if err := json.Unmarshal([]byte(atts), &a.Attachments); err != nil {
			return a, fmt.Errorf("stored attachments: %w", err)
		}
	}
	return a, nil
}

// Pull implements platform.Store. It reads in one snapshot: the cases and
// actions with seq > after in the device's scope, the first limit of them
// in seq order, plus the current record of every case an action touches.
func (s *Store) Pull(ctx context.Context, d platform.Device, after int64, limit int) (platform.PullBatch, error) {
	var b platform.PullBatch
	if limit < 1 || limit > protocol.MaxPullLimit {
		limit = protocol.DefaultPull
	}
	tx, err := s.rdb.BeginTx(ctx, s.d.ReadTx)
	if err != nil {
		return b, fmt.Errorf("pull: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var head int64
	if err := s.row(ctx, tx, `SELECT value FROM counters WHERE name = 'seq'`).Scan(&head); err != nil {
		return b, fmt.Errorf("pull: read sequence: %w", err)
	}
	cases, err := s.pullCases(ctx, tx, d.Hall, after, limit+1)
	if err != nil {
		return b, err
	}
	actions, err := s.pullActions(ctx, tx, d.Hall, after, limit+1)
	if err != nil {
		return b, err
	}
	// Merge by seq and cut at limit items.
	type item struct {
		seq int64
		c   *protocol.StoredCase
		a   *protocol.StoredAction
	}
	items := make([]item, 0, len(cases)+len(actions))
	for i := range cases {
		items = append(items, item{seq: cases[i].Seq, c: &cases[i]})
	}
	for i := range actions {
		items = append(items, item{seq: actions[i].Seq, a: &actions[i]})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
	b.Upto = head
	if len(items) > limit {
		items, b.More, b.Upto = items[:limit], true, items[limit-1].seq
	}
	b.Cases, b.Actions = []protocol.StoredCase{}, []protocol.StoredAction{}
	have := map[string]bool{}
	var touched []string
	for _, it := range items {
		if it.c != nil {
			b.Cases = append(b.Cases, *it.c)
			have[it.c.ID] = true
		} else {
			b.Actions = append(b.Actions, *it.a)
		}
	}
	for _, a := range b.Actions {
		if !have[a.CaseID] {
			have[a.CaseID] = true
			touched = append(touched, a.CaseID)
		}
	}
	more, err := s.casesByID(ctx, tx, touched)
	if err != nil {
		return b, err
	}
	// The case records reflect the snapshot: their version and official
	// number may include actions beyond this batch, which is harmless
	// because every field of them only ever moves forward.
	b.Cases = append(b.Cases, more...)
	if err := s.fillPlaces(ctx, tx, b.Cases); err != nil {
		return b, err
	}
	return b, nil
}

// fillPlaces sets the further handling places (多地联办) of the cases.
func (s *Store) fillPlaces(ctx context.Context, q queryer, cs []protocol.StoredCase) error {
	idx := make(map[string]int, len(cs))
	ids := make([]any, 0, len(cs))
	for i := range cs {
		idx[cs[i].ID] = i
		ids = append(ids, cs[i].ID)
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 200)]
		ids = ids[len(chunk):]
		rows, err := s.query(ctx, q, `SELECT case_id, place FROM case_places WHERE case_id IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`) ORDER BY case_id, place`, chunk...)
		if err != nil {
			return fmt.Errorf("read case places: %w", err)
		}
		for rows.Next() {
			var id, place string
			if err := rows.Scan(&id, &place); err != nil {
				rows.Close()
				return fmt.Errorf("read case places: %w", err)
			}
			if i, ok := idx[id]; ok {
				cs[i].Places = append(cs[i].Places, place)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read case places: %w", err)
		}
	}
	return nil
}

// inCasePlaces reports whether place is one of a case's further handling
// places (多地联办).
func (s *Store) inCasePlaces(ctx context.Context, q queryer, caseID, place string) (bool, error) {
	var one int
	err := s.row(ctx, q, `SELECT 1 FROM case_places WHERE case_id = ? AND place = ?`, caseID, place).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read case places: %w", err)
	}
	return true, nil
}

func (s *Store) pullCases(ctx context.Context, tx *sql.Tx, hall string, after int64, n int) ([]protocol.StoredCase, error) {
	rows, err := s.query(ctx, tx, `SELECT `+caseCols+` FROM cases WHERE hall = ? AND seq > ?
		UNION ALL SELECT `+caseCols+` FROM cases WHERE handling_place = ? AND hall <> ? AND seq > ?
		UNION ALL SELECT `+caseCols+` FROM cases WHERE id IN (SELECT case_id FROM case_places WHERE place = ?)
			AND hall <> ? AND handling_place <> ? AND seq > ?
		ORDER BY 2 LIMIT ?`, hall, after, hall, hall, after, hall, hall, hall, after, n)
	if err != nil {
		return nil, fmt.Errorf("pull cases: %w", err)
	}
	defer rows.Close()
	var out []protocol.StoredCase
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("pull cases: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) pullActions(ctx context.Context, tx *sql.Tx, hall string, after int64, n int) ([]protocol.StoredAction, error) {
	rows, err := s.query(ctx, tx, `SELECT `+actionCols+` FROM actions WHERE case_hall = ? AND seq > ?
		UNION ALL SELECT `+actionCols+` FROM actions WHERE case_place = ? AND case_hall <> ? AND seq > ?
		UNION ALL SELECT `+actionCols+` FROM actions WHERE case_id IN (SELECT case_id FROM case_places WHERE place = ?)
			AND case_hall <> ? AND case_place <> ? AND seq > ?
		ORDER BY 2 LIMIT ?`, hall, after, hall, hall, after, hall, hall, hall, after, n)
	if err != nil {
		return nil, fmt.Errorf("pull actions: %w", err)
	}
	defer rows.Close()
	var out []protocol.StoredAction
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, fmt.Errorf("pull actions: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) casesByID(ctx context.Context, q queryer, ids []string) ([]protocol.StoredCase, error) {
	var out []protocol.StoredCase
	for len(ids) > 0 {
		chunk := ids
		if len(chunk) > 200 {
			chunk = chunk[:200]
		}
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.query(ctx, q, `SELECT `+caseCols+` FROM cases WHERE id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) ORDER BY seq`, args...)
		if err != nil {
			return nil, fmt.Errorf("read cases: %w", err)
		}
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("read cases: %w", err)
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read cases: %w", err)
		}
	}
	return out, nil
}

// Case implements platform.Store.
func (s *Store) Case(ctx context.Context, d platform.Device, id string) (protocol.StoredCase, []protocol.StoredAction, error) {
	c, err := scanCase(s.row(ctx, s.db, `SELECT `+caseCols+` FROM cases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil, platform.ErrNotFound
	}
	if err != nil {
		return c, nil, fmt.Errorf("read case: %w", err)
	}
	one := []protocol.StoredCase{c}
	if err := s.fillPlaces(ctx, s.db, one); err != nil {
		return c, nil, err
	}
	c = one[0]
	if c.Hall != d.Hall && c.HandlingPlace != d.Hall && !slices.Contains(c.Places, d.Hall) {
		// Not in scope: answer as if it did not exist, so that ids of other
		// halls' cases cannot be probed.
		return protocol.StoredCase{}, nil, platform.ErrNotFound
	}
	rows, err := s.query(ctx, s.db, `SELECT `+actionCols+` FROM actions WHERE case_id = ? ORDER BY case_version`, id)
	if err != nil {
		return c, nil, fmt.Errorf("read actions: %w", err)
	}
	defer rows.Close()
	actions := []protocol.StoredAction{}
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return c, nil, fmt.Errorf("read actions: %w", err)
		}
		actions = append(actions, a)
	}
	return c, actions, rows.Err()
}
