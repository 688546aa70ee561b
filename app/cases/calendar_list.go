package cases

import (
	"context"
	"fmt"
)

// CalendarYear is one covered year of the calendar.
type CalendarYear struct {
	Year      int    `json:"year"`
	Source    string `json:"source"`
	UpdatedAt string `json:"updatedAt"`
	Holidays  int    `json:"holidays"`
	Workdays  int    `json:"workdays"`
}

// Years lists the covered years, newest first.
func (c *Calendar) Years(ctx context.Context) ([]CalendarYear, error) {
	rows, err := c.db.Reader().QueryContext(ctx, `SELECT y.year, y.source, y.updated_at,
		(SELECT count(*) FROM holidays h WHERE h.kind = 'holiday' AND substr(h.day, 1, 4) = printf('%04d', y.year)),
		(SELECT count(*) FROM holidays h WHERE h.kind = 'workday' AND substr(h.day, 1, 4) = printf('%04d', y.year))
		FROM holiday_years y ORDER BY y.year DESC`)
	if err != nil {
		return nil, fmt.Errorf("list holiday years: %w", err)
	}
	defer rows.Close()
	out := []CalendarYear{}
	for rows.Next() {
		var y CalendarYear
		if err := rows.Scan(&y.Year, &y.Source, &y.UpdatedAt, &y.Holidays, &y.Workdays); err != nil {
			return nil, fmt.Errorf("list holiday years: %w", err)
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// Days lists one year's holidays and working weekend days by date.
func (c *Calendar) Days(ctx context.Context, year int) ([]Holiday, error) {
	rows, err := c.db.Reader().QueryContext(ctx, `SELECT day, kind, name FROM holidays
		WHERE day >= ? AND day <= ? ORDER BY day`, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	if err != nil {
		return nil, fmt.Errorf("list holidays %d: %w", year, err)
	}
	defer rows.Close()
	out := []Holiday{}
	for rows.Next() {
		var h Holiday
		if err := rows.Scan(&h.Day, &h.Kind, &h.Name); err != nil {
			return nil, fmt.Errorf("list holidays %d: %w", year, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Import checks a calendar file and imports its year; nothing is imported
// when any row is bad (the problems are returned with the error).
func (c *Calendar) Import(ctx context.Context, b []byte) (CalendarFile, []CalendarProblem, error) {
	f, ps, err := ParseCalendarFile(b)
	if err != nil {
		return f, nil, err
	}
	if len(ps) > 0 {
		return f, ps, ProblemsError(ps)
	}
	if err := c.ImportYear(ctx, f.Year, f.Source, f.Days); err != nil {
		return f, nil, err
	}
	return f, nil, nil
}
