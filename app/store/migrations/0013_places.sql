-- The platform's place directory (GET /v1/places: halls and handling
-- places with their province), cached for the intake's handling-place
-- picker so that it works offline. Replaced whole on every refresh.
CREATE TABLE platform_places (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	province TEXT NOT NULL DEFAULT '',
	fetched_at TEXT NOT NULL -- RFC 3339 UTC, the refresh that wrote it
);
