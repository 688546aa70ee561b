-- 多地联办 (issue 7): the further handling places of a case beyond
-- cases.handling_place. Each of them receives the case and its actions and
-- may act on it, exactly like the handling place.
CREATE TABLE case_places (
	case_id TEXT NOT NULL REFERENCES cases(id),
	place TEXT NOT NULL REFERENCES places(code),
	PRIMARY KEY (case_id, place)
);
CREATE INDEX case_places_place ON case_places (place);
