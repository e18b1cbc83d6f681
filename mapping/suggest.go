package mapping

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Suggestion bounds: at most MaxSuggestions keys, none further than MaxDistance
// edits away nor than a fifth of the key's length (further, a "suggestion" is
// noise: two 12-character references 3 edits apart are different articles).
const (
	MaxSuggestions = 3
	MaxDistance    = 3
)

// maxDistance is the largest distance suggested for a key of n characters.
func maxDistance(n int) int { return max(1, min(MaxDistance, n/5)) }

// Match is a key near the one looked up.
type Match struct {
	Key      string
	Item     int // what the caller added with the key (a catalog index)
	Distance int // edit distance (Levenshtein) between the keys
}

// Suggester finds, among the keys of a brand, the nearest to a key that matched
// nothing. It is not safe for concurrent use.
type Suggester struct {
	brands map[string]*Index // by folded brand
}

// NewSuggester returns an empty suggester.
func NewSuggester() *Suggester { return &Suggester{brands: make(map[string]*Index)} }

// Add records a key of a catalog brand, with the caller's item.
func (s *Suggester) Add(brand, key string, item int) {
	f := FoldBrand(brand)
	ix := s.brands[f]
	if ix == nil {
		ix = &Index{}
		s.brands[f] = ix
	}
	ix.Add(key, item)
}

// Suggest returns up to MaxSuggestions keys of the brand near key (at most
// MaxDistance edits, and a fifth of its length), nearest first (ties by key, then
// item).
func (s *Suggester) Suggest(brand, key string) []Match {
	ix := s.brands[FoldBrand(brand)]
	if ix == nil {
		return nil
	}
	return ix.Suggest(key)
}

// Index holds the keys of one brand for near-match look-ups. Candidates are
// filtered by positional trigrams before a Levenshtein distance bounded by the
// allowed distance is computed: k edits destroy at most 3k of the query's
// trigrams, and move the others by at most k positions. References are often
// sequential numbers that share most of their trigrams ("TI0", "000"), so a
// trigram is indexed with its position: "345" at 6 is rare where "345" is not.
// Keys too short for the filter are compared with every key of a near length.
//
// An Index's own look-ups (Nearest, Suggest) share one scratch: they are not safe
// for concurrent use. Once Build has run, and as long as nothing is added, any
// number of Searchers may look up the index at the same time, one per goroutine.
type Index struct {
	keys  []string
	items []int
	// The postings, built on the first look-up: post maps a packed positional
	// trigram (see packGram) to its postings, list[offs[id]:offs[id+1]], the
	// positions in keys of the keys holding it.
	post  map[uint64]int32
	offs  []int32
	list  []int32
	byLen map[int][]int32 // key length in runes → positions, for keys too short to filter
	own   *Searcher
}

type trigram uint64

// posGram is a trigram and the rune position it starts at.
type posGram struct {
	g   trigram
	pos int32
}

// packGram packs a positional trigram into a posting key: 40 bits of a hash of
// the trigram's 63 bits, then the position in 24 bits. Two trigrams may share a
// key; a collision only puts in a posting list keys that do not hold the query's
// trigram, extra candidates that the Levenshtein check then refuses: it never
// loses a key. ok is false for a position that has no key (negative, or past 24
// bits): no key holds a trigram there.
func packGram(g trigram, pos int32) (k uint64, ok bool) {
	if pos < 0 || pos >= 1<<24 {
		return 0, false
	}
	return (uint64(g)*0x9E3779B97F4A7C15)>>24<<24 | uint64(pos), true
}

// Add records a key with the caller's item. Adding after a look-up is allowed:
// the next look-up builds the postings again.
func (ix *Index) Add(key string, item int) {
	ix.keys = append(ix.keys, key)
	ix.items = append(ix.items, item)
	ix.post = nil
}

// Build builds the postings now rather than on the first look-up; after it, the
// index may be shared by Searchers until the next Add.
func (ix *Index) Build() {
	if ix.post == nil {
		ix.build()
	}
}

