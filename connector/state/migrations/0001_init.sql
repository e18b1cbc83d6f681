-- Runs, their saved data, the acknowledged state, the push journal and what each
-- run replaced. Times are unix milliseconds, UTC.

CREATE TABLE runs (
	id             INTEGER PRIMARY KEY,
	started_ms     INTEGER NOT NULL,
	finished_ms    INTEGER,
	trigger        TEXT    NOT NULL,
	extract_name   TEXT    NOT NULL,
	extract_sha256 TEXT    NOT NULL,
	profile        TEXT    NOT NULL,
	status         TEXT    NOT NULL DEFAULT 'running',
	rows           INTEGER NOT NULL DEFAULT 0,
	matched        INTEGER NOT NULL DEFAULT 0,
	match_rate     REAL    NOT NULL DEFAULT 0,
	published      INTEGER NOT NULL DEFAULT 0,
	unpublished    INTEGER NOT NULL DEFAULT 0,
	pushed         INTEGER NOT NULL DEFAULT 0,
	verdict        TEXT    NOT NULL DEFAULT '',
	error          TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX runs_extract_sha256 ON runs (extract_sha256);
CREATE INDEX runs_status ON runs (status, id);

CREATE TABLE run_data (
	run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	kind   TEXT    NOT NULL,
	data   BLOB    NOT NULL,
	PRIMARY KEY (run_id, kind)
) WITHOUT ROWID;

-- What the shop last acknowledged per product (variant_id '') or size variant.
CREATE TABLE acked (
	product_id   TEXT    NOT NULL,
	variant_id   TEXT    NOT NULL,
	ref          TEXT    NOT NULL,
	size         TEXT    NOT NULL,
	published    INTEGER NOT NULL,
	availability TEXT    NOT NULL,
	quantity     INTEGER NOT NULL,
	price_cents  INTEGER NOT NULL,
	restock_days INTEGER NOT NULL,
	run_id       INTEGER NOT NULL REFERENCES runs (id),
	acked_ms     INTEGER NOT NULL,
	PRIMARY KEY (product_id, variant_id)
) WITHOUT ROWID;

-- The push journal: a run's batches, in order, written before any is sent.
CREATE TABLE batches (
	id         INTEGER PRIMARY KEY,
	run_id     INTEGER NOT NULL REFERENCES runs (id),
	key        TEXT    NOT NULL UNIQUE,
	items      TEXT    NOT NULL, -- JSON array of decisions
	size       INTEGER NOT NULL,
	status     TEXT    NOT NULL DEFAULT 'pending', -- pending | acked
	created_ms INTEGER NOT NULL,
	acked_ms   INTEGER
);

CREATE INDEX batches_run ON batches (run_id, id);
CREATE INDEX batches_pending ON batches (id) WHERE status = 'pending';

-- The shop's answer for each item of an acknowledged batch.
CREATE TABLE item_results (
	batch_id   INTEGER NOT NULL REFERENCES batches (id),
	product_id TEXT    NOT NULL,
	variant_id TEXT    NOT NULL,
	accepted   INTEGER NOT NULL,
	reason     TEXT    NOT NULL,
	PRIMARY KEY (batch_id, product_id, variant_id)
) WITHOUT ROWID;

-- The acknowledged value each run replaced, for rollback. before is NULL when the
-- target had never been acknowledged.
CREATE TABLE replaced (
	run_id     INTEGER NOT NULL REFERENCES runs (id),
	product_id TEXT    NOT NULL,
	variant_id TEXT    NOT NULL,
	before     TEXT, -- JSON decision
	after      TEXT    NOT NULL, -- JSON decision
	PRIMARY KEY (run_id, product_id, variant_id)
) WITHOUT ROWID;
