package connector

import (
	"bytes"
	"cmp"
	"context"
	"maps"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/reconcile"
)

func TestFullResyncHealsDrift(t *testing.T) {
	now := time.Date(2026, 11, 21, 1, 30, 0, 0, time.UTC)
	h := newHarnessWith(t, "push: {full_resync_every: 168h}", Options{Now: func() time.Time { return now }})
	h.dropNight(night1)
	n1 := h.run()

	// Someone edits a product in the shop's back office: the shop drifts from what
	// ecrin acknowledged.
	// (one that night 2 leaves alone: the first published product but those it sells,
	// delivers or withdraws)
	night2Moves := map[string]bool{"L2.827.4.62.3": true, "710B-BBR": true, "SO28D498": true, "796911C01": true,
		"L3.744.5.59.1": true, "T104.412.27.060.00": true, "745B-BBR": true}
	acked := h.acked()
	keys := slices.SortedFunc(maps.Keys(acked), func(a, b reconcile.Target) int {
		return cmp.Or(cmp.Compare(a.ProductID, b.ProductID), cmp.Compare(a.VariantID, b.VariantID))
	})
	var target reconcile.Decision
	for _, k := range keys {
		if d := acked[k]; d.Published && d.VariantID == "" && !night2Moves[d.Ref] {
			target = d
			break
		}
	}
	edited := target
	edited.Quantity = 99
	if _, err := h.site.shop.Push(context.Background(), "back-office-edit", shopItems([]state.Item{state.ItemOf(edited)})); err != nil {
		t.Fatal(err)
	}

	now = now.Add(24 * time.Hour)
	h.dropNight(night2)
	n2 := h.run()
	if n2.Pushed != 7 {
		t.Fatalf("night 2, a day after the last full push: pushed %d, want only the 7 changes", n2.Pushed)
	}
	if got := h.shop()[target.Key()].Quantity; got != 99 {
		t.Fatalf("the drift was healed too early: quantity %d", got)
	}

	// A week after the first night: everything is pushed again, the drift is gone.
	now = now.Add(7 * 24 * time.Hour)
	b, err := os.ReadFile("demo/data/" + night2)
	if err != nil {
		t.Fatal(err)
	}
	h.drop("stock_20261129.csv", bytes.Replace(b, []byte("Montre Irony"), []byte("Montre Irony 2"), 1))
	n3 := h.run()
	if n3.Pushed != n1.Pushed {
		t.Fatalf("full resync pushed %d items, want all %d", n3.Pushed, n1.Pushed)
	}
	if got := h.shop()[target.Key()].Quantity; got != target.Quantity {
		t.Fatalf("after the full resync the shop holds %d, want %d", got, target.Quantity)
	}
	h.assertShopMatches()
}
