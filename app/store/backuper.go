package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Schedule tells the Backuper how often to back up and how many copies to
// keep. It is called before every decision, so a settings change applies
// without a restart.
type Schedule func() (every time.Duration, keep int)

// Backuper backs the database up on a schedule and on demand, one backup at
// a time, pruning old copies after each success.
type Backuper struct {
	db       *DB
	dir      string
	schedule Schedule
	now      func() time.Time
	log      *slog.Logger

	// RetryAfter is the wait after a failed backup (default 10 minutes).
	RetryAfter time.Duration

	mu      sync.Mutex // one backup at a time
	kick    chan struct{}
	failed  time.Time // last failure, zero after a success
	lastErr error
}

// NewBackuper returns a Backuper writing into dir.
func NewBackuper(db *DB, dir string, schedule Schedule, now func() time.Time, log *slog.Logger) *Backuper {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Backuper{db: db, dir: dir, schedule: schedule, now: now, log: log,
		RetryAfter: 10 * time.Minute, kick: make(chan struct{}, 1)}
}

// BackupNow makes a backup at once and prunes old ones.
func (b *Backuper) BackupNow(ctx context.Context) (BackupInfo, error) {
	info, err := b.run(ctx)
	select { // let Serve recompute its next due time
	case b.kick <- struct{}{}:
	default:
	}
	return info, err
}

// LastError is the error of the latest scheduled backup, nil after a success.
func (b *Backuper) LastError() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastErr
}

func (b *Backuper) run(ctx context.Context) (BackupInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, keep := b.schedule()
	start := time.Now()
	info, err := b.db.Backup(ctx, b.dir, b.now())
	if err != nil {
		b.failed, b.lastErr = b.now(), err
		b.log.Error("backup failed", "dir", b.dir, "err", err)
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	b.failed, b.lastErr = time.Time{}, nil
	removed, perr := PruneBackups(b.dir, keep)
	if perr != nil {
		b.log.Warn("prune backups", "err", perr)
	}
	b.log.Info("backup written", "name", info.Name, "bytes", info.Size,
		"ms", time.Since(start).Milliseconds(), "pruned", len(removed))
	return info, nil
}

// next returns how long to wait before the next scheduled backup.
func (b *Backuper) next() time.Duration {
	every, _ := b.schedule()
	if every <= 0 {
		every = 24 * time.Hour
	}
	now := b.now()
	due := now
	if latest, ok, err := LatestBackup(b.dir); err == nil && ok {
		due = latest.CreatedAt.Add(every)
	}
	b.mu.Lock()
	if !b.failed.IsZero() && b.failed.Add(b.RetryAfter).After(due) {
		due = b.failed.Add(b.RetryAfter)
	}
	b.mu.Unlock()
	return max(due.Sub(now), 0)
}

// Serve runs the schedule until ctx is done: a backup as soon as the newest
// one is older than the interval (at once if there is none), then every
// interval. Failures are logged and retried after RetryAfter.
func (b *Backuper) Serve(ctx context.Context) error {
	for {
		t := time.NewTimer(b.next())
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-b.kick:
			t.Stop()
		case <-t.C:
			_, _ = b.run(ctx)
		}
	}
}
