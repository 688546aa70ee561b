package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/ledger"
)

func TestAlertsMatchReport(t *testing.T) {
	e := newEnv(t)
	e.populate(t, 60, 11)
	ctx := context.Background()
	now := weekStart.AddDate(0, 0, 10)
	l, err := ledger.New(ctx, e.db, func() time.Time { return now })
	require.NoError(t, err)
	rep, err := l.Report(ctx, hall, "", ledger.Query{Period: ledger.PeriodCustom, From: "2026-11-01", To: "2026-12-31"})
	require.NoError(t, err)
	al, err := l.Alerts(ctx, hall, 200)
	require.NoError(t, err)
	if got, want := al.OverdueCount, rep.Total.Overdue; got != want {
		t.Errorf("overdue alerts = %d, ledger overdue = %d", got, want)
	}
	if got, want := al.BadRatingsCount, rep.Total.FollowPending; got != want {
		t.Errorf("bad-rating alerts = %d, ledger pending = %d", got, want)
	}
	if got, want := al.BadRatingsLate, rep.Total.FollowOverdue; got != want {
		t.Errorf("late = %d, want %d", got, want)
	}
	require.Len(t, al.Overdue, al.OverdueCount)
	for _, a := range al.BadRatings {
		require.LessOrEqual(t, a.Level, 2)
	}
	other, err := l.Alerts(ctx, "440300", 5)
	require.NoError(t, err)
	require.Empty(t, other.Overdue)
	require.Empty(t, other.BadRatings)
}
