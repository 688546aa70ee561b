-- Issue 7: files attached to actions pulled from the platform (the
-- collecting hall's scans of a routed case at its handling place, the
-- handling place's result document back at the hall). One row per action
-- and file, written with the pulled batch; the bytes are fetched from the
-- platform (GET /v1/blobs/{sha256}) into the local blob store on demand,
-- SHA-256 verified.
CREATE TABLE remote_files (
	action_id TEXT NOT NULL,
	case_id   TEXT NOT NULL,
	kind      TEXT NOT NULL DEFAULT '', -- the action's kind (handled: a result document)
	sha256    TEXT NOT NULL,
	size      INTEGER NOT NULL,
	PRIMARY KEY (action_id, sha256)
);
CREATE INDEX remote_files_case ON remote_files(case_id, sha256);
