package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tongban/platform"
	"tongban/sync/protocol"
)

// PutPlace creates or renames a place.
func (s *Store) PutPlace(ctx context.Context, p platform.Place) error {
	if !protocol.ValidPlaceCode(p.Code) || p.Name == "" {
		return protocol.Invalid("code", "place needs a 6-12 digit code and a name", "地点需要 6–12 位代码和名称")
	}
	_, err := s.exec(ctx, s.db, `INSERT INTO places (code, name, province) VALUES (?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, province = excluded.province`, p.Code, p.Name, p.Province)
	if err != nil {
		return fmt.Errorf("put place: %w", err)
	}
	return nil
}

// Place implements platform.Store.
func (s *Store) Place(ctx context.Context, code string) (platform.Place, error) {
	var p platform.Place
	err := s.row(ctx, s.db, `SELECT code, name, province FROM places WHERE code = ?`, code).Scan(&p.Code, &p.Name, &p.Province)
	if errors.Is(err, sql.ErrNoRows) {
		return p, platform.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read place: %w", err)
	}
	return p, nil
}

// Places implements platform.Store.
func (s *Store) Places(ctx context.Context) ([]platform.Place, error) {
	rows, err := s.query(ctx, s.db, `SELECT code, name, province FROM places ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list places: %w", err)
	}
	defer rows.Close()
	out := []platform.Place{}
	for rows.Next() {
		var p platform.Place
		if err := rows.Scan(&p.Code, &p.Name, &p.Province); err != nil {
			return nil, fmt.Errorf("list places: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
