package reconcile

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ecrin-connect/ecrin/mapping"
)

// Plan decides every catalog target from the lines added so far and sorts the
// findings. It is meant to be called once, after the last Add; calling it again
// gives the same plan.
func (e *Engine) Plan() Plan {
	e.applyReserved()
	srcs := e.srcs // the plan formats its decisions' lines with them (Plan.Source)
	plan := Plan{Lines: e.status, MatchedBy: e.matchedBy, Stats: e.stats, srcs: &srcs}
	st := &plan.Stats
	held := e.heldProducts()
	plan.Decisions = make([]Decision, 0, len(e.aggs))
	if n := e.sizesWithoutPrice(); n > 0 {
		plan.Findings.SizesWithoutPrice = make([]SizeWithoutPrice, 0, n)
	}
	plan.byID = e.byID()
	for _, p := range plan.byID {
		prod := &e.catalog[p]
		st.Products++
		if prod.Published {
			st.WasPublished++
		}
		if held[p] {
			st.AmbiguousProducts++
			continue
		}
		from := len(plan.Decisions)
		plan.Decisions = e.decideProduct(p, plan.Decisions, &plan.Findings)
		pd := &plan.Decisions[from]
		leaves := plan.Decisions[from:]
		if len(leaves) > 1 {
			leaves = leaves[1:]
		}
		for i := range leaves {
			switch d := &leaves[i]; {
			case d.Reason == ReasonShowcase:
				st.Showcase++
			case d.Availability == Preorder:
				st.Preorder++
			case d.Availability == Backorder:
				st.Backorder++
			}
		}
		if pd.Published {
			st.Published++
		} else {
			st.Unpublished++
			if prod.Published {
				st.Unpublishing++
			}
		}
	}
	st.Targets = len(plan.Decisions)

	f := &plan.Findings
	f.Excluded = e.f.Excluded
	slices.SortFunc(f.Excluded, func(a, b Excluded) int { return compareLine(&a.Line, &b.Line) })
	f.RowErrors = e.f.RowErrors
	slices.SortFunc(f.RowErrors, func(a, b RowError) int { return compareLine(&a.Line, &b.Line) })
	f.UnknownSizes = e.f.UnknownSizes
	slices.SortFunc(f.UnknownSizes, func(a, b UnknownSize) int {
		return cmp.Or(strings.Compare(a.ProductID, b.ProductID), strings.Compare(a.Size, b.Size), compareLine(&a.Line, &b.Line))
	})
	f.EANConflicts = e.f.EANConflicts
	slices.SortFunc(f.EANConflicts, func(a, b EANConflict) int { return compareLine(&a.Line, &b.Line) })
	f.BadEANs = e.f.BadEANs
	slices.SortFunc(f.BadEANs, func(a, b BadEAN) int { return compareLine(&a.Line, &b.Line) })
	f.Unmatched = e.f.Unmatched
	slices.SortFunc(f.Unmatched, func(a, b Unmatched) int {
		return cmp.Or(strings.Compare(a.Brand, b.Brand), strings.Compare(a.Key, b.Key), compareLine(&a.Line, &b.Line))
	})
	e.suggest(e.suggestable(f.Unmatched))
	f.Ambiguous = e.ambiguous()
	f.UnmappedBrands = e.unmappedBrands()
	return plan
}

// sizesWithoutPrice counts the SizesWithoutPrice findings to come, to allocate
// them at once.
func (e *Engine) sizesWithoutPrice() int {
	n := 0
	for p := range e.catalog {
		vs := e.catalog[p].Variants
		if len(vs) == 0 {
			continue
		}
		t := e.base[p] + 1
		seen, missing := false, 0
		for v := range vs {
			switch {
			case e.aggs[t+int32(v)].lines == 0:
				missing++
			case e.aflags[t+int32(v)]&aggHasPrice == 0:
				n++
				seen = true
			default:
				seen = true
			}
		}
		if seen {
			n += missing
		}
	}
	return n
}

// heldProducts are the products of an ambiguous key that the extract names without
// an exact match: they are left as the shop has them.
func (e *Engine) heldProducts() map[int32]bool {
	held := make(map[int32]bool)
	for _, g := range e.groups {
		if len(g.lines) == 0 {
			continue
		}
		for _, p := range g.products {
			if !g.exactHit[p] {
				held[p] = true
			}
		}
	}
	return held
}

