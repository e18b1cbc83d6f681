package connector

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shopsim"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// TestCatalogKeptAndUpdatedWithChanges: night 1 fetches the catalog whole and
// keeps it; night 2 fetches only what changed (a product added, one removed,
// the publications night 1 pushed) and the kept catalog equals the shop's; a
// cursor the shop forgot, and a full resync, fetch it whole again.
func TestCatalogKeptAndUpdatedWithChanges(t *testing.T) {
	now := time.Date(2026, 11, 21, 2, 30, 0, 0, time.UTC)
	h := newHarnessWith(t, "push: {full_resync_every: 168h}", Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	h.dropNight(night1)
	h.run()
	cursor1, err := h.site.Store().CatalogCursor(ctx)
	if err != nil || cursor1 == "" {
		t.Fatalf("no cursor kept after night 1: %q %v", cursor1, err)
	}
	kept, err := h.site.Store().Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	added := shopsim.Product{ID: "P999999", Brand: "Tissot", Ref: "T999.999.99.999.00", Published: false}
	if err := h.sim.LoadCatalog(ctx, []shopsim.Product{added}); err != nil {
		t.Fatal(err)
	}
	gone := kept[len(kept)-1].ID
	if err := h.sim.RemoveProducts(ctx, []string{gone}); err != nil {
		t.Fatal(err)
	}

	// What changed since night 1's fetch: the product added and the one removed,
	// not the publications night 1's own batches set (the state file has them).
	changed, removed, _, err := h.site.shop.(shop.CatalogDeltas).CatalogChanges(ctx, cursor1)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 1 || changed[0].ID != added.ID || !slices.Equal(removed, []string{gone}) {
		t.Fatalf("changes since night 1: %d products (want only %s), removed %v (want %s)", len(changed), added.ID, removed, gone)
	}

	assertKeptIsTheShops := func(night string) {
		t.Helper()
		// The kept catalog is the shop's as the night began; the night's pushes
		// changed publications since: bring it up to date, as the next night will.
		kept, err := h.site.catalog(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := h.site.shop.Catalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(kept) != len(whole) {
			t.Fatalf("%s: the kept catalog has %d products, the shop's %d", night, len(kept), len(whole))
		}
		for i := range kept {
			if !reflect.DeepEqual(kept[i], whole[i]) {
				t.Fatalf("%s: kept %+v, the shop has %+v", night, kept[i], whole[i])
			}
		}
	}
	now = now.Add(24 * time.Hour)
	h.dropNight(night2)
	out := h.run()
	assertKeptIsTheShops("night 2")
	if _, ok := h.acked()[reconcile.Target{ProductID: "P999999"}]; !ok {
		t.Error("the product added to the shop got no decision on night 2")
	}
	if cursor2, _ := h.site.Store().CatalogCursor(ctx); cursor2 == cursor1 {
		t.Error("the cursor did not move")
	}
	if out.Status != "done" {
		t.Fatalf("night 2: %s", out.Status)
	}

	// The shop forgets its changes: the next night fetches the catalog whole.
	if err := h.sim.ForgetChanges(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.LoadCatalog(ctx, []shopsim.Product{{ID: "P999998", Brand: "Tissot", Ref: "T999.999.99.999.01"}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(24 * time.Hour)
	b, err := os.ReadFile(filepath.Join("demo/data", night2))
	if err != nil {
		t.Fatal(err)
	}
	h.drop("stock_20261123.csv", append(b, '\n')) // other bytes, the same rows
	h.run()
	assertKeptIsTheShops("night 3, cursor forgotten")
}

func TestMergeCatalog(t *testing.T) {
	p := func(id string, published bool) reconcile.Product {
		return reconcile.Product{ID: id, Brand: "B", Ref: "R" + id, Published: published}
	}
	kept := []reconcile.Product{p("a", true), p("b", true), p("c", false), p("e", true)}
	changed := []reconcile.Product{p("b", true), p("c", true), p("d", false)} // b as kept, c republished, d new
	got, writes := mergeCatalog(slices.Clone(kept), changed, []string{"e", "zz"})
	want := []reconcile.Product{p("a", true), p("b", true), p("c", true), p("d", false)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("catalog %+v, want %+v", got, want)
	}
	if len(writes) != 2 || writes[0].ID != "c" || writes[1].ID != "d" {
		t.Errorf("writes %+v, want c and d only", writes)
	}
}
