package reconcile

import (
	"math"
	"slices"
	"strings"

	"github.com/ecrin-connect/ecrin/mapping"
)

// Engine reconciles an extract line by line, so that the caller never holds the
// whole extract: NewEngine with the catalog, Add every line, then Plan.
//
// Memory is bounded by the catalog: each line is folded into its target's running
// totals and only the lines that become findings are kept.
type Engine struct {
	catalog   []Product
	m         *mapping.Mapper // nil: identity brands, base keys
	preorder  []scope
	backorder []scope
	showcase  []scope

	brands   map[string]*brandIndex // by folded catalog brand
	rawBrand map[string]*brandIndex // by catalog brand as written
	erpBrand map[string]*brandIndex // by ERP brand as written; nil entry: unmapped
	brandIDs []*brandIndex          // by brandIndex.id
	pbrand   []int32                // catalog index → its brand's id
	keyTag   []uint8                // catalog index → 8 bits of its matching key's hash; the key is computed again to compare
	base     []int32                // catalog index → its first target (the product itself)
	aggs     []agg                  // target → running totals
	aflags   []uint8                // target → agg… flags
	dups     map[int32][]sighting   // target → every line, once it has more than one
	groups   []*group               // keys shared by several products
	byKey    keyTable               // (brand, key) → product or group
	eans     *eanTable              // GTIN → product or variant; nil when the catalog has no barcode

	sizeMemo   map[string]string // raw size → normalised, for the few spellings an extract uses
	categories map[string]string // catalog category → folded
	keyBuf     []byte            // the key of the line being added
	splitBuf   []byte            // its key once a size suffix is taken off
	cmpBuf     []byte            // a catalog product's key, computed again by lookup
	status     []LineStatus
	matchedBy  []MatchRule // by line, as status
	srcs       lineSources
	stats      Stats
	unmapped   map[string]*brandAcc // by folded ERP brand
	f          Findings             // line findings, sorted in Plan
	reserved   map[Target]int       // sold online, not yet in the till (Reserve)
	maxSuggest int                  // suggestions for this many unmatched lines at most (LimitSuggestions)
	prep       *suggestPrep         // the suggestion indexes built in the background, nil without PrepareSuggestions
}

// brandIndex holds a catalog brand's products by key.
type brandIndex struct {
	id       int32          // in Engine.brandIDs
	name     string         // folded
	keyer    *mapping.Keyer // nil: mapping.Key
	products int32          // how many catalog products it has (Engine.pbrand names them)
}

func (b *brandIndex) appendKey(dst []byte, ref string) []byte {
	if b.keyer == nil {
		return mapping.AppendKey(dst, ref)
	}
	return b.keyer.AppendKey(dst, ref)
}

func (b *brandIndex) appendKeyHow(dst []byte, ref string) ([]byte, mapping.KeyHow) {
	if b.keyer == nil {
		return mapping.AppendKey(dst, ref), 0
	}
	return b.keyer.AppendKeyHow(dst, ref)
}

// agg is the running total of a target, without pointers: its flags are in
// Engine.aflags, its first line's source in Engine.srcs.
type agg struct {
	price        int64  // the first line's price; the highest once it has several lines
	src          uint32 // the first line (natural order once Plan has compared them), by index
	qty, onOrder int32
	lines        int32
}

// Flags of a target's running total (Engine.aflags).
const (
	aggHasPrice uint8 = 1 << iota
	aggExcluded       // an excluded line named the product
)

// sighting is one line of a target fed by several.
type sighting struct {
	price int64
	src   uint32 // the line, by index
	has   bool
}

// group is a key several catalog products share.
type group struct {
	key      string
	products []int32
	exact    []string // the products' references, trimmed and upper-cased
	lines    []Line
	exactHit map[int32]bool // products matched exactly by a line
}

// brandAcc counts an unmapped ERP brand.
type brandAcc struct {
	spelling string
	lines    int
	sources  []string // the smallest, at most MaxSources
}

