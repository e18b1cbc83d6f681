package state

import (
	"context"
	"fmt"
	"os"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// decisions returns n distinct decisions for products prefix-0 … prefix-(n-1);
// every third one is a size variant.
func decisions(prefix string, n int) []reconcile.Decision {
	out := make([]reconcile.Decision, n)
	for i := range out {
		d := reconcile.Decision{
			ProductID:    fmt.Sprintf("%s-%d", prefix, i),
			Ref:          fmt.Sprintf("REF%06d", i),
			Published:    i%5 != 0,
			Availability: reconcile.InStock,
			Quantity:     i % 7,
			PriceCents:   int64(1000 + i),
		}
		if i%3 == 0 {
			d.VariantID, d.Size = fmt.Sprintf("v%d", i), "52"
		}
		if i%5 == 0 {
			d.Availability, d.Quantity = reconcile.Unavailable, 0
		}
		out[i] = d
	}
	return out
}

// acceptAll is the shop's answer accepting every item.
func acceptAll(ds []Item) []ItemResult {
	out := make([]ItemResult, len(ds))
	for i, d := range ds {
		out[i] = ItemResult{ProductID: d.ProductID, VariantID: d.VariantID, Accepted: true}
	}
	return out
}

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// rows are the journal rows of decisions.
func rows(ds []reconcile.Decision) []Item {
	out := make([]Item, len(ds))
	for i, d := range ds {
		out[i] = ItemOf(d)
	}
	return out
}

func statFile(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// ackedMap reads the acknowledged state as a map, for tests that compare it.
func ackedMap(ctx context.Context, s *Store) (map[reconcile.Target]reconcile.Decision, error) {
	m := map[reconcile.Target]reconcile.Decision{}
	err := s.EachAcked(ctx, func(int) error { return nil }, func(d reconcile.Decision) error {
		m[d.Key()] = d
		return nil
	})
	return m, err
}
