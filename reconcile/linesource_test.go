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

// splitLines are lines whose reader gave the text before the number and the
// number, some of them in shapes lineSources must keep whole.
var splitLines = []Line{
	{Source: "stock.csv:", SourceLine: 10}, {Source: "stock.csv:", SourceLine: 9}, {},
	{Source: "stock.xlsx Feuil1!", SourceLine: 12}, {Source: "stock.csv:7"}, {Source: "stock.csv:", SourceLine: 7},
	{Source: "stock2", SourceLine: 3}, {Source: "stock", SourceLine: 1234567890}, {Source: "", SourceLine: 42},
	{Source: "b.csv:", SourceLine: 3}, {Source: "stock.csv:", SourceLine: 9}, {Source: "stock.xlsx Feuil1!", SourceLine: 2},
	{Source: "stock.csv:10a"}, {Source: "stock0", SourceLine: 0}, {Source: "stock2", SourceLine: 10},
	{Source: "stock0", SourceLine: 5}, {Source: "stock0", SourceLine: 10}, {Source: "stock2", SourceLine: 999999999},
}

// TestLineSourcesSplit keeps a line given as text and number as it keeps the
// line written whole: same source back, same order, same order as the lines'.
func TestLineSourcesSplit(t *testing.T) {
	var split, whole lineSources
	for i := range splitLines {
		split.addLine(uint32(i), &splitLines[i])
		whole.add(uint32(i), splitLines[i].Where())
	}
	sign := func(c int) int { return min(max(c, -1), 1) }
	for i := range splitLines {
		a := &splitLines[i]
		if got, want := split.source(uint32(i)), a.Where(); got != want {
			t.Errorf("line %d: source %q, want %q", i, got, want)
		}
		for j := range splitLines {
			b := &splitLines[j]
			want := sign(compareSource(a.Where(), b.Where()))
			if got := sign(split.compare(uint32(i), uint32(j))); got != want {
				t.Errorf("lineSources.compare %q, %q: %d, want %d", a.Where(), b.Where(), got, want)
			}
			if got := sign(whole.compare(uint32(i), uint32(j))); got != want {
				t.Errorf("lineSources.compare of whole %q, %q: %d, want %d", a.Where(), b.Where(), got, want)
			}
			if got := sign(compareWhere(a, b)); got != want {
				t.Errorf("compareWhere %q, %q: %d, want %d", a.Where(), b.Where(), got, want)
			}
		}
	}
}
