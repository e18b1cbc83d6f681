-- Retention: a run is removed once older than keep_days, but its row stays while
-- the acknowledged state names it. This index finds those runs, and lets SQLite
-- check the foreign key without reading the whole acknowledged state per run.

CREATE INDEX acked_run ON acked (run_id);
