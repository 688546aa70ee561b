package mailing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tongban/app/errs"
)

// tsLayout stores times in fixed width so text order is time order (the
// same layout as the case tables).
const tsLayout = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(tsLayout)
}

func parseTS(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

const batchCols = `b.id, b.number, b.place, b.place_name, b.status, b.sealed_at, b.courier, b.demo,
	(SELECT count(*) FROM mail_items i WHERE i.batch_id = b.id), b.created_by, b.created_at, b.dispatched_by, b.dispatched_at`

func scanBatch(sc interface{ Scan(...any) error }) (Batch, error) {
	var b Batch
	var sealed string
	if err := sc.Scan(&b.ID, &b.Number, &b.Place, &b.PlaceName, &b.Status, &sealed, &b.Courier, &b.Demo, &b.Cases,
		&b.CreatedBy, &b.CreatedAt, &b.DispatchedBy, &b.DispatchedAt); err != nil {
		return b, err
	}
	b.Dispatching = b.Status == StatusOpen && sealed != ""
	return b, nil
}

var errNoBatch = errs.New(errs.ENOTFOUND, "batch not found", "邮寄批次不存在")

func getBatch(ctx context.Context, q querier, hall, id string) (Batch, error) {
	b, err := scanBatch(q.QueryRowContext(ctx, "SELECT "+batchCols+" FROM mail_batches b WHERE b.id = ? AND b.hall_code = ?", id, hall))
	if errors.Is(err, sql.ErrNoRows) {
		return b, errNoBatch
	}
	if err != nil {
		return b, fmt.Errorf("load batch: %w", err)
	}
	return b, nil
}

func listBatches(ctx context.Context, q querier, hall, status string) ([]Batch, error) {
	query := "SELECT " + batchCols + " FROM mail_batches b WHERE b.hall_code = ?"
	args := []any{hall}
	if status != "" {
		query += " AND b.status = ?"
		args = append(args, status)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY b.created_at DESC, b.number DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	defer rows.Close()
	out := []Batch{}
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("scan batch: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func listItems(ctx context.Context, q querier, batchID string) ([]BatchItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.case_id, c.provisional_no, coalesce(c.official_no, ''), c.matter_name, c.applicant_name,
		c.id_masked, i.place, i.waybill, i.route_code, i.demo, i.added_by, i.added_at, i.dispatched_at, i.dispatch_error,
		coalesce(p.last_status, ''), coalesce(p.last_event_at, '')
		FROM mail_items i JOIN cases c ON c.id = i.case_id LEFT JOIN mail_parcels p ON p.waybill = i.waybill
		WHERE i.batch_id = ? ORDER BY i.added_at, i.case_id`, batchID)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	defer rows.Close()
	out := []BatchItem{}
	for rows.Next() {
		var it BatchItem
		if err := rows.Scan(&it.CaseID, &it.ProvisionalNo, &it.OfficialNo, &it.MatterName, &it.Applicant, &it.IDMasked, &it.Place,
			&it.Waybill, &it.RouteCode, &it.Demo, &it.AddedBy, &it.AddedAt, &it.DispatchedAt, &it.Error, &it.LastEvent, &it.LastEventAt); err != nil {
			return nil, fmt.Errorf("scan item: %w", err)
		}
		it.LastEvent = StatusLabel(it.LastEvent)
		out = append(out, it)
	}
	return out, rows.Err()
}

// nextNumber is the next batch number of the hall's day: JJ<hall>-<day>-<nn>.
func nextNumber(ctx context.Context, tx *sql.Tx, hall string, at time.Time) (string, error) {
	prefix := fmt.Sprintf("JJ%s-%s-", hall, at.In(hallZone).Format("20060102"))
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM mail_batches WHERE number >= ? AND number < ?", prefix, prefix+"~").Scan(&n); err != nil {
		return "", fmt.Errorf("batch number: %w", err)
	}
	return fmt.Sprintf("%s%02d", prefix, n+1), nil
}

// hallZone is China Standard Time, for batch numbers and hours shown.
var hallZone = time.FixedZone("CST", 8*3600)

// ItemOf returns the newest batch item of caseID (open batches first) with
// its batch: the parcel whose waybill prints for the case.
func (s *Service) ItemOf(ctx context.Context, caseID string) (Batch, BatchItem, error) {
	var batchID string
	err := s.db.Reader().QueryRowContext(ctx, `SELECT i.batch_id FROM mail_items i JOIN mail_batches b ON b.id = i.batch_id
		WHERE i.case_id = ? AND b.hall_code = ? ORDER BY b.status = 'open' DESC, i.added_at DESC LIMIT 1`, caseID, s.cfg.HallCode).Scan(&batchID)
	if errors.Is(err, sql.ErrNoRows) {
		return Batch{}, BatchItem{}, errs.New(errs.ENOTFOUND, "case has no waybill", "该办件尚未加入邮寄批次，没有运单可打印")
	}
	if err != nil {
		return Batch{}, BatchItem{}, fmt.Errorf("item of case: %w", err)
	}
	d, err := s.Batch(ctx, batchID)
	if err != nil {
		return Batch{}, BatchItem{}, err
	}
	for _, it := range d.Items {
		if it.CaseID == caseID {
			return d.Batch, it, nil
		}
	}
	return Batch{}, BatchItem{}, errNoBatch
}

// BatchOf resolves ref to a batch: a batch id, else a case id (its newest
// batch), so a manifest print job recorded against a case can be retried.
func (s *Service) BatchOf(ctx context.Context, ref string) (BatchDetail, error) {
	d, err := s.Batch(ctx, ref)
	if errs.Code(err) != errs.ENOTFOUND {
		return d, err
	}
	b, _, err := s.ItemOf(ctx, ref)
	if err != nil {
		return BatchDetail{}, errNoBatch
	}
	return s.Batch(ctx, b.ID)
}
