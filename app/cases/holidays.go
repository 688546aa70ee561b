package cases

import (
	"fmt"
	"time"
)

// BuiltinHolidays are the State Council holiday arrangements this build
// knows. Later years must be imported (Calendar.ImportYear) when the
// notice is published each November; until then deadlines in those years
// count Monday–Friday and are flagged approximate.
var BuiltinHolidays = map[int][]Holiday{
	2025: join(
		span("2025-01-01", 1, "元旦"),
		span("2025-01-28", 8, "春节"), work("2025-01-26", "春节调休"), work("2025-02-08", "春节调休"),
		span("2025-04-04", 3, "清明节"),
		span("2025-05-01", 5, "劳动节"), work("2025-04-27", "劳动节调休"),
		span("2025-05-31", 3, "端午节"),
		span("2025-10-01", 8, "国庆节、中秋节"), work("2025-09-28", "国庆节调休"), work("2025-10-11", "国庆节调休"),
	),
	2026: join(
		span("2026-01-01", 3, "元旦"), work("2026-01-04", "元旦调休"),
		span("2026-02-15", 9, "春节"), work("2026-02-14", "春节调休"), work("2026-02-28", "春节调休"),
		span("2026-04-04", 3, "清明节"),
		span("2026-05-01", 5, "劳动节"), work("2026-05-09", "劳动节调休"),
		span("2026-06-19", 3, "端午节"),
		span("2026-09-25", 3, "中秋节"),
		span("2026-10-01", 7, "国庆节"), work("2026-09-20", "国庆节调休"), work("2026-10-10", "国庆节调休"),
	),
}

func span(first string, days int, name string) []Holiday {
	t, err := time.Parse("2006-01-02", first)
	if err != nil {
		panic(fmt.Sprintf("builtin holiday %s: %v", first, err))
	}
	out := make([]Holiday, days)
	for i := range out {
		out[i] = Holiday{Day: t.AddDate(0, 0, i).Format("2006-01-02"), Kind: "holiday", Name: name}
	}
	return out
}

func work(day, name string) []Holiday { return []Holiday{{Day: day, Kind: "workday", Name: name}} }

func join(parts ...[]Holiday) []Holiday {
	var out []Holiday
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
