package scans_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app/errs"
	"tongban/app/scans"
	"tongban/scanner"
)

func TestAttachIsOrderedAndIdempotent(t *testing.T) {
	e := mustOpen(t)
	ctx := context.Background()
	e.addCase(t, "c1", true)
	target := scanner.Target{CaseID: "c1", SlotID: "id-card"}
	if _, err := e.svc.SetTarget(ctx, clerk, "", "c1", "id-card"); err != nil {
		t.Fatal(err)
	}

	res, err := e.svc.Attach(ctx, attachment("hot", "a.pdf", 2, target))
	require.NoError(t, err)
	assert.False(t, res.Duplicate)
	_, err = e.svc.Attach(ctx, attachment("hot", "b.jpg", 1, target))
	require.NoError(t, err)
	// The same file again (a crash between recording and removing it).
	res, err = e.svc.Attach(ctx, attachment("hot", "a.pdf", 2, scanner.Target{}))
	require.NoError(t, err)
	assert.True(t, res.Duplicate)
	assert.Equal(t, target, res.Target, "a duplicate reports where the file went")

	ps, err := e.svc.Pages(ctx, "c1")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.pdf#0@id-card", "a.pdf#1@id-card", "b.jpg#0@id-card"}, files(ps))
	for i, p := range ps {
		if got, want := p.Position, i; got != want {
			t.Errorf("page %d position = %d, want %d", i, got, want)
		}
	}
	assert.Equal(t, []string{"case.scan_target_set", "case.scan_attached", "case.scan_attached"}, e.journal(t, "case", "c1"))
	var actor string
	require.NoError(t, e.db.Reader().QueryRow("SELECT actor FROM audit_log WHERE action = 'case.scan_attached' LIMIT 1").Scan(&actor))
	assert.Equal(t, "clerk1", actor, "pages are recorded as scanned by the clerk who selected the target")
}

func TestAttachToClosedOrMissingCaseGoesToTray(t *testing.T) {
	e := mustOpen(t)
	ctx := context.Background()
	e.addCase(t, "c1", true)
	_, err := e.svc.SetTarget(ctx, clerk, "", "c1", "form")
	require.NoError(t, err)
	e.setOpen(t, "c1", false)

	res, err := e.svc.Attach(ctx, attachment("hot", "late.jpg", 1, scanner.Target{CaseID: "c1", SlotID: "form"}))
	require.NoError(t, err)
	assert.Equal(t, scanner.Target{}, res.Target)
	res, err = e.svc.Attach(ctx, attachment("hot", "ghost.jpg", 1, scanner.Target{CaseID: "nope", SlotID: "form"}))
	require.NoError(t, err)
	assert.Equal(t, scanner.Target{}, res.Target)

	tray, err := e.svc.Pages(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"late.jpg#0@", "ghost.jpg#0@"}, files(tray))
	closed, err := e.svc.Pages(ctx, "c1")
	require.NoError(t, err)
	assert.Empty(t, closed)
	assert.Equal(t, []string{"case.scan_attached", "case.scan_attached"}, e.journal(t, "scan_tray", "tray"))
}

func TestTargets(t *testing.T) {
	e := mustOpen(t)
	ctx := context.Background()
	e.addCase(t, "c1", true)
	e.addCase(t, "c2", true)
	e.addCase(t, "closed", false)

	got, err := e.svc.ScanTarget("hot-1")
	require.NoError(t, err)
	assert.True(t, got.Unsorted(), "no selection: the unsorted tray")

	_, err = e.svc.SetTarget(ctx, clerk, "", "c1", "id-card")
	require.NoError(t, err)
	_, err = e.svc.SetTarget(ctx, clerk, "hot-2", "c2", "form")
	require.NoError(t, err)

	cases := []struct {
		folder string
		want   scanner.Target
	}{
		{"hot-1", scanner.Target{CaseID: "c1", SlotID: "id-card"}},
		{"hot-2", scanner.Target{CaseID: "c2", SlotID: "form"}},
	}
	for _, c := range cases {
		got, err := e.svc.ScanTarget(c.folder)
		require.NoError(t, err)
		if got != c.want {
			t.Errorf("ScanTarget(%q) = %+v, want %+v", c.folder, got, c.want)
		}
	}
	cur, err := e.svc.Target(ctx, "hot-1")
	require.NoError(t, err)
	assert.Equal(t, "clerk1", cur.Actor)

	_, err = e.svc.SetTarget(ctx, clerk, "", "closed", "form")
	assert.Equal(t, errs.ECONFLICT, errs.Code(err))
	_, err = e.svc.SetTarget(ctx, clerk, "", "missing", "form")
	assert.Equal(t, errs.ENOTFOUND, errs.Code(err))
	_, err = e.svc.SetTarget(ctx, scans.Actor{}, "", "c1", "form")
	assert.Equal(t, errs.EUNAUTHORIZED, errs.Code(err))

	require.NoError(t, e.svc.ClearTargets(ctx))
	got, err = e.svc.ScanTarget("hot-2")
	require.NoError(t, err)
	assert.True(t, got.Unsorted(), "cleared at sign-out")
}

