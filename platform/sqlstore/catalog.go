package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tongban/platform"
	"tongban/sync/protocol"
)

// PublishCatalog stores body as the next catalog version.
func (s *Store) PublishCatalog(ctx context.Context, body []byte, now time.Time) (protocol.CatalogVersion, error) {
	var cv protocol.CatalogVersion
	if !json.Valid(body) {
		return cv, protocol.Invalid("body", "catalog is not json", "事项目录不是有效的 JSON")
	}
	sum := sha256.Sum256(body)
	cv.SHA256, cv.Body, cv.PublishedAt = hex.EncodeToString(sum[:]), json.RawMessage(body), now.UTC().Truncate(time.Microsecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.row(ctx, tx, `SELECT COALESCE(MAX(version), 0) + 1 FROM catalog_versions`).Scan(&cv.Version); err != nil {
			return fmt.Errorf("next catalog version: %w", err)
		}
		_, err := s.exec(ctx, tx, `INSERT INTO catalog_versions (version, published_at, sha256, body) VALUES (?, ?, ?, ?)`,
			cv.Version, us(now), cv.SHA256, string(body))
		return err
	})
	if err != nil {
		return cv, fmt.Errorf("publish catalog: %w", err)
	}
	return cv, nil
}

// LatestCatalog implements platform.Store.
func (s *Store) LatestCatalog(ctx context.Context) (protocol.CatalogVersion, error) {
	var cv protocol.CatalogVersion
	var at int64
	var body string
	err := s.row(ctx, s.db, `SELECT version, published_at, sha256, body FROM catalog_versions ORDER BY version DESC LIMIT 1`).
		Scan(&cv.Version, &at, &cv.SHA256, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return cv, platform.ErrNotFound
	}
	if err != nil {
		return cv, fmt.Errorf("read catalog: %w", err)
	}
	cv.PublishedAt, cv.Body = fromUS(at), json.RawMessage(body)
	return cv, nil
}
