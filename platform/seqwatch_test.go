package platform

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

type fakeHead struct {
	head  atomic.Int64
	reads atomic.Int64
}

func (f *fakeHead) HeadSeq(context.Context) (int64, error) {
	f.reads.Add(1)
	return f.head.Load(), nil
}

func TestSeqWatcherWakesAndStops(t *testing.T) {
	src := &fakeHead{}
	src.head.Store(7)
	w := NewSeqWatcher(src, 5*time.Millisecond, 2, nil)
	if got := src.reads.Load(); got != 0 {
		t.Fatalf("reads with nobody waiting: %d", got)
	}
	rel1, err := w.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	rel2, err := w.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Acquire(); !errors.Is(err, ErrTooManyWaiters) {
		t.Fatalf("third waiter: %v, want ErrTooManyWaiters", err)
	}
	done := make(chan int64, 2)
	for range 2 {
		go func() {
			h, err := w.Wait(context.Background(), 7, "410102", nil)
			if err != nil {
				h = -1
			}
			done <- h
		}()
	}
	time.Sleep(30 * time.Millisecond)
	select {
	case h := <-done:
		t.Fatalf("woke without a change (head %d)", h)
	default:
	}
	src.head.Store(9)
	for range 2 {
		select {
		case h := <-done:
			if got, want := h, int64(9); got != want {
				t.Fatalf("woke with head %d, want %d", got, want)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("waiter not woken after the head moved")
		}
	}
	rel1()
	rel1() // idempotent
	rel2()
	if got := w.Waiters(); got != 0 {
		t.Fatalf("waiters after release: %d", got)
	}
	time.Sleep(30 * time.Millisecond)
	n := src.reads.Load()
	time.Sleep(50 * time.Millisecond)
	if got := src.reads.Load(); got != n {
		t.Fatalf("still polling with nobody waiting: %d → %d reads", n, got)
	}
}

func TestSeqWatcherWaitEnds(t *testing.T) {
	w := NewSeqWatcher(&fakeHead{}, 5*time.Millisecond, 0, nil)
	rel, err := w.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer rel()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
	defer cancel()
	if _, err := w.Wait(ctx, 0, "410102", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait past its deadline: %v", err)
	}
	stop := make(chan struct{})
	close(stop)
	if _, err := w.Wait(context.Background(), 0, "410102", stop); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait after stop: %v", err)
	}
}

// TestSeqWatcherWakesOnRestore: a head that moves back before the waiter's
// cursor (a restored database) ends the wait at once, so the waiter
// re-reads its scope instead of sleeping out its wait.
func TestSeqWatcherWakesOnRestore(t *testing.T) {
	src := &fakeHead{}
	src.head.Store(50)
	w := NewSeqWatcher(src, 5*time.Millisecond, 2, nil)
	rel, err := w.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer rel()
	got := make(chan int64, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h, _ := w.Wait(ctx, 50, "410102", nil)
		got <- h
	}()
	time.Sleep(30 * time.Millisecond) // the waiter sees head 50 = its cursor and waits
	src.head.Store(12)
	select {
	case h := <-got:
		if h != 12 {
			t.Fatalf("wait ended with head %d, want 12", h)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a head moved back did not end the wait")
	}
}

// touchHead is a head whose changes concern the places set in touched.
type touchHead struct {
	fakeHead
	touched atomic.Value // []string
}

func (f *touchHead) Touched(context.Context, int64, int64) ([]string, error) {
	p, _ := f.touched.Load().([]string)
	return p, nil
}

// TestSeqWatcherWakesOnlyTouchedPlaces: a change wakes the waiters of the
// places it concerns; the others sleep on (no re-read of their scope).
func TestSeqWatcherWakesOnlyTouchedPlaces(t *testing.T) {
	src := &touchHead{}
	src.head.Store(10)
	w := NewSeqWatcher(src, 5*time.Millisecond, 4, nil)
	relA, _ := w.Acquire()
	defer relA()
	relC, _ := w.Acquire()
	defer relC()
	time.Sleep(30 * time.Millisecond) // first read: head 10
	woke := make(chan string, 2)
	for _, place := range []string{"330106", "410105"} {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
			defer cancel()
			if _, err := w.Wait(ctx, 10, place, nil); err == nil {
				woke <- place
			} else {
				woke <- "timeout " + place
			}
		}()
	}
	time.Sleep(30 * time.Millisecond)
	src.touched.Store([]string{"410102", "330106"})
	src.head.Store(11)
	got := map[string]bool{<-woke: true, <-woke: true}
	if !got["330106"] || !got["timeout 410105"] {
		t.Fatalf("woken: %v, want 330106 woken and 410105 left waiting", got)
	}
}

// TestSeqWatcherFirstHeadWakesEarlierWaiters: on an empty platform a waiter
// sees head 0; when a later waiter learns the first real head, the earlier
// one is woken (it would otherwise sleep through the first change).
func TestSeqWatcherFirstHeadWakesEarlierWaiters(t *testing.T) {
	src := &touchHead{}
	w := NewSeqWatcher(src, time.Hour, 4, nil) // no poller ticks: only the waiters read the head
	rel1, _ := w.Acquire()
	defer rel1()
	got := make(chan int64, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		h, _ := w.Wait(ctx, 0, "330106", nil)
		got <- h
	}()
	time.Sleep(50 * time.Millisecond)
	src.head.Store(5)
	rel2, _ := w.Acquire()
	defer rel2()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _ = w.Wait(ctx, 5, "410102", nil)
	select {
	case h := <-got:
		if h != 5 {
			t.Fatalf("earlier waiter woke with head %d, want 5", h)
		}
	case <-time.After(time.Second):
		t.Fatal("the earlier waiter slept through the first head")
	}
}