// NewEngine prepares a reconcile against catalog with the site's rules; m may be nil
// (ERP brands are then catalog brands, references keyed by mapping.Key). The engine
// keeps catalog; the caller must not change it until Plan returns.
func NewEngine(catalog []Product, rules Rules, m *mapping.Mapper) *Engine {
	e := &Engine{
		catalog:    catalog,
		m:          m,
		preorder:   compileRules(rules.Preorder),
		backorder:  compileRules(rules.Backorder),
		showcase:   compileRules(rules.Showcase),
		brands:     make(map[string]*brandIndex),
		rawBrand:   make(map[string]*brandIndex),
		erpBrand:   make(map[string]*brandIndex),
		pbrand:     make([]int32, len(catalog)),
		base:       make([]int32, len(catalog)),
		dups:       make(map[int32][]sighting),
		unmapped:   make(map[string]*brandAcc),
		sizeMemo:   make(map[string]string),
		categories: make(map[string]string),
	}
	targets := 0
	for i := range catalog {
		targets += 1 + len(catalog[i].Variants)
		b := e.brandOf(catalog[i].Brand)
		e.pbrand[i] = b.id
		b.products++
	}
	e.byKey = newKeyTable(len(catalog))
	e.aggs = make([]agg, targets)
	e.aflags = make([]uint8, targets)
	// The engine keeps 8 bits of the hash of each product's key, not the key:
	// lookup computes the key of a product whose bits match again to compare it.
	e.keyTag = make([]uint8, len(catalog))
	var key []byte
	t := int32(0)
	for i := range catalog {
		p := &catalog[i]
		e.base[i] = t
		t++
		t += int32(len(p.Variants))
		b := e.brandIDs[e.pbrand[i]]
		key = b.appendKey(key[:0], p.Ref)
		if len(key) == 0 {
			continue
		}
		h := keyHash(b.id, key)
		e.keyTag[i] = uint8(h >> 56)
		slot := e.lookupHash(b.id, string(key), h)
		prev := e.byKey.slots[slot]
		switch {
		case prev == 0:
			e.byKey.slots[slot] = int32(i) + 1
		case prev > 0:
			g := &group{key: string(key), products: []int32{prev - 1, int32(i)}}
			e.groups = append(e.groups, g)
			e.byKey.slots[slot] = -int32(len(e.groups))
		default:
			g := e.groups[-prev-1]
			g.products = append(g.products, int32(i))
		}
	}
	for _, g := range e.groups {
		for _, p := range g.products {
			g.exact = append(g.exact, exactForm(catalog[p].Ref))
		}
	}
	e.eans = newEANTable(catalog)
	return e
}

// key returns the matching key of catalog product p.
func (e *Engine) key(p int32) string {
	return string(e.brandIDs[e.pbrand[p]].appendKey(nil, e.catalog[p].Ref))
}

// keyIs reports whether the matching key of catalog product p is key.
func (e *Engine) keyIs(p int32, key string) bool {
	e.cmpBuf = e.brandIDs[e.pbrand[p]].appendKey(e.cmpBuf[:0], e.catalog[p].Ref)
	return string(e.cmpBuf) == key
}

func (e *Engine) brandOf(catalogBrand string) *brandIndex {
	if b := e.rawBrand[catalogBrand]; b != nil {
		return b
	}
	f := mapping.FoldBrand(catalogBrand)
	b := e.brands[f]
	if b == nil {
		b = &brandIndex{id: int32(len(e.brandIDs)), name: f}
		e.brandIDs = append(e.brandIDs, b)
		if e.m != nil {
			b.keyer = e.m.KeyerFor(catalogBrand)
		}
		e.brands[f] = b
	}
	e.rawBrand[catalogBrand] = b
	return b
}

// exactForm is how references compare for an exact match: trimmed, upper case.
func exactForm(ref string) string { return strings.ToUpper(strings.TrimSpace(ref)) }

