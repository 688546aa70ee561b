-- The loop on the platform (issue 7): the routing scope of a case, the
-- handling places' tasks and decision (多地联办: several tasks; a refused
-- one sends the case back), the return parcel signed for at the hall, and
-- 好差评 per case for the ledger. Times are Unix microseconds.
ALTER TABLE case_progress ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE case_progress ADD COLUMN decision TEXT NOT NULL DEFAULT '';
ALTER TABLE case_progress ADD COLUMN sent_back_at BIGINT;
ALTER TABLE case_progress ADD COLUMN result_received_at BIGINT;
ALTER TABLE case_progress ADD COLUMN tasks BIGINT NOT NULL DEFAULT 0;
ALTER TABLE case_progress ADD COLUMN tasks_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE case_progress ADD COLUMN ratings BIGINT NOT NULL DEFAULT 0;
ALTER TABLE case_progress ADD COLUMN rating_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE case_progress ADD COLUMN bad_ratings BIGINT NOT NULL DEFAULT 0;
ALTER TABLE case_progress ADD COLUMN bad_followed_up BIGINT NOT NULL DEFAULT 0;

-- One row per handling place of a case (the journal's case tasks).
CREATE TABLE case_progress_tasks (
	case_id TEXT NOT NULL REFERENCES case_progress(case_id),
	place TEXT NOT NULL,
	dispatched_at BIGINT,
	received_at BIGINT,
	handled_at BIGINT,
	decision TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (case_id, place)
);

-- One rating per visit (收件办理 / 结果交付) of a case, with its follow-up.
CREATE TABLE case_progress_ratings (
	case_id TEXT NOT NULL REFERENCES case_progress(case_id),
	visit TEXT NOT NULL,
	level BIGINT NOT NULL,
	closed BIGINT NOT NULL DEFAULT 0, -- 差评 follow-up closed
	voided BIGINT NOT NULL DEFAULT 0, -- appeal upheld: the rating no longer counts
	PRIMARY KEY (case_id, visit)
);

-- Cases projected before this migration: scope from the places' provinces.
UPDATE case_progress SET scope = CASE
	WHEN handling_place = hall THEN '本地'
	WHEN (SELECT province FROM places WHERE code = case_progress.hall) = '河南省'
		AND (SELECT province FROM places WHERE code = case_progress.handling_place) = '河南省' THEN '全豫通办'
	ELSE '跨省通办' END;

-- The ledger now also groups by scope: keep the planner's group estimate
-- right (see 0002) so it hashes instead of sorting 1M rows.
DROP STATISTICS IF EXISTS case_progress_ledger;
CREATE STATISTICS case_progress_ledger (ndistinct) ON received_month, hall, matter_code, mode, scope FROM case_progress;
