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
	received_at BIGINT NOT NULL,
	accepted_at BIGINT,
	refused_at BIGINT,
	dispatched_at BIGINT,
	handler_received_at BIGINT,
	handled_at BIGINT,
	delivered_at BIGINT,
	closed_at BIGINT,
	withdrawn_at BIGINT,
	due_at BIGINT
);
CREATE INDEX case_progress_received ON case_progress (received_at, hall);
CREATE INDEX cases_provisional ON cases (provisional_number);

CREATE TABLE query_throttle (
	key TEXT PRIMARY KEY,
	tokens DOUBLE PRECISION NOT NULL,
	updated_at BIGINT NOT NULL,
	failures BIGINT NOT NULL DEFAULT 0,
	blocked_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX query_throttle_updated ON query_throttle (updated_at);

-- Without it the planner multiplies the columns' distinct counts, expects
-- ~100 000 groups and sorts 1M rows on disk instead of hashing ~1 000.
CREATE STATISTICS case_progress_ledger (ndistinct) ON received_month, hall, matter_code, mode FROM case_progress;
