package cases

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"tongban/app/errs"
	"tongban/app/store"
)

// Holiday is one row of the calendar: a public holiday, or a weekend day
// that is a working day (调休).
type Holiday struct {
	Day  string `json:"day"`  // YYYY-MM-DD
	Kind string `json:"kind"` // holiday | workday
	Name string `json:"name"`
}

// Calendar answers working-day questions (行政许可法 §82: time limits are
// working days, public holidays excluded). Years not imported fall back to
// "Monday to Friday" and are reported as approximate.
type Calendar struct {
	db    *store.DB
	mu    sync.RWMutex
	days  map[string]string // day → holiday | workday
	years map[int]string    // covered year → source
}

// LoadCalendar reads the calendar from the database.
func LoadCalendar(ctx context.Context, db *store.DB) (*Calendar, error) {
	c := &Calendar{db: db}
	if err := c.reload(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Calendar) reload(ctx context.Context) error {
	days := map[string]string{}
	years := map[int]string{}
	rows, err := c.db.Writer().QueryContext(ctx, "SELECT day, kind FROM holidays")
	if err != nil {
		return fmt.Errorf("read holidays: %w", err)
	}
	for rows.Next() {
		var d, k string
		if err := rows.Scan(&d, &k); err != nil {
			rows.Close()
			return fmt.Errorf("scan holiday: %w", err)
		}
		days[d] = k
	}
	rows.Close()
	rows, err = c.db.Writer().QueryContext(ctx, "SELECT year, source FROM holiday_years")
	if err != nil {
		return fmt.Errorf("read holiday years: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var y int
		var s string
		if err := rows.Scan(&y, &s); err != nil {
			return fmt.Errorf("scan holiday year: %w", err)
		}
		years[y] = s
	}
	c.mu.Lock()
	c.days, c.years = days, years
	c.mu.Unlock()
	return rows.Err()
}

// ImportYear replaces the calendar of one year (admin action, or the
// platform's catalog push) and marks the year as covered.
func (c *Calendar) ImportYear(ctx context.Context, year int, source string, days []Holiday) error {
	for _, h := range days {
		t, err := time.Parse("2006-01-02", h.Day)
		if err != nil || t.Year() != year {
			return errs.Invalid("day", "bad holiday day "+h.Day, fmt.Sprintf("日期“%s”格式不对或不属于 %d 年", h.Day, year))
		}
		if h.Kind != "holiday" && h.Kind != "workday" {
			return errs.Invalid("kind", "bad holiday kind "+h.Kind, "类型须为 holiday（放假）或 workday（调休上班）")
		}
	}
	now := time.Now().UTC().Format(time.RFC3339)
	err := c.db.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM holidays WHERE day >= ? AND day <= ?",
			fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)); err != nil {
			return err
		}
		for _, h := range days {
			if _, err := tx.ExecContext(ctx, "INSERT INTO holidays(day, kind, name, updated_at) VALUES (?, ?, ?, ?)",
				h.Day, h.Kind, h.Name, now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO holiday_years(year, source, updated_at) VALUES (?, ?, ?)
			ON CONFLICT(year) DO UPDATE SET source = excluded.source, updated_at = excluded.updated_at`, year, source, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("import holidays %d: %w", year, err)
	}
	return c.reload(ctx)
}

// EnsureBuiltin imports the built-in years that are not in the database yet.
func (c *Calendar) EnsureBuiltin(ctx context.Context) error {
	for y, days := range BuiltinHolidays {
		c.mu.RLock()
		_, have := c.years[y]
		c.mu.RUnlock()
		if have {
			continue
		}
		if err := c.ImportYear(ctx, y, "builtin", days); err != nil {
			return err
		}
	}
	return nil
}

// Covered reports whether year's holidays are known.
func (c *Calendar) Covered(year int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.years[year]
	return ok
}

// IsWorkingDay reports whether the calendar day of t (hall time) is a
// working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	t = t.In(hallZone)
	c.mu.RLock()
	k := c.days[t.Format("2006-01-02")]
	c.mu.RUnlock()
	switch k {
	case "holiday":
		return false
	case "workday":
		return true
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the n-th working day after the day of start (the
// start day itself is not counted), as a hall-time date. exact is false
// when a year on the way is not in the calendar.
func (c *Calendar) AddWorkingDays(start time.Time, n int) (day time.Time, exact bool) {
	d := start.In(hallZone)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, hallZone)
	exact = c.Covered(d.Year())
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if !c.Covered(d.Year()) {
			exact = false
		}
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d, exact
}

// WorkingDaysUntil counts working days after from up to and including to
// (0 when to is not after from).
func (c *Calendar) WorkingDaysUntil(from, to time.Time) int {
	f := from.In(hallZone)
	d := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, hallZone)
	t := to.In(hallZone)
	end := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, hallZone)
	n := 0
	for d.Before(end) {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}
