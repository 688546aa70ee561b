package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"tongban/sync/client"
	"tongban/sync/protocol"
)

// memStore is a client.LocalStore kept in memory; scan bytes are files in
// dir. Items are actions; a case record rides with its first action. An
// action listing a scan, and every later item of its case, is held
// until the scan is confirmed (as app/syncstore does).
type memStore struct {
	mu       sync.Mutex
	cred     client.Credential
	items    []client.Item
	synced   map[string]bool
	uploads  map[string]*client.Upload
	order    []string
	done     map[string]bool
	dir      string
	cursor   string
	pulled   int
	lastSucc time.Time
}

func newMemStore(cred client.Credential, dir string) *memStore {
	return &memStore{cred: cred, synced: map[string]bool{}, uploads: map[string]*client.Upload{}, done: map[string]bool{}, dir: dir}
}

func (m *memStore) addScan(sha string, size int64, caseID string) {
	m.uploads[sha] = &client.Upload{SHA256: sha, Size: size, CaseID: caseID}
	m.order = append(m.order, sha)
}

func (m *memStore) Pending(_ context.Context, limit int) ([]client.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []client.Item
	heldCase := map[string]bool{}
	for _, it := range m.items {
		if m.synced[it.Key] {
			continue
		}
		cid := it.Action.CaseID
		for _, a := range it.Action.Attachments {
			if !m.done[a.SHA256] {
				heldCase[cid] = true
			}
		}
		if heldCase[cid] {
			continue
		}
		out = append(out, it)
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

func (m *memStore) MarkSynced(_ context.Context, s []client.Synced) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range s {
		m.synced[x.Key] = true
	}
	return nil
}

func (m *memStore) Quarantine(_ context.Context, key string, reason *protocol.Error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.synced[key] = true
	quarantined = append(quarantined, key+": "+reason.Code+" "+reason.Message)
	return nil
}

var quarantined []string

func (m *memStore) Cursor(context.Context) (string, error) { return m.cursor, nil }
func (m *memStore) ApplyPull(_ context.Context, b protocol.PullResponse) error {
	m.pulled += len(b.Actions)
	m.cursor = b.Cursor
	return nil
}
func (m *memStore) ResetCursor(context.Context) error { m.cursor = ""; return nil }

func (m *memStore) PendingUploads(_ context.Context, limit int) ([]client.Upload, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []client.Upload
	for _, sha := range m.order {
		if m.done[sha] {
			continue
		}
		out = append(out, *m.uploads[sha])
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

func (m *memStore) OpenBlob(_ context.Context, sha string) (io.ReadSeekCloser, error) {
	return os.Open(filepath.Join(m.dir, sha))
}

func (m *memStore) SaveUpload(_ context.Context, sha, url string, off int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.uploads[sha].URL, m.uploads[sha].Offset = url, off
	return nil
}

func (m *memStore) UploadDone(_ context.Context, sha string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[sha] = true
	return nil
}

func (m *memStore) UploadFailed(_ context.Context, sha string, reason *protocol.Error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[sha] = true
	quarantined = append(quarantined, "scan "+sha+": "+reason.Code)
	return nil
}

func (m *memStore) Credential(context.Context) (client.Credential, bool, error) {
	return m.cred, true, nil
}
func (m *memStore) SaveCredential(_ context.Context, c client.Credential) error {
	m.cred = c
	return nil
}
func (m *memStore) Counts(context.Context) (client.Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := client.Counts{}
	for _, it := range m.items {
		if !m.synced[it.Key] {
			c.Pending++
		}
	}
	for _, sha := range m.order {
		if !m.done[sha] {
			c.UploadsPending++
		}
	}
	return c, nil
}
func (m *memStore) LastSuccess(context.Context) (time.Time, error) { return m.lastSucc, nil }
func (m *memStore) SetLastSuccess(_ context.Context, t time.Time) error {
	m.lastSucc = t
	return nil
}
