package app

import (
	"context"
	"sync"
)

// bgLoop is one background goroutine of the workstation (the sync loop, the
// courier tracking poller): started once, paused around a restore and
// started again, halted for good on Close. Stopping waits for it to end.
type bgLoop struct {
	mu     sync.Mutex
	stop   context.CancelFunc
	done   chan struct{}
	closed bool
}

// run starts fn in a goroutine unless it already runs or the loop was
// halted; fn must return when its context ends.
func (l *bgLoop) run(ctx context.Context, fn func(ctx context.Context)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stop != nil || l.closed {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	l.stop, l.done = cancel, done
	go func() {
		defer close(done)
		fn(ctx)
	}()
}

// halt stops the loop for good and waits for it (Close).
func (l *bgLoop) halt() { l.end(true) }

// pause stops the loop and waits for it; run may start it again (a restore).
func (l *bgLoop) pause() { l.end(false) }

func (l *bgLoop) end(final bool) {
	l.mu.Lock()
	stop, done := l.stop, l.done
	l.stop, l.done = nil, nil
	l.closed = l.closed || final
	l.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}
