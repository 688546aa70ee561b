// Package syncstore keeps the sync client's state in the workstation's
// SQLite database: the outbox is a view over case_actions' sync columns
// (FIFO by insertion, a case record with its first action), pulled batches
// go through the case journal (cases.Service.ApplyRemoteTx) in one
// transaction with the cursor, and the credential, quarantine, parked
// actions and scan uploads have tables of their own (0007_sync.sql).
// It implements client.LocalStore.
package syncstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"tongban/app/cases"
	"tongban/app/store"
	"tongban/scanner/blob"
	"tongban/sync/client"
)

// Journal applies pulled actions to the case journals (cases.Service).
type Journal interface {
	ApplyRemoteTx(ctx context.Context, tx *sql.Tx, acts []cases.RemoteAction) (cases.RemoteResult, error)
}

// JournalFunc returns the journal when it is needed: the app builds its
// case service lazily (it needs the hall code from the settings).
type JournalFunc func(ctx context.Context) (Journal, error)

// Store implements client.LocalStore.
type Store struct {
	db      *store.DB
	journal JournalFunc
	blobs   blob.Store
	now     func() time.Time

	// OnSubmitted, when set, is called (outside any transaction) for a case
	// that has just come to count as submitted (CaseSubmitted): the app
	// lets the scan store release the case's originals
	// (scans.Service.MarkCaseSynced). It may be called again for a case.
	OnSubmitted func(ctx context.Context, caseID string) error
}

var _ client.LocalStore = (*Store)(nil)

// New returns a Store over db. blobs holds the scans to upload.
func New(db *store.DB, journal JournalFunc, blobs blob.Store, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, journal: journal, blobs: blobs, now: now}
}

const tsLayout = "2006-01-02T15:04:05.000Z"

func (s *Store) ts() string { return s.now().UTC().Format(tsLayout) }

func fmtTS(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(tsLayout)
}

func parseTS(v string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t
}

// Credential returns the device credential, if enrolled.
func (s *Store) Credential(ctx context.Context) (client.Credential, bool, error) {
	var c client.Credential
	var at string
	err := s.db.Reader().QueryRowContext(ctx, `SELECT platform_url, device_id, token, hall_code, hall_name, platform_id, enrolled_at
		FROM sync_credential WHERE id = 1`).Scan(&c.PlatformURL, &c.DeviceID, &c.Token, &c.Hall, &c.HallName, &c.PlatformID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("read credential: %w", err)
	}
	c.EnrolledAt = parseTS(at)
	return c, true, nil
}

// SaveCredential replaces the device credential.
func (s *Store) SaveCredential(ctx context.Context, c client.Credential) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_credential(id, platform_url, device_id, token, hall_code, hall_name, platform_id, enrolled_at)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET platform_url = excluded.platform_url, device_id = excluded.device_id,
			token = excluded.token, hall_code = excluded.hall_code, hall_name = excluded.hall_name, platform_id = excluded.platform_id,
			enrolled_at = excluded.enrolled_at`,
			c.PlatformURL, c.DeviceID, c.Token, c.Hall, c.HallName, c.PlatformID, fmtTS(c.EnrolledAt))
		if err != nil {
			return fmt.Errorf("save credential: %w", err)
		}
		return nil
	})
}

func (s *Store) getState(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.Reader().QueryRowContext(ctx, "SELECT value FROM sync_state WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func setStateTx(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO sync_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

func (s *Store) setState(ctx context.Context, key, value string) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error { return setStateTx(ctx, tx, key, value) })
}

// Cursor returns the stored pull cursor.
func (s *Store) Cursor(ctx context.Context) (string, error) { return s.getState(ctx, "cursor") }

// ResetCursor forgets the pull cursor; nothing else changes.
func (s *Store) ResetCursor(ctx context.Context) error {
	return s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sync_state WHERE key = 'cursor'")
		return err
	})
}

// LastSuccess is when a round last completed.
func (s *Store) LastSuccess(ctx context.Context) (time.Time, error) {
	v, err := s.getState(ctx, "last_success")
	return parseTS(v), err
}

// SetLastSuccess records a completed round.
func (s *Store) SetLastSuccess(ctx context.Context, t time.Time) error {
	return s.setState(ctx, "last_success", fmtTS(t))
}

// Counts are the true outbox and upload numbers.
func (s *Store) Counts(ctx context.Context) (client.Counts, error) {
	var c client.Counts
	err := s.db.Reader().QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM case_actions WHERE sync_state = 'pending'),
		(SELECT COUNT(*) FROM case_actions WHERE sync_state = 'error'),
		(SELECT COUNT(*) FROM sync_uploads WHERE state = 'pending'),
		(SELECT COUNT(*) FROM sync_uploads WHERE state = 'error')`).Scan(&c.Pending, &c.Failed, &c.UploadsPending, &c.UploadsFailed)
	if err != nil {
		return c, fmt.Errorf("sync counts: %w", err)
	}
	return c, nil
}

// OpenBlob opens a scan from the local blob store.
func (s *Store) OpenBlob(ctx context.Context, sha string) (io.ReadSeekCloser, error) {
	if s.blobs == nil {
		return nil, errors.New("no blob store")
	}
	h, err := blob.ParseHash(sha)
	if err != nil {
		return nil, err
	}
	return s.blobs.Open(h)
}
