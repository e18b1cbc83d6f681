-- The kept catalog as one packed value (catalog_packed.go) instead of a row per
-- product: a million rows took seconds to read back, the packed value a tenth of
-- that. The publications the shop accepted since it was packed are kept beside it,
-- a row per product, and merged when it is read; a night packs them in again when
-- they are many. The old table's content cannot be packed in SQL: its cursor is
-- dropped, and the next night fetches the catalog whole once.

DROP TABLE catalog;
DELETE FROM meta WHERE key = 'catalog_cursor';

CREATE TABLE catalog_packed (
	part     INTEGER NOT NULL PRIMARY KEY, -- the value in parts of 1 MiB, read in order
	products INTEGER NOT NULL,             -- how many products the value holds
	data     BLOB    NOT NULL
);

CREATE TABLE catalog_published (
	id        TEXT    NOT NULL PRIMARY KEY,
	published INTEGER NOT NULL
) WITHOUT ROWID;
