-- Reference aliases kept by CSMs: (brand, old spelling) -> canonical reference.

CREATE TABLE aliases (
	brand      TEXT    NOT NULL,
	old_ref    TEXT    NOT NULL,
	canonical  TEXT    NOT NULL,
	note       TEXT    NOT NULL DEFAULT '',
	updated_ms INTEGER NOT NULL,
	PRIMARY KEY (brand, old_ref)
) WITHOUT ROWID;
