package woocommerce_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce/wcdouble"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// site is a whole boutique — folder source, Bijou3 extract, engine, state, push —
// configured as an ecrin.yaml would be, against the double.
type site struct {
	*fixture
	inbox string
	site  *connector.Site
	day   int
}

// bijou3 writes a Bijou3 extract (Windows-1252, semicolons, decimal commas).
func bijou3(rows ...string) []byte {
	head := "Code article;R\xe9f. fournisseur;Marque;D\xe9signation;TLD;Stock;En commande;Prix TTC;Statut;EAN\r\n"
	return []byte(head + strings.Join(rows, "\r\n") + "\r\n")
}

func newSite(t *testing.T, f *fixture, extra string) *site {
	t.Helper()
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECRIN_TEST_WC_SECRET", secretRW)
	cfg := fmt.Sprintf(`site: {id: wc-site, name: Bijouterie WooCommerce}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  kind: woocommerce
  url: %s
  consumer_key: %s
  secret: {env: ECRIN_TEST_WC_SECRET}
  ca_file: %s
  managed_tag: %d
  max_retries: 3
  backoff_base: 1ms
  backoff_max: 5ms
mapping:
  brands:
    MAISON: Maison
    TISSOT: Tissot
guards: {max_unpublish_ratio: -1, max_unpublish_count: -1}
rules:
  preorder:
    - delay_days: 10
%s`, filepath.Join(dir, "data"), inbox, f.srv.URL, keyRW, f.caFile, wcdouble.TermID("ecrin"), extra)
	path := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := connector.Open(context.Background(), c, connector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &site{fixture: f, inbox: inbox, site: s}
}

// night drops an extract and runs the site once.
func (s *site) night(rows ...string) connector.Outcome {
	s.t.Helper()
	s.day++
	p := filepath.Join(s.inbox, fmt.Sprintf("stock_202612%02d.csv", s.day))
	if err := os.WriteFile(p, bijou3(rows...), 0o640); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p+".done", nil, 0o640); err != nil {
		s.t.Fatal(err)
	}
	out, err := s.site.RunOnce(context.Background(), connector.TriggerManual)
	if err != nil {
		s.t.Fatalf("night %d: %v", s.day, err)
	}
	if out.Status != state.StatusDone {
		s.t.Fatalf("night %d: %+v", s.day, out)
	}
	return out
}

func (s *site) variation(id int) wcdouble.Variation {
	v, _ := s.d.Variation(id)
	return v
}

func (s *site) product(id int) wcdouble.Product {
	p, _ := s.d.Product(id)
	return p
}

// The first night of a boutique: ring sizes with their own prices, a pre-order,
// a watch, a chain the extract does not have (unpublished).
var night1 = []string{
	"1;BG-100;MAISON;Bague;50;1;0;999,00;A;",
	"2;BG-100;MAISON;Bague;52;0;1;999,00;A;",
	"3;BG-100;MAISON;Bague;54;2;0;1 234,56;A;",
	"4;T120.407.17.041.00;TISSOT;Montre;;3;0;123,45;A;",
}

func TestSiteFirstNightAndAQuietOne(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	s := newSite(t, f, "")
	n1 := s.night(night1...)
	if n1.Matched != 4 || n1.Pushed == 0 || n1.Rejected != 0 {
		t.Fatalf("night 1: %+v", n1)
	}
	want := []struct {
		size  string
		qty   int
		price string
		back  string
		state string
	}{{"50", 1, "999.00", "no", "instock"}, {"52", 0, "999.00", "notify", "onbackorder"}, {"54", 2, "1234.56", "no", "instock"}}
	for i, w := range want {
		v := s.variation(f.ringSizes[i])
		if v.Quantity() != w.qty || v.RegularPrice != w.price || v.Backorders != w.back || v.StockStatus != w.state || v.Status != "publish" {
			t.Errorf("night 1, size %s: %+v (qty %d)", w.size, v.Stock, v.Quantity())
		}
	}
	if v := s.variation(f.ringSizes[1]); v.MetaValue("ecrin_availability") != "preorder" || v.MetaValue("ecrin_restock_days") != "10" {
		t.Errorf("size 52 pre-order: meta %+v", v.Meta)
	}
	if w := s.product(f.watch); w.Quantity() != 3 || w.RegularPrice != "123.45" || w.Status != "publish" {
		t.Errorf("watch: %+v", w.Stock)
	}
	if c := s.product(f.chain); c.Status != "draft" {
		t.Errorf("the chain, absent from the extract, is %s", c.Status)
	}
	if o := s.product(f.other); o.Quantity() != 99 || o.Status != "publish" {
		t.Errorf("a product outside the managed tag was touched: %+v", o.Stock)
	}

	// Night 2: only the watch changes: one item, one request.
	f.d.ResetStats()
	rows := append([]string{}, night1[:3]...)
	rows = append(rows, "4;T120.407.17.041.00;TISSOT;Montre;;2;0;123,45;A;")
	n2 := s.night(rows...)
	st := f.d.Stats()
	if n2.Pushed != 1 || st.ItemsUpdated != 1 || st.ProductBatches != 1 || st.VariantBatches != 0 {
		t.Errorf("night 2 pushed %d items, double stats %+v: want the watch alone", n2.Pushed, st)
	}
	if w := s.product(f.watch); w.Quantity() != 2 {
		t.Errorf("watch %d", w.Quantity())
	}

	// Night 3: the watch is gone from the extract: unpublished (draft).
	s.night(night1[:3]...)
	if w := s.product(f.watch); w.Status != "draft" {
		t.Errorf("night 3: the watch is %s", w.Status)
	}
}

