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
