-- Local accounts. source says who owns the account: 'local' (created on
-- this workstation) or 'platform' (synced from the provincial platform,
-- which later becomes the source of truth; the hash is then a cached copy).
CREATE TABLE users (
	id                  INTEGER PRIMARY KEY,
	username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
	display_name        TEXT NOT NULL,
	role                TEXT NOT NULL
	                    CHECK (role IN ('clerk', 'supervisor', 'field_agent', 'handler', 'admin')),
	password_hash       TEXT NOT NULL DEFAULT '',   -- PHC string, argon2id
	source              TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'platform')),
	platform_id         TEXT UNIQUE,                -- the platform's id for source = 'platform'
	disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	failed_count        INTEGER NOT NULL DEFAULT 0, -- consecutive wrong passwords
	locked_until        TEXT,                       -- RFC 3339 UTC; NULL when not locked
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	password_changed_at TEXT,
	last_login_at       TEXT
);

-- Every authentication event and account change, for 责任追溯. Never holds
-- a password. user_id is NULL for unknown usernames.
CREATE TABLE auth_log (
	id       INTEGER PRIMARY KEY,
	at       TEXT NOT NULL,
	username TEXT NOT NULL,
	user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
	event    TEXT NOT NULL,      -- login_ok, login_failed, locked, refused_locked, refused_disabled, setup, ...
	actor    TEXT NOT NULL DEFAULT '',
	detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX auth_log_at ON auth_log(at);
CREATE INDEX auth_log_user ON auth_log(username, at);
