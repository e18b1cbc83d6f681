package medusa_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// TestMedusaCatalog reads the seeded catalog: rings and a chain by size, a watch
// without sizes, brands from metadata, refs from the SKUs, and nothing of the
// other sales channel.
func TestMedusaCatalog(t *testing.T) {
	s := needServer(t)
	sh := s.open("")
	ctx := context.Background()
	if err := sh.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	cat, err := sh.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]reconcile.Product{}
	for _, p := range cat {
		byRef[p.Ref] = p
	}
	sizes := func(p reconcile.Product) []string {
		var out []string
		for _, v := range p.Variants {
			out = append(out, v.Size)
		}
		slices.Sort(out)
		return out
	}
	for _, want := range []struct {
		ref, brand string
		sizes      []string
	}{
		{"BAG-SOL-01", "Mauboussin", []string{"50", "52", "54", "56"}},
		{"ALL-DIA-07", "Fred", []string{"48", "50", "52"}},
		{"CHA-FOR-45", "Dinh Van", []string{"40 cm", "45 cm", "50 cm"}},
		{"T120.407.17.041.00", "Tissot", nil},
	} {
		p, ok := byRef[want.ref]
		if !ok {
			t.Errorf("catalog has no product %s (refs: %d products)", want.ref, len(cat))
			continue
		}
		if p.Brand != want.brand || p.Declinable != (want.sizes != nil) || !slices.Equal(sizes(p), want.sizes) {
			t.Errorf("%s: brand %q declinable %v sizes %v; want %q %v %v", want.ref, p.Brand, p.Declinable, sizes(p),
				want.brand, want.sizes != nil, want.sizes)
		}
	}
	if p := byRef["T120.407.17.041.00"]; p.EAN != "7611608292768" {
		t.Errorf("the watch's EAN is %q, want the variant's ean 7611608292768", p.EAN)
	}
	if _, ok := byRef["PEN-HORS-01"]; ok {
		t.Error("the catalog holds a product of another sales channel")
	}
}

// TestMedusaBadKey: a wrong key is an error naming the request, never the key.
func TestMedusaBadKey(t *testing.T) {
	s := needServer(t)
	s.key = "sk_not_a_real_key_0123456789"
	sh := s.open("")
	err := sh.Ping(context.Background())
	if err == nil {
		t.Fatal("ping with a wrong key succeeded")
	}
	if strings.Contains(err.Error(), s.key) {
		t.Fatalf("the error shows the key: %v", err)
	}
	if !strings.Contains(err.Error(), "401") {
		t.Errorf("error %q does not say 401", err)
	}
}

