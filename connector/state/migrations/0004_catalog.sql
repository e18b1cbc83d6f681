-- The shop's catalog as last fetched, so that a night fetches only what changed
-- (the shop's cursor is in meta under catalog_cursor). variants holds the sizes
-- as id US size US ean, separated by RS (0x1f, 0x1e): no JSON to decode per row.

CREATE TABLE catalog (
	id         TEXT    NOT NULL PRIMARY KEY,
	brand      TEXT    NOT NULL,
	ref        TEXT    NOT NULL,
	category   TEXT    NOT NULL,
	ean        TEXT    NOT NULL,
	declinable INTEGER NOT NULL,
	published  INTEGER NOT NULL,
	variants   TEXT    NOT NULL
) WITHOUT ROWID;
