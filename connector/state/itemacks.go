package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// RecordItem records the shop's answer to item idx (from 0) of the pending batch
// key, before the batch is acknowledged whole: a push resumed after a crash asks
// ItemResults which items are answered and sends only the others. Recording an
// item again replaces its answer. An unknown key is ErrNotFound.
func (s *Store) RecordItem(ctx context.Context, key string, idx int, r ItemResult) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var batchID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM batches WHERE key = ?`, key).Scan(&batchID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO item_acks (batch_id, idx, product_id, variant_id, accepted, reason)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (batch_id, idx) DO UPDATE SET product_id = excluded.product_id,
				variant_id = excluded.variant_id, accepted = excluded.accepted, reason = excluded.reason`,
			batchID, idx, r.ProductID, r.VariantID, r.Accepted, r.Reason)
		return err
	})
	if err != nil {
		return fmt.Errorf("record the answer to item %d of batch %q: %w", idx, key, err)
	}
	return nil
}

// ItemResults returns the answers RecordItem recorded for batch key, by item
// rank. An unknown key has none.
func (s *Store) ItemResults(ctx context.Context, key string) (map[int]ItemResult, error) {
	out := map[int]ItemResult{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT a.idx, a.product_id, a.variant_id, a.accepted, a.reason
			FROM item_acks a JOIN batches b ON b.id = a.batch_id WHERE b.key = ?`, key)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				idx int
				r   ItemResult
			)
			if err := rows.Scan(&idx, &r.ProductID, &r.VariantID, &r.Accepted, &r.Reason); err != nil {
				return err
			}
			out[idx] = r
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read the item answers of batch %q: %w", key, err)
	}
	return out, nil
}
