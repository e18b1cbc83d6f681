package vendure_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/vendure"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// TestVendureTwoNights runs the demo boutique's two nights (a real Bijou3 extract,
// its brand table and rules) through the whole connector — folder source, engine,
// guards, journal, state file, report — into the real Vendure server, whose
// "boutique:demo" products are the demo catalog (seed.js demo).
func TestVendureTwoNights(t *testing.T) {
	o, pw := vendure.RealServer(t, "demo")
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	demoYAML, err := os.ReadFile("../../demo/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(demoYAML)
	text = text[strings.Index(text, "mapping:"):strings.Index(text, "report:")]
	t.Setenv("ECRIN_TEST_VENDURE_PASSWORD", pw)
	text = fmt.Sprintf(`site: {id: demo-vendure, name: Démo Vendure}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  kind: vendure
  url: %s
  username: %s
  secret: {env: ECRIN_TEST_VENDURE_PASSWORD}
  managed_facet: boutique:demo
  restock_days_field: ecrinRestockDays
  ean_field: ean
  backoff_base: 10ms
  backoff_max: 100ms
%s`, filepath.Join(dir, "data"), inbox, o.URL, o.Username, text)
	path := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	site, err := connector.Open(ctx, cfg, connector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	a, err := vendure.New(o, shop.Secret(pw))
	if err != nil {
		t.Fatal(err)
	}

	night := func(name string) connector.Outcome {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("../../demo/data", name))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(inbox, name)
		if err := os.WriteFile(p, b, 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p+".done", nil, 0o640); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := site.RunOnce(ctx, connector.TriggerManual)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %s in %v: rows %d, matched %d, pushed %d, rejected %d, published %d, unpublished %d",
			name, out.Status, time.Since(start).Round(time.Millisecond), out.Rows, out.Matched, out.Pushed, out.Rejected, out.Published, out.Unpublished)
		if out.Status != state.StatusDone || out.Rejected != 0 {
			t.Fatalf("%s: %+v", name, out)
		}
		return out
	}

	// matches checks that Vendure holds what the state file says it acknowledged.
	matches := func() {
		t.Helper()
		acked := map[reconcile.Target]reconcile.Decision{}
		err := site.Store().EachAcked(ctx, func(int) error { return nil }, func(d reconcile.Decision) error {
			acked[d.Key()] = d
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var products []string
		for tg := range acked {
			if tg.VariantID == "" {
				products = append(products, tg.ProductID)
			}
		}
		variantsOf, err := a.ProductVariants(ctx, products...)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for tg := range acked {
			if tg.VariantID != "" {
				ids = append(ids, tg.VariantID)
			}
		}
		for _, vs := range variantsOf {
			ids = append(ids, vs...)
		}
		st, err := a.Holdings(ctx, ids...)
		if err != nil {
			t.Fatal(err)
		}
		checkStock := func(tg reconcile.Target, s vendure.Holding, d reconcile.Decision) {
			threshold := 0
			if d.Availability == reconcile.Preorder || d.Availability == reconcile.Backorder {
				threshold = -vendure.DefaultBackorderLimit
			}
			if s.OnHand != d.Quantity || s.Threshold != threshold || s.UseGlobal || (d.PriceCents != 0 && s.Price != d.PriceCents) {
				t.Errorf("%v: Vendure holds onHand %d threshold %d price %d, ecrin acknowledged %+v", tg, s.OnHand, s.Threshold, s.Price, d)
			}
		}
		for tg, d := range acked {
			if tg.VariantID != "" {
				s, ok := st[tg.VariantID]
				if !ok || s.Enabled != d.Published {
					t.Errorf("%v: Vendure holds %+v, ecrin acknowledged %+v", tg, s, d)
					continue
				}
				checkStock(tg, s, d)
				continue
			}
			vs := variantsOf[tg.ProductID]
			if len(vs) == 0 {
				t.Errorf("%v: acknowledged, unknown to Vendure", tg)
				continue
			}
			s := st[vs[0]]
			if s.ProductEnabled != d.Published {
				t.Errorf("%v: product enabled %v, ecrin acknowledged %+v", tg, s.ProductEnabled, d)
			}
			if len(vs) == 1 {
				if _, sized := acked[reconcile.Target{ProductID: tg.ProductID, VariantID: vs[0]}]; !sized {
					checkStock(tg, s, d)
				}
			}
		}
	}

	n1 := night("stock_20261121.csv")
	if n1.Rows != 300 || n1.Pushed == 0 || n1.Matched == 0 {
		t.Fatalf("night 1: %+v", n1)
	}
	matches()
	n2 := night("stock_20261122.csv")
	if n2.Pushed == 0 || n2.Pushed > 20 {
		t.Errorf("night 2 pushed %d decisions: want only the few that changed", n2.Pushed)
	}
	matches()
}
