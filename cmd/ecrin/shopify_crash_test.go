package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop/shopify/shopifydouble"
)

const shopifyTestToken = "shpat_crash_test_5e1b"

// shopifySite writes the configuration of a boutique on the Shopify double at url,
// and returns its path and inbox.
func shopifySite(t *testing.T, url string, batch int) (config, inbox, dir string) {
	t.Helper()
	dir, inbox = newSiteDir(t)
	secret := writeSecret(t, dir, "shopify.token", shopifyTestToken)
	config = writeSiteConfig(t, dir, inbox, "ecrin.yaml", siteConfig{id: "shopify-crash", name: "Crash Shopify", batch: batch, brands: map[string]string{"TEST": "Test"},
		shop: fmt.Sprintf(`  kind: shopify
  url: %s            # the double, on loopback: http allowed there only
  secret: {file: %s}
  managed_tag: ecrin
  backoff_base: 20ms
  backoff_max: 200ms
`, url, secret)})
	return config, inbox, dir
}

// TestCrashMidPushShopify kills `ecrin run --once` with SIGKILL at random points of
// its pushes to the Shopify double (in this process, behind httptest; every request
// delayed so that a push lasts seconds) — 60 rings of 9 sizes, every size changing
// each night, batches of 60 —, over two nights, each cut at least three times in
// the middle of its push before it is let finish. Then the double holds night 2
// exactly (every size's on_hand and price), and each inventory item was set exactly
// twice: nothing lost, nothing applied twice.
func TestCrashMidPushShopify(t *testing.T) {
	needIntegration(t)
	bin := buildEcrin(t)
	d := shopifydouble.New(shopifyTestToken)
	d.SetBucket(1000, 1_000_000)
	d.Delay = 40 * time.Millisecond
	const rings = 60
	sizes := []string{"48", "50", "52", "54", "56", "58", "60", "62", "64"}
	prefix := "CR"
	var products []shopifydouble.Product
	for i := range rings {
		var vs []shopifydouble.VariantSpec
		for _, sz := range sizes {
			vs = append(vs, shopifydouble.VariantSpec{SKU: fmt.Sprintf("%s-%03d-%s", prefix, i, sz), Size: sz, PriceCents: 100})
		}
		products = append(products, d.AddProduct(fmt.Sprintf("Bague %d", i), "Test", []string{"ecrin"}, "Taille", vs...))
	}
	srv := httptest.NewServer(d)
	defer srv.Close()
	config, inbox, dir := shopifySite(t, srv.URL, 60)

	qty, price := ringQty, ringPrice
	night := func(k int) {
		dropNight(t, inbox, fmt.Sprintf("stock_2026%04d.csv", 1200+k), ringNight(k, rings, sizes, func(i int) string { return fmt.Sprintf("%s-%03d", prefix, i) }))
	}

	rng := rand.New(rand.NewPCG(11, 7))
	k := 0
	night(k)
	cutTonight := 0
	c := crashUntilDone(t, crashLoop{bin: bin, config: config, dir: dir, maxAttempts: 80, finalRun: true,
		more: func(c crashCounts) bool { return c.completions < 2 },
		killAt: func(crashCounts, chan error) <-chan struct{} {
			killAfter := time.Duration(250+rng.IntN(1000)) * time.Millisecond
			if cutTonight >= 3 {
				killAfter = 10 * time.Minute // let it finish
			}
			return after(killAfter)
		},
		completed: func(c crashCounts, _ time.Duration, _ string) {
			if cutTonight < 3 {
				t.Logf("night %d finished after %d cuts in its push only", k, cutTonight)
			}
			if c.completions < 2 {
				k++
				night(k)
			}
			cutTonight = 0
		},
		killed: func(n int) {
			if n > 0 {
				cutTonight++
			}
		},
	})
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs; %d inventorySetQuantities, %d answered from their key",
		c.kills, c.midPush, k+1, c.completions, d.Mutations("inventorySetQuantities"), d.Replays())

	bad := 0
	for i, p := range products {
		for j, vid := range p.Variants {
			v, l, _ := d.Variant(vid)
			applied := d.Applied(v.InventoryItemID)
			if l.OnHand != qty(k, i, j) || v.PriceCents != price(k, i, j) || applied != 2 {
				if bad++; bad <= 5 {
					t.Errorf("%s: on_hand %d at %d cents, set %d times; want %d at %d, set twice",
						v.SKU, l.OnHand, v.PriceCents, applied, qty(k, i, j), price(k, i, j))
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d sizes differ from night %d", bad, rings*len(sizes), k)
	}
}

// `ecrin check` against the Shopify double says when the token is wrong and which
// scope is missing.
func TestCheckShopifyTokenAndScopes(t *testing.T) {
	tests := []struct {
		name, token string
		scopes      []string
		want        string
	}{
		{"fine", shopifyTestToken, nil, "shop     shopify"},
		{"wrong token", "shpat_someone_else", nil, "Shopify refused the access token (401"},
		{"missing scope", shopifyTestToken, []string{"write_products", "write_inventory", "read_locations"}, "lacks the access scope(s) read_orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := shopifydouble.New(tt.token)
			if tt.scopes != nil {
				d.Scopes = tt.scopes
			}
			srv := httptest.NewServer(d)
			defer srv.Close()
			config, _, _ := shopifySite(t, srv.URL, 60)
			var out bytes.Buffer
			code := dispatch([]string{"check", "--config", config}, &out, &out)
			got := out.String()
			if !strings.Contains(got, tt.want) || (tt.name == "fine") != (code == 0) {
				t.Errorf("exit %d\n%s\nwant %q", code, got, tt.want)
			}
			if strings.Contains(got, shopifyTestToken) {
				t.Error("the token is printed")
			}
		})
	}
}
