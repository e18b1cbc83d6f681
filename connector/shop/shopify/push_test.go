package shopify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/shopify/shopifydouble"
)

const testToken = "shpat_test_0123456789"

// newTestShop serves d and returns an adapter on it, with short retry waits.
func newTestShop(t *testing.T, d http.Handler, edit ...func(*Options)) *Adapter {
	t.Helper()
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	o := Options{URL: srv.URL, ManagedTag: "ecrin", RetryOptions: shop.RetryOptions{MaxRetries: 4, BackoffBase: time.Millisecond, BackoffMax: 10 * time.Millisecond, MaxTotalWait: 5 * time.Second}}
	for _, e := range edit {
		e(&o)
	}
	a, err := New(o, testToken)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ring adds a ring with sizes 50, 52, 54 at 100 € each, one piece of each.
func ring(d *shopifydouble.Double, ref string) shopifydouble.Product {
	var vs []shopifydouble.VariantSpec
	for _, s := range []string{"50", "52", "54"} {
		vs = append(vs, shopifydouble.VariantSpec{SKU: ref + "-" + s, Barcode: "", Size: s, PriceCents: 100_00, OnHand: 1})
	}
	return d.AddProduct("Bague "+ref, "Test", []string{"ecrin"}, "Taille", vs...)
}

func item(p shopifydouble.Product, v int, onHand int, cents int64, avail string) shop.Item {
	return shop.Item{ProductID: p.ID, VariantID: p.Variants[v], Published: avail != "unavailable", Availability: avail, OnHand: onHand, PriceCents: cents, RestockDays: 10}
}

func mustPush(t *testing.T, a *Adapter, key string, items ...shop.Item) []shop.Result {
	t.Helper()
	res, err := a.Push(context.Background(), key, items)
	if err != nil {
		t.Fatalf("push %s: %v", key, err)
	}
	if len(res) != len(items) {
		t.Fatalf("push %s: %d results for %d items", key, len(res), len(items))
	}
	return res
}

func TestPushSetsStockPricesPolicyAndStatus(t *testing.T) {
	tests := []struct {
		name       string
		item       func(p, w shopifydouble.Product) shop.Item
		variant    func(p, w shopifydouble.Product) string
		onHand     int
		cents      int64
		policy     string
		restock    string
		status     string // of the product, after
		statusProd func(p, w shopifydouble.Product) string
	}{
		{"size in stock at its own price", func(p, _ shopifydouble.Product) shop.Item { return item(p, 2, 3, 1234_56, "in_stock") },
			func(p, _ shopifydouble.Product) string { return p.Variants[2] }, 3, 1234_56, "DENY", "0", "ACTIVE", nil},
		{"pre-order", func(p, _ shopifydouble.Product) shop.Item { return item(p, 0, 0, 999_00, "preorder") },
			func(p, _ shopifydouble.Product) string { return p.Variants[0] }, 0, 999_00, "CONTINUE", "10", "ACTIVE", nil},
		{"backorder keeps the shop's price", func(p, _ shopifydouble.Product) shop.Item { return item(p, 1, 0, 0, "backorder") },
			func(p, _ shopifydouble.Product) string { return p.Variants[1] }, 0, 100_00, "CONTINUE", "10", "ACTIVE", nil},
		{"size off sale", func(p, _ shopifydouble.Product) shop.Item { return item(p, 1, 0, 0, "unavailable") },
			func(p, _ shopifydouble.Product) string { return p.Variants[1] }, 0, 100_00, "DENY", "0", "ACTIVE", nil},
		{"watch unpublished", func(_, w shopifydouble.Product) shop.Item {
			return shop.Item{ProductID: w.ID, Availability: "unavailable", OnHand: 0}
		}, func(_, w shopifydouble.Product) string { return w.Variants[0] }, 0, 50_00, "DENY", "0", "DRAFT",
			func(_, w shopifydouble.Product) string { return w.ID }},
		{"sized product unpublished", func(p, _ shopifydouble.Product) shop.Item {
			return shop.Item{ProductID: p.ID, Availability: "unavailable"}
		}, func(p, _ shopifydouble.Product) string { return p.Variants[0] }, 1, 100_00, "DENY", "", "DRAFT",
			func(p, _ shopifydouble.Product) string { return p.ID }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := shopifydouble.New(testToken)
			p := ring(d, "R1")
			w := d.AddProduct("Montre", "Test", []string{"ecrin"}, "", shopifydouble.VariantSpec{SKU: "W1", PriceCents: 50_00, OnHand: 2})
			a := newTestShop(t, d, func(o *Options) { o.RestockMetafield = "ecrin.restock_days" })
			res := mustPush(t, a, "k-"+strings.ReplaceAll(tt.name, " ", "_"), tt.item(p, w))
			if !res[0].Accepted {
				t.Fatalf("refused: %s", res[0].Reason)
			}
			v, l, _ := d.Variant(tt.variant(p, w))
			if l.OnHand != tt.onHand || v.PriceCents != tt.cents || v.Policy != tt.policy || v.Metafields["ecrin.restock_days"] != tt.restock {
				t.Errorf("variant: on_hand %d, %d cents, %s, restock %q; want %d, %d, %s, %q",
					l.OnHand, v.PriceCents, v.Policy, v.Metafields["ecrin.restock_days"], tt.onHand, tt.cents, tt.policy, tt.restock)
			}
			pid := p.ID
			if tt.statusProd != nil {
				pid = tt.statusProd(p, w)
			}
			if got, _ := d.Product(pid); got.Status != tt.status {
				t.Errorf("product status %s, want %s", got.Status, tt.status)
			}
		})
	}
}

