package reconcile

import "testing"

// TestLineSources gives every source back as it was added, whatever its shape.
func TestLineSources(t *testing.T) {
	srcs := []string{"stock.csv:2", "stock.csv:3", "", "stock.xlsx Feuil1!12", "stock.csv:4", "stock.csv:007",
		"stock.csv:0", "stock.csv", "stock.csv:1234567890", "42", "stock.csv:999999999", "", "stock.csv:5"}
	var s lineSources
	for i, src := range srcs {
		s.add(uint32(i), src)
	}
	for i, want := range srcs {
		if got := s.source(uint32(i)); got != want {
			t.Errorf("line %d: source %q, want %q", i, got, want)
		}
	}
}

// TestLineSourcesCompare orders lines as compareSource orders their sources, and
// names a line without a source by 0.
func TestLineSourcesCompare(t *testing.T) {
	srcs := []string{"stock.csv:10", "stock.csv:9", "", "stock.xlsx Feuil1!12", "stock.csv:007", "stock.csv:7",
		"stock.csv:0", "stock.csv", "stock.csv:1234567890", "42", "b.csv:3", "stock.csv:9", "", "stock.xlsx Feuil1!2", "stock.csv:10a"}
	var s lineSources
	for i, src := range srcs {
		s.add(uint32(i), src)
	}
	sign := func(c int) int { return min(max(c, -1), 1) }
	for i, a := range srcs {
		if r := s.ref(uint32(i)); (r == 0) != (a == "") || r != 0 && r != LineRef(i+1) {
			t.Errorf("line %d (%q): ref %d", i, a, r)
		}
		for j, b := range srcs {
			if got, want := sign(s.compare(uint32(i), uint32(j))), sign(compareSource(a, b)); got != want {
				t.Errorf("compare %q, %q: %d, want %d", a, b, got, want)
			}
		}
	}
}
