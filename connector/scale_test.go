package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shopsim"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
)

// TestOnePercentNightPushesOnePercent: a 50,000-article boutique whose stock moves
// on 1 % of its articles overnight pushes about 1 % of its catalog, not all of it.
func TestOnePercentNightPushesOnePercent(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 articles: skipped with -short")
	}
	const n = 50_000
	dir := t.TempDir()
	arts := erpgen.Generate(2026, n)
	brands := map[string]string{}
	for _, a := range arts {
		if a.CatalogBrand != "" {
			brands[a.Brand] = a.CatalogBrand
		}
	}
	var cat bytes.Buffer
	if err := erpgen.WriteCatalog(&cat, slices.Values(arts)); err != nil {
		t.Fatal(err)
	}
	var products []shopsim.Product
	if err := json.Unmarshal(cat.Bytes(), &products); err != nil {
		t.Fatal(err)
	}
	sim, err := shopsim.New(shopsim.Options{DBPath: filepath.Join(dir, "shop.db"), Secret: []byte(secret), Boutique: "big"})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	if err := sim.LoadCatalog(context.Background(), products); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()

	var brandYAML strings.Builder
	for e, c := range brands {
		fmt.Fprintf(&brandYAML, "    %q: %q\n", e, c)
	}
	inbox := filepath.Join(dir, "inbox")
	os.MkdirAll(inbox, 0o750)
	cfgText := fmt.Sprintf(`site: {id: big}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop: {url: %s, secret: {value: %s}}
guards: {max_unpublish_ratio: -1, max_unpublish_count: -1}
mapping:
  brands:
%s`, filepath.Join(dir, "data"), inbox, srv.URL, secret, brandYAML.String())
	cfgPath := filepath.Join(dir, "ecrin.yaml")
	os.WriteFile(cfgPath, []byte(cfgText), 0o600)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	site, err := Open(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()

	night := func(name string, a []erpgen.Article) Outcome {
		t.Helper()
		var buf bytes.Buffer
		if err := erpgen.WriteBijou3(&buf, slices.Values(a)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(inbox, name)
		os.WriteFile(p, buf.Bytes(), 0o640)
		os.WriteFile(p+".done", nil, 0o640)
		out, err := site.RunOnce(context.Background(), TriggerManual)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := night("stock_20261121.csv", arts)
	moved := slices.Clone(arts)
	changed := 0
	for i := range moved {
		if i%100 == 0 && moved[i].CatalogRef != "" { // 1 % of the articles: a sale or a delivery
			moved[i].Qty = max(moved[i].Qty, 0) + 3
			changed++
		}
	}
	second := night("stock_20261122.csv", moved)
	acked, err := site.store.Acked(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	targets := acked.Len()
	t.Logf("catalog targets %d; night 1 pushed %d; night 2: %d articles moved, %d items pushed (%.2f %% of the catalog)",
		targets, first.Pushed, changed, second.Pushed, 100*float64(second.Pushed)/float64(targets))
	// A moved size changes its variant and its product's total: at most two items.
	if second.Pushed < changed || second.Pushed > 2*changed || float64(second.Pushed) > 0.02*float64(targets) {
		t.Fatalf("night 2 pushed %d items for %d moved articles", second.Pushed, changed)
	}
}