// byID returns the catalog indexes in product id order.
func (e *Engine) byID() []int32 {
	order := make([]int32, len(e.catalog))
	for i := range order {
		order[i] = int32(i)
	}
	byID := func(a, b int32) int { return strings.Compare(e.catalog[a].ID, e.catalog[b].ID) }
	if !slices.IsSortedFunc(order, byID) {
		slices.SortStableFunc(order, byID)
	}
	return order
}

// ruleMemo evaluates a product's rules once, when first needed.
type ruleMemo struct {
	e     *Engine
	p     *Product
	brand string
	done  [3]bool
	delay [3]int
	ok    [3]bool
}

const (
	rulePreorder = iota
	ruleBackorder
	ruleShowcase
)

func (r *ruleMemo) get(kind int) (int, bool) {
	if r.done[kind] {
		return r.delay[kind], r.ok[kind]
	}
	r.done[kind] = true
	rules := [...][]scope{r.e.preorder, r.e.backorder, r.e.showcase}[kind]
	if len(rules) == 0 {
		return 0, false
	}
	category := r.e.foldCategory(r.p.Category)
	for i := range rules {
		if rules[i].covers(r.p, r.brand, category) {
			r.delay[kind], r.ok[kind] = rules[i].delay, true
			break
		}
	}
	return r.delay[kind], r.ok[kind]
}

// foldCategory folds a catalog category, once per spelling.
func (e *Engine) foldCategory(c string) string {
	f, ok := e.categories[c]
	if !ok {
		f = mapping.FoldBrand(c)
		e.categories[c] = f
	}
	return f
}

// decideProduct appends the decisions of catalog product p: one for a simple
// product; one for a declinable product followed by one per variant, by variant id.
func (e *Engine) decideProduct(p int32, out []Decision, f *Findings) []Decision {
	prod := &e.catalog[p]
	rules := ruleMemo{e: e, p: prod, brand: e.brandIDs[e.pbrand[p]].name}
	t := e.base[p]
	excluded := e.aflags[t]&aggExcluded != 0
	if len(prod.Variants) == 0 {
		out = append(out, Decision{})
		e.decide(&out[len(out)-1], prod, t, -1, false, excluded, &rules, f)
		return out
	}
	var order [16]int
	seen := false
	for v := range prod.Variants {
		if e.aggs[t+1+int32(v)].lines > 0 {
			seen = true
			break
		}
	}
	at := len(out)
	out = append(out, Decision{}) // the product's, filled from its variants below
	for _, v := range variantOrder(prod.Variants, order[:0]) {
		out = append(out, Decision{})
		e.decide(&out[len(out)-1], prod, t+1+int32(v), v, seen, excluded, &rules, f)
	}
	pd := &out[at]
	pd.ProductID, pd.Ref = prod.ID, prod.Ref
	best := -1
	for i := range out[at+1:] {
		d := &out[at+1+i]
		pd.Published = pd.Published || d.Published
		pd.Rule = max(pd.Rule, d.Rule)
		pd.Quantity += d.Quantity
		pd.Lines += d.Lines
		if d.Line != 0 && (pd.Line == 0 || e.srcs.compare(uint32(d.Line-1), uint32(pd.Line-1)) < 0) {
			pd.Line = d.Line
		}
		if best < 0 || reasonRank(d.Reason) < reasonRank(out[at+1+best].Reason) {
			best = i
		}
	}
	b := &out[at+1+best]
	pd.Availability, pd.RestockDays, pd.Reason = b.Availability, b.RestockDays, b.Reason
	return out
}

// variantOrder returns the variant indexes by variant id, in buf.
func variantOrder(vs []Variant, buf []int) []int {
	for i := range vs {
		buf = append(buf, i)
	}
	byID := func(a, b int) int { return strings.Compare(vs[a].ID, vs[b].ID) }
	if !slices.IsSortedFunc(buf, byID) {
		slices.SortStableFunc(buf, byID)
	}
	return buf
}

