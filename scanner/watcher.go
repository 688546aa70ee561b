package scanner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"tongban/scanner/blob"
	"tongban/scanner/internal/fsutil"
)

// Deps are a Watcher's collaborators.
type Deps struct {
	Store   blob.Store
	Targets TargetSource
	Sink    Sink
	// Notify receives events. It is called from the watcher's goroutines
	// and must return quickly (hand the event to a channel or the UI).
	Notify func(Event)
	// FreeSpace returns the free bytes where blobs are written. Default:
	// the filesystem of the store's root for a *blob.FS.
	FreeSpace func() (uint64, error)
	Now       func() time.Time
}

// Watcher takes page files from hot folders. Create it with New and run
// it with Serve.
type Watcher struct {
	cfg     Config
	store   blob.Store
	targets TargetSource
	sink    Sink
	notify  func(Event)
	free    func() (uint64, error)
	now     func() time.Time
	epoch   atomic.Uint64
}

// New checks the configuration and builds a Watcher.
func New(cfg Config, d Deps) (*Watcher, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if d.Store == nil || d.Targets == nil || d.Sink == nil {
		return nil, errors.New("new scanner: store, targets and sink are required")
	}
	w := &Watcher{cfg: c, store: d.Store, targets: d.Targets, sink: d.Sink, notify: d.Notify, free: d.FreeSpace, now: d.Now}
	if w.notify == nil {
		w.notify = func(Event) {}
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.free == nil {
		fsStore, ok := d.Store.(*blob.FS)
		if !ok {
			return nil, errors.New("new scanner: FreeSpace is required for this store")
		}
		root := fsStore.Root()
		w.free = func() (uint64, error) { return freeSpace(root) }
	}
	return w, nil
}

func (w *Watcher) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = w.now()
	}
	w.notify(e)
}

type folderState struct {
	cfg     FolderConfig
	polled  bool // no fsnotify (configured, or adding the watch failed)
	lastErr string
}

func (f *folderState) join(name string) string { return filepath.Join(f.cfg.Path, name) }

type candState int

const (
	waiting candState = iota
	inflight
)

type candidate struct {
	fileRef
	state      candState
	target     Target
	haveTarget bool
	lastChange time.Time
	nextCheck  time.Time
	attempts   int
	ready      bool
	notBefore  time.Time // retry back-off; later files wait behind it
}

type doneMsg struct {
	key string
	out outcome
}

// Serve watches the folders until ctx is cancelled. It returns nil on
// cancellation and an error only if it cannot start.
func (w *Watcher) Serve(ctx context.Context) error {
	if err := os.MkdirAll(w.cfg.QuarantineDir, 0o750); err != nil {
		return fmt.Errorf("serve scanner: %w", err)
	}
	folders := map[string]*folderState{} // by path
	var order []*folderState
	for _, fc := range w.cfg.Folders {
		f := &folderState{cfg: fc, polled: fc.Poll}
		folders[fc.Path] = f
		order = append(order, f)
	}
	var events chan fsnotify.Event
	var errs chan error
	fw, err := fsnotify.NewBufferedWatcher(4096)
	if err != nil {
		for _, f := range order {
			f.polled = true
		}
		w.emit(Event{Kind: EventFolderError, Err: "fsnotify unavailable, polling: " + err.Error()})
	} else {
		defer fw.Close()
		events, errs = fw.Events, fw.Errors
		for _, f := range order {
			if f.polled {
				continue
			}
			if err := fw.Add(f.cfg.Path); err != nil {
				f.polled = true // missing folder or no events on this filesystem: poll
				w.emit(Event{Kind: EventFolderError, FolderID: f.cfg.ID, Err: "watch failed, polling: " + err.Error()})
			}
		}
	}

	limit := w.cfg.Workers * 2
	jobs := make(chan job, limit)
	results := make(chan result, limit)
	done := make(chan doneMsg, limit*2)
	var wg sync.WaitGroup
	var workers sync.WaitGroup
	for i := 0; i < w.cfg.Workers; i++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				results <- w.ingest(ctx, j)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.commitLoop(ctx, results, done)
	}()
	defer func() {
		close(jobs)
		workers.Wait()
		close(results)
		wg.Wait()
	}()

	l := &loop{w: w, folders: folders, order: order, cands: map[string]*candidate{}, jobs: jobs, limit: limit}
	for _, f := range order {
		l.scan(f)
	}
	tick := time.NewTicker(max(w.cfg.Debounce/3, 10*time.Millisecond))
	defer tick.Stop()
	poll := time.NewTicker(w.cfg.PollInterval)
	defer poll.Stop()
	rescan := time.NewTicker(w.cfg.RescanInterval)
	defer rescan.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			l.event(ev)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.emit(Event{Kind: EventRescan})
				for _, f := range order {
					l.scan(f)
				}
				continue
			}
			w.emit(Event{Kind: EventFolderError, Err: err.Error()})
		case <-tick.C:
			l.check()
			l.dispatch()
		case <-poll.C:
			for _, f := range order {
				if f.polled {
					l.scan(f)
				}
			}
		case <-rescan.C:
			for _, f := range order {
				l.scan(f)
			}
		case d := <-done:
			l.finish(d)
			l.dispatch()
		}
	}
}