func TestPushRefusesSomeItemsAndAppliesTheOthers(t *testing.T) {
	d := shopifydouble.New(testToken)
	p := ring(d, "R1")
	q := ring(d, "R2")
	a := newTestShop(t, d)
	v1, _, _ := d.Variant(p.Variants[1])
	d.Refuse(v1.InventoryItemID, "NON_MUTABLE_INVENTORY_ITEM")
	d.Refuse(q.Variants[2], "INVALID_INPUT")
	d.Unstock(q.Variants[0])
	res := mustPush(t, a, "k1",
		item(p, 0, 4, 200_00, "in_stock"), item(p, 1, 4, 200_00, "in_stock"), item(p, 2, 4, 200_00, "in_stock"),
		item(q, 0, 4, 300_00, "in_stock"), item(q, 1, 4, 300_00, "in_stock"), item(q, 2, 4, 300_00, "in_stock"),
		shop.Item{ProductID: "gid://shopify/Product/999", Published: true, OnHand: 1},
	)
	want := []string{"", "NON_MUTABLE_INVENTORY_ITEM", "", "not stocked at the location", "", "INVALID_INPUT", "has no product"}
	for i, w := range want {
		if (w == "") != res[i].Accepted || !strings.Contains(res[i].Reason, w) {
			t.Errorf("item %d: accepted %v %q, want %q", i, res[i].Accepted, res[i].Reason, w)
		}
	}
	for _, c := range []struct {
		v      string
		onHand int
	}{{p.Variants[0], 4}, {p.Variants[1], 1}, {p.Variants[2], 4}, {q.Variants[1], 4}} {
		if _, l, _ := d.Variant(c.v); l.OnHand != c.onHand {
			t.Errorf("%s: on_hand %d, want %d", c.v, l.OnHand, c.onHand)
		}
	}
	if v, _, _ := d.Variant(q.Variants[1]); v.PriceCents != 300_00 {
		t.Errorf("q's size 52 costs %d, want the price set beside the refused size", v.PriceCents)
	}
}

