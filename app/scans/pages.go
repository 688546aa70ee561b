package scans

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"tongban/app/errs"
	"tongban/scanner"
	"tongban/scanner/blob"
)

const pageCols = `p.id, coalesce(p.case_id, ''), p.slot_id, p.position, p.hash, p.media_type, p.size, p.width, p.height, p.dpi,
	p.rotate, p.source, p.source_index, f.file_name, p.added_at`

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func queryPages(ctx context.Context, q querier, where string, args ...any) ([]Page, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+pageCols+" FROM scan_pages p JOIN scan_files f ON f.source = p.source WHERE "+where+
		" ORDER BY p.slot_id, p.position", args...)
	if err != nil {
		return nil, fmt.Errorf("query pages: %w", err)
	}
	defer rows.Close()
	out := []Page{}
	for rows.Next() {
		var p Page
		if err := rows.Scan(&p.ID, &p.CaseID, &p.SlotID, &p.Position, &p.Hash, &p.MediaType, &p.Size, &p.Width, &p.Height, &p.DPI,
			&p.Rotate, &p.Source, &p.SourceIndex, &p.FileName, &p.AddedAt); err != nil {
			return nil, fmt.Errorf("scan page: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query pages: %w", err)
	}
	return out, nil
}

// Pages returns every page of a case ("" the unsorted tray), by slot and
// position.
func (s *Service) Pages(ctx context.Context, caseID string) ([]Page, error) {
	return queryPages(ctx, s.db.Reader(), "p.case_id IS ?", nullCase(caseID))
}

// SlotPages returns the pages of one slot in order, with their rotation,
// ready for scanner.CombinePDF.
func (s *Service) SlotPages(ctx context.Context, caseID, slotID string) ([]scanner.PageRef, error) {
	pages, err := queryPages(ctx, s.db.Reader(), "p.case_id IS ? AND p.slot_id = ?", nullCase(caseID), slotID)
	if err != nil {
		return nil, err
	}
	out := make([]scanner.PageRef, 0, len(pages))
	for _, p := range pages {
		h, err := blob.ParseHash(p.Hash)
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", p.ID, err)
		}
		out = append(out, scanner.PageRef{Hash: h, Rotate: p.Rotate})
	}
	return out, nil
}

// Page returns one page.
func (s *Service) Page(ctx context.Context, pageID string) (Page, error) {
	return getPage(ctx, s.db.Reader(), pageID)
}

func getPage(ctx context.Context, q querier, pageID string) (Page, error) {
	ps, err := queryPages(ctx, q, "p.id = ?", pageID)
	if err != nil {
		return Page{}, err
	}
	if len(ps) == 0 {
		return Page{}, errPageMissing
	}
	return ps[0], nil
}

