package reconcile

import (
	"math"
	"slices"
	"strings"
)

// Shown is what the shop shows for one target: the fields Decision.Same compares,
// all that Diff needs of the acknowledged state.
type Shown struct {
	Published    bool
	Availability Availability
	Quantity     int
	PriceCents   int64
	RestockDays  int
}

// Shown returns what the decision makes the shop show.
func (d Decision) Shown() Shown {
	return Shown{Published: d.Published, Availability: d.Availability, Quantity: d.Quantity,
		PriceCents: d.PriceCents, RestockDays: d.RestockDays}
}

// Acked is the state the shop last acknowledged: one Shown per target, sorted by
// product then variant id. It is held without pointers (ids back to back in one
// buffer, values packed), so that a million targets take a few dozen megabytes and
// cost the garbage collector nothing to scan. Build it with an AckedBuilder; it is
// read-only afterwards and safe for concurrent use.
type Acked struct {
	ids  string           // product id, then variant id, of every target, back to back
	ends []uint32         // target i's ids end at ends[i]
	plen []uint8          // target i's product id is plen[i] bytes long, or long[i] when longID
	long map[int32]uint32 // the product id lengths of longID bytes or more
	vals []shown          // by target
	odd  map[int32]Shown  // the targets whose values do not pack (vals[i].avail == availOdd)
}

// longID marks, in Acked.plen, a product id whose length is in Acked.long.
const longID = math.MaxUint8

// shown is a Shown packed without pointers.
type shown struct {
	price     int32 // cents: up to 21 million in the shop's currency
	qty       int32
	restock   int16
	published bool
	avail     uint8 // an avail… code
}

// Packed availability codes; availOdd: the value is in Acked.odd.
const (
	availOdd uint8 = iota
	availNone
	availInStock
	availPreorder
	availBackorder
	availUnavailable
)

func availCode(a Availability) uint8 {
	switch a {
	case 0:
		return availNone
	case InStock:
		return availInStock
	case Preorder:
		return availPreorder
	case Backorder:
		return availBackorder
	case Unavailable:
		return availUnavailable
	}
	return availOdd
}

var availByCode = [...]Availability{availNone: 0, availInStock: InStock, availPreorder: Preorder,
	availBackorder: Backorder, availUnavailable: Unavailable}

// pack returns s packed, ok false when it does not fit (an availability of no
// known kind, a quantity or a price beyond 32 bits, a delay beyond 16).
func pack(s Shown) (shown, bool) {
	c := availCode(s.Availability)
	if c == availOdd || s.Quantity != int(int32(s.Quantity)) || s.PriceCents != int64(int32(s.PriceCents)) || s.RestockDays != int(int16(s.RestockDays)) {
		return shown{avail: availOdd}, false
	}
	return shown{price: int32(s.PriceCents), qty: int32(s.Quantity), restock: int16(s.RestockDays), published: s.Published, avail: c}, true
}

// Len returns the number of targets.
func (a *Acked) Len() int {
	if a == nil {
		return 0
	}
	return len(a.vals)
}

// Target returns target i, in product then variant id order.
func (a *Acked) Target(i int) Target {
	return Target{a.pid(i), a.vid(i)}
}

// Shown returns what target i shows.
func (a *Acked) Shown(i int) Shown {
	v := a.vals[i]
	if v.avail == availOdd {
		return a.odd[int32(i)]
	}
	return Shown{Published: v.published, Availability: availByCode[v.avail], Quantity: int(v.qty),
		PriceCents: int64(v.price), RestockDays: int(v.restock)}
}

// Get returns what the shop shows for t, ok false when it never acknowledged it.
func (a *Acked) Get(t Target) (Shown, bool) {
	i, ok := a.find(t, 0)
	if !ok {
		return Shown{}, false
	}
	return a.Shown(i), true
}

func (a *Acked) start(i int) uint32 {
	if i == 0 {
		return 0
	}
	return a.ends[i-1]
}

// split returns where target i's product id ends and its variant id starts.
func (a *Acked) split(i int) uint32 {
	n := uint32(a.plen[i])
	if n == longID {
		n = a.long[int32(i)]
	}
	return a.start(i) + n
}

func (a *Acked) pid(i int) string { return a.ids[a.start(i):a.split(i)] }
func (a *Acked) vid(i int) string { return a.ids[a.split(i):a.ends[i]] }

// push records the next target's ids: its product id is n bytes long, its ids end
// at end.
func (a *Acked) push(n, end int) {
	if n >= longID {
		if a.long == nil {
			a.long = make(map[int32]uint32)
		}
		a.long[int32(len(a.ends))] = uint32(n)
		n = longID
	}
	a.ends = append(a.ends, uint32(end))
	a.plen = append(a.plen, uint8(n))
}

// compare orders target i against t: product id, then variant id.
func (a *Acked) compare(i int, t Target) int {
	if c := strings.Compare(a.pid(i), t.ProductID); c != 0 {
		return c
	}
	return strings.Compare(a.vid(i), t.VariantID)
}

