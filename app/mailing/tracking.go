package mailing

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/printing/courier"
	"tongban/printing/perr"
)

// Tracking returns the tracking events of caseID's parcels, both ways,
// oldest first.
func (s *Service) Tracking(ctx context.Context, caseID string) ([]Event, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT e.waybill, p.direction, e.at, e.place, e.status, e.note, e.demo
		FROM mail_events e JOIN mail_parcels p ON p.waybill = e.waybill WHERE p.case_id = ? ORDER BY e.at, e.waybill`, caseID)
	if err != nil {
		return nil, fmt.Errorf("tracking: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Waybill, &e.Direction, &e.At, &e.Place, &e.Status, &e.Note, &e.Demo); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		e.StatusLabel = StatusLabel(e.Status)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Refresh polls the courier for every parcel not delivered, after adding
// the return parcels of this hall's cases whose result was mailed back. It
// returns how many new events were stored. A parcel the courier cannot
// answer for keeps its error (poll_error) and does not stop the others.
func (s *Service) Refresh(ctx context.Context) (int, error) {
	if err := s.addReturnParcels(ctx); err != nil {
		return 0, err
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT p.waybill FROM mail_parcels p WHERE p.delivered_at = '' AND NOT EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = p.case_id AND t.waybill = p.waybill AND t.received_at <> '')
		ORDER BY p.polled_at, p.waybill`)
	if err != nil {
		return 0, fmt.Errorf("parcels to track: %w", err)
	}
	var waybills []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			rows.Close()
			return 0, err
		}
		waybills = append(waybills, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("parcels to track: %w", err)
	}
	added := 0
	for _, w := range waybills {
		if err := ctx.Err(); err != nil {
			return added, err
		}
		evs, terr := s.cfg.Courier.Track(ctx, w)
		n, err := s.store(ctx, w, evs, terr)
		if err != nil {
			return added, err
		}
		added += n
	}
	return added, nil
}

// store saves the events of one parcel idempotently and updates its last
// status; terr is the courier's error for this poll.
func (s *Service) store(ctx context.Context, waybill string, evs []courier.Event, terr error) (int, error) {
	added := 0
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		now := ts(s.now())
		if terr != nil {
			msg := perr.Zh(terr)
			if msg == "" {
				msg = terr.Error()
			}
			_, err := tx.ExecContext(ctx, "UPDATE mail_parcels SET polled_at = ?, poll_error = ? WHERE waybill = ?", now, msg, waybill)
			return err
		}
		for _, e := range evs {
			res, err := tx.ExecContext(ctx, `INSERT INTO mail_events(waybill, at, status, place, note, demo) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, waybill, ts(e.At), e.Status, e.Place, e.Note, e.Demo)
			if err != nil {
				return fmt.Errorf("store event: %w", err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		var last, lastAt, delivered string
		err := tx.QueryRowContext(ctx, `SELECT status, at FROM mail_events WHERE waybill = ? ORDER BY at DESC,
			CASE status WHEN 'delivered' THEN 0 ELSE 1 END LIMIT 1`, waybill).Scan(&last, &lastAt)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("last event: %w", err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(min(at), '') FROM mail_events WHERE waybill = ? AND status = 'delivered'",
			waybill).Scan(&delivered); err != nil {
			return fmt.Errorf("delivered: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE mail_parcels SET last_status = ?, last_event_at = ?, delivered_at = ?, polled_at = ?, poll_error = ''
			WHERE waybill = ?`, last, lastAt, delivered, now, waybill)
		return err
	})
	return added, err
}

// addReturnParcels starts tracking the return waybills of this hall's
// cases whose result is on its way back (State.Result.ReturnWaybills not
// yet signed for).
func (s *Service) addReturnParcels(ctx context.Context) error {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT id FROM cases WHERE hall_code = ? AND status IN ('handled', 'sent_back')`, s.cfg.HallCode)
	if err != nil {
		return fmt.Errorf("return parcels: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("return parcels: %w", err)
	}
	for _, id := range ids {
		d, err := s.j.Detail(ctx, id)
		if err != nil {
			return err
		}
		r := d.State.Result
		if r == nil {
			continue
		}
		for _, w := range r.ReturnWaybills {
			place := ""
			for _, t := range d.State.Tasks {
				if cases.NormalizeWaybill(t.ReturnWaybill) == cases.NormalizeWaybill(w) {
					place = t.Place
				}
			}
			if _, err := s.db.Writer().ExecContext(ctx, `INSERT INTO mail_parcels(waybill, case_id, direction, place, since)
				VALUES (?, ?, 'back', ?, ?) ON CONFLICT(waybill) DO NOTHING`, cases.NormalizeWaybill(w), id, place, ts(r.At)); err != nil {
				return fmt.Errorf("track return parcel: %w", err)
			}
		}
	}
	return nil
}

// Stuck lists parcels not delivered whose last event (or dispatch, when
// none came) is older than the configured hours, oldest first. A mailed
// result already signed for at the hall is not stuck.
func (s *Service) Stuck(ctx context.Context) ([]StuckParcel, error) {
	now := s.now()
	limit := ts(now.Add(-time.Duration(s.cfg.StuckHours) * time.Hour))
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT p.case_id, c.provisional_no, p.waybill, p.direction, p.place, p.last_status,
		CASE WHEN p.last_event_at <> '' THEN p.last_event_at ELSE p.since END AS last
		FROM mail_parcels p JOIN cases c ON c.id = p.case_id
		WHERE p.delivered_at = '' AND c.hall_code = ? AND NOT EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = p.case_id AND t.waybill = p.waybill AND t.received_at <> '')
		AND c.status NOT IN ('closed', 'delivered', 'withdrawn')
		AND (CASE WHEN p.last_event_at <> '' THEN p.last_event_at ELSE p.since END) < ?
		ORDER BY last`, s.cfg.HallCode, limit)
	if err != nil {
		return nil, fmt.Errorf("stuck parcels: %w", err)
	}
	defer rows.Close()
	out := []StuckParcel{}
	var back []StuckParcel
	for rows.Next() {
		var p StuckParcel
		var status string
		if err := rows.Scan(&p.CaseID, &p.ProvisionalNo, &p.Waybill, &p.Direction, &p.Place, &status, &p.LastEventAt); err != nil {
			return nil, fmt.Errorf("scan stuck: %w", err)
		}
		p.LastStatus = "已交寄，尚无物流信息"
		if status != "" {
			p.LastStatus = StatusLabel(status)
		}
		p.Hours = int(now.Sub(parseTS(p.LastEventAt)).Hours())
		if p.Direction == "back" {
			back = append(back, p)
			continue
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, p := range back {
		arrived, err := s.returnArrived(ctx, p.CaseID, p.Waybill)
		if err != nil {
			return nil, err
		}
		if !arrived {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b StuckParcel) int { return b.Hours - a.Hours })
	return out, nil
}

// returnArrived reports whether the hall signed for the return parcel.
func (s *Service) returnArrived(ctx context.Context, caseID, waybill string) (bool, error) {
	d, err := s.j.Detail(ctx, caseID)
	if err != nil {
		if errs.Code(err) == errs.ENOTFOUND {
			return true, nil
		}
		return false, err
	}
	if r := d.State.Result; r != nil {
		for _, a := range r.Arrived {
			if cases.NormalizeWaybill(a) == waybill {
				return true, nil
			}
		}
	}
	return false, nil
}
