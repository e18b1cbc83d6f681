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
type Index struct {
	keys    []string
	items   []int
	post    map[posGram][]int32 // trigram at a rune position → positions in keys; built on the first look-up
	byLen   map[int][]int32     // key length in runes → positions, for keys too short to filter
	count   []uint16            // scratch, one per key: query trigrams the key holds
	mark    []uint16            // scratch, one per key: the last query trigram that counted it
	touched []int32
	dist    distScratch
}

type trigram uint64

// posGram is a trigram and the rune position it starts at.
type posGram struct {
	g   trigram
	pos int32
}

// Add records a key with the caller's item. Adding after a look-up is allowed.
func (ix *Index) Add(key string, item int) {
	ix.keys = append(ix.keys, key)
	ix.items = append(ix.items, item)
	if ix.post != nil {
		ix.index(int32(len(ix.keys) - 1))
	}
}

func (ix *Index) build() {
	ix.post = make(map[posGram][]int32)
	ix.byLen = make(map[int][]int32)
	for i := range ix.keys {
		ix.index(int32(i))
	}
}

func (ix *Index) index(i int32) {
	k := ix.keys[i]
	ix.byLen[utf8.RuneCountInString(k)] = append(ix.byLen[utf8.RuneCountInString(k)], i)
	for _, pg := range posTrigrams(k, nil) {
		ix.post[pg] = append(ix.post[pg], i)
	}
	ix.count = append(ix.count, 0)
	ix.mark = append(ix.mark, 0)
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
	if n <= 0 || key == "" || len(ix.keys) == 0 {
		return nil
	}
	if ix.post == nil {
		ix.build()
	}
	q := []rune(key)
	var best []Match
	consider := func(i int32) {
		d, ok := ix.dist.levenshtein(q, ix.keys[i], maxDist)
		if !ok {
			return
		}
		best = append(best, Match{Key: ix.keys[i], Item: ix.items[i], Distance: d})
		if len(best) > 4*n { // keep the working set small
			sortMatches(best)
			best = best[:n]
		}
	}
	grams := posTrigrams(key, nil)
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
				n += len(ix.post[posGram{pg.g, p}])
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
				for _, i := range ix.post[posGram{pg.g, p}] {
					if ix.mark[i] == uint16(mark+1) {
						continue // this query trigram already counted the key
					}
					ix.mark[i] = uint16(mark + 1)
					if ix.count[i] == 0 {
						ix.touched = append(ix.touched, i)
					}
					ix.count[i]++
				}
			}
		}
		for _, i := range ix.touched {
			if int(ix.count[i]) >= need {
				consider(i)
			}
			ix.count[i], ix.mark[i] = 0, 0
		}
		ix.touched = ix.touched[:0]
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
