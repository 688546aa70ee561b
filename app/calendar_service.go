package app

import (
	"context"
	"encoding/json"
	"fmt"

	"tongban/app/account"
	"tongban/app/audit"
	"tongban/app/cases"
)

// CalendarImport is the answer to CalendarService.Import: the year imported,
// or every bad row (then nothing was imported and the call fails too).
type CalendarImport struct {
	Year     int                     `json:"year"`
	Days     int                     `json:"days"`
	Source   string                  `json:"source"`
	Problems []cases.CalendarProblem `json:"problems"`
}

// CalendarService lists and imports the working-day calendar (行政许可法
// §82 time limits). It shares the case services' calendar, so an import
// applies to deadlines at once.
type CalendarService struct {
	w    *Workstation
	deps *caseDeps
}

// calendar returns the case services' calendar for the open database, or
// a fresh one read from it.
func (s *CalendarService) calendar(ctx context.Context) (*cases.Calendar, *audit.Log, error) {
	db, err := s.w.ready()
	if err != nil {
		return nil, nil, err
	}
	d := s.deps
	d.mu.Lock()
	cal, lg := d.cal, d.audit
	same := d.db == db
	d.mu.Unlock()
	if same && cal != nil && lg != nil {
		return cal, lg, nil
	}
	cal, err = cases.LoadCalendar(ctx, db)
	if err != nil {
		return nil, nil, fmt.Errorf("calendar: %w", err)
	}
	if err := cal.EnsureBuiltin(ctx); err != nil {
		return nil, nil, fmt.Errorf("calendar: %w", err)
	}
	s.w.mu.RLock()
	dev, now := s.w.deviceID, s.w.now
	s.w.mu.RUnlock()
	return cal, audit.New(db, dev, now), nil
}

// Years lists the years the calendar covers, newest first (any role).
func (s *CalendarService) Years() ([]cases.CalendarYear, error) {
	if _, err := s.w.session.require(); err != nil {
		return nil, toAPI(s.w.log, "calendar.years", err)
	}
	ctx := context.Background()
	cal, _, err := s.calendar(ctx)
	if err != nil {
		return nil, toAPI(s.w.log, "calendar.years", err)
	}
	ys, err := cal.Years(ctx)
	return ys, toAPI(s.w.log, "calendar.years", err)
}

// Days lists one year's holidays and working weekend days (any role).
func (s *CalendarService) Days(year int) ([]cases.Holiday, error) {
	if _, err := s.w.session.require(); err != nil {
		return nil, toAPI(s.w.log, "calendar.days", err)
	}
	ctx := context.Background()
	cal, _, err := s.calendar(ctx)
	if err != nil {
		return nil, toAPI(s.w.log, "calendar.days", err)
	}
	ds, err := cal.Days(ctx, year)
	return ds, toAPI(s.w.log, "calendar.days", err)
}

// Import checks a calendar file (JSON text, format in docs/cases.md) and
// imports its year (admin). With any bad row nothing is imported: the
// answer lists every problem and the error names the first.
func (s *CalendarService) Import(content string) (CalendarImport, error) {
	u, err := s.w.session.require(account.RoleAdmin)
	if err != nil {
		return CalendarImport{}, toAPI(s.w.log, "calendar.import", err)
	}
	ctx := context.Background()
	cal, lg, err := s.calendar(ctx)
	if err != nil {
		return CalendarImport{}, toAPI(s.w.log, "calendar.import", err)
	}
	f, ps, err := cal.Import(ctx, []byte(content))
	res := CalendarImport{Year: f.Year, Source: f.Source, Problems: ps}
	if res.Problems == nil {
		res.Problems = []cases.CalendarProblem{}
	}
	if err != nil {
		if len(ps) > 0 {
			err = calendarRows{err: err, rows: ps}
		}
		return res, toAPI(s.w.log, "calendar.import", err)
	}
	res.Days = len(f.Days)
	detail, _ := json.Marshal(map[string]any{"year": f.Year, "source": f.Source, "days": len(f.Days)})
	if _, err := lg.Append(ctx, audit.Entry{Actor: u.Username, Role: string(u.Role), Action: "calendar.imported",
		ObjectType: "calendar", ObjectID: fmt.Sprint(f.Year), Detail: detail}); err != nil {
		s.w.log.Error("audit calendar import", "err", err)
	}
	s.w.log.Info("holiday calendar imported", "year", f.Year, "days", len(f.Days))
	return res, nil
}

// calendarRows carries every bad row of a calendar file to the UI
// (APIError.rows: CalendarProblem[]).
type calendarRows struct {
	err  error
	rows []cases.CalendarProblem
}

func (e calendarRows) Error() string  { return e.err.Error() }
func (e calendarRows) Unwrap() error  { return e.err }
func (e calendarRows) RowErrors() any { return e.rows }
