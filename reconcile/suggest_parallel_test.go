package reconcile

import (
	"fmt"
	"reflect"
	"testing"
)

// TestSuggestParallelSequential checks that the suggestions do not depend on how
// many workers look them up, nor on the indexes being prepared in the background.
func TestSuggestParallelSequential(t *testing.T) {
	brands := []string{"Tissot", "Seiko", "Casio", "Thomas Sabo"}
	var catalog []Product
	for i := range 4000 {
		catalog = append(catalog, Product{ID: fmt.Sprintf("P%d", i), Brand: brands[i%len(brands)],
			Ref: fmt.Sprintf("%s%07d.%02d", brands[i%len(brands)][:2], (i*7919)%20000, i%97)})
	}
	e := NewEngine(catalog, Rules{}, nil)
	prepared := NewEngine(catalog, Rules{}, nil)
	prepared.PrepareSuggestions()
	for i := range 3000 {
		ref := catalog[(i*31)%len(catalog)].Ref
		switch i % 5 {
		case 0:
			ref = "X" + ref // one extra character
		case 1:
			ref = ref[:4] + ref[5:] // one missing
		case 2:
			ref = ref[:3] + ref[4:5] + ref[3:4] + ref[5:] // two swapped
		case 3:
			ref = brands[i%len(brands)] + "-" + ref // the brand typed in front
		default:
			ref = "ZZ" + ref[2:] // another article
		}
		l := Line{Ref: ref, ERPBrand: catalog[(i*31)%len(catalog)].Brand, Qty: 1, Source: fmt.Sprintf("s.csv:%d", i+2)}
		e.Add(l)
		prepared.Add(l)
	}
	um := e.Plan().Findings.Unmatched
	if len(um) < 2000 {
		t.Fatalf("only %d unmatched lines", len(um))
	}
	run := func(workers int) []Unmatched {
		c := make([]Unmatched, len(um))
		copy(c, um)
		e.suggestWith(c, workers)
		return c
	}
	seq := run(1)
	n := 0
	for _, u := range seq {
		n += len(u.Suggestions)
	}
	if n < len(seq)/2 {
		t.Fatalf("only %d suggestions for %d lines", n, len(seq))
	}
	for _, w := range []int{2, 3, 8} {
		if got := run(w); !reflect.DeepEqual(got, seq) {
			t.Errorf("%d workers: the suggestions differ from one worker's", w)
		}
	}
	if !reflect.DeepEqual(um, seq) {
		t.Error("Plan's suggestions differ from one worker's")
	}
	if got := prepared.Plan().Findings.Unmatched; !reflect.DeepEqual(got, seq) {
		t.Error("with the indexes prepared in the background, the suggestions differ")
	}
}
