package reconcile

// This file holds the engine's options that a run sets before Plan.

// Reserve tells the engine what the shop sold online that the extract may still
// count: for each product (VariantID empty) or size variant, the quantity of its
// open web orders. Plan subtracts it from the extract's stock before deciding, so a
// piece sold online is not put back on sale by a till that has not recorded the
// sale yet. Only for shops that do not keep reservations themselves; a shop that
// does receives the stock on hand and subtracts its orders on its own.
//
// Targets the catalog does not have, or the extract does not name, are ignored; a
// stock never goes below zero. Call before Plan; the engine keeps sold.
func (e *Engine) Reserve(sold map[Target]int) { e.reserved = sold }

// applyReserved subtracts the reserved quantities from the running totals.
func (e *Engine) applyReserved() {
	if len(e.reserved) == 0 {
		return
	}
	byID := make(map[string]int32, len(e.reserved))
	for t := range e.reserved {
		byID[t.ProductID] = -1
	}
	for i := range e.catalog {
		if _, ok := byID[e.catalog[i].ID]; ok {
			byID[e.catalog[i].ID] = int32(i)
		}
	}
	for t, n := range e.reserved {
		p := byID[t.ProductID]
		if p < 0 || n <= 0 {
			continue
		}
		prod := &e.catalog[p]
		target := e.base[p]
		if t.VariantID != "" {
			v := -1
			for i := range prod.Variants {
				if prod.Variants[i].ID == t.VariantID {
					v = i
					break
				}
			}
			if v < 0 {
				continue
			}
			target += int32(1 + v)
		} else if len(prod.Variants) > 0 {
			continue // a declinable product's stock is its sizes'
		}
		a := &e.aggs[target]
		if a.lines == 0 {
			continue
		}
		a.qty = max(a.qty-int32(min(n, 1<<30)), 0)
	}
}

// LimitSuggestions makes Plan look for suggestions for the first n unmatched
// lines only (by brand, then key): a nightly run lists the references to rewrite
// night after night, and searching a million-product catalog for tens of thousands
// of them every night costs more than the rest of the night. 0 (the default): all
// of them, as a precheck wants.
func (e *Engine) LimitSuggestions(n int) { e.maxSuggest = n }

// suggestable returns the unmatched lines Plan looks for suggestions for.
func (e *Engine) suggestable(um []Unmatched) []Unmatched {
	if e.maxSuggest > 0 && len(um) > e.maxSuggest {
		return um[:e.maxSuggest]
	}
	return um
}