// loop is the state owned by Serve's goroutine.
type loop struct {
	w        *Watcher
	folders  map[string]*folderState
	order    []*folderState
	cands    map[string]*candidate // by full path
	jobs     chan job
	limit    int
	inflight int
	seq      uint64
	epoch    uint64
	paused   bool
	spaceAt  time.Time
}

func (l *loop) event(ev fsnotify.Event) {
	f := l.folders[filepath.Dir(ev.Name)]
	if f == nil {
		return
	}
	name := filepath.Base(ev.Name)
	if l.w.cfg.ignored(name) {
		return
	}
	c := l.cands[ev.Name]
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if c != nil && c.state == waiting {
			delete(l.cands, ev.Name)
		}
		return
	}
	l.touch(f, name)
}

// touch notes that a file may have changed.
func (l *loop) touch(f *folderState, name string) {
	path := f.join(name)
	now := l.w.now()
	c := l.cands[path]
	if c == nil {
		c = &candidate{fileRef: fileRef{folder: f, name: name, size: -1}}
		l.cands[path] = c
		l.pickTarget(c)
	}
	if c.state == waiting {
		c.lastChange, c.nextCheck = now, now.Add(l.w.cfg.Debounce)
		c.ready = false
	}
}

func (l *loop) pickTarget(c *candidate) {
	t, err := l.w.targets.ScanTarget(c.folder.cfg.ID)
	if err != nil {
		l.w.emit(Event{Kind: EventNoTarget, FolderID: c.folder.cfg.ID, FileName: c.name, Err: err.Error()})
		return
	}
	c.target, c.haveTarget = t, true
}

// scan lists a folder: new files become candidates, vanished ones are
// forgotten.
func (l *loop) scan(f *folderState) {
	entries, err := os.ReadDir(f.cfg.Path)
	if err != nil {
		if msg := err.Error(); msg != f.lastErr {
			f.lastErr = msg
			l.w.emit(Event{Kind: EventFolderError, FolderID: f.cfg.ID, Err: msg})
		}
		return
	}
	f.lastErr = ""
	present := map[string]bool{}
	for _, e := range entries {
		if !e.Type().IsRegular() || l.w.cfg.ignored(e.Name()) {
			continue
		}
		path := f.join(e.Name())
		present[path] = true
		if _, ok := l.cands[path]; !ok {
			l.touch(f, e.Name())
		}
	}
	for path, c := range l.cands {
		if c.folder == f && c.state == waiting && !present[path] {
			delete(l.cands, path)
		}
	}
}