// TestMedusaNights pushes two nights to fresh products with a web order between
// them, then a batch with unknown targets, twice.
func TestMedusaNights(t *testing.T) {
	s := needServer(t)
	sh := s.open("")
	ctx := context.Background()
	if tr := sh.Traits(); !tr.Reserves || tr.MaxBatch <= 0 {
		t.Fatalf("traits %+v", tr)
	}
	prefix := fmt.Sprintf("NT%d", time.Now().UnixNano()%1e9)
	ring := s.createProducts(prefix+"R", 1, []string{"50", "52", "54"})[0]
	watch := s.createProducts(prefix+"W", 1, nil)[0]

	// The catalog sees them.
	cat, err := sh.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, p := range cat {
		switch p.ID {
		case ring.ID:
			found++
			if p.Ref != ring.Ref || !p.Declinable || len(p.Variants) != 3 {
				t.Errorf("ring in the catalog: %+v", p)
			}
		case watch.ID:
			found++
			if p.Ref != watch.Ref || p.Declinable {
				t.Errorf("watch in the catalog: %+v", p)
			}
		}
	}
	if found != 2 {
		t.Fatalf("the catalog holds %d of the 2 new products", found)
	}

	push := func(name string, items []shop.Item) []shop.Result {
		t.Helper()
		res, err := sh.Push(ctx, name, items)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res) != len(items) {
			t.Fatalf("%s: %d results for %d items", name, len(res), len(items))
		}
		for i, r := range res {
			if r.ProductID != items[i].ProductID || r.VariantID != items[i].VariantID {
				t.Fatalf("%s: result %d is for %s/%s, item for %s/%s", name, i, r.ProductID, r.VariantID, items[i].ProductID, items[i].VariantID)
			}
		}
		return res
	}
	allAccepted := func(name string, res []shop.Result) {
		t.Helper()
		for _, r := range res {
			if !r.Accepted {
				t.Fatalf("%s: %s/%s rejected: %s", name, r.ProductID, r.VariantID, r.Reason)
			}
		}
	}

	// Night 1: size 50 has its last piece, 52 is on pre-order, 54 has two; the
	// watch three.
	night1 := []shop.Item{
		{ProductID: ring.ID, Ref: ring.Ref, Published: true, Availability: "in_stock", OnHand: 3},
		{ProductID: ring.ID, VariantID: ring.Variants["50"], Ref: ring.Ref, Size: "50", Published: true, Availability: "in_stock", OnHand: 1, PriceCents: 99900},
		{ProductID: ring.ID, VariantID: ring.Variants["52"], Ref: ring.Ref, Size: "52", Published: true, Availability: "preorder", OnHand: 0, PriceCents: 99900, RestockDays: 14},
		{ProductID: ring.ID, VariantID: ring.Variants["54"], Ref: ring.Ref, Size: "54", Published: true, Availability: "in_stock", OnHand: 2, PriceCents: 123456},
		{ProductID: watch.ID, Ref: watch.Ref, Published: true, Availability: "in_stock", OnHand: 3, PriceCents: 12345},
	}
	allAccepted("night 1", push("night 1", night1))
	st := s.state(ring.ID)
	want := map[string]variantState{
		"50": {Stocked: 1, Available: 1, PriceCents: 99900, Availability: "in_stock", RestockDays: "0"},
		"52": {Stocked: 0, PriceCents: 99900, AllowBackorder: true, Availability: "preorder", RestockDays: "14"},
		"54": {Stocked: 2, Available: 2, PriceCents: 123456, Availability: "in_stock", RestockDays: "0"},
	}
	for size, w := range want {
		if got := st.Variants[ring.Variants[size]]; got != w {
			t.Errorf("night 1, size %s: %+v, want %+v", size, got, w)
		}
	}
	if st.Status != "published" {
		t.Errorf("ring status %s", st.Status)
	}
	wst := s.state(watch.ID)
	if got := wst.Variants[watch.Variants[""]]; got.Stocked != 3 || got.PriceCents != 12345 {
		t.Errorf("night 1, watch: %+v, want 3 at 123.45", got)
	}

	// A customer buys the last 50 on the web shop: Medusa reserves it.
	order := s.placeOrder(ring.Variants["50"], 1)
	if got := s.state(ring.ID).Variants[ring.Variants["50"]]; got.Reserved != 1 || got.Available != 0 {
		t.Fatalf("after the web order: %+v, want 1 reserved, 0 available", got)
	}

	// Night 2: the till has not recorded the web sale, the ERP still counts the
	// piece on hand. Medusa keeps it reserved: the piece stays sold.
	night2 := []shop.Item{
		{ProductID: ring.ID, VariantID: ring.Variants["50"], Ref: ring.Ref, Size: "50", Published: true, Availability: "in_stock", OnHand: 1, PriceCents: 99900},
		{ProductID: ring.ID, VariantID: ring.Variants["54"], Ref: ring.Ref, Size: "54", Published: true, Availability: "in_stock", OnHand: 1, PriceCents: 119900},
	}
	allAccepted("night 2", push("night 2", night2))
	st = s.state(ring.ID)
	if got := st.Variants[ring.Variants["50"]]; got.Stocked != 1 || got.Reserved != 1 || got.Available != 0 {
		t.Errorf("night 2, size 50: %+v, want stocked 1, reserved 1, available 0", got)
	}
	if got := st.Variants[ring.Variants["54"]]; got.Stocked != 1 || got.PriceCents != 119900 {
		t.Errorf("night 2, size 54: %+v", got)
	}
	if why := s.storeCartFails(ring.Variants["50"], 1); why == "" {
		t.Error("a storefront cart took the size 50 the web order reserved")
	} else {
		t.Logf("the storefront refuses the sold piece: %.200s", why)
	}

	// The open orders list the web sale.
	lines, err := sh.OpenOrders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mine []shop.OrderLine
	for _, l := range lines {
		if l.ProductID == ring.ID {
			mine = append(mine, l)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("open orders for the ring: %+v (of %d lines)", mine, len(lines))
	}
	l := mine[0]
	if l.VariantID != ring.Variants["50"] || l.Size != "50" || l.Ref != ring.Ref || l.Quantity != 1 ||
		l.Order != "#"+order || time.Since(l.PlacedAt) > time.Hour {
		t.Errorf("open order line %+v; want order #%s, size 50, 1 piece", l, order)
	}

	// A batch naming a variant and a product Medusa does not know: those two are
	// rejected, the others applied. Sent twice, the shop ends as after once.
	mixed := []shop.Item{
		{ProductID: ring.ID, VariantID: ring.Variants["52"], Ref: ring.Ref, Size: "52", Published: true, Availability: "in_stock", OnHand: 4, PriceCents: 101000},
		{ProductID: ring.ID, VariantID: "variant_01UNKNOWN", Ref: ring.Ref, Size: "58", Published: true, Availability: "in_stock", OnHand: 1, PriceCents: 101000},
		{ProductID: "prod_01UNKNOWN", Ref: "NOPE", Published: true, Availability: "in_stock", OnHand: 1, PriceCents: 100},
		{ProductID: watch.ID, Ref: watch.Ref, Published: false, Availability: "unavailable", OnHand: 0, PriceCents: 12345},
	}
	check := func(name string, res []shop.Result) productState {
		t.Helper()
		for i, acc := range []bool{true, false, false, true} {
			if res[i].Accepted != acc {
				t.Errorf("%s: item %d accepted %v (%s), want %v", name, i, res[i].Accepted, res[i].Reason, acc)
			}
		}
		if !strings.Contains(res[1].Reason, "variant_01UNKNOWN") || !strings.Contains(res[2].Reason, "prod_01UNKNOWN") {
			t.Errorf("%s: reasons %q, %q", name, res[1].Reason, res[2].Reason)
		}
		rs := s.state(ring.ID)
		if got := rs.Variants[ring.Variants["52"]]; got.Stocked != 4 || got.PriceCents != 101000 || got.AllowBackorder {
			t.Errorf("%s: size 52 %+v", name, got)
		}
		ws := s.state(watch.ID)
		if ws.Status != "draft" || ws.Variants[watch.Variants[""]].Stocked != 0 {
			t.Errorf("%s: watch %+v, want draft with 0 in stock", name, ws)
		}
		return rs
	}
	once := check("mixed batch", push("mixed batch", mixed))
	twice := check("mixed batch again", push("mixed batch", mixed))
	if fmt.Sprint(once) != fmt.Sprint(twice) {
		t.Errorf("the same batch twice changed the ring:\n%+v\n%+v", once, twice)
	}
	// The web order is still reserved after all this: absolute quantities never
	// touch Medusa's reservations.
	if got := twice.Variants[ring.Variants["50"]]; got.Reserved != 1 || got.Available != 0 {
		t.Errorf("size 50 after the replays: %+v", got)
	}

	// The unpublished watch is in the catalog, unpublished.
	cat, err = sh.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat {
		if p.ID == watch.ID && p.Published {
			t.Error("the catalog shows the unpublished watch published")
		}
	}
}
