package medusa_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// TestMedusaPush10k measures pushing 10,000 items to the real server: 1,000
// rings of 9 sizes each (9,000 variant items and 1,000 product items), every item
// changing stock, price and availability, in batches of max_batch, as a run sends
// them; then the same batches again (a replay after a crash: nothing left to
// change). Slow (it creates the products first): only with ECRIN_MEDUSA_BENCH=1.
//
//	ECRIN_MEDUSA_BENCH=1 go test -count=1 -timeout 60m -run Push10k -v ./connector/shop/medusa/
func TestMedusaPush10k(t *testing.T) {
	s := needServer(t)
	if os.Getenv("ECRIN_MEDUSA_BENCH") == "" {
		t.Skip("ECRIN_MEDUSA_BENCH is not set")
	}
	rings := 1000
	if n, err := strconv.Atoi(os.Getenv("ECRIN_MEDUSA_BENCH_RINGS")); err == nil && n > 0 {
		rings = n
	}
	sizes := []string{"48", "50", "52", "54", "56", "58", "60", "62", "64"}
	s.salesChannel = s.newChannel(fmt.Sprintf("ecrin bench %d", time.Now().UnixNano()))
	start := time.Now()
	prods := s.createProducts(fmt.Sprintf("BN%d", time.Now().UnixNano()%1e9), rings, sizes)
	t.Logf("created %d products of %d sizes in %s", len(prods), len(sizes), time.Since(start).Round(time.Second))

	var items []shop.Item
	for i, p := range prods {
		items = append(items, shop.Item{ProductID: p.ID, Ref: p.Ref, Published: true, Availability: "in_stock", OnHand: 5})
		for k, sz := range sizes {
			it := shop.Item{ProductID: p.ID, VariantID: p.Variants[sz], Ref: p.Ref, Size: sz, Published: true,
				Availability: "in_stock", OnHand: 1 + (i+k)%4, PriceCents: int64(10000 + 50*k + i%7)}
			if k == 0 {
				it.Availability, it.OnHand, it.RestockDays = "preorder", 0, 10
			}
			items = append(items, it)
		}
	}
	sh := s.open("")
	batch := sh.Traits().MaxBatch
	ctx := context.Background()
	pushAll := func(name string) time.Duration {
		t0 := time.Now()
		for i := 0; i < len(items); i += batch {
			res, err := sh.Push(ctx, fmt.Sprintf("%s-%d", name, i/batch), items[i:min(i+batch, len(items))])
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, r := range res {
				if !r.Accepted {
					t.Fatalf("%s: %s/%s rejected: %s", name, r.ProductID, r.VariantID, r.Reason)
				}
			}
		}
		d := time.Since(t0)
		t.Logf("%s: %d items in batches of %d: %s, %.0f items/s", name, len(items), batch, d.Round(time.Millisecond),
			float64(len(items))/d.Seconds())
		return d
	}
	pushAll("push")
	pushAll("replay")
	st := s.state(prods[len(prods)-1].ID)
	if len(st.Variants) != len(sizes) {
		t.Errorf("last ring has %d variants after the pushes, want %d", len(st.Variants), len(sizes))
	}
	if got := st.Variants[prods[len(prods)-1].Variants["50"]]; got.PriceCents != int64(10050+(len(prods)-1)%7) {
		t.Errorf("last ring, size 50: %+v", got)
	}
}
