-- Matter catalog: immutable versions, their matters and a trigram full-text index.
-- A version's rows are written once, in the transaction that creates it, and never updated.
CREATE TABLE catalog_versions (
	id          INTEGER PRIMARY KEY,
	label       TEXT NOT NULL,
	source      TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	checksum    TEXT NOT NULL,
	matter_count INTEGER NOT NULL,
	active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
-- At most one active version.
CREATE UNIQUE INDEX catalog_versions_one_active ON catalog_versions(active) WHERE active = 1;

CREATE TABLE catalog_matters (
	id              INTEGER PRIMARY KEY,
	version_id      INTEGER NOT NULL REFERENCES catalog_versions(id) ON DELETE CASCADE,
	code            TEXT NOT NULL,
	seq             INTEGER NOT NULL,
	name            TEXT NOT NULL,
	scene           TEXT NOT NULL DEFAULT '',
	lead_department TEXT NOT NULL DEFAULT '',
	cooperating     TEXT NOT NULL DEFAULT '[]',  -- JSON array of department names
	departments     TEXT NOT NULL DEFAULT '',    -- lead + cooperating, space separated (search)
	keywords        TEXT NOT NULL DEFAULT '',    -- common short forms, e.g. 社保卡 (search)
	batch           TEXT NOT NULL CHECK (batch IN ('national_2021', 'national_later', 'provincial')),
	service_modes   TEXT NOT NULL DEFAULT '[]',  -- JSON array of ServiceMode
	modes_text      TEXT NOT NULL DEFAULT '',    -- '|全程网办|异地代收代办|' (filter)
	deadline_note   TEXT NOT NULL DEFAULT '',
	main_item       TEXT NOT NULL DEFAULT '',
	sub_item        TEXT NOT NULL DEFAULT '',
	handling_item   TEXT NOT NULL DEFAULT '',
	matter_type     TEXT NOT NULL DEFAULT '',
	level           TEXT NOT NULL DEFAULT '',
	handling_system TEXT NOT NULL DEFAULT '',
	yushiban        INTEGER CHECK (yushiban IN (0, 1)),
	remark          TEXT NOT NULL DEFAULT '',
	guide           TEXT,                        -- JSON Guide, NULL when none
	sample          INTEGER NOT NULL DEFAULT 0,
	search_text     TEXT NOT NULL DEFAULT '',    -- name|scene|departments|code|keywords (LIKE fallback)
	UNIQUE (version_id, code)
);
CREATE INDEX catalog_matters_version_seq ON catalog_matters(version_id, batch, seq);

CREATE VIRTUAL TABLE catalog_fts USING fts5(
	name, scene, departments, code, keywords,
	content = 'catalog_matters', content_rowid = 'id',
	tokenize = 'trigram'
);
-- Trigram needs 3+ characters. For 1-2 character queries the app writes
-- search_text one character per token here (rowid = catalog_matters.id) and
-- searches a phrase of adjacent characters ("户 口"), then confirms with instr.
CREATE VIRTUAL TABLE catalog_chars USING fts5(
	chars, content = '', contentless_delete = 1, tokenize = 'unicode61'
);
CREATE TRIGGER catalog_matters_ai AFTER INSERT ON catalog_matters BEGIN
	INSERT INTO catalog_fts(rowid, name, scene, departments, code, keywords)
	VALUES (new.id, new.name, new.scene, new.departments, new.code, new.keywords);
END;
CREATE TRIGGER catalog_matters_ad AFTER DELETE ON catalog_matters BEGIN
	INSERT INTO catalog_fts(catalog_fts, rowid, name, scene, departments, code, keywords)
	VALUES ('delete', old.id, old.name, old.scene, old.departments, old.code, old.keywords);
	DELETE FROM catalog_chars WHERE rowid = old.id;
END;
CREATE TRIGGER catalog_matters_no_update BEFORE UPDATE ON catalog_matters BEGIN
	SELECT RAISE(ABORT, 'catalog matters are immutable');
END;