// mapBrand returns the catalog brand index of an ERP brand, nil when unmapped. A
// brand mapped to a catalog brand without products gets an empty index.
func (e *Engine) mapBrand(erpBrand string) *brandIndex {
	if b, ok := e.erpBrand[erpBrand]; ok {
		return b
	}
	var b *brandIndex
	if e.m == nil {
		b = e.brands[mapping.FoldBrand(erpBrand)]
	} else if cb, ok := e.m.Brand(erpBrand); ok {
		b = e.brandOf(cb)
	}
	e.erpBrand[erpBrand] = b
	return b
}

// Add reconciles one extract line.
func (e *Engine) Add(l Line) {
	e.srcs.addLine(uint32(len(e.status)), &l)
	st, rule := e.add(&l)
	switch st {
	case LineMatched, LineRowError, LineUnknownSize:
		e.stats.ByRule[rule]++
	default:
		rule = 0
	}
	e.status = append(e.status, st)
	e.matchedBy = append(e.matchedBy, rule)
	e.stats.Lines++
	switch st {
	case LineMatched:
		e.stats.Matched++
	case LineUnmapped:
		e.stats.Unmapped++
	case LineUnmatched:
		e.stats.Unmatched++
	case LineAmbiguous:
		e.stats.Ambiguous++
	case LineExcluded:
		e.stats.Excluded++
	case LineRowError:
		e.stats.RowErrors++
	case LineUnknownSize:
		e.stats.UnknownSize++
	case LineConflict:
		e.stats.Conflicts++
	}
}

// add matches one line: its exact reference, else its key (the brand's rules and
// aliases applied), else the reference without the size typed into it (size_suffix),
// else its barcode; a barcode that names another product than the reference is a
// conflict. It returns the line's status and what connected it.
func (e *Engine) add(l *Line) (LineStatus, MatchRule) {
	b := e.mapBrand(l.ERPBrand)
	if b == nil {
		e.countUnmapped(l)
		return LineUnmapped, 0
	}
	var gtin mapping.GTIN
	if l.EAN != "" {
		g, err := mapping.ParseGTIN(l.EAN)
		if err != nil {
			e.f.BadEANs = append(e.f.BadEANs, BadEAN{Line: *l, Code: mapping.GTINProblem(err)})
			e.stats.BadEANs++
		}
		gtin = g
	}
	var how mapping.KeyHow
	e.keyBuf, how = b.appendKeyHow(e.keyBuf[:0], l.Ref)
	key := e.keyBuf // a string only when a finding keeps it
	p := int32(-1)
	var g *group
	var rule MatchRule
	if len(key) > 0 && b.products > 0 {
		if at := e.byKey.slots[e.lookup(b.id, key)]; at > 0 {
			p = at - 1
			rule = e.keyRule(p, l, how)
		} else if at < 0 {
			g = e.groups[-at-1]
			if p = g.exactMatch(l.Ref); p >= 0 {
				rule = MatchExact
			}
		}
	}
	suffixSize := ""
	if p < 0 && g == nil && b.keyer != nil && b.products > 0 && b.keyer.HasSizeSuffix() {
		if p, suffixSize = e.splitSize(b, l); p >= 0 {
			rule = MatchSizeSuffix
		}
	}
	ean := eanHit{p: -1, v: -1}
	if gtin != 0 && e.eans != nil {
		ean = e.eans.get(gtin)
	}
	if l.Excluded {
		x := Excluded{Line: *l}
		if p < 0 && g == nil && ean.p >= 0 && e.pbrand[ean.p] == b.id {
			p = ean.p
		}
		if p >= 0 {
			x.ProductID = e.catalog[p].ID
			e.aflags[e.base[p]] |= aggExcluded
		}
		e.f.Excluded = append(e.f.Excluded, x)
		return LineExcluded, 0
	}
	eanSize := -1 // the size the barcode names
	if ean.found() {
		switch {
		case p >= 0: // the reference names p: the barcode must too
			if !ean.names(p) {
				e.conflict(l, ConflictEAN, gtin, []int32{p}, ean, -1)
				return LineConflict, 0
			}
			if ean.shared == nil {
				eanSize = ean.v
			}
		case g != nil: // the key names several products: the barcode may pick one
			in, n := int32(-1), 0
			for _, c := range g.products {
				if ean.names(c) {
					in, n = c, n+1
				}
			}
			switch n {
			case 0:
				e.conflict(l, ConflictEAN, gtin, g.products, ean, -1)
				return LineConflict, 0
			case 1:
				p, rule = in, MatchEAN
				if ean.shared == nil {
					eanSize = ean.v
				}
			}
		case ean.shared != nil: // the reference names nothing, the barcode several products
			e.conflict(l, ConflictSharedEAN, gtin, nil, ean, -1)
			return LineAmbiguous, 0
		case e.pbrand[ean.p] == b.id:
			p, rule, eanSize = ean.p, MatchEAN, ean.v
		}
		// Another brand's product: unmatched, and suggested (Plan).
	}
	switch {
	case p < 0 && g != nil:
		g.lines = append(g.lines, *l)
		return LineAmbiguous, 0
	case p < 0:
		e.f.Unmatched = append(e.f.Unmatched, Unmatched{Line: *l, Brand: b.name, Key: string(key)})
		return LineUnmatched, 0
	case g != nil:
		if g.exactHit == nil {
			g.exactHit = make(map[int32]bool)
		}
		g.exactHit[p] = true
	}
	t, st := e.target(p, l, suffixSize, eanSize, gtin)
	if st != LineMatched {
		return st, rule
	}
	e.feed(t, l)
	return LineMatched, rule
}

