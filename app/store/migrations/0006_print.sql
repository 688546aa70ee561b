-- Issue 5: print jobs. One row per attempt to print a document of a case
-- through the OS spooler. A document counts as printed only when the
-- spooler reported the job completed (status 'printed'); copy_no 0 is the
-- original, n > 0 the n-th reprint (补打), assigned from the printed rows
-- when the attempt starts. Failed attempts keep the spooler's error so the
-- clerk sees why and can retry (retry_of names the failed attempt).

CREATE TABLE print_jobs (
	id           TEXT PRIMARY KEY,                  -- UUIDv7
	case_id      TEXT NOT NULL REFERENCES cases(id),
	kind         TEXT NOT NULL,                     -- receipt | supplement | refusal | result | waybill | manifest
	copy_no      INTEGER NOT NULL CHECK (copy_no >= 0),
	printer      TEXT NOT NULL,
	paper        TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('printing', 'printed', 'failed')),
	spool_job_id TEXT NOT NULL DEFAULT '',          -- e.g. CUPS "TongbanPDF-12"
	error_code   TEXT NOT NULL DEFAULT '',
	error_zh     TEXT NOT NULL DEFAULT '',
	retry_of     TEXT NOT NULL DEFAULT '',
	actor        TEXT NOT NULL,
	pages        INTEGER NOT NULL DEFAULT 0,
	bytes        INTEGER NOT NULL DEFAULT 0,
	created_at   TEXT NOT NULL,
	finished_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX print_jobs_case ON print_jobs(case_id, kind, created_at);
