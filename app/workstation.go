// Package app composes the workstation: it opens the local store, reads the
// settings, and exposes one thin bound service per area to the UI (Wails
// window or the HTTP mode). Domain rules live in the packages it composes.
package app

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"tongban/app/account"
	"tongban/app/catalog"
	"tongban/app/config"
	"tongban/app/errs"
	"tongban/app/paths"
	"tongban/app/store"
)

// Options configure a Workstation.
type Options struct {
	DataDir string
	Version string
	Logger  *slog.Logger
	Now     func() time.Time
}

// Workstation is one running Tongban workstation: its data directory,
// database, settings and the signed-in user. Services reach their
// dependencies through it; it holds no UI state beyond the session.
type Workstation struct {
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	emitter Emitter
	dialogs Dialogs

	mu          sync.RWMutex
	db          *store.DB // nil while the database needs recovery
	openErr     error     // why db is nil
	settings    config.Settings
	problems    []config.Problem
	accounts    *account.Service
	catalog     *catalog.Catalog
	backuper    *store.Backuper
	deviceID    string
	backupStop  context.CancelFunc
	backupsDone chan struct{}

	session   session
	baseCtx   context.Context // what Start was given; a restore restarts background work with it
	onUIReady func(screen string)
	scans     *scanState // hot folder, page table, thumbnails (scan_runner.go)
	// platform sync loop (sync_service.go)
	sync *syncRunner
	// courier client and tracking poller (mail_service.go)
	mail *mailRunner
}

// Open prepares the workstation in dataDir. A damaged database does not make
// Open fail: the workstation starts in recovery mode and the UI offers a
// restore. Open fails only when the data directory itself is unusable.
func Open(ctx context.Context, opts Options) (*Workstation, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := paths.Ensure(opts.DataDir); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	w := &Workstation{opts: opts, log: opts.Logger, now: opts.Now, emitter: nopEmitter{}, dialogs: noDialogs{}}
	w.scans = newScanState(w)
	w.sync = newSyncRunner(w)
	w.mail = newMailRunner(w)
	w.settings, w.problems = config.Load(paths.ConfigPath(opts.DataDir))
	for _, p := range w.problems {
		w.log.Warn("settings problem", "key", p.Key, "line", p.Line, "problem", p.Message)
	}
	w.openStore(ctx)
	return w, nil
}

// openStore opens, migrates and seeds the database; on failure it records
// the reason for the recovery screen. Callers hold no lock (start-up) or
// w.mu (restore).
func (w *Workstation) openStore(ctx context.Context) {
	dbPath := paths.DBPath(w.opts.DataDir)
	db, err := store.Open(ctx, dbPath)
	if err == nil {
		err = w.attach(ctx, db)
		if err != nil {
			db.Close()
		}
	}
	if err != nil {
		w.openErr = err
		w.log.Error("database unavailable, recovery needed", "path", dbPath, "err", err)
	}
}

func (w *Workstation) attach(ctx context.Context, db *store.DB) error {
	cat := catalog.New(db)
	if _, err := cat.EnsureSeed(ctx); err != nil {
		return fmt.Errorf("seed catalog: %w", err)
	}
	id, err := deviceID(ctx, db)
	if err != nil {
		return err
	}
	w.db, w.openErr, w.deviceID = db, nil, id
	w.catalog = cat
	w.accounts = account.New(db, w.now, w.log)
	w.backuper = store.NewBackuper(db, paths.BackupDir(w.opts.DataDir), w.backupSchedule, w.now, w.log)
	return nil
}

// deviceID returns this workstation's stable random id, creating it once.
func deviceID(ctx context.Context, db *store.DB) (string, error) {
	var id string
	err := db.WriteTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'device_id'").Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		id = "WS-" + hex.EncodeToString(b)
		_, err = tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('device_id', ?)", id)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("device id: %w", err)
	}
	return id, nil
}

