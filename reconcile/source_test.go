package reconcile

import (
	"slices"
	"testing"
)

func TestCompareSource(t *testing.T) {
	got := []string{"stock.csv:12", "b.xlsx Stock!3", "stock.csv:9", "stock.csv:012", "stock.csv:100", "", "stock.csv", "b.xlsx Stock!20"}
	slices.SortStableFunc(got, compareSource)
	want := []string{"", "b.xlsx Stock!3", "b.xlsx Stock!20", "stock.csv", "stock.csv:9", "stock.csv:12", "stock.csv:012", "stock.csv:100"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}

func TestLineStatusString(t *testing.T) {
	for s, want := range map[LineStatus]string{
		LineMatched: "matched", LineUnmapped: "unmapped_brand", LineUnmatched: "unmatched", LineAmbiguous: "ambiguous",
		LineExcluded: "excluded", LineRowError: "row_error", LineUnknownSize: "unknown_size", 0: "unknown", 200: "unknown",
	} {
		if got := s.String(); got != want {
			t.Errorf("LineStatus(%d) = %q, want %q", s, got, want)
		}
	}
}
