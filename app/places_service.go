package app

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"sync"
	"time"

	"tongban/app/errs"
	"tongban/app/store"
	"tongban/app/syncstore"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

// Place is a hall or handling place of the platform's directory.
type Place struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Province string `json:"province"`
}

// placeSource is where the directory comes from (the platform's API).
type placeSource interface {
	Places(ctx context.Context) ([]protocol.Place, error)
}

// PlacesService lists the platform's places for the intake's
// handling-place picker. The list is cached in the workstation database
// (platform_places) and refreshed from the platform when the cache is
// older than placesFresh; offline, or not enrolled, the cache answers.
type PlacesService struct {
	w *Workstation
	// source returns the platform client, or an error when the
	// workstation is not enrolled.
	source  func(ctx context.Context) (placeSource, error)
	timeout time.Duration // of one refresh

	mu sync.Mutex // one refresh at a time
}

const placesFresh = 10 * time.Minute

// NewPlacesService returns the service of workstation w, fetching with
// its device credential.
func NewPlacesService(w *Workstation) *PlacesService {
	return &PlacesService{w: w, source: w.platformPlaces, timeout: 5 * time.Second}
}

// platformPlaces returns an API client of the platform this workstation is
// enrolled with.
func (w *Workstation) platformPlaces(ctx context.Context) (placeSource, error) {
	db, err := w.ready()
	if err != nil {
		return nil, err
	}
	cred, ok, err := syncstore.New(db, nil, nil, w.now).Credential(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.New(errs.EINVALID, "not enrolled", "本机尚未注册到省级平台")
	}
	return client.NewAPI(cred.PlatformURL, cred.Token, &http.Client{Timeout: 10 * time.Second})
}

// List returns every place, sorted by code: fresh from the platform when
// it answers, else the last list it gave (empty before the first). Any
// signed-in user may call it.
func (s *PlacesService) List() ([]Place, error) {
	if _, err := s.w.session.require(); err != nil {
		return nil, toAPI(s.w.log, "places", err)
	}
	db, err := s.w.ready()
	if err != nil {
		return nil, toAPI(s.w.log, "places", err)
	}
	ctx := context.Background()
	if err := s.refresh(ctx, db); err != nil {
		s.w.log.Info("places: using the cached directory", "err", err.Error())
	}
	out, err := cachedPlaces(ctx, db)
	return out, toAPI(s.w.log, "places", err)
}

// refresh replaces the cache with the platform's directory when the cache
// is older than placesFresh.
func (s *PlacesService) refresh(ctx context.Context, db *store.DB) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last sql.NullString
	if err := db.Reader().QueryRowContext(ctx, `SELECT MAX(fetched_at) FROM platform_places`).Scan(&last); err != nil {
		return fmt.Errorf("read places cache: %w", err)
	}
	now := s.w.now()
	if t, err := time.Parse(time.RFC3339Nano, last.String); err == nil && now.Sub(t) < placesFresh && !now.Before(t) {
		return nil
	}
	src, err := s.source(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	ps, err := src.Places(ctx)
	if err != nil {
		return fmt.Errorf("fetch places: %w", err)
	}
	at := now.UTC().Format(time.RFC3339Nano)
	return db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM platform_places`); err != nil {
			return fmt.Errorf("replace places: %w", err)
		}
		for _, p := range ps {
			if _, err := tx.ExecContext(ctx, `INSERT INTO platform_places (code, name, province, fetched_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, province = excluded.province`,
				p.Code, p.Name, p.Province, at); err != nil {
				return fmt.Errorf("replace places: %w", err)
			}
		}
		return nil
	})
}

func cachedPlaces(ctx context.Context, db *store.DB) ([]Place, error) {
	rows, err := db.Reader().QueryContext(ctx, `SELECT code, name, province FROM platform_places ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read places cache: %w", err)
	}
	defer rows.Close()
	out := []Place{}
	for rows.Next() {
		var p Place
		if err := rows.Scan(&p.Code, &p.Name, &p.Province); err != nil {
			return nil, fmt.Errorf("read places cache: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
