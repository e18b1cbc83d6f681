package mapping

import (
	"fmt"
	"reflect"
	"testing"
)

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
		ok   bool
	}{
		{"ABC", "ABC", 3, 0, true},
		{"ABC", "ABD", 3, 1, true},
		{"ABC", "AC", 3, 1, true},
		{"KITTEN", "SITTING", 3, 3, true},
		{"KITTEN", "SITTING", 2, 0, false},
		{"A", "ABCDE", 3, 0, false},
		{"", "AB", 3, 2, true},
		{"ÉTÉ", "ETE", 3, 2, true},
	}
	for _, tt := range tests {
		var s distScratch
		got, ok := s.levenshtein([]rune(tt.a), tt.b, tt.max)
		if got != tt.want || ok != tt.ok {
			t.Errorf("levenshtein(%q, %q, %d) = %d, %v; want %d, %v", tt.a, tt.b, tt.max, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSuggest(t *testing.T) {
	s := NewSuggester()
	for i, k := range []string{"T1204071704100", "T1204071704101", "T1204071704199", "T9999999999999", "T12040717041", "AB1", "AB2"} {
		s.Add("Tissot", k, i)
	}
	s.Add("Swatch", "T1204071704100", 100) // another brand's key is never suggested

	got := s.Suggest("TISSOT", "T1204071704109")
	want := []Match{
		{Key: "T1204071704100", Item: 0, Distance: 1},
		{Key: "T1204071704101", Item: 1, Distance: 1},
		{Key: "T1204071704199", Item: 2, Distance: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Suggest = %+v, want %+v", got, want)
	}
	// A short key is searched by length, not by trigrams.
	if got := s.Suggest("Tissot", "AB3"); len(got) != 2 || got[0].Key != "AB1" || got[1].Key != "AB2" {
		t.Errorf("Suggest(AB3) = %+v", got)
	}
	if got := s.Suggest("Tissot", "ZZZZZZZZZZZZZZ"); len(got) != 0 {
		t.Errorf("Suggest of a far key = %+v, want none", got)
	}
	if got := s.Suggest("Unknown", "T1204071704100"); got != nil {
		t.Errorf("Suggest for an unknown brand = %+v", got)
	}
}

// TestNearestMatchesBruteForce checks the trigram filter never drops a key a full
// scan finds, at every distance.
func TestNearestMatchesBruteForce(t *testing.T) {
	var ix Index
	var keys []string
	for i := range 3000 {
		k := fmt.Sprintf("R%011d", (i*7919)%100000)
		keys = append(keys, k)
		ix.Add(k, i)
	}
	var brute distScratch
	found := 0
	for maxDist := 1; maxDist <= MaxDistance; maxDist++ {
		for q := range 200 {
			query := fmt.Sprintf("R%011d", (q*104729)%100000)
			switch q % 3 {
			case 0:
				query = query[:6] + query[7:] // a deleted digit
			case 1:
				query = query[:5] + "7" + query[6:] // a changed digit
			}
			got := ix.Nearest(query, 3, maxDist)
			found += len(got)
			var all []Match
			for i, k := range keys {
				if d, ok := brute.levenshtein([]rune(query), k, maxDist); ok {
					all = append(all, Match{Key: k, Item: i, Distance: d})
				}
			}
			sortMatches(all)
			if len(all) > 3 {
				all = all[:3]
			}
			if !reflect.DeepEqual(got, all) && !(len(got) == 0 && len(all) == 0) {
				t.Fatalf("Nearest(%q, %d) = %+v, full scan %+v", query, maxDist, got, all)
			}
		}
	}
	if found < 100 {
		t.Fatalf("only %d matches in all: the keys are too far apart to test the filter", found)
	}
}

// fullLevenshtein is the textbook distance, to check the banded one against.
func fullLevenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func TestBandedLevenshteinMatchesFull(t *testing.T) {
	var s distScratch
	alphabet := []rune("AB12")
	word := func(n, seed int) string {
		r := make([]rune, n)
		for i := range r {
			seed = seed*1103515245 + 12345
			r[i] = alphabet[(seed>>16)&3]
		}
		return string(r)
	}
	for i := range 3000 {
		a, b := word(i%9, i), word((i/9)%9, i*7+1)
		want := fullLevenshtein([]rune(a), []rune(b))
		for max := range 5 {
			got, ok := s.levenshtein([]rune(a), b, max)
			if ok != (want <= max) || (ok && got != want) {
				t.Fatalf("levenshtein(%q, %q, %d) = %d, %v; full distance %d", a, b, max, got, ok, want)
			}
		}
	}
}

// TestSearchersConcurrent checks that Searchers of one built index, each in its
// own goroutine, find what the index's own look-ups find.
func TestSearchersConcurrent(t *testing.T) {
	var ix Index
	for i := range 2000 {
		ix.Add(fmt.Sprintf("R%011d", (i*7919)%100000), i)
	}
	queries := make([]string, 300)
	want := make([][]Match, len(queries))
	for q := range queries {
		queries[q] = fmt.Sprintf("R%011d", (q*104729)%100000)[:11]
		want[q] = ix.Nearest(queries[q], 3, 2)
	}
	ix.Build()
	got := make([][]Match, len(queries))
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			s := ix.NewSearcher()
			for q := w; q < len(queries); q += 4 {
				got[q] = s.Nearest(queries[q], 3, 2)
			}
		}()
	}
	for range 4 {
		<-done
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("concurrent searchers differ from the index's own look-ups")
	}
}
