package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/vendure"
	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// TestVendureCrashMidPush kills `ecrin run --once` with SIGKILL in the middle of
// pushes to a real Vendure server (.ci/vendure.sh), restarts it until the night is
// done, and checks that Vendure then holds exactly the plan: the journal resumes
// the unacknowledged batches, and a batch applied before the kill and sent again
// changes nothing (absolute values). A generated boutique of 300 articles is seeded
// into Vendure under a facet value of its own.
func TestVendureCrashMidPush(t *testing.T) {
	needIntegration(t)
	url := os.Getenv("ECRIN_VENDURE_URL")
	if url == "" {
		t.Skip("ECRIN_VENDURE_URL is not set: no Vendure server (bash .ci/vendure.sh starts one)")
	}
	server := os.Getenv("ECRIN_VENDURE_SERVER")
	if server == "" {
		server = filepath.Join("..", "..", "connector", "shop", "vendure", "testdata", "server")
	}
	bin := buildEcrin(t)
	dir, inbox := newSiteDir(t)

	// The boutique: generated, its catalog seeded into Vendure.
	articles := erpgen.Generate(43, 300)
	brands := map[string]string{}
	for _, a := range articles {
		if a.CatalogBrand != "" {
			brands[a.Brand] = a.CatalogBrand
		}
	}
	var cat bytes.Buffer
	if err := erpgen.WriteCatalog(&cat, slices.Values(articles)); err != nil {
		t.Fatal(err)
	}
	catalogFile := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(catalogFile, cat.Bytes(), 0o640); err != nil {
		t.Fatal(err)
	}
	set := fmt.Sprintf("crash%d", time.Now().UnixNano())
	seed := exec.Command("node", filepath.Join(server, "seed.js"), set+"="+catalogFile)
	seed.Env = append(os.Environ(), "VENDURE_URL="+url, "VENDURE_SUPERADMIN_PASSWORD="+os.Getenv("ECRIN_VENDURE_SUPERADMIN_PASSWORD"))
	if out, err := seed.CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}

	password := writeSecret(t, dir, "vendure.password", os.Getenv("ECRIN_VENDURE_PASSWORD"))
	config := writeSiteConfig(t, dir, inbox, "ecrin.yaml", siteConfig{id: "vendure-crash", name: "Crash test Vendure", batch: 10, brands: brands,
		shop: fmt.Sprintf(`  kind: vendure
  url: %s
  username: %s
  secret: {file: %s}
  managed_facet: boutique:%s
  backoff_base: 10ms
  backoff_max: 100ms
`, url, os.Getenv("ECRIN_VENDURE_USER"), password, set)})

	night := func(k int) string {
		return dropGeneratedNight(t, inbox, articles, k, func(i int, a *erpgen.Article) { a.Qty = (max(a.Qty, 0)+k+i)%7 + 1 })
	}

	rng := rand.New(rand.NewPCG(3, 5))
	k := 0
	last := night(k)
	l := cutsWithinLastRun(t, rng, 6, 5*time.Second, func(next int) { k = next; last = night(k) })
	l.bin, l.config, l.dir, l.maxAttempts = bin, config, dir, 60
	c := crashUntilDone(t, l)
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs", c.kills, c.midPush, k+1, c.completions)

	// Vendure holds the plan of the last night, computed afresh from Vendure's catalog.
	a, err := vendure.New(vendure.Options{URL: url, Username: os.Getenv("ECRIN_VENDURE_USER"), ManagedFacet: "boutique:" + set},
		shop.Secret(os.Getenv("ECRIN_VENDURE_PASSWORD")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	catalog, err := a.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan := planOf(t, catalog, brands, last)
	var products, variants []string
	for _, d := range plan.Decisions {
		if d.VariantID == "" {
			products = append(products, d.ProductID)
		} else {
			variants = append(variants, d.VariantID)
		}
	}
	variantsOf, err := a.ProductVariants(ctx, products...)
	if err != nil {
		t.Fatal(err)
	}
	for _, vs := range variantsOf {
		variants = append(variants, vs...)
	}
	held, err := a.Holdings(ctx, variants...)
	if err != nil {
		t.Fatal(err)
	}
	declinable := map[string]bool{}
	for _, p := range catalog {
		declinable[p.ID] = p.Declinable
	}
	bad := 0
	for _, d := range plan.Decisions {
		var h vendure.Holding
		stock := true
		switch {
		case d.VariantID != "":
			h = held[d.VariantID]
		case len(variantsOf[d.ProductID]) == 0:
			t.Fatalf("%v: a product Vendure does not know", d.Key())
		case declinable[d.ProductID]:
			h, stock = held[variantsOf[d.ProductID][0]], false
		default:
			h = held[variantsOf[d.ProductID][0]]
		}
		threshold := 0
		if d.Availability == reconcile.Preorder || d.Availability == reconcile.Backorder {
			threshold = -vendure.DefaultBackorderLimit
		}
		ok := h.ProductEnabled == d.Published || d.VariantID != ""
		if d.VariantID != "" {
			ok = h.Enabled == d.Published
		}
		if stock && (h.OnHand != max(d.Quantity, 0) || h.Threshold != threshold || (d.PriceCents != 0 && h.Price != d.PriceCents)) {
			ok = false
		}
		if !ok {
			if bad++; bad <= 5 {
				t.Errorf("%v: Vendure holds %+v, the plan says %+v", d.Key(), h, d)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d targets differ from the plan", bad, len(plan.Decisions))
	}
}

// planOf is the engine's plan for an extract against a catalog.
func planOf(t *testing.T, catalog []reconcile.Product, brands map[string]string, path string) reconcile.Plan {
	t.Helper()
	r, err := erp.New("bijou3", erp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.New(mapping.Config{Brands: brands})
	if err != nil {
		t.Fatal(err)
	}
	eng := reconcile.NewEngine(catalog, reconcile.Rules{}, m)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = r.Read(context.Background(), filepath.Base(path), f, erp.Sink{Record: func(rec erp.Record) error {
		eng.Add(reconcile.Line{Ref: rec.Ref, ERPBrand: rec.Brand, RawSize: rec.Size, Label: rec.Label, Qty: rec.Qty, OnOrder: rec.OnOrder,
			PriceCents: rec.PriceCents, HasPrice: rec.HasPrice, Excluded: rec.Excluded, EAN: rec.EAN, Source: rec.Loc.String()})
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return eng.Plan()
}
