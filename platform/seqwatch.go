package platform

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// HeadReader reads the newest committed sequence number of the platform's
// change feed (one cheap row read). sqlstore.Store implements it.
type HeadReader interface {
	HeadSeq(ctx context.Context) (int64, error)
}

// ErrTooManyWaiters: the node already holds as many long polls as allowed.
var ErrTooManyWaiters = errors.New("too many waiting pulls on this node")

// SeqWatcher is a node's one watcher of the change feed. While at least one
// long-poll pull waits, a single goroutine reads the head sequence every
// Every and wakes all waiters when it moved; with no waiter it stops. The
// head lives in the database, so a push committed through any node on the
// same database wakes the waiters of every node.
type SeqWatcher struct {
	src   HeadReader
	every time.Duration
	max   int
	log   *slog.Logger

	mu      sync.Mutex
	head    int64         // last head seen (0 until first read)
	changed chan struct{} // closed and replaced when head moves
	waiters int
	polling bool
}

// NewSeqWatcher returns a watcher reading src every `every` (default
// 250 ms) that admits at most maxWaiters at once (default 1000).
func NewSeqWatcher(src HeadReader, every time.Duration, maxWaiters int, log *slog.Logger) *SeqWatcher {
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	if maxWaiters <= 0 {
		maxWaiters = 1000
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &SeqWatcher{src: src, every: every, max: maxWaiters, log: log, changed: make(chan struct{})}
}

// Waiters is the number of waits in progress.
func (w *SeqWatcher) Waiters() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.waiters
}

// Acquire admits one waiter (ErrTooManyWaiters beyond the cap) and starts
// the poller if it is not running. Call the returned release when done.
func (w *SeqWatcher) Acquire() (release func(), err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiters >= w.max {
		return nil, ErrTooManyWaiters
	}
	w.waiters++
	if !w.polling {
		w.polling = true
		go w.poll()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			w.mu.Lock()
			w.waiters--
			w.mu.Unlock()
		})
	}, nil
}

// Wait blocks until the head is past after (or moves back before it),
// ctx ends or stop is closed, and returns the head it knows (call it between Acquire and release).
// A head past after may be a change outside the caller's scope: the caller
// re-reads its own scope and waits again if it is still empty.
func (w *SeqWatcher) Wait(ctx context.Context, after int64, stop <-chan struct{}) (int64, error) {
	for {
		w.mu.Lock()
		head, ch := w.head, w.changed
		w.mu.Unlock()
		if head > after {
			return head, nil
		}
		select {
		case <-ch:
			w.mu.Lock()
			now := w.head
			w.mu.Unlock()
			if now < after {
				// Moved backwards (a restore): the caller re-reads its
				// scope, which then answers 412 for the cursor.
				return now, nil
			}
		case <-stop:
			return head, context.Canceled
		case <-ctx.Done():
			return head, ctx.Err()
		}
	}
}

// poll reads the head every w.every while someone waits.
func (w *SeqWatcher) poll() {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		head, err := w.src.HeadSeq(ctx)
		cancel()
		w.mu.Lock()
		if err != nil {
			w.log.Warn("sequence watcher: read head", "err", err.Error())
		} else if head != w.head {
			// Any move (also backwards, after a restore) wakes the waiters:
			// they re-read their scope, which then answers 412 if needed.
			w.head = head
			close(w.changed)
			w.changed = make(chan struct{})
		}
		if w.waiters == 0 {
			w.polling = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		<-t.C
	}
}
