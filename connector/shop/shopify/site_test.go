package shopify_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shop/shopify/shopifydouble"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// site is a boutique's whole connector (folder source, Bijou3 extract, engine,
// state, push) against a Shopify double, configured as its ecrin.yaml would be.
type site struct {
	t      *testing.T
	d      *shopifydouble.Double
	inbox  string
	site   *connector.Site
	nights int
}

func newSite(t *testing.T, d *shopifydouble.Double) *site {
	t.Helper()
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	s := &site{t: t, d: d, inbox: filepath.Join(dir, "inbox")}
	if err := os.MkdirAll(s.inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECRIN_TEST_SHOPIFY_TOKEN", d.Token)
	text := fmt.Sprintf(`site: {id: shopify-site, name: Bijouterie Shopify}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  kind: shopify
  url: %s
  secret: {env: ECRIN_TEST_SHOPIFY_TOKEN}
  managed_tag: ecrin
  restock_days_metafield: ecrin.restock_days
  max_retries: 2
  backoff_base: 10ms
  backoff_max: 50ms
mapping:
  brands:
    TEST: Test
guards: {max_unpublish_ratio: 0.9}
rules:
  preorder:
    - delay_days: 10
`, filepath.Join(dir, "data"), s.inbox, srv.URL)
	path := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s.site, err = connector.Open(context.Background(), cfg, connector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.site.Close() })
	return s
}

// night drops a Bijou3 extract of rows and runs the site once.
func (s *site) night(rows ...string) connector.Outcome {
	s.t.Helper()
	s.nights++
	p := filepath.Join(s.inbox, fmt.Sprintf("stock_202612%02d.csv", s.nights))
	head := "Code article;R\xe9f. fournisseur;Marque;D\xe9signation;TLD;Stock;En commande;Prix TTC;Statut;EAN\r\n"
	if err := os.WriteFile(p, []byte(head+strings.Join(rows, "\r\n")+"\r\n"), 0o640); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p+".done", nil, 0o640); err != nil {
		s.t.Fatal(err)
	}
	out, err := s.site.RunOnce(context.Background(), connector.TriggerManual)
	if err != nil {
		s.t.Fatalf("night %d: %v", s.nights, err)
	}
	if out.Status != state.StatusDone {
		s.t.Fatalf("night %d: %+v", s.nights, out)
	}
	return out
}

var sizes = []string{"50", "52", "54"}

// rings adds n rings of three sizes, and a watch, to the double; they start with
// nothing in stock at 1 €.
func rings(d *shopifydouble.Double, n int) ([]shopifydouble.Product, shopifydouble.Product) {
	var out []shopifydouble.Product
	for i := range n {
		var vs []shopifydouble.VariantSpec
		for _, sz := range sizes {
			vs = append(vs, shopifydouble.VariantSpec{SKU: fmt.Sprintf("BG%03d-%s", i, sz), Barcode: "", Size: sz, PriceCents: 100})
		}
		out = append(out, d.AddProduct(fmt.Sprintf("Bague %d", i), "Test", []string{"ecrin"}, "Taille", vs...))
	}
	watch := d.AddProduct("Montre", "Test", []string{"ecrin"}, "", shopifydouble.VariantSpec{SKU: "MT-001", Barcode: "4006381333931", PriceCents: 100})
	d.AddProduct("Foulard", "Autre", nil, "", shopifydouble.VariantSpec{SKU: "FOU-1", PriceCents: 100}) // not managed
	return out, watch
}

// extract is night k's rows: ring i size j has qty(i,j) pieces at price(i,j);
// edit may change a row.
func extract(n int, qty func(i, j int) int, price func(i, j int) int64, watchQty int) []string {
	var rows []string
	for i := range n {
		for j, sz := range sizes {
			p := price(i, j)
			onOrder := 0
			if qty(i, j) == 0 {
				onOrder = 1 // a pre-order
			}
			rows = append(rows, fmt.Sprintf("%d;BG%03d;TEST;Bague;%s;%d;%d;%d,%02d;A;", i*10+j, i, sz, qty(i, j), onOrder, p/100, p%100))
		}
	}
	return append(rows, fmt.Sprintf("9999;MT-001;TEST;Montre;;%d;0;123,45;A;4006381333931", watchQty))
}

