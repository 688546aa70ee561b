-- Issue 6: the scans an outbox action lists as attachments. The list is
-- taken once, the first time the action is about to be pushed (a replay
-- must send the same content), from the case's pages not listed on an
-- earlier action of the case. The action is held until every file it lists
-- is uploaded and verified (sync_uploads.state = 'done').
CREATE TABLE sync_action_snap (
	action_id TEXT PRIMARY KEY,
	case_id   TEXT NOT NULL
);
CREATE INDEX sync_action_snap_case ON sync_action_snap(case_id);

CREATE TABLE sync_action_files (
	action_id TEXT NOT NULL,
	case_id   TEXT NOT NULL,
	sha256    TEXT NOT NULL,
	size      INTEGER NOT NULL,
	PRIMARY KEY (action_id, sha256)
);
CREATE INDEX sync_action_files_case ON sync_action_files(case_id, sha256);