// check re-stats candidates whose debounce has passed and marks the
// complete ones ready.
func (l *loop) check() {
	now := l.w.now()
	cfg := &l.w.cfg
	for path, c := range l.cands {
		if c.state != waiting || c.ready || now.Before(c.nextCheck) {
			continue
		}
		c.nextCheck = now.Add(cfg.Debounce)
		info, err := os.Stat(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				delete(l.cands, path)
			}
			continue
		}
		if !info.Mode().IsRegular() {
			delete(l.cands, path)
			continue
		}
		if info.Size() != c.size || !info.ModTime().Equal(c.modTime) {
			c.size, c.modTime, c.lastChange = info.Size(), info.ModTime(), now
		}
		if !c.haveTarget {
			l.pickTarget(c)
			if !c.haveTarget {
				continue
			}
		}
		ws := writerUnknown
		if !cfg.DisableWriterCheck {
			ws = openForWriting(path)
		}
		switch ws {
		case writerActive:
			c.lastChange = now
		case writerNone:
			// Nobody has it open for writing: quiet since the last write is
			// enough (mtime, or our own observation).
			c.ready = now.Sub(info.ModTime()) >= cfg.Debounce || now.Sub(c.lastChange) >= cfg.Debounce
		default:
			c.ready = now.Sub(c.lastChange) >= cfg.StableFor
		}
	}
}

// dispatch hands ready files to the workers, oldest first, while there is
// room in the pipeline and on the disk.
func (l *loop) dispatch() {
	if l.inflight >= l.limit {
		return
	}
	var ready []*candidate
	for _, c := range l.cands {
		if c.ready && c.state == waiting {
			ready = append(ready, c)
		}
	}
	now := l.w.now()
	if len(ready) == 0 && !l.paused {
		return
	}
	if l.paused && now.Sub(l.spaceAt) < 250*time.Millisecond {
		return
	}
	l.spaceAt = now
	free, err := l.w.free()
	if err != nil {
		free = ^uint64(0) // unknown: do not block intake; a write will tell
	}
	if len(ready) == 0 {
		l.setPaused(free < l.w.cfg.MinFreeBytes, free)
		return
	}
	sort.Slice(ready, func(i, j int) bool {
		a, b := ready[i], ready[j]
		if !a.modTime.Equal(b.modTime) {
			return a.modTime.Before(b.modTime)
		}
		if a.folder.cfg.ID != b.folder.cfg.ID {
			return a.folder.cfg.ID < b.folder.cfg.ID
		}
		return a.name < b.name
	})
	if e := l.w.epoch.Load(); e != l.epoch {
		l.epoch, l.seq = e, 0
	}
	for _, c := range ready {
		if l.inflight >= l.limit || now.Before(c.notBefore) {
			break // keep the order: nothing overtakes a file in back-off
		}
		need := l.w.cfg.MinFreeBytes + 2*uint64(max(c.size, 0))
		if free < need {
			l.setPaused(true, free)
			return
		}
		free -= 2 * uint64(max(c.size, 0))
		l.setPaused(false, free)
		c.state = inflight
		l.inflight++
		l.jobs <- job{epoch: l.epoch, seq: l.seq, file: c.fileRef, target: c.target, attempt: c.attempts}
		l.seq++
	}
}

func (l *loop) setPaused(p bool, free uint64) {
	if p == l.paused {
		return
	}
	l.paused = p
	kind := EventDiskOK
	if p {
		kind = EventDiskFull
	}
	l.w.emit(Event{Kind: kind, FreeBytes: free})
}

func (l *loop) finish(d doneMsg) {
	l.inflight--
	c := l.cands[d.key]
	if c == nil {
		return
	}
	now := l.w.now()
	c.state, c.ready = waiting, false
	switch d.out {
	case outAttached, outDuplicate, outQuarantined:
		delete(l.cands, d.key)
	case outChanged:
		c.lastChange, c.nextCheck = now, now
		c.size = -1
	case outAborted:
		c.ready = true
	case outNoSpace:
		c.ready = true
		free, _ := l.w.free()
		l.setPaused(true, free)
		l.spaceAt = now
	case outRetry:
		c.attempts++
		c.ready = true
		c.notBefore = now.Add(min(time.Duration(c.attempts*c.attempts)*200*time.Millisecond, 10*time.Second))
	}
}

