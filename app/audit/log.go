package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"tongban/app/errs"
	"tongban/app/store"
)

// Log appends to and reads the audit chain in the workstation database.
type Log struct {
	db       *store.DB
	deviceID string
	now      func() time.Time
}

// New returns a Log writing entries for deviceID; now is the clock (nil:
// time.Now).
func New(db *store.DB, deviceID string, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{db: db, deviceID: deviceID, now: now}
}

// Append writes e in its own transaction. See AppendTx.
func (l *Log) Append(ctx context.Context, e Entry) (Entry, error) {
	var out Entry
	err := l.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = l.AppendTx(ctx, tx, e)
		return err
	})
	return out, err
}

// AppendTx writes e inside the caller's write transaction, so the audited
// change and its entry commit together. Seq, ID, At (when zero), DeviceID
// (when empty), PrevHash and Hash are filled in.
func (l *Log) AppendTx(ctx context.Context, tx *sql.Tx, e Entry) (Entry, error) {
	if e.Action == "" || e.Actor == "" {
		return Entry{}, errs.New(errs.EINTERNAL, "audit entry needs action and actor", "审计记录缺少操作或操作人")
	}
	var head struct {
		seq  int64
		hash string
	}
	err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&head.seq, &head.hash)
	if errors.Is(err, sql.ErrNoRows) {
		head.seq, head.hash = 0, Genesis
	} else if err != nil {
		return Entry{}, fmt.Errorf("read audit head: %w", err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Entry{}, fmt.Errorf("new audit id: %w", err)
	}
	e.Seq = head.seq + 1
	e.ID = id.String()
	if e.At.IsZero() {
		e.At = l.now()
	}
	e.At = e.At.UTC().Truncate(time.Nanosecond)
	if e.DeviceID == "" {
		e.DeviceID = l.deviceID
	}
	if len(e.Detail) == 0 {
		e.Detail = json.RawMessage("{}")
	}
	e.PrevHash = head.hash
	e.Hash = e.ComputeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log(seq, id, at, actor, role, device_id, action, object_type, object_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.ID, e.At.Format(timeLayout), e.Actor, e.Role, e.DeviceID, e.Action, e.ObjectType, e.ObjectID, string(e.Detail), e.PrevHash, e.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("insert audit entry: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_head(id, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, e.Seq, e.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("update audit head: %w", err)
	}
	return e, nil
}

// Filter selects entries for the audit views. Zero fields match all.
type Filter struct {
	ObjectType string `json:"objectType,omitempty"`
	ObjectID   string `json:"objectId,omitempty"`
	Actor      string `json:"actor,omitempty"`
	BeforeSeq  int64  `json:"beforeSeq,omitempty"` // paging: entries with seq < BeforeSeq
	Limit      int    `json:"limit,omitempty"`     // default 100, max 1000
}

// List returns matching entries, newest first.
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, error) {
	q := "SELECT seq, id, at, actor, role, device_id, action, object_type, object_id, detail, prev_hash, hash FROM audit_log WHERE 1=1"
	var args []any
	if f.ObjectType != "" {
		q += " AND object_type = ?"
		args = append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		q += " AND object_id = ?"
		args = append(args, f.ObjectID)
	}
	if f.Actor != "" {
		q += " AND actor = ?"
		args = append(args, f.Actor)
	}
	if f.BeforeSeq > 0 {
		q += " AND seq < ?"
		args = append(args, f.BeforeSeq)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit)
	rows, err := l.db.Reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanEntry(s scanner) (Entry, error) {
	var e Entry
	var at, detail string
	if err := s.Scan(&e.Seq, &e.ID, &at, &e.Actor, &e.Role, &e.DeviceID, &e.Action, &e.ObjectType, &e.ObjectID, &detail, &e.PrevHash, &e.Hash); err != nil {
		return Entry{}, fmt.Errorf("scan audit entry: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		// A damaged time is reported by Verify as an edit; keep the row visible.
		t = time.Time{}
	}
	e.At = t
	e.Detail = json.RawMessage(detail)
	return e, nil
}