// TestSiteOnePercentNight: a boutique of 200 watches; a night changing 2 of them
// sends 2 items in one request.
func TestSiteOnePercentNight(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	var rows []string
	for i := range 200 {
		ref := fmt.Sprintf("W%04d", i)
		f.d.AddSimple("Montre "+ref, wcdouble.Seed{SKU: ref, Brand: "Tissot", Published: true, Tags: []string{"ecrin"}})
		rows = append(rows, fmt.Sprintf("%d;%s;TISSOT;Montre;;%d;0;100,00;A;", 10+i, ref, 1+i%5))
	}
	s := newSite(t, f, "")
	n1 := s.night(append(rows, night1...)...)
	if n1.Pushed < 200 {
		t.Fatalf("night 1: %+v", n1)
	}
	f.d.ResetStats()
	rows[17] = strings.Replace(rows[17], ";100,00;", ";105,00;", 1)
	rows[150] = strings.Replace(rows[150], "Montre;;1;", "Montre;;4;", 1)
	n2 := s.night(append(rows, night1...)...)
	st := f.d.Stats()
	if n2.Pushed != 2 || st.ItemsUpdated != 2 || st.BatchRequests != 1 {
		t.Errorf("night 2 pushed %d, double %+v: want 2 items in 1 request", n2.Pushed, st)
	}
}

// TestSiteWebSaleIsNeverSoldTwice: night 1 publishes the last ring of size 50; a
// customer buys it on WooCommerce (which takes the stock); night 2's extract
// still counts it (not yet in the till): the size stays at 0, not back on sale.
func TestSiteWebSaleIsNeverSoldTwice(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	s := newSite(t, f, "")
	s.night(night1...)
	if n := f.d.Sellable(f.ring, f.ringSizes[0]); n != 1 {
		t.Fatalf("size 50: %d for sale after night 1, want 1", n)
	}
	if _, err := f.d.PlaceOrder([]wcdouble.OrderLine{{ProductID: f.ring, VariationID: f.ringSizes[0], Quantity: 1}}); err != nil {
		t.Fatal(err)
	}
	rows := append([]string{}, night1...)
	rows[3] = "4;T120.407.17.041.00;TISSOT;Montre;;4;0;123,45;A;" // something else changes
	s.night(rows...)
	if v := s.variation(f.ringSizes[0]); v.Quantity() != 0 || v.StockStatus != "outofstock" {
		t.Errorf("night 2: size 50 holds %d (%s): the piece sold online is on sale again", v.Quantity(), v.StockStatus)
	}
	if _, err := f.d.PlaceOrder([]wcdouble.OrderLine{{ProductID: f.ring, VariationID: f.ringSizes[0], Quantity: 1}}); !errors.Is(err, wcdouble.ErrNotForSale) {
		t.Errorf("a second customer could buy the piece: %v", err)
	}
	// Night 3: the boutique recorded the sale (0 in the till), the order shipped.
	// Still 0, nothing owed.
	rows[0] = "1;BG-100;MAISON;Bague;50;0;0;999,00;A;"
	s.night(rows...)
	if v := s.variation(f.ringSizes[0]); v.Quantity() != 0 {
		t.Errorf("night 3: size 50 holds %d", v.Quantity())
	}
}

// TestSiteRefusedItemsReachTheReport: items WooCommerce refuses are counted as
// rejected; the others are applied.
func TestSiteRefusedItemsReachTheReport(t *testing.T) {
	f := newFixture(t, wcdouble.Options{})
	f.d.Refuse(f.ringSizes[2], wcdouble.Refusal{Code: "woocommerce_rest_invalid_sku", Message: "Invalid or duplicated SKU.", Status: 400})
	s := newSite(t, f, "")
	n1 := s.night(night1...)
	if n1.Rejected != 1 {
		t.Errorf("night 1: %d rejected, want 1", n1.Rejected)
	}
	if n1.ReportPath == "" {
		t.Error("no report")
	}
	if v := s.variation(f.ringSizes[0]); v.Quantity() != 1 {
		t.Errorf("size 50, accepted: %d", v.Quantity())
	}
	if v := s.variation(f.ringSizes[2]); v.Quantity() != 0 || v.RegularPrice != "" {
		t.Errorf("size 54, refused: %+v", v.Stock)
	}
}

// TestSiteTooLargeGoesInParts: a site whose woocommerce_rest_batch_items_limit is
// lower than max_batch answers 413: the run sends halves until they pass.
func TestSiteTooLargeGoesInParts(t *testing.T) {
	f := newFixture(t, wcdouble.Options{BatchLimit: 7})
	var rows []string
	for i := range 40 {
		ref := fmt.Sprintf("W%04d", i)
		f.d.AddSimple("Montre "+ref, wcdouble.Seed{SKU: ref, Brand: "Tissot", Published: true, Tags: []string{"ecrin"}})
		rows = append(rows, fmt.Sprintf("%d;%s;TISSOT;Montre;;%d;0;100,00;A;", 10+i, ref, 1+i%5))
	}
	s := newSite(t, f, "push: {batch_size: 30}\n")
	start := time.Now()
	n1 := s.night(rows...)
	st := f.d.Stats()
	if n1.Rejected != 0 || st.TooLarge == 0 || n1.Pushed < 40 {
		t.Errorf("night 1 %+v, double %+v", n1, st)
	}
	for _, id := range f.d.ProductIDs() {
		p := s.product(id)
		if strings.HasPrefix(p.SKU, "W") && (p.Quantity() < 1 || p.RegularPrice != "100.00") {
			t.Errorf("%s: %+v", p.SKU, p.Stock)
		}
	}
	t.Logf("%v, double %+v", time.Since(start), st)
}
