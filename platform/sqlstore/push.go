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

// pushTx is the state of one push transaction.
type pushTx struct {
	s   *Store
	ctx context.Context
	tx  *sql.Tx
	dev platform.Device
	now time.Time
	seq int64 // last sequence number handed out
}

// Push implements platform.Store. The transaction first locks the
// platform's sequence row and holds it to commit: sequence numbers are
// therefore handed out in commit order, which is what lets a pull cursor be
// a plain "seq > n" without ever skipping a late commit, on one node or many.
func (s *Store) Push(ctx context.Context, d platform.Device, req protocol.PushRequest, now time.Time) (protocol.PushResponse, error) {
	now = now.UTC().Truncate(time.Microsecond)
	resp := protocol.PushResponse{Cases: []protocol.ItemResult{}, Actions: []protocol.ItemResult{}}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		p := &pushTx{s: s, ctx: ctx, tx: tx, dev: d, now: now}
		if err := s.row(ctx, tx, `UPDATE counters SET value = value WHERE name = 'seq' RETURNING value`).Scan(&p.seq); err != nil {
			return fmt.Errorf("lock sequence: %w", err)
		}
		start := p.seq
		resp.Cases = resp.Cases[:0]
		resp.Actions = resp.Actions[:0]
		for _, c := range req.Cases {
			r, err := p.putCase(c)
			if err != nil {
				return err
			}
			resp.Cases = append(resp.Cases, r)
		}
		for _, a := range req.Actions {
			r, err := p.putAction(a)
			if err != nil {
				return err
			}
			resp.Actions = append(resp.Actions, r)
		}
		if p.seq != start {
			if _, err := s.exec(ctx, tx, `UPDATE counters SET value = ? WHERE name = 'seq'`, p.seq); err != nil {
				return fmt.Errorf("advance sequence: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return protocol.PushResponse{}, fmt.Errorf("push: %w", err)
	}
	return resp, nil
}

func rejected(id string, e *protocol.Error) protocol.ItemResult {
	return protocol.ItemResult{ID: id, Status: protocol.StatusRejected, Error: e}
}

func (p *pushTx) putCase(c protocol.Case) (protocol.ItemResult, error) {
	if e := protocol.ValidateCase(c); e != nil {
		return rejected(c.ID, e), nil
	}
	if c.Hall != p.dev.Hall || c.DeviceID != p.dev.ID {
		return rejected(c.ID, protocol.Errorf(protocol.EFORBIDDEN, "a device creates cases only for its own hall",
			"只能为本设备所在服务大厅创建办件")), nil
	}
	fp := platform.CaseFingerprint(c)
	var oldFP, number string
	var seq, received int64
	err := p.s.row(p.ctx, p.tx, `SELECT fingerprint, seq, received_at, COALESCE(official_number, '') FROM cases WHERE id = ?`, c.ID).
		Scan(&oldFP, &seq, &received, &number)
	switch {
	case err == nil:
		r := protocol.ItemResult{ID: c.ID, Status: protocol.StatusDuplicate, Seq: seq,
			ReceivedAt: protocol.FormatTime(fromUS(received)), OfficialNumber: number}
		if oldFP != fp {
			r.Status = protocol.StatusConflict
			r.Error = protocol.Errorf(protocol.ECONFLICT, "case id already used with different content",
				"该办件标识已被不同内容使用（数据冲突），请联系管理员")
		}
		return r, nil
	case !errors.Is(err, sql.ErrNoRows):
		return protocol.ItemResult{}, fmt.Errorf("read case: %w", err)
	}
	var place string
	err = p.s.row(p.ctx, p.tx, `SELECT code FROM places WHERE code = ?`, c.HandlingPlace).Scan(&place)
	if errors.Is(err, sql.ErrNoRows) {
		return rejected(c.ID, protocol.Invalid("handlingPlace", "unknown handling place "+c.HandlingPlace,
			"办理地 "+c.HandlingPlace+" 不在平台的地点目录中")), nil
	}
	if err != nil {
		return protocol.ItemResult{}, fmt.Errorf("read place: %w", err)
	}
	for _, pl := range c.Places {
		err = p.s.row(p.ctx, p.tx, `SELECT code FROM places WHERE code = ?`, pl).Scan(&place)
		if errors.Is(err, sql.ErrNoRows) {
			return rejected(c.ID, protocol.Invalid("places", "unknown handling place "+pl,
				"联办地点 "+pl+" 不在平台的地点目录中")), nil
		}
		if err != nil {
			return protocol.ItemResult{}, fmt.Errorf("read place: %w", err)
		}
	}
	p.seq++
	_, err = p.s.exec(p.ctx, p.tx, `INSERT INTO cases (id, seq, hall, handling_place, matter_code, mode, provisional_number,
		device_id, created_at, data, fingerprint, version, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
		c.ID, p.seq, c.Hall, c.HandlingPlace, c.MatterCode, c.Mode, c.ProvisionalNumber, c.DeviceID, us(c.CreatedAt),
		nullText(c.Data), fp, us(p.now))
	if err != nil {
		return protocol.ItemResult{}, fmt.Errorf("insert case: %w", err)
	}
	for _, pl := range c.Places {
		if _, err := p.s.exec(p.ctx, p.tx, `INSERT INTO case_places (case_id, place) VALUES (?, ?)`, c.ID, pl); err != nil {
			return protocol.ItemResult{}, fmt.Errorf("insert case place: %w", err)
		}
	}
	if err := p.projectCase(c); err != nil {
		return protocol.ItemResult{}, err
	}
	return protocol.ItemResult{ID: c.ID, Status: protocol.StatusCreated, Seq: p.seq, ReceivedAt: protocol.FormatTime(p.now)}, nil
}

func nullText(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// caseScope is what an action insert needs to know about its case.
type caseScope struct {
	hall, place, number, checkedOutBy string
	version                           int
}

func (p *pushTx) putAction(a protocol.Action) (protocol.ItemResult, error) {
	if e := protocol.ValidateAction(a); e != nil {
		return rejected(a.ID, e), nil
	}
	if a.DeviceID != p.dev.ID || a.Hall != p.dev.Hall {
		return rejected(a.ID, protocol.Errorf(protocol.EFORBIDDEN, "action's device or hall is not the caller's",
			"操作记录的设备或所在地与本设备不符")), nil
	}
	fp := platform.ActionFingerprint(a)
	var oldFP string
	var r protocol.ItemResult
	var received int64
	var flagged int
	err := p.s.row(p.ctx, p.tx, `SELECT a.fingerprint, a.seq, a.case_version, a.received_at, a.flagged, COALESCE(c.official_number, '')
		FROM actions a JOIN cases c ON c.id = a.case_id WHERE a.id = ?`, a.ID).
		Scan(&oldFP, &r.Seq, &r.CaseVersion, &received, &flagged, &r.OfficialNumber)
	switch {
	case err == nil:
		r.ID, r.Status, r.ReceivedAt, r.Flagged = a.ID, protocol.StatusDuplicate, protocol.FormatTime(fromUS(received)), flagged != 0
		if oldFP != fp {
			r.Status = protocol.StatusConflict
			r.Error = protocol.Errorf(protocol.ECONFLICT, "action id already used with different content",
				"该操作标识已被不同内容使用（数据冲突），请联系管理员")
		}
		return r, nil
	case !errors.Is(err, sql.ErrNoRows):
		return r, fmt.Errorf("read action: %w", err)
	}
	var cs caseScope
	err = p.s.row(p.ctx, p.tx, `SELECT hall, handling_place, COALESCE(official_number, ''), COALESCE(checked_out_by, ''), version
		FROM cases WHERE id = ?`, a.CaseID).Scan(&cs.hall, &cs.place, &cs.number, &cs.checkedOutBy, &cs.version)
	if errors.Is(err, sql.ErrNoRows) {
		return rejected(a.ID, protocol.Errorf(protocol.ENOTFOUND, "case not on the platform yet: push the case first",
			"办件尚未上传到平台，请先上传办件")), nil
	}
	if err != nil {
		return r, fmt.Errorf("read case: %w", err)
	}
	if cs.hall != p.dev.Hall && cs.place != p.dev.Hall {
		in, err := p.s.inCasePlaces(p.ctx, p.tx, a.CaseID, p.dev.Hall)
		if err != nil {
			return r, err
		}
		if !in {
			return rejected(a.ID, platform.ErrForbidden), nil
		}
	}
	fl, err := p.concurrent(a, cs)
	if err != nil {
		return r, err
	}
	version, err := p.appendAction(a, cs, fp, fl)
	if err != nil {
		return r, err
	}
	if err := p.projectAction(a); err != nil {
		return r, err
	}
	r = protocol.ItemResult{ID: a.ID, Status: protocol.StatusCreated, Seq: p.seq, CaseVersion: version,
		ReceivedAt: protocol.FormatTime(p.now), Flagged: fl, OfficialNumber: cs.number}
	if err := p.trackCheckout(a, fl); err != nil {
		return r, err
	}
	if a.Kind == protocol.KindAccepted && cs.number == "" {
		n, err := p.assignNumber(a, cs)
		if err != nil {
			return r, err
		}
		r.OfficialNumber = n
	}
	return r, nil
}

// concurrent reports whether a decision was taken on an older version of
// the case than another device's since (flagged actions aside), or while
// someone else held the case checked out: a supervisor has to look at it.
func (p *pushTx) concurrent(a protocol.Action, cs caseScope) (bool, error) {
	if !protocol.IsDecision(a.Kind) {
		return false, nil
	}
	if cs.checkedOutBy != "" {
		actor, hall := protocol.SplitHolder(cs.checkedOutBy)
		switch {
		case actor == a.Actor && (hall == "" || hall == a.Hall):
			return false, nil // the holder of the check-out decides
		case a.Role == "handler" && hall != "" && hall != a.Hall:
			// Another place's check-out of a 多地联办 case: not this task.
		default:
			return true, nil
		}
	}
	if a.BasedOnVersion >= cs.version {
		return false, nil
	}
	// A handling place decides its own task: the other places of a 多地联办
	// case working on theirs meanwhile is not a concurrent decision.
	q := `SELECT COUNT(*) FROM actions WHERE case_id = ? AND case_version > ? AND device_id <> ? AND flagged = 0`
	args := []any{a.CaseID, a.BasedOnVersion, a.DeviceID}
	if a.Role == "handler" {
		q += ` AND hall = ?`
		args = append(args, a.Hall)
	}
	var n int
	err := p.s.row(p.ctx, p.tx, q, args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check concurrent actions: %w", err)
	}
	return n > 0, nil
}

func (p *pushTx) appendAction(a protocol.Action, cs caseScope, fp string, flagged bool) (int, error) {
	var version int
	if err := p.s.row(p.ctx, p.tx, `UPDATE cases SET version = version + 1 WHERE id = ? RETURNING version`, a.CaseID).Scan(&version); err != nil {
		return 0, fmt.Errorf("bump case version: %w", err)
	}
	var atts any
	if len(a.Attachments) > 0 {
		b, _ := json.Marshal(a.Attachments)
		atts = string(b)
	}
	fl := 0
	if flagged {
		fl = 1
	}
	p.seq++
	_, err := p.s.exec(p.ctx, p.tx, `INSERT INTO actions (id, seq, case_id, case_version, case_hall, case_place, kind, actor, role,
		device_id, hall, device_time, based_on, payload, attachments, fingerprint, received_at, flagged)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, p.seq, a.CaseID, version, cs.hall, cs.place, a.Kind, a.Actor, a.Role, a.DeviceID, a.Hall, us(a.DeviceTime),
		a.BasedOnVersion, nullText(a.Payload), atts, fp, us(p.now), fl)
	if err != nil {
		return 0, fmt.Errorf("insert action: %w", err)
	}
	for _, at := range a.Attachments {
		if _, err := p.s.exec(p.ctx, p.tx, `INSERT INTO case_blobs (case_id, sha256, size) VALUES (?, ?, ?)
			ON CONFLICT (case_id, sha256) DO NOTHING`, a.CaseID, at.SHA256, at.Size); err != nil {
			return 0, fmt.Errorf("record attachment: %w", err)
		}
	}
	return version, nil
}

func (p *pushTx) trackCheckout(a protocol.Action, flagged bool) error {
	var q string
	var args []any
	switch {
	case a.Kind == protocol.KindCheckedOut && !flagged:
		q, args = `UPDATE cases SET checked_out_by = ? WHERE id = ?`, []any{protocol.HolderKey(a.Actor, a.Hall), a.CaseID}
	case a.Kind == protocol.KindReleased:
		q, args = `UPDATE cases SET checked_out_by = NULL WHERE id = ? AND checked_out_by IN (?, ?)`,
			[]any{a.CaseID, protocol.HolderKey(a.Actor, a.Hall), a.Actor}
	default:
		return nil
	}
	if _, err := p.s.exec(p.ctx, p.tx, q, args...); err != nil {
		return fmt.Errorf("track check-out: %w", err)
	}
	return nil
}
