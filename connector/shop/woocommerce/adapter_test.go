package woocommerce_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce"
	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce/wcdouble"
)

func TestCatalogReadsManagedProductsSizesAndEANs(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	opts := f.options(keyRW)
	opts.PageSize = 1 // every product on a page of its own: paging is followed
	a, err := woocommerce.New(opts, secretRW)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := a.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cat) != 3 {
		t.Fatalf("catalog of %d products, want 3 (the managed tag): %+v", len(cat), cat)
	}
	ring, chain, watch := cat[0], cat[1], cat[2]
	if ring.ID != itoa(f.ring) || !ring.Declinable || ring.Ref != "BG-100" || ring.Brand != "Maison" || !ring.Published ||
		ring.Category != "Bagues" || len(ring.Variants) != 3 {
		t.Errorf("ring: %+v", ring)
	}
	if v := ring.Variants[0]; v.ID != itoa(f.ringSizes[0]) || v.Size != "50" || v.EAN != "3600000000012" {
		t.Errorf("ring size 50: %+v", v)
	}
	if !chain.Declinable || chain.Published || len(chain.Variants) != 2 || chain.Variants[1].Size != "45 cm" {
		t.Errorf("chain (its attribute is \"size\", lower case): %+v", chain)
	}
	if watch.Declinable || watch.Ref != "T120.407.17.041.00" || watch.EAN != "7611608290000" || watch.Brand != "Tissot" {
		t.Errorf("watch: %+v", watch)
	}
}

func TestPushWritesStockPriceAvailabilityAndPublication(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	a := f.adapter(keyRW, secretRW)
	ctx := context.Background()
	if _, err := a.Catalog(ctx); err != nil {
		t.Fatal(err)
	}
	ring, watch := itoa(f.ring), itoa(f.watch)
	tests := []struct {
		name  string
		item  shop.Item
		check func(s wcdouble.Stock) bool
	}{
		{"in stock with its own price", shop.Item{ProductID: ring, VariantID: itoa(f.ringSizes[0]), Published: true, Availability: "in_stock", OnHand: 1, PriceCents: 99900},
			func(s wcdouble.Stock) bool {
				return s.Quantity() == 1 && s.RegularPrice == "999.00" && s.StockStatus == "instock" && s.Backorders == "no" && s.Status == "publish"
			}},
		{"another size, another price", shop.Item{ProductID: ring, VariantID: itoa(f.ringSizes[2]), Published: true, Availability: "in_stock", OnHand: 2, PriceCents: 123456},
			func(s wcdouble.Stock) bool { return s.Quantity() == 2 && s.RegularPrice == "1234.56" }},
		{"pre-order", shop.Item{ProductID: ring, VariantID: itoa(f.ringSizes[1]), Published: true, Availability: "preorder", RestockDays: 10, PriceCents: 99905},
			func(s wcdouble.Stock) bool {
				return s.Quantity() == 0 && s.Backorders == "notify" && s.StockStatus == "onbackorder" && s.RegularPrice == "999.05" &&
					s.MetaValue("ecrin_availability") == "preorder" && s.MetaValue("ecrin_restock_days") == "10"
			}},
		{"backorder", shop.Item{ProductID: watch, Published: true, Availability: "backorder", RestockDays: 21},
			func(s wcdouble.Stock) bool {
				return s.Backorders == "notify" && s.StockStatus == "onbackorder" && s.RegularPrice == "450.00" &&
					s.MetaValue("ecrin_availability") == "backorder" && s.MetaValue("ecrin_restock_days") == "21"
			}},
		{"no stock, not purchasable", shop.Item{ProductID: watch, Published: true, Availability: "unavailable", OnHand: -2},
			func(s wcdouble.Stock) bool {
				return s.Quantity() == 0 && s.StockStatus == "outofstock" && s.Backorders == "no" && s.MetaValue("ecrin_restock_days") == ""
			}},
		{"unpublished product", shop.Item{ProductID: watch, Published: false, Availability: "unavailable"},
			func(s wcdouble.Stock) bool { return s.Status == "draft" }},
		{"unpublished size", shop.Item{ProductID: ring, VariantID: itoa(f.ringSizes[2]), Published: false, Availability: "unavailable"},
			func(s wcdouble.Stock) bool { return s.Status == "private" && s.RegularPrice == "1234.56" }},
		{"parent of sizes: its status only", shop.Item{ProductID: ring, Published: false},
			func(s wcdouble.Stock) bool { return s.Status == "draft" && !s.ManageStock && s.StockQuantity == nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := a.Push(ctx, "k-"+tt.name, []shop.Item{tt.item})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || !res[0].Accepted || res[0].ProductID != tt.item.ProductID || res[0].VariantID != tt.item.VariantID {
				t.Fatalf("results %+v", res)
			}
			var s wcdouble.Stock
			if tt.item.VariantID != "" {
				v, _ := f.d.Variation(atoi(t, tt.item.VariantID))
				s = v.Stock
			} else {
				p, _ := f.d.Product(atoi(t, tt.item.ProductID))
				s = p.Stock
			}
			if !tt.check(s) {
				t.Errorf("WooCommerce holds %+v (qty %d, meta %+v)", s, s.Quantity(), s.Meta)
			}
		})
	}
}

