package app

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"tongban/app/audit"
	"tongban/app/config"
	"tongban/app/errs"
	"tongban/app/scans"
	"tongban/app/store"
	"tongban/scanner"
	"tongban/scanner/blob"
)

// Scan events pushed to the UI (Wails). They are throttled: at most one of
// each name per scanEventEvery. The HTTP mode has no events: the UI polls.
const (
	EventScanPages      = "scan:pages"      // ScanPagesEvent: pages changed on these targets
	EventScanQuarantine = "scan:quarantine" // ScanQuarantineEvent: files refused since the last event
	EventScanStatus     = "scan:status"     // ScanStatus: disk full/ok, folder errors
	scanEventEvery      = 250 * time.Millisecond
	scanSettingsEvery   = 2 * time.Second
)

// ScanPagesEvent names the targets whose pages changed.
type ScanPagesEvent struct {
	Targets []scanner.Target `json:"targets"`
}

// ScanQuarantineEvent lists files refused since the last event.
type ScanQuarantineEvent struct {
	Items []ScanRefused `json:"items"`
}

// ScanRefused is one refused file, with the reason in Chinese.
type ScanRefused struct {
	FileName string `json:"fileName"`
	Code     string `json:"code"`
	ReasonZh string `json:"reasonZh"`
}

// ScanFolder is one hot folder and its last problem.
type ScanFolder struct {
	Path  string `json:"path"`
	Error string `json:"error,omitempty"`
}

// ScanStatus is the hot-folder intake as the clerk sees it.
type ScanStatus struct {
	Running     bool         `json:"running"`
	Folders     []ScanFolder `json:"folders"`
	DiskFull    bool         `json:"diskFull"`
	FreeBytes   uint64       `json:"freeBytes,omitempty"`
	Attached    int          `json:"attached"`    // files taken since start
	Quarantined int          `json:"quarantined"` // files refused since start
	Duplicates  int          `json:"duplicates"`  // files whose content was taken before (not attached twice)
	LastDup     string       `json:"lastDuplicate,omitempty"`
	Message     string       `json:"message,omitempty"`
	LastEventAt string       `json:"lastEventAt,omitempty"`
}

// scanState is the workstation's scanning: the page service for the open
// database, the blob store, thumbnails, and the hot-folder watcher that
// runs while hot folders are configured.
type scanState struct {
	w *Workstation

	mu     sync.Mutex
	db     *store.DB
	svc    *scans.Service
	blobs  *blob.FS
	thumbs *scans.Thumbnailer
	status ScanStatus

	// pending events, flushed by a timer
	evMu       sync.Mutex
	timer      *time.Timer
	lastFlush  time.Time
	dirty      map[scanner.Target]bool
	refused    []ScanRefused
	statusDirt bool

	stop context.CancelFunc
	done chan struct{}
}

func newScanState(w *Workstation) *scanState {
	return &scanState{w: w, dirty: map[scanner.Target]bool{}, status: ScanStatus{Folders: []ScanFolder{}}}
}

// service returns the page service for the open database, rebuilt after a
// restore.
func (s *scanState) service() (*scans.Service, error) {
	db, err := s.w.ready()
	if err != nil {
		return nil, err
	}
	s.w.mu.RLock()
	dev, now := s.w.deviceID, s.w.now
	s.w.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.svc == nil || s.db != db {
		s.svc = scans.New(db, scans.AuditJournal{Log: audit.New(db, dev, now)}, now)
		s.db = db
	}
	return s.svc, nil
}

// store opens the blob store on first use.
func (s *scanState) store() (*blob.FS, *scans.Thumbnailer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blobs == nil {
		fs, err := blob.OpenFS(scans.BlobDir(s.w.opts.DataDir))
		if err != nil {
			return nil, nil, errs.Wrap(err, errs.EINTERNAL, "open blob store", "扫描文件存储目录无法打开")
		}
		s.blobs = fs
		s.thumbs = scans.NewThumbnailer(fs, scans.ThumbDir(s.w.opts.DataDir))
	}
	return s.blobs, s.thumbs, nil
}

func (s *scanState) snapshot() ScanStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status
	st.Folders = slices.Clone(st.Folders)
	return st
}

// start runs the hot-folder supervisor until stop. It does not take w.mu:
// Start calls it with the lock held.
func (s *scanState) start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	s.stop, s.done = cancel, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		var gc sync.WaitGroup
		gc.Go(func() { s.collectLoop(ctx) }) // daily blob collection (scan_gc.go)
		s.supervise(ctx)
		gc.Wait()
	}(s.done)
}

