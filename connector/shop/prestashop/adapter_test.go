package prestashop_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/prestashop"
	"github.com/ecrin-connect/ecrin/connector/shop/prestashop/psdouble"
)

const key = "TESTKEY0123456789ABCDEFGHIJKLMNO"

// fixture is a double with a ring (sizes 50, 52, 54), a watch, a colour product
// and a product outside the managed category, and an adapter on it.
type fixture struct {
	ps          *psdouble.Server
	a           *prestashop.Adapter
	ring, watch int
	sizes       map[string]int
	url         string
}

func newFixture(t *testing.T, opts prestashop.Options) *fixture {
	t.Helper()
	ps := psdouble.New()
	ps.AddKey(key, psdouble.AllPerms())
	srv := httptest.NewServer(ps)
	t.Cleanup(srv.Close)
	f := &fixture{ps: ps, url: srv.URL}
	f.ring, f.sizes = ps.AddProduct(psdouble.ProductSpec{Reference: "BAG-SOL-01", Manufacturer: "Maison", Price: "833.333333",
		Active: true, Categories: []int{2, 12}, Sizes: []psdouble.SizeSpec{{Name: "50", EAN13: "4006381333931", Quantity: 1}, {Name: "52"}, {Name: "54"}}})
	f.watch, _ = ps.AddProduct(psdouble.ProductSpec{Reference: "T120.407", EAN13: "7611608271488", Manufacturer: "Tissot",
		Price: "100.000000", Active: true, Categories: []int{2, 12}, Quantity: 3})
	ps.AddProduct(psdouble.ProductSpec{Reference: "COL-1", Manufacturer: "Maison", Categories: []int{12}, Group: "Couleur",
		Sizes: []psdouble.SizeSpec{{Name: "Or"}, {Name: "Argent"}}})
	ps.AddProduct(psdouble.ProductSpec{Reference: "OTHER", Manufacturer: "Maison", Categories: []int{2}})
	if opts.URL == "" {
		opts.URL = srv.URL
	}
	opts.MaxRetries, opts.BackoffBase, opts.BackoffMax = 5, time.Millisecond, 5*time.Millisecond
	a, err := prestashop.New(opts, key)
	if err != nil {
		t.Fatal(err)
	}
	f.a = a
	return f
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCatalogReadsSizesAndLeavesOutTheRest(t *testing.T) {
	f := newFixture(t, prestashop.Options{Category: 12})
	cat, err := f.a.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cat) != 2 {
		t.Fatalf("catalog %+v, want the ring and the watch", cat)
	}
	ring, watch := cat[0], cat[1]
	if ring.ID != itoa(f.ring) || ring.Ref != "BAG-SOL-01" || ring.Brand != "Maison" || !ring.Declinable || !ring.Published || len(ring.Variants) != 3 {
		t.Errorf("ring %+v", ring)
	}
	if v := ring.Variants[0]; v.ID != itoa(f.sizes["50"]) || v.Size != "50" || v.EAN != "4006381333931" {
		t.Errorf("size 50 %+v", v)
	}
	if watch.ID != itoa(f.watch) || watch.Declinable || watch.EAN != "7611608271488" || watch.Brand != "Tissot" {
		t.Errorf("watch %+v", watch)
	}
	all := newFixture(t, prestashop.Options{PageSize: 1})
	cat, err = all.a.Catalog(context.Background())
	if err != nil || len(cat) != 3 {
		t.Errorf("without category, one product a page: %d products (%v), want 3 (the colours left out)", len(cat), err)
	}
}