// keyRule says what connected a line to product p, found by its key: the exact
// reference, the key alone, the brand's rules or the alias table.
func (e *Engine) keyRule(p int32, l *Line, how mapping.KeyHow) MatchRule {
	ref := e.catalog[p].Ref
	switch {
	case strings.EqualFold(strings.TrimSpace(l.Ref), strings.TrimSpace(ref)):
		return MatchExact
	case how&mapping.KeyByAlias != 0:
		return MatchAlias
	case how&mapping.KeyByRules != 0:
		// The rules changed the line's key; they connected it unless the base keys
		// were already the same.
		e.splitBuf = mapping.AppendKey(e.splitBuf[:0], l.Ref)
		n := len(e.splitBuf)
		e.splitBuf = mapping.AppendKey(e.splitBuf, ref)
		if string(e.splitBuf[:n]) != string(e.splitBuf[n:]) {
			return MatchBrandRule
		}
	}
	return MatchKey
}

// splitSize tries the brand's size_suffix rules on a line whose reference connects
// nothing: the product sold in sizes that the reference names without the size,
// and that size; -1 when none. A size column that says otherwise wins: no match.
func (e *Engine) splitSize(b *brandIndex, l *Line) (int32, string) {
	rest, size, ok := b.keyer.SplitSize(l.Ref)
	if !ok {
		return -1, ""
	}
	if l.RawSize != "" && e.normalizeSize(l.RawSize) != e.normalizeSize(size) {
		return -1, ""
	}
	e.splitBuf = b.appendKey(e.splitBuf[:0], rest)
	if len(e.splitBuf) == 0 {
		return -1, ""
	}
	at := e.byKey.slots[e.lookup(b.id, e.splitBuf)]
	if at <= 0 || len(e.catalog[at-1].Variants) == 0 {
		return -1, ""
	}
	return at - 1, size
}

