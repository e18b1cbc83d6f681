package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce"
	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce/wcdouble"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
	"github.com/ecrin-connect/ecrin/reconcile"
)

const (
	wcKeyRW    = "ck_crash_rw_0000000000000000000000000001"
	wcSecretRW = "cs_crash_rw_4b7e"
	wcKeyRO    = "ck_crash_ro_0000000000000000000000000002"
	wcSecretRO = "cs_crash_ro_81c0"
)

// wooShop is a WooCommerce double served over TLS in the test process, seeded
// with a generated boutique, and the ecrin.yaml of a site pushing to it.
type wooShop struct {
	d      *wcdouble.Double
	url    string
	caFile string
	brands map[string]string
	tag    int
}

func newWooShop(t *testing.T, dir string, articles []erpgen.Article, delay time.Duration) *wooShop {
	t.Helper()
	d := wcdouble.New(wcdouble.Options{BatchDelay: delay, Keys: map[string]wcdouble.Key{
		wcKeyRW: {Secret: wcSecretRW, Permissions: "read_write"},
		wcKeyRO: {Secret: wcSecretRO, Permissions: "read"},
	}})
	srv := httptest.NewTLSServer(d.Handler())
	t.Cleanup(srv.Close)
	w := &wooShop{d: d, url: srv.URL, caFile: filepath.Join(dir, "woo-ca.pem"), brands: map[string]string{}, tag: wcdouble.TermID("ecrin")}
	if err := os.WriteFile(w.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, a := range articles {
		if a.CatalogBrand != "" {
			w.brands[a.Brand] = a.CatalogBrand
		}
	}
	for _, p := range erpgen.Catalog(slices.Values(articles)) {
		seed := wcdouble.Seed{SKU: p.Ref, GTIN: p.EAN, Brand: p.Brand, Published: p.Published, Tags: []string{"ecrin"}}
		if p.Category != "" {
			seed.Categories = []string{p.Category}
		}
		if !p.Declinable {
			d.AddSimple(p.Ref, seed)
			continue
		}
		var sizes []wcdouble.Seed
		for _, v := range p.Variants {
			sizes = append(sizes, wcdouble.Seed{Size: v.Size, GTIN: v.EAN, Published: true})
		}
		d.AddVariable(p.Ref, "Taille", seed, sizes)
	}
	return w
}

// config writes an ecrin.yaml for the site, with the key given.
func (w *wooShop) config(t *testing.T, dir, inbox, key, secret string) string {
	t.Helper()
	secretFile := writeSecret(t, dir, "woo-"+key+".secret", secret)
	return writeSiteConfig(t, dir, inbox, "ecrin-"+key+".yaml", siteConfig{id: "woo-crash", name: "Crash test WooCommerce", batch: 25, brands: w.brands,
		shop: fmt.Sprintf(`  kind: woocommerce
  url: %s
  consumer_key: %s
  secret: {file: %s}
  ca_file: %s
  managed_tag: %d
  backoff_base: 10ms
  backoff_max: 100ms
`, w.url, key, secretFile, w.caFile, w.tag)})
}

// TestCrashMidPushWooCommerce kills `ecrin run --once` with SIGKILL in the middle
// of pushes to the WooCommerce double (each batch request takes 15 ms), restarts
// it until the night is done, over several nights, and checks that the double
// then holds exactly the last night's plan: the journal resumes the
// unacknowledged batches, and a batch applied before the kill and sent again
// changes nothing (absolute values).
func TestCrashMidPushWooCommerce(t *testing.T) {
	needIntegration(t)
	bin := buildEcrin(t)
	dir, inbox := newSiteDir(t)
	articles := erpgen.Generate(44, 300)
	w := newWooShop(t, dir, articles, 15*time.Millisecond)
	config := w.config(t, dir, inbox, wcKeyRW, wcSecretRW)

	night := func(k int) string {
		return dropGeneratedNight(t, inbox, articles, k, func(i int, a *erpgen.Article) {
			a.Qty = (max(a.Qty, 0)+k+i)%7 + 1
			if i%3 == 0 {
				a.PriceCents += int64(k * 100)
			}
		})
	}

	rng := rand.New(rand.NewPCG(7, 11))
	k := 0
	last := night(k)
	l := cutsWithinLastRun(t, rng, 6, 2*time.Second, func(next int) { k = next; last = night(k) })
	l.bin, l.config, l.dir, l.maxAttempts = bin, config, dir, 80
	c := crashUntilDone(t, l)
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs; double %+v",
		c.kills, c.midPush, k+1, c.completions, w.d.Stats())

	// The double holds the plan of the last night, computed afresh from its catalog.
	a, err := woocommerce.New(woocommerce.Options{URL: w.url, ConsumerKey: wcKeyRW, CAFile: w.caFile, ManagedTag: w.tag}, wcSecretRW)
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := a.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	plan := planOf(t, catalog, w.brands, last)
	if len(plan.Decisions) == 0 {
		t.Fatal("an empty plan")
	}
	bad := 0
	for _, d := range plan.Decisions {
		if msg := wooHolds(t, w.d, d); msg != "" {
			if bad++; bad <= 5 {
				t.Errorf("%v: %s; the plan says %+v", d.Key(), msg, d)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d targets differ from the plan", bad, len(plan.Decisions))
	}
}

// wooHolds says how the double differs from a decision ("" when it holds it).
func wooHolds(t *testing.T, d *wcdouble.Double, dec reconcile.Decision) string {
	t.Helper()
	pid, _ := strconv.Atoi(dec.ProductID)
	p, ok := d.Product(pid)
	if !ok {
		return "no such product"
	}
	s := p.Stock
	wantStatus := "draft"
	if dec.Published {
		wantStatus = "publish"
	}
	if dec.VariantID != "" {
		vid, _ := strconv.Atoi(dec.VariantID)
		v, ok := d.Variation(vid)
		if !ok || v.ParentID != pid {
			return "no such variation"
		}
		s = v.Stock
		if !dec.Published {
			wantStatus = "private"
		}
	} else if p.Type == "variable" {
		if s.Status != wantStatus {
			return fmt.Sprintf("status %s", s.Status)
		}
		return ""
	}
	backorders := "no"
	if dec.Availability == reconcile.Preorder || dec.Availability == reconcile.Backorder {
		backorders = "notify"
	}
	switch {
	case s.Status != wantStatus:
		return fmt.Sprintf("status %s", s.Status)
	case !s.ManageStock || s.Quantity() != max(dec.Quantity, 0):
		return fmt.Sprintf("stock %d (managed %v)", s.Quantity(), s.ManageStock)
	case s.Backorders != backorders:
		return fmt.Sprintf("backorders %s", s.Backorders)
	case s.MetaValue("ecrin_availability") != dec.Availability.String():
		return fmt.Sprintf("availability meta %q", s.MetaValue("ecrin_availability"))
	case dec.PriceCents != 0 && s.RegularPrice != fmt.Sprintf("%d.%02d", dec.PriceCents/100, dec.PriceCents%100):
		return fmt.Sprintf("price %q", s.RegularPrice)
	}
	return ""
}

// TestCheckWooCommerceKeys: `ecrin check` against the double says when the key
// is wrong and when it may only read.
func TestCheckWooCommerceKeys(t *testing.T) {
	dir, inbox := newSiteDir(t)
	w := newWooShop(t, dir, erpgen.Generate(45, 20), 0)
	tests := []struct {
		name, key, secret, want string
	}{
		{"wrong key", "ck_nobody_000000000000000000000000000000", wcSecretRW, "no such consumer key"},
		{"wrong secret", wcKeyRW, "cs_wrong", "consumer secret does not match"},
		{"read-only key", wcKeyRO, wcSecretRO, "Read permission only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config := w.config(t, dir, inbox, tt.key, tt.secret)
			var out, errOut bytes.Buffer
			code := dispatch([]string{"check", "--config", config}, &out, &errOut)
			got := out.String() + errOut.String()
			if code == 0 || !strings.Contains(got, tt.want) {
				t.Fatalf("exit %d, output:\n%s\nwant it to say %q", code, got, tt.want)
			}
			t.Logf("ecrin check:\n%s", got)
			if strings.Contains(got, tt.secret) {
				t.Fatalf("the output shows the secret:\n%s", got)
			}
		})
	}
	t.Run("read/write key", func(t *testing.T) {
		config := w.config(t, dir, inbox, wcKeyRW, wcSecretRW)
		var out, errOut bytes.Buffer
		if code := dispatch([]string{"check", "--config", config}, &out, &errOut); code != 0 {
			t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
		}
	})
}