// reasonRank orders reasons from the best for a product to the worst: a declinable
// product shows its best variant's.
func reasonRank(r Reason) int {
	switch r {
	case ReasonInStock:
		return 0
	case ReasonPreorder:
		return 1
	case ReasonBackorder:
		return 2
	case ReasonShowcase:
		return 3
	case ReasonNoStock:
		return 4
	case ReasonNoPrice:
		return 5
	case ReasonExcluded:
		return 6
	}
	return 7
}

// decide applies the decision table to one target: a simple product (v < 0) or
// variant v of a declinable product. seen says whether the extract names another
// size of the product; excluded whether an excluded line names the product.
func (e *Engine) decide(d *Decision, prod *Product, t int32, v int, seen, excluded bool, rules *ruleMemo, f *Findings) {
	d.ProductID, d.Ref, d.Availability = prod.ID, prod.Ref, Unavailable
	if v >= 0 {
		d.VariantID, d.Size = prod.Variants[v].ID, prod.Variants[v].Size
	}
	a := &e.aggs[t]
	if a.lines == 0 {
		switch {
		case excluded:
			d.Reason = ReasonExcluded
		case v >= 0 && seen:
			d.Reason = ReasonNoPrice
			f.SizesWithoutPrice = append(f.SizesWithoutPrice, SizeWithoutPrice{ProductID: d.ProductID, VariantID: d.VariantID,
				Ref: d.Ref, Size: d.Size, Why: NoPriceNotInExtract})
		default:
			if _, ok := rules.get(ruleShowcase); !ok {
				d.Reason = ReasonAbsent
				break
			}
			d.Published, d.Reason = true, ReasonShowcase
			if delay, ok := rules.get(ruleBackorder); ok {
				d.Availability, d.RestockDays = Backorder, delay
			}
		}
		return
	}
	hasPrice := e.aflags[t]&aggHasPrice != 0
	d.Lines = a.lines
	if hasPrice {
		d.PriceCents = a.price
	}
	if a.lines > 1 {
		d.Line = e.conflicts(d, e.dups[t], f)
		for _, s := range e.dups[t] {
			d.Rule = max(d.Rule, e.matchedBy[s.src])
		}
	} else {
		d.Line = e.srcs.ref(a.src)
		d.Rule = e.matchedBy[a.src]
	}
	switch {
	case v >= 0 && !hasPrice:
		d.Reason = ReasonNoPrice
		f.SizesWithoutPrice = append(f.SizesWithoutPrice, SizeWithoutPrice{ProductID: d.ProductID, VariantID: d.VariantID,
			Ref: d.Ref, Size: d.Size, Why: NoPriceNoPrice, Sources: e.sources(t)})
	case a.qty > 0:
		d.Published, d.Availability, d.Quantity, d.Reason = true, InStock, int(a.qty), ReasonInStock
	default:
		if delay, ok := rules.get(rulePreorder); ok && a.onOrder > 0 {
			d.Published, d.Availability, d.RestockDays, d.Reason = true, Preorder, delay, ReasonPreorder
		} else if delay, ok := rules.get(ruleBackorder); ok {
			d.Published, d.Availability, d.RestockDays, d.Reason = true, Backorder, delay, ReasonBackorder
		} else {
			d.Reason = ReasonNoStock
		}
	}
}

// conflicts reports the differing prices of a target fed by several lines and
// returns its first line in the natural order of sources.
func (e *Engine) conflicts(d *Decision, dups []sighting, f *Findings) LineRef {
	first := dups[0].src
	var prices []int64
	for _, s := range dups[1:] {
		if e.srcs.compare(s.src, first) < 0 {
			first = s.src
		}
	}
	for _, s := range dups {
		if s.has && !slices.Contains(prices, s.price) {
			prices = append(prices, s.price)
		}
	}
	if len(prices) > 1 {
		slices.Sort(prices)
		f.PriceConflicts = append(f.PriceConflicts, PriceConflict{ProductID: d.ProductID, VariantID: d.VariantID,
			Ref: d.Ref, Size: d.Size, Prices: prices, Kept: d.PriceCents, Sources: e.sightingSources(dups)})
	}
	return e.srcs.ref(first)
}

// sources returns the source lines of a target, in natural order.
func (e *Engine) sources(t int32) []string {
	if e.aggs[t].lines > 1 {
		return e.sightingSources(e.dups[t])
	}
	return []string{e.srcs.source(e.aggs[t].src)}
}

