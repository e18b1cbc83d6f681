-- Facts about this state file itself. state_id is drawn at random when the file is
-- created: it goes into every idempotency key, so a state file deleted and made
-- again never sends a key the shop has already seen.

CREATE TABLE meta (
	key   TEXT NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO meta (key, value) VALUES ('state_id', lower(hex(randomblob(6))));
