package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app"
	"tongban/app/account"
	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/identity"
	"tongban/app/mailing"
	"tongban/app/paths"
	"tongban/app/store"
	"tongban/printing/spool"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type mailWS struct {
	caseWS
	mail  *app.MailService
	clock *testClock
}

// openMailWS opens a workstation of hall 410105 on a test clock with a
// clerk signed in.
func openMailWS(t *testing.T) mailWS {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC)} // Friday 09:00 in the hall
	dir := t.TempDir()
	ws, err := app.Open(context.Background(), app.Options{DataDir: dir, Version: "test", Now: clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { ws.Close() })
	m := ws.Services()
	s := mailWS{caseWS: caseWS{dir: dir, services: services{ws: ws,
		system:   m["SystemService"].(*app.SystemService),
		auth:     m["AuthService"].(*app.AuthService),
		catalog:  m["CatalogService"].(*app.CatalogService),
		settings: m["SettingsService"].(*app.SettingsService),
		sync:     m["SyncService"].(*app.SyncService),
	}, cases: m["CaseService"].(*app.CaseService), identity: m["IdentityService"].(*app.IdentityService)},
		mail: m["MailService"].(*app.MailService), clock: clock}
	_, err = s.auth.Setup("admin", "管理员", "Admin1234")
	require.NoError(t, err)
	for _, u := range []string{"clerk1", "sup1"} {
		role := account.RoleClerk
		if u == "sup1" {
			role = account.RoleSupervisor
		}
		_, err := s.auth.AddUser(u, u, role, "Passw0rd1")
		require.NoError(t, err)
	}
	v, err := s.settings.Get()
	require.NoError(t, err)
	v.Settings.Hall.DivisionCode = "410105"
	v.Settings.Hall.Name = "郑州市金水区政务服务中心"
	_, err = s.settings.Save(v.Settings)
	require.NoError(t, err)
	s.login(t, "clerk1")
	return s
}

var idSeq = 0

// proxyCase opens and accepts a 异地代收代办 case handled at place.
func (s mailWS) proxyCase(t *testing.T, name, place string) cases.State {
	t.Helper()
	idSeq++
	id := validID(fmt.Sprintf("410105199003%02d%03d", 10+idSeq%18, idSeq))
	ck, err := s.identity.CheckManual(identity.Card{Name: name, Number: id, ValidUntil: "长期"})
	require.NoError(t, err)
	in := crimeInput(name, id, &ck)
	in.Intake.Form["handlingPlace"] = place
	res, err := s.cases.Open(in)
	require.NoError(t, err)
	acc, err := s.cases.Accept(res.State.CaseID, res.State.Version)
	require.NoError(t, err)
	return acc.State
}

// multiCase opens and accepts a 多地联办 case (工作调动户口迁移) for places.
func (s mailWS) multiCase(t *testing.T, name, places string) cases.State {
	t.Helper()
	idSeq++
	id := validID(fmt.Sprintf("410105198506%02d%03d", 10+idSeq%18, idSeq))
	ck, err := s.identity.CheckManual(identity.Card{Name: name, Number: id, ValidUntil: "长期"})
	require.NoError(t, err)
	res, err := s.cases.Open(cases.OpenInput{Intake: cases.Intake{Matter: cases.MatterRef{Code: "QG-2021-003"},
		Applicant: cases.Person{Name: name, IDNumber: id, Phone: "13812345678"},
		Form: map[string]string{"name": name, "idNo": id, "phone": "13812345678", "fromAddress": "浙江省杭州市", "toAddress": "河南省郑州市",
			"employer": "郑州某单位", "householdType": "单位集体户", "handlingPlaces": places}},
		Identity: &ck, Review: &cases.Review{}})
	require.NoError(t, err)
	acc, err := s.cases.Accept(res.State.CaseID, res.State.Version)
	require.NoError(t, err)
	require.Equal(t, cases.ModeMultiPlace, acc.State.Matter.Mode)
	return acc.State
}

func (s mailWS) state(t *testing.T, caseID string) cases.State {
	t.Helper()
	d, err := s.cases.Detail(caseID, false)
	require.NoError(t, err)
	return d.State
}

