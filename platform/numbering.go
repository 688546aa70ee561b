package platform

import "fmt"

// FormatOfficialNumber formats the n-th 受理编号 of a place in a year:
// <place code>-<year>-<6+ digit serial>, e.g. 410102-2026-000123.
func FormatOfficialNumber(place string, year, n int) string {
	return fmt.Sprintf("%s-%04d-%06d", place, year, n)
}
