package reconcile

import (
	"math/bits"
	"slices"

	"github.com/ecrin-connect/ecrin/mapping"
)

// eanTable finds the catalog product, or the size of one, that a barcode names:
// an open-addressing table of GTINs (mapping.GTIN) without pointers, built only
// when the catalog has barcodes, at most two thirds full. A slot's key holds the
// GTIN in its low gtinBits bits (a GTIN has 14 digits at most: 47 bits) and the
// variant+1 above (0: the product); its value is the product's catalog index, or
// -(i+1) when several products share the GTIN (shared[i] lists them, in catalog
// order). Key and value are side by side in 12 bytes: a look-up costs one cache
// miss, not two.
type eanTable struct {
	slots  []eanSlot
	shared [][]int32
}

type eanSlot struct {
	lo, hi uint32 // the key, in two halves so that a slot takes 12 bytes
	val    int32
}

func (s *eanSlot) key() uint64 { return uint64(s.hi)<<32 | uint64(s.lo) }

func (s *eanSlot) setKey(k uint64) { s.lo, s.hi = uint32(k), uint32(k>>32) }

const (
	gtinBits = 47
	gtinMask = 1<<gtinBits - 1
	// maxEANVariant is the most variants whose barcodes the table tells apart; a
	// product with more has its further sizes' barcodes name the product.
	maxEANVariant = 1<<(64-gtinBits) - 2
)

// newEANTable indexes the valid barcodes of the catalog; nil when it has none.
// Invalid ones are left out: a catalog barcode never matches what it cannot be.
//
// A million barcodes inserted in catalog order land all over a table of tens of
// megabytes: a cache miss each. They are first sorted by the region of the table
// they hash to (a counting sort on eanBucketBits bits), then inserted region by
// region, so that the inserts of a region stay in a few kilobytes. Barcodes of one
// region keep their catalog order: the products that share one are listed in it.
func newEANTable(catalog []Product) *eanTable {
	type entry struct {
		g    uint64
		p, v int32
	}
	// each calls f with every valid barcode of the catalog, in catalog order.
	each := func(f func(g mapping.GTIN, p int32, v int)) {
		for i := range catalog {
			p := &catalog[i]
			if p.EAN != "" {
				if g, err := mapping.ParseGTIN(p.EAN); err == nil {
					f(g, int32(i), -1)
				}
			}
			for v := range p.Variants {
				if e := p.Variants[v].EAN; e != "" {
					if g, err := mapping.ParseGTIN(e); err == nil {
						f(g, int32(i), v)
					}
				}
			}
		}
	}
	var start [1<<eanBucketBits + 1]int32
	n := 0
	each(func(g mapping.GTIN, _ int32, _ int) {
		start[eanBucket(uint64(g))+1]++
		n++
	})
	if n == 0 {
		return nil
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	sorted := make([]entry, n)
	each(func(g mapping.GTIN, p int32, v int) {
		b := eanBucket(uint64(g))
		sorted[start[b]] = entry{uint64(g), p, int32(v)}
		start[b]++
	})
	t := &eanTable{slots: make([]eanSlot, n+n/2+1)} // at most two thirds full
	for _, e := range sorted {
		t.add(mapping.GTIN(e.g), e.p, int(e.v))
	}
	return t
}

// eanBucketBits is how finely newEANTable sorts barcodes by where they go in the
// table: 2048 regions, of a few kilobytes each for a million barcodes.
const eanBucketBits = 11

// eanHash spreads GTINs over 64 bits; a GTIN's slot and its bucket are the top bits
// of its hash, so that sorting by bucket sorts by slot region.
func eanHash(g uint64) uint64 { return g * 0x9E3779B97F4A7C15 }

func eanBucket(g uint64) int { return int(eanHash(g) >> (64 - eanBucketBits)) }

// slot returns the slot of GTIN g: the one holding it, else the empty one where it
// goes.
func (t *eanTable) slot(g uint64) *eanSlot {
	hi, _ := bits.Mul64(eanHash(g), uint64(len(t.slots)))
	for i := int(hi); ; {
		s := &t.slots[i]
		if k := s.key(); k == 0 || k&gtinMask == g {
			return s
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

// add records that GTIN g names product p, or its variant v (v ≥ 0). A barcode on a
// product and one of its sizes, or on two of its sizes, names the product.
func (t *eanTable) add(g mapping.GTIN, p int32, v int) {
	s := t.slot(uint64(g))
	vv := uint64(0)
	if v >= 0 && v < maxEANVariant {
		vv = uint64(v + 1)
	}
	switch old := s.val; {
	case s.key() == 0:
		s.setKey(uint64(g) | vv<<gtinBits)
		s.val = p
	case old == p:
		if s.key()>>gtinBits != vv {
			s.setKey(uint64(g))
		}
	case old >= 0:
		t.shared = append(t.shared, []int32{old, p})
		s.setKey(uint64(g))
		s.val = -int32(len(t.shared))
	default:
		if s := &t.shared[-old-1]; !slices.Contains(*s, p) {
			*s = append(*s, p)
		}
	}
}

// eanHit is what a barcode names: one product (p ≥ 0), and one of its sizes (v ≥
// 0) or none (v < 0); or several products (shared).
type eanHit struct {
	p      int32
	v      int
	shared []int32
}

func (h eanHit) found() bool { return h.p >= 0 || h.shared != nil }

// names reports whether the barcode names product p (among others, when shared).
func (h eanHit) names(p int32) bool {
	if h.shared != nil {
		return slices.Contains(h.shared, p)
	}
	return h.p == p
}

// candidates are the products the barcode names.
func (h eanHit) candidates() []int32 {
	if h.shared != nil {
		return h.shared
	}
	return []int32{h.p}
}

// get returns what GTIN g names.
func (t *eanTable) get(g mapping.GTIN) eanHit {
	s := t.slot(uint64(g))
	k := s.key()
	if k == 0 {
		return eanHit{p: -1, v: -1}
	}
	if s.val < 0 {
		return eanHit{p: -1, v: -1, shared: t.shared[-s.val-1]}
	}
	return eanHit{p: s.val, v: int(k>>gtinBits) - 1}
}