func TestPushWritesStockPricesAvailability(t *testing.T) {
	now := time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC) // already 2 December in Paris
	tests := []struct {
		name  string
		item  func(f *fixture) shop.Item
		check func(t *testing.T, f *fixture)
	}{
		{"ring size with its own price", func(f *fixture) shop.Item {
			return shop.Item{ProductID: itoa(f.ring), VariantID: itoa(f.sizes["54"]), Published: true, Availability: "in_stock", OnHand: 2, PriceCents: 123456}
		}, func(t *testing.T, f *fixture) {
			if s := f.ps.Stock(f.ring, f.sizes["54"]); s.Quantity != 2 || s.OutOfStock != 0 || s.DependsOnStock {
				t.Errorf("stock %+v", s)
			}
			// 1 234,56 € with 20 % VAT is 1 028,80 € without; the ring's own price is 833,333333.
			if c := f.ps.Combination(f.sizes["54"]); c.Price != "195.466667" || c.AvailableDate != "0000-00-00" {
				t.Errorf("combination %+v, want a price impact of 195.466667", c)
			}
		}},
		{"size cheaper than the product", func(f *fixture) shop.Item {
			return shop.Item{ProductID: itoa(f.ring), VariantID: itoa(f.sizes["50"]), Published: true, Availability: "in_stock", OnHand: 1, PriceCents: 90000}
		}, func(t *testing.T, f *fixture) {
			if c := f.ps.Combination(f.sizes["50"]); c.Price != "-83.333333" {
				t.Errorf("combination price %s", c.Price)
			}
		}},
		{"pre-order", func(f *fixture) shop.Item {
			return shop.Item{ProductID: itoa(f.ring), VariantID: itoa(f.sizes["52"]), Published: true, Availability: "preorder", RestockDays: 10}
		}, func(t *testing.T, f *fixture) {
			if s := f.ps.Stock(f.ring, f.sizes["52"]); s.Quantity != 0 || s.OutOfStock != 1 {
				t.Errorf("stock %+v, want orders allowed", s)
			}
			if c := f.ps.Combination(f.sizes["52"]); c.AvailableDate != "2026-12-12" || c.Price != "0.000000" {
				t.Errorf("combination %+v, want available on 2026-12-12 and its price kept", c)
			}
		}},
		{"backorder of a watch", func(f *fixture) shop.Item {
			return shop.Item{ProductID: itoa(f.watch), Published: true, Availability: "backorder", RestockDays: 3, PriceCents: 12345}
		}, func(t *testing.T, f *fixture) {
			if s := f.ps.Stock(f.watch, 0); s.Quantity != 0 || s.OutOfStock != 1 {
				t.Errorf("stock %+v", s)
			}
			if p := f.ps.Product(f.watch); p.AvailableDate != "2026-12-05" || p.Price != "102.875000" || !p.Active {
				t.Errorf("product %+v", p)
			}
		}},
		{"unpublish a watch", func(f *fixture) shop.Item {
			return shop.Item{ProductID: itoa(f.watch), Published: false, Availability: "unavailable", OnHand: 4}
		}, func(t *testing.T, f *fixture) {
			if p := f.ps.Product(f.watch); p.Active || p.Price != "100.000000" {
				t.Errorf("product %+v, want inactive at its price", p)
			}
			if s := f.ps.Stock(f.watch, 0); s.Quantity != 0 || s.OutOfStock != 0 {
				t.Errorf("stock %+v", s)
			}
		}},
		{"unpublish a ring", func(f *fixture) shop.Item {
			return shop.Item{ProductID: itoa(f.ring), Published: false, Availability: "unavailable"}
		}, func(t *testing.T, f *fixture) {
			if p := f.ps.Product(f.ring); p.Active {
				t.Errorf("ring still active")
			}
			if n := f.ps.Count("PUT", "stock_availables"); n != 0 {
				t.Errorf("the ring's own stock was written %d times: PrestaShop sums its sizes", n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, prestashop.Options{})
			f.a.SetClock(func() time.Time { return now })
			res, err := f.a.Push(context.Background(), "k", []shop.Item{tt.item(f)})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || !res[0].Accepted {
				t.Fatalf("results %+v", res)
			}
			tt.check(t, f)
		})
	}
}

