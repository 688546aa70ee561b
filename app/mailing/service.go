package mailing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/identity"
	"tongban/app/store"
	"tongban/printing/courier"
	"tongban/printing/perr"
)

// Journal is what mailing needs of the case journal (cases.Service behind
// an adapter that supplies the actor for reads).
type Journal interface {
	// Detail returns a case, personal data masked.
	Detail(ctx context.Context, caseID string) (cases.Detail, error)
	// Record appends a loop action (cases.Service.Record).
	Record(ctx context.Context, actor cases.Actor, caseID string, basedOn int, kind cases.Kind, reason string, payload any) (cases.State, error)
}

// Config is the hall and its mail settings.
type Config struct {
	HallCode    string
	HallName    string
	Sender      courier.Address // the hall as sender; Org defaults to HallName
	Courier     courier.Courier
	CourierName string // settings key of the courier, e.g. "demo"
	StuckHours  int    // default 72
	Now         func() time.Time
}

// Service runs the hall's mailing. It is cheap: build one per call with the
// settings in force.
type Service struct {
	db    *store.DB
	j     Journal
	audit *audit.Log
	cfg   Config
}

// New returns a Service.
func New(db *store.DB, j Journal, log *audit.Log, cfg Config) (*Service, error) {
	if !ValidPlace(cfg.HallCode) {
		return nil, errs.New(errs.EINVALID, "mailing: hall code required", "本机尚未设置服务大厅的行政区划代码，暂不能寄递")
	}
	if cfg.Courier == nil {
		return nil, errors.New("mailing: courier required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.StuckHours <= 0 {
		cfg.StuckHours = 72
	}
	if cfg.Sender.Org == "" {
		cfg.Sender.Org = cfg.HallName
	}
	if cfg.Sender.Detail == "" {
		cfg.Sender.Detail = cfg.HallName
	}
	return &Service{db: db, j: j, audit: log, cfg: cfg}, nil
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// frozen is the refusal of a change to a dispatched manifest.
var frozen = errs.New(errs.ECONFLICT, "batch dispatched, manifest frozen", "批次已寄出，交接清单不能再变更")

// sealed is the refusal of a new case once dispatch began.
var sealed = errs.New(errs.ECONFLICT, "batch dispatch under way",
	"批次正在寄出（已有办件登记寄递），交接清单不能再加入办件；请先完成寄出，新办件放入下一批次")

// dispatchable reports whether a case in mode and status may get a
// dispatched action from the hall (the journal's rule, without roles).
func dispatchable(mode cases.Mode, st cases.Status) bool {
	switch mode {
	case cases.ModeProxy:
		return st == cases.StatusAccepted
	case cases.ModeMultiPlace:
		return st == cases.StatusAccepted || st == cases.StatusDispatched || st == cases.StatusHandling || st == cases.StatusSentBack
	}
	return false
}

// pending are the places of st still to be mailed: in the form, with no
// task (or, 多地联办, a refused task the hall may send again).
func (s *Service) pending(st cases.State) []string {
	var out []string
	for _, p := range Places(st.Matter.Mode, st.Form, s.cfg.HallCode) {
		i := st.TaskFor(p)
		if i < 0 || (st.Matter.Mode == cases.ModeMultiPlace && st.Tasks[i].Decision == cases.DecisionRefuse) {
			out = append(out, p)
		}
	}
	return out
}

// openPlaces lists the places for which caseID is in an open batch.
func openPlaces(ctx context.Context, q querier, caseID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.place FROM mail_items i JOIN mail_batches b ON b.id = i.batch_id
		WHERE i.case_id = ? AND b.status = 'open'`, caseID)
	if err != nil {
		return nil, fmt.Errorf("open batches of case: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Candidates lists accepted 异地代收代办 / 多地联办 cases of this hall with a
// handling place not dispatched and not in an open batch; place "" means
// any place.
func (s *Service) Candidates(ctx context.Context, place string) ([]Candidate, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT id FROM cases WHERE hall_code = ? AND
		((mode = ? AND status = 'accepted') OR (mode = ? AND status IN ('accepted', 'dispatched', 'handling', 'sent_back')))
		ORDER BY received_at`, s.cfg.HallCode, cases.ModeProxy, cases.ModeMultiPlace)
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("candidates: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	out := []Candidate{}
	for _, id := range ids {
		d, err := s.j.Detail(ctx, id)
		if err != nil {
			return nil, err
		}
		inBatch, err := openPlaces(ctx, s.db.Reader(), id)
		if err != nil {
			return nil, err
		}
		c := Candidate{Summary: d.Summary, Places: []string{}, PlaceNames: []string{}}
		for _, p := range s.pending(d.State) {
			if slices.Contains(inBatch, p) || (place != "" && p != place) {
				continue
			}
			c.Places = append(c.Places, p)
			c.PlaceNames = append(c.PlaceNames, PlaceNameIn(ctx, s.db.Reader(), p))
		}
		if len(c.Places) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// Batches lists the hall's batches, newest first; status "" means all.
func (s *Service) Batches(ctx context.Context, status string) ([]Batch, error) {
	switch status {
	case "", StatusOpen, StatusDispatched:
	default:
		return nil, errs.Invalid("status", "unknown batch status "+status, "批次状态应为 open 或 dispatched")
	}
	return listBatches(ctx, s.db.Reader(), s.cfg.HallCode, status)
}

// Batch returns a batch with its cases.
func (s *Service) Batch(ctx context.Context, id string) (BatchDetail, error) {
	b, err := getBatch(ctx, s.db.Reader(), s.cfg.HallCode, id)
	if err != nil {
		return BatchDetail{}, err
	}
	items, err := listItems(ctx, s.db.Reader(), id)
	if err != nil {
		return BatchDetail{}, err
	}
	return BatchDetail{Batch: b, Items: items}, nil
}

// OpenBatch returns the open batch to place, creating it if there is none.
func (s *Service) OpenBatch(ctx context.Context, actor cases.Actor, place string) (Batch, error) {
	place = strings.TrimSpace(place)
	if !ValidPlace(place) {
		return Batch{}, errs.Invalid("place", "place must be a 6-digit code", "办理地应为 6 位行政区划代码")
	}
	if place == s.cfg.HallCode {
		return Batch{}, errs.Invalid("place", "place is this hall", "办理地就是本厅，无需寄递")
	}
	var out Batch
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRowContext(ctx, "SELECT id FROM mail_batches WHERE hall_code = ? AND place = ? AND status = 'open'", s.cfg.HallCode, place).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			uid, err := uuid.NewV7()
			if err != nil {
				return fmt.Errorf("batch id: %w", err)
			}
			id = uid.String()
			now := s.now()
			no, err := nextNumber(ctx, tx, s.cfg.HallCode, now)
			if err != nil {
				return err
			}
			demo := s.cfg.CourierName == "demo"
			if _, err := tx.ExecContext(ctx, `INSERT INTO mail_batches(id, number, hall_code, place, place_name, status, courier, demo, created_by, created_at)
				VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`, id, no, s.cfg.HallCode, place, PlaceNameIn(ctx, tx, place), s.cfg.CourierName, demo,
				actor.Username, ts(now)); err != nil {
				return fmt.Errorf("create batch: %w", err)
			}
			if err := s.auditTx(ctx, tx, actor, "mail.batch_opened", id, map[string]any{"number": no, "place": place}); err != nil {
				return err
			}
		} else if err != nil {
			return fmt.Errorf("open batch: %w", err)
		}
		out, err = getBatch(ctx, tx, s.cfg.HallCode, id)
		return err
	})
	return out, err
}

func (s *Service) auditTx(ctx context.Context, tx *sql.Tx, actor cases.Actor, action, batchID string, detail map[string]any) error {
	b, _ := json.Marshal(detail)
	if _, err := s.audit.AppendTx(ctx, tx, audit.Entry{At: s.now(), Actor: actor.Username, Role: string(actor.Role),
		Action: action, ObjectType: "mail_batch", ObjectID: batchID, Detail: b}); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// refuse records a refused change of a batch in the audit log and returns
// cause: the attempt is kept, nothing else changes.
func (s *Service) refuse(ctx context.Context, actor cases.Actor, op, batchID, caseID string, cause error) error {
	detail, _ := json.Marshal(map[string]any{"op": op, "caseId": caseID, "code": errs.Code(cause), "error": cause.Error()})
	if _, err := s.audit.Append(ctx, audit.Entry{At: s.now(), Actor: actor.Username, Role: string(actor.Role),
		Action: "mail.refused_change", ObjectType: "mail_batch", ObjectID: batchID, Detail: detail}); err != nil {
		return errors.Join(cause, fmt.Errorf("audit refusal: %w", err))
	}
	return cause
}

// changeable checks that b still takes changes: adding needs an open,
// unsealed batch.
func changeable(b Batch, adding bool) error {
	switch {
	case b.Status == StatusDispatched:
		return frozen
	case adding && b.Dispatching:
		return sealed
	}
	return nil
}

// AddCase puts caseID in the batch and orders its waybill from the courier
// at once (the parcel's tracking number and route code are stored).
func (s *Service) AddCase(ctx context.Context, actor cases.Actor, batchID, caseID string) (BatchDetail, error) {
	b, err := getBatch(ctx, s.db.Reader(), s.cfg.HallCode, batchID)
	if err != nil {
		return BatchDetail{}, err
	}
	if err := changeable(b, true); err != nil {
		return BatchDetail{}, s.refuse(ctx, actor, "add", batchID, caseID, err)
	}
	d, err := s.j.Detail(ctx, caseID)
	if err != nil {
		return BatchDetail{}, err
	}
	st := d.State
	if err := s.checkCase(st, b.Place); err != nil {
		return BatchDetail{}, s.refuse(ctx, actor, "add", batchID, caseID, err)
	}
	no := st.OfficialNo
	if no == "" {
		no = st.ProvisionalNo
	}
	wb, err := s.cfg.Courier.CreateOrder(ctx, courier.Order{Ref: b.Number, Sender: s.cfg.Sender,
		Recipient: recipient(b.Place), Contents: "跨省通办申请材料（" + no + "）"})
	if err != nil {
		return BatchDetail{}, courierErr(err)
	}
	err = s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		cur, err := getBatch(ctx, tx, s.cfg.HallCode, batchID)
		if err != nil {
			return err
		}
		if err := changeable(cur, true); err != nil {
			return err
		}
		in, err := openPlaces(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if slices.Contains(in, b.Place) {
			return inOpenBatch
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mail_items(batch_id, case_id, place, waybill, route_code, demo, added_by, added_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, batchID, caseID, b.Place, cases.NormalizeWaybill(wb.TrackingNo), wb.RouteCode,
			wb.Demo || courier.IsDemo(wb.TrackingNo), actor.Username, ts(s.now())); err != nil {
			return fmt.Errorf("add case to batch: %w", err)
		}
		return s.auditTx(ctx, tx, actor, "mail.case_added", batchID, map[string]any{"caseId": caseID, "caseNo": no,
			"waybill": wb.TrackingNo, "number": b.Number})
	})
	if err != nil {
		if errs.Code(err) == errs.ECONFLICT {
			return BatchDetail{}, s.refuse(ctx, actor, "add", batchID, caseID, err)
		}
		return BatchDetail{}, err
	}
	return s.Batch(ctx, batchID)
}

var inOpenBatch = errs.New(errs.ECONFLICT, "case already in an open batch to this place",
	"该办件已在寄往该办理地的未寄出批次中，不能重复加入")

// checkCase tells whether st may travel to place in a batch of this hall.
func (s *Service) checkCase(st cases.State, place string) error {
	if st.HallCode != s.cfg.HallCode {
		return errs.New(errs.EFORBIDDEN, "case of another hall", "该办件不是本厅收件的，不能由本厅寄递")
	}
	if st.Matter.Mode != cases.ModeProxy && st.Matter.Mode != cases.ModeMultiPlace {
		return errs.Invalid("mode", "mode without mailing", "只有异地代收代办、多地联办的办件需要寄递材料")
	}
	if !dispatchable(st.Matter.Mode, st.Status) {
		return errs.New(errs.ECONFLICT, "case status "+string(st.Status)+" not dispatchable",
			"办件当前为“"+st.Status.Label()+"”，不能寄递")
	}
	if !slices.Contains(Places(st.Matter.Mode, st.Form, s.cfg.HallCode), place) {
		return errs.Invalid("place", "case not for place "+place, "该办件的办理地不是"+PlaceName(place)+"，请放入寄往其办理地的批次")
	}
	if !slices.Contains(s.pending(st), place) {
		return errs.New(errs.ECONFLICT, "place already dispatched", "该办件已寄往该办理地，不能重复寄递")
	}
	return nil
}

func recipient(place string) courier.Address {
	name := PlaceName(place)
	prov, _ := provinceOf(place)
	return courier.Address{Org: name + "跨省通办专窗", Province: prov, City: strings.TrimSuffix(name, "（"+place+"）"), Detail: name + "政务服务中心"}
}

func provinceOf(place string) (string, bool) {
	if len(place) < 2 {
		return "", false
	}
	n, ok := identity.RegionName(place[:2] + "0000")
	return n, ok
}

// courierErr keeps the courier's code and Chinese message.
func courierErr(err error) error {
	var pe *perr.Error
	if errors.As(err, &pe) {
		return errs.Wrap(err, pe.Code, "courier order", "快递下单失败："+pe.Zh)
	}
	return errs.Wrap(err, errs.EOFFLINE, "courier order", "快递下单失败，请稍后重试")
}

// RemoveCase takes caseID out of an open batch (reason required, audited).
// Once dispatched the manifest is frozen: ECONFLICT, audited, nothing
// changes. While a dispatch is under way a case not yet recorded may still
// be taken out (it could not be sent); a recorded one may not.
func (s *Service) RemoveCase(ctx context.Context, actor cases.Actor, batchID, caseID, reason string) (BatchDetail, error) {
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		b, err := getBatch(ctx, tx, s.cfg.HallCode, batchID)
		if err != nil {
			return err
		}
		if err := changeable(b, false); err != nil {
			return err
		}
		var dispatched, waybill string
		err = tx.QueryRowContext(ctx, "SELECT dispatched_at, waybill FROM mail_items WHERE batch_id = ? AND case_id = ?", batchID, caseID).
			Scan(&dispatched, &waybill)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.ENOTFOUND, "case not in batch", "该办件不在本批次中")
		}
		if err != nil {
			return fmt.Errorf("load item: %w", err)
		}
		if dispatched != "" {
			return frozen
		}
		// Its dispatch may be in the journal already (a crash or another
		// Dispatch between the append and marking the item).
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM case_tasks WHERE case_id = ? AND waybill = ?", caseID, waybill).Scan(&n); err != nil {
			return fmt.Errorf("load item task: %w", err)
		}
		if n > 0 {
			return frozen
		}
		if strings.TrimSpace(reason) == "" {
			return errs.Invalid("reason", "removal without reason", "移出批次须写明原因")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM mail_items WHERE batch_id = ? AND case_id = ?", batchID, caseID); err != nil {
			return fmt.Errorf("remove item: %w", err)
		}
		return s.auditTx(ctx, tx, actor, "mail.case_removed", batchID, map[string]any{"caseId": caseID, "waybill": waybill,
			"reason": strings.TrimSpace(reason), "number": b.Number})
	})
	if err != nil {
		if errs.Code(err) == errs.ECONFLICT {
			return BatchDetail{}, s.refuse(ctx, actor, "remove", batchID, caseID, err)
		}
		return BatchDetail{}, err
	}
	return s.Batch(ctx, batchID)
}