func TestStaleQuantityIsReadAgainNeverOverwrittenBlindly(t *testing.T) {
	d := shopifydouble.New(testToken)
	p := ring(d, "R1")
	var changes atomic.Int32
	var reported []string
	a := newTestShop(t, d)
	a.retry.OnRetry = func(req string, n int, _ time.Duration, cause error) { reported = append(reported, cause.Error()) }

	// Someone sells a piece in the shop's admin between ecrin's read and its set, once.
	d.BeforeSetStock(func() {
		if changes.Add(1) == 1 {
			d.SetOnHand(p.Variants[0], 0)
		}
	})
	res := mustPush(t, a, "k1", item(p, 0, 5, 0, "in_stock"))
	if !res[0].Accepted {
		t.Fatalf("refused: %s", res[0].Reason)
	}
	if _, l, _ := d.Variant(p.Variants[0]); l.OnHand != 5 {
		t.Errorf("on_hand %d, want the ERP's 5 set from the fresh quantity", l.OnHand)
	}
	if len(reported) != 1 || !strings.Contains(reported[0], "from 1 to 0") {
		t.Errorf("reported %q, want the change from 1 to 0", reported)
	}

	// Someone changes it before every set: after stale_retries re-reads the item is refused.
	d.BeforeSetStock(func() { _, l, _ := d.Variant(p.Variants[1]); d.SetOnHand(p.Variants[1], l.OnHand+1) })
	res = mustPush(t, a, "k2", item(p, 1, 7, 0, "in_stock"))
	if res[0].Accepted || !strings.Contains(res[0].Reason, "not overwritten") {
		t.Errorf("a quantity changed at every try: accepted %v %q", res[0].Accepted, res[0].Reason)
	}
	if _, l, _ := d.Variant(p.Variants[1]); l.OnHand == 7 {
		t.Error("the quantity was overwritten")
	}
}

func TestReplayedBatchAppliesNothingTwice(t *testing.T) {
	d := shopifydouble.New(testToken)
	p := ring(d, "R1")
	a := newTestShop(t, d)
	items := []shop.Item{item(p, 0, 3, 0, "in_stock"), item(p, 1, 2, 0, "in_stock")}
	mustPush(t, a, "batch-1", items...)
	sets := d.Mutations("inventorySetQuantities")
	// The run crashed before it recorded the answer: the same batch, the same key.
	res := mustPush(t, a, "batch-1", items...)
	if !res[0].Accepted || !res[1].Accepted {
		t.Fatalf("replay refused: %+v", res)
	}
	if got := d.Mutations("inventorySetQuantities"); got != sets {
		t.Errorf("the replay ran inventorySetQuantities again (%d, was %d)", got, sets)
	}
	for _, v := range p.Variants[:2] {
		vv, _, _ := d.Variant(v)
		if n := d.Applied(vv.InventoryItemID); n != 1 {
			t.Errorf("%s set %d times", v, n)
		}
	}
}

// The double answers a replayed @idempotent key with its first answer, and
// refuses the key with another input, as the documentation says.
func TestDoubleIdempotencyKeys(t *testing.T) {
	d := shopifydouble.New(testToken)
	p := ring(d, "R1")
	a := newTestShop(t, d)
	v, _, _ := d.Variant(p.Variants[0])
	loc, err := a.locationID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	send := func(key string, q, from int) []userError {
		var out struct {
			P struct {
				UserErrors []userError `json:"userErrors"`
			} `json:"inventorySetQuantities"`
		}
		input := map[string]any{"name": "on_hand", "reason": "correction", "quantities": []map[string]any{
			{"inventoryItemId": v.InventoryItemID, "locationId": loc, "quantity": q, "changeFromQuantity": from}}}
		if err := a.gql(context.Background(), "SetStock", strings.Replace(setStockMutation, "%s", `"`+key+`"`, 1), map[string]any{"input": input}, &out); err != nil {
			t.Fatal(err)
		}
		return out.P.UserErrors
	}
	if ue := send("k", 4, 1); len(ue) != 0 {
		t.Fatal(ue)
	}
	if ue := send("k", 4, 1); len(ue) != 0 || d.Replays() != 1 || d.Applied(v.InventoryItemID) != 1 {
		t.Errorf("replay: %v, %d replays, applied %d times", ue, d.Replays(), d.Applied(v.InventoryItemID))
	}
	if ue := send("k", 6, 4); len(ue) != 1 || ue[0].Code != "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" {
		t.Errorf("same key, other input: %v", ue)
	}
	if ue := send("k2", 6, 1); len(ue) != 1 || ue[0].Code != "CHANGE_FROM_QUANTITY_STALE" || ue[0].index("quantities") != 0 {
		t.Errorf("stale compare: %v", ue)
	}
	if _, l, _ := d.Variant(p.Variants[0]); l.OnHand != 4 {
		t.Errorf("on_hand %d, want 4", l.OnHand)
	}
}

