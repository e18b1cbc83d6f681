package shopify

import (
	"context"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/shopify/shopifydouble"
)

func TestCatalogGroupsVariantsAcrossPages(t *testing.T) {
	d := shopifydouble.New(testToken)
	r := d.AddProduct("Alliance", "Maison A", []string{"ecrin"}, "taille",
		shopifydouble.VariantSpec{SKU: "AL-750-50", Barcode: "4006381333931", Size: "50"},
		shopifydouble.VariantSpec{SKU: "AL-750-52", Barcode: "", Size: "52"},
		shopifydouble.VariantSpec{SKU: "AL-750-54", Size: "54"})
	w := d.AddProduct("Montre", "Maison B", []string{"Ecrin "}, "", shopifydouble.VariantSpec{SKU: "MT-1", Barcode: "400-638-133393-1"})
	d.AddProduct("Foulard", "Maison C", []string{"autre"}, "", shopifydouble.VariantSpec{SKU: "F-1"})
	d.AddProduct("Boucles", "Maison D", []string{"ecrin"}, "Couleur",
		shopifydouble.VariantSpec{SKU: "BO-1", Size: "or"}, shopifydouble.VariantSpec{SKU: "BO-2", Size: "argent"})
	a := newTestShop(t, d, func(o *Options) { o.PageSize = 2 })
	got, err := a.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d products, want the ring and the watch: %+v", len(got), got)
	}
	ring, watch := got[0], got[1]
	if ring.ID != r.ID || !ring.Declinable || ring.Ref != "AL-750" || ring.Brand != "Maison A" || !ring.Published || len(ring.Variants) != 3 ||
		ring.Variants[0].Size != "50" || ring.Variants[0].EAN != "4006381333931" || ring.Variants[2].ID != r.Variants[2] {
		t.Errorf("ring: %+v", ring)
	}
	if watch.ID != w.ID || watch.Declinable || watch.Ref != "MT-1" || watch.EAN != "4006381333931" {
		t.Errorf("watch: %+v", watch)
	}
	if n := d.Calls("Catalog"); n != 4 {
		t.Errorf("%d catalog pages for 7 variants by 2, want 4", n)
	}
}

func TestOpenOrdersAreTheUnfulfilledLines(t *testing.T) {
	d := shopifydouble.New(testToken)
	r := ring(d, "R1")
	w := d.AddProduct("Montre", "Test", []string{"ecrin"}, "", shopifydouble.VariantSpec{SKU: "W1", OnHand: 2})
	n1 := d.PlaceOrder(r.Variants[1], 1)
	n2 := d.PlaceOrder(w.Variants[0], 2)
	a := newTestShop(t, d)
	lines, err := a.OpenOrders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("%+v", lines)
	}
	l := lines[0]
	if l.Order != n1 || l.ProductID != r.ID || l.VariantID != r.Variants[1] || l.Size != "52" || l.Quantity != 1 || l.Ref != "R1-52" || l.PlacedAt.IsZero() || l.PlacedAt.Location().String() != "UTC" {
		t.Errorf("ring line: %+v", l)
	}
	if l := lines[1]; l.Order != n2 || l.VariantID != "" || l.ProductID != w.ID || l.Quantity != 2 {
		t.Errorf("watch line: %+v", l)
	}
	if _, lv, _ := d.Variant(r.Variants[1]); lv.Committed != 1 || lv.Available() != 0 {
		t.Errorf("committed %d, available %d", lv.Committed, lv.Available())
	}
}

func TestPingSaysWhatIsWrong(t *testing.T) {
	tests := []struct {
		name string
		edit func(d *shopifydouble.Double, o *Options)
		want string
	}{
		{"fine", func(*shopifydouble.Double, *Options) {}, ""},
		{"wrong token", func(d *shopifydouble.Double, _ *Options) { d.Token = "shpat_other" }, "refused the access token (401"},
		{"missing scope", func(d *shopifydouble.Double, _ *Options) {
			d.Scopes = []string{"write_products", "write_inventory", "read_locations"}
		},
			"lacks the access scope(s) read_orders"},
		{"unknown location", func(_ *shopifydouble.Double, o *Options) { o.Location = "Entrepôt" }, `shop.location "Entrepôt": no such location`},
		{"location by number", func(_ *shopifydouble.Double, o *Options) { o.Location = "1" }, ""},
		{"several locations", func(d *shopifydouble.Double, _ *Options) { d.AddLocation("Atelier") }, "set shop.location to one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := shopifydouble.New(testToken)
			var edit func(*Options)
			edit = func(o *Options) { tt.edit(d, o) }
			a := newTestShop(t, d, edit)
			err := a.Ping(context.Background())
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("ping: %v, want %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Error("the token is in the error")
			}
		})
	}
}

