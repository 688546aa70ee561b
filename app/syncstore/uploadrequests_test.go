package syncstore_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"tongban/sync/client"
)

// TestFreshUploadRequests: a scan that is not on the platform yet costs
// three requests (is it there? create, send), not a fourth asking where a
// brand-new upload stands.
func TestFreshUploadRequests(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	a := newDevice(t, "410102")
	a.enroll(p)
	var mu sync.Mutex
	var upload []string
	p.wrap = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/v1/uploads") || strings.HasPrefix(r.URL.Path, "/v1/blobs") {
				mu.Lock()
				upload = append(upload, r.Method+" "+strings.SplitN(strings.TrimPrefix(r.URL.Path, "/v1/"), "/", 2)[0])
				mu.Unlock()
			}
			h.ServeHTTP(w, r)
		})
	}
	st := a.openCase("甲")
	a.addPages(st.CaseID, 1, 20<<10)
	_, err := a.syncer(client.Config{ChunkSize: 1 << 20, LongPoll: -1}).SyncNow(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"HEAD blobs", "POST uploads", "PATCH uploads"}, upload)

}