func candidateIDs(cs []mailing.Candidate) map[string][]string {
	out := map[string][]string{}
	for _, c := range cs {
		out[c.CaseID] = c.Places
	}
	return out
}

func mailAudit(t *testing.T, s mailWS, batchID string) []string {
	t.Helper()
	db, err := store.Open(context.Background(), paths.DBPath(s.dir))
	require.NoError(t, err)
	defer db.Close()
	es, err := audit.New(db, "t", time.Now).List(context.Background(), audit.Filter{ObjectType: "mail_batch", ObjectID: batchID})
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

func TestMailBatchLifecycle(t *testing.T) {
	s := openMailWS(t)
	a := s.proxyCase(t, "张三", "330106")
	b := s.proxyCase(t, "李四", "330106")
	c := s.proxyCase(t, "王五", "440305")
	m := s.multiCase(t, "赵六", "330106,440305")
	here := s.proxyCase(t, "钱七", "410105") // handled in this hall: nothing to mail

	all, err := s.mail.Candidates("")
	require.NoError(t, err)
	got := candidateIDs(all)
	require.Equal(t, []string{"330106"}, got[a.CaseID])
	require.Equal(t, []string{"330106", "440305"}, got[m.CaseID])
	require.NotContains(t, got, here.CaseID)
	only, err := s.mail.Candidates("440305")
	require.NoError(t, err)
	require.Len(t, only, 2, "王五 and 赵六 go to 440305")

	bt, err := s.mail.OpenBatch("330106")
	require.NoError(t, err)
	again, err := s.mail.OpenBatch("330106")
	require.NoError(t, err)
	require.Equal(t, bt.ID, again.ID, "one open batch per place")
	require.Equal(t, "JJ410105-20261204-01", bt.Number)
	require.True(t, bt.Demo)
	_, err = s.mail.OpenBatch("410105")
	require.Equal(t, "EINVALID", apiErr(t, err).Code)

	for _, st := range []cases.State{a, b, m} {
		_, err = s.mail.AddCase(bt.ID, st.CaseID)
		require.NoError(t, err)
	}
	_, err = s.mail.AddCase(bt.ID, a.CaseID)
	require.Equal(t, "ECONFLICT", apiErr(t, err).Code, "a case is in one open batch per place")
	_, err = s.mail.AddCase(bt.ID, c.CaseID)
	require.Equal(t, "EINVALID", apiErr(t, err).Code, "王五 goes to 440305")

	d, err := s.mail.Batch(bt.ID)
	require.NoError(t, err)
	require.Len(t, d.Items, 3)
	for _, it := range d.Items {
		require.True(t, strings.HasPrefix(it.Waybill, "DEMO"), it.Waybill)
		require.True(t, it.Demo)
		require.Equal(t, "演示-浙江省", it.RouteCode)
		require.NotContains(t, it.IDMasked, "0307", "ID masked")
	}
	require.Equal(t, "张三", d.Items[0].Applicant)

	left, err := s.mail.Candidates("330106")
	require.NoError(t, err)
	require.Empty(t, left, "cases in the open batch are no longer candidates")

	_, err = s.mail.RemoveCase(bt.ID, b.CaseID, "")
	require.Equal(t, "EINVALID", apiErr(t, err).Code, "a reason is required")
	d, err = s.mail.RemoveCase(bt.ID, b.CaseID, "材料缺页，下批寄出")
	require.NoError(t, err)
	require.Len(t, d.Items, 2)

	d, err = s.mail.Dispatch(bt.ID)
	require.NoError(t, err)
	require.Equal(t, mailing.StatusDispatched, d.Batch.Status)
	require.Equal(t, "clerk1", d.Batch.DispatchedBy)
	for _, it := range d.Items {
		require.NotEmpty(t, it.DispatchedAt)
		st := s.state(t, it.CaseID)
		i := st.TaskFor("330106")
		require.GreaterOrEqual(t, i, 0)
		require.Equal(t, it.Waybill, st.Tasks[i].Waybill)
		require.Equal(t, bt.Number, st.Tasks[i].Batch)
		require.Equal(t, "demo", st.Tasks[i].Courier)
	}
	require.Equal(t, cases.StatusDispatched, s.state(t, a.CaseID).Status)

	// The manifest is frozen: refused, audited, nothing changes.
	before := s.state(t, a.CaseID).Version
	_, err = s.mail.RemoveCase(bt.ID, a.CaseID, "写错了")
	ae := apiErr(t, err)
	require.Equal(t, "ECONFLICT", ae.Code)
	require.Equal(t, "批次已寄出，交接清单不能再变更", ae.Zh)
	_, err = s.mail.AddCase(bt.ID, b.CaseID)
	require.Equal(t, "ECONFLICT", apiErr(t, err).Code)
	require.Equal(t, before, s.state(t, a.CaseID).Version, "journal unchanged")
	d, err = s.mail.Batch(bt.ID)
	require.NoError(t, err)
	require.Len(t, d.Items, 2)
	acts := mailAudit(t, s, bt.ID)
	require.Contains(t, acts, "mail.case_removed")
	require.Contains(t, acts, "mail.batch_dispatched")
	require.Equal(t, 4, count(acts, "mail.refused_change"), "two refused adds before dispatch, two changes after")

	// 多地联办: the other place still waits, in its own batch.
	rest, err := s.mail.Candidates("")
	require.NoError(t, err)
	got = candidateIDs(rest)
	require.Equal(t, []string{"440305"}, got[m.CaseID])
	require.Equal(t, []string{"330106"}, got[b.CaseID])
	b2, err := s.mail.OpenBatch("440305")
	require.NoError(t, err)
	require.Equal(t, "JJ410105-20261204-02", b2.Number)
	_, err = s.mail.AddCase(b2.ID, m.CaseID)
	require.NoError(t, err)
	_, err = s.mail.Dispatch(b2.ID)
	require.NoError(t, err)
	require.Len(t, s.state(t, m.CaseID).Tasks, 2)

	open, err := s.mail.Batches("open")
	require.NoError(t, err)
	require.Empty(t, open)
	sent, err := s.mail.Batches("")
	require.NoError(t, err)
	require.Len(t, sent, 2)
	require.Equal(t, b2.ID, sent[0].ID, "newest first")

	// A supervisor may look, not send.
	s.login(t, "sup1")
	_, err = s.mail.Batches("")
	require.NoError(t, err)
	_, err = s.mail.OpenBatch("330106")
	require.Equal(t, "EFORBIDDEN", apiErr(t, err).Code)
}

func count(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}

// journalOf opens the workstation's database beside it (as another
// process would) to append actions the mail room did not make.
func journalOf(t *testing.T, s mailWS) *cases.Service {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, paths.DBPath(s.dir))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	cal, err := cases.LoadCalendar(ctx, db)
	require.NoError(t, err)
	svc, err := cases.New(ctx, db, audit.New(db, "WS-other", s.clock.Now), cal, cases.Config{DeviceID: "WS-other", HallCode: "410105", Now: s.clock.Now})
	require.NoError(t, err)
	return svc
}

