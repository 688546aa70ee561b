-- Issue 4: scanned pages. Files taken from the hot folders (one row per
-- distinct file content: the idempotency key of the scanner's Sink), the
-- pages they yielded, ordered per case and material slot, and the scan
-- target the clerk selected per hot folder. Page contents live in the
-- content-addressed blob store; these rows reference them by SHA-256.

CREATE TABLE scan_files (
	source     TEXT PRIMARY KEY,            -- SHA-256 of the whole file
	folder_id  TEXT NOT NULL,
	file_name  TEXT NOT NULL,
	file_size  INTEGER NOT NULL,
	kind       TEXT NOT NULL,               -- jpeg | png | tiff | pdf
	original   TEXT NOT NULL DEFAULT '',    -- kept original blob when the pages differ from it
	case_id    TEXT REFERENCES cases(id),   -- where it went when taken; NULL: unsorted tray
	slot_id    TEXT NOT NULL DEFAULT '',
	actor      TEXT NOT NULL,
	taken_at   TEXT NOT NULL,
	synced_at  TEXT NOT NULL DEFAULT ''     -- set once the platform confirmed the pages: the original may go
);
CREATE INDEX scan_files_case ON scan_files(case_id);

CREATE TABLE scan_pages (
	id           TEXT PRIMARY KEY,              -- UUIDv7
	case_id      TEXT REFERENCES cases(id),     -- NULL: unsorted tray
	slot_id      TEXT NOT NULL DEFAULT '',      -- the guide's material id; '' unsorted within the case
	position     INTEGER NOT NULL,              -- 0-based order within (case_id, slot_id)
	hash         TEXT NOT NULL,                 -- page blob
	media_type   TEXT NOT NULL,
	size         INTEGER NOT NULL,
	width        INTEGER NOT NULL DEFAULT 0,
	height       INTEGER NOT NULL DEFAULT 0,
	dpi          REAL NOT NULL DEFAULT 0,
	rotate       INTEGER NOT NULL DEFAULT 0 CHECK (rotate IN (0, 90, 180, 270)),
	source       TEXT NOT NULL REFERENCES scan_files(source),
	source_index INTEGER NOT NULL,              -- page number within the source file, 0-based
	added_at     TEXT NOT NULL
);
CREATE INDEX scan_pages_order ON scan_pages(case_id, slot_id, position);
CREATE INDEX scan_pages_hash ON scan_pages(hash);

-- The clerk's current scan target. folder_id '' applies to every hot
-- folder without a row of its own. No row: the unsorted tray.
CREATE TABLE scan_targets (
	folder_id TEXT PRIMARY KEY,
	case_id   TEXT REFERENCES cases(id),
	slot_id   TEXT NOT NULL DEFAULT '',
	actor     TEXT NOT NULL,
	role      TEXT NOT NULL,
	set_at    TEXT NOT NULL
);
