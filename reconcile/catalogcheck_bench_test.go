package reconcile_test

import (
	"fmt"
	"testing"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// BenchmarkCatalogProblems checks a sound 1M-product catalog with one size each
// (2M ids); cpu-ms/op is steadier than ns/op on a shared machine.
func BenchmarkCatalogProblems(b *testing.B) {
	catalog := make([]reconcile.Product, 1_000_000)
	for i := range catalog {
		catalog[i] = reconcile.Product{ID: fmt.Sprintf("prod-%07d", i), Variants: []reconcile.Variant{{ID: fmt.Sprintf("var-%07d-a", i)}}}
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if reconcile.CatalogProblems(catalog) != nil {
			b.Fatal("problems in a sound catalog")
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}
