package reconcile

import (
	"sort"

	"github.com/ecrin-connect/ecrin/mapping"
)

// Reconcile decides, for every catalog product, what the shop must show.
func Reconcile(in Input) Plan {
	var plan Plan
	type entry struct {
		qty   int
		price int64
		src   string
	}
	byKey := make(map[string][]int, len(in.Catalog)) // brand+key → catalog indexes
	for i, p := range in.Catalog {
		k := p.Brand + "\x00" + mapping.Key(p.Ref)
		byKey[k] = append(byKey[k], i)
	}
	seen := make(map[int]*entry)
	unmapped := map[string]int{}
	for _, l := range in.Lines {
		plan.Stats.Lines++
		if l.Brand == "" {
			plan.Stats.Unmapped++
			unmapped[l.ERPBrand]++
			continue
		}
		idx := byKey[l.Brand+"\x00"+l.Key]
		if len(idx) != 1 {
			plan.Stats.Unmatched++
			plan.Findings.Unmatched = append(plan.Findings.Unmatched, Unmatched{Line: l})
			continue
		}
		plan.Stats.Matched++
		if l.Excluded {
			continue
		}
		e := seen[idx[0]]
		if e == nil {
			e = &entry{src: l.Source}
			seen[idx[0]] = e
		}
		e.qty += l.Qty
		if l.HasPrice && l.PriceCents > e.price {
			e.price = l.PriceCents
		}
	}
	for i, p := range in.Catalog {
		d := Decision{ProductID: p.ID, Ref: p.Ref, Availability: Unavailable, Reason: ReasonAbsent}
		if e := seen[i]; e != nil {
			d.Source = e.src
			d.PriceCents = e.price
			d.Reason = ReasonNoStock
			if e.qty > 0 {
				d.Published, d.Availability, d.Quantity, d.Reason = true, InStock, e.qty, ReasonInStock
			}
		}
		if d.Published {
			plan.Stats.Published++
		} else {
			plan.Stats.Unpublished++
		}
		plan.Decisions = append(plan.Decisions, d)
	}
	sort.Slice(plan.Decisions, func(i, j int) bool {
		a, b := plan.Decisions[i], plan.Decisions[j]
		if a.ProductID != b.ProductID {
			return a.ProductID < b.ProductID
		}
		return a.VariantID < b.VariantID
	})
	for b, n := range unmapped {
		plan.Findings.UnmappedBrands = append(plan.Findings.UnmappedBrands, BrandCount{b, n})
	}
	sort.Slice(plan.Findings.UnmappedBrands, func(i, j int) bool {
		return plan.Findings.UnmappedBrands[i].Brand < plan.Findings.UnmappedBrands[j].Brand
	})
	return plan
}
