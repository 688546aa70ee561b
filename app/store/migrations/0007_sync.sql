-- Issue 6: the sync client's own state. The outbox itself is a view over
-- case_actions' sync columns (sync_state pending | synced | error |
-- discarded); these tables hold the device credential, the pull cursor,
-- quarantined items, actions pulled before their case, and scan uploads.

-- The device credential from enrollment (one row). The token is the bearer
-- credential for every platform request.
CREATE TABLE sync_credential (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	platform_url TEXT NOT NULL,
	device_id   TEXT NOT NULL,
	token       TEXT NOT NULL,
	hall_code   TEXT NOT NULL,
	hall_name   TEXT NOT NULL,
	platform_id TEXT NOT NULL,
	enrolled_at TEXT NOT NULL
);

-- Key/value state of the sync loop: pull cursor, last success.
CREATE TABLE sync_state (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Why an outbox item was quarantined (case_actions.sync_state = 'error').
CREATE TABLE sync_quarantine (
	action_id TEXT PRIMARY KEY REFERENCES case_actions(id),
	code      TEXT NOT NULL,
	message   TEXT NOT NULL,
	zh        TEXT NOT NULL,
	attempts  INTEGER NOT NULL DEFAULT 1,
	at        TEXT NOT NULL
);

-- Actions pulled before the journal they belong to exists here; applied
-- as soon as their case arrives.
CREATE TABLE sync_parked (
	action_id  TEXT PRIMARY KEY,
	case_id    TEXT NOT NULL,
	server_seq INTEGER NOT NULL,
	body       TEXT NOT NULL
);
CREATE INDEX sync_parked_case ON sync_parked(case_id, server_seq);

-- Scan uploads (tus): the upload URL and the offset the platform confirmed
-- survive restarts. state: pending | done | error.
CREATE TABLE sync_uploads (
	sha256     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	case_id    TEXT NOT NULL,
	url        TEXT NOT NULL DEFAULT '',
	offset     INTEGER NOT NULL DEFAULT 0,
	state      TEXT NOT NULL DEFAULT 'pending',
	error      TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL
);
CREATE INDEX sync_uploads_state ON sync_uploads(state, case_id);
