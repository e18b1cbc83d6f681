package report

import (
	"testing"

	"github.com/ecrin-connect/ecrin/reconcile"
)

func TestBrandsOf(t *testing.T) {
	sorted := []reconcile.Product{{ID: "P1", Brand: "Tissot"}, {ID: "P2", Brand: "Seiko"}, {ID: "P3", Brand: "Casio"}}
	unsorted := []reconcile.Product{sorted[2], sorted[0], sorted[1]}
	for name, tc := range map[string]struct {
		catalog []reconcile.Product
		order   []int32
	}{
		"sorted": {sorted, nil}, "unsorted": {unsorted, nil}, "unsorted, the plan's order": {unsorted, []int32{1, 2, 0}},
		"empty": {nil, nil}, "empty, the plan's order": {nil, []int32{}},
	} {
		catalog := tc.catalog
		brandOf := brandsOf(catalog, tc.order)
		// In order, out of order, again, and ids the catalog does not hold.
		for _, c := range []struct{ id, want string }{
			{"P1", "Tissot"}, {"P2", "Seiko"}, {"P3", "Casio"}, {"P1", "Tissot"}, {"P3", "Casio"},
			{"P2", "Seiko"}, {"P0", ""}, {"P9", ""}, {"", ""},
		} {
			want := c.want
			if catalog == nil {
				want = ""
			}
			if got := brandOf(c.id); got != want {
				t.Errorf("%s: brand of %q = %q, want %q", name, c.id, got, want)
			}
		}
	}
}
