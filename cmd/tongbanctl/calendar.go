package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"

	"tongban/app/cases"
	"tongban/app/errs"
)

func init() {
	commands["calendar"] = command{
		summary: "holiday calendar: list, show, import",
		run:     runCalendar,
	}
}

func calendarUsage(w io.Writer) {
	fmt.Fprintln(w, `usage:
  tongbanctl calendar list [--json]
  tongbanctl calendar show YEAR [--json]
  tongbanctl calendar import FILE.json     (format: docs/cases.md, "Holiday calendar")`)
}

func runCalendar(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		calendarUsage(e.stderr)
		return usageError("calendar: missing subcommand")
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("calendar "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { calendarUsage(e.stderr) }
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, rest)
	if err != nil {
		return usageError(err.Error())
	}
	want := map[string]int{"list": 0, "show": 1, "import": 1}
	n, ok := want[sub]
	if !ok {
		calendarUsage(e.stderr)
		return usageError("calendar: unknown subcommand " + strconv.Quote(sub))
	}
	if len(pos) != n {
		calendarUsage(e.stderr)
		return usageError(fmt.Sprintf("calendar %s: want %d argument(s), got %d", sub, n, len(pos)))
	}
	var data []byte
	if sub == "import" {
		// Read and check the file before touching the database.
		if data, err = os.ReadFile(pos[0]); err != nil {
			return errs.Wrap(err, errs.ENOTFOUND, "read calendar file", "无法读取日历文件："+pos[0])
		}
		if _, ps, err := cases.ParseCalendarFile(data); err != nil {
			return err
		} else if len(ps) > 0 {
			printCalendarProblems(e.stderr, ps)
			return cases.ProblemsError(ps)
		}
	}
	db, _, err := ctlOpenStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	cal, err := cases.LoadCalendar(ctx, db)
	if err != nil {
		return err
	}
	if err := cal.EnsureBuiltin(ctx); err != nil {
		return err
	}
	switch sub {
	case "list":
		ys, err := cal.Years(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, ys)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "YEAR\tHOLIDAYS\tWORKDAYS\tSOURCE\tUPDATED")
		for _, y := range ys {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\n", y.Year, y.Holidays, y.Workdays, y.Source, y.UpdatedAt)
		}
		return tw.Flush()
	case "show":
		year, err := strconv.Atoi(pos[0])
		if err != nil {
			return usageError("calendar show: YEAR must be a number")
		}
		if !cal.Covered(year) {
			return errs.New(errs.ENOTFOUND, fmt.Sprintf("year %d not in the calendar", year),
				fmt.Sprintf("日历中没有 %d 年（该年期限按周一至周五计算，并标为估算）", year))
		}
		days, err := cal.Days(ctx, year)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, days)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DAY\tKIND\tNAME")
		for _, d := range days {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Day, d.Kind, d.Name)
		}
		return tw.Flush()
	default: // import
		f, ps, err := cal.Import(ctx, data)
		if len(ps) > 0 {
			printCalendarProblems(e.stderr, ps)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "imported %d: %d day(s) from %q\n", f.Year, len(f.Days), f.Source)
		return nil
	}
}

func printCalendarProblems(w io.Writer, ps []cases.CalendarProblem) {
	for _, p := range ps {
		if p.Row == 0 {
			fmt.Fprintf(w, "file: %s / %s\n", p.Reason, p.Zh)
			continue
		}
		fmt.Fprintf(w, "row %d (%s): %s / %s\n", p.Row, p.Day, p.Reason, p.Zh)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
