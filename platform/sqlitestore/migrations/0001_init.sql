-- Platform schema (SQLite). Times are Unix microseconds. Keep in step with
-- pgstore/migrations: both run the same conformance suite.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters (name, value) VALUES ('seq', 0);

CREATE TABLE places (code TEXT PRIMARY KEY, name TEXT NOT NULL, province TEXT NOT NULL DEFAULT '');

CREATE TABLE enroll_codes (
	hash TEXT PRIMARY KEY,
	hall TEXT NOT NULL REFERENCES places(code),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER,
	device_id TEXT
);

CREATE TABLE devices (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	hall TEXT NOT NULL REFERENCES places(code),
	token_hash TEXT NOT NULL UNIQUE,
	enrolled_at INTEGER NOT NULL,
	revoked_at INTEGER
);

CREATE TABLE accounts (
	username TEXT PRIMARY KEY,
	display_name TEXT NOT NULL,
	role TEXT NOT NULL,
	hall TEXT NOT NULL REFERENCES places(code),
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL
);
CREATE INDEX accounts_hall ON accounts (hall);

CREATE TABLE catalog_versions (
	version INTEGER PRIMARY KEY,
	published_at INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	body TEXT NOT NULL
);

CREATE TABLE cases (
	id TEXT PRIMARY KEY,
	seq INTEGER NOT NULL UNIQUE,
	hall TEXT NOT NULL REFERENCES places(code),
	handling_place TEXT NOT NULL REFERENCES places(code),
	matter_code TEXT NOT NULL,
	mode TEXT NOT NULL,
	provisional_number TEXT NOT NULL,
	device_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	data TEXT,
	fingerprint TEXT NOT NULL,
	official_number TEXT UNIQUE,
	checked_out_by TEXT,
	version INTEGER NOT NULL DEFAULT 0,
	received_at INTEGER NOT NULL
);
CREATE INDEX cases_hall_seq ON cases (hall, seq);
CREATE INDEX cases_place_seq ON cases (handling_place, seq);

CREATE TABLE actions (
	id TEXT PRIMARY KEY,
	seq INTEGER NOT NULL UNIQUE,
	case_id TEXT NOT NULL REFERENCES cases(id),
	case_version INTEGER NOT NULL,
	case_hall TEXT NOT NULL,
	case_place TEXT NOT NULL,
	kind TEXT NOT NULL,
	actor TEXT NOT NULL,
	role TEXT NOT NULL,
	device_id TEXT NOT NULL,
	hall TEXT NOT NULL,
	device_time INTEGER NOT NULL,
	based_on INTEGER NOT NULL,
	payload TEXT,
	attachments TEXT,
	fingerprint TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	flagged INTEGER NOT NULL DEFAULT 0,
	UNIQUE (case_id, case_version)
);
CREATE INDEX actions_hall_seq ON actions (case_hall, seq);
CREATE INDEX actions_place_seq ON actions (case_place, seq);

CREATE TABLE case_blobs (
	case_id TEXT NOT NULL REFERENCES cases(id),
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	PRIMARY KEY (case_id, sha256)
);
CREATE INDEX case_blobs_sha ON case_blobs (sha256);

CREATE TABLE blobs (
	sha256 TEXT PRIMARY KEY,
	size INTEGER NOT NULL,
	device_id TEXT NOT NULL,
	hall TEXT NOT NULL,
	uploaded_at INTEGER NOT NULL
);

CREATE TABLE number_counters (
	place TEXT NOT NULL,
	year INTEGER NOT NULL,
	next INTEGER NOT NULL,
	PRIMARY KEY (place, year)
);

CREATE TABLE number_blocks (
	id TEXT PRIMARY KEY,
	device_id TEXT NOT NULL,
	hall TEXT NOT NULL,
	year INTEGER NOT NULL,
	first INTEGER NOT NULL,
	last INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);

CREATE TABLE reserved_numbers (
	number TEXT PRIMARY KEY,
	block_id TEXT NOT NULL REFERENCES number_blocks(id),
	device_id TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	used_by_case TEXT
);
