package ecrin

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkPush50k pushes 50,000 decisions in batches of 500 to shopsim on
// 127.0.0.1: signing, JSON, HTTP and shopsim's SQLite transaction per batch.
func BenchmarkPush50k(b *testing.B) {
	const n, size = 50_000, 500
	shop := newShop(b, catalog(n), 0)
	c := newClient(b, shop, nil)
	items := decisions(n, 1)
	ctx := context.Background()
	run := 0
	b.ReportAllocs()
	for b.Loop() {
		run++
		for i := 0; i < n; i += size {
			key := fmt.Sprintf("bench-%d/%04d", run, i/size)
			if _, err := c.Push(ctx, key, items[i:min(i+size, n)]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkCatalog50k fetches a 50,000-product catalog in pages of 500.
func BenchmarkCatalog50k(b *testing.B) {
	shop := newShop(b, catalog(50_000), 0)
	c := newClient(b, shop, nil)
	b.ReportAllocs()
	for b.Loop() {
		ps, err := c.Catalog(context.Background())
		if err != nil || len(ps) != 50_000 {
			b.Fatalf("%d products, %v", len(ps), err)
		}
	}
}
