package httpserver

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"tongban/platform"
	"tongban/sync/protocol"
)

// Long-poll pull tunables for one node. A head move wakes only the waiters
// of the places it concerns (platform.TouchReader), so held waits cost
// memory (~75 KiB each) rather than re-pulls. Measured on the 2-core
// machine (bench/results/sync.md (d”)): 5,000 held waits, p99 of the normal
// rounds ≤ 24 ms up to 15,000 devices (375 MiB RSS). Before scoped wakes
// every move woke every waiter and a cap of 1000 put p99 at ~0.4 s already
// at 2,000 devices ((d')).
const (
	longPollEvery   = 250 * time.Millisecond // head reads while someone waits
	longPollWaiters = 5000                   // waits held at once; beyond: 503
	longPollRetry   = 5                      // Retry-After seconds on 503
)

// longPoll is a node's long-poll state: its one sequence watcher and, per
// http.Server, a channel closed when that server shuts down (so that a
// graceful shutdown does not wait for the waits to run out).
type longPoll struct {
	w     *platform.SeqWatcher // nil: the store cannot tell its head; no waiting
	mu    sync.Mutex
	stops map[*http.Server]chan struct{}
}

func newLongPoll(st platform.Store, every time.Duration, max int, s *Server) *longPoll {
	lp := &longPoll{stops: map[*http.Server]chan struct{}{}}
	if hr, ok := st.(platform.HeadReader); ok {
		lp.w = platform.NewSeqWatcher(hr, every, max, s.log)
	}
	return lp
}

func (s *Server) longPoll() *longPoll { return s.polls }

// stopFor returns a channel closed when the http.Server serving r shuts
// down (nil when r did not come through one).
func (lp *longPoll) stopFor(r *http.Request) <-chan struct{} {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil {
		return nil
	}
	lp.mu.Lock()
	defer lp.mu.Unlock()
	ch, ok := lp.stops[srv]
	if !ok {
		ch = make(chan struct{})
		lp.stops[srv] = ch
		srv.RegisterOnShutdown(func() {
			lp.mu.Lock()
			delete(lp.stops, srv)
			lp.mu.Unlock()
			close(ch)
		})
	}
	return ch
}

var errPullWait = protocol.Invalid("wait", "wait must be a whole number of seconds ≥ 0", "等待时间无效")

// parseWait reads ?wait= (seconds); more than protocol.MaxPullWait is capped.
func parseWait(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errPullWait
	}
	if d := time.Duration(n) * time.Second; n <= int(protocol.MaxPullWait/time.Second) {
		return d, nil
	}
	return protocol.MaxPullWait, nil
}

var errBusy = &protocol.Error{Code: protocol.EBUSY, Message: "too many waiting pulls on this node, retry later",
	Zh: "省级平台繁忙，稍后自动重试"}

// waitPull holds an empty pull until the platform's sequence passes the
// batch's snapshot (then re-reads the device's scope, and waits again if
// the change was outside it), the wait ends, the client leaves or the
// server shuts down. It returns the batch to answer with: the first
// non-empty one, else the last empty one.
func (s *Server) waitPull(w http.ResponseWriter, r *http.Request, d platform.Device, after int64, limit int,
	b platform.PullBatch, wait time.Duration) (platform.PullBatch, bool) {
	lp := s.longPoll()
	if lp.w == nil {
		return b, true
	}
	release, err := lp.w.Acquire()
	if errors.Is(err, platform.ErrTooManyWaiters) {
		w.Header().Set("Retry-After", strconv.Itoa(longPollRetry))
		writeJSON(w, http.StatusServiceUnavailable, protocol.ErrorBody{Error: errBusy})
		return b, false
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	stop := lp.stopFor(r)
	seen := b.Upto
	for {
		head, err := lp.w.Wait(ctx, seen, d.Hall, stop)
		if err != nil {
			return b, true // the wait ended: answer the empty batch
		}
		nb, err := s.store.Pull(r.Context(), d, after, limit)
		if err != nil {
			s.writeError(w, r, err)
			return b, false
		}
		if nb.Upto < after {
			s.writeError(w, r, errCursor)
			return b, false
		}
		b = nb
		if len(b.Cases) > 0 || len(b.Actions) > 0 || b.More {
			return b, true
		}
		seen = max(head, b.Upto)
	}
}
