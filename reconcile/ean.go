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
func newEANTable(catalog []Product) *eanTable {
	n := 0
	for i := range catalog {
		if catalog[i].EAN != "" {
			n++
		}
		for _, v := range catalog[i].Variants {
			if v.EAN != "" {
				n++
			}
		}
	}
	if n == 0 {
		return nil
	}
	size := n + n/2 + 1 // at most two thirds full
	t := &eanTable{slots: make([]eanSlot, size)}
	added := 0
	for i := range catalog {
		p := &catalog[i]
		if g, err := mapping.ParseGTIN(p.EAN); err == nil && p.EAN != "" {
			t.add(g, int32(i), -1)
			added++
		}
		for v := range p.Variants {
			if g, err := mapping.ParseGTIN(p.Variants[v].EAN); err == nil && p.Variants[v].EAN != "" {
				t.add(g, int32(i), v)
				added++
			}
		}
	}
	if added == 0 {
		return nil
	}
	return t
}

// slot returns the slot of GTIN g: the one holding it, else the empty one where it
// goes.
func (t *eanTable) slot(g uint64) *eanSlot {
	hi, _ := bits.Mul64(g*0x9E3779B97F4A7C15, uint64(len(t.slots)))
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
