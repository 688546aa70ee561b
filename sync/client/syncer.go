package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"tongban/sync/protocol"
)

// Config are a Syncer's dependencies and tunables (zero: defaults).
type Config struct {
	Store      LocalStore
	HTTP       *http.Client     // nil: a client with sane timeouts
	Logger     *slog.Logger     // nil: discard
	Now        func() time.Time // nil: time.Now
	Interval   time.Duration    // timer between rounds (default 30 s)
	MinBackoff time.Duration    // first retry after a failure (default 2 s)
	MaxBackoff time.Duration    // cap (default 5 min)
	BatchSize  int              // outbox items per push (default 200, ≤ 250)
	PullLimit  int              // pull batch size (default 500)
	ChunkSize  int64            // scan bytes per PATCH (default 1 MiB)
	Seed       uint64           // jitter seed (0: random)
	// LongPoll is how long an idle device's pull waits on the platform for
	// news (GET /v1/pull?wait=) between rounds: default 25 s, whole
	// seconds, at most protocol.MaxPullWait and ¾ of HTTP.Timeout;
	// negative: timer only. News starts a round at once.
	LongPoll time.Duration
}

// Status is what the sync panel shows.
type Status struct {
	Enrolled    bool
	Connected   bool // the last round reached the platform
	Running     bool // a round is in progress
	LastSuccess time.Time
	LastAttempt time.Time
	LastError   *protocol.Error // nil after a successful round
	NextRetry   time.Time
	Failures    int // consecutive failed rounds
	Upload      UploadProgress
}

// UploadProgress is the scan being uploaded now.
type UploadProgress struct {
	SHA256 string
	Offset int64
	Size   int64
}

// Report is what one round did.
type Report struct {
	Pushed   int
	Uploaded int
	Pulled   int
	Requests int64
}

// Syncer runs the sync loop of one device.
type Syncer struct {
	cfg  Config
	kick chan struct{}

	mu     sync.Mutex
	status Status
	rng    *rand.Rand
	round  sync.Mutex // one round at a time (Serve and SyncNow)
}

// ErrNotEnrolled: the device has no credential yet.
var ErrNotEnrolled = &protocol.Error{Code: "ENOTENROLLED", Message: "device not enrolled", Zh: "本机尚未在省级平台注册，请管理员输入注册码"}

// New returns a Syncer.
func New(cfg Config) *Syncer {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 2 * time.Minute}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	switch {
	case cfg.LongPoll == 0:
		cfg.LongPoll = 25 * time.Second
	case cfg.LongPoll > protocol.MaxPullWait:
		cfg.LongPoll = protocol.MaxPullWait
	}
	if t := cfg.HTTP.Timeout; t > 0 && cfg.LongPoll > t*3/4 {
		cfg.LongPoll = t * 3 / 4 // the wait must end before the client gives up
	}
	if cfg.LongPoll < time.Second {
		cfg.LongPoll = -1
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 2 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Minute
	}
	if cfg.BatchSize <= 0 || cfg.BatchSize > protocol.MaxPushItems/2 {
		cfg.BatchSize = 200
	}
	if cfg.PullLimit <= 0 || cfg.PullLimit > protocol.MaxPullLimit {
		cfg.PullLimit = 500
	}
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = 1 << 20
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Syncer{cfg: cfg, kick: make(chan struct{}, 1), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Kick asks for a round soon (after a local write). It never blocks.
func (s *Syncer) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Status returns a copy of the loop's status.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

func (s *Syncer) setProgress(sha string, off, size int64) {
	s.mu.Lock()
	s.status.Upload = UploadProgress{SHA256: sha, Offset: off, Size: size}
	s.mu.Unlock()
}

// Serve runs rounds on the timer and on Kick until ctx ends. After a failed
// round it waits an exponential backoff with full jitter (a kick during the
// backoff does not shorten it: the platform may be struggling). Between
// successful rounds an idle device keeps one long-poll pull open
// (Config.LongPoll): news in its scope starts a round at once.
func (s *Syncer) Serve(ctx context.Context) error {
	timer := time.NewTimer(0) // a first round at start-up
	defer timer.Stop()
	backoff := time.Duration(0)
	var watch <-chan watchResult // the open long poll, nil when none
	stopWatch := func() {}
	defer func() { stopWatch() }()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		case <-s.kick:
			if backoff > 0 {
				continue
			}
			stopTimer(timer)
		case r := <-watch:
			watch = nil
			if !r.news {
				stopWatch() // release the ended poll's context before opening the next
				stopWatch = func() {}
				if r.again {
					watch, stopWatch = s.startWatch(ctx)
				}
				continue
			}
			stopTimer(timer)
		}
		stopWatch()
		watch = nil
		_, err := s.SyncNow(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := s.cfg.Interval
		switch {
		case err == nil:
			backoff = 0
			if s.cfg.LongPoll > 0 {
				watch, stopWatch = s.startWatch(ctx)
			}
		case errors.Is(err, ErrNotEnrolled):
			backoff = 0
		default:
			backoff = s.nextBackoff(backoff)
			wait = backoff
		}
		s.mu.Lock()
		s.status.NextRetry = s.cfg.Now().Add(wait)
		s.mu.Unlock()
		timer.Reset(wait)
	}
}