// TestPushGroupsByParentAndKeepsOrder: one request for the products, one per
// variable product; results in the items' order. A push resumed before any
// catalog (a crash) learns the products' types first.
func TestPushGroupsByParentAndKeepsOrder(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	a := f.adapter(keyRW, secretRW) // no Catalog: as after a crash
	items := []shop.Item{
		{ProductID: itoa(f.ring), VariantID: itoa(f.ringSizes[0]), Published: true, Availability: "in_stock", OnHand: 3},
		{ProductID: itoa(f.watch), Published: true, Availability: "in_stock", OnHand: 5},
		{ProductID: itoa(f.chain), VariantID: itoa(f.chainSizes[1]), Published: true, Availability: "in_stock", OnHand: 1},
		{ProductID: itoa(f.ring), Published: true},
		{ProductID: itoa(f.ring), VariantID: itoa(f.ringSizes[1]), Published: true, Availability: "in_stock", OnHand: 4},
	}
	f.d.ResetStats()
	res, err := a.Push(context.Background(), "k1", items)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !r.Accepted || r.ProductID != items[i].ProductID || r.VariantID != items[i].VariantID {
			t.Errorf("result %d: %+v for %+v", i, r, items[i])
		}
	}
	st := f.d.Stats()
	if st.ProductBatches != 1 || st.VariantBatches != 2 || st.ItemsUpdated != 5 {
		t.Errorf("stats %+v: want 1 products batch, 2 variations batches, 5 items", st)
	}
	if p, _ := f.d.Product(f.ring); p.ManageStock {
		t.Errorf("the ring's parent got stock: %+v", p.Stock)
	}
	// Again: the same values, nothing changes (absolute values).
	if _, err := a.Push(context.Background(), "k1", items); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.d.Variation(f.ringSizes[1]); v.Quantity() != 4 {
		t.Errorf("size 52 after a replay: %d", v.Quantity())
	}
}

func TestPushRefusedItemsAlone(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	a := f.adapter(keyRW, secretRW)
	f.d.Refuse(f.ringSizes[1], wcdouble.Refusal{Code: "woocommerce_rest_invalid_sku", Message: "Invalid or duplicated SKU.", Status: 400})
	f.d.Refuse(f.ringSizes[2], wcdouble.Refusal{Code: "db_error", Message: "Deadlock found", Status: 500})
	items := []shop.Item{
		{ProductID: itoa(f.ring), VariantID: itoa(f.ringSizes[0]), Published: true, Availability: "in_stock", OnHand: 3},
		{ProductID: itoa(f.ring), VariantID: itoa(f.ringSizes[1]), Published: true, Availability: "in_stock", OnHand: 4},
		{ProductID: itoa(f.ring), VariantID: itoa(f.ringSizes[2]), Published: true, Availability: "in_stock", OnHand: 5},
		{ProductID: itoa(f.ring), VariantID: "999999", Published: true, Availability: "in_stock", OnHand: 5},
		{ProductID: "not-a-number", Published: true},
	}
	f.d.ResetStats()
	res, err := a.Push(context.Background(), "k", items)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Accepted || res[1].Accepted || !strings.Contains(res[1].Reason, "woocommerce_rest_invalid_sku") ||
		res[2].Accepted || !strings.Contains(res[2].Reason, "Deadlock") ||
		res[3].Accepted || !strings.Contains(res[3].Reason, "invalid_id") || res[4].Accepted || res[4].Reason == "" {
		t.Errorf("results %+v", res)
	}
	if st := f.d.Stats(); st.VariantBatches != 1+4 { // the 500 item sent again MaxRetries times
		t.Errorf("%d variation batches, want 5 (the transient refusal retried 4 times)", st.VariantBatches)
	}
	if v, _ := f.d.Variation(f.ringSizes[0]); v.Quantity() != 3 {
		t.Errorf("the accepted size holds %d", v.Quantity())
	}
}