// halt stops the supervisor and its watcher. Call it without w.mu held:
// the watcher may be waiting for the database.
func (s *scanState) halt() {
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.stop, s.done = nil, nil
	s.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	s.evMu.Lock()
	if s.timer != nil {
		s.timer.Stop()
	}
	s.evMu.Unlock()
}

func (s *scanState) hotFolders() []string {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return slices.Clone(s.w.settings.HotFolders)
}

func (s *scanState) scanSettings() config.Scan {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	c := s.w.settings.Scan
	c.PollFolders = slices.Clone(c.PollFolders)
	return c
}

func sameScan(a, b config.Scan) bool {
	return slices.Equal(a.PollFolders, b.PollFolders) && a.MaxLongEdge == b.MaxLongEdge &&
		a.JPEGQuality == b.JPEGQuality && a.DiscardOriginal == b.DiscardOriginal
}

// supervise (re)starts the watcher whenever the configured hot folders or
// scan settings change, so a saved setting applies without a restart.
func (s *scanState) supervise(ctx context.Context) {
	var cur []string
	var curSet config.Scan
	var stopWatcher context.CancelFunc
	var watcherDone chan error
	halt := func() {
		if stopWatcher != nil {
			stopWatcher()
			<-watcherDone
			stopWatcher, watcherDone = nil, nil
		}
	}
	defer halt()
	tick := time.NewTicker(scanSettingsEvery)
	defer tick.Stop()
	for {
		folders, set := s.hotFolders(), s.scanSettings()
		changed := !slices.Equal(folders, cur) || !sameScan(set, curSet)
		if changed || (stopWatcher == nil && len(folders) > 0) {
			halt()
			cur, curSet = folders, set
			if len(folders) > 0 {
				if w, err := s.newWatcher(folders, set); err != nil {
					s.setError(err)
				} else {
					wctx, cancel := context.WithCancel(ctx)
					stopWatcher, watcherDone = cancel, make(chan error, 1)
					go func(ch chan error) { ch <- w.Serve(wctx) }(watcherDone)
					s.setRunning(folders)
				}
			} else {
				s.setRunning(nil)
			}
		}
		select {
		case <-ctx.Done():
			return
		case err := <-watcherDone:
			stopWatcher, watcherDone = nil, nil
			if err != nil {
				s.setError(err)
			}
		case <-tick.C:
		}
	}
}

func (s *scanState) newWatcher(folders []string, set config.Scan) (*scanner.Watcher, error) {
	fs, _, err := s.store()
	if err != nil {
		return nil, err
	}
	cfg := scanner.Config{QuarantineDir: scans.QuarantineDir(s.w.opts.DataDir), KeepOriginal: !set.DiscardOriginal}
	if set.MaxLongEdge > 0 {
		cfg.Reencode = &scanner.Reencode{MaxLongEdge: set.MaxLongEdge, Quality: set.JPEGQuality}
	}
	for _, f := range folders {
		cfg.Folders = append(cfg.Folders, scanner.FolderConfig{ID: f, Path: f, Poll: slices.Contains(set.PollFolders, f)})
	}
	return scanner.New(cfg, scanner.Deps{Store: fs, Targets: sessionTargets{s}, Sink: scanSink{s}, Notify: s.notify, Now: s.w.now})
}

func (s *scanState) setRunning(folders []string) {
	s.mu.Lock()
	s.status.Running = len(folders) > 0
	s.status.Folders = []ScanFolder{}
	for _, f := range folders {
		s.status.Folders = append(s.status.Folders, ScanFolder{Path: f})
	}
	s.status.Message = ""
	s.mu.Unlock()
	s.queueStatus()
}

func (s *scanState) setError(err error) {
	msg := "扫描热文件夹未能启动：" + err.Error()
	s.mu.Lock()
	same := s.status.Message == msg
	s.status.Running = false
	s.status.Message = msg
	s.mu.Unlock()
	if same {
		return
	}
	s.w.log.Error("scanner stopped", "err", err)
	s.queueStatus()
}

// sessionTargets guards privacy: a target selected by a clerk holds only
// while that clerk is signed in; otherwise pages go to the unsorted tray.
type sessionTargets struct{ s *scanState }