// Dispatch records the dispatched action on every case of the batch, then
// marks the batch dispatched. Journal appends cannot be one transaction, so
// it is resumable: cases already dispatched with their waybill are
// skipped, a failure is kept on its case (BatchItem.Error) and the batch
// stays open (dispatching) until every case is recorded; call it again.
func (s *Service) Dispatch(ctx context.Context, actor cases.Actor, batchID string) (BatchDetail, error) {
	b, err := getBatch(ctx, s.db.Reader(), s.cfg.HallCode, batchID)
	if err != nil {
		return BatchDetail{}, err
	}
	if b.Status == StatusDispatched {
		return s.Batch(ctx, batchID)
	}
	if b.Cases == 0 {
		return BatchDetail{}, errs.Invalid("batch", "empty batch", "批次中没有办件，不能寄出")
	}
	if _, err := s.db.Writer().ExecContext(ctx, "UPDATE mail_batches SET sealed_at = ? WHERE id = ? AND sealed_at = ''", ts(s.now()), batchID); err != nil {
		return BatchDetail{}, fmt.Errorf("seal batch: %w", err)
	}
	items, err := listItems(ctx, s.db.Reader(), batchID)
	if err != nil {
		return BatchDetail{}, err
	}
	left := 0
	for _, it := range items {
		if it.DispatchedAt != "" {
			continue
		}
		at, err := s.dispatchItem(ctx, actor, b, it)
		msg := ""
		if err != nil {
			if errs.Code(err) == "" || errs.Code(err) == errs.EINTERNAL {
				return BatchDetail{}, err // the database, not the case: stop
			}
			msg, left = errs.Zh(err), left+1
		}
		if err := s.markItem(ctx, batchID, it, at, msg); err != nil {
			return BatchDetail{}, err
		}
	}
	if left == 0 {
		err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE mail_batches SET status = 'dispatched', dispatched_by = ?, dispatched_at = ?
				WHERE id = ? AND status = 'open'`, actor.Username, ts(s.now()), batchID); err != nil {
				return fmt.Errorf("mark dispatched: %w", err)
			}
			return s.auditTx(ctx, tx, actor, "mail.batch_dispatched", batchID, map[string]any{"number": b.Number, "cases": len(items)})
		})
		if err != nil {
			return BatchDetail{}, err
		}
	}
	return s.Batch(ctx, batchID)
}

// dispatchItem records the case's dispatch unless its task already has
// this waybill; it returns when the case was dispatched.
func (s *Service) dispatchItem(ctx context.Context, actor cases.Actor, b Batch, it BatchItem) (time.Time, error) {
	d, err := s.j.Detail(ctx, it.CaseID)
	if err != nil {
		return time.Time{}, err
	}
	st := d.State
	if i := st.TaskByWaybill(it.Waybill); i >= 0 {
		return st.Tasks[i].DispatchedAt, nil
	}
	st, err = s.j.Record(ctx, actor, it.CaseID, st.Version, cases.KindDispatched, "",
		cases.Dispatch{Places: []string{it.Place}, Waybill: it.Waybill, Batch: b.Number, Courier: b.Courier})
	if err != nil {
		return time.Time{}, err
	}
	if i := st.TaskByWaybill(it.Waybill); i >= 0 {
		return st.Tasks[i].DispatchedAt, nil
	}
	return s.now(), nil
}

// markItem stores the outcome of one case's dispatch; a dispatched parcel
// starts being tracked.
func (s *Service) markItem(ctx context.Context, batchID string, it BatchItem, at time.Time, msg string) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if msg != "" {
			_, err := tx.ExecContext(ctx, "UPDATE mail_items SET dispatch_error = ? WHERE batch_id = ? AND case_id = ?", msg, batchID, it.CaseID)
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE mail_items SET dispatched_at = ?, dispatch_error = '' WHERE batch_id = ? AND case_id = ?",
			ts(at), batchID, it.CaseID); err != nil {
			return fmt.Errorf("mark item: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_parcels(waybill, case_id, direction, place, since) VALUES (?, ?, 'out', ?, ?)
			ON CONFLICT(waybill) DO NOTHING`, it.Waybill, it.CaseID, it.Place, ts(at))
		if err != nil {
			return fmt.Errorf("track parcel: %w", err)
		}
		return nil
	})
}
