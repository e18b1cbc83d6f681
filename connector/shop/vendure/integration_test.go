package vendure

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// The integration tests run against a real Vendure server started by
// .ci/vendure.sh, which prints the variables they read:
//
//	bash .ci/vendure.sh > /tmp/ecrin-vendure.env && . /tmp/ecrin-vendure.env
//	go test -count=1 -run Vendure -v ./connector/shop/vendure/

// realServer returns the options of the seeded server for the products of one
// seed set, or skips the test when no server is given.
func realServer(t testing.TB, set string) (Options, shop.Secret) {
	t.Helper()
	url := os.Getenv("ECRIN_VENDURE_URL")
	if url == "" {
		t.Skip("ECRIN_VENDURE_URL is not set: no Vendure server (bash .ci/vendure.sh starts one)")
	}
	return Options{
		URL:          url,
		Username:     os.Getenv("ECRIN_VENDURE_USER"),
		ManagedFacet: "boutique:" + set,
		RefField:     "ecrinRef",
		EANField:     "ean",
		RestockField: "ecrinRestockDays",
		RetryOptions: shop.RetryOptions{BackoffBase: 10 * time.Millisecond, BackoffMax: 100 * time.Millisecond},
	}, shop.Secret(os.Getenv("ECRIN_VENDURE_PASSWORD"))
}