func (t sessionTargets) ScanTarget(folderID string) (scanner.Target, error) {
	svc, err := t.s.service()
	if err != nil {
		return scanner.Target{}, err
	}
	tg, err := svc.Target(context.Background(), folderID)
	if err != nil {
		return scanner.Target{}, err
	}
	u, _ := t.s.w.session.get()
	if tg.CaseID == "" || u == nil || u.Username != tg.Actor {
		return scanner.Target{}, nil
	}
	return scanner.Target{CaseID: tg.CaseID, SlotID: tg.SlotID}, nil
}

// scanSink records into the page service of the database open now.
type scanSink struct{ s *scanState }

func (k scanSink) Attach(ctx context.Context, a scanner.Attachment) (scanner.AttachResult, error) {
	svc, err := k.s.service()
	if err != nil {
		return scanner.AttachResult{}, fmt.Errorf("scan sink: %w", err)
	}
	return svc.Attach(ctx, a)
}

// notify receives the watcher's events; it only updates counters and
// queues throttled UI events.
func (s *scanState) notify(e scanner.Event) {
	s.mu.Lock()
	s.status.LastEventAt = e.Time.UTC().Format(time.RFC3339)
	statusChanged := false
	switch e.Kind {
	case scanner.EventAttached:
		s.status.Attached++
	case scanner.EventQuarantined:
		s.status.Quarantined++
	case scanner.EventDuplicate:
		s.status.Duplicates++
		s.status.LastDup = e.FileName
		statusChanged = true
	case scanner.EventDiskFull, scanner.EventDiskOK:
		s.status.DiskFull = e.Kind == scanner.EventDiskFull
		s.status.FreeBytes = e.FreeBytes
		statusChanged = true
	case scanner.EventFolderError, scanner.EventNoTarget:
		for i := range s.status.Folders {
			if e.FolderID == "" || s.status.Folders[i].Path == e.FolderID {
				s.status.Folders[i].Error = e.Err
			}
		}
		statusChanged = true
	}
	s.mu.Unlock()
	if e.Kind != scanner.EventRescan && e.Kind != scanner.EventAttached && e.Kind != scanner.EventDuplicate {
		s.w.log.Info("scanner event", "kind", e.Kind, "folder", e.FolderID, "err", e.Err)
	}

	s.evMu.Lock()
	switch e.Kind {
	case scanner.EventAttached, scanner.EventDuplicate:
		s.dirty[e.Target] = true
	case scanner.EventQuarantined:
		r := ScanRefused{FileName: e.FileName}
		if e.Reason != nil {
			r.Code, r.ReasonZh = e.Reason.Code, e.Reason.ZH
		}
		if len(s.refused) < 100 {
			s.refused = append(s.refused, r)
		}
	}
	if statusChanged {
		s.statusDirt = true
	}
	s.scheduleLocked()
	s.evMu.Unlock()
}

func (s *scanState) queueStatus() {
	s.evMu.Lock()
	s.statusDirt = true
	s.scheduleLocked()
	s.evMu.Unlock()
}

// scheduleLocked arms the flush timer: at once if the last flush is older
// than scanEventEvery, else when it will be.
func (s *scanState) scheduleLocked() {
	if s.timer != nil {
		return
	}
	wait := max(0, scanEventEvery-time.Since(s.lastFlush))
	s.timer = time.AfterFunc(wait, s.flush)
}

func (s *scanState) flush() {
	s.evMu.Lock()
	s.timer = nil
	s.lastFlush = time.Now()
	var pages *ScanPagesEvent
	if len(s.dirty) > 0 {
		pages = &ScanPagesEvent{}
		for t := range s.dirty {
			pages.Targets = append(pages.Targets, t)
		}
		s.dirty = map[scanner.Target]bool{}
	}
	var refused *ScanQuarantineEvent
	if len(s.refused) > 0 {
		refused = &ScanQuarantineEvent{Items: s.refused}
		s.refused = nil
	}
	sendStatus := s.statusDirt
	s.statusDirt = false
	s.evMu.Unlock()

	s.w.mu.RLock()
	em := s.w.emitter
	s.w.mu.RUnlock()
	if pages != nil {
		em.Emit(EventScanPages, pages)
	}
	if refused != nil {
		em.Emit(EventScanQuarantine, refused)
	}
	if sendStatus {
		em.Emit(EventScanStatus, s.snapshot())
	}
}
