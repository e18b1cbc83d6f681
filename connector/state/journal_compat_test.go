package state

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
)

// TestJournalOfAnEarlierVersion reads a batch journaled by an earlier ecrin, which
// stored the engine's decisions themselves (their JSON names, "ref" always
// written, zero prices omitted): an interrupted push survives an upgrade.
func TestJournalOfAnEarlierVersion(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id := begin(t, s)
	const written = `[{"product_id":"p1","ref":"T120.407","published":true,"availability":"in_stock","quantity":2,"price_cents":49000},` +
		`{"product_id":"p2","variant_id":"p2-54","ref":"BAG-1","size":"54","published":true,"availability":"backorder","quantity":0,"restock_days":7}]`
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO batches (run_id, key, items, size, created_ms) VALUES (?, 'old-key', ?, 2, 0)`, id, written)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pending, err := s.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []Item{
		{ProductID: "p1", Ref: "T120.407", Published: true, Availability: "in_stock", Quantity: 2, PriceCents: 49000},
		{ProductID: "p2", VariantID: "p2-54", Ref: "BAG-1", Size: "54", Published: true, Availability: "backorder", RestockDays: 7},
	}
	if len(pending) != 1 || !reflect.DeepEqual(pending[0].Items, want) {
		t.Fatalf("pending %+v, want one batch of %+v", pending, want)
	}
	if err := s.Ack(ctx, "old-key", acceptAll(pending[0].Items)); err != nil {
		t.Fatal(err)
	}
	acked, err := ackedMap(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if d := acked[want[1].Target()]; d.Availability.String() != "backorder" || d.RestockDays != 7 || d.Size != "54" {
		t.Errorf("acknowledged %+v", d)
	}
}
