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
	"strings"
	"syscall"
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
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}

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

	password := filepath.Join(dir, "vendure.password")
	if err := os.WriteFile(password, []byte(os.Getenv("ECRIN_VENDURE_PASSWORD")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var brandLines strings.Builder
	for erpName, c := range brands {
		fmt.Fprintf(&brandLines, "    %q: %q\n", erpName, c)
	}
	config := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf(`site: {id: vendure-crash, name: Crash test Vendure}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  kind: vendure
  url: %s
  username: %s
  secret: {file: %s}
  managed_facet: boutique:%s
  backoff_base: 10ms
  backoff_max: 100ms
push: {batch_size: 10}
guards:
  max_unpublish_ratio: -1
  max_unpublish_count: -1
mapping:
  brands:
%s`, filepath.Join(dir, "data"), inbox, url, os.Getenv("ECRIN_VENDURE_USER"), password, set, brandLines.String())), 0o600); err != nil {
		t.Fatal(err)
	}

	night := func(k int) string {
		arts := slices.Clone(articles)
		for i := range arts {
			if k > 0 {
				arts[i].Qty = (max(arts[i].Qty, 0)+k+i)%7 + 1
			}
		}
		var buf bytes.Buffer
		if err := erpgen.WriteBijou3(&buf, slices.Values(arts)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(inbox, fmt.Sprintf("stock_2026%04d.csv", 1100+k))
		if err := os.WriteFile(path, buf.Bytes(), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".done", nil, 0o640); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pending := func() int {
		st := (&boutique{t: t, dir: dir}).store()
		defer st.Close()
		p, err := st.Pending(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(p)
	}

	rng := rand.New(rand.NewPCG(3, 5))
	k := 0
	last := night(k)
	const wantMid = 6
	kills, midPush, completions := 0, 0, 0
	runTime := 5 * time.Second // until a run completes
	for attempt := 0; midPush < wantMid || completions == 0; attempt++ {
		if attempt > 60 {
			t.Fatalf("no convergence after %d attempts (%d kills, %d completions)", attempt, kills, completions)
		}
		cmd := exec.Command(bin, "run", "--once", "-q", "--config", config)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// A kill at a random point of a run as long as the last one that completed.
		killAfter := time.Duration(100+rng.Int64N(max(int64(runTime/time.Millisecond), 200))) * time.Millisecond
		if midPush >= wantMid {
			killAfter = 5 * time.Minute
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("ecrin run --once: %v\n%s", err, out.String())
			}
			completions++
			runTime = time.Since(start)
			t.Logf("night %d completed in %v", k, runTime.Round(time.Millisecond))
			if midPush < wantMid {
				k++
				last = night(k)
			}
		case <-time.After(killAfter):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
			if n := pending(); n > 0 {
				midPush++
				t.Logf("killed after %v with %d batches journaled and not acknowledged", killAfter, n)
			}
		}
	}
	if out, err := exec.Command(bin, "run", "--once", "-q", "--config", config).CombinedOutput(); err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	if n := pending(); n != 0 {
		t.Fatalf("%d batches pending after the last run", n)
	}
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs", kills, midPush, k+1, completions)

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