func TestMailDispatchResumes(t *testing.T) {
	s := openMailWS(t)
	a := s.proxyCase(t, "张三", "330106")
	b := s.proxyCase(t, "李四", "330106")
	bt, err := s.mail.OpenBatch("330106")
	require.NoError(t, err)
	var d mailing.BatchDetail
	for _, st := range []cases.State{a, b} {
		d, err = s.mail.AddCase(bt.ID, st.CaseID)
		require.NoError(t, err)
	}
	wa := d.Items[0].Waybill
	clerk := cases.Actor{Username: "clerk1", Role: cases.RoleClerk}
	j := journalOf(t, s)
	ctx := context.Background()
	// A crash after a's journal append, before its item was marked.
	_, err = j.Record(ctx, clerk, a.CaseID, a.Version, cases.KindDispatched, "", cases.Dispatch{Places: []string{"330106"}, Waybill: wa, Batch: bt.Number, Courier: "demo"})
	require.NoError(t, err)
	// b left by other means: its dispatch from this batch must fail.
	_, err = j.Record(ctx, clerk, b.CaseID, b.Version, cases.KindDispatched, "", cases.Dispatch{Places: []string{"330106"}, Waybill: "1151234567890"})
	require.NoError(t, err)

	d, err = s.mail.Dispatch(bt.ID)
	require.NoError(t, err)
	require.Equal(t, mailing.StatusOpen, d.Batch.Status, "not every case is recorded")
	require.True(t, d.Batch.Dispatching)
	byCase := map[string]mailing.BatchItem{}
	for _, it := range d.Items {
		byCase[it.CaseID] = it
	}
	require.NotEmpty(t, byCase[a.CaseID].DispatchedAt)
	require.Empty(t, byCase[a.CaseID].Error)
	require.Empty(t, byCase[b.CaseID].DispatchedAt)
	require.NotEmpty(t, byCase[b.CaseID].Error)
	require.Equal(t, a.Version+1, s.state(t, a.CaseID).Version, "a was not dispatched twice")

	// While dispatching: no new case; a recorded case stays; b may go.
	c := s.proxyCase(t, "王五", "330106")
	_, err = s.mail.AddCase(bt.ID, c.CaseID)
	require.Equal(t, "ECONFLICT", apiErr(t, err).Code)
	_, err = s.mail.RemoveCase(bt.ID, a.CaseID, "误操作")
	require.Equal(t, "ECONFLICT", apiErr(t, err).Code)
	_, err = s.mail.RemoveCase(bt.ID, b.CaseID, "已由其他途径寄出")
	require.NoError(t, err)

	d, err = s.mail.Dispatch(bt.ID)
	require.NoError(t, err)
	require.Equal(t, mailing.StatusDispatched, d.Batch.Status)
	require.Equal(t, a.Version+1, s.state(t, a.CaseID).Version)
}