// Start begins background work: scheduled backups, the hot-folder scanner and
// the platform sync loop. Call once after Open (a restore calls it again).
func (w *Workstation) Start(ctx context.Context) {
	w.mu.Lock()
	w.baseCtx = ctx
	defer w.mu.Unlock()
	w.startBackupsLocked(ctx)
	w.scans.start(ctx) // watches the hot folders while settings name any
	// After Start releases w.mu: the sync loop reads the database.
	go w.sync.start(ctx)
	w.mail.start(ctx) // courier tracking on a timer; idempotent (a restore calls Start again)
}

func (w *Workstation) startBackupsLocked(ctx context.Context) {
	if w.db == nil || w.backupStop != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	w.backupStop, w.backupsDone = cancel, done
	b := w.backuper
	go func() {
		defer close(done)
		if err := b.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
			w.log.Error("backup scheduler stopped", "err", err)
		}
	}()
}

// haltBackups stops the backup loop without holding w.mu: the loop reads
// its schedule under w.mu.RLock, so waiting for it with w.mu held
// deadlocks when Close follows Start closely.
func (w *Workstation) haltBackups() {
	w.mu.Lock()
	stop, done := w.backupStop, w.backupsDone
	w.backupStop, w.backupsDone = nil, nil
	w.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// backupSchedule reads the schedule from the settings in force, so a saved
// change applies without a restart.
func (w *Workstation) backupSchedule() (time.Duration, int) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return time.Duration(w.settings.Backup.IntervalHours) * time.Hour, w.settings.Backup.Keep
}

// Close stops background work and closes the database.
func (w *Workstation) Close() error {
	w.scans.halt() // before w.mu: the watcher may be waiting for the database
	w.sync.halt()  // likewise the sync loop
	w.mail.halt()  // and the tracking poller
	w.haltBackups()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.db != nil {
		err := w.db.Close()
		w.db = nil
		return err
	}
	return nil
}

// SetUI connects the window's event emitter and dialogs (Wails); the HTTP
// mode leaves the no-op defaults.
func (w *Workstation) SetUI(e Emitter, d Dialogs) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.emitter, w.dialogs = e, d
}

// OnUIReady registers fn to be called when the UI reports its first screen.
func (w *Workstation) OnUIReady(fn func(screen string)) { w.onUIReady = fn }

// ready returns the open database's services, or the recovery error.
func (w *Workstation) ready() (*store.DB, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.db == nil {
		if w.openErr != nil {
			return nil, w.openErr
		}
		return nil, errs.New(errs.ECORRUPT, "database closed", "本机数据库未打开")
	}
	return w.db, nil
}

// hallMissing reports whether the settings lack the hall's division code,
// without which no case can be taken at this workstation.
func (w *Workstation) hallMissing() bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.settings.Hall.DivisionCode == ""
}

// Services returns every bound service by the name the UI calls it.
func (w *Workstation) Services() map[string]any {
	cd := newCaseDeps(w)
	return map[string]any{
		"CaseService":     &CaseService{w: w, deps: cd},
		"IdentityService": &IdentityService{w: w, deps: cd},
		"AuditService":    &AuditService{w: w, deps: cd},
		"SystemService":   &SystemService{w: w},
		"AuthService":     &AuthService{w: w},
		"CatalogService":  &CatalogService{w: w},
		"SettingsService": &SettingsService{w: w},
		"SyncService":     &SyncService{w: w, deps: cd},
		"ScanService":     &ScanService{w: w, st: w.scans},
		"PrintService":    NewPrintService(w, nil),
		"RatingService":   &RatingService{w: w, deps: cd},
		"LedgerService":   &LedgerService{w: w, deps: cd},
		"CalendarService": &CalendarService{w: w, deps: cd},
		"MailService":     newMailService(w, cd),
		"HandlingService": newHandlingService(w, cd),
		"PlacesService":   NewPlacesService(w),
	}
}