func TestPartialFailureAnswersEachItem(t *testing.T) {
	f := newFixture(t, prestashop.Options{})
	f.ps.Refuse = func(resource string, id int) string {
		if resource == "combinations" && id == f.sizes["52"] {
			return "property Combination->price is not valid"
		}
		return ""
	}
	items := []shop.Item{
		{ProductID: itoa(f.ring), VariantID: itoa(f.sizes["50"]), Published: true, Availability: "in_stock", OnHand: 1},
		{ProductID: itoa(f.ring), VariantID: itoa(f.sizes["52"]), Published: true, Availability: "in_stock", OnHand: 1},
		{ProductID: "999", Published: true, Availability: "in_stock", OnHand: 1},
		{ProductID: "abc", Published: true},
		{ProductID: itoa(f.watch), Published: true, Availability: "in_stock", OnHand: 5},
	}
	res, err := f.a.Push(context.Background(), "k", items)
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, false, false, true}
	for i, r := range res {
		if r.Accepted != want[i] || r.ProductID != items[i].ProductID || r.VariantID != items[i].VariantID {
			t.Errorf("item %d: %+v, want accepted %t", i, r, want[i])
		}
	}
	if !strings.Contains(res[1].Reason, "PATCH /api/combinations/") || !strings.Contains(res[1].Reason, "price is not valid") {
		t.Errorf("reason %q does not say what was attempted and why it failed", res[1].Reason)
	}
	if !strings.Contains(res[2].Reason, "product 999 no longer exists") {
		t.Errorf("reason %q", res[2].Reason)
	}
}

func TestRetriesAndBoundedConcurrency(t *testing.T) {
	f := newFixture(t, prestashop.Options{Concurrency: 3})
	var n atomic.Int64
	f.ps.Fail = func(r *http.Request) int {
		switch n.Add(1) % 7 {
		case 3:
			return http.StatusServiceUnavailable
		case 5:
			return http.StatusTooManyRequests
		}
		return 0
	}
	f.ps.Delay = 3 * time.Millisecond
	var items []shop.Item
	for _, size := range []string{"50", "52", "54"} {
		items = append(items, shop.Item{ProductID: itoa(f.ring), VariantID: itoa(f.sizes[size]), Published: true, Availability: "in_stock", OnHand: 7, PriceCents: 100000})
	}
	items = append(items, shop.Item{ProductID: itoa(f.watch), Published: true, Availability: "in_stock", OnHand: 7})
	for range 3 {
		items = append(items, items...)
	}
	res, err := f.a.Push(context.Background(), "k", items)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !r.Accepted {
			t.Fatalf("item %d refused: %s", i, r.Reason)
		}
	}
	if m := f.ps.MaxInFlight(); m > 3 || m < 2 {
		t.Errorf("%d requests at once, want at most 3 (and some concurrency)", m)
	}
	if s := f.ps.Stock(f.ring, f.sizes["52"]); s.Quantity != 7 {
		t.Errorf("stock %+v", s)
	}
	// A shop that stays unavailable stops the push with an error saying what was attempted.
	f.ps.Fail = func(*http.Request) int { return http.StatusServiceUnavailable }
	_, err = f.a.Push(context.Background(), "k2", items[:1])
	if err == nil || !strings.Contains(err.Error(), "/api/") || !strings.Contains(err.Error(), "503") {
		t.Errorf("push to a shop down: %v", err)
	}
}

func TestOpenOrdersInUTC(t *testing.T) {
	f := newFixture(t, prestashop.Options{})
	at := time.Date(2026, 7, 14, 10, 0, 0, 0, time.UTC) // 12:00 in Paris, summer time
	open, err := f.ps.PlaceOrder(at, 2, psdouble.OrderLine{ProductID: f.ring, Attribute: f.sizes["50"], Quantity: 1},
		psdouble.OrderLine{ProductID: f.watch, Quantity: 2})
	if err != nil {
		t.Fatal(err)
	}
	shipped, _ := f.ps.PlaceOrder(at, 2, psdouble.OrderLine{ProductID: f.watch, Quantity: 1})
	f.ps.SetOrderState(shipped, 4)
	lines, err := f.a.OpenOrders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("lines %+v, want the 2 lines of the open order", lines)
	}
	l := lines[0]
	if l.Order != open || !l.PlacedAt.Equal(at) || l.ProductID != itoa(f.ring) || l.VariantID != itoa(f.sizes["50"]) || l.Quantity != 1 || l.Ref != "BAG-SOL-01" {
		t.Errorf("line %+v", l)
	}
	if l := lines[1]; l.VariantID != "" || l.Quantity != 2 {
		t.Errorf("line %+v", l)
	}
}

