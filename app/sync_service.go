package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"tongban/app/account"
	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/scans"
	"tongban/app/store"
	"tongban/app/syncstore"
	"tongban/scanner/blob"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

// SyncStatus is the platform connection as the badge and the sync panel
// show it. Counts are the true ones, read from the database.
type SyncStatus struct {
	State          string `json:"state"` // not_configured | disconnected | connected | revoked
	Label          string `json:"label"`
	Enrolled       bool   `json:"enrolled"` // this workstation holds a device credential
	PlatformURL    string `json:"platformUrl"`
	HallCode       string `json:"hallCode,omitempty"`
	HallName       string `json:"hallName,omitempty"`
	DeviceID       string `json:"deviceId,omitempty"`
	LastSuccessAt  string `json:"lastSuccessAt,omitempty"`
	LastAttemptAt  string `json:"lastAttemptAt,omitempty"`
	NextRetryAt    string `json:"nextRetryAt,omitempty"`
	Running        bool   `json:"running"`
	Pending        int    `json:"pending"`
	Failed         int    `json:"failed"`
	UploadsPending int    `json:"uploadsPending"`
	UploadsFailed  int    `json:"uploadsFailed"`
	UploadSHA256   string `json:"uploadSha256,omitempty"` // the scan being uploaded now
	UploadOffset   int64  `json:"uploadOffset,omitempty"`
	UploadSize     int64  `json:"uploadSize,omitempty"`
	ErrorCode      string `json:"errorCode,omitempty"`
	ErrorZh        string `json:"errorZh,omitempty"` // the last round's error, in plain Chinese
}

// SyncService reports and drives the platform sync.
type SyncService struct {
	w    *Workstation
	deps *caseDeps // the case journal, for check-out; nil: built per call
}

// syncRunner owns the sync loop of the open database.
type syncRunner struct {
	w *Workstation

	mu     sync.Mutex
	db     *store.DB
	st     *syncstore.Store
	syncer *client.Syncer
	loop   bgLoop

	jmu  sync.Mutex
	jdb  *store.DB
	hall string
	svc  *cases.Service
}

func newSyncRunner(w *Workstation) *syncRunner { return &syncRunner{w: w} }

// current returns the sync store and loop of the open database, building
// them on first use.
func (r *syncRunner) current() (*syncstore.Store, *client.Syncer, error) {
	db, err := r.w.ready()
	if err != nil {
		return nil, nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st != nil && r.db == db {
		return r.st, r.syncer, nil
	}
	var bs blob.Store
	if fs, err := blob.OpenFS(scans.BlobDir(r.w.opts.DataDir)); err == nil {
		bs = fs
	}
	r.db = db
	r.st = syncstore.New(db, r.journal, bs, r.w.now)
	r.st.OnSubmitted = func(ctx context.Context, caseID string) error {
		svc, err := r.w.scans.service()
		if err != nil {
			return err
		}
		_, err = svc.MarkCaseSynced(ctx, caseID) // the originals may now be collected
		return err
	}
	interval := 30 * time.Second
	if v, err := time.ParseDuration(os.Getenv("TONGBAN_SYNC_INTERVAL")); err == nil && v >= time.Second {
		interval = v
	}
	r.syncer = client.New(client.Config{Store: r.st, Logger: r.w.log, Now: r.w.now, Interval: interval,
		HTTP: &http.Client{Timeout: 2 * time.Minute}})
	return r.st, r.syncer, nil
}

// journal builds the case journal the pull applies to (it needs the hall
// code from the settings, like the case service).
func (r *syncRunner) journal(ctx context.Context) (syncstore.Journal, error) {
	db, err := r.w.ready()
	if err != nil {
		return nil, err
	}
	r.w.mu.RLock()
	hall, dev, now := r.w.settings.Hall.DivisionCode, r.w.deviceID, r.w.now
	r.w.mu.RUnlock()
	if hall == "" {
		return nil, errs.New(errs.EINVALID, "hall division code not set", "本机尚未设置服务大厅的行政区划代码，暂不能接收平台数据")
	}
	r.jmu.Lock()
	defer r.jmu.Unlock()
	if r.svc != nil && r.jdb == db && r.hall == hall {
		return r.svc, nil
	}
	cal, err := cases.LoadCalendar(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	svc, err := cases.New(ctx, db, audit.New(db, dev, now), cal, cases.Config{DeviceID: dev, HallCode: hall, Now: now})
	if err != nil {
		return nil, err
	}
	r.jdb, r.hall, r.svc = db, hall, svc
	return svc, nil
}

// start runs the loop in the background (Workstation.Start).
func (r *syncRunner) start(ctx context.Context) {
	_, s, err := r.current()
	if err != nil {
		return
	}
	r.loop.run(ctx, func(ctx context.Context) {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); r.watchWrites(ctx, s) }()
		if err := s.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
			r.w.log.Error("sync loop stopped", "err", err)
		}
		wg.Wait()
	})
}

