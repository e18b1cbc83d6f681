package reconcile

import (
	"reflect"
	"testing"
)

func TestGuard(t *testing.T) {
	prev := &RunFacts{Rows: 1000, MatchRate: 0.95, Published: 800}
	good := Stats{Lines: 990, Matched: 940, Unmatched: 50, WasPublished: 800, Unpublishing: 10}
	tests := []struct {
		name  string
		in    GuardInput
		codes []string
	}{
		{"a normal night passes", GuardInput{Stats: good, Previous: prev}, nil},
		{"first run passes", GuardInput{Stats: good}, nil},
		{"file error", GuardInput{Stats: good, FileError: "truncated", Previous: prev}, []string{GuardFileError}},
		{"empty extract", GuardInput{Stats: Stats{WasPublished: 800}, Previous: prev}, []string{GuardEmptyExtract}},
		{"empty extract on a first run", GuardInput{}, []string{GuardEmptyExtract}},
		{"fewer than half the rows", GuardInput{Stats: Stats{Lines: 499, Matched: 499, WasPublished: 800}, Previous: prev}, []string{GuardMinRows}},
		{"exactly half the rows passes", GuardInput{Stats: Stats{Lines: 500, Matched: 500, WasPublished: 800}, Previous: prev}, nil},
		{"min rows ratio from limits", GuardInput{Stats: good, Previous: &RunFacts{Rows: 1000, MatchRate: 0.95}, Limits: Limits{MinRowsRatio: 0.995}}, []string{GuardMinRows}},
		{"min rows check off", GuardInput{Stats: Stats{Lines: 10, Matched: 10}, Previous: prev, Limits: Limits{MinRowsRatio: -1}}, nil},
		{"unpublish more than 20 %", GuardInput{Stats: Stats{Lines: 990, Matched: 990, WasPublished: 800, Unpublishing: 161}, Previous: prev}, []string{GuardMaxUnpublishRatio}},
		{"unpublish exactly 20 % passes", GuardInput{Stats: Stats{Lines: 990, Matched: 990, WasPublished: 800, Unpublishing: 160}, Previous: prev}, nil},
		{"unpublish ratio against the last run when the catalog says none", GuardInput{Stats: Stats{Lines: 990, Matched: 990, Unpublishing: 200}, Previous: prev}, []string{GuardMaxUnpublishRatio}},
		{"unpublish more than the count", GuardInput{Stats: Stats{Lines: 990, Matched: 990, WasPublished: 100000, Unpublishing: 1001}}, []string{GuardMaxUnpublishCount}},
		{"unpublish count from limits", GuardInput{Stats: good, Limits: Limits{MaxUnpublishCount: 5}}, []string{GuardMaxUnpublishCount}},
		{"unpublish count 0 is the default 1000", GuardInput{Stats: Stats{Lines: 990, Matched: 990, WasPublished: 100000, Unpublishing: 1001}, Limits: Limits{MaxUnpublishCount: 0}}, []string{GuardMaxUnpublishCount}},
		{"unpublish count negative is off", GuardInput{Stats: Stats{Lines: 990, Matched: 990, WasPublished: 100000, Unpublishing: 5000}, Limits: Limits{MaxUnpublishCount: -1}}, nil},
		{"match rate down 21 points", GuardInput{Stats: Stats{Lines: 1000, Matched: 740, Unmatched: 260, WasPublished: 800}, Previous: prev}, []string{GuardMatchDrop}},
		{"match rate down 20 points passes", GuardInput{Stats: Stats{Lines: 1000, Matched: 750, Unmatched: 250, WasPublished: 800}, Previous: prev}, nil},
		{"several guards at once", GuardInput{Stats: Stats{Lines: 100, Matched: 10, Unmatched: 90, WasPublished: 800, Unpublishing: 700}, Previous: prev},
			[]string{GuardMinRows, GuardMaxUnpublishRatio, GuardMatchDrop}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Guard(tt.in)
			var codes []string
			for _, r := range v.Reasons {
				codes = append(codes, r.Code)
				if r.Message == "" {
					t.Errorf("reason %s has no message", r.Code)
				}
			}
			if !reflect.DeepEqual(codes, tt.codes) {
				t.Errorf("codes %v, want %v (%+v)", codes, tt.codes, v.Reasons)
			}
			if v.Held != (len(tt.codes) > 0) {
				t.Errorf("held %v with reasons %v", v.Held, codes)
			}
		})
	}
}

func TestGuardValues(t *testing.T) {
	v := Guard(GuardInput{Stats: Stats{Lines: 100, Matched: 100}, Previous: &RunFacts{Rows: 1000, MatchRate: 1}})
	want := map[string]float64{"rows": 100, "previous_rows": 1000, "ratio": 0.1, "limit": DefaultMinRowsRatio}
	if len(v.Reasons) != 1 || !reflect.DeepEqual(v.Reasons[0].Values, want) {
		t.Errorf("reasons %+v, want values %v", v.Reasons, want)
	}
}