func TestPingSaysWhatIsWrong(t *testing.T) {
	f := newFixture(t, prestashop.Options{})
	if err := f.a.Ping(context.Background()); err != nil {
		t.Fatalf("ping with every permission: %v", err)
	}
	perms := psdouble.AllPerms()
	perms["stock_availables"] = []string{"GET"}
	delete(perms, "order_details")
	f.ps.AddKey("LIMITEDKEY", perms)
	limited, _ := prestashop.New(prestashop.Options{URL: f.url}, "LIMITEDKEY")
	err := limited.Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the key may not PUT stock_availables") || !strings.Contains(err.Error(), "may not GET order_details") {
		t.Errorf("ping with a key lacking permissions: %v", err)
	}
	wrong, _ := prestashop.New(prestashop.Options{URL: f.url}, "WRONGKEY")
	err = wrong.Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refused the webservice key") || strings.Contains(err.Error(), "WRONGKEY") {
		t.Errorf("ping with a wrong key: %v", err)
	}
}

// TestHostileAnswersNeverPanic: whatever the shop answers, the adapter returns an
// error or a result, never panics.
func TestHostileAnswersNeverPanic(t *testing.T) {
	answers := []string{"", "null", "[1,2]", `{"products":{"a":1}}`, `{"products":[{"id":{"x":1}}]}`,
		`{"products":[{"id":"x","associations":{"combinations":[{"id":[1]}]}}]}`, `<?xml version="1.0"?><prestashop><api>`,
		`{"product":{"id":"1","price":"1e400"}}`, `{"stock_available":{"id":"-3"}}`, strings.Repeat("[", 100000),
		`{"orders":[{"id":"1","current_state":"2","date_add":"not a date"}]}`, `{"order_details":[{"id_order":"1","product_id":"1","product_quantity":"99999999999999999999"}]}`}
	for _, body := range answers {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
		a, err := prestashop.New(prestashop.Options{URL: srv.URL, RetryOptions: shop.RetryOptions{MaxRetries: -1}}, key)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		_, _ = a.Catalog(ctx)
		_, _ = a.OpenOrders(ctx)
		_ = a.Ping(ctx)
		_, _ = a.Push(ctx, "k", []shop.Item{{ProductID: "1", VariantID: "2", Published: true, PriceCents: 100}, {ProductID: "1", Published: true}})
		srv.Close()
	}
}

func TestSettingsAreChecked(t *testing.T) {
	for _, o := range []prestashop.Options{
		{},
		{URL: "ftp://x"},
		{URL: "https://key@x.example"},
		{URL: "https://x.example", Concurrency: 99},
		{URL: "https://x.example", Timezone: "Mars/Olympus"},
		{URL: "https://x.example", TaxRate: "vingt"},
		{URL: "https://x.example", OpenStates: []int{0}},
	} {
		if _, err := prestashop.New(o, key); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	a, err := prestashop.New(prestashop.Options{URL: "https://x.example", Shop: 3}, "s3cr3t")
	if err != nil {
		t.Fatal(err)
	}
	if s := a.String(); strings.Contains(s, "s3cr3t") || !strings.Contains(s, "shop 3") {
		t.Errorf("String %q", s)
	}
	if tr := a.Traits(); tr.Reserves || tr.MaxBatch != prestashop.DefaultMaxBatch {
		t.Errorf("traits %+v", tr)
	}
}