// watchWrites kicks the loop when the journal grows (a local write), so an
// accepted case reaches the platform within seconds rather than at the
// next timer round. It reads one indexed maximum every two seconds.
func (r *syncRunner) watchWrites(ctx context.Context, s *client.Syncer) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	var last int64 = -1
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		db, err := r.w.ready()
		if err != nil {
			continue
		}
		var n int64
		if err := db.Reader().QueryRowContext(ctx, "SELECT COALESCE(MAX(rowid), 0) FROM case_actions").Scan(&n); err != nil {
			continue
		}
		if last >= 0 && n != last {
			s.Kick()
		}
		last = n
	}
}

// halt stops the loop and waits for it (Workstation.Close).
func (r *syncRunner) halt() { r.loop.halt() }

// pause stops the loop so that start can run it again, e.g. on the
// restored database (current rebuilds its store when the database changed).
func (r *syncRunner) pause() { r.loop.pause() }

// kick asks for a sync round soon (after a local write).
func (r *syncRunner) kick() {
	r.mu.Lock()
	s := r.syncer
	r.mu.Unlock()
	if s != nil {
		s.Kick()
	}
}

// Status reports the connection and the true outbox counts.
func (s *SyncService) Status() SyncStatus {
	s.w.mu.RLock()
	url := s.w.settings.PlatformURL
	s.w.mu.RUnlock()
	out := SyncStatus{State: "not_configured", Label: "未连接平台", PlatformURL: url}
	st, syncer, err := s.w.sync.current()
	if err != nil {
		out.ErrorZh = errs.Zh(err)
		return out
	}
	ctx := context.Background()
	if c, err := st.Counts(ctx); err == nil {
		out.Pending, out.Failed, out.UploadsPending, out.UploadsFailed = c.Pending, c.Failed, c.UploadsPending, c.UploadsFailed
	}
	if t, err := st.LastSuccess(ctx); err == nil && !t.IsZero() {
		out.LastSuccessAt = t.UTC().Format(time.RFC3339)
	}
	cred, ok, err := st.Credential(ctx)
	if err != nil || !ok {
		if url != "" {
			out.State, out.ErrorCode, out.ErrorZh = "disconnected", client.ErrNotEnrolled.Code, client.ErrNotEnrolled.Zh
		}
		return out
	}
	out.Enrolled = true
	out.PlatformURL, out.HallCode, out.HallName, out.DeviceID = cred.PlatformURL, cred.Hall, cred.HallName, cred.DeviceID
	ls := syncer.Status()
	out.Running = ls.Running
	if !ls.LastAttempt.IsZero() {
		out.LastAttemptAt = ls.LastAttempt.UTC().Format(time.RFC3339)
	}
	if !ls.NextRetry.IsZero() {
		out.NextRetryAt = ls.NextRetry.UTC().Format(time.RFC3339)
	}
	out.UploadSHA256, out.UploadOffset, out.UploadSize = ls.Upload.SHA256, ls.Upload.Offset, ls.Upload.Size
	if ls.LastError != nil {
		out.ErrorCode, out.ErrorZh = ls.LastError.Code, ls.LastError.Zh
	}
	switch {
	case ls.LastError != nil && ls.LastError.Code == protocol.EUNAUTHORIZED:
		out.State, out.Label = "revoked", "设备凭据失效"
	case ls.Connected:
		out.State, out.Label = "connected", "已连接平台"
	case ls.LastAttempt.IsZero():
		out.State, out.Label = "disconnected", "正在连接平台"
	default:
		out.State, out.Label = "disconnected", "离线"
	}
	return out
}

// Enroll registers this workstation with the platform using a one-time
// code from the platform's administrator (admin only), then syncs.
// An empty platformUrl means the one in the settings.
func (s *SyncService) Enroll(platformURL, code string) (SyncStatus, error) {
	if _, err := s.w.session.require(account.RoleAdmin); err != nil {
		return SyncStatus{}, toAPI(s.w.log, "sync.enroll", err)
	}
	if err := s.w.EnrollDevice(context.Background(), platformURL, code); err != nil {
		return SyncStatus{}, toAPI(s.w.log, "sync.enroll", err)
	}
	return s.Status(), nil
}