func stopTimer(t *time.Timer) {
	if !t.Stop() {
		select {
		case <-t.C:
		default:
		}
	}
}

// watchResult is how a long poll ended: news (run a round), or nothing
// new and whether to open the next one (not after a failure, nor when the
// platform answered at once without waiting: the timer takes over then).
type watchResult struct{ news, again bool }

// startWatch opens one long-poll pull in a goroutine; cancel ends it.
func (s *Syncer) startWatch(ctx context.Context) (<-chan watchResult, func()) {
	wctx, cancel := context.WithCancel(ctx)
	out := make(chan watchResult, 1)
	go func() { out <- s.watchOnce(wctx) }()
	return out, cancel
}

// watchOnce waits on the platform for news after the stored cursor. It
// only signals: the round that follows pulls and applies as usual, so the
// answer (limit 1) is dropped.
func (s *Syncer) watchOnce(ctx context.Context) watchResult {
	cred, ok, err := s.cfg.Store.Credential(ctx)
	if err != nil || !ok {
		return watchResult{}
	}
	cur, err := s.cfg.Store.Cursor(ctx)
	if err != nil {
		return watchResult{}
	}
	api, err := NewAPI(cred.PlatformURL, cred.Token, s.cfg.HTTP)
	if err != nil {
		return watchResult{}
	}
	t0 := time.Now()
	b, err := api.PullWait(ctx, cur, 1, s.cfg.LongPoll)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			s.cfg.Logger.Debug("long poll ended", "err", err.Error())
		}
		return watchResult{}
	case !b.Empty():
		return watchResult{news: true}
	}
	return watchResult{again: time.Since(t0) >= s.cfg.LongPoll/2}
}

// nextBackoff doubles prev within [MinBackoff, MaxBackoff] and applies
// jitter (a random wait between half and all of it), so that many devices
// coming back after an outage do not arrive together.
func (s *Syncer) nextBackoff(prev time.Duration) time.Duration {
	d := s.cfg.MinBackoff
	if prev > 0 {
		d = min(2*prev, s.cfg.MaxBackoff)
	}
	s.mu.Lock()
	j := time.Duration(s.rng.Int64N(int64(d)/2 + 1))
	s.mu.Unlock()
	return d/2 + j
}

