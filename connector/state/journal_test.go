package state

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// split cuts ds into batches of size n keyed run<id>-<i>.
func split(id RunID, ds []reconcile.Decision, n int) []Batch {
	var out []Batch
	for i := 0; i < len(ds); i += n {
		out = append(out, Batch{Key: fmt.Sprintf("run%d-%d", id, len(out)), Items: rows(ds[i:min(i+n, len(ds))])})
	}
	return out
}

func begin(t testing.TB, s *Store) RunID {
	t.Helper()
	id, err := s.BeginRun(context.Background(), RunStart{Started: time.Now(), Trigger: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestJournalSurvivesReopen journals a run, acks part of it, "crashes" (closes
// without acking the rest) and checks the reopened file returns the rest with the
// same keys and items, in order.
func TestJournalSurvivesReopen(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	id := begin(t, s)
	batches := split(id, decisions("p", 95), 10)
	if err := s.Journal(ctx, id, batches); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches[:3] {
		if err := s.Ack(ctx, b.Key, acceptAll(b.Items)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pending, err := s.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []PendingBatch
	for _, b := range batches[3:] {
		want = append(want, PendingBatch{RunID: id, Batch: b})
	}
	if !reflect.DeepEqual(pending, want) {
		t.Fatalf("pending after reopen:\n got %+v\nwant %+v", pending, want)
	}
	for _, b := range pending {
		if err := s.Ack(ctx, b.Key, acceptAll(b.Items)); err != nil {
			t.Fatal(err)
		}
	}
	if pending, err := s.Pending(ctx); err != nil || len(pending) != 0 {
		t.Errorf("pending after acking all = %d, %v", len(pending), err)
	}
	acked, err := ackedMap(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(acked) != 95 {
		t.Errorf("%d acknowledged targets, want 95", len(acked))
	}
}

func TestJournalIsAtomic(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id := begin(t, s)
	if err := s.Journal(ctx, id, []Batch{{Key: "k1", Items: rows(decisions("a", 2))}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		run     RunID
		batches []Batch
	}{
		{"key reused", id, []Batch{{Key: "k2", Items: rows(decisions("b", 2))}, {Key: "k1", Items: rows(decisions("c", 2))}}},
		{"empty key", id, []Batch{{Key: "k3", Items: rows(decisions("b", 2))}, {Items: rows(decisions("c", 2))}}},
		{"run not begun", id + 1, []Batch{{Key: "k4", Items: rows(decisions("b", 2))}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Journal(ctx, tc.run, tc.batches); err == nil {
				t.Fatal("Journal succeeded")
			}
			pending, err := s.Pending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 1 || pending[0].Key != "k1" {
				t.Errorf("pending %+v, want only k1: a failed Journal must write nothing", pending)
			}
		})
	}
}

func TestAck(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id := begin(t, s)
	items := decisions("p", 4)
	if err := s.Journal(ctx, id, []Batch{{Key: "k", Items: rows(items)}}); err != nil {
		t.Fatal(err)
	}
	results := []ItemResult{
		{ProductID: items[0].ProductID, VariantID: items[0].VariantID, Accepted: true},
		{ProductID: items[1].ProductID, Accepted: false, Reason: "unknown product"},
		{ProductID: items[2].ProductID, Accepted: true},
		// items[3]: no answer, not acknowledged
	}

	// A result for an item the batch does not hold records nothing.
	bad := append(results[:1:1], ItemResult{ProductID: "stranger", Accepted: true})
	if err := s.Ack(ctx, "k", bad); err == nil {
		t.Fatal("Ack with a stranger item succeeded")
	}
	if acked, _ := ackedMap(ctx, s); len(acked) != 0 {
		t.Fatalf("a failed Ack left %d acknowledged targets", len(acked))
	}

	if err := s.Ack(ctx, "k", results); err != nil {
		t.Fatal(err)
	}
	// Acking again, even with other answers, changes nothing.
	if err := s.Ack(ctx, "k", acceptAll(rows(items))); err != nil {
		t.Fatalf("second Ack: %v", err)
	}
	if err := s.Ack(ctx, "nosuch", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Ack of an unknown key = %v, want ErrNotFound", err)
	}

	acked, err := ackedMap(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	want := map[reconcile.Target]reconcile.Decision{
		items[0].Key(): items[0],
		items[2].Key(): items[2],
	}
	if !reflect.DeepEqual(acked, want) {
		t.Errorf("acked\n got %+v\nwant %+v", acked, want)
	}

	batches, err := s.RunBatches(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 1 || !batches[0].Acked || batches[0].Items != 4 || batches[0].AckedAt.IsZero() {
		t.Fatalf("run batches %+v", batches)
	}
	if got := batches[0].Results; !reflect.DeepEqual(got, results) {
		t.Errorf("results\n got %+v\nwant %+v", got, results)
	}
}

// TestAckRefusedBatch closes a batch the shop refused whole: no longer pending,
// nothing acknowledged, nothing replaced.
func TestAckRefusedBatch(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id := begin(t, s)
	if err := s.Journal(ctx, id, []Batch{{Key: "k", Items: rows(decisions("p", 3))}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, "k", nil); err != nil {
		t.Fatal(err)
	}
	pending, err := s.Pending(ctx)
	if err != nil || len(pending) != 0 {
		t.Errorf("pending after closing the batch: %d, %v", len(pending), err)
	}
	acked, err := ackedMap(ctx, s)
	if err != nil || len(acked) != 0 {
		t.Errorf("acked: %d, %v", len(acked), err)
	}
	replaced, err := s.Replaced(ctx, id)
	if err != nil || len(replaced) != 0 {
		t.Errorf("replaced: %d, %v", len(replaced), err)
	}
}

// TestReplaced pushes three runs over the same targets and checks each run keeps
// what it replaced, and the acknowledged state round-trips every field.
func TestReplaced(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	ring := reconcile.Decision{ProductID: "ring", VariantID: "54", Ref: "BAG-1", Size: "54",
		Published: true, Availability: reconcile.Preorder, Quantity: 0, PriceCents: 129900, RestockDays: 21}
	watch := reconcile.Decision{ProductID: "watch", Ref: "T120.407", Published: true,
		Availability: reconcile.InStock, Quantity: 3, PriceCents: 45000}

	push := func(ds ...reconcile.Decision) RunID {
		t.Helper()
		id := begin(t, s)
		key := fmt.Sprint("run", id)
		if err := s.Journal(ctx, id, []Batch{{Key: key, Items: rows(ds)}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Ack(ctx, key, acceptAll(rows(ds))); err != nil {
			t.Fatal(err)
		}
		return id
	}
	run1 := push(ring, watch)
	ring2, watch2 := ring, watch
	ring2.Availability, ring2.Quantity, ring2.RestockDays = reconcile.InStock, 1, 0
	watch2.Published, watch2.Availability, watch2.Quantity = false, reconcile.Unavailable, 0
	run2 := push(ring2, watch2)
	run3 := push(ring) // back to run 1's ring

	for _, tc := range []struct {
		run  RunID
		want []Replaced
	}{
		{run1, []Replaced{{ring.Key(), nil, ring}, {watch.Key(), nil, watch}}},
		{run2, []Replaced{{ring.Key(), &ring, ring2}, {watch.Key(), &watch, watch2}}},
		{run3, []Replaced{{ring.Key(), &ring2, ring}}},
		{run3 + 1, nil},
	} {
		got, err := s.Replaced(ctx, tc.run)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Replaced(run %d)\n got %+v\nwant %+v", tc.run, got, tc.want)
		}
	}
	acked, err := ackedMap(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[reconcile.Target]reconcile.Decision{ring.Key(): ring, watch.Key(): watch2}; !reflect.DeepEqual(acked, want) {
		t.Errorf("acked\n got %+v\nwant %+v", acked, want)
	}
}

// TestReplacedKeepsFirstBefore: a run that sets a target in two batches replaced
// the value from before the run, not its own first batch.
func TestReplacedKeepsFirstBefore(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	d := reconcile.Decision{ProductID: "p", Ref: "R", Published: true, Availability: reconcile.InStock, Quantity: 1}
	d2, d3 := d, d
	d2.Quantity, d3.Quantity = 2, 3
	id := begin(t, s)
	batches := []Batch{{Key: "a", Items: rows([]reconcile.Decision{d2})}, {Key: "b", Items: rows([]reconcile.Decision{d3})}}
	if err := s.Journal(ctx, id, batches); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := s.Ack(ctx, b.Key, acceptAll(b.Items)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Replaced(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Replaced{{d.Key(), nil, d3}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Replaced = %+v, want %+v", got, want)
	}
}
