package connector

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shopsim"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// noReservations is a shop that, like WooCommerce, keeps no reservation for its
// open orders: the run must subtract them itself.
type noReservations struct{ shop.Shop }

func (n noReservations) Traits() shop.Traits {
	t := n.Shop.Traits()
	t.Reserves = false
	return t
}

// lastUnit returns a size variant the shop sells one unit of, in stock.
func lastUnit(t *testing.T, acked map[reconcile.Target]reconcile.Decision) reconcile.Target {
	t.Helper()
	var found []reconcile.Target
	for tg, d := range acked {
		if tg.VariantID != "" && d.Published && d.Quantity == 1 && d.Availability == reconcile.InStock {
			found = append(found, tg)
		}
	}
	if len(found) == 0 {
		t.Fatal("night 1 published no size with a single unit")
	}
	slices.SortFunc(found, func(a, b reconcile.Target) int {
		return cmp.Or(cmp.Compare(a.ProductID, b.ProductID), cmp.Compare(a.VariantID, b.VariantID))
	})
	return found[0]
}

// TestWebSaleIsNeverSoldTwice is the double sale: night 1 publishes the last unit
// of a ring size; a customer buys it online; night 2's extract still counts it
// (the boutique has not recorded the sale in its till) — the piece must stay sold,
// whether the shop reserves its open orders (the ecrin protocol) or not (the run
// subtracts them), and on a full resync too.
func TestWebSaleIsNeverSoldTwice(t *testing.T) {
	tests := []struct {
		name       string
		yaml       string
		reserves   bool
		wantPushed int // on-hand quantity pushed for the sold size on night 2
	}{
		{"shop reserves", "", true, 1},
		{"shop reserves with full resync", "push: {full_resync_every: 1h}", true, 1},
		{"run subtracts", "", false, 0},
		{"run subtracts with full resync", "push: {full_resync_every: 1h}", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 11, 21, 2, 30, 0, 0, time.UTC)
			h := newHarnessWith(t, tt.yaml, Options{Now: func() time.Time { return now }})
			if !tt.reserves {
				h.site.shop = noReservations{h.site.shop}
			}
			ctx := context.Background()
			h.dropNight(night1)
			h.run()
			sold := lastUnit(t, h.acked())
			if n, _ := h.sim.Sellable(ctx, sold.ProductID, sold.VariantID); n != 1 {
				t.Fatalf("%v: %d for sale after night 1, want 1", sold, n)
			}
			order, err := h.sim.PlaceOrder(ctx, []shopsim.OrderLine{{ProductID: sold.ProductID, VariantID: sold.VariantID, Quantity: 1}})
			if err != nil {
				t.Fatal(err)
			}

			now = now.Add(24 * time.Hour)
			h.dropNight(night2)
			out := h.run()
			if d := h.acked()[sold]; d.Quantity != tt.wantPushed {
				t.Errorf("night 2 left %v at on-hand %d in the shop, want %d", sold, d.Quantity, tt.wantPushed)
			}
			if n, _ := h.sim.Sellable(ctx, sold.ProductID, sold.VariantID); n != 0 {
				t.Errorf("%v: %d for sale after night 2, want 0: the piece sold online is on sale again", sold, n)
			}
			if _, err := h.sim.PlaceOrder(ctx, []shopsim.OrderLine{{ProductID: sold.ProductID, VariantID: sold.VariantID, Quantity: 1}}); !errors.Is(err, shopsim.ErrNotForSale) {
				t.Errorf("a second customer could buy the piece: %v", err)
			}
			rep, err := h.site.loadReport(ctx, out.RunID)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.SoldOnline) != 1 || rep.SoldOnline[0].Order != order || rep.SoldOnline[0].VariantID != sold.VariantID ||
				rep.SoldOnline[0].Subtracted == tt.reserves || rep.Counts.SoldOnline != 1 {
				t.Errorf("report lists %+v (count %d), want order %s for %v", rep.SoldOnline, rep.Counts.SoldOnline, order, sold)
			}
			h.assertShopMatches()
		})
	}
}

// dupCatalog is a shop whose catalog repeats a product id with other data.
type dupCatalog struct{ shop.Shop }

func (d dupCatalog) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	c, err := d.Shop.Catalog(ctx)
	if err != nil || len(c) < 2 {
		return c, err
	}
	twin := c[1]
	twin.ID = c[0].ID
	return append(c, twin), nil
}

// TestCatalogWithRepeatedIDsHoldsTheRun: a catalog in which one product id appears
// twice is an error of the shop: the run is held, nothing is pushed, the report
// names the id.
func TestCatalogWithRepeatedIDsHoldsTheRun(t *testing.T) {
	h := newHarness(t, "")
	h.site.shop = dupCatalog{h.site.shop}
	h.dropNight(night1)
	out := h.run()
	if out.Status != "held" || out.Pushed != 0 {
		t.Fatalf("status %s, pushed %d: want held, nothing pushed", out.Status, out.Pushed)
	}
	if len(out.Held) == 0 || out.Held[0].Code != reconcile.GuardCatalogIDs {
		t.Fatalf("held for %+v", out.Held)
	}
	if st, _ := h.sim.Stats(context.Background()); st.ItemsAccepted != 0 {
		t.Errorf("%d items reached the shop", st.ItemsAccepted)
	}
}
