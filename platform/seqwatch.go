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

// TouchReader tells which places a range of the change feed concerns:
// the halls and handling places whose devices see a change in (from, to].
// With it the watcher wakes only the waiters of those places.
type TouchReader interface {
	Touched(ctx context.Context, from, to int64) ([]string, error)
}

// ErrTooManyWaiters: the node already holds as many long polls as allowed.
var ErrTooManyWaiters = errors.New("too many waiting pulls on this node")

// SeqWatcher is a node's one watcher of the change feed. While at least one
// long-poll pull waits, a single goroutine reads the head sequence every
// Every; when it moved it wakes the waiters of the places the new changes
// concern (TouchReader: one query per move for the whole node), or all
// waiters when it cannot tell; with no waiter it stops. The head lives in
// the database, so a push committed through any node on the same database
// wakes the waiters of every node.
type SeqWatcher struct {
	src   HeadReader
	every time.Duration
	max   int
	log   *slog.Logger

	mu      sync.Mutex
	head    int64                    // last head seen (0 until first read)
	changed chan struct{}            // closed and replaced when every waiter must look
	byPlace map[string]chan struct{} // closed and removed when a change concerns the place
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
	return &SeqWatcher{src: src, every: every, max: maxWaiters, log: log, changed: make(chan struct{}),
		byPlace: map[string]chan struct{}{}}
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
// ctx ends or stop is closed, and returns the head it knows (call it
// between Acquire and release). place is the waiter's hall: once the
// head has caught up with after, only a change concerning that place (or
// one the watcher cannot attribute) ends the wait. A head past after may
// still be a change outside the caller's scope: the caller re-reads its own
// scope and waits again if it is still empty.
func (w *SeqWatcher) Wait(ctx context.Context, after int64, place string, stop <-chan struct{}) (int64, error) {
	w.mu.Lock()
	unknown := w.head == 0
	w.mu.Unlock()
	if unknown {
		// Learn the head now rather than from the poller's first read,
		// which would otherwise have to wake every waiter to re-check.
		if h, err := w.src.HeadSeq(ctx); err == nil {
			w.mu.Lock()
			if w.head == 0 && h > 0 {
				// Once per node: earlier waiters saw head 0 and must look.
				w.wake(h, nil, false)
			}
			w.mu.Unlock()
		}
	}
	for {
		w.mu.Lock()
		head, all := w.head, w.changed
		if head > after {
			w.mu.Unlock()
			return head, nil
		}
		mine := w.byPlace[place]
		if mine == nil {
			mine = make(chan struct{})
			w.byPlace[place] = mine
		}
		w.mu.Unlock()
		select {
		case <-all:
		case <-mine:
		case <-stop:
			return head, context.Canceled
		case <-ctx.Done():
			return head, ctx.Err()
		}
		w.mu.Lock()
		now := w.head
		w.mu.Unlock()
		if now < after {
			// Moved backwards (a restore): the caller re-reads its
			// scope, which then answers 412 for the cursor.
			return now, nil
		}
		if now > after {
			return now, nil
		}
	}
}

// poll reads the head every w.every while someone waits. The places a
// move concerns are read outside the lock (only poll changes the head).
func (w *SeqWatcher) poll() {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		head, err := w.src.HeadSeq(ctx)
		w.mu.Lock()
		old := w.head
		w.mu.Unlock()
		var places []string
		scoped := false
		if tr, ok := w.src.(TouchReader); ok && err == nil && old > 0 && head > old {
			var terr error
			if places, terr = tr.Touched(ctx, old, head); terr == nil {
				scoped = true
			} else {
				w.log.Warn("sequence watcher: touched places", "err", terr.Error())
			}
		}
		cancel()
		w.mu.Lock()
		if err != nil {
			w.log.Warn("sequence watcher: read head", "err", err.Error())
		} else if head != old {
			w.wake(head, places, scoped)
		}
		if w.waiters == 0 {
			w.polling = false
			w.byPlace = map[string]chan struct{}{} // nobody waits on them
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		<-t.C
	}
}

// wake records the new head and wakes the waiters of places (scoped), or
// everyone: after a move backwards (a restore), the first read, or a
// range the source cannot attribute. w.mu is held.
func (w *SeqWatcher) wake(head int64, places []string, scoped bool) {
	w.head = head
	if scoped {
		for _, p := range places {
			if ch := w.byPlace[p]; ch != nil {
				close(ch)
				delete(w.byPlace, p)
			}
		}
		return
	}
	close(w.changed)
	w.changed = make(chan struct{})
	for p, ch := range w.byPlace {
		close(ch)
		delete(w.byPlace, p)
	}
}
