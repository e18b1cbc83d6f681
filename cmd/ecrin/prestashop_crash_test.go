package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop/prestashop/psdouble"
)

const psKey = "PSCRASHKEY0123456789ABCDEFGHIJKL"

// psGross is the price with 20 % VAT, in cents, of a PrestaShop price plus an
// impact (six decimals each).
func psGross(t *testing.T, price, impact string) int64 {
	t.Helper()
	micros := func(s string) int64 {
		neg := strings.HasPrefix(s, "-")
		whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
		w, err1 := strconv.ParseInt(whole, 10, 64)
		f, err2 := strconv.ParseInt((frac + "000000")[:6], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("price %q", s)
		}
		if neg {
			return -(w*1e6 + f)
		}
		return w*1e6 + f
	}
	m := micros(price) + micros(impact)
	return (m*12000/10000 + 5000) / 10000
}

// TestCrashMidPushPrestaShop kills `ecrin run --once` with SIGKILL at random
// points of pushes to the PrestaShop double (in this process) — 60 rings of 9
// sizes, 600 items a night in batches of 60, applied 4 at a time —, over two
// nights, each cut three times at a random point of its push before it is let
// finish. Then the double holds exactly the last night, and the items the
// journal had acknowledged were not sent again: each night wrote each stock at
// least once, and at most the items in flight at each kill (4) twice.
func TestCrashMidPushPrestaShop(t *testing.T) {
	needIntegration(t)
	bin := buildEcrin(t)
	const rings = 60
	sizes := []string{"48", "50", "52", "54", "56", "58", "60", "62", "64"}
	const concurrency = 4

	ps := psdouble.New()
	ps.AddKey(psKey, psdouble.AllPerms())
	ps.Delay = 3 * time.Millisecond
	type ring struct {
		id    int
		sizes map[string]int
	}
	var all []ring
	for i := range rings {
		var specs []psdouble.SizeSpec
		for _, sz := range sizes {
			specs = append(specs, psdouble.SizeSpec{Name: sz})
		}
		id, ids := ps.AddProduct(psdouble.ProductSpec{Reference: fmt.Sprintf("CR-%03d", i), Manufacturer: "Test",
			Price: "83.333333", Active: true, Sizes: specs})
		all = append(all, ring{id, ids})
	}
	srv := httptest.NewServer(ps)
	defer srv.Close()

	dir, inbox := newSiteDir(t)
	secretFile := writeSecret(t, dir, "prestashop.key", psKey)
	config := writeSiteConfig(t, dir, inbox, "ecrin.yaml", siteConfig{id: "ps-crash", name: "Crash PrestaShop", batch: 60, brands: map[string]string{"TEST": "Test"},
		shop: fmt.Sprintf(`  kind: prestashop
  url: %s
  secret: {file: %s}
  concurrency: %d
  max_batch: 100
  backoff_base: 10ms
  backoff_max: 100ms
`, srv.URL, secretFile, concurrency)})

	// Night k: every size in stock (1 to 5) at a price of its own, all changing.
	qty, price := ringQty, ringPrice
	night := func(k int) {
		dropNight(t, inbox, fmt.Sprintf("stock_2026%04d.csv", 1200+k), ringNight(k, rings, sizes, func(i int) string { return fmt.Sprintf("CR-%03d", i) }))
	}
	// checkNight checks the stock writes of the night that just completed.
	checkNight := func(k, midPushKills int) {
		t.Helper()
		writes := ps.Writes()
		total, twice := 0, 0
		for _, r := range all {
			for _, sz := range sizes {
				sid := ps.Stock(r.id, r.sizes[sz]).ID
				n := writes["PUT stock_availables/"+strconv.Itoa(sid)]
				if n == 0 {
					t.Errorf("night %d: the stock of ring %d size %s was never written", k, r.id, sz)
				}
				total += n
				twice += max(n-1, 0)
			}
		}
		t.Logf("night %d: %d stock writes for %d sizes, %d again, over %d kills mid-push", k, total, rings*len(sizes), twice, midPushKills)
		if twice > midPushKills*concurrency {
			t.Errorf("night %d: %d stocks written again after %d kills: only the items in flight (%d a kill) may be, the others were acknowledged",
				k, twice, midPushKills, concurrency)
		}
	}

	rng := rand.New(rand.NewPCG(11, 7)) // used by one goroutine at a time
	k := 0
	night(k)
	nightMid := 0
	c := crashUntilDone(t, crashLoop{bin: bin, config: config, dir: dir, maxAttempts: 80,
		more: func(c crashCounts) bool { return c.completions < 2 },
		// Kill at a random point of the push: once its batches are journaled, after
		// 0 to 0.6 s of sending (a push takes about 1.5 s).
		killAt: func(_ crashCounts, done chan error) <-chan struct{} {
			if nightMid < 3 {
				return whenPushing(dir, done, time.Duration(rng.IntN(600))*time.Millisecond)
			}
			return make(chan struct{}) // let it finish
		},
		completed: func(c crashCounts, _ time.Duration, _ string) {
			checkNight(k, nightMid)
			if c.completions < 2 {
				k++
				nightMid = 0
				ps.ResetCounts()
				night(k)
			}
		},
		killed: func(n int) {
			if n > 0 {
				nightMid++
			}
		},
	})
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs", c.kills, c.midPush, k+1, c.completions)

	bad := 0
	for i, r := range all {
		for j, sz := range sizes {
			s, c := ps.Stock(r.id, r.sizes[sz]), ps.Combination(r.sizes[sz])
			got := psGross(t, "83.333333", c.Price)
			if s.Quantity != qty(k, i, j) || got != price(k, i, j) || s.OutOfStock != 0 {
				if bad++; bad <= 5 {
					t.Errorf("ring %d size %s: %d at %d cents, want %d at %d", i, sz, s.Quantity, got, qty(k, i, j), price(k, i, j))
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d sizes differ from night %d", bad, rings*len(sizes), k)
	}
}

// TestCheckPrestaShopSaysWhatIsWrong: `ecrin check` against the double names a
// wrong key, and the resource and method a key may not use.
func TestCheckPrestaShopSaysWhatIsWrong(t *testing.T) {
	ps := psdouble.New()
	ps.AddKey(psKey, psdouble.AllPerms())
	limited := psdouble.AllPerms()
	limited["stock_availables"] = []string{"GET"}
	ps.AddKey("LIMITEDKEY", limited)
	srv := httptest.NewServer(ps)
	defer srv.Close()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "export"), 0o750); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, key, want string }{
		{"good key", psKey, ""},
		{"wrong key", "WRONGKEY", "refused the webservice key"},
		{"key without PUT on stock", "LIMITEDKEY", "the key may not PUT stock_availables"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ECRIN_TEST_PS_KEY", tt.key)
			path := filepath.Join(dir, "ecrin.yaml")
			cfg := fmt.Sprintf(`site: {id: ps-check, name: Check PrestaShop}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s}
shop:
  kind: prestashop
  url: %s
  secret: {env: ECRIN_TEST_PS_KEY}
  max_retries: -1
mapping:
  brands:
    TEST: Test
`, filepath.Join(dir, "data"), filepath.Join(dir, "export"), srv.URL)
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := dispatch([]string{"check", "--config", path}, &out, &errOut)
			got := out.String() + errOut.String()
			if tt.want == "" {
				if code != 0 {
					t.Errorf("check with a good key: exit %d\n%s", code, got)
				}
				return
			}
			if code == 0 || !strings.Contains(got, tt.want) || strings.Contains(got, tt.key) {
				t.Errorf("check: exit %d, want a failure saying %q (and never the key)\n%s", code, tt.want, got)
			}
		})
	}
}