// SyncNow runs one round: push the outbox, upload scans, push what
// waited for them, pull. Each part
// is safe to repeat after any failure.
func (s *Syncer) SyncNow(ctx context.Context) (Report, error) {
	s.round.Lock()
	defer s.round.Unlock()
	var rep Report
	cred, ok, err := s.cfg.Store.Credential(ctx)
	if err != nil {
		return rep, fmt.Errorf("read credential: %w", err)
	}
	s.mu.Lock()
	s.status.Enrolled = ok
	s.status.Running = ok
	s.status.LastAttempt = s.cfg.Now()
	s.mu.Unlock()
	if !ok {
		s.finish(ErrNotEnrolled, false)
		return rep, ErrNotEnrolled
	}
	api, err := NewAPI(cred.PlatformURL, cred.Token, s.cfg.HTTP)
	if err != nil {
		s.finish(err, false)
		return rep, err
	}
	rep, err = s.round1(ctx, api)
	rep.Requests = api.Requests()
	if err == nil {
		now := s.cfg.Now()
		if serr := s.cfg.Store.SetLastSuccess(ctx, now); serr != nil {
			err = serr
		}
	}
	s.finish(err, err == nil || !retryable(err))
	return rep, err
}

func (s *Syncer) round1(ctx context.Context, api *API) (Report, error) {
	var rep Report
	var err error
	if rep.Pushed, err = s.pushAll(ctx, api); err != nil {
		return rep, fmt.Errorf("push: %w", err)
	}
	if rep.Uploaded, err = s.uploadAll(ctx, api); err != nil {
		return rep, fmt.Errorf("upload: %w", err)
	}
	if rep.Uploaded > 0 {
		// Actions that list the scans just confirmed were held back.
		n, err := s.pushAll(ctx, api)
		rep.Pushed += n
		if err != nil {
			return rep, fmt.Errorf("push: %w", err)
		}
	}
	if rep.Pulled, err = s.pullAll(ctx, api); err != nil {
		return rep, fmt.Errorf("pull: %w", err)
	}
	return rep, nil
}

func (s *Syncer) finish(err error, reached bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.Running = false
	s.status.Connected = reached
	s.status.Upload = UploadProgress{}
	if err == nil {
		s.status.LastError = nil
		s.status.Failures = 0
		s.status.LastSuccess = s.cfg.Now()
		return
	}
	s.status.Failures++
	s.status.LastError = AsError(err)
	if s.status.LastError.Code == protocol.EUNAUTHORIZED {
		s.status.Connected = false
	}
}

// AsError returns the protocol error in err's chain, or an EINTERNAL one
// with a Chinese message, for display.
func AsError(err error) *protocol.Error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		e := *pe
		if e.Zh == "" {
			e.Zh = zhForCode(e.Code)
		}
		e.Message = err.Error()
		return &e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &protocol.Error{Code: "EOFFLINE", Message: err.Error(), Zh: "同步已中断，稍后自动重试"}
	}
	return &protocol.Error{Code: protocol.EINTERNAL, Message: err.Error(), Zh: "本机同步出错，稍后自动重试"}
}

// Enroll exchanges a one-time code for a credential and stores it. The
// pull cursor is forgotten: a new credential may be for another scope.
func Enroll(ctx context.Context, st LocalStore, hc *http.Client, platformURL, code, deviceName string, now time.Time) (Credential, error) {
	api, err := NewAPI(platformURL, "", hc)
	if err != nil {
		return Credential{}, err
	}
	r, err := api.Enroll(ctx, code, deviceName)
	if err != nil {
		return Credential{}, err
	}
	c := Credential{PlatformURL: api.base.String(), DeviceID: r.DeviceID, Token: r.Token, Hall: r.Hall,
		HallName: r.HallName, PlatformID: r.PlatformID, EnrolledAt: now}
	if err := st.SaveCredential(ctx, c); err != nil {
		return Credential{}, fmt.Errorf("save credential: %w", err)
	}
	if err := st.ResetCursor(ctx); err != nil {
		return Credential{}, fmt.Errorf("reset cursor: %w", err)
	}
	return c, nil
}