func TestMailTrackingAndStuck(t *testing.T) {
	s := openMailWS(t)
	a := s.proxyCase(t, "张三", "330106")
	bt, err := s.mail.OpenBatch("330106")
	require.NoError(t, err)
	_, err = s.mail.AddCase(bt.ID, a.CaseID)
	require.NoError(t, err)
	_, err = s.mail.Dispatch(bt.ID)
	require.NoError(t, err)

	stuck, err := s.mail.Stuck()
	require.NoError(t, err)
	require.Empty(t, stuck)

	// No news for 73 hours: stuck by the dispatch time.
	s.clock.Add(73 * time.Hour)
	stuck, err = s.mail.Stuck()
	require.NoError(t, err)
	require.Len(t, stuck, 1)
	require.Equal(t, a.CaseID, stuck[0].CaseID)
	require.Equal(t, 73, stuck[0].Hours)
	require.Equal(t, "330106", stuck[0].Place)

	n, err := s.mail.RefreshTracking()
	require.NoError(t, err)
	require.Equal(t, 5, n, "the demo parcel was delivered after a day")
	n, err = s.mail.RefreshTracking()
	require.NoError(t, err)
	require.Equal(t, 0, n, "events are stored once")
	evs, err := s.mail.Tracking(a.CaseID)
	require.NoError(t, err)
	require.Len(t, evs, 5)
	require.Equal(t, "delivered", evs[4].Status)
	require.Equal(t, "已签收", evs[4].StatusLabel)
	require.True(t, evs[0].Demo)
	stuck, err = s.mail.Stuck()
	require.NoError(t, err)
	require.Empty(t, stuck, "delivered parcels are not stuck")
	d, err := s.mail.Batch(bt.ID)
	require.NoError(t, err)
	require.Equal(t, "已签收", d.Items[0].LastEvent)

	// Stuck by the last event, with the configured limit.
	s.login(t, "admin")
	v, err := s.settings.Get()
	require.NoError(t, err)
	v.Settings.Mail.StuckHours = 1
	_, err = s.settings.Save(v.Settings)
	require.NoError(t, err)
	s.login(t, "clerk1")
	b := s.proxyCase(t, "李四", "330106")
	bt2, err := s.mail.OpenBatch("330106")
	require.NoError(t, err)
	_, err = s.mail.AddCase(bt2.ID, b.CaseID)
	require.NoError(t, err)
	_, err = s.mail.Dispatch(bt2.ID)
	require.NoError(t, err)
	s.clock.Add(15 * time.Hour)
	_, err = s.mail.RefreshTracking()
	require.NoError(t, err)
	stuck, err = s.mail.Stuck()
	require.NoError(t, err)
	require.Len(t, stuck, 1)
	require.Equal(t, b.CaseID, stuck[0].CaseID)
	require.Equal(t, "运输中", stuck[0].LastStatus)
	require.Equal(t, 3, stuck[0].Hours, "last event at +12h, now +15h")
}

