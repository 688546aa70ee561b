package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app/errs"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

// fakePlatform is a place directory that can go offline.
type fakePlatform struct {
	mu      sync.Mutex
	places  []protocol.Place
	offline bool
	calls   int
}

func (f *fakePlatform) Places(context.Context) ([]protocol.Place, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.offline {
		return nil, client.ErrOffline
	}
	return append([]protocol.Place(nil), f.places...), nil
}

func TestPlacesServiceCachesTheDirectory(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var clockMu sync.Mutex
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }
	w, err := Open(context.Background(), Options{DataDir: t.TempDir(), Version: "test", Now: clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { w.Close() })

	fp := &fakePlatform{places: []protocol.Place{
		{Code: "410305", Name: "洛阳市涧西区政务服务中心", Province: "河南省"},
		{Code: "330106", Name: "杭州市西湖区行政服务中心", Province: "浙江省"},
	}}
	enrolled := false
	svc := NewPlacesService(w)
	svc.source = func(context.Context) (placeSource, error) {
		if !enrolled {
			return nil, errs.New(errs.EINVALID, "not enrolled", "未注册")
		}
		return fp, nil
	}

	_, err = svc.List()
	var ae *APIError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, "EUNAUTHORIZED", ae.Code, "signed-in users only")

	_, err = (&AuthService{w: w}).Setup("admin", "管理员", "Admin1234")
	require.NoError(t, err)

	got, err := svc.List()
	require.NoError(t, err)
	assert.Empty(t, got, "not enrolled, nothing cached yet")
	assert.NotNil(t, got)

	enrolled = true
	got, err = svc.List()
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, Place{Code: "330106", Name: "杭州市西湖区行政服务中心", Province: "浙江省"}, got[0], "sorted by code")
	assert.Equal(t, "河南省", got[1].Province)
	assert.Equal(t, 1, fp.calls)

	// Fresh: no request.
	_, err = svc.List()
	require.NoError(t, err)
	assert.Equal(t, 1, fp.calls)

	// Stale and offline: the cache answers.
	advance(placesFresh + time.Minute)
	fp.offline = true
	got, err = svc.List()
	require.NoError(t, err)
	assert.Len(t, got, 2)
	assert.Equal(t, 2, fp.calls)

	// Online again: a renamed place and a new one replace the cache; a
	// place the platform dropped is gone.
	fp.offline = false
	fp.places = []protocol.Place{{Code: "410305", Name: "洛阳市涧西区政务服务中心（新址）", Province: "河南省"},
		{Code: "410102", Name: "郑州市中原区政务服务中心", Province: "河南省"}}
	got, err = svc.List()
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "410102", got[0].Code)
	assert.Equal(t, "洛阳市涧西区政务服务中心（新址）", got[1].Name)

	// The cache survives a restart of the service (it is in the database).
	fp.offline = true
	advance(placesFresh + time.Minute)
	got, err = NewPlacesService(w).List() // real source: not enrolled
	require.NoError(t, err)
	assert.Len(t, got, 2)
}
