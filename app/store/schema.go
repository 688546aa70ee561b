package store

// SupportedSchemaVersion is the highest schema version this program knows
// (the number of embedded migrations), or 0 if they cannot be read.
func SupportedSchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		return 0
	}
	return len(ms)
}
