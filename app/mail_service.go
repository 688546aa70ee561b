package app

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"tongban/app/account"
	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/identity"
	"tongban/app/mailing"
	"tongban/printing/courier"
)

// Roles of the mail room: the front office sends, a supervisor may look.
var (
	rolesMail     = []account.Role{account.RoleClerk, account.RoleFieldAgent}
	rolesMailRead = []account.Role{account.RoleClerk, account.RoleFieldAgent, account.RoleSupervisor}
)

// MailService is the collecting hall's mailing: batches to handling
// places, waybills, the handover manifest, dispatch, courier tracking and
// stuck parcels (docs/loop.md, "Mailing").
type MailService struct {
	w    *Workstation
	deps *caseDeps
	run  *mailRunner
}

// newMailService returns the bound service of w.
func newMailService(w *Workstation, deps *caseDeps) *MailService {
	return &MailService{w: w, deps: deps, run: w.mail}
}

// mailRunner owns what outlives a call: the courier client (the demo
// courier numbers its waybills) and the tracking poller.
type mailRunner struct {
	w    *Workstation
	deps *caseDeps // for the poller, which runs without a session

	mu       sync.Mutex
	couriers map[string]courier.Courier
	loop     bgLoop
}

func newMailRunner(w *Workstation) *mailRunner {
	return &mailRunner{w: w, deps: newCaseDeps(w), couriers: map[string]courier.Courier{}}
}

// courier returns the client of the named courier, created once.
func (r *mailRunner) courier(name string) (courier.Courier, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.couriers[name]; ok {
		return c, nil
	}
	var c courier.Courier
	switch name {
	case "demo":
		c = courier.NewDemo(r.w.now)
	default:
		return nil, errs.Invalid("mail.courier", "unknown courier "+name, "设置项 mail.courier：不支持的快递服务“"+name+"”")
	}
	r.couriers[name] = c
	return c, nil
}

// service builds the mailing service for the settings in force.
func (r *mailRunner) service(svc *cases.Service, log *audit.Log) (*mailing.Service, error) {
	db, err := r.w.ready()
	if err != nil {
		return nil, err
	}
	r.w.mu.RLock()
	set := r.w.settings
	r.w.mu.RUnlock()
	name := set.Mail.CourierName()
	c, err := r.courier(name)
	if err != nil {
		return nil, err
	}
	sender := courier.Address{Name: set.Mail.SenderName, Org: set.Hall.Name, Phone: set.Mail.SenderPhone, Detail: set.Mail.SenderAddress}
	if region, ok := identity.RegionName(set.Hall.DivisionCode); ok {
		sender.City = region
	}
	return mailing.New(db, casesJournal{svc}, log, mailing.Config{HallCode: set.Hall.DivisionCode, HallName: set.Hall.Name,
		Sender: sender, Courier: c, CourierName: name, StuckHours: set.Mail.StuckAfter(), Now: r.w.now})
}

// start runs the tracking poller; a second call while it runs does nothing.
func (r *mailRunner) start(ctx context.Context) {
	p := &mailing.Poller{Service: r.background, Every: r.every, Log: r.w.log}
	r.loop.run(ctx, func(ctx context.Context) {
		if err := p.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
			r.w.log.Error("tracking poller stopped", "err", err)
		}
	})
}

// halt stops the poller for good (Close).
func (r *mailRunner) halt() { r.loop.halt() }

// pause stops the poller until the next start (a restore).
func (r *mailRunner) pause() { r.loop.pause() }

func (r *mailRunner) every() time.Duration {
	r.w.mu.RLock()
	defer r.w.mu.RUnlock()
	return time.Duration(r.w.settings.Mail.TrackEvery()) * time.Minute
}

// background builds the service for the poller: no session, the hall
// from the settings; ok is false while there is nothing to poll for.
func (r *mailRunner) background() (*mailing.Service, bool) {
	svc, log, err := r.deps.build()
	if err != nil {
		return nil, false
	}
	m, err := r.service(svc, log)
	if err != nil {
		return nil, false
	}
	return m, true
}

// casesJournal adapts cases.Service to mailing.Journal: reads are masked
// and made as the system (no audit entry, no session needed).
type casesJournal struct{ svc *cases.Service }

var mailReader = cases.Actor{Username: "system", DisplayName: "系统", Role: cases.RoleSystem}

func (j casesJournal) Detail(ctx context.Context, caseID string) (cases.Detail, error) {
	return j.svc.Detail(ctx, mailReader, caseID, false)
}

func (j casesJournal) Record(ctx context.Context, actor cases.Actor, caseID string, basedOn int, kind cases.Kind, reason string, payload any) (cases.State, error) {
	return j.svc.Record(ctx, actor, caseID, basedOn, kind, reason, payload)
}

