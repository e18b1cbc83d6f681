-- Item-level journal: the shop's answer to each item of a pending batch, recorded
-- as it arrives from a shop that applies items one by one (shop.ItemPusher). A
-- push a crash interrupted resends only the items without an answer here, then
-- acknowledges the batch whole (item_results, acked) as before. Rows go with their
-- batch when retention removes it.

CREATE TABLE item_acks (
	batch_id   INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
	idx        INTEGER NOT NULL, -- the item's rank in the batch, from 0
	product_id TEXT    NOT NULL,
	variant_id TEXT    NOT NULL,
	accepted   INTEGER NOT NULL,
	reason     TEXT    NOT NULL,
	PRIMARY KEY (batch_id, idx)
) WITHOUT ROWID;
