-- Issue 7: mailing at the collecting hall. A batch (交接清单) goes to one
-- handling place; each case in it travels as its own parcel with a waybill
-- ordered from the courier when the case is added. Tracking events are
-- kept per parcel (outbound materials and mailed results coming back).
CREATE TABLE mail_batches (
	id            TEXT PRIMARY KEY,                 -- UUIDv7
	number        TEXT NOT NULL UNIQUE,             -- JJ<hall>-<yyyymmdd>-<nn>
	hall_code     TEXT NOT NULL,
	place         TEXT NOT NULL,                    -- handling place (6-digit code)
	place_name    TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('open', 'dispatched')),
	courier       TEXT NOT NULL,
	demo          INTEGER NOT NULL DEFAULT 0,
	created_by    TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	sealed_at     TEXT NOT NULL DEFAULT '',         -- dispatch began: the manifest no longer takes cases
	dispatched_by TEXT NOT NULL DEFAULT '',
	dispatched_at TEXT NOT NULL DEFAULT ''
);
-- One open batch per destination.
CREATE UNIQUE INDEX mail_batches_open ON mail_batches(hall_code, place) WHERE status = 'open';
CREATE INDEX mail_batches_status ON mail_batches(status, created_at);

CREATE TABLE mail_items (
	batch_id       TEXT NOT NULL REFERENCES mail_batches(id),
	case_id        TEXT NOT NULL REFERENCES cases(id),
	place          TEXT NOT NULL,
	waybill        TEXT NOT NULL UNIQUE,            -- normalized tracking number
	route_code     TEXT NOT NULL DEFAULT '',
	demo           INTEGER NOT NULL DEFAULT 0,
	added_by       TEXT NOT NULL,
	added_at       TEXT NOT NULL,
	dispatched_at  TEXT NOT NULL DEFAULT '',        -- the case's dispatched action is in the journal
	dispatch_error TEXT NOT NULL DEFAULT '',        -- why the last dispatch attempt failed (Chinese)
	PRIMARY KEY (batch_id, case_id)
);
CREATE INDEX mail_items_case ON mail_items(case_id, place);

-- Parcels followed with the courier until delivered.
CREATE TABLE mail_parcels (
	waybill       TEXT PRIMARY KEY,                 -- normalized
	case_id       TEXT NOT NULL,
	direction     TEXT NOT NULL CHECK (direction IN ('out', 'back')),
	place         TEXT NOT NULL,                    -- the handling place it travels to or from
	since         TEXT NOT NULL,                    -- dispatched (out) or result decided (back)
	last_status   TEXT NOT NULL DEFAULT '',
	last_event_at TEXT NOT NULL DEFAULT '',
	delivered_at  TEXT NOT NULL DEFAULT '',
	polled_at     TEXT NOT NULL DEFAULT '',
	poll_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_parcels_case ON mail_parcels(case_id);
CREATE INDEX mail_parcels_open ON mail_parcels(delivered_at, since);

CREATE TABLE mail_events (
	waybill TEXT NOT NULL,
	at      TEXT NOT NULL,
	status  TEXT NOT NULL,
	place   TEXT NOT NULL,
	note    TEXT NOT NULL DEFAULT '',
	demo    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (waybill, at, status, place)
);