// open checks the session for roles and builds the mailing service.
func (s *MailService) open(roles ...account.Role) (*mailing.Service, cases.Actor, error) {
	e, err := s.deps.env(roles...)
	if err != nil {
		return nil, cases.Actor{}, err
	}
	m, err := s.run.service(e.svc, e.audit)
	return m, e.actor, err
}

// Candidates lists accepted 异地代收代办 / 多地联办 cases of this hall with a
// handling place not yet dispatched and not in an open batch; place ""
// means all places. Each row is a case list row plus the places to mail to.
func (s *MailService) Candidates(place string) ([]mailing.Candidate, error) {
	const op = "mail.candidates"
	m, _, err := s.open(rolesMailRead...)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	out, err := m.Candidates(context.Background(), strings.TrimSpace(place))
	return out, toAPI(s.w.log, op, err)
}

// Batches lists batches: status "open" | "dispatched" | "" (all), newest first.
func (s *MailService) Batches(status string) ([]mailing.Batch, error) {
	const op = "mail.batches"
	m, _, err := s.open(rolesMailRead...)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	out, err := m.Batches(context.Background(), status)
	return out, toAPI(s.w.log, op, err)
}

// OpenBatch returns the open batch to place, created if there is none.
func (s *MailService) OpenBatch(place string) (mailing.Batch, error) {
	const op = "mail.open_batch"
	m, actor, err := s.open(rolesMail...)
	if err != nil {
		return mailing.Batch{}, toAPI(s.w.log, op, err)
	}
	out, err := m.OpenBatch(context.Background(), actor, place)
	return out, toAPI(s.w.log, op, err)
}

// Batch returns a batch with its cases.
func (s *MailService) Batch(id string) (mailing.BatchDetail, error) {
	const op = "mail.batch"
	m, _, err := s.open(rolesMailRead...)
	if err != nil {
		return mailing.BatchDetail{}, toAPI(s.w.log, op, err)
	}
	out, err := m.Batch(context.Background(), id)
	return out, toAPI(s.w.log, op, err)
}

// AddCase puts a case in the batch and orders its waybill from the courier.
func (s *MailService) AddCase(batchID, caseID string) (mailing.BatchDetail, error) {
	const op = "mail.add_case"
	m, actor, err := s.open(rolesMail...)
	if err != nil {
		return mailing.BatchDetail{}, toAPI(s.w.log, op, err)
	}
	out, err := m.AddCase(context.Background(), actor, batchID, caseID)
	return out, toAPI(s.w.log, op, err)
}

// RemoveCase takes a case out of an open batch; after dispatch it is
// refused (ECONFLICT, audited) and nothing changes.
func (s *MailService) RemoveCase(batchID, caseID, reason string) (mailing.BatchDetail, error) {
	const op = "mail.remove_case"
	m, actor, err := s.open(rolesMail...)
	if err != nil {
		return mailing.BatchDetail{}, toAPI(s.w.log, op, err)
	}
	out, err := m.RemoveCase(context.Background(), actor, batchID, caseID, reason)
	return out, toAPI(s.w.log, op, err)
}

// Dispatch records the dispatch of every case of the batch and marks it
// dispatched; a case that fails keeps its error in its item and the batch
// stays open (dispatching) until Dispatch is called again.
func (s *MailService) Dispatch(batchID string) (mailing.BatchDetail, error) {
	const op = "mail.dispatch"
	m, actor, err := s.open(rolesMail...)
	if err != nil {
		return mailing.BatchDetail{}, toAPI(s.w.log, op, err)
	}
	out, err := m.Dispatch(context.Background(), actor, batchID)
	if err == nil {
		s.w.sync.kick() // the dispatched actions go to the platform
	}
	return out, toAPI(s.w.log, op, err)
}

// Tracking returns the tracking events of a case's parcels (both ways).
func (s *MailService) Tracking(caseID string) ([]mailing.Event, error) {
	const op = "mail.tracking"
	m, _, err := s.open(rolesMailRead...)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	out, err := m.Tracking(context.Background(), caseID)
	return out, toAPI(s.w.log, op, err)
}

// RefreshTracking polls the courier now; it returns the number of new events.
func (s *MailService) RefreshTracking() (int, error) {
	const op = "mail.refresh_tracking"
	m, _, err := s.open(rolesMailRead...)
	if err != nil {
		return 0, toAPI(s.w.log, op, err)
	}
	n, err := m.Refresh(context.Background())
	return n, toAPI(s.w.log, op, err)
}

// Stuck lists parcels not delivered whose last news is older than the
// settings' mail.stuckHours (default 72).
func (s *MailService) Stuck() ([]mailing.StuckParcel, error) {
	const op = "mail.stuck"
	m, _, err := s.open(rolesMailRead...)
	if err != nil {
		return nil, toAPI(s.w.log, op, err)
	}
	out, err := m.Stuck(context.Background())
	return out, toAPI(s.w.log, op, err)
}