func (e *Engine) sightingSources(dups []sighting) []string {
	out := make([]string, len(dups))
	for i, s := range dups {
		out[i] = e.srcs.source(s.src)
	}
	slices.SortFunc(out, compareSource)
	return out
}

// suggest fills the suggestions of the unmatched lines (sorted by brand and key):
// the products the line's barcode names first (another brand's), then, once per
// distinct key, the catalog reference the key names once the brand's name typed in
// front of it is taken off (TISSOT-T120… → T120…), then the nearest keys of the
// brand by edit distance.
func (e *Engine) suggest(um []Unmatched) { e.suggestWith(um, runtime.GOMAXPROCS(0)) }

// suggestWith is suggest on up to workers goroutines: the brands' indexes are built
// in parallel, then the distinct keys are looked up in parallel, each worker with
// its own searchers; every key's suggestions are placed by its position, so that
// the result does not depend on workers.
func (e *Engine) suggestWith(um []Unmatched, workers int) {
	if len(um) == 0 {
		return
	}
	workers = max(1, workers)
	var ready []*brandSuggester // by brand id, built beforehand (PrepareSuggestions)
	if e.prep != nil {
		<-e.prep.done
		if e.prep.failed != nil {
			panic(e.prep.failed)
		}
		ready = e.prep.indexes
	}
	// The first line of each distinct key, and the brands they need.
	var firsts []int
	indexes := make([]*brandSuggester, len(e.brandIDs))
	var build []*brandIndex
	for i := range um {
		if i == 0 || um[i].Brand != um[i-1].Brand || um[i].Key != um[i-1].Key {
			firsts = append(firsts, i)
			b := e.brands[um[i].Brand]
			if b == nil || um[i].Key == "" || indexes[b.id] != nil {
				continue
			}
			if int(b.id) < len(ready) && ready[b.id] != nil {
				indexes[b.id] = ready[b.id]
				continue
			}
			indexes[b.id] = &brandSuggester{}
			build = append(build, b)
		}
	}
	if len(build) > 0 {
		products := e.brandProducts(build)
		parallel(len(build), workers, func(int) func(int) {
			return func(j int) { indexes[build[j].id] = e.brandSuggester(build[j], products[build[j].id]) }
		})
	}
	byKey := make([][]Suggestion, len(firsts))
	parallel(len(firsts), workers, func(int) func(int) {
		searchers := make([]*mapping.Searcher, len(indexes)) // this worker's, by brand id
		var buf []byte                                       // and its scratch for keys
		return func(j int) {
			u := &um[firsts[j]]
			b := e.brands[u.Brand]
			if b == nil || u.Key == "" {
				return
			}
			if searchers[b.id] == nil {
				searchers[b.id] = indexes[b.id].near.NewSearcher()
			}
			byKey[j] = e.suggestKey(u, b, searchers[b.id], &buf)
		}
	})
	k := -1
	for i := range um {
		if k+1 < len(firsts) && firsts[k+1] == i {
			k++
		}
		um[i].Suggestions = nil
		// The line's barcode naming a product (another brand's: the same brand's
		// would have matched) comes first: it is the strongest evidence.
		ean := e.eanSuggestions(um[i].Line.EAN, e.brands[um[i].Brand])
		if ean == nil {
			um[i].Suggestions = byKey[k]
			continue
		}
		for _, s := range byKey[k] {
			if !slices.ContainsFunc(ean, func(x Suggestion) bool { return x.ProductID == s.ProductID }) {
				ean = append(ean, s)
			}
		}
		um[i].Suggestions = ean[:min(len(ean), mapping.MaxSuggestions)]
	}
}

// parallel runs do(j) for j in [0, n) on up to workers goroutines; worker(w)
// returns the do of worker w, so that each may keep its own scratch. Items are
// handed out in small batches, in order.
func parallel(n, workers int, worker func(w int) func(j int)) {
	workers = min(workers, n)
	if workers <= 1 {
		if n > 0 {
			do := worker(0)
			for j := range n {
				do(j)
			}
		}
		return
	}
	const batch = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		do := worker(w)
		wg.Go(func() {
			for {
				lo := int(next.Add(batch)) - batch
				if lo >= n {
					return
				}
				for j := lo; j < min(lo+batch, n); j++ {
					do(j)
				}
			}
		})
	}
	wg.Wait()
}

