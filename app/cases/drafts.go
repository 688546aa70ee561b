package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"tongban/app/errs"
)

// Draft is the intake wizard's state, saved on every step so that a crash
// or a closed window loses nothing. Data is the wizard's own JSON.
type Draft struct {
	ID         string          `json:"id"`
	CaseID     string          `json:"caseId,omitempty"` // set when resuming an existing case (supplement)
	MatterCode string          `json:"matterCode,omitempty"`
	Step       string          `json:"step"`
	Data       json.RawMessage `json:"data"`
	Revision   int             `json:"revision"` // pass back the revision you loaded; 0 for a new draft
	CreatedAt  string          `json:"createdAt"`
	UpdatedAt  string          `json:"updatedAt"`
}

// MaxDraftBytes bounds a draft's data.
const MaxDraftBytes = 1 << 20

// SaveDraft creates (ID empty) or updates a draft of actor's. An update
// must carry the revision it was based on: a second window editing the
// same draft gets ECONFLICT instead of silently overwriting.
func (s *Service) SaveDraft(ctx context.Context, actor Actor, d Draft) (Draft, error) {
	if err := checkActor(actor); err != nil {
		return Draft{}, err
	}
	if len(d.Data) > MaxDraftBytes {
		return Draft{}, errs.Invalid("data", "draft too large", "草稿内容过大")
	}
	if len(d.Data) == 0 {
		d.Data = json.RawMessage("{}")
	}
	if !json.Valid(d.Data) {
		return Draft{}, errs.Invalid("data", "draft is not JSON", "草稿内容格式不正确")
	}
	step, err := CleanText("step", "步骤", d.Step, 50)
	if err != nil {
		return Draft{}, err
	}
	d.Step = step
	now := ts(s.now())
	err = s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if d.ID == "" {
			id, err := uuid.NewV7()
			if err != nil {
				return err
			}
			d.ID, d.Revision, d.CreatedAt, d.UpdatedAt = id.String(), 1, now, now
			_, err = tx.ExecContext(ctx, `INSERT INTO case_drafts(id, owner, device_id, case_id, matter_code, step, data, revision, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, actor.Username, s.cfg.DeviceID, d.CaseID, d.MatterCode, d.Step, string(d.Data), d.Revision, now, now)
			return err
		}
		var rev int
		var created string
		err := tx.QueryRowContext(ctx, "SELECT revision, created_at FROM case_drafts WHERE id = ? AND owner = ?", d.ID, actor.Username).Scan(&rev, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.ENOTFOUND, "draft not found", "草稿不存在（可能已提交或已删除）")
		}
		if err != nil {
			return err
		}
		if rev != d.Revision {
			return errs.New(errs.ECONFLICT, fmt.Sprintf("draft at revision %d, save based on %d", rev, d.Revision),
				"该草稿已在另一个窗口中被修改，请重新打开草稿")
		}
		d.Revision, d.CreatedAt, d.UpdatedAt = rev+1, created, now
		_, err = tx.ExecContext(ctx, `UPDATE case_drafts SET case_id = ?, matter_code = ?, step = ?, data = ?, revision = ?, updated_at = ? WHERE id = ?`,
			d.CaseID, d.MatterCode, d.Step, string(d.Data), d.Revision, now, d.ID)
		return err
	})
	if err != nil {
		return Draft{}, fmt.Errorf("save draft: %w", err)
	}
	return d, nil
}

// GetDraft loads one of actor's drafts.
func (s *Service) GetDraft(ctx context.Context, actor Actor, id string) (Draft, error) {
	ds, err := s.drafts(ctx, "id = ? AND owner = ?", id, actor.Username)
	if err != nil {
		return Draft{}, err
	}
	if len(ds) == 0 {
		return Draft{}, errs.New(errs.ENOTFOUND, "draft not found", "草稿不存在（可能已提交或已删除）")
	}
	return ds[0], nil
}

// ListDrafts returns actor's drafts on this workstation, newest first (to
// offer "continue where you left off" after a restart).
func (s *Service) ListDrafts(ctx context.Context, actor Actor) ([]Draft, error) {
	return s.drafts(ctx, "owner = ? AND device_id = ?", actor.Username, s.cfg.DeviceID)
}

// DiscardDraft deletes one of actor's drafts.
func (s *Service) DiscardDraft(ctx context.Context, actor Actor, id string) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM case_drafts WHERE id = ? AND owner = ?", id, actor.Username)
		return err
	})
}

func (s *Service) drafts(ctx context.Context, where string, args ...any) ([]Draft, error) {
	rows, err := s.db.Writer().QueryContext(ctx, "SELECT id, case_id, matter_code, step, data, revision, created_at, updated_at FROM case_drafts WHERE "+
		where+" ORDER BY updated_at DESC, id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		var d Draft
		var data string
		if err := rows.Scan(&d.ID, &d.CaseID, &d.MatterCode, &d.Step, &data, &d.Revision, &d.CreatedAt, &d.UpdatedAt); err != nil {
			return nil, fmt.Errorf("scan draft: %w", err)
		}
		d.Data = json.RawMessage(data)
		out = append(out, d)
	}
	return out, rows.Err()
}
