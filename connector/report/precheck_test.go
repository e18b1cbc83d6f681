package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

func TestAssess(t *testing.T) {
	suggested := Unmatched{Ref: "T12O4", Suggestions: []Suggestion{{Ref: "T1204", Distance: 2}}}
	alone := Unmatched{Ref: "ZZZ"}
	tests := []struct {
		name    string
		p       Precheck
		minRate float64
		want    []string // codes
	}{
		{"ready", Precheck{Counts: Counts{RowsRead: 10, Matched: 9, Unmatched: 1}, Unmatched: []Unmatched{alone}}, 0.9, nil},
		{"no counterpart does not block", Precheck{Counts: Counts{RowsRead: 10, Matched: 5, Unmatched: 5}, Unmatched: []Unmatched{alone}}, 0, nil},
		{"no rows", Precheck{}, 0, []string{MissingNoRows}},
		{"low rate", Precheck{Counts: Counts{RowsRead: 10, Matched: 8, Unmatched: 2}}, 0.9, []string{MissingMatchRate}},
		{"rewrites and ambiguous", Precheck{
			Counts:    Counts{RowsRead: 10, Matched: 8, Unmatched: 2},
			Unmatched: []Unmatched{suggested, alone},
			Ambiguous: []Ambiguous{{Ref: "790-001"}},
		}, 0, []string{MissingRewrites, MissingAmbiguous}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range Assess(tt.p, tt.minRate) {
				got = append(got, r.Code)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Assess = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRewriteCSV checks what French Excel needs: a byte order mark, ";" and CRLF;
// and that a reference cannot become a formula.
func TestRewriteCSV(t *testing.T) {
	p := Precheck{Unmatched: []Unmatched{
		{Brand: "Tissot", Ref: "T12O4", Source: "a.csv:2", Suggestions: []Suggestion{{Ref: "T1204", Distance: 2, Rule: "edit_distance", SameBrand: true}}},
		{Brand: "Pandora", Ref: "ZZZ", Source: "a.csv:3"}, // no counterpart: not in the CSV
		{Brand: "Pan;dora", Ref: "@SUM(A1)", Source: "a.csv:4", Suggestions: []Suggestion{{Ref: "+33", Distance: 3}}},
	}}
	var buf bytes.Buffer
	if err := WriteRewriteCSV(&buf, p, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFF") {
		t.Fatal("no byte order mark")
	}
	if strings.Count(out, "\r\n") != 3 {
		t.Errorf("want 3 CRLF-ended lines:\n%q", out)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Marque (ERP)", "Référence ERP", "Référence catalogue proposée", "Distance", "Règle appliquée", "Même marque", "Ligne source"},
		{"Tissot", "T12O4", "T1204", "2", "distance d'édition", "oui", "a.csv:2"},
		{"Pan;dora", "'@SUM(A1)", "'+33", "3", "", "non", "a.csv:4"},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		if !slices.Equal(recs[i], want[i]) {
			t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
		}
	}
}