// EnrollDevice stores a device credential for the platform at platformURL
// (tongbanctl and the UI use it) and asks the loop for a round.
func (w *Workstation) EnrollDevice(ctx context.Context, platformURL, code string) error {
	if platformURL == "" {
		w.mu.RLock()
		platformURL = w.settings.PlatformURL
		w.mu.RUnlock()
	}
	if platformURL == "" {
		return errs.Invalid("platformUrl", "platform url missing", "请填写省级平台地址")
	}
	if code == "" {
		return errs.Invalid("code", "enrollment code missing", "请填写注册码")
	}
	st, _, err := w.sync.current()
	if err != nil {
		return err
	}
	name := "通办工作台 " + w.deviceID
	if h, herr := os.Hostname(); herr == nil {
		name = h + " " + w.deviceID
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := client.Enroll(ctx, st, &http.Client{Timeout: 30 * time.Second}, platformURL, code, name, w.now()); err != nil {
		return syncErr(err)
	}
	w.log.Info("device enrolled with the platform")
	w.sync.kick()
	return nil
}

// SyncNow runs a round at once and reports the result.
func (s *SyncService) SyncNow() (SyncStatus, error) {
	if _, err := s.w.session.require(); err != nil {
		return SyncStatus{}, toAPI(s.w.log, "sync.now", err)
	}
	_, syncer, err := s.w.sync.current()
	if err != nil {
		return SyncStatus{}, toAPI(s.w.log, "sync.now", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_, _ = syncer.SyncNow(ctx) // the error is in the status
	return s.Status(), nil
}

// Quarantined lists the outbox items the platform refused (admin only).
func (s *SyncService) Quarantined() ([]syncstore.Quarantined, error) {
	if _, err := s.w.session.require(account.RoleAdmin, account.RoleSupervisor); err != nil {
		return nil, toAPI(s.w.log, "sync.quarantined", err)
	}
	st, _, err := s.w.sync.current()
	if err != nil {
		return nil, toAPI(s.w.log, "sync.quarantined", err)
	}
	q, err := st.ListQuarantined(context.Background(), 500)
	return q, toAPI(s.w.log, "sync.quarantined", err)
}

// Retry puts a quarantined item back in the outbox (admin only).
func (s *SyncService) Retry(actionID string) (SyncStatus, error) {
	return s.resolve("sync.retry", actionID, (*syncstore.Store).Retry)
}

// Discard gives up on a quarantined item and the actions of its case held
// behind it (admin only). They stay in the local journal.
func (s *SyncService) Discard(actionID string) (SyncStatus, error) {
	return s.resolve("sync.discard", actionID, (*syncstore.Store).Discard)
}

func (s *SyncService) resolve(op, id string, fn func(*syncstore.Store, context.Context, string) (bool, error)) (SyncStatus, error) {
	u, err := s.w.session.require(account.RoleAdmin)
	if err != nil {
		return SyncStatus{}, toAPI(s.w.log, op, err)
	}
	st, _, err := s.w.sync.current()
	if err != nil {
		return SyncStatus{}, toAPI(s.w.log, op, err)
	}
	ok, err := fn(st, context.Background(), id)
	if err != nil {
		return SyncStatus{}, toAPI(s.w.log, op, err)
	}
	if !ok {
		return SyncStatus{}, toAPI(s.w.log, op, errs.New(errs.ENOTFOUND, "item not quarantined", "该条记录不在待处理的同步失败列表中"))
	}
	s.w.log.Info("sync item resolved", "op", op, "item", id, "by", u.Username)
	s.w.sync.kick()
	return s.Status(), nil
}

// RetryUploads puts every failed scan upload back in the queue (admin only).
func (s *SyncService) RetryUploads() (SyncStatus, error) {
	if _, err := s.w.session.require(account.RoleAdmin); err != nil {
		return SyncStatus{}, toAPI(s.w.log, "sync.retry_uploads", err)
	}
	st, _, err := s.w.sync.current()
	if err != nil {
		return SyncStatus{}, toAPI(s.w.log, "sync.retry_uploads", err)
	}
	if _, err := st.RetryUploads(context.Background()); err != nil {
		return SyncStatus{}, toAPI(s.w.log, "sync.retry_uploads", err)
	}
	s.w.sync.kick()
	return s.Status(), nil
}

// syncErr turns a protocol error into a domain error the UI shows.
func syncErr(err error) error {
	pe := client.AsError(err)
	code := pe.Code
	switch code {
	case "ENOTENROLLED":
		code = errs.EINVALID
	case client.ECHECKSUM:
		code = errs.ECORRUPT
	}
	return errs.Wrap(err, code, pe.Message, pe.Zh)
}

// CheckOutResult says whether the platform holds a case for this user.
type CheckOutResult struct {
	CaseID  string `json:"caseId"`
	Granted bool   `json:"granted"`          // CheckOut: this user holds it; CheckIn: nobody holds it for this user any more
	HeldBy  string `json:"heldBy,omitempty"` // who holds it on the platform now (username), if anyone
	Version int    `json:"version"`          // the case's local version after the call
	Message string `json:"message"`          // what the clerk reads
}

var errCheckOutOffline = errs.New(errs.EOFFLINE, "platform unreachable: check-out needs a connection",
	"签出/签入须连接省级平台，当前无法连接：请检查网络后重试（离线时不能签出）")

// CheckOut checks a case out on the platform before an offline decision
// (clerk, field agent, handler, supervisor): it syncs, records checked_out
// in the journal, pushes it at once and reports whether the platform
// granted it or who holds the case. While this user holds it, a decision
// another user pushes on the case is flagged for a supervisor.
func (s *SyncService) CheckOut(caseID string) (CheckOutResult, error) {
	r, err := s.checkOutIn(caseID, true)
	return r, toAPI(s.w.log, "sync.checkout", err)
}

// CheckIn gives the case back (released) once the offline work is synced.
func (s *SyncService) CheckIn(caseID string) (CheckOutResult, error) {
	r, err := s.checkOutIn(caseID, false)
	return r, toAPI(s.w.log, "sync.checkin", err)
}

func (s *SyncService) checkOutIn(caseID string, out bool) (CheckOutResult, error) {
	res := CheckOutResult{CaseID: caseID}
	deps := s.deps
	if deps == nil {
		deps = newCaseDeps(s.w)
	}
	e, err := deps.env(account.RoleClerk, account.RoleFieldAgent, account.RoleHandler, account.RoleSupervisor)
	if err != nil {
		return res, err
	}
	st, syncer, err := s.w.sync.current()
	if err != nil {
		return res, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cred, ok, err := st.Credential(ctx)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, syncErr(client.ErrNotEnrolled)
	}
	// A round first: the journal is then as current as the platform's, so
	// the check-out is based on the latest version and sees other holders.
	if _, err := syncer.SyncNow(ctx); err != nil {
		return res, offlineOr(err)
	}
	det, err := e.svc.Detail(ctx, e.actor, caseID, false)
	if err != nil {
		return res, err
	}
	var cs cases.State
	if out {
		cs, err = e.svc.Checkout(ctx, e.actor, caseID, det.State.Version)
	} else {
		cs, err = e.svc.Release(ctx, e.actor, caseID, det.State.Version, "签入（联网后交还）")
	}
	if err != nil {
		return res, err
	}
	res.Version = cs.Version
	if _, err := syncer.SyncNow(ctx); err != nil {
		res.Message = "已在本机记录，但尚未送达省级平台，联网后自动上传"
		return res, offlineOr(err)
	}
	api, err := client.NewAPI(cred.PlatformURL, cred.Token, &http.Client{Timeout: 30 * time.Second})
	if err != nil {
		return res, syncErr(err)
	}
	rec, err := api.Case(ctx, caseID)
	if err != nil {
		return res, offlineOr(err)
	}
	holder := client.CheckoutHolder(rec.Actions)
	s.w.mu.RLock()
	hall := s.w.settings.Hall.DivisionCode
	s.w.mu.RUnlock()
	me := protocol.HolderKey(e.actor.Username, hall)
	if holder != "" {
		who, where := protocol.SplitHolder(holder)
		res.HeldBy = who
		if where != hall {
			res.HeldBy = fmt.Sprintf("%s（%s）", who, where)
		}
	}
	switch {
	case out && holder == me:
		res.Granted, res.Message = true, "已签出：离线期间其他人员对本件作出的决定将提交审核人员确认"
	case out:
		res.Message = fmt.Sprintf("未能签出：该办件已由 %s 签出", res.HeldBy)
	case holder != me:
		res.Granted, res.Message = true, "已签入，其他人员可以继续办理"
	default:
		res.Message = "签入尚未生效，请稍后重试"
	}
	s.w.log.Info("case check-out", "case", caseID, "out", out, "granted", res.Granted, "by", e.actor.Username)
	return res, nil
}

// offlineOr maps a failed round to the check-out's offline error, and any
// other failure to the sync error the panel shows.
func offlineOr(err error) error {
	if errors.Is(err, client.ErrOffline) || errors.Is(err, context.DeadlineExceeded) {
		return errCheckOutOffline
	}
	return syncErr(err)
}