func TestSettings(t *testing.T) {
	tests := []struct {
		o    Options
		want string
	}{
		{Options{Shop: "bijou.myshopify.com"}, ""},
		{Options{Shop: "https://bijou.myshopify.com"}, "without https://"},
		{Options{}, "shop.shop_domain is required"},
		{Options{Shop: "bijou.myshopify.com", APIVersion: "2025-10"}, "older than 2026-04"},
		{Options{Shop: "bijou.myshopify.com", APIVersion: "2026-07"}, ""},
		{Options{Shop: "bijou.myshopify.com", APIVersion: "latest"}, "want a Shopify version"},
		{Options{URL: "http://127.0.0.1:8080"}, ""},
		{Options{URL: "http://shop.example:8080"}, "http is allowed only on a loopback"},
		{Options{URL: "https://user:pw@proxy.example"}, "must not carry credentials"},
		{Options{Shop: "bijou.myshopify.com", MaxBatch: 251}, "shop.max_batch 251"},
		{Options{Shop: "bijou.myshopify.com", RestockMetafield: "restock"}, "want namespace.key"},
	}
	for _, tt := range tests {
		_, err := New(tt.o, "shpat_x")
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: %v, want %q", tt.o, err, tt.want)
		}
	}
	if _, err := New(Options{Shop: "bijou.myshopify.com"}, ""); err == nil {
		t.Error("no token accepted")
	}
	a, _ := New(Options{Shop: "bijou.myshopify.com"}, "shpat_secret")
	if s := a.String(); strings.Contains(s, "shpat") || !strings.Contains(s, "https://bijou.myshopify.com/admin/api/2026-04/graphql.json") {
		t.Errorf("String() = %q", s)
	}
	if tr := a.Traits(); !tr.Reserves || tr.MaxBatch != 250 {
		t.Errorf("traits %+v", tr)
	}
}

func TestMoney(t *testing.T) {
	for cents, s := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1234.56", 100: "1.00", -250: "-2.50"} {
		if got := priceString(cents); got != s {
			t.Errorf("priceString(%d) = %q", cents, got)
		}
		if got, err := parseCents(s); err != nil || got != cents {
			t.Errorf("parseCents(%q) = %d, %v", s, got, err)
		}
	}
	for _, bad := range []string{"", "1,5", "1.234", "abc", ".5", "1e3"} {
		if _, err := parseCents(bad); err == nil {
			t.Errorf("parseCents(%q) accepted", bad)
		}
	}
	if c, err := parseCents("12.5"); err != nil || c != 1250 {
		t.Errorf("12.5: %d %v", c, err)
	}
}

// No answer of the shop makes the adapter panic: bad JSON, wrong shapes, nulls.
func TestBadAnswersAreErrors(t *testing.T) {
	for _, body := range []string{``, `{`, `null`, `[]`, `{"data":null}`, `{"data":{"productVariants":null}}`,
		`{"data":{"productVariants":{"nodes":[null,{"product":null}],"pageInfo":{"hasNextPage":true}}}}`,
		`{"errors":[{"message":"boom"}]}`, `{"errors":"x"}`, `{"data":{"nodes":[{"__typename":"ProductVariant","id":"v1"}]}}`,
		`{"data":{"inventorySetQuantities":{"userErrors":[{"field":["input","quantities","99"],"code":"X"}]}}}`} {
		a := newTestShop(t, rawShop(body), func(o *Options) { o.MaxRetries = -1 })
		ctx := context.Background()
		_, _ = a.Catalog(ctx)
		_, _ = a.OpenOrders(ctx)
		_ = a.Ping(ctx)
		a.location = "gid://shopify/Location/1"
		_, _ = a.Push(ctx, "k", []shop.Item{{ProductID: "p1", VariantID: "v1", OnHand: 1}, {ProductID: "p1"}})
	}
}
