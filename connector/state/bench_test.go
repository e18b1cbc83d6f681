package state

import (
	"context"
	"runtime"
	"testing"
)

// BenchmarkJournalAck journals a push of 50,000 items in batches of 500 and acks
// every batch, as a full resync of a large catalog would.
func BenchmarkJournalAck(b *testing.B) {
	s, _ := openTemp(b)
	ctx := context.Background()
	ds := decisions("p", 50_000)
	b.ReportAllocs()
	for b.Loop() {
		id := begin(b, s)
		batches := split(id, ds, 500)
		if err := s.Journal(ctx, id, batches); err != nil {
			b.Fatal(err)
		}
		for _, bt := range batches {
			if err := s.Ack(ctx, bt.Key, acceptAll(bt.Items)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/50_000, "µs/item")
}

// BenchmarkAcked loads an acknowledged state of 1,000,000 targets; heap-MB is what
// the loaded map keeps alive.
func BenchmarkAcked(b *testing.B) {
	s, _ := openTemp(b)
	ctx := context.Background()
	id := begin(b, s)
	// Generated inside SQLite: a third of the targets are size variants.
	if _, err := s.db.ExecContext(ctx, `
		WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
		INSERT INTO acked (product_id, variant_id, ref, size, published, availability,
			quantity, price_cents, restock_days, run_id, acked_ms)
		SELECT printf('p%07d', i / 3 * 3), CASE i % 3 WHEN 0 THEN '' ELSE printf('v%d', i) END,
			printf('REF%07d', i / 3 * 3), CASE i % 3 WHEN 0 THEN '' ELSE '52' END,
			i % 5 != 0, CASE i % 5 WHEN 0 THEN 'unavailable' ELSE 'in_stock' END,
			i % 7, 1000 + i, 0, ?, 1700000000000
		FROM n`, id); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var heap float64
	for b.Loop() {
		var before, after runtime.MemStats
		b.StopTimer() // the forced collections are not the load's time
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		acked, err := ackedMap(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.StartTimer()
		if len(acked) != 1_000_000 {
			b.Fatalf("%d targets, want 1,000,000", len(acked))
		}
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(acked)
	}
	b.ReportMetric(heap, "heap-MB")
}

// BenchmarkAckedState loads the same state as BenchmarkAcked in the compact form
// the run diffs against.
func BenchmarkAckedState(b *testing.B) {
	s, _ := openTemp(b)
	ctx := context.Background()
	id := begin(b, s)
	if _, err := s.db.ExecContext(ctx, `
		WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
		INSERT INTO acked (product_id, variant_id, ref, size, published, availability,
			quantity, price_cents, restock_days, run_id, acked_ms)
		SELECT printf('p%07d', i / 3 * 3), CASE i % 3 WHEN 0 THEN '' ELSE printf('v%d', i) END,
			printf('REF%07d', i / 3 * 3), CASE i % 3 WHEN 0 THEN '' ELSE '52' END,
			i % 5 != 0, CASE i % 5 WHEN 0 THEN 'unavailable' ELSE 'in_stock' END,
			i % 7, 1000 + i, 0, ?, 1700000000000
		FROM n`, id); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var heap float64
	for b.Loop() {
		var before, after runtime.MemStats
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		acked, err := s.Acked(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.StartTimer()
		if acked.Len() != 1_000_000 {
			b.Fatalf("%d targets, want 1,000,000", acked.Len())
		}
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(acked)
	}
	b.ReportMetric(heap, "heap-MB")
}
