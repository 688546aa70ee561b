package mailing

import (
	"context"
	"database/sql"
	"strings"

	"tongban/app/cases"
	"tongban/app/identity"
)

// Places are the handling places a case's paper goes to, from its intake
// form: "handlingPlace" (异地代收代办), or for 多地联办 the comma-separated
// "handlingPlaces" falling back to "handlingPlace". Codes that are not six
// digits, repeats and the hall itself (handled here, nothing to mail) are
// left out.
func Places(mode cases.Mode, form map[string]string, hall string) []string {
	raw := form["handlingPlace"]
	if mode == cases.ModeMultiPlace && strings.TrimSpace(form["handlingPlaces"]) != "" {
		raw = form["handlingPlaces"]
	}
	var out []string
	for _, p := range strings.FieldsFunc(raw, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\n'
	}) {
		if !ValidPlace(p) || p == hall || contains(out, p) {
			continue
		}
		out = append(out, p)
	}
	if mode != cases.ModeMultiPlace && len(out) > 1 {
		out = out[:1]
	}
	return out
}

// ValidPlace reports whether p is a 6-digit division code.
func ValidPlace(p string) bool {
	if len(p) != 6 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// Querier is what PlaceNameIn reads from (a *sql.DB or *sql.Tx).
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PlaceNameIn names a place by the platform's place directory cached on
// the workstation (platform_places: "杭州市西湖区行政服务中心"), else by its
// division code (PlaceName).
func PlaceNameIn(ctx context.Context, q Querier, code string) string {
	var name string
	if err := q.QueryRowContext(ctx, "SELECT name FROM platform_places WHERE code = ?", code).Scan(&name); err == nil && name != "" {
		return name
	}
	return PlaceName(code)
}

// PlaceName names a place for people by its division code ("浙江省（330106）").
func PlaceName(code string) string {
	if n, ok := identity.RegionName(code); ok {
		return n + "（" + code + "）"
	}
	return code
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