// TestNightsOnShopifyDouble: a first night sets every size's stock and price; a
// night where 1 % changed sends only that; a ring sold online and still counted
// by the ERP stays unsellable (the double sale); the watch sold out is unpublished.
func TestNightsOnShopifyDouble(t *testing.T) {
	d := shopifydouble.New("shpat_site_test")
	d.SetBucket(1000, 50_000) // the Standard plan restores 100 points a second: too slow for a test
	const n = 33              // 99 sizes and a watch
	rs, watch := rings(d, n)
	s := newSite(t, d)
	qty := func(i, j int) int { return (i + j) % 3 } // 0 (pre-order), 1 or 2
	price := func(i, j int) int64 { return int64(1000_00 + 50_00*j + i) }

	// Night 1.
	out := s.night(extract(n, qty, price, 3)...)
	if out.Matched != 3*n+1 || out.Rejected != 0 {
		t.Fatalf("night 1: %+v", out)
	}
	for i, p := range rs {
		for j, vid := range p.Variants {
			v, l, _ := d.Variant(vid)
			policy := "DENY"
			if qty(i, j) == 0 {
				policy = "CONTINUE"
			}
			if l.OnHand != qty(i, j) || v.PriceCents != price(i, j) || v.Policy != policy {
				t.Fatalf("night 1, ring %d size %s: on_hand %d, %d cents, %s; want %d, %d, %s", i, sizes[j], l.OnHand, v.PriceCents, v.Policy, qty(i, j), price(i, j), policy)
			}
			if qty(i, j) == 0 && v.Metafields["ecrin.restock_days"] != "10" {
				t.Fatalf("night 1, ring %d size %s: restock %q, want 10", i, sizes[j], v.Metafields["ecrin.restock_days"])
			}
		}
	}

	// A customer buys the last ring 0 in size 52 online: committed, not yet in the till.
	sold := rs[0].Variants[1]
	if _, l, _ := d.Variant(sold); l.OnHand != 1 {
		t.Fatalf("size 52 of ring 0 has %d, want the last one", l.OnHand)
	}
	d.PlaceOrder(sold, 1)
	sets, variants := d.Mutations("inventorySetQuantities"), d.Mutations("productVariantsBulkUpdate")

	// Night 2: the same extract (it still counts the ring sold online), but one
	// size of ring 7 costs more: 1 % of the catalog.
	price2 := func(i, j int) int64 {
		if i == 7 && j == 2 {
			return 1399_00
		}
		return price(i, j)
	}
	out = s.night(extract(n, qty, price2, 3)...)
	if out.Pushed != 1 {
		t.Errorf("night 2 pushed %d items, want 1", out.Pushed)
	}
	if got := d.Mutations("inventorySetQuantities") - sets; got != 0 {
		t.Errorf("night 2 ran %d inventorySetQuantities, want none (no quantity changed)", got)
	}
	if got := d.Mutations("productVariantsBulkUpdate") - variants; got != 1 {
		t.Errorf("night 2 ran %d productVariantsBulkUpdate, want 1", got)
	}
	if v, _, _ := d.Variant(rs[7].Variants[2]); v.PriceCents != 1399_00 {
		t.Errorf("ring 7 size 54 costs %d", v.PriceCents)
	}
	v, l, _ := d.Variant(sold)
	if l.Available() > 0 || v.Policy != "DENY" {
		t.Errorf("the ring sold online: on_hand %d, committed %d, %s: it is for sale again", l.OnHand, l.Committed, v.Policy)
	}

	// Night 3: one size's stock changes, and the watch is sold out without a rule.
	qty3 := func(i, j int) int {
		if (i == 12 && j == 0) || (i == 20 && j == 1) {
			return 5
		}
		return qty(i, j)
	}
	refused, _, _ := d.Variant(rs[20].Variants[1])
	d.Refuse(refused.InventoryItemID, "NON_MUTABLE_INVENTORY_ITEM")
	sets = d.Mutations("inventorySetQuantities")
	out = s.night(extract(n, qty3, price2, 0)...)
	if out.Rejected != 1 {
		t.Errorf("night 3: %d rejected, want ring 20 size 52, which Shopify refuses", out.Rejected)
	}
	if got := d.Mutations("inventorySetQuantities") - sets; got != 1 {
		t.Errorf("night 3 ran %d inventorySetQuantities, want 1", got)
	}
	if _, l, _ := d.Variant(rs[12].Variants[0]); l.OnHand != 5 {
		t.Errorf("ring 12 size 50: on_hand %d, want 5", l.OnHand)
	}
	if p, _ := d.Product(watch.ID); p.Status != "DRAFT" {
		t.Errorf("the sold-out watch is %s, want DRAFT", p.Status)
	}
	if _, l, _ := d.Variant(sold); l.Available() > 0 {
		t.Errorf("night 3: the ring sold online is for sale again (on_hand %d, committed %d)", l.OnHand, l.Committed)
	}
}