// find returns the index of t, or where it would be. hint is where the search
// may start (the index after the caller's previous target): a caller looking up
// targets in order, as Diff does a plan's, finds each in a compare or two.
func (a *Acked) find(t Target, hint int) (int, bool) {
	n := a.Len()
	lo, hi := 0, n
	if hint > 0 && hint <= n && a.compare(hint-1, t) < 0 {
		lo = hint
		for step := 1; ; step *= 2 { // gallop to a bound
			p := lo + step - 1
			if p >= n {
				break
			}
			if a.compare(p, t) >= 0 {
				hi = p + 1
				break
			}
			lo = p + 1
		}
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a.compare(m, t) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < n && a.compare(lo, t) == 0
}

// same reports whether target i shows what d shows.
func (a *Acked) same(i int, d *Decision) bool {
	v := &a.vals[i]
	if v.avail == availOdd {
		s := a.odd[int32(i)]
		return s == d.Shown()
	}
	return v.published == d.Published && availByCode[v.avail] == d.Availability &&
		int(v.qty) == d.Quantity && int64(v.price) == d.PriceCents && int(v.restock) == d.RestockDays
}

// AckedBuilder builds an Acked. Targets added in order (product then variant id)
// are kept as they come; otherwise Done sorts them. A target added twice keeps
// its last value.
type AckedBuilder struct {
	a      Acked
	ids    []byte // a.ids while building
	sorted bool
}

// NewAckedBuilder returns a builder with room for n targets.
func NewAckedBuilder(n int) *AckedBuilder {
	b := &AckedBuilder{sorted: true}
	b.a.ends = make([]uint32, 0, n)
	b.a.plen = make([]uint8, 0, n)
	b.a.vals = make([]shown, 0, n)
	return b
}

// Add records what the shop shows for t. Add does not keep t's strings.
func (b *AckedBuilder) Add(t Target, s Shown) {
	a := &b.a
	if n := len(a.vals); n > 0 && b.sorted {
		start, split := a.start(n-1), a.split(n-1)
		pid, vid := b.ids[start:split], b.ids[split:a.ends[n-1]]
		if c := compareBytes(pid, t.ProductID); c > 0 || c == 0 && compareBytes(vid, t.VariantID) >= 0 {
			b.sorted = false
		}
	}
	b.ids = append(b.ids, t.ProductID...)
	if len(b.ids) > math.MaxUint32-len(t.VariantID) {
		panic("reconcile: acknowledged state over 4 GiB of ids")
	}
	b.ids = append(b.ids, t.VariantID...)
	a.push(len(t.ProductID), len(b.ids))
	v, ok := pack(s)
	if !ok {
		if a.odd == nil {
			a.odd = make(map[int32]Shown)
		}
		a.odd[int32(len(a.vals))] = s
	}
	a.vals = append(a.vals, v)
}

// Done returns the state built. The builder must not be used afterwards.
func (b *AckedBuilder) Done() *Acked {
	a := &b.a
	a.ids, b.ids = string(b.ids), nil
	if b.sorted {
		return a
	}
	order := make([]int32, len(a.vals))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(x, y int32) int {
		return a.compareAt(int(x), int(y))
	})
	ids := make([]byte, 0, len(a.ids))
	out := &Acked{ends: make([]uint32, 0, len(a.ends)), plen: make([]uint8, 0, len(a.plen)), vals: make([]shown, 0, len(a.vals))}
	for k, i := range order {
		if k+1 < len(order) && a.compareAt(int(i), int(order[k+1])) == 0 {
			continue // the later one wins (the sort is stable)
		}
		pid := a.pid(int(i))
		ids = append(ids, pid...)
		ids = append(ids, a.vid(int(i))...)
		out.push(len(pid), len(ids))
		if a.vals[i].avail == availOdd {
			if out.odd == nil {
				out.odd = make(map[int32]Shown)
			}
			out.odd[int32(len(out.vals))] = a.odd[i]
		}
		out.vals = append(out.vals, a.vals[i])
	}
	out.ids = string(ids)
	return out
}

// compareAt orders targets i and j.
func (a *Acked) compareAt(i, j int) int {
	if c := strings.Compare(a.pid(i), a.pid(j)); c != 0 {
		return c
	}
	return strings.Compare(a.vid(i), a.vid(j))
}

// compareBytes is strings.Compare(string(b), s), without a copy.
func compareBytes(b []byte, s string) int {
	for i := range min(len(b), len(s)) {
		if b[i] != s[i] {
			if b[i] < s[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(b) < len(s):
		return -1
	case len(b) > len(s):
		return 1
	}
	return 0
}

// AckedFrom returns the state of a map of acknowledged decisions.
func AckedFrom(m map[Target]Decision) *Acked {
	b := NewAckedBuilder(len(m))
	for t, d := range m {
		b.Add(t, d.Shown())
	}
	return b.Done()
}

// previous returns what target i showed, as a decision with d's ids, reference and
// size.
func (a *Acked) previous(i int, d *Decision) Decision {
	s := a.Shown(i)
	return Decision{ProductID: d.ProductID, VariantID: d.VariantID, Ref: d.Ref, Size: d.Size,
		Published: s.Published, Availability: s.Availability, Quantity: s.Quantity,
		PriceCents: s.PriceCents, RestockDays: s.RestockDays}
}