func TestSystemActorWhenTargetChangedMeanwhile(t *testing.T) {
	e := mustOpen(t)
	ctx := context.Background()
	e.addCase(t, "c1", true)
	e.addCase(t, "c2", true)
	_, err := e.svc.SetTarget(ctx, clerk, "", "c2", "form")
	require.NoError(t, err)
	// The file was seen while c1 was the target.
	_, err = e.svc.Attach(ctx, attachment("hot", "x.jpg", 1, scanner.Target{CaseID: "c1", SlotID: "form"}))
	require.NoError(t, err)
	var actor string
	require.NoError(t, e.db.Reader().QueryRow("SELECT actor FROM scan_files").Scan(&actor))
	assert.Equal(t, scans.SystemActor.Username, actor)
}

func TestEditPages(t *testing.T) {
	e := mustOpen(t)
	ctx := context.Background()
	e.addCase(t, "c1", true)
	e.addCase(t, "c2", true)
	slot := scanner.Target{CaseID: "c1", SlotID: "form"}
	_, err := e.svc.Attach(ctx, attachment("hot", "f.pdf", 3, slot))
	require.NoError(t, err)
	ps, err := e.svc.Pages(ctx, "c1")
	require.NoError(t, err)
	p0, p1, p2 := ps[0].ID, ps[1].ID, ps[2].ID

	t.Run("reorder", func(t *testing.T) {
		got, err := e.svc.Reorder(ctx, clerk, "c1", "form", []string{p2, p0, p1})
		require.NoError(t, err)
		assert.Equal(t, []string{p2, p0, p1}, ids(got))
		_, err = e.svc.Reorder(ctx, clerk, "c1", "form", []string{p2, p0})
		assert.Equal(t, errs.ECONFLICT, errs.Code(err), "a partial list means the pages changed meanwhile")
	})
	t.Run("rotate", func(t *testing.T) {
		p, err := e.svc.Rotate(ctx, clerk, p0, -90)
		require.NoError(t, err)
		assert.Equal(t, 270, p.Rotate)
		p, err = e.svc.Rotate(ctx, clerk, p0, 180)
		require.NoError(t, err)
		assert.Equal(t, 90, p.Rotate)
		_, err = e.svc.Rotate(ctx, clerk, p0, 45)
		assert.Equal(t, errs.EINVALID, errs.Code(err))
		refs, err := e.svc.SlotPages(ctx, "c1", "form")
		require.NoError(t, err)
		require.Len(t, refs, 3)
		assert.Equal(t, 90, refs[1].Rotate, "the combined PDF gets the rotation")
	})
	t.Run("move", func(t *testing.T) {
		got, err := e.svc.Move(ctx, clerk, []string{p0}, "c2", "id-card")
		require.NoError(t, err)
		assert.Equal(t, []string{p0}, ids(got))
		left, err := e.svc.Pages(ctx, "c1")
		require.NoError(t, err)
		assert.Equal(t, []string{p2, p1}, ids(left))
		assert.Equal(t, []int{0, 1}, []int{left[0].Position, left[1].Position}, "the source slot is renumbered")
		_, err = e.svc.Move(ctx, clerk, []string{p1}, "", "ignored")
		require.NoError(t, err)
		tray, err := e.svc.Pages(ctx, "")
		require.NoError(t, err)
		require.Len(t, tray, 1)
		assert.Equal(t, "", tray[0].SlotID, "the tray has no slots")
	})
	t.Run("delete", func(t *testing.T) {
		require.NoError(t, e.svc.Delete(ctx, clerk, p2))
		left, err := e.svc.Pages(ctx, "c1")
		require.NoError(t, err)
		assert.Empty(t, left)
		assert.Equal(t, errs.ENOTFOUND, errs.Code(e.svc.Delete(ctx, clerk, p2)))
	})
	t.Run("closed case is read-only", func(t *testing.T) {
		e.setOpen(t, "c2", false)
		_, err := e.svc.Rotate(ctx, clerk, p0, 90)
		assert.Equal(t, errs.ECONFLICT, errs.Code(err))
		tray, err := e.svc.Pages(ctx, "")
		require.NoError(t, err)
		_, err = e.svc.Move(ctx, clerk, ids(tray), "c2", "form")
		assert.Equal(t, errs.ECONFLICT, errs.Code(err))
	})
	assert.Equal(t, []string{"case.scan_attached", "case.scan_reordered", "case.scan_rotated", "case.scan_rotated",
		"case.scan_moved_out", "case.scan_moved_out", "case.scan_deleted"}, e.journal(t, "case", "c1"))
	assert.Equal(t, []string{"case.scan_moved_in"}, e.journal(t, "case", "c2"))
}