// eanSuggestions are the products a line's barcode names, nil when none; b is the
// line's catalog brand.
func (e *Engine) eanSuggestions(ean string, b *brandIndex) []Suggestion {
	if e.eans == nil || ean == "" {
		return nil
	}
	g, err := mapping.ParseGTIN(ean)
	if err != nil {
		return nil
	}
	h := e.eans.get(g)
	if !h.found() {
		return nil
	}
	var out []Suggestion
	for _, p := range h.candidates() {
		out = append(out, Suggestion{Ref: e.catalog[p].Ref, ProductID: e.catalog[p].ID, Rule: SuggestEAN,
			OtherBrand: b == nil || e.pbrand[p] != b.id})
	}
	return out
}

type brandSuggester struct {
	near *mapping.Index
}

// suggestKey returns the suggestions for an unmatched line's key: first the catalog
// reference the key names once the brand's name typed in front of it is taken off,
// then the nearest keys of the brand by edit distance. b is the line's brand, near
// a searcher of its index, buf scratch.
func (e *Engine) suggestKey(u *Unmatched, b *brandIndex, near *mapping.Searcher, buf *[]byte) []Suggestion {
	var out []Suggestion
	seen := map[int32]bool{}
	for _, prefix := range []string{mapping.Key(u.Brand), mapping.Key(u.Line.ERPBrand)} {
		rest, ok := strings.CutPrefix(u.Key, prefix)
		if !ok || prefix == "" || rest == "" {
			continue
		}
		for _, p := range e.productsOfKey(b, rest, buf) {
			if !seen[p] {
				seen[p] = true
				out = append(out, Suggestion{Ref: e.catalog[p].Ref, ProductID: e.catalog[p].ID, Rule: SuggestBrandPrefix})
			}
		}
	}
	out = append(out, e.typos(near, b, buf, u.Key, seen)...)
	return out[:min(len(out), mapping.MaxSuggestions)]
}

// brandProducts lists, by brand id, the catalog products of the brands, in catalog
// order.
func (e *Engine) brandProducts(brands []*brandIndex) [][]int32 {
	out := make([][]int32, len(e.brandIDs))
	for _, b := range brands {
		out[b.id] = make([]int32, 0, b.products)
	}
	for p, b := range e.pbrand {
		if out[b] != nil {
			out[b] = append(out[b], int32(p))
		}
	}
	return out
}

// productsOfKey returns the catalog products of brand b whose key is key, in
// catalog order, from the engine's key table; buf is the caller's scratch. It only
// reads the engine: look-ups may run at the same time.
func (e *Engine) productsOfKey(b *brandIndex, key string, buf *[]byte) []int32 {
	if key == "" {
		return nil
	}
	h := keyHash(b.id, key)
	tag := uint8(h >> 56)
	t := &e.byKey
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		switch v := t.slots[i]; {
		case v == 0:
			return nil
		case v > 0:
			if p := v - 1; e.keyTag[p] == tag && e.pbrand[p] == b.id {
				*buf = b.appendKey((*buf)[:0], e.catalog[p].Ref)
				if string(*buf) == key {
					return []int32{p}
				}
			}
		default:
			if g := e.groups[-v-1]; e.pbrand[g.products[0]] == b.id && g.key == key {
				return g.products
			}
		}
	}
}

// brandSuggester builds the suggestion index of brand b, whose products are
// products. The keys are computed into one buffer, made a string once.
func (e *Engine) brandSuggester(b *brandIndex, products []int32) *brandSuggester {
	buf := make([]byte, 0, 16*len(products))
	ends := make([]int, len(products))
	for j, p := range products {
		buf = b.appendKey(buf, e.catalog[p].Ref)
		ends[j] = len(buf)
	}
	all := string(buf)
	ix := &brandSuggester{near: &mapping.Index{}}
	start := 0
	for j, p := range products {
		k := all[start:ends[j]]
		start = ends[j]
		ix.near.Add(k, int(p))
	}
	ix.near.Build()
	return ix
}

// suggestPrep is the suggestion indexes of every catalog brand, built in the
// background (PrepareSuggestions).
type suggestPrep struct {
	done    chan struct{}
	indexes []*brandSuggester // by brand id
	failed  any               // what the build panicked with
}

