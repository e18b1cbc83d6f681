package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// medusaAdmin is the Admin API of the Medusa server .ci/medusa.sh started.
type medusaAdmin struct {
	t                  *testing.T
	url, key, location string
}

func (m *medusaAdmin) call(method, path string, in, out any) {
	m.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, m.url+path, body)
	if err != nil {
		m.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(m.key+":")))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		m.t.Fatalf("%s %s: %d %.300s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(out); err != nil {
			m.t.Fatal(err)
		}
	}
}

// TestMedusaCrashMidPush kills `ecrin run --once` with SIGKILL at random points of
// pushes to a real Medusa server (.ci/medusa.sh) — 60 rings of 9 sizes, 600 items a
// night in batches of 60 —, over two nights (each run is killed 0 to 2 s after its
// push began, until 3 kills per night fell in the middle of a push, then let
// finish), then checks that Medusa holds exactly the last
// night: every size's stock and price.
func TestMedusaCrashMidPush(t *testing.T) {
	m := &medusaAdmin{t: t, url: os.Getenv("ECRIN_MEDUSA_URL"), key: os.Getenv("ECRIN_MEDUSA_KEY"), location: os.Getenv("ECRIN_MEDUSA_LOCATION")}
	if m.url == "" {
		t.Skip("ECRIN_MEDUSA_URL is not set: start a Medusa server with .ci/medusa.sh")
	}
	bin := buildEcrin(t)
	const rings = 60
	sizes := []string{"48", "50", "52", "54", "56", "58", "60", "62", "64"}

	// A sales channel of its own, sold from the test location, with its rings.
	var sc struct {
		SalesChannel struct {
			ID string `json:"id"`
		} `json:"sales_channel"`
	}
	m.call("POST", "/admin/sales-channels", map[string]any{"name": fmt.Sprintf("ecrin crash %d", time.Now().UnixNano())}, &sc)
	channel := sc.SalesChannel.ID
	m.call("POST", "/admin/stock-locations/"+m.location+"/sales-channels", map[string]any{"add": []string{channel}}, nil)
	prefix := fmt.Sprintf("CR%d", time.Now().UnixNano()%1e9)
	var products []map[string]any
	for i := range rings {
		ref := fmt.Sprintf("%s-%03d", prefix, i)
		var variants []map[string]any
		for _, sz := range sizes {
			variants = append(variants, map[string]any{"title": ref + " " + sz, "sku": ref + "-" + sz, "manage_inventory": true,
				"options": map[string]string{"Taille": sz}, "prices": []map[string]any{{"currency_code": "eur", "amount": 100}}})
		}
		products = append(products, map[string]any{"title": "Bague " + ref, "status": "published", "metadata": map[string]string{"brand": "Test"},
			"options": []map[string]any{{"title": "Taille", "values": sizes}}, "variants": variants,
			"sales_channels": []map[string]string{{"id": channel}}, "shipping_profile_id": os.Getenv("ECRIN_MEDUSA_SHIPPING_PROFILE")})
	}
	var created struct {
		Created []struct {
			ID string `json:"id"`
		} `json:"created"`
	}
	m.call("POST", "/admin/products/batch?fields=id", map[string]any{"create": products}, &created)

	dir, inbox := newSiteDir(t)
	secretFile := writeSecret(t, dir, "medusa.key", m.key)
	config := writeSiteConfig(t, dir, inbox, "ecrin.yaml", siteConfig{id: "medusa-crash", name: "Crash Medusa", batch: 60, brands: map[string]string{"TEST": "Test"},
		shop: fmt.Sprintf(`  kind: medusa
  url: %s
  secret: {file: %s}
  sales_channel: %s
  stock_location: %s
  backoff_base: 50ms
  backoff_max: 500ms
`, m.url, secretFile, channel, m.location)})

	// Night k: every size in stock (1 to 5) at a price of its own, all changing.
	qty, price := ringQty, ringPrice
	night := func(k int) {
		dropNight(t, inbox, fmt.Sprintf("stock_2026%04d.csv", 1200+k), ringNight(k, rings, sizes, func(i int) string { return fmt.Sprintf("%s-%03d", prefix, i) }))
	}

	rng := rand.New(rand.NewPCG(3, 5))
	k := 0
	night(k)
	// Two nights, each cut at least three times in the middle of its push before it
	// is let finish: night 0 creates the stock levels, night 1 updates them all.
	c := crashUntilDone(t, crashLoop{bin: bin, config: config, dir: dir, maxAttempts: 80, finalRun: true,
		more: func(c crashCounts) bool { return c.completions < 2 },
		killAt: func(c crashCounts, done chan error) <-chan struct{} {
			if c.midPush >= 3*(c.completions+1) {
				return make(chan struct{}) // let it finish
			}
			// At a random point of the push: once its batches are journaled, after
			// 0 to 2 s of sending (a night's push takes some 5 s).
			return whenPushing(dir, done, time.Duration(rng.IntN(2000))*time.Millisecond)
		},
		completed: func(c crashCounts, _ time.Duration, _ string) {
			if c.completions < 2 {
				k++
				night(k)
			}
		},
	})
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs", c.kills, c.midPush, k+1, c.completions)

	// Medusa holds night k exactly.
	fields := "id,variants.sku,variants.prices.amount,variants.prices.currency_code," +
		"variants.inventory_items.inventory.location_levels.location_id,variants.inventory_items.inventory.location_levels.stocked_quantity"
	var page struct {
		Products []struct {
			Variants []struct {
				SKU    string `json:"sku"`
				Prices []struct {
					Amount       json.Number `json:"amount"`
					CurrencyCode string      `json:"currency_code"`
				} `json:"prices"`
				InventoryItems []struct {
					Inventory struct {
						LocationLevels []struct {
							LocationID      string      `json:"location_id"`
							StockedQuantity json.Number `json:"stocked_quantity"`
						} `json:"location_levels"`
					} `json:"inventory"`
				} `json:"inventory_items"`
			} `json:"variants"`
		} `json:"products"`
	}
	m.call("GET", "/admin/products?limit=1000&sales_channel_id[]="+channel+"&fields="+url.QueryEscape(fields), nil, &page)
	bad, seen := 0, 0
	for _, p := range page.Products {
		for _, v := range p.Variants {
			var i, j int
			ref, sz, _ := strings.Cut(strings.TrimPrefix(v.SKU, prefix+"-"), "-")
			i, _ = strconv.Atoi(ref)
			for jj, s := range sizes {
				if s == sz {
					j = jj
				}
			}
			seen++
			stocked, cents := -1, int64(-1)
			for _, ii := range v.InventoryItems {
				for _, l := range ii.Inventory.LocationLevels {
					if l.LocationID == m.location {
						stocked, _ = strconv.Atoi(string(l.StockedQuantity))
					}
				}
			}
			for _, pr := range v.Prices {
				if pr.CurrencyCode == "eur" {
					f, _ := strconv.ParseFloat(string(pr.Amount), 64)
					cents = int64(f*100 + 0.5)
				}
			}
			if stocked != qty(k, i, j) || cents != price(k, i, j) {
				if bad++; bad <= 5 {
					t.Errorf("%s: stocked %d at %d cents, want %d at %d", v.SKU, stocked, cents, qty(k, i, j), price(k, i, j))
				}
			}
		}
	}
	if seen != rings*len(sizes) || bad > 0 {
		t.Fatalf("%d of %d sizes differ from night %d (%d read)", bad, rings*len(sizes), k, seen)
	}
}
