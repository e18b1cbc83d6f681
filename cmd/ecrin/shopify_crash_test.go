package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop/shopify/shopifydouble"
	"github.com/ecrin-connect/ecrin/connector/state"
)

const shopifyTestToken = "shpat_crash_test_5e1b"

// shopifySite writes the configuration of a boutique on the Shopify double at url,
// and returns its path and inbox.
func shopifySite(t *testing.T, url string, batch int) (config, inbox, dir string) {
	t.Helper()
	dir = t.TempDir()
	inbox = filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "shopify.token")
	if err := os.WriteFile(secret, []byte(shopifyTestToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`site: {id: shopify-crash, name: Crash Shopify}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  kind: shopify
  url: %s            # the double, on loopback: http allowed there only
  secret: {file: %s}
  managed_tag: ecrin
  backoff_base: 20ms
  backoff_max: 200ms
push: {batch_size: %d}
guards: {max_unpublish_ratio: -1, max_unpublish_count: -1}
mapping:
  brands:
    TEST: Test
`, filepath.Join(dir, "data"), inbox, url, secret, batch)
	config = filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
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

	qty := func(k, i, j int) int { return 1 + (k+i+2*j)%5 }
	price := func(k, i, j int) int64 { return int64(100_00 + 100*k + 10*j + i%10) }
	night := func(k int) {
		var b strings.Builder
		b.WriteString("Code article;R\xe9f. fournisseur;Marque;D\xe9signation;TLD;Stock;En commande;Prix TTC;Statut;EAN\r\n")
		for i := range rings {
			for j, sz := range sizes {
				p := price(k, i, j)
				fmt.Fprintf(&b, "%d;%s-%03d;TEST;Bague;%s;%d;0;%d,%02d;A;\r\n", i*100+j, prefix, i, sz, qty(k, i, j), p/100, p%100)
			}
		}
		path := filepath.Join(inbox, fmt.Sprintf("stock_2026%04d.csv", 1200+k))
		if err := os.WriteFile(path, []byte(b.String()), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".done", nil, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	pending := func() int {
		st, err := state.Open(context.Background(), filepath.Join(dir, "data", "state.db"))
		if err != nil {
			return 0
		}
		defer st.Close()
		p, _ := st.Pending(context.Background())
		return len(p)
	}

	rng := rand.New(rand.NewPCG(11, 7))
	k := 0
	night(k)
	kills, midPush, completions, cutTonight := 0, 0, 0, 0
	for attempt := 0; completions < 2; attempt++ {
		if attempt > 80 {
			t.Fatalf("no convergence after %d attempts (%d kills, %d mid-push, %d completions)", attempt, kills, midPush, completions)
		}
		cmd := exec.Command(bin, "run", "--once", "-q", "--config", config)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		killAfter := time.Duration(250+rng.IntN(1000)) * time.Millisecond
		if cutTonight >= 3 {
			killAfter = 10 * time.Minute // let it finish
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("ecrin run --once: %v\n%s", err, out.String())
			}
			if cutTonight < 3 {
				t.Logf("night %d finished after %d cuts in its push only", k, cutTonight)
			}
			if completions++; completions < 2 {
				k++
				night(k)
			}
			cutTonight = 0
		case <-time.After(killAfter):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
			if pending() > 0 {
				midPush++
				cutTonight++
			}
		}
	}
	if out, err := exec.Command(bin, "run", "--once", "-q", "--config", config).CombinedOutput(); err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	if n := pending(); n != 0 {
		t.Fatalf("%d batches pending after the last run", n)
	}
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs; %d inventorySetQuantities, %d answered from their key",
		kills, midPush, k+1, completions, d.Mutations("inventorySetQuantities"), d.Replays())

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
