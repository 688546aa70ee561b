-- Case progress projected from the journal at push time (public 办件查询 and
-- the ledger), and the query page's throttle buckets shared by every node.
-- Times are Unix microseconds; received_month is YYYY-MM in CST.
CREATE TABLE case_progress (
	case_id TEXT PRIMARY KEY REFERENCES cases(id),
	hall TEXT NOT NULL,
	handling_place TEXT NOT NULL,
	matter_code TEXT NOT NULL,
	matter_name TEXT NOT NULL DEFAULT '',
	mode TEXT NOT NULL,
	received_month TEXT NOT NULL,
	masked_name TEXT NOT NULL DEFAULT '',
	verifier TEXT NOT NULL DEFAULT '',
	received_at INTEGER NOT NULL,
	accepted_at INTEGER,
	refused_at INTEGER,
	dispatched_at INTEGER,
	handler_received_at INTEGER,
	handled_at INTEGER,
	delivered_at INTEGER,
	closed_at INTEGER,
	withdrawn_at INTEGER,
	due_at INTEGER
);
CREATE INDEX case_progress_received ON case_progress (received_at, hall);
CREATE INDEX cases_provisional ON cases (provisional_number);

CREATE TABLE query_throttle (
	key TEXT PRIMARY KEY,
	tokens REAL NOT NULL,
	updated_at INTEGER NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0,
	blocked_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX query_throttle_updated ON query_throttle (updated_at);