// conflict records a line whose barcode disagrees with its reference (byRef, the
// products the reference names; sizeOf ≥ 0: the variant of byRef[0] the size column
// names) or names several products.
func (e *Engine) conflict(l *Line, kind string, gtin mapping.GTIN, byRef []int32, ean eanHit, sizeOf int) {
	c := EANConflict{Line: *l, Kind: kind, GTIN: gtin.String()}
	for _, p := range byRef {
		r := Candidate{ID: e.catalog[p].ID, Ref: e.catalog[p].Ref}
		if sizeOf >= 0 {
			v := &e.catalog[p].Variants[sizeOf]
			r.VariantID, r.Size = v.ID, v.Size
		}
		c.ByRef = append(c.ByRef, r)
	}
	for _, p := range ean.candidates() {
		r := Candidate{ID: e.catalog[p].ID, Ref: e.catalog[p].Ref}
		if ean.shared == nil && ean.v >= 0 {
			v := &e.catalog[p].Variants[ean.v]
			r.VariantID, r.Size = v.ID, v.Size
		}
		c.ByEAN = append(c.ByEAN, r)
	}
	byID := func(x, y Candidate) int { return strings.Compare(x.ID, y.ID) }
	slices.SortFunc(c.ByRef, byID)
	slices.SortFunc(c.ByEAN, byID)
	e.f.EANConflicts = append(e.f.EANConflicts, c)
}

// exactMatch returns the one product of the group whose reference is exactly ref,
// else -1.
func (g *group) exactMatch(ref string) int32 {
	x := exactForm(ref)
	found := int32(-1)
	for i, r := range g.exact {
		if r == x {
			if found >= 0 {
				return -1
			}
			found = g.products[i]
		}
	}
	return found
}

// target finds the target of a matched line: the product, or the variant of its
// size. The size is the line's, else the one typed into its reference (suffix),
// else the one its barcode names (eanSize ≥ 0); a size column that disagrees with
// the barcode is a conflict.
func (e *Engine) target(p int32, l *Line, suffix string, eanSize int, gtin mapping.GTIN) (int32, LineStatus) {
	prod := &e.catalog[p]
	t := e.base[p]
	n := len(prod.Variants)
	if n == 0 {
		return t, LineMatched
	}
	raw := l.RawSize
	if raw == "" {
		raw = suffix
	}
	size := e.normalizeSize(raw)
	if eanSize >= 0 && eanSize < n {
		if size == "" || e.normalizeSize(prod.Variants[eanSize].Size) == size {
			return t + 1 + int32(eanSize), LineMatched
		}
		for v := range n {
			if e.normalizeSize(prod.Variants[v].Size) == size {
				e.conflict(l, ConflictEANSize, gtin, []int32{p}, eanHit{p: p, v: eanSize}, v)
				return -1, LineConflict
			}
		}
		e.conflict(l, ConflictEANSize, gtin, []int32{p}, eanHit{p: p, v: eanSize}, -1)
		return -1, LineConflict
	}
	if size == "" {
		if n == 1 {
			return t + 1, LineMatched
		}
		e.f.RowErrors = append(e.f.RowErrors, RowError{Line: *l, Code: RowMissingSize, ProductID: prod.ID,
			Message: "no size on a product sold in several sizes"})
		return -1, LineRowError
	}
	for v := range n {
		if e.normalizeSize(prod.Variants[v].Size) == size {
			return t + 1 + int32(v), LineMatched
		}
	}
	e.f.UnknownSizes = append(e.f.UnknownSizes, UnknownSize{ProductID: prod.ID, Ref: prod.Ref, Size: size, Line: *l})
	return -1, LineUnknownSize
}

// maxSizeMemo bounds the size memo against an extract with a size per line.
const maxSizeMemo = 4096

func (e *Engine) normalizeSize(raw string) string {
	if s, ok := e.sizeMemo[raw]; ok {
		return s
	}
	s := mapping.NormalizeSize(raw)
	if len(e.sizeMemo) < maxSizeMemo {
		e.sizeMemo[raw] = s
	}
	return s
}