// build builds the postings in two passes over the keys: the first numbers each
// distinct packed trigram and counts its keys, the second places the keys in one
// array, so that a posting list is never grown.
func (ix *Index) build() {
	ix.byLen = make(map[int][]int32)
	post := make(map[uint64]int32)
	var counts []int32
	grams := make([]int32, 0, 10*len(ix.keys)) // the trigram ids of every key, in key order
	ends := make([]int32, len(ix.keys))        // key i's ids end at grams[ends[i]]
	var buf []posGram
	for i, k := range ix.keys {
		buf = posTrigrams(k, buf)
		n := len(buf) + 2
		if len(buf) == 0 {
			n = utf8.RuneCountInString(k)
		}
		ix.byLen[n] = append(ix.byLen[n], int32(i))
		for _, pg := range buf { // one trigram per position: a key's packed keys differ
			pk, ok := packGram(pg.g, pg.pos)
			if !ok {
				continue
			}
			id, seen := post[pk]
			if !seen {
				id = int32(len(counts))
				post[pk] = id
				counts = append(counts, 0)
			}
			counts[id]++
			grams = append(grams, id)
		}
		ends[i] = int32(len(grams))
	}
	offs := make([]int32, len(counts)+1)
	for id, c := range counts {
		offs[id+1] = offs[id] + c
	}
	list := make([]int32, len(grams))
	next := counts // reused: the next free slot of each list, from its start
	copy(next, offs[:len(counts)])
	g := 0
	for i, end := range ends {
		for ; g < int(end); g++ {
			id := grams[g]
			list[next[id]] = int32(i)
			next[id]++
		}
	}
	ix.post, ix.offs, ix.list = post, offs, list
}

// postings returns the keys holding the positional trigram g at pos.
func (ix *Index) postings(g trigram, pos int32) []int32 {
	k, ok := packGram(g, pos)
	if !ok {
		return nil
	}
	id, ok := ix.post[k]
	if !ok {
		return nil
	}
	return ix.list[ix.offs[id]:ix.offs[id+1]]
}

// posTrigrams appends the trigrams of s, with their rune positions, to buf.
func posTrigrams(s string, buf []posGram) []posGram {
	buf = buf[:0]
	var a, b rune = -1, -1
	pos := int32(-2)
	for _, r := range s {
		if a >= 0 {
			buf = append(buf, posGram{trigram(a)<<42 | trigram(b)<<21 | trigram(r), pos})
		}
		a, b = b, r
		pos++
	}
	return buf
}

// Suggest returns up to MaxSuggestions keys near key, as Suggester.Suggest does
// for a brand.
func (ix *Index) Suggest(key string) []Match {
	return ix.Nearest(key, MaxSuggestions, maxDistance(utf8.RuneCountInString(key)))
}

// Nearest returns up to n keys within maxDist edits of key, nearest first (ties by
// key, then item). The key itself is returned too when it was added.
func (ix *Index) Nearest(key string, n, maxDist int) []Match {
	if ix.own == nil {
		ix.own = ix.NewSearcher()
	}
	return ix.own.Nearest(key, n, maxDist)
}

// Searcher looks up an Index with its own scratch: Searchers of one built index
// (Index.Build) may run at the same time, each in one goroutine.
type Searcher struct {
	ix      *Index
	count   []uint16 // one per key: query trigrams the key holds
	mark    []uint16 // one per key: the last query trigram that counted it
	touched []int32
	grams   []posGram
	dist    distScratch
}

// NewSearcher returns a searcher of the index.
func (ix *Index) NewSearcher() *Searcher { return &Searcher{ix: ix} }

