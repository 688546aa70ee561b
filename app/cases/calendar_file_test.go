package cases

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const good2027 = `{"year": 2027, "source": "测试通知", "days": [
 {"day": "2027-01-01", "kind": "holiday", "name": "元旦"},
 {"day": "2027-02-06", "kind": "workday", "name": "春节调休"},
 {"day": "2027-02-08", "kind": "holiday", "name": "春节"}]}`

func TestParseCalendarFile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
		rows    []int // rows with problems (0 = file)
	}{
		{name: "good", in: good2027},
		{name: "not json", in: `{"year":`, wantErr: true},
		{name: "unknown field", in: `{"year": 2027, "source": "x", "days": [], "extra": 1}`, wantErr: true},
		{name: "trailing", in: good2027 + ` {}`, wantErr: true},
		{name: "no days, no source, bad year", in: `{"year": 1999, "days": []}`, rows: []int{0, 0, 0}},
		{name: "bad rows", in: `{"year": 2027, "source": "s", "days": [
			{"day": "2027-02-30", "kind": "holiday", "name": "x"},
			{"day": "2026-12-31", "kind": "holiday", "name": "x"},
			{"day": "2027-01-04", "kind": "workday", "name": "周一调休"},
			{"day": "2027-01-01", "kind": "off", "name": "元旦"},
			{"day": "2027-01-01", "kind": "holiday", "name": ""}]}`, rows: []int{1, 2, 3, 4, 5, 5}},
		{name: "long name", in: `{"year": 2027, "source": "s", "days": [{"day": "2027-01-01", "kind": "holiday", "name": "` +
			strings.Repeat("节", 41) + `"}]}`, rows: []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ps, err := ParseCalendarFile([]byte(tt.in))
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			var rows []int
			for _, p := range ps {
				rows = append(rows, p.Row)
				if p.Zh == "" || p.Reason == "" {
					t.Errorf("problem without reason: %+v", p)
				}
			}
			require.Equal(t, tt.rows, rows)
			if len(ps) == 0 {
				if got, want := f.Year, 2027; got != want {
					t.Errorf("year = %d, want %d", got, want)
				}
				if got, want := len(f.Days), 3; got != want {
					t.Errorf("days = %d, want %d", got, want)
				}
			}
		})
	}
}

func TestCalendarImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t, filepath.Join(t.TempDir(), "t.db"))
	cal, err := LoadCalendar(ctx, db)
	require.NoError(t, err)

	bad := strings.Replace(good2027, `"2027-02-08"`, `"2027-02-31"`, 1)
	_, ps, err := cal.Import(ctx, []byte(bad))
	require.Error(t, err)
	require.Len(t, ps, 1)
	if got, want := ps[0].Row, 3; got != want {
		t.Errorf("problem row = %d, want %d", got, want)
	}
	if cal.Covered(2027) {
		t.Fatal("a file with a bad row was partly imported")
	}
	days, err := cal.Days(ctx, 2027)
	require.NoError(t, err)
	require.Empty(t, days)

	_, ps, err = cal.Import(ctx, []byte(good2027))
	require.NoError(t, err)
	require.Empty(t, ps)
	require.True(t, cal.Covered(2027))
	if cal.IsWorkingDay(time.Date(2027, 2, 8, 12, 0, 0, 0, hallZone)) {
		t.Error("2027-02-08 imported as holiday but is a working day")
	}
	if !cal.IsWorkingDay(time.Date(2027, 2, 6, 12, 0, 0, 0, hallZone)) {
		t.Error("2027-02-06 (Saturday) imported as workday but is not")
	}
	years, err := cal.Years(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, years)
	if got, want := years[0], (CalendarYear{Year: 2027, Source: "测试通知", UpdatedAt: years[0].UpdatedAt, Holidays: 2, Workdays: 1}); got != want {
		t.Errorf("years[0] = %+v, want %+v", got, want)
	}
	days, err = cal.Days(ctx, 2027)
	require.NoError(t, err)
	if got, want := len(days), 3; got != want {
		t.Errorf("days = %d, want %d", got, want)
	}
}

func FuzzParseCalendarFile(f *testing.F) {
	f.Add([]byte(good2027))
	f.Add([]byte(`{"year": 2027, "source": "s", "days": [{"day": "2027-13-01", "kind": "workday", "name": "x"}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"year": -1, "days": null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cf, ps, err := ParseCalendarFile(b)
		if err != nil {
			return
		}
		if len(ps) > 0 {
			return
		}
		// A clean file has only valid, unique days of its year.
		seen := map[string]bool{}
		for _, h := range cf.Days {
			d, perr := time.Parse("2006-01-02", h.Day)
			if perr != nil || d.Year() != cf.Year || seen[h.Day] {
				t.Fatalf("accepted bad day %q in year %d", h.Day, cf.Year)
			}
			if h.Kind != "holiday" && h.Kind != "workday" {
				t.Fatalf("accepted kind %q", h.Kind)
			}
			seen[h.Day] = true
		}
	})
}
