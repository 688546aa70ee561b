-- Issue 7: the cross-province loop. One row per handling place of a case
-- (a projection of the journal's dispatched / handler_received / handled
-- actions, rewritten with the case row): a handling place's inbox and
-- signing by waybill barcode read it.
CREATE TABLE case_tasks (
	case_id       TEXT NOT NULL,
	place         TEXT NOT NULL,
	waybill       TEXT NOT NULL DEFAULT '', -- normalized (upper case, no spaces)
	batch         TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL,            -- dispatched | handling | approved | refused
	dispatched_at TEXT NOT NULL DEFAULT '',
	received_at   TEXT NOT NULL DEFAULT '',
	handled_at    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (case_id, place)
);
CREATE INDEX case_tasks_place ON case_tasks(place, status, dispatched_at);
CREATE INDEX case_tasks_waybill ON case_tasks(waybill) WHERE waybill <> '';
-- The work ledger reads projections instead of the journal: when a case's
-- result was complete (handled_at) and one row per rating with its
-- follow-up state (case_ratings), both rewritten with the case row.
ALTER TABLE cases ADD COLUMN handled_at TEXT NOT NULL DEFAULT '';
UPDATE cases SET handled_at = COALESCE((SELECT MAX(a.device_time) FROM case_actions a
	WHERE a.case_id = cases.id AND +a.kind = 'handled'), '');

CREATE TABLE case_ratings (
	case_id       TEXT NOT NULL,
	visit         TEXT NOT NULL,
	hall_code     TEXT NOT NULL,
	matter_code   TEXT NOT NULL,
	matter_name   TEXT NOT NULL,
	mode          TEXT NOT NULL,
	level         INTEGER NOT NULL,
	rated_at      TEXT NOT NULL,
	follow_up_due TEXT NOT NULL DEFAULT '',
	voided        INTEGER NOT NULL DEFAULT 0, -- an appeal was upheld
	closed        INTEGER NOT NULL DEFAULT 0, -- the bad rating's follow-up was closed
	PRIMARY KEY (case_id, visit)
);
CREATE INDEX case_ratings_hall ON case_ratings(hall_code, rated_at);
INSERT OR IGNORE INTO case_ratings(case_id, visit, hall_code, matter_code, matter_name, mode, level, rated_at, follow_up_due, voided, closed)
SELECT a.case_id, json_extract(a.payload, '$.visit'), c.hall_code, c.matter_code, c.matter_name, c.mode,
	CAST(json_extract(a.payload, '$.level') AS INTEGER), a.device_time, COALESCE(json_extract(a.payload, '$.followUpDue'), ''),
	EXISTS(SELECT 1 FROM case_actions x WHERE x.case_id = a.case_id AND +x.kind = 'appeal_decided'
		AND json_extract(x.payload, '$.visit') = json_extract(a.payload, '$.visit') AND json_extract(x.payload, '$.upheld') = 1),
	EXISTS(SELECT 1 FROM case_actions x WHERE x.case_id = a.case_id AND +x.kind = 'followup_closed'
		AND json_extract(x.payload, '$.visit') = json_extract(a.payload, '$.visit'))
FROM case_actions a JOIN cases c ON c.id = a.case_id WHERE a.kind = 'rated';