// Nearest is Index.Nearest, with the searcher's scratch.
func (s *Searcher) Nearest(key string, n, maxDist int) []Match {
	ix := s.ix
	if n <= 0 || key == "" || len(ix.keys) == 0 {
		return nil
	}
	if ix.post == nil {
		ix.build()
	}
	if len(s.count) < len(ix.keys) {
		s.count = append(s.count, make([]uint16, len(ix.keys)-len(s.count))...)
		s.mark = append(s.mark, make([]uint16, len(ix.keys)-len(s.mark))...)
	}
	q := []rune(key)
	var best []Match
	consider := func(i int32) {
		d, ok := s.dist.levenshtein(q, ix.keys[i], maxDist)
		if !ok {
			return
		}
		best = append(best, Match{Key: ix.keys[i], Item: ix.items[i], Distance: d})
		if len(best) > 4*n { // keep the working set small
			sortMatches(best)
			best = best[:n]
		}
	}
	s.grams = posTrigrams(key, s.grams)
	grams := s.grams
	if len(grams) <= 3*maxDist || len(grams) >= math.MaxUint16 {
		for l := len(q) - maxDist; l <= len(q)+maxDist; l++ {
			for _, i := range ix.byLen[l] {
				consider(i)
			}
		}
	} else {
		// A key within maxDist edits holds, each within maxDist positions of
		// where the query has it, all but 3·maxDist of the query's trigrams: of
		// its `lists` rarest, at least lists−3·maxDist. Two are asked for when the
		// query is long enough: one shared trigram is common among sequential
		// references, two seldom are.
		window := func(pg posGram) (n int) {
			for p := pg.pos - int32(maxDist); p <= pg.pos+int32(maxDist); p++ {
				n += len(ix.postings(pg.g, p))
			}
			return n
		}
		sizes := make([]int, len(grams))
		order := make([]int, len(grams))
		for j, pg := range grams {
			sizes[j], order[j] = window(pg), j
		}
		slices.SortFunc(order, func(a, b int) int { return sizes[a] - sizes[b] })
		lists := min(len(grams), 3*maxDist+2)
		need := lists - 3*maxDist
		for mark, j := range order[:lists] {
			pg := grams[j]
			for p := pg.pos - int32(maxDist); p <= pg.pos+int32(maxDist); p++ {
				for _, i := range ix.postings(pg.g, p) {
					if s.mark[i] == uint16(mark+1) {
						continue // this query trigram already counted the key
					}
					s.mark[i] = uint16(mark + 1)
					if s.count[i] == 0 {
						s.touched = append(s.touched, i)
					}
					s.count[i]++
				}
			}
		}
		for _, i := range s.touched {
			if int(s.count[i]) >= need {
				consider(i)
			}
			s.count[i], s.mark[i] = 0, 0
		}
		s.touched = s.touched[:0]
	}
	sortMatches(best)
	if len(best) > n {
		best = best[:n]
	}
	return best
}

func sortMatches(m []Match) {
	slices.SortFunc(m, func(a, b Match) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return a.Item - b.Item
	})
}

// distScratch holds levenshtein's buffers between calls.
type distScratch struct {
	b         []rune
	prev, cur []int
}

// levenshtein returns the edit distance between a and b when it is at most max.
// Only the band of cells within max of the diagonal is computed.
func (s *distScratch) levenshtein(a []rune, bs string, max int) (int, bool) {
	b := s.b[:0]
	for _, r := range bs {
		b = append(b, r)
	}
	s.b = b
	if d := len(a) - len(b); d > max || -d > max {
		return 0, false
	}
	const far = 1 << 30
	prev := append(s.prev[:0], make([]int, len(b)+1)...)
	cur := append(s.cur[:0], make([]int, len(b)+1)...)
	defer func() { s.prev, s.cur = prev, cur }()
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := i-max, i+max
		if lo < 1 {
			lo = 1
		}
		if hi > len(b) {
			hi = len(b)
		}
		if lo > 1 {
			cur[lo-1] = far
		} else {
			cur[0] = i
		}
		rowMin := far
		if lo == 1 {
			rowMin = i
		}
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			up := prev[j]
			if j > i-1+max { // outside the previous row's band
				up = far
			}
			c := min(up+1, cur[j-1]+1, prev[j-1]+cost)
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if rowMin > max {
			return 0, false
		}
		prev, cur = cur, prev
	}
	if d := prev[len(b)]; d <= max {
		return d, true
	}
	return 0, false
}
