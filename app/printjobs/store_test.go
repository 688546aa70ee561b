package printjobs_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/errs"
	"tongban/app/printjobs"
	"tongban/app/store"
)

type fixture struct {
	db    *store.DB
	jobs  *printjobs.Store
	clock *time.Time
}

// newFixture opens a real database with one case row (print_jobs
// references cases).
func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "tongban.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Writer().ExecContext(ctx, `INSERT INTO cases(id, provisional_no, hall_code, device_id, matter_code, matter_name, mode,
		status, open, version, applicant_name, id_type, id_hash, id_masked, phone_hash, phone_masked, received_at, updated_at)
		VALUES ('case-1', '临-410105-0001', '410105', 'WS-1', 'M1', '事项', '异地代收代办', 'accepted', 1, 5, '张三', 'resident_id',
		'h', '410105********1234', 'h', '138****5678', '2026-01-05T02:00:00Z', '2026-01-05T02:00:00Z')`)
	require.NoError(t, err)
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	f := fixture{db: db, clock: &now}
	f.jobs = printjobs.New(db, func() time.Time { return *f.clock })
	return f
}

func (f fixture) begin(t *testing.T, kind string) printjobs.Job {
	t.Helper()
	j, err := f.jobs.Begin(context.Background(), printjobs.Job{CaseID: "case-1", Kind: kind, Printer: "PDF", Paper: "a4", Actor: "clerk1", Pages: 1, Bytes: 1000})
	require.NoError(t, err)
	return j
}

func TestCopyNumbersCountOnlyPrintedJobs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	first := f.begin(t, "receipt")
	if got, want := first.Copy, 0; got != want {
		t.Fatalf("first copy = %d, want %d", got, want)
	}
	failed, err := f.jobs.Fail(ctx, first.ID, "PDF-1", errs.ECONFLICT, "打印机缺纸，请装纸")
	require.NoError(t, err)
	require.Equal(t, printjobs.StatusFailed, failed.Status)
	require.Equal(t, "打印机缺纸，请装纸", failed.ErrorZh)

	retry := f.begin(t, "receipt")
	if got, want := retry.Copy, 0; got != want {
		t.Fatalf("copy after a failed attempt = %d, want %d (nothing was printed)", got, want)
	}
	audited := 0
	done, err := f.jobs.Finish(ctx, retry.ID, "PDF-2", func(tx *sql.Tx, j printjobs.Job) error {
		audited++
		require.Equal(t, printjobs.StatusPrinted, j.Status)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 1, audited)
	require.Equal(t, "PDF-2", done.SpoolJobID)
	require.False(t, done.FinishedAt.IsZero())

	again := f.begin(t, "receipt")
	if got, want := again.Copy, 1; got != want {
		t.Fatalf("copy after one printed = %d, want %d", got, want)
	}
	require.True(t, again.Reprint())
	other := f.begin(t, "supplement")
	require.Equal(t, 0, other.Copy, "copies count per document kind")

	n, err := f.jobs.Printed(ctx, "case-1", "receipt")
	require.NoError(t, err)
	require.Equal(t, 1, n)

	list, err := f.jobs.List(ctx, "case-1")
	require.NoError(t, err)
	require.Len(t, list, 4)
}

func TestSecondAttemptWhilePrintingIsRefused(t *testing.T) {
	f := newFixture(t)
	f.begin(t, "receipt")
	_, err := f.jobs.Begin(context.Background(), printjobs.Job{CaseID: "case-1", Kind: "receipt", Printer: "PDF", Actor: "clerk1"})
	if got, want := errs.Code(err), errs.ECONFLICT; got != want {
		t.Fatalf("code = %q, want %q (%v)", got, want, err)
	}
}

func TestFinishWhoseAuditFailsLeavesJobPrinting(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	j := f.begin(t, "receipt")
	_, err := f.jobs.Finish(ctx, j.ID, "PDF-1", func(*sql.Tx, printjobs.Job) error { return errs.New(errs.EINTERNAL, "boom", "失败") })
	require.Error(t, err)
	got, err := f.jobs.Get(ctx, j.ID)
	require.NoError(t, err)
	require.Equal(t, printjobs.StatusPrinting, got.Status, "rolled back with the audit entry")
	n, err := f.jobs.Printed(ctx, "case-1", "receipt")
	require.NoError(t, err)
	require.Equal(t, 0, n)
}

func TestInterruptedAttemptBecomesFailed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	j := f.begin(t, "receipt")
	*f.clock = f.clock.Add(printjobs.StaleAfter + time.Second)

	list, err := f.jobs.List(ctx, "case-1")
	require.NoError(t, err)
	require.Equal(t, printjobs.StatusFailed, list[0].Status)
	require.Equal(t, printjobs.ErrInterruptedZh, list[0].ErrorZh)

	next := f.begin(t, "receipt") // not refused as "in flight"
	require.Equal(t, 0, next.Copy)
	old, err := f.jobs.Get(ctx, j.ID)
	require.NoError(t, err)
	require.Equal(t, printjobs.StatusFailed, old.Status)
	_, err = f.jobs.Finish(ctx, j.ID, "PDF-9", nil)
	if got, want := errs.Code(err), errs.ECONFLICT; got != want {
		t.Fatalf("finishing an interrupted job: code = %q, want %q", got, want)
	}
}

func TestBeginValidatesAndGetUnknown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.jobs.Begin(ctx, printjobs.Job{Kind: "receipt", Actor: "x"})
	require.Equal(t, errs.EINVALID, errs.Code(err))
	_, err = f.jobs.Get(ctx, "nope")
	require.Equal(t, errs.ENOTFOUND, errs.Code(err))
	_, err = f.jobs.Begin(ctx, printjobs.Job{CaseID: "no-such-case", Kind: "receipt", Actor: "x"})
	require.Error(t, err, "foreign key to cases")
}
