package printjobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"tongban/app/errs"
	"tongban/app/store"
)

// Store keeps print jobs in the workstation database.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Store; now is the clock (nil: time.Now).
func New(db *store.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// timeLayout has a fixed width so stored times compare as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

const columns = `id, case_id, kind, copy_no, printer, paper, status, spool_job_id, error_code, error_zh,
	retry_of, actor, pages, bytes, created_at, finished_at`

// Begin records a new attempt in status printing. It assigns the copy
// number (how many copies of this document were printed before) and
// refuses a second attempt while one for the same document is in flight.
// j's ID, Copy, Status and times are filled in.
func (s *Store) Begin(ctx context.Context, j Job) (Job, error) {
	if j.CaseID == "" || j.Kind == "" || j.Actor == "" {
		return Job{}, errs.New(errs.EINVALID, "print job needs case, kind and actor", "打印任务缺少办件、文书类型或操作人")
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Job{}, fmt.Errorf("new print job id: %w", err)
	}
	now := s.now().UTC()
	j.ID, j.Status, j.CreatedAt, j.FinishedAt = id.String(), StatusPrinting, now, time.Time{}
	j.SpoolJobID, j.ErrorCode, j.ErrorZh = "", "", ""
	err = s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if err := failStale(ctx, tx, now); err != nil {
			return err
		}
		var busy int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM print_jobs WHERE case_id = ? AND kind = ? AND status = 'printing'`,
			j.CaseID, j.Kind).Scan(&busy)
		if err != nil {
			return fmt.Errorf("count jobs in flight: %w", err)
		}
		if busy > 0 {
			return errs.New(errs.ECONFLICT, "document is being printed", "该文书正在打印，请等待打印完成后再操作")
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM print_jobs WHERE case_id = ? AND kind = ? AND status = 'printed'`,
			j.CaseID, j.Kind).Scan(&j.Copy); err != nil {
			return fmt.Errorf("count printed copies: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO print_jobs(`+columns+`) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', ?, ?, ?, ?, ?, '')`,
			j.ID, j.CaseID, j.Kind, j.Copy, j.Printer, j.Paper, j.Status, j.RetryOf, j.Actor, j.Pages, j.Bytes, now.Format(timeLayout))
		if err != nil {
			return fmt.Errorf("insert print job: %w", err)
		}
		return nil
	})
	if err != nil {
		return Job{}, err
	}
	return j, nil
}

// failStale marks attempts left printing longer than StaleAfter as failed.
func failStale(ctx context.Context, tx *sql.Tx, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE print_jobs SET status = 'failed', error_code = ?, error_zh = ?, finished_at = ?
		WHERE status = 'printing' AND created_at < ?`,
		errs.ECONFLICT, ErrInterruptedZh, now.Format(timeLayout), now.Add(-StaleAfter).Format(timeLayout))
	if err != nil {
		return fmt.Errorf("fail interrupted print jobs: %w", err)
	}
	return nil
}

// Finish records that the spooler completed job id. then, when not nil,
// runs in the same transaction (the audit entry), so a printed copy and
// its audit entry commit together.
func (s *Store) Finish(ctx context.Context, id, spoolJobID string, then func(*sql.Tx, Job) error) (Job, error) {
	return s.finish(ctx, id, StatusPrinted, spoolJobID, "", "", then)
}

// Fail records that the attempt failed with the error's code and Chinese
// message; spoolJobID is the spooler's id when the job got that far.
func (s *Store) Fail(ctx context.Context, id, spoolJobID, code, zh string) (Job, error) {
	return s.finish(ctx, id, StatusFailed, spoolJobID, code, zh, nil)
}

func (s *Store) finish(ctx context.Context, id string, st Status, spoolJobID, code, zh string, then func(*sql.Tx, Job) error) (Job, error) {
	var out Job
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE print_jobs SET status = ?, spool_job_id = ?, error_code = ?, error_zh = ?, finished_at = ?
			WHERE id = ? AND status = 'printing'`, st, spoolJobID, code, zh, s.now().UTC().Format(timeLayout), id)
		if err != nil {
			return fmt.Errorf("update print job: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.ECONFLICT, "print job "+id+" is not in flight", "打印任务已结束或不存在")
		}
		out, err = get(ctx, tx, id)
		if err != nil {
			return err
		}
		if then != nil {
			return then(tx, out)
		}
		return nil
	})
	if err != nil {
		return Job{}, err
	}
	return out, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Get returns one job.
func (s *Store) Get(ctx context.Context, id string) (Job, error) {
	return get(ctx, s.db.Reader(), id)
}

func get(ctx context.Context, q queryer, id string) (Job, error) {
	j, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM print_jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, errs.New(errs.ENOTFOUND, "print job "+id+" not found", "找不到该打印记录")
	}
	return j, err
}

// List returns the jobs of a case, newest first. Attempts interrupted
// longer than StaleAfter ago show as failed.
func (s *Store) List(ctx context.Context, caseID string) ([]Job, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT `+columns+` FROM print_jobs WHERE case_id = ?
		ORDER BY created_at DESC, id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list print jobs: %w", err)
	}
	defer rows.Close()
	out := []Job{}
	now := s.now().UTC()
	for rows.Next() {
		j, err := scan(rows)
		if err != nil {
			return nil, err
		}
		if j.Status == StatusPrinting && now.Sub(j.CreatedAt) > StaleAfter {
			j.Status, j.ErrorCode, j.ErrorZh = StatusFailed, errs.ECONFLICT, ErrInterruptedZh
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list print jobs: %w", err)
	}
	return out, nil
}

// Printed counts the printed copies of a document of a case: the copy
// number the next print would get.
func (s *Store) Printed(ctx context.Context, caseID, kind string) (int, error) {
	var n int
	err := s.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM print_jobs WHERE case_id = ? AND kind = ? AND status = 'printed'`,
		caseID, kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count printed copies: %w", err)
	}
	return n, nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scan(r rowScanner) (Job, error) {
	var j Job
	var created, finished string
	err := r.Scan(&j.ID, &j.CaseID, &j.Kind, &j.Copy, &j.Printer, &j.Paper, &j.Status, &j.SpoolJobID, &j.ErrorCode, &j.ErrorZh,
		&j.RetryOf, &j.Actor, &j.Pages, &j.Bytes, &created, &finished)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Job{}, err
		}
		return Job{}, fmt.Errorf("scan print job: %w", err)
	}
	if j.CreatedAt, err = time.Parse(timeLayout, created); err != nil {
		return Job{}, fmt.Errorf("print job %s created_at: %w", j.ID, err)
	}
	if strings.TrimSpace(finished) != "" {
		if j.FinishedAt, err = time.Parse(timeLayout, finished); err != nil {
			return Job{}, fmt.Errorf("print job %s finished_at: %w", j.ID, err)
		}
	}
	return j, nil
}
