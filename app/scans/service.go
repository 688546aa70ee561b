package scans

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tongban/app/errs"
	"tongban/app/store"
)

// Service keeps the page table in the workstation database.
type Service struct {
	db      *store.DB
	journal Journal
	now     func() time.Time
}

// New returns a Service over db that records every change in journal.
// now is the clock (nil: time.Now).
func New(db *store.DB, journal Journal, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, journal: journal, now: now}
}

// tsLayout stores times in fixed width so text order is time order.
const tsLayout = "2006-01-02T15:04:05.000Z"

func (s *Service) ts() string { return s.now().UTC().Format(tsLayout) }

// nullCase maps the tray ("") to NULL for case_id columns.
func nullCase(caseID string) any {
	if caseID == "" {
		return nil
	}
	return caseID
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// caseState tells whether a case exists and is open (pages may change).
func caseState(ctx context.Context, q rowQuerier, caseID string) (exists, open bool, err error) {
	var o int
	err = q.QueryRowContext(ctx, "SELECT open FROM cases WHERE id = ?", caseID).Scan(&o)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("case state: %w", err)
	}
	return true, o == 1, nil
}

var (
	errCaseMissing = errs.New(errs.ENOTFOUND, "case not found", "办件不存在")
	errCaseClosed  = errs.New(errs.ECONFLICT, "case is closed: its pages cannot change",
		"该办件已办结、不予受理或已撤回，扫描材料不能再修改")
	errPageMissing = errs.New(errs.ENOTFOUND, "page not found", "页面不存在（可能已被删除），请刷新")
	errStale       = errs.New(errs.ECONFLICT, "pages changed meanwhile", "页面已发生变化，请刷新后重试")
)

// writable checks that pages of caseID may change ("" is the tray: always).
func writable(ctx context.Context, q rowQuerier, caseID string) error {
	if caseID == "" {
		return nil
	}
	exists, open, err := caseState(ctx, q, caseID)
	switch {
	case err != nil:
		return err
	case !exists:
		return errCaseMissing
	case !open:
		return errCaseClosed
	}
	return nil
}

func checkActor(a Actor) error {
	if a.Username == "" {
		return errs.New(errs.EUNAUTHORIZED, "no actor", "请先登录")
	}
	return nil
}
