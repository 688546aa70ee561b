// Package platform is the provincial acceptance platform's core: its domain
// types, the Store interface every database implements (sqlitestore,
// pgstore over the shared sqlstore), and the rules that need no database
// (credentials, numbering, fingerprints). Wire types live in sync/protocol.
package platform

import (
	"context"
	"time"

	"tongban/sync/protocol"
)

// Place is a service hall or a handling place (办理地).
type Place = protocol.Place

// Device is an enrolled workstation. A device acts for one place.
type Device struct {
	ID         string
	Name       string
	Hall       string
	EnrolledAt time.Time
	RevokedAt  time.Time // zero while valid
}

// Revoked reports whether the device's credential was withdrawn.
func (d Device) Revoked() bool { return !d.RevokedAt.IsZero() }

// EnrollCode is a single-use enrollment code as stored (hashed).
type EnrollCode struct {
	Hash      string
	Hall      string
	ExpiresAt time.Time
	CreatedAt time.Time
}

// Account is a platform-issued user.
type Account = protocol.Account

// PullBatch is one batch of changes in a device's scope.
type PullBatch struct {
	Cases   []protocol.StoredCase
	Actions []protocol.StoredAction
	Upto    int64 // the batch covers every change with seq <= Upto
	More    bool
}

// Blob is a verified upload recorded in the database.
type Blob struct {
	SHA256     string
	Size       int64
	DeviceID   string
	Hall       string
	UploadedAt time.Time
}

// Store holds all of the platform's state, so that several stateless nodes
// on one database behave as one platform. Every method is safe for
// concurrent use, also from several processes on one database.
type Store interface {
	// PlatformID is a random id made when the database was created; Epoch
	// changes when the change feed can no longer be continued (restore).
	PlatformID(ctx context.Context) (string, error)
	Epoch(ctx context.Context) (string, error)
	ResetEpoch(ctx context.Context) (string, error)
	Ping(ctx context.Context) error
	Close() error

	PutPlace(ctx context.Context, p Place) error
	Place(ctx context.Context, code string) (Place, error)
	Places(ctx context.Context) ([]Place, error)

	CreateEnrollCode(ctx context.Context, c EnrollCode) error
	// Enroll consumes the code (once, before it expires) and creates the
	// device with its token hash, atomically.
	Enroll(ctx context.Context, codeHash string, d Device, tokenHash string, now time.Time) (Device, error)
	DeviceByTokenHash(ctx context.Context, tokenHash string) (Device, error)
	Devices(ctx context.Context) ([]Device, error)
	RevokeDevice(ctx context.Context, id string, now time.Time) error

	PutAccount(ctx context.Context, a Account) error
	Accounts(ctx context.Context, hall string) ([]Account, error)

	PublishCatalog(ctx context.Context, body []byte, now time.Time) (protocol.CatalogVersion, error)
	LatestCatalog(ctx context.Context) (protocol.CatalogVersion, error)

	// Push stores a device's cases and actions idempotently, in one
	// transaction, and answers per item in request order.
	Push(ctx context.Context, d Device, req protocol.PushRequest, now time.Time) (protocol.PushResponse, error)
	// Pull returns up to limit changes with seq > after in the device's scope.
	Pull(ctx context.Context, d Device, after int64, limit int) (PullBatch, error)
	// Case returns a case if it is in the device's scope.
	Case(ctx context.Context, d Device, id string) (protocol.StoredCase, []protocol.StoredAction, error)
	ReserveNumbers(ctx context.Context, d Device, count int, now time.Time) (protocol.NumberBlock, error)

	PutBlob(ctx context.Context, b Blob) error
	// BlobVisible reports whether the device may read the blob: it uploaded
	// it from its hall, or a case in its scope references it.
	BlobVisible(ctx context.Context, d Device, sha string) (bool, error)
	HasBlob(ctx context.Context, sha string) (bool, error)

	// LoopStore serves the public 办件查询 page and the ledger (loop.go).
	LoopStore
}

// Errors the stores return (protocol errors, so they reach the client as is).
var (
	ErrNotFound     = protocol.Errorf(protocol.ENOTFOUND, "not found", "记录不存在")
	ErrUnauthorized = protocol.Errorf(protocol.EUNAUTHORIZED, "unknown or revoked device credential", "设备凭据无效或已被吊销，请重新注册设备")
	ErrEnrollCode   = protocol.Errorf(protocol.EUNAUTHORIZED, "enrollment code unknown, used or expired", "注册码无效、已使用或已过期")
	ErrForbidden    = protocol.Errorf(protocol.EFORBIDDEN, "outside this device's scope", "无权访问该办件（不属于本设备所在地）")
)