func TestPushLimits(t *testing.T) {
	ctx := context.Background()
	t.Run("413 over the limit is ErrTooLarge", func(t *testing.T) {
		f := newFixture(t, wcdouble.Options{BatchLimit: 2})
		a := f.adapter(keyRW, secretRW)
		var items []shop.Item
		for _, v := range f.ringSizes {
			items = append(items, shop.Item{ProductID: itoa(f.ring), VariantID: itoa(v), Published: true, Availability: "in_stock", OnHand: 1})
		}
		_, err := a.Push(ctx, "k", items)
		if !errors.Is(err, shop.ErrTooLarge) || !strings.Contains(err.Error(), "variations of product") {
			t.Fatalf("err %v, want ErrTooLarge saying what was pushed", err)
		}
		if st := f.d.Stats(); st.ItemsUpdated != 0 || st.TooLarge != 1 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("more than max_batch is refused before sending", func(t *testing.T) {
		f := newFixture(t, wcdouble.Options{})
		a := f.adapter(keyRW, secretRW)
		if a.Traits().MaxBatch != 100 || a.Traits().Reserves {
			t.Fatalf("traits %+v", a.Traits())
		}
		_, err := a.Push(ctx, "k", make([]shop.Item, 101))
		if !errors.Is(err, shop.ErrTooLarge) {
			t.Fatal(err)
		}
	})
	for _, status := range []int{429, 503} {
		t.Run("retried after "+itoa(status), func(t *testing.T) {
			f := newFixture(t, wcdouble.Options{})
			a := f.adapter(keyRW, secretRW)
			f.d.Fail(1, status, "1")
			f.d.Fail(1, status, "")
			start := time.Now()
			res, err := a.Push(ctx, "k", []shop.Item{{ProductID: itoa(f.watch), Published: true, Availability: "in_stock", OnHand: 7}})
			if err != nil || !res[0].Accepted {
				t.Fatalf("%+v %v", res, err)
			}
			if el := time.Since(start); el < time.Second {
				t.Errorf("answered after %v: Retry-After: 1 not honoured", el)
			}
			if p, _ := f.d.Product(f.watch); p.Quantity() != 7 {
				t.Errorf("watch %d", p.Quantity())
			}
		})
	}
}

func TestOpenOrders(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	f := newFixture(t, wcdouble.Options{Now: func() time.Time { return now }})
	a := f.adapter(keyRW, secretRW)
	n1, err := f.d.PlaceOrder([]wcdouble.OrderLine{{ProductID: f.ring, VariationID: f.ringSizes[0], Quantity: 1}, {ProductID: f.watch, Quantity: 2}})
	if err != nil {
		t.Fatal(err)
	}
	n2, err := f.d.PlaceOrder([]wcdouble.OrderLine{{ProductID: f.watch, Quantity: 0 + 1}})
	if err == nil {
		t.Fatalf("order %s: the watch has no stock left", n2)
	}
	if err := f.d.SetOrderStatus(n1, "on-hold"); err != nil {
		t.Fatal(err)
	}
	lines, err := a.OpenOrders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Order != "#"+n1 || !lines[0].PlacedAt.Equal(now) || lines[0].VariantID != itoa(f.ringSizes[0]) ||
		lines[0].Size != "50" || lines[0].Quantity != 1 || lines[1].ProductID != itoa(f.watch) || lines[1].VariantID != "" || lines[1].Quantity != 2 {
		t.Errorf("lines %+v", lines)
	}
	_ = f.d.SetOrderStatus(n1, "completed")
	if lines, err := a.OpenOrders(context.Background()); err != nil || len(lines) != 0 {
		t.Errorf("after completion: %+v %v", lines, err)
	}
}

// TestPingSaysWhatIsWrongWithTheKey: what `ecrin check` prints.
func TestPingSaysWhatIsWrongWithTheKey(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	tests := []struct {
		name, key string
		secret    shop.Secret
		want      string // "" : ok
	}{
		{"read/write key", keyRW, secretRW, ""},
		{"unknown key", "ck_nobody", secretRW, "no such consumer key"},
		{"wrong secret", keyRW, "cs_wrong", "consumer secret does not match"},
		{"read-only key", keyRO, secretRO, "Read permission only"},
		{"user without the capability", keyNoCap, secretCap, "may not edit products"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.adapter(tt.key, tt.secret).Ping(context.Background())
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, woocommerce.ErrAuth)):
				t.Fatalf("err %v, want it to say %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), string(tt.secret)):
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
	t.Run("basic auth over plain http", func(t *testing.T) {
		d := wcdouble.New(wcdouble.Options{Keys: map[string]wcdouble.Key{keyRW: {Secret: secretRW, Permissions: "read_write"}}})
		srv := newPlainServer(t, d)
		a, err := woocommerce.New(woocommerce.Options{URL: srv, ConsumerKey: keyRW}, secretRW)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "https://") {
			t.Fatalf("err %v, want a hint at HTTPS", err)
		}
	})
	t.Run("a read-only key cannot push", func(t *testing.T) {
		_, err := f.adapter(keyRO, secretRO).Push(context.Background(), "k", []shop.Item{{ProductID: itoa(f.watch), Published: true}})
		if err == nil || !strings.Contains(err.Error(), "Read permission only") {
			t.Fatalf("err %v", err)
		}
	})
}
