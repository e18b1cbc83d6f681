package reconcile

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ecrin-connect/ecrin/mapping"
)

// TestEANTableMatchesAMap fills the table with barcodes drawn from a small range
// (so that products share some, and probes wrap around the end) and checks every
// look-up against a map.
func TestEANTableMatchesAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type named struct {
		products []int32
		variant  int // of products[0] when it is the only one; -1: the product
	}
	want := map[mapping.GTIN]*named{}
	var catalog []Product
	gtin := func() mapping.GTIN { return mapping.WithCheckDigit(400_000_000_000 + uint64(r.IntN(30_000))) }
	for p := range int32(12_000) {
		prod := Product{ID: "p"}
		add := func(g mapping.GTIN, v int) {
			n := want[g]
			switch {
			case n == nil:
				want[g] = &named{products: []int32{p}, variant: v}
			case n.products[0] == p && len(n.products) == 1:
				if n.variant != v {
					n.variant = -1
				}
			case !slices.Contains(n.products, p):
				n.products = append(n.products, p)
			}
		}
		if p%4 == 0 {
			for k := range 3 {
				g := gtin()
				prod.Variants = append(prod.Variants, Variant{EAN: g.String()})
				add(g, k)
			}
		} else {
			g := gtin()
			prod.EAN = g.String()
			add(g, -1)
		}
		catalog = append(catalog, prod)
	}
	tb := newEANTable(catalog)
	shared := 0
	for g, n := range want {
		h := tb.get(g)
		switch {
		case len(n.products) > 1:
			shared++
			if !slices.Equal(h.shared, n.products) || h.p != -1 {
				t.Fatalf("%s: got %+v, want shared %v", g, h, n.products)
			}
		case h.shared != nil || h.p != n.products[0] || h.v != n.variant:
			t.Fatalf("%s: got %+v, want %d variant %d", g, h, n.products[0], n.variant)
		}
	}
	for range 1000 {
		g := mapping.WithCheckDigit(500_000_000_000 + uint64(r.IntN(1_000_000)))
		if h := tb.get(g); h.found() {
			t.Fatalf("%s is in no product: got %+v", g, h)
		}
	}
	if shared == 0 {
		t.Fatal("no shared barcode tested")
	}
	if newEANTable([]Product{{EAN: "7612345678901"}}) != nil || newEANTable(nil) != nil {
		t.Error("a table without a valid barcode")
	}
}

// eanCatalog has the barcodes of reconciletest.CatalogWithEANs (which this package's
// tests cannot import): a million products, one in ten with 3 to 8 sizes.
func eanCatalog(n int) []Product {
	cat := make([]Product, n)
	for i := range cat {
		ean := func(k int) string {
			return mapping.WithCheckDigit(760_000_000_000 + uint64(i)*16 + uint64(k+1)).String()
		}
		if i%10 == 3 {
			for k := range 3 + i%6 {
				cat[i].Variants = append(cat[i].Variants, Variant{EAN: ean(k)})
			}
			continue
		}
		cat[i].EAN = ean(-1)
	}
	return cat
}

// BenchmarkEANTable builds the barcode table of a million-product catalog and looks
// every barcode up once.
func BenchmarkEANTable(b *testing.B) {
	cat := eanCatalog(1_000_000)
	var gs []mapping.GTIN
	for i := range cat {
		if g, err := mapping.ParseGTIN(cat[i].EAN); err == nil {
			gs = append(gs, g)
		}
	}
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			newEANTable(cat)
		}
	})
	tb := newEANTable(cat)
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			for _, g := range gs {
				if !tb.get(g).found() {
					b.Fatal(g)
				}
			}
		}
	})
}
