package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app"
	"tongban/app/cases"
	"tongban/app/errs"
	"tongban/app/identity"
	"tongban/app/scans"
	"tongban/scanner/scannertest"
)

// recEmitter records the events pushed to the UI.
type recEmitter struct {
	mu    sync.Mutex
	names []string
}

func (r *recEmitter) Emit(name string, _ any) {
	r.mu.Lock()
	r.names = append(r.names, name)
	r.mu.Unlock()
}

func (r *recEmitter) count(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, x := range r.names {
		if x == name {
			n++
		}
	}
	return n
}

type scanWS struct {
	ws    *app.Workstation
	auth  *app.AuthService
	cases *app.CaseService
	scan  *app.ScanService
	hot   string
	dir   string
	ev    *recEmitter
}

// openScanWS opens a started workstation with a hot folder, a hall code and
// a signed-in clerk.
func openScanWS(t *testing.T) scanWS {
	t.Helper()
	dir := t.TempDir()
	hot := filepath.Join(dir, "hot")
	require.NoError(t, os.MkdirAll(hot, 0o750))
	ws, err := app.Open(context.Background(), app.Options{DataDir: dir, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	m := ws.Services()
	s := scanWS{ws: ws, auth: m["AuthService"].(*app.AuthService), cases: m["CaseService"].(*app.CaseService),
		scan: m["ScanService"].(*app.ScanService), hot: hot, dir: dir, ev: &recEmitter{}}
	_, err = s.auth.Setup("admin", "管理员", "Admin1234")
	require.NoError(t, err)
	_, err = s.auth.AddUser("clerk1", "窗口一", "clerk", "Passw0rd1")
	require.NoError(t, err)
	set := m["SettingsService"].(*app.SettingsService)
	v, err := set.Get()
	require.NoError(t, err)
	v.Settings.Hall.DivisionCode = "410105"
	v.Settings.HotFolders = []string{hot}
	_, err = set.Save(v.Settings)
	require.NoError(t, err)
	s.auth.Logout()
	_, err = s.auth.Login("clerk1", "Passw0rd1")
	require.NoError(t, err)
	ws.SetUI(s.ev, nil)
	ctx, cancel := context.WithCancel(context.Background())
	ws.Start(ctx)
	t.Cleanup(func() { cancel(); ws.Close() })
	return s
}

func (s scanWS) openCase(t *testing.T) string {
	t.Helper()
	id := "41010519800101001"
	id += string(identity.CheckDigit(id))
	r, err := s.cases.Open(cases.OpenInput{Intake: cases.Intake{
		Matter:    cases.MatterRef{Code: "QG-2021-001"},
		Applicant: cases.Person{Name: "李四", IDNumber: id, Phone: "13812345678"},
		Form: map[string]string{"name": "李四", "idNo": id, "phone": "13812345678", "householdAddress": "河南省郑州市",
			"purpose": "就业", "agent": "本人办理"},
	}})
	require.NoError(t, err)
	return r.State.CaseID
}

// drop writes page files into the hot folder with increasing mtimes.
func (s scanWS) drop(t *testing.T, seed int, names ...string) {
	t.Helper()
	base := time.Now().Add(-time.Minute)
	for i, n := range names {
		p := filepath.Join(s.hot, n)
		require.NoError(t, os.WriteFile(p, scannertest.JPEG(120, 160, seed+i), 0o600))
		at := base.Add(time.Duration(i) * time.Second)
		require.NoError(t, os.Chtimes(p, at, at))
	}
}

func waitPages(t *testing.T, s scanWS, caseID string, n int) []scans.Page {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ps, err := s.scan.Pages(caseID)
		require.NoError(t, err)
		if len(ps) >= n || time.Now().After(deadline) {
			require.Len(t, ps, n)
			return ps
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestScanServicePagesLandOnTheSelectedSlot(t *testing.T) {
	s := openScanWS(t)
	caseID := s.openCase(t)

	slots, err := s.scan.Slots(caseID)
	require.NoError(t, err)
	require.NotEmpty(t, slots)
	assert.Equal(t, "id-card", slots[0].ID)
	assert.Equal(t, "", slots[len(slots)-1].ID, "the case's unsorted pages come last")

	_, err = s.scan.SetTarget("", caseID, "no-such-material")
	assert.Equal(t, errs.EINVALID, apiCode(err))
	tv, err := s.scan.SetTarget("", caseID, "application")
	require.NoError(t, err)
	assert.Equal(t, "有无犯罪记录证明申请表", tv.SlotName)
	assert.NotEmpty(t, tv.CaseNo)

	s.drop(t, 1, "scan-001.jpg", "scan-002.jpg", "scan-003.jpg")
	ps := waitPages(t, s, caseID, 3)
	for i, p := range ps {
		assert.Equal(t, "application", p.SlotID)
		assert.Equal(t, i, p.Position)
		assert.Equal(t, []string{"scan-001.jpg", "scan-002.jpg", "scan-003.jpg"}[i], p.FileName)
	}
	assert.Eventually(t, func() bool { return s.ev.count(app.EventScanPages) > 0 }, 5*time.Second, 20*time.Millisecond,
		"a scan:pages event is pushed")

	url, err := s.scan.Thumbnail(ps[0].Hash)
	require.NoError(t, err)
	assert.Contains(t, url, "data:image/jpeg;base64,")

	_, err = s.scan.Rotate(ps[1].ID, 90)
	require.NoError(t, err)
	pdf, err := s.scan.CombinedPDF(caseID, "application")
	require.NoError(t, err)
	assert.Equal(t, 3, pdf.Pages)
	raw, err := base64.StdEncoding.DecodeString(pdf.Base64)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(raw, []byte("%PDF-")))
	assert.FileExists(t, pdf.Path)

	audit, err := s.cases.Audit(caseID)
	require.NoError(t, err)
	var kinds []string
	for _, e := range audit {
		kinds = append(kinds, e.Action)
	}
	assert.Subset(t, kinds, []string{"case.scan_target_set", "case.scan_attached", "case.scan_rotated"})

	st, err := s.scan.Status()
	require.NoError(t, err)
	assert.True(t, st.Running)
	assert.Equal(t, 3, st.Attached)
}

func TestScanServiceSignOutSendsPagesToTheTray(t *testing.T) {
	s := openScanWS(t)
	caseID := s.openCase(t)
	_, err := s.scan.SetTarget("", caseID, "id-card")
	require.NoError(t, err)
	s.auth.Logout()
	s.drop(t, 10, "after-logout.jpg", "bad.jpg.txt")
	require.NoError(t, os.WriteFile(filepath.Join(s.hot, "notes.docx"), []byte("PK\x03\x04 not a page"), 0o600))
	_, err = s.auth.Login("clerk1", "Passw0rd1")
	require.NoError(t, err)
	// Two JPEG bytes files (the .txt name does not matter: content decides)
	// reach the tray, the zip is refused.
	tray := waitPages(t, s, "", 2)
	assert.Equal(t, "", tray[0].CaseID)
	onCase, err := s.scan.Pages(caseID)
	require.NoError(t, err)
	assert.Empty(t, onCase, "nothing lands on a case whose clerk signed out")

	var q []scans.QuarantineItem
	require.Eventually(t, func() bool {
		q, err = s.scan.Quarantine()
		return err == nil && len(q) == 1
	}, 10*time.Second, 50*time.Millisecond)
	assert.Equal(t, "notes.docx", q[0].FileName)
	assert.NotEmpty(t, q[0].ReasonZh)

	// The clerk files the tray pages into the case.
	moved, err := s.scan.Move([]string{tray[1].ID, tray[0].ID}, caseID, "id-card")
	require.NoError(t, err)
	assert.Equal(t, []string{tray[1].ID, tray[0].ID}, []string{moved[0].ID, moved[1].ID})
}

func TestScanServiceNeedsSignIn(t *testing.T) {
	s := openScanWS(t)
	s.auth.Logout()
	_, err := s.scan.Pages("")
	assert.Equal(t, errs.EUNAUTHORIZED, apiCode(err))
	_, err = s.scan.Thumbnail("00")
	assert.Equal(t, errs.EUNAUTHORIZED, apiCode(err))
}

func apiCode(err error) string {
	if e, ok := err.(*app.APIError); ok {
		return e.Code
	}
	return errs.Code(err)
}