// feed adds a line to its target's totals.
func (e *Engine) feed(t int32, l *Line) {
	a := &e.aggs[t]
	a.qty = addQty(a.qty, l.Qty)
	a.onOrder = addQty(a.onOrder, l.OnOrder)
	a.lines++
	line := uint32(len(e.status)) // this line's index: Add appends its status after
	hasPrice := e.aflags[t]&aggHasPrice != 0
	if a.lines == 1 {
		a.src, a.price = line, l.PriceCents
		if l.HasPrice {
			e.aflags[t] |= aggHasPrice
		}
		return
	}
	if a.lines == 2 {
		e.dups[t] = append(e.dups[t], sighting{a.price, a.src, hasPrice})
	}
	e.dups[t] = append(e.dups[t], sighting{l.PriceCents, line, l.HasPrice})
	if l.HasPrice && (!hasPrice || l.PriceCents > a.price) {
		a.price = l.PriceCents
		e.aflags[t] |= aggHasPrice
	}
}

// addQty adds a line's quantity to a total: negative quantities count as 0, the
// total saturates instead of overflowing.
func addQty(total int32, q int) int32 {
	if q <= 0 {
		return total
	}
	return int32(min(int64(total)+int64(q), math.MaxInt32))
}

func (e *Engine) countUnmapped(l *Line) {
	f := mapping.FoldBrand(l.ERPBrand)
	a := e.unmapped[f]
	if a == nil {
		a = &brandAcc{spelling: l.ERPBrand}
		e.unmapped[f] = a
	}
	a.lines++
	src := l.Where()
	if len(a.sources) > 0 {
		c := compareSource(src, a.sources[0])
		if c < 0 || c == 0 && l.ERPBrand < a.spelling {
			a.spelling = l.ERPBrand
		}
	}
	i, _ := slices.BinarySearchFunc(a.sources, src, compareSource)
	if i < MaxSources {
		a.sources = slices.Insert(a.sources, i, src)
		if len(a.sources) > MaxSources {
			a.sources = a.sources[:MaxSources]
		}
	}
}

// Reconcile decides, for every catalog product, what the shop must show, from lines
// already in memory. It is NewEngine, Add and Plan.
func Reconcile(in Input) Plan {
	e := NewEngine(in.Catalog, in.Rules, in.Mapper)
	for _, l := range in.Lines {
		e.Add(l)
	}
	return e.Plan()
}

// keyTable finds a catalog product, or the group of products, by brand and key:
// an open-addressing table of int32, which the garbage collector does not scan,
// in place of a map of a million strings. A slot holds 0 (empty), catalog index+1,
// or -(group+1); a product's key is computed again from its reference (Engine.keyIs)
// when its hash matches, a group's is kept.
type keyTable struct {
	slots []int32
	mask  uint64
}

func newKeyTable(n int) keyTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return keyTable{slots: make([]int32, size), mask: uint64(size - 1)}
}

// lookup returns the slot of (brand, key): the one holding it, else the empty one
// where it goes.
func (e *Engine) lookup(brand int32, key []byte) int {
	return e.lookupHash(brand, string(key), keyHash(brand, key))
}

// keyHash hashes a brand and a key.
func keyHash[K string | []byte](brand int32, key K) uint64 {
	h := uint64(14695981039346656037) ^ uint64(uint32(brand))
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 1099511628211
	}
	return h ^ h>>29
}

// lookupHash is lookup with the hash of brand and key.
func (e *Engine) lookupHash(brand int32, key string, h uint64) int {
	tag := uint8(h >> 56)
	t := &e.byKey
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		switch v := t.slots[i]; {
		case v == 0:
			return int(i)
		case v > 0:
			if e.keyTag[v-1] == tag && e.pbrand[v-1] == brand && e.keyIs(v-1, key) {
				return int(i)
			}
		default:
			if g := e.groups[-v-1]; e.pbrand[g.products[0]] == brand && g.key == key {
				return int(i)
			}
		}
	}
}
