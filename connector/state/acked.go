package state

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ecrin-connect/ecrin/reconcile"
)

const ackedColumns = `product_id, variant_id, ref, size, published, availability, quantity,
	price_cents, restock_days`

func scanAcked(sc interface{ Scan(...any) error }) (reconcile.Decision, error) {
	var (
		d     reconcile.Decision
		avail string
	)
	err := sc.Scan(&d.ProductID, &d.VariantID, &d.Ref, &d.Size, &d.Published, &avail,
		&d.Quantity, &d.PriceCents, &d.RestockDays)
	if err != nil {
		return d, err
	}
	d.Availability, err = reconcile.AvailabilityOf(avail)
	return d, err
}

// EachAcked calls fn with the number of acknowledged targets, then with each of
// them by product then variant, from one snapshot, holding one row at a time: the
// full product list of a report at any catalog size.
func (s *Store) EachAcked(ctx context.Context, count func(n int) error, fn func(d reconcile.Decision) error) error {
	err := s.read(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM acked`).Scan(&n); err != nil {
			return err
		}
		if err := count(n); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+ackedColumns+` FROM acked ORDER BY product_id, variant_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanAcked(rows)
			if err != nil {
				return err
			}
			if err := fn(d); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("read acknowledged state: %w", err)
	}
	return nil
}

// Acked is what the shop last acknowledged for each product and variant, in the
// compact form reconcile.Diff compares a plan with: no reference nor size, ids
// packed, so that a million targets load in a fraction of the time and memory.
// It is the shop's state only once no batch is pending: resume Pending first.
// EachAcked streams the whole rows.
func (s *Store) Acked(ctx context.Context) (*reconcile.Acked, error) {
	var acked *reconcile.Acked
	err := s.read(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM acked`).Scan(&n); err != nil {
			return err
		}
		b := reconcile.NewAckedBuilder(n)
		// The primary key's order: the builder takes the rows as they come.
		rows, err := tx.QueryContext(ctx, `SELECT product_id, variant_id, published, availability,
			quantity, price_cents, restock_days FROM acked ORDER BY product_id, variant_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			pid, vid, avail sql.RawBytes
			sh              reconcile.Shown
		)
		for rows.Next() {
			if err := rows.Scan(&pid, &vid, &sh.Published, &avail, &sh.Quantity, &sh.PriceCents, &sh.RestockDays); err != nil {
				return err
			}
			if sh.Availability, err = availabilityOf(avail); err != nil {
				return err
			}
			b.Add(reconcile.Target{ProductID: string(pid), VariantID: string(vid)}, sh)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		acked = b.Done()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load acknowledged state: %w", err)
	}
	return acked, nil
}

// availabilityOf is reconcile.AvailabilityOf for a column read as bytes, without
// a string for the engine's four.
func availabilityOf(b []byte) (reconcile.Availability, error) {
	for _, a := range []reconcile.Availability{reconcile.InStock, reconcile.Preorder,
		reconcile.Backorder, reconcile.Unavailable} {
		if a.String() == string(b) {
			return a, nil
		}
	}
	return reconcile.AvailabilityOf(string(b))
}