// PrepareSuggestions starts building, in the background, the suggestion indexes of
// every catalog brand, for Plan to find them ready: a precheck, which suggests for
// many lines of every brand, builds them while the extract is read. Call it before
// the first Add. The indexes are those Plan would build: the suggestions are the
// same.
func (e *Engine) PrepareSuggestions() {
	if e.prep != nil {
		return
	}
	brands := slices.Clone(e.brandIDs) // Add may add brands: the catalog's are these
	var build []*brandIndex
	for _, b := range brands {
		if b.products > 0 {
			build = append(build, b)
		}
	}
	products := e.brandProducts(build)
	prep := &suggestPrep{done: make(chan struct{}), indexes: make([]*brandSuggester, len(brands))}
	e.prep = prep
	go func() {
		defer close(prep.done)
		defer func() { prep.failed = recover() }() // raised again by Plan, in its goroutine
		for _, b := range build {
			prep.indexes[b.id] = e.brandSuggester(b, products[b.id])
		}
	}()
}

// typos returns the catalog keys one typo away from key: two neighbouring
// characters swapped first (the typist had every character right), then one
// character wrong, missing or extra (two for keys of 16 characters or more). A
// reference further away is another article, not a misspelling: nothing is
// suggested for it.
//
// Swaps are found by looking up every swapped spelling of the key exactly; the other
// typos through the index with the tightest distance, so that its trigram filter
// leaves few keys to compare.
func (e *Engine) typos(near *mapping.Searcher, b *brandIndex, buf *[]byte, key string, skip map[int32]bool) []Suggestion {
	var out []Suggestion
	r := []rune(key)
	for i := 0; i+1 < len(r); i++ {
		if r[i] == r[i+1] {
			continue
		}
		r[i], r[i+1] = r[i+1], r[i]
		for _, p := range e.productsOfKey(b, string(r), buf) {
			if !skip[p] {
				skip[p] = true
				out = append(out, Suggestion{Ref: e.catalog[p].Ref, ProductID: e.catalog[p].ID, Distance: 1, Rule: SuggestSwapped})
			}
		}
		r[i], r[i+1] = r[i+1], r[i]
	}
	limit := 1
	if len(r) >= 16 {
		limit = 2
	}
	for _, m := range near.Nearest(key, mapping.MaxSuggestions+len(skip), limit) {
		if skip[int32(m.Item)] {
			continue
		}
		p := &e.catalog[m.Item]
		out = append(out, Suggestion{Ref: p.Ref, ProductID: p.ID, Distance: m.Distance, Rule: SuggestEditDistance})
	}
	return out
}

func (e *Engine) ambiguous() []Ambiguous {
	var out []Ambiguous
	for _, g := range e.groups {
		a := Ambiguous{Key: g.key, Lines: g.lines}
		for _, p := range g.products {
			a.Products = append(a.Products, ProductRef{ID: e.catalog[p].ID, Ref: e.catalog[p].Ref})
		}
		slices.SortFunc(a.Products, func(x, y ProductRef) int { return cmp.Or(strings.Compare(x.ID, y.ID), strings.Compare(x.Ref, y.Ref)) })
		slices.SortFunc(a.Lines, func(x, y Line) int { return compareLine(&x, &y) })
		a.Brand = e.catalog[g.products[0]].Brand
		for _, p := range g.products {
			if e.catalog[p].ID == a.Products[0].ID {
				a.Brand = e.catalog[p].Brand
				break
			}
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y Ambiguous) int {
		return cmp.Or(strings.Compare(mapping.FoldBrand(x.Brand), mapping.FoldBrand(y.Brand)), strings.Compare(x.Key, y.Key))
	})
	return out
}

func (e *Engine) unmappedBrands() []BrandCount {
	var out []BrandCount
	for _, a := range e.unmapped {
		out = append(out, BrandCount{Brand: a.spelling, Lines: a.lines, Sources: slices.Clone(a.sources)})
	}
	slices.SortFunc(out, func(x, y BrandCount) int {
		return cmp.Or(strings.Compare(mapping.FoldBrand(x.Brand), mapping.FoldBrand(y.Brand)), strings.Compare(x.Brand, y.Brand))
	})
	return out
}
