package vendure

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// TestVendurePush10k measures a push of 10,000 variant items (the "bench" seed set:
// 1,000 rings × 10 sizes) to the real server, batch after batch as a run sends
// them. Opt-in, it takes minutes:
//
//	ECRIN_VENDURE_BENCH=1 bash .ci/vendure.sh > /tmp/ecrin-vendure.env && . /tmp/ecrin-vendure.env
//	ECRIN_VENDURE_BENCH=1 go test -count=1 -run Push10k -v -timeout 30m ./connector/shop/vendure/
//
// ECRIN_VENDURE_BENCH_BATCH sets max_batch (default DefaultMaxBatch).
func TestVendurePush10k(t *testing.T) {
	if os.Getenv("ECRIN_VENDURE_BENCH") != "1" {
		t.Skip("ECRIN_VENDURE_BENCH is not 1")
	}
	o, pw := realServer(t, "bench")
	if n, err := strconv.Atoi(os.Getenv("ECRIN_VENDURE_BENCH_BATCH")); err == nil {
		o.MaxBatch = n
	}
	a, err := New(o, pw)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := time.Now()
	cat, err := a.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Prices of this run's own, so that the first push changes every variant.
	nonce := 1 + time.Now().Unix()%997
	var items []shop.Item
	for _, p := range cat {
		for _, v := range p.Variants {
			items = append(items, shop.Item{ProductID: p.ID, VariantID: v.ID, Ref: p.Ref, Size: v.Size, Published: true,
				Availability: "in_stock", OnHand: 1 + len(items)%4, PriceCents: 50000 + nonce*100 + int64(len(items)%7)*1000})
		}
	}
	t.Logf("catalog: %d products, %d variants in %v", len(cat), len(items), time.Since(start).Round(time.Millisecond))
	if len(items) < 10000 {
		t.Fatalf("the bench set has %d variants, want 10,000", len(items))
	}
	items = items[:10000]
	for round, what := range []string{"first push", "replay (same values)"} {
		start := time.Now()
		batch := a.Traits().MaxBatch
		for i := 0; i < len(items); i += batch {
			part := items[i:min(i+batch, len(items))]
			res, err := a.Push(ctx, fmt.Sprintf("bench-%d-%d", round, i), part)
			if err != nil {
				t.Fatal(err)
			}
			for j, r := range res {
				if !r.Accepted {
					t.Fatalf("item %d refused: %s", i+j, r.Reason)
				}
			}
		}
		d := time.Since(start)
		t.Logf("%s: %d items in batches of %d: %v, %.0f items/s", what, len(items), batch, d.Round(time.Millisecond), float64(len(items))/d.Seconds())
	}
}
