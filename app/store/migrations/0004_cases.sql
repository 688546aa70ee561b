-- Issue 3: the audit chain, the case journal and its projection, intake
-- drafts, provisional numbers and the working-day calendar.

-- Hash-chained audit log (app/audit). seq has no gaps; hash covers every
-- column and the previous entry's hash. audit_head repeats the last seq and
-- hash so that deleting entries at the end is detected too.
CREATE TABLE audit_log (
	seq         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	role        TEXT NOT NULL,
	device_id   TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	detail      TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, seq);
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
CREATE TABLE audit_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  INTEGER NOT NULL,
	hash TEXT NOT NULL
);

-- One row per case: a projection of its journal (case_actions), rebuilt by
-- folding the journal. Personal data needed for search is stored as a keyed
-- hash (id_hash, phone_hash) plus a masked copy for lists; the full values
-- live only in the journal payload of the "received" action.
CREATE TABLE cases (
	id             TEXT PRIMARY KEY,
	provisional_no TEXT NOT NULL UNIQUE,
	official_no    TEXT UNIQUE,
	hall_code      TEXT NOT NULL,
	device_id      TEXT NOT NULL,
	matter_code    TEXT NOT NULL,
	matter_name    TEXT NOT NULL,
	mode           TEXT NOT NULL,
	status         TEXT NOT NULL,
	open           INTEGER NOT NULL,
	version        INTEGER NOT NULL,
	applicant_name TEXT NOT NULL,
	id_type        TEXT NOT NULL,
	id_hash        TEXT NOT NULL,
	id_masked      TEXT NOT NULL,
	phone_hash     TEXT NOT NULL,
	phone_masked   TEXT NOT NULL,
	agent_name     TEXT NOT NULL DEFAULT '',
	received_at    TEXT NOT NULL,
	decided_at     TEXT NOT NULL DEFAULT '',
	due_date       TEXT NOT NULL DEFAULT '',
	notice_due     TEXT NOT NULL DEFAULT '',
	queue_key      TEXT NOT NULL DEFAULT '9999-12-31', -- the nearer of due_date and notice_due: home queue order
	checked_out_by TEXT NOT NULL DEFAULT '',
	checked_out_at TEXT NOT NULL DEFAULT '',
	conflicts      INTEGER NOT NULL DEFAULT 0,
	updated_at     TEXT NOT NULL
);
CREATE INDEX cases_id_hash ON cases(id_hash, matter_code);
CREATE INDEX cases_phone_hash ON cases(phone_hash);
CREATE INDEX cases_name ON cases(applicant_name, received_at);
CREATE INDEX cases_matter ON cases(matter_code, received_at);
CREATE INDEX cases_status ON cases(status, received_at);
CREATE INDEX cases_received ON cases(received_at);
CREATE INDEX cases_queue ON cases(device_id, queue_key, received_at DESC) WHERE open = 1;

-- The journal: append-only, one row per action, ids are client UUIDv7.
CREATE TABLE case_actions (
	id          TEXT PRIMARY KEY,
	case_id     TEXT NOT NULL REFERENCES cases(id),
	seq         INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	actor       TEXT NOT NULL,
	role        TEXT NOT NULL,
	device_id   TEXT NOT NULL,
	hall_code   TEXT NOT NULL,
	device_time TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	payload     TEXT NOT NULL DEFAULT '{}',
	based_on    INTEGER NOT NULL,
	sync_state  TEXT NOT NULL DEFAULT 'pending',
	server_seq  INTEGER,
	server_time TEXT,
	UNIQUE (case_id, seq)
);
CREATE INDEX case_actions_sync ON case_actions(sync_state, id);
CREATE TRIGGER case_actions_no_update BEFORE UPDATE OF id, case_id, seq, kind, actor, role, device_id, hall_code, device_time, reason, payload, based_on ON case_actions
BEGIN SELECT RAISE(ABORT, 'case_actions is append-only'); END;
CREATE TRIGGER case_actions_no_delete BEFORE DELETE ON case_actions
BEGIN SELECT RAISE(ABORT, 'case_actions is append-only'); END;

-- Intake drafts, saved on every wizard step.
CREATE TABLE case_drafts (
	id          TEXT PRIMARY KEY,
	owner       TEXT NOT NULL,
	device_id   TEXT NOT NULL,
	case_id     TEXT NOT NULL DEFAULT '',
	matter_code TEXT NOT NULL DEFAULT '',
	step        TEXT NOT NULL,
	data        TEXT NOT NULL,
	revision    INTEGER NOT NULL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX case_drafts_owner ON case_drafts(owner, updated_at);

-- Provisional local numbers: 临-<hall>-<yyyymmdd>-<seq>.
CREATE TABLE case_counters (
	hall_code TEXT NOT NULL,
	day       TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	PRIMARY KEY (hall_code, day)
);

-- Working-day calendar: public holidays and adjusted working days (调休),
-- plus the years for which the table is complete.
CREATE TABLE holidays (
	day        TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name       TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE TABLE holiday_years (
	year       INTEGER PRIMARY KEY,
	source     TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
