-- Workstation identity and small key/value facts (device id, first-run markers).
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
