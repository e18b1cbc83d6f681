package reconcile

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
)

// CatalogProblem is an id the shop's catalog gives to more than one product, or to
// more than one size variant. Such a catalog is an error of the shop: which of the
// two is meant cannot be known, and reconciling it unpublishes products in stock.
type CatalogProblem struct {
	Kind  string // CatalogProduct or CatalogVariant
	ID    string // the repeated id ("" for products or variants without an id)
	Count int    // how many times it appears
}

// Kinds of CatalogProblem.
const (
	CatalogProduct = "product"
	CatalogVariant = "variant"
)

func (p CatalogProblem) String() string {
	return fmt.Sprintf("%s id %q ×%d", p.Kind, p.ID, p.Count)
}

// CatalogProblems lists the repeated product ids and variant ids of a catalog
// (a variant id must be unique across the catalog, as the shop addresses it), in
// the order product ids then variant ids, each sorted. An empty id counts as
// repeated when more than one product (or variant) has none; one product with
// an empty id is listed too. Nil when the catalog is sound.
//
// It keeps a 4-byte hash per id, not the ids, and radix-sorts a copy: on a
// catalog of 1M products of one size each it adds 24 MB for a moment, and about
// 0.1 s of CPU. The ids whose hash repeats are
// then counted exactly, so a hash collision is never reported.
func CatalogProblems(catalog []Product) []CatalogProblem {
	pSeed, vSeed := maphash.MakeSeed(), maphash.MakeSeed()
	n := len(catalog)
	for i := range catalog {
		n += len(catalog[i].Variants)
	}
	h := make([]uint32, 0, n)
	for i := range catalog {
		h = append(h, uint32(maphash.String(pSeed, catalog[i].ID)))
		for _, v := range catalog[i].Variants {
			h = append(h, uint32(maphash.String(vSeed, v.ID)))
		}
	}
	susp := repeated(h)
	if len(susp) == 0 && !emptyID(catalog) {
		return nil
	}
	// A 2^16-bit filter of the suspect hashes turns most ids away before the map.
	var filter [1 << 16 / 64]uint64
	for x := range susp {
		filter[(x&0xffff)/64] |= 1 << (x % 64)
	}
	suspect := func(x uint32) bool { return filter[(x&0xffff)/64]&(1<<(x%64)) != 0 && susp[x] }
	// Count exactly the ids whose hash repeats (or that are empty); h still holds
	// the hashes in catalog order.
	pc, vc := map[string]int{}, map[string]int{}
	j := 0
	for i := range catalog {
		p := &catalog[i]
		if p.ID == "" || suspect(h[j]) {
			pc[p.ID]++
		}
		j++
		for _, v := range p.Variants {
			if v.ID == "" || suspect(h[j]) {
				vc[v.ID]++
			}
			j++
		}
	}
	var out []CatalogProblem
	for _, k := range []struct {
		kind   string
		counts map[string]int
	}{{CatalogProduct, pc}, {CatalogVariant, vc}} {
		ids := make([]string, 0, len(k.counts))
		for id, n := range k.counts {
			if n > 1 || id == "" {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			out = append(out, CatalogProblem{Kind: k.kind, ID: id, Count: k.counts[id]})
		}
	}
	return out
}

// repeated returns the values that occur more than once in h, left as it is
// (a copy is radix-sorted, two passes of 16 bits).
func repeated(h []uint32) map[uint32]bool {
	h, tmp := slices.Clone(h), make([]uint32, len(h))
	var count [1 << 16]int
	for _, shift := range []uint{0, 16} {
		clear(count[:])
		for _, x := range h {
			count[(x>>shift)&0xffff]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, x := range h {
			d := (x >> shift) & 0xffff
			tmp[count[d]] = x
			count[d]++
		}
		h, tmp = tmp, h
	}
	var out map[uint32]bool
	for i := 1; i < len(h); i++ {
		if h[i] == h[i-1] {
			if out == nil {
				out = map[uint32]bool{}
			}
			out[h[i]] = true
		}
	}
	return out
}

func emptyID(catalog []Product) bool {
	for i := range catalog {
		if catalog[i].ID == "" {
			return true
		}
		for _, v := range catalog[i].Variants {
			if v.ID == "" {
				return true
			}
		}
	}
	return false
}

// maxNamedIDs is how many repeated ids a guard message names.
const maxNamedIDs = 10

// catalogMessage says which ids repeat, the first maxNamedIDs of them.
func catalogMessage(problems []CatalogProblem) string {
	var b strings.Builder
	b.WriteString("the shop's catalog gives one id to several products or sizes, so which one is meant cannot be known: ")
	for i, p := range problems {
		if i == maxNamedIDs {
			fmt.Fprintf(&b, " and %d more", len(problems)-maxNamedIDs)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
	}
	b.WriteString("; the catalog must be corrected at the shop")
	return b.String()
}
