package app

import (
	"context"
	"errors"
	"fmt"

	"tongban/app/account"
	"tongban/app/errs"
	"tongban/app/paths"
	"tongban/app/store"
)

var errNoDialogs = errs.New(errs.EINVALID, "file dialogs need the desktop window", "该操作需要在桌面窗口中进行")

// SystemInfo describes this workstation for the about box and support.
type SystemInfo struct {
	Version       string `json:"version"`
	DataDir       string `json:"dataDir"`
	DBPath        string `json:"dbPath"`
	SchemaVersion int    `json:"schemaVersion"`
	DeviceID      string `json:"deviceId"`
	HallName      string `json:"hallName"`
}

// Recovery tells the UI whether the database must be restored before use.
type Recovery struct {
	Needed       bool               `json:"needed"`
	Problem      *APIError          `json:"problem,omitempty"`
	LatestBackup *store.BackupInfo  `json:"latestBackup,omitempty"`
	Backups      []store.BackupInfo `json:"backups"`
}

// SystemService reports the workstation's state and runs backups/restores.
type SystemService struct {
	w *Workstation
}

// Info describes the workstation.
func (s *SystemService) Info() SystemInfo {
	w := s.w
	w.mu.RLock()
	defer w.mu.RUnlock()
	info := SystemInfo{Version: w.opts.Version, DataDir: w.opts.DataDir, DBPath: paths.DBPath(w.opts.DataDir),
		DeviceID: w.deviceID, HallName: w.settings.Hall.Name}
	if w.db != nil {
		info.SchemaVersion = w.db.SchemaVersion()
	}
	return info
}

// Recovery reports whether the database could not be opened, with the
// backups it can be restored from (newest first).
func (s *SystemService) Recovery() (Recovery, error) {
	w := s.w
	w.mu.RLock()
	openErr := w.openErr
	w.mu.RUnlock()
	backups, err := store.ListBackups(paths.BackupDir(w.opts.DataDir))
	if err != nil {
		return Recovery{}, toAPI(w.log, "system.recovery", err)
	}
	r := Recovery{Needed: openErr != nil, Backups: backups}
	if r.Backups == nil {
		r.Backups = []store.BackupInfo{}
	}
	if openErr != nil {
		r.Problem = toAPI(w.log, "system.recovery", openErr).(*APIError)
	}
	if len(backups) > 0 {
		r.LatestBackup = &backups[0]
	}
	return r, nil
}

// RestoreBackup replaces the database with the named backup. While recovery
// is needed anyone at the window may do it (nobody can sign in); otherwise
// only an admin. The replaced file is kept beside it, never deleted.
func (s *SystemService) RestoreBackup(name string) (Recovery, error) {
	w := s.w
	w.mu.RLock()
	needed := w.db == nil
	w.mu.RUnlock()
	if !needed {
		if _, err := w.session.require(account.RoleAdmin); err != nil {
			return Recovery{}, toAPI(w.log, "system.restore", err)
		}
	}
	b, err := store.FindBackup(paths.BackupDir(w.opts.DataDir), name)
	if err != nil {
		return Recovery{}, toAPI(w.log, "system.restore", err)
	}
	src := b.Path
	ctx := context.Background()
	var aside string
	// Background work holds the database: stop it (without w.mu, which
	// the loops take) and start it again on the restored file.
	w.scans.halt()
	w.sync.pause()
	w.mail.pause()
	w.haltBackups()
	w.mu.Lock()
	if w.db != nil {
		if err := w.db.Close(); err != nil {
			w.log.Warn("close before restore", "err", err)
		}
		w.db = nil
	}
	aside, err = store.Restore(ctx, src, paths.DBPath(w.opts.DataDir))
	if err != nil {
		w.openErr = errors.Join(w.openErr, err)
	}
	w.openStore(ctx)
	base := w.baseCtx
	w.mu.Unlock()
	if base != nil { // Start was called: run background work again
		w.Start(base)
	}
	w.session.set(nil)
	if err != nil {
		return Recovery{}, toAPI(w.log, "system.restore", err)
	}
	w.log.Info("database restored from backup", "backup", name, "damagedKeptAt", aside)
	return s.Recovery()
}

// Backup writes a backup now and returns it (admin).
func (s *SystemService) Backup() (store.BackupInfo, error) {
	w := s.w
	if _, err := w.session.require(account.RoleAdmin); err != nil {
		return store.BackupInfo{}, toAPI(w.log, "system.backup", err)
	}
	if _, err := w.ready(); err != nil {
		return store.BackupInfo{}, toAPI(w.log, "system.backup", err)
	}
	w.mu.RLock()
	b := w.backuper
	w.mu.RUnlock()
	info, err := b.BackupNow(context.Background())
	if err != nil {
		return store.BackupInfo{}, toAPI(w.log, "system.backup", fmt.Errorf("backup: %w", err))
	}
	return info, nil
}

// ListBackups lists the backups, newest first (admin).
func (s *SystemService) ListBackups() ([]store.BackupInfo, error) {
	w := s.w
	if _, err := w.session.require(account.RoleAdmin); err != nil {
		return nil, toAPI(w.log, "system.backups", err)
	}
	list, err := store.ListBackups(paths.BackupDir(w.opts.DataDir))
	if err != nil {
		return nil, toAPI(w.log, "system.backups", err)
	}
	if list == nil {
		list = []store.BackupInfo{}
	}
	return list, nil
}

// UIReady is called by the UI once its first screen has rendered; it lets
// the smoke test and the cold-start benchmark see that moment.
func (s *SystemService) UIReady(screen string) {
	if s.w.onUIReady != nil {
		s.w.onUIReady(screen)
	}
}