// commitLoop receives results in any order and commits them in dispatch
// order: record in the sink, then remove the file from the hot folder.
// A failure that must be retried bumps the epoch, so the files after it
// are taken again after it and pages keep their order.
func (w *Watcher) commitLoop(ctx context.Context, results <-chan result, done chan<- doneMsg) {
	var cur, next uint64
	pending := map[uint64]result{}
	reply := func(r result, out outcome) {
		done <- doneMsg{key: r.file.path(), out: out}
	}
	flush := func() {
		for s, r := range pending {
			reply(r, outAborted)
			delete(pending, s)
		}
	}
	for r := range results {
		e := w.epoch.Load()
		if r.epoch != e {
			reply(r, outAborted)
			continue
		}
		if cur != e {
			flush()
			cur, next = e, 0
		}
		pending[r.seq] = r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			out := outAborted
			if ctx.Err() == nil {
				out = w.commit(ctx, r)
			}
			if out == outRetry || out == outNoSpace {
				w.epoch.Add(1)
				reply(r, out)
				flush()
				break
			}
			reply(r, out)
		}
	}
}

func (w *Watcher) commit(ctx context.Context, r result) outcome {
	f := r.file
	switch {
	case r.reason != nil:
		dst, err := w.quarantine(f, r.att.Source, r.reason, w.now())
		if err != nil {
			w.emit(Event{Kind: EventFolderError, FolderID: f.folder.cfg.ID, FileName: f.name, Err: err.Error()})
			if IsNoSpace(err) {
				return outNoSpace
			}
			return outRetry
		}
		w.emit(Event{Kind: EventQuarantined, FolderID: f.folder.cfg.ID, FileName: f.name, Target: r.target,
			Source: r.att.Source, Reason: r.reason, QuarantinePath: dst, LastWrite: f.modTime})
		return outQuarantined
	case r.out == outRetry && r.err != nil:
		w.emit(Event{Kind: EventFolderError, FolderID: f.folder.cfg.ID, FileName: f.name, Err: r.err.Error()})
		return outRetry
	case r.out != outAttached:
		return r.out
	}
	r.att.TakenAt = w.now()
	res, err := w.sink.Attach(ctx, r.att)
	if err != nil {
		w.emit(Event{Kind: EventFolderError, FolderID: f.folder.cfg.ID, FileName: f.name, Err: "record pages: " + err.Error()})
		if IsNoSpace(err) {
			return outNoSpace
		}
		return outRetry
	}
	// The pages are stored and recorded: the file may leave the folder,
	// unless it was replaced meanwhile by a new file of the same name.
	if info, err := os.Stat(f.path()); err == nil && info.Size() == f.size && info.ModTime().Equal(f.modTime) {
		if err := os.Remove(f.path()); err != nil {
			w.emit(Event{Kind: EventFolderError, FolderID: f.folder.cfg.ID, FileName: f.name, Err: "remove taken file: " + err.Error()})
		} else if err := fsutil.SyncDir(f.folder.cfg.Path); err != nil {
			w.emit(Event{Kind: EventFolderError, FolderID: f.folder.cfg.ID, Err: "sync folder: " + err.Error()})
		}
	}
	if res.Duplicate {
		w.emit(Event{Kind: EventDuplicate, FolderID: f.folder.cfg.ID, FileName: f.name, Target: res.Target,
			Source: r.att.Source, LastWrite: f.modTime})
		return outDuplicate
	}
	w.emit(Event{Kind: EventAttached, FolderID: f.folder.cfg.ID, FileName: f.name, Target: r.att.Target,
		Source: r.att.Source, Pages: r.att.Pages, LastWrite: f.modTime})
	return outAttached
}
