package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"tongban/app/account"
	"tongban/app/ledger"
)

// LedgerService is the hall's work ledger (工作台账), its .xlsx export and
// the home-screen alerts.
type LedgerService struct {
	w    *Workstation
	deps *caseDeps
}

var (
	rolesLedger = []account.Role{account.RoleClerk, account.RoleFieldAgent, account.RoleSupervisor, account.RoleAdmin}
	rolesAlerts = rolesLedger
)

// ExportResult names the written workbook.
type ExportResult struct {
	Path   string `json:"path"`
	Cases  int    `json:"cases"`
	Millis int64  `json:"millis"`
}

func (s *LedgerService) open(op string) (*ledger.Ledger, string, string, error) {
	if _, err := s.deps.env(rolesLedger...); err != nil {
		return nil, "", "", toAPI(s.w.log, op, err)
	}
	db, err := s.w.ready()
	if err != nil {
		return nil, "", "", toAPI(s.w.log, op, err)
	}
	s.w.mu.RLock()
	hall, name := s.w.settings.Hall.DivisionCode, s.w.settings.Hall.Name
	s.w.mu.RUnlock()
	l, err := ledger.New(context.Background(), db, s.w.now)
	if err != nil {
		return nil, "", "", toAPI(s.w.log, op, err)
	}
	return l, hall, name, nil
}

// Report computes the ledger of this hall for a period.
func (s *LedgerService) Report(q ledger.Query) (ledger.Report, error) {
	l, hall, name, err := s.open("ledger")
	if err != nil {
		return ledger.Report{}, err
	}
	rep, err := l.Report(context.Background(), hall, name, q)
	return rep, toAPI(s.w.log, "ledger", err)
}

// Export writes the ledger of a period to exports/ in the data directory
// and returns the file's path.
func (s *LedgerService) Export(q ledger.Query) (ExportResult, error) {
	start := time.Now()
	l, hall, name, err := s.open("ledger export")
	if err != nil {
		return ExportResult{}, err
	}
	ctx := context.Background()
	rep, err := l.Report(ctx, hall, name, q)
	if err != nil {
		return ExportResult{}, toAPI(s.w.log, "ledger export", err)
	}
	dir := filepath.Join(s.w.opts.DataDir, "exports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ExportResult{}, toAPI(s.w.log, "ledger export", fmt.Errorf("exports dir: %w", err))
	}
	path := filepath.Join(dir, fmt.Sprintf("工作台账_%s_%s_%s.xlsx", hall, rep.From, rep.To))
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return ExportResult{}, toAPI(s.w.log, "ledger export", fmt.Errorf("create export: %w", err))
	}
	n, err := l.Export(ctx, f, rep)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return ExportResult{}, toAPI(s.w.log, "ledger export", err)
	}
	return ExportResult{Path: path, Cases: n, Millis: time.Since(start).Milliseconds()}, nil
}

// Alerts returns this hall's overdue cases and bad ratings waiting for
// follow-up.
func (s *LedgerService) Alerts() (ledger.Alerts, error) {
	if _, err := s.w.session.require(rolesLedger...); err != nil {
		return ledger.Alerts{}, toAPI(s.w.log, "alerts", err)
	}
	if s.w.hallMissing() {
		// No hall yet: no case can exist, so nothing to alert about (the
		// home screen must open on a workstation still being set up).
		return ledger.Alerts{Overdue: []ledger.AlertCase{}, BadRatings: []ledger.AlertCase{}, ParcelsStuck: []ledger.AlertCase{}}, nil
	}
	l, hall, _, err := s.open("alerts")
	if err != nil {
		return ledger.Alerts{}, err
	}
	al, err := l.Alerts(context.Background(), hall, 20)
	return al, toAPI(s.w.log, "alerts", err)
}