func TestMailPrintWaybillAndManifest(t *testing.T) {
	s := openMailWS(t)
	fs := &fakeSpool{printers: []spool.Info{{Name: "Counter-A4", State: "idle", Accepting: true}}}
	pr := app.NewPrintService(s.ws, fs)
	a := s.proxyCase(t, "张三", "330106")
	_, err := pr.Preview(a.CaseID, "waybill")
	require.Equal(t, "ENOTFOUND", apiErr(t, err).Code, "no waybill before the case is in a batch")
	bt, err := s.mail.OpenBatch("330106")
	require.NoError(t, err)
	d, err := s.mail.AddCase(bt.ID, a.CaseID)
	require.NoError(t, err)

	docs, err := pr.Documents(a.CaseID)
	require.NoError(t, err)
	var kinds []string
	for _, doc := range docs {
		kinds = append(kinds, doc.Kind)
	}
	require.Contains(t, kinds, "waybill")
	require.NotContains(t, kinds, "manifest")

	wb, err := pr.Preview(a.CaseID, "waybill")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(wb.PDF), "%PDF"))
	require.Equal(t, "100x150", wb.Paper)
	text := pdfText(t, wb.PDF)
	require.Contains(t, text, "演示")
	require.Contains(t, text, d.Items[0].Waybill)

	mf, err := pr.Preview(bt.ID, "manifest")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(mf.PDF), "%PDF"))
	require.GreaterOrEqual(t, mf.Pages, 1)
	text = pdfText(t, mf.PDF)
	require.Contains(t, text, bt.Number)
	require.Contains(t, text, "张*", "the manifest masks the applicant")

	job, err := pr.Print(bt.ID, "manifest")
	require.NoError(t, err)
	require.Equal(t, "printed", string(job.Status))
	require.Contains(t, fs.jobs[0].Title, bt.Number)

	// The batch lists its manifest, with the job just printed.
	bdocs, err := pr.Documents(bt.ID)
	require.NoError(t, err)
	require.Len(t, bdocs, 1)
	require.Equal(t, "manifest", bdocs[0].Kind)
	require.Equal(t, 1, bdocs[0].Printed)
	_, err = pr.Documents("no-such-batch-or-case")
	require.Error(t, err)
}

// TestMailRemoveRecordedCase: a case whose dispatch reached its journal
// (a crash before the batch item was marked) cannot leave the manifest.
func TestMailRemoveRecordedCase(t *testing.T) {
	s := openMailWS(t)
	a := s.proxyCase(t, "张三", "330106")
	bt, err := s.mail.OpenBatch("330106")
	require.NoError(t, err)
	d, err := s.mail.AddCase(bt.ID, a.CaseID)
	require.NoError(t, err)
	clerk := cases.Actor{Username: "clerk1", Role: cases.RoleClerk}
	_, err = journalOf(t, s).Record(context.Background(), clerk, a.CaseID, a.Version, cases.KindDispatched, "",
		cases.Dispatch{Places: []string{"330106"}, Waybill: d.Items[0].Waybill, Batch: bt.Number, Courier: "demo"})
	require.NoError(t, err)
	_, err = s.mail.RemoveCase(bt.ID, a.CaseID, "误操作")
	require.Equal(t, "ECONFLICT", apiErr(t, err).Code)
	d, err = s.mail.Batch(bt.ID)
	require.NoError(t, err)
	require.Len(t, d.Items, 1, "the parcel stays on the manifest")
}
