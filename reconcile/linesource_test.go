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