// renumber makes the positions of (caseID, slotID) 0..n-1 in their order.
func renumber(ctx context.Context, tx *sql.Tx, caseID, slotID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE scan_pages SET position = (SELECT count(*) FROM scan_pages q
		WHERE q.case_id IS scan_pages.case_id AND q.slot_id = scan_pages.slot_id
		AND (q.position < scan_pages.position OR (q.position = scan_pages.position AND q.id < scan_pages.id)))
		WHERE case_id IS ? AND slot_id = ?`, nullCase(caseID), slotID)
	if err != nil {
		return fmt.Errorf("renumber pages: %w", err)
	}
	return nil
}

// Reorder puts the pages of one slot in the order of ids, which must be
// exactly the slot's pages (else ECONFLICT: someone changed them).
func (s *Service) Reorder(ctx context.Context, actor Actor, caseID, slotID string, ids []string) ([]Page, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	var out []Page
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if err := writable(ctx, tx, caseID); err != nil {
			return err
		}
		cur, err := queryPages(ctx, tx, "p.case_id IS ? AND p.slot_id = ?", nullCase(caseID), slotID)
		if err != nil {
			return err
		}
		have := make([]string, len(cur))
		for i, p := range cur {
			have[i] = p.ID
		}
		want := slices.Clone(ids)
		slices.Sort(have)
		slices.Sort(want)
		if !slices.Equal(have, want) {
			return errStale
		}
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE scan_pages SET position = ? WHERE id = ?", i, id); err != nil {
				return fmt.Errorf("reorder: %w", err)
			}
		}
		if out, err = queryPages(ctx, tx, "p.case_id IS ? AND p.slot_id = ?", nullCase(caseID), slotID); err != nil {
			return err
		}
		return s.journal.RecordTx(ctx, tx, Change{Kind: ChangeReordered, Actor: actor, CaseID: caseID, SlotID: slotID,
			Detail: map[string]any{"pageIds": ids}})
	})
	return out, err
}

// Rotate turns a page by degrees (a multiple of 90, clockwise; negative
// turns back) and returns it.
func (s *Service) Rotate(ctx context.Context, actor Actor, pageID string, degrees int) (Page, error) {
	if err := checkActor(actor); err != nil {
		return Page{}, err
	}
	if degrees%90 != 0 {
		return Page{}, errs.Invalid("degrees", "rotation must be a multiple of 90", "只能按 90 度旋转")
	}
	var out Page
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		p, err := getPage(ctx, tx, pageID)
		if err != nil {
			return err
		}
		if err := writable(ctx, tx, p.CaseID); err != nil {
			return err
		}
		r := ((p.Rotate+degrees)%360 + 360) % 360
		if _, err := tx.ExecContext(ctx, "UPDATE scan_pages SET rotate = ? WHERE id = ?", r, pageID); err != nil {
			return fmt.Errorf("rotate: %w", err)
		}
		p.Rotate = r
		out = p
		return s.journal.RecordTx(ctx, tx, Change{Kind: ChangeRotated, Actor: actor, CaseID: p.CaseID, SlotID: p.SlotID,
			Detail: map[string]any{"pageId": pageID, "rotate": r}})
	})
	return out, err
}

// Delete removes a page. Its blob goes at the next collection unless
// another page or a kept original references it.
func (s *Service) Delete(ctx context.Context, actor Actor, pageID string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		p, err := getPage(ctx, tx, pageID)
		if err != nil {
			return err
		}
		if err := writable(ctx, tx, p.CaseID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM scan_pages WHERE id = ?", pageID); err != nil {
			return fmt.Errorf("delete page: %w", err)
		}
		if err := renumber(ctx, tx, p.CaseID, p.SlotID); err != nil {
			return err
		}
		return s.journal.RecordTx(ctx, tx, Change{Kind: ChangeDeleted, Actor: actor, CaseID: p.CaseID, SlotID: p.SlotID,
			Detail: map[string]any{"pageId": pageID, "hash": p.Hash[:12], "position": p.Position}})
	})
}

// Move appends pages, in the order given, to the end of another slot, case
// or the tray (caseID ""). Both ends must be writable; every case involved
// gets a journal entry.
func (s *Service) Move(ctx context.Context, actor Actor, ids []string, caseID, slotID string) ([]Page, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errs.Invalid("pages", "no pages to move", "请先选择要移动的页面")
	}
	if caseID == "" {
		slotID = ""
	}
	var out []Page
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if err := writable(ctx, tx, caseID); err != nil {
			return err
		}
		type key struct{ caseID, slotID string }
		from := map[key][]string{}
		var order []key
		seen := map[string]bool{}
		pos, err := nextPosition(ctx, tx, caseID, slotID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			p, err := getPage(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := writable(ctx, tx, p.CaseID); err != nil {
				return err
			}
			k := key{p.CaseID, p.SlotID}
			if _, ok := from[k]; !ok {
				order = append(order, k)
			}
			from[k] = append(from[k], id)
			if _, err := tx.ExecContext(ctx, "UPDATE scan_pages SET case_id = ?, slot_id = ?, position = ? WHERE id = ?",
				nullCase(caseID), slotID, pos, id); err != nil {
				return fmt.Errorf("move page: %w", err)
			}
			pos++
		}
		for _, k := range order {
			if k.caseID == caseID && k.slotID == slotID {
				continue
			}
			if err := renumber(ctx, tx, k.caseID, k.slotID); err != nil {
				return err
			}
			if err := s.journal.RecordTx(ctx, tx, Change{Kind: ChangeMovedOut, Actor: actor, CaseID: k.caseID, SlotID: k.slotID,
				Detail: map[string]any{"pageIds": from[k], "toCaseId": caseID, "toSlotId": slotID}}); err != nil {
				return err
			}
		}
		if err := renumber(ctx, tx, caseID, slotID); err != nil {
			return err
		}
		if out, err = queryPages(ctx, tx, "p.case_id IS ? AND p.slot_id = ?", nullCase(caseID), slotID); err != nil {
			return err
		}
		var fromList []map[string]any
		for _, k := range order {
			fromList = append(fromList, map[string]any{"caseId": k.caseID, "slotId": k.slotID, "pageIds": from[k]})
		}
		return s.journal.RecordTx(ctx, tx, Change{Kind: ChangeMovedIn, Actor: actor, CaseID: caseID, SlotID: slotID,
			Detail: map[string]any{"from": fromList}})
	})
	return out, err
}

// Counts returns how many pages each slot of a case holds.
func (s *Service) Counts(ctx context.Context, caseID string) (map[string]int, error) {
	rows, err := s.db.Reader().QueryContext(ctx, "SELECT slot_id, count(*) FROM scan_pages WHERE case_id IS ? GROUP BY slot_id", nullCase(caseID))
	if err != nil {
		return nil, fmt.Errorf("count pages: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var slot string
		var n int
		if err := rows.Scan(&slot, &n); err != nil {
			return nil, fmt.Errorf("count pages: %w", err)
		}
		out[slot] = n
	}
	return out, rows.Err()
}