func TestThrottledAnswersAreWaitedFor(t *testing.T) {
	d := shopifydouble.New(testToken)
	p := ring(d, "R1")
	d.SetBucket(1000, 2000) // restored in half a second
	a := newTestShop(t, d)
	var waits []time.Duration
	a.retry.OnRetry = func(_ string, _ int, w time.Duration, _ error) { waits = append(waits, w) }
	d.ThrottleNext(2)
	d.Drain(0)
	start := time.Now()
	res := mustPush(t, a, "k1", item(p, 0, 3, 0, "in_stock"))
	if !res[0].Accepted {
		t.Fatal(res[0].Reason)
	}
	if len(waits) != 2 || time.Since(start) > 3*time.Second {
		t.Errorf("waits %v in %s, want 2 short waits", waits, time.Since(start))
	}
	// A bucket that never holds enough: the adapter gives up within max_total_wait.
	d.SetBucket(1000, 1)
	d.Drain(0)
	b := newTestShop(t, d, func(o *Options) { o.MaxTotalWait = 200 * time.Millisecond })
	start = time.Now()
	if _, err := b.Push(context.Background(), "k2", []shop.Item{item(p, 1, 3, 0, "in_stock")}); err == nil || !strings.Contains(err.Error(), "max_total_wait") {
		t.Errorf("an empty bucket: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("gave up after %s", time.Since(start))
	}
}

func TestBatchTooLarge(t *testing.T) {
	d := shopifydouble.New(testToken)
	a := newTestShop(t, d, func(o *Options) { o.MaxBatch = 2 })
	_, err := a.Push(context.Background(), "k", make([]shop.Item, 3))
	if !errors.Is(err, shop.ErrTooLarge) {
		t.Errorf("3 items for max_batch 2: %v", err)
	}
}

// loseFirstSetStock applies the first inventorySetQuantities on the double but
// answers 502, as a proxy that lost Shopify's answer would.
type loseFirstSetStock struct {
	d    *shopifydouble.Double
	lost atomic.Bool
}

func (l *loseFirstSetStock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(body, []byte(`"operationName":"SetStock"`)) && l.lost.CompareAndSwap(false, true) {
		l.d.ServeHTTP(httptest.NewRecorder(), r)
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	l.d.ServeHTTP(w, r)
}

func TestLostAnswerIsReplayedFromItsKey(t *testing.T) {
	d := shopifydouble.New(testToken)
	p := ring(d, "R1")
	a := newTestShop(t, &loseFirstSetStock{d: d})
	res := mustPush(t, a, "k1", item(p, 0, 3, 0, "in_stock"), item(p, 1, 0, 0, "in_stock"))
	if !res[0].Accepted || !res[1].Accepted {
		t.Fatalf("%+v", res)
	}
	v, l, _ := d.Variant(p.Variants[0])
	if d.Replays() != 1 || d.Applied(v.InventoryItemID) != 1 || l.OnHand != 3 {
		t.Errorf("%d replays, applied %d times, on_hand %d; want the retry answered from its key", d.Replays(), d.Applied(v.InventoryItemID), l.OnHand)
	}
}

// With a small bucket, the adapter waits before each query for the points it
// requests (from the last throttleStatus) instead of being throttled.
func TestCostBucketIsWaitedForBeforeAQuery(t *testing.T) {
	d := shopifydouble.New(testToken)
	for i := range 10 {
		ring(d, fmt.Sprintf("R%d", i))
	}
	d.SetBucket(60, 400) // a page of 5 variants requests 17 points
	a := newTestShop(t, d, func(o *Options) { o.PageSize = 5 })
	start := time.Now()
	got, err := a.Catalog(context.Background())
	if err != nil || len(got) != 10 {
		t.Fatalf("%d products, %v", len(got), err)
	}
	if n := d.Throttled(); n != 0 {
		t.Errorf("%d requests throttled, want none: the adapter waits for the bucket", n)
	}
	if el := time.Since(start); el < 50*time.Millisecond || el > 3*time.Second {
		t.Errorf("6 pages of 17 points from a bucket of 60 restored at 400/s took %s", el)
	}
}