func newReal(t testing.TB, set string) *Adapter {
	t.Helper()
	o, pw := realServer(t, set)
	a, err := New(o, pw)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type variantState = Holding

// states reads the variants of ids.
func states(t testing.TB, a *Adapter, ids ...string) map[string]variantState {
	t.Helper()
	m, err := a.Holdings(context.Background(), ids...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// placeOrder places a storefront order through the Shop API (testdata/server/order.js).
func placeOrder(t testing.TB, variantID string, qty int) (code string, err error) {
	t.Helper()
	dir := os.Getenv("ECRIN_VENDURE_SERVER")
	if dir == "" {
		dir = filepath.Join("testdata", "server")
	}
	cmd := exec.Command("node", filepath.Join(dir, "order.js"), variantID, strconv.Itoa(qty))
	cmd.Env = append(os.Environ(), "VENDURE_URL="+os.Getenv("ECRIN_VENDURE_URL"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		return "", &orderError{msg: strings.TrimSpace(stderr.String())}
	}
	var o struct{ Code, State string }
	if err := json.Unmarshal(outb, &o); err != nil {
		t.Fatalf("order.js: %v: %s", err, outb)
	}
	if o.State != "PaymentAuthorized" {
		t.Fatalf("order %s is %s, want PaymentAuthorized", o.Code, o.State)
	}
	return o.Code, nil
}

type orderError struct{ msg string }

func (e *orderError) Error() string { return e.msg }

func find(t testing.TB, cat []reconcile.Product, ref string) reconcile.Product {
	t.Helper()
	for _, p := range cat {
		if p.Ref == ref {
			return p
		}
	}
	t.Fatalf("catalog: no product with ref %q in %+v", ref, cat)
	return reconcile.Product{}
}

func sizeID(t testing.TB, p reconcile.Product, size string) string {
	t.Helper()
	for _, v := range p.Variants {
		if v.Size == size {
			return v.ID
		}
	}
	t.Fatalf("%s: no size %q in %+v", p.Ref, size, p.Variants)
	return ""
}

func pushAll(t testing.TB, a *Adapter, key string, items []shop.Item) []shop.Result {
	t.Helper()
	res, err := a.Push(context.Background(), key, items)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(items) {
		t.Fatalf("push %s: %d results for %d items", key, len(res), len(items))
	}
	return res
}

func TestVendureAdapter(t *testing.T) {
	a := newReal(t, "adapter")
	start := time.Now()
	step := func(what string) { t.Logf("%6.2fs %s", time.Since(start).Seconds(), what) }
	ctx := context.Background()
	if err := a.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if s := a.String(); strings.Contains(s, string(a.password)) {
		t.Fatalf("String shows the password: %s", s)
	}

	// Catalog: the four products of the adapter set, nothing else.
	cat, err := a.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat) != 4 {
		t.Fatalf("catalog: %d products, want the adapter set's 4: %+v", len(cat), cat)
	}
	ring := find(t, cat, "BG-SOL-750")
	chain := find(t, cat, "CH-FOR")
	watch := find(t, cat, "T137.407.11.041.00")
	alliance := find(t, cat, "ALL-ROSE-3MM") // from the ref_field custom field
	if !ring.Declinable || ring.Brand != "Maty" || ring.Category != "bagues" || len(ring.Variants) != 4 {
		t.Errorf("ring: %+v", ring)
	}
	var sizes []string
	for _, v := range chain.Variants {
		sizes = append(sizes, v.Size)
	}
	if !chain.Declinable || !reflect.DeepEqual(sizes, []string{"40 cm", "45 cm", "50 cm"}) {
		t.Errorf("chain: %+v", chain)
	}
	if watch.Declinable || watch.Brand != "Tissot" || len(watch.Variants) != 0 || watch.EAN != "7614297169406" {
		t.Errorf("watch: %+v", watch)
	}
	if !alliance.Declinable || len(alliance.Variants) != 2 {
		t.Errorf("alliance: %+v", alliance)
	}
	if ring.Variants[0].Size != "50" || ring.Variants[0].EAN != "4055977976526" || ring.Variants[1].EAN != "" {
		t.Errorf("ring's EANs: %+v", ring.Variants)
	}
	s50, s52, s54, s56 := sizeID(t, ring, "50"), sizeID(t, ring, "52"), sizeID(t, ring, "54"), sizeID(t, ring, "56")
	watchVariant := func() string {
		p, err := a.productsByID(ctx, []string{watch.ID})
		if err != nil || len(p[watch.ID].Variants) != 1 {
			t.Fatalf("watch's variant: %v %+v", err, p)
		}
		return p[watch.ID].Variants[0].ID
	}()

	step("catalog")
	// Night 1. The ring's 52 has its last piece; earlier runs of this test may
	// have left open orders allocating it, which the shop subtracts on its own.
	held := states(t, a, s52)[s52].Allocated
	night := func(n52 int) []shop.Item {
		items := []shop.Item{
			{ProductID: ring.ID, Ref: ring.Ref, Published: true, Availability: "in_stock"},
			{ProductID: ring.ID, VariantID: s50, Ref: ring.Ref, Size: "50", Published: true, Availability: "in_stock", OnHand: 2, PriceCents: 89500},
			{ProductID: ring.ID, VariantID: s52, Ref: ring.Ref, Size: "52", Published: true, Availability: "in_stock", OnHand: n52, PriceCents: 91000},
			{ProductID: ring.ID, VariantID: s54, Ref: ring.Ref, Size: "54", Published: true, Availability: "preorder", RestockDays: 10, PriceCents: 93000},
			{ProductID: ring.ID, VariantID: s56, Ref: ring.Ref, Size: "56", Published: false, Availability: "unavailable"},
			{ProductID: watch.ID, Ref: watch.Ref, Published: true, Availability: "in_stock", OnHand: 3, PriceCents: 73000},
			{ProductID: chain.ID, Ref: chain.Ref, Published: false, Availability: "unavailable"},
		}
		for _, v := range chain.Variants {
			items = append(items, shop.Item{ProductID: chain.ID, VariantID: v.ID, Ref: chain.Ref, Size: v.Size, Availability: "unavailable"})
		}
		return items
	}
	for i, r := range pushAll(t, a, "night-1", night(held+1)) {
		if !r.Accepted {
			t.Errorf("night 1 item %d refused: %s", i, r.Reason)
		}
	}
	ids := []string{s50, s52, s54, s56, watchVariant, chain.Variants[0].ID}
	st := states(t, a, ids...)
	ten := 10
	want := map[string]variantState{
		s50:          {Enabled: true, ProductEnabled: true, Price: 89500, StockLevel: "LOW_STOCK", OnHand: 2},
		s52:          {Enabled: true, ProductEnabled: true, Price: 91000, StockLevel: "LOW_STOCK", OnHand: held + 1, Allocated: held},
		s54:          {Enabled: true, ProductEnabled: true, Price: 93000, StockLevel: "IN_STOCK", Threshold: -DefaultBackorderLimit, RestockDays: &ten},
		s56:          {Enabled: false, ProductEnabled: true, Price: 89000 + 6000, StockLevel: "OUT_OF_STOCK"},
		watchVariant: {Enabled: true, ProductEnabled: true, Price: 73000, StockLevel: "IN_STOCK", OnHand: 3},
	}
	for id, w := range want {
		if g := st[id]; !reflect.DeepEqual(g, w) {
			t.Errorf("night 1, variant %s: Vendure holds %+v, want %+v", id, show(g), show(w))
		}
	}
	if c := st[chain.Variants[0].ID]; c.ProductEnabled || c.Enabled {
		t.Errorf("night 1: the chain is still enabled: %+v", c)
	}

	step("night 1")
	// A customer buys the last 52 on the web shop.
	code, err := placeOrder(t, s52, 1)
	if err != nil {
		t.Fatalf("web order: %v", err)
	}
	if s := states(t, a, s52)[s52]; s.Allocated != held+1 || s.StockLevel != "OUT_OF_STOCK" {
		t.Fatalf("after the web order, the 52: %+v", show(s))
	}

	step("web order")
	// Night 2: the boutique has not recorded the sale in its till; the extract
	// still counts the piece. Vendure keeps it allocated: it stays sold.
	for i, r := range pushAll(t, a, "night-2", night(held+1)) {
		if !r.Accepted {
			t.Errorf("night 2 item %d refused: %s", i, r.Reason)
		}
	}
	if s := states(t, a, s52)[s52]; s.OnHand != held+1 || s.Allocated != held+1 || s.StockLevel != "OUT_OF_STOCK" {
		t.Errorf("night 2, the 52: %+v; want on hand = allocated, out of stock", show(s))
	}
	if code2, err := placeOrder(t, s52, 1); err == nil {
		t.Errorf("night 2: the sold 52 was sold again (order %s)", code2)
	} else if !strings.Contains(err.Error(), "INSUFFICIENT_STOCK") {
		t.Logf("second order refused: %v", err)
	}

	step("night 2")
	// The open orders list the sale.
	lines, err := a.OpenOrders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range lines {
		if l.Order == code {
			found = true
			if l.ProductID != ring.ID || l.VariantID != s52 || l.Quantity != 1 || l.Size != "52" || l.Ref != "BG-SOL-750-52" ||
				l.PlacedAt.IsZero() || time.Since(l.PlacedAt) > time.Hour {
				t.Errorf("open order line: %+v", l)
			}
		}
	}
	if !found {
		t.Errorf("open orders: %s missing from %+v", code, lines)
	}

	step("open orders")
	// A batch with ids Vendure does not know: those items are refused, the others applied.
	mixed := []shop.Item{
		{ProductID: ring.ID, VariantID: s50, Published: true, Availability: "in_stock", OnHand: 5, PriceCents: 89900},
		{ProductID: ring.ID, VariantID: "987654", Published: true, Availability: "in_stock", OnHand: 1},
		{ProductID: watch.ID, Published: true, Availability: "backorder", OnHand: 0, RestockDays: 7, PriceCents: 73500},
		{ProductID: "987653", Published: true, Availability: "in_stock", OnHand: 1},
		{ProductID: ring.ID, VariantID: watchVariant, Published: true, Availability: "in_stock", OnHand: 1},
	}
	res := pushAll(t, a, "mixed", mixed)
	for i, r := range res {
		if wantOK := i == 0 || i == 2; r.Accepted != wantOK || (!wantOK && r.Reason == "") {
			t.Errorf("mixed item %d: %+v", i, r)
		} else if !wantOK {
			t.Logf("mixed item %d refused: %s", i, r.Reason)
		}
	}
	first := states(t, a, ids...)
	if s := first[s50]; s.OnHand != 5 || s.Price != 89900 {
		t.Errorf("mixed: the 50 is %+v", show(s))
	}
	if s := first[watchVariant]; s.OnHand != 0 || s.Threshold != -DefaultBackorderLimit || s.StockLevel != "IN_STOCK" || s.Price != 73500 {
		t.Errorf("mixed: the watch on backorder is %+v", show(s))
	}

	step("mixed")
	// The same batch again (a replay after a crash): the same state.
	res2 := pushAll(t, a, "mixed", mixed)
	if !reflect.DeepEqual(res, res2) {
		t.Errorf("replay answered %+v, first %+v", res2, res)
	}
	if again := states(t, a, ids...); !reflect.DeepEqual(first, again) {
		t.Errorf("replay changed the state:\nfirst %+v\nagain %+v", first, again)
	}
	step("replay")
	// Put night 2 back for the next run of the test.
	pushAll(t, a, "night-2-again", night(held+1))
}

// show makes a state printable (the restock pointer).
func show(s variantState) string {
	days := "nil"
	if s.RestockDays != nil {
		days = strconv.Itoa(*s.RestockDays)
	}
	return fmt.Sprintf("%+v restock=%s", s, days)
}
