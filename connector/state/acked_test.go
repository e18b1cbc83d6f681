package state

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// TestAckedStateIsAcked: the compact state holds what Acked returns.
func TestAckedStateIsAcked(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if a, err := s.Acked(ctx); err != nil || a.Len() != 0 {
		t.Fatalf("empty store: %d targets, %v", a.Len(), err)
	}
	id := begin(t, s)
	ds := decisions("p", 95)
	batches := split(id, ds, 10)
	if err := s.Journal(ctx, id, batches); err != nil {
		t.Fatal(err)
	}
	for _, bt := range batches {
		if err := s.Ack(ctx, bt.Key, acceptAll(bt.Items)); err != nil {
			t.Fatal(err)
		}
	}
	acked, err := ackedMap(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Acked(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := reconcile.AckedFrom(acked); got.Len() != 95 || !reflect.DeepEqual(got, want) {
		t.Fatalf("AckedState holds %d targets, differs from Acked", got.Len())
	}
	if sh, ok := got.Get(ds[7].Key()); !ok || sh != ds[7].Shown() {
		t.Fatalf("Get(%v) = %+v, %v", ds[7].Key(), sh, ok)
	}
}

// TestUnknownAvailabilityInTheStateIsAnError: a text the engine does not know,
// written into the state file by something else, is refused with the text, not
// given a code of its own.
func TestUnknownAvailabilityInTheStateIsAnError(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id := begin(t, s)
	batches := split(id, decisions("p", 3), 3)
	if err := s.Journal(ctx, id, batches); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, batches[0].Key, acceptAll(batches[0].Items)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE acked SET availability = 'discontinued' WHERE product_id = (SELECT min(product_id) FROM acked)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Acked(ctx); err == nil || !strings.Contains(err.Error(), "discontinued") {
		t.Errorf("AckedState: %v, want an error naming the text", err)
	}
}
