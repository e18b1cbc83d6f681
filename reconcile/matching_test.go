package reconcile_test

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
	"github.com/ecrin-connect/ecrin/reconcile/reconciletest"
)

// ean is the k-th test barcode, a valid EAN-13.
func ean(k int) string { return mapping.WithCheckDigit(761_234_500_000 + uint64(k)).String() }

// matchingCatalog has a product for every way a line connects.
func matchingCatalog() []reconcile.Product {
	return []reconcile.Product{
		{ID: "P1", Brand: "Tissot", Ref: "T120.407.17.041.00", EAN: ean(1)},
		{ID: "P2", Brand: "Tissot", Ref: "T120.407.17.041.01", EAN: ean(2)},
		{ID: "P3", Brand: "Tissot", Ref: "T-100", EAN: ean(3)}, // P3 and P4 share a key
		{ID: "P4", Brand: "Tissot", Ref: "T.100", EAN: ean(4)},
		{ID: "R1", Brand: "Thomas Sabo", Ref: "TR2264-051-14", Declinable: true, Variants: []reconcile.Variant{
			{ID: "R1-52", Size: "52", EAN: ean(5)}, {ID: "R1-54", Size: "54", EAN: ean(6)}}},
		{ID: "P5", Brand: "Pandora", Ref: "790500"},
		{ID: "S1", Brand: "Swatch", Ref: "YVS1", EAN: ean(7)}, // S1 and S2 share a barcode
		{ID: "S2", Brand: "Swatch", Ref: "YVS2", EAN: ean(7)},
		{ID: "W1", Brand: "Longines", Ref: "L2.1", EAN: ean(8)},
		{ID: "P6", Brand: "Tissot", Ref: "T-BAD", EAN: "7612345678901"}, // a wrong check digit: never matched
	}
}

func matchingMapper(t *testing.T) *mapping.Mapper {
	t.Helper()
	m, err := mapping.New(mapping.Config{
		Brands: map[string]string{"TISSOT": "Tissot", "THOMAS SABO": "Thomas Sabo", "PANDORA": "Pandora",
			"SWATCH": "Swatch", "LONGINES": "Longines"},
		Rules: map[string][]mapping.KeyRule{
			"Pandora":     {{StripLeadingZeros: true}},
			"Thomas Sabo": {{SizeSuffix: `-(\d{2})$`}},
		},
		Aliases: []mapping.Alias{{Brand: "Pandora", Old: "PAN-1", Canonical: "790500"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMatchingRules: one line at a time, what connects it, to which target, and what
// is found when nothing may.
func TestMatchingRules(t *testing.T) {
	catalog, m := matchingCatalog(), matchingMapper(t)
	type want struct {
		status   reconcile.LineStatus
		rule     reconcile.MatchRule
		target   string // the product or variant the line fed
		conflict string // the EANConflict kind
		byRef    string // ids, comma separated
		byEAN    string
		badEAN   string // the BadEAN code
		suggest  string // the first suggestion's product id and rule
	}
	tests := []struct {
		name                   string
		brand, ref, size, code string
		want                   want
	}{
		{"exact reference", "TISSOT", "T120.407.17.041.00", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchExact, target: "P1"}},
		{"exact, case and spaces aside", "Tissot", " t120.407.17.041.00 ", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchExact, target: "P1"}},
		{"key", "TISSOT", "t120 407 17 041 00", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchKey, target: "P1"}},
		{"key, invisible characters", "TISSOT", "T120\u200b.407.17\u00ad.041\u202f00", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchKey, target: "P1"}},
		{"key, full-width", "TISSOT", "Ｔ１２０.４０７.１７.０４１.００", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchKey, target: "P1"}},
		{"brand rule", "PANDORA", "00790500", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchBrandRule, target: "P5"}},
		{"alias", "PANDORA", "pan-1", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchAlias, target: "P5"}},
		{"size suffix", "THOMAS SABO", "TR2264-051-14-54", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchSizeSuffix, target: "R1-54"}},
		{"size suffix and the same size column", "THOMAS SABO", "TR2264-051-14-54", "T54", "", want{status: reconcile.LineMatched, rule: reconcile.MatchSizeSuffix, target: "R1-54"}},
		{"size suffix, the size column says otherwise", "THOMAS SABO", "TR2264-051-14-54", "52", "", want{status: reconcile.LineUnmatched}},
		{"size suffix of an unknown size", "THOMAS SABO", "TR2264-051-14-60", "", "", want{status: reconcile.LineUnknownSize, rule: reconcile.MatchSizeSuffix}},
		{"EAN when the reference connects nothing", "TISSOT", "T120-407-XX", "", ean(2), want{status: reconcile.LineMatched, rule: reconcile.MatchEAN, target: "P2"}},
		{"EAN, UPC-A spelling of the same GTIN", "TISSOT", "", "", "0" + ean(2), want{status: reconcile.LineMatched, rule: reconcile.MatchEAN, target: "P2"}},
		{"EAN with an empty reference", "TISSOT", "", "", ean(1), want{status: reconcile.LineMatched, rule: reconcile.MatchEAN, target: "P1"}},
		{"EAN that agrees with the reference", "TISSOT", "T120.407.17.041.00", "", ean(1), want{status: reconcile.LineMatched, rule: reconcile.MatchExact, target: "P1"}},
		{"a variant's EAN gives the size", "THOMAS SABO", "TR2264-051-14", "", ean(5), want{status: reconcile.LineMatched, rule: reconcile.MatchExact, target: "R1-52"}},
		{"a variant's EAN, no reference", "THOMAS SABO", "", "", ean(6), want{status: reconcile.LineMatched, rule: reconcile.MatchEAN, target: "R1-54"}},
		{"a variant's EAN, the same size typed", "THOMAS SABO", "TR2264-051-14", "T52", ean(5), want{status: reconcile.LineMatched, rule: reconcile.MatchExact, target: "R1-52"}},
		{"without EAN nor size: which size?", "THOMAS SABO", "TR2264-051-14", "", "", want{status: reconcile.LineRowError, rule: reconcile.MatchExact}},
		{"conflict: the EAN names another product", "TISSOT", "T120.407.17.041.00", "", ean(2),
			want{status: reconcile.LineConflict, conflict: reconcile.ConflictEAN, byRef: "P1", byEAN: "P2"}},
		{"conflict: the EAN names another brand's product", "TISSOT", "T120.407.17.041.00", "", ean(8),
			want{status: reconcile.LineConflict, conflict: reconcile.ConflictEAN, byRef: "P1", byEAN: "W1"}},
		{"conflict: the EAN names another size", "THOMAS SABO", "TR2264-051-14", "54", ean(5),
			want{status: reconcile.LineConflict, conflict: reconcile.ConflictEANSize, byRef: "R1", byEAN: "R1"}},
		{"conflict: a size suffix and another product's EAN", "THOMAS SABO", "TR2264-051-14-54", "", ean(1),
			want{status: reconcile.LineConflict, conflict: reconcile.ConflictEAN, byRef: "R1", byEAN: "P1"}},
		{"ambiguous key, the EAN picks one", "TISSOT", "T 100", "", ean(4), want{status: reconcile.LineMatched, rule: reconcile.MatchEAN, target: "P4"}},
		{"ambiguous key, an exact reference wins", "TISSOT", "T-100", "", "", want{status: reconcile.LineMatched, rule: reconcile.MatchExact, target: "P3"}},
		{"ambiguous key, no EAN", "TISSOT", "T 100", "", "", want{status: reconcile.LineAmbiguous}},
		{"ambiguous key, the EAN names neither", "TISSOT", "T 100", "", ean(1),
			want{status: reconcile.LineConflict, conflict: reconcile.ConflictEAN, byRef: "P3,P4", byEAN: "P1"}},
		{"shared EAN, no reference", "SWATCH", "", "", ean(7),
			want{status: reconcile.LineAmbiguous, conflict: reconcile.ConflictSharedEAN, byEAN: "S1,S2"}},
		{"shared EAN, an exact reference wins", "SWATCH", "YVS2", "", ean(7), want{status: reconcile.LineMatched, rule: reconcile.MatchExact, target: "S2"}},
		{"shared EAN, a key wins too", "SWATCH", "yvs-1", "", ean(7), want{status: reconcile.LineMatched, rule: reconcile.MatchKey, target: "S1"}},
		{"EAN of another brand's product: suggested, not matched", "TISSOT", "ZZZ-1", "", ean(8),
			want{status: reconcile.LineUnmatched, suggest: "W1 ean"}},
		{"wrong check digit: a warning, the reference still matches", "TISSOT", "T120.407.17.041.00", "", "7612345678901",
			want{status: reconcile.LineMatched, rule: reconcile.MatchExact, target: "P1", badEAN: mapping.GTINCodeCheckDigit}},
		{"wrong check digit is never a match", "TISSOT", "", "", ean(1)[:12] + string('0'+(ean(1)[12]-'0'+1)%10),
			want{status: reconcile.LineUnmatched, badEAN: mapping.GTINCodeCheckDigit}},
		{"a catalog barcode with a wrong check digit is never matched", "TISSOT", "", "", "7612345678901",
			want{status: reconcile.LineUnmatched, badEAN: mapping.GTINCodeCheckDigit}},
		{"scientific notation: a warning, ignored", "TISSOT", "ZZZ-1", "", "7.61234E+12",
			want{status: reconcile.LineUnmatched, badEAN: mapping.GTINCodeScientific}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := reconcile.Line{Ref: tt.ref, ERPBrand: tt.brand, RawSize: tt.size, EAN: tt.code, Qty: 1, PriceCents: 100, HasPrice: true, Source: "s.csv:2"}
			plan := reconcile.Reconcile(reconcile.Input{Lines: []reconcile.Line{l}, Catalog: catalog, Mapper: m})
			w := tt.want
			if plan.Lines[0] != w.status || plan.MatchedBy[0] != w.rule {
				t.Fatalf("line %v (%v), want %v (%v); findings %+v", plan.Lines[0], plan.MatchedBy[0], w.status, w.rule, plan.Findings)
			}
			if got := plan.Stats.ByRule[w.rule]; w.rule != 0 && got != 1 {
				t.Errorf("Stats.ByRule[%v] = %d", w.rule, got)
			}
			target := ""
			for _, d := range plan.Decisions {
				if d.Lines > 0 && (d.VariantID != "" || target == "") {
					target = d.ProductID
					if d.VariantID != "" {
						target = d.VariantID
					}
					if d.Rule != w.rule {
						t.Errorf("decision %s: rule %v, want %v", target, d.Rule, w.rule)
					}
				}
			}
			if target != w.target {
				t.Errorf("fed %q, want %q", target, w.target)
			}
			f := plan.Findings
			switch {
			case w.conflict == "" && len(f.EANConflicts) > 0:
				t.Errorf("unexpected conflicts %+v", f.EANConflicts)
			case w.conflict != "":
				if len(f.EANConflicts) != 1 {
					t.Fatalf("conflicts %+v", f.EANConflicts)
				}
				c := f.EANConflicts[0]
				ids := func(rs []reconcile.Candidate) string {
					var s []string
					for _, r := range rs {
						s = append(s, r.ID)
					}
					return strings.Join(s, ",")
				}
				if c.Kind != w.conflict || ids(c.ByRef) != w.byRef || ids(c.ByEAN) != w.byEAN || c.GTIN == "" || c.Line.Source != "s.csv:2" {
					t.Errorf("conflict %+v, want %s by ref %s by EAN %s", c, w.conflict, w.byRef, w.byEAN)
				}
				if plan.Stats.Conflicts != map[bool]int{true: 1, false: 0}[w.status == reconcile.LineConflict] {
					t.Errorf("Stats.Conflicts = %d", plan.Stats.Conflicts)
				}
			}
			if w.badEAN == "" && len(f.BadEANs) > 0 || w.badEAN != "" && (len(f.BadEANs) != 1 || f.BadEANs[0].Code != w.badEAN || plan.Stats.BadEANs != 1) {
				t.Errorf("bad EANs %+v, want %q", f.BadEANs, w.badEAN)
			}
			if w.suggest != "" {
				if len(f.Unmatched) != 1 || len(f.Unmatched[0].Suggestions) == 0 {
					t.Fatalf("unmatched %+v", f.Unmatched)
				}
				s := f.Unmatched[0].Suggestions[0]
				if s.ProductID+" "+s.Rule != w.suggest || !s.OtherBrand || s.Ref != "L2.1" {
					t.Errorf("first suggestion %+v, want %s", s, w.suggest)
				}
			}
		})
	}
}

// TestConflictNamesBothSizes: a size conflict lists the size the column names and
// the one the barcode names.
func TestConflictNamesBothSizes(t *testing.T) {
	l := reconcile.Line{Ref: "TR2264-051-14", ERPBrand: "THOMAS SABO", RawSize: "T54", EAN: ean(5), Qty: 1, Source: "s.csv:2"}
	plan := reconcile.Reconcile(reconcile.Input{Lines: []reconcile.Line{l}, Catalog: matchingCatalog(), Mapper: matchingMapper(t)})
	want := []reconcile.EANConflict{{Line: l, Kind: reconcile.ConflictEANSize, GTIN: ean(5),
		ByRef: []reconcile.Candidate{{ID: "R1", Ref: "TR2264-051-14", VariantID: "R1-54", Size: "54"}},
		ByEAN: []reconcile.Candidate{{ID: "R1", Ref: "TR2264-051-14", VariantID: "R1-52", Size: "52"}}}}
	if !reflect.DeepEqual(plan.Findings.EANConflicts, want) {
		t.Errorf("conflicts\n got %+v\nwant %+v", plan.Findings.EANConflicts, want)
	}
}

// TestSharedEANHoldsNothing: a barcode two products share does not hold them (only
// an ambiguous key hit does): they are decided from the lines that name them.
func TestSharedEANHoldsNothing(t *testing.T) {
	lines := []reconcile.Line{
		{Ref: "", ERPBrand: "SWATCH", EAN: ean(7), Qty: 1, Source: "s.csv:2"},
		{Ref: "YVS1", ERPBrand: "SWATCH", Qty: 2, Source: "s.csv:3"},
	}
	plan := reconcile.Reconcile(reconcile.Input{Lines: lines, Catalog: matchingCatalog(), Mapper: matchingMapper(t)})
	if plan.Stats.Ambiguous != 1 || plan.Stats.Matched != 1 || plan.Stats.AmbiguousProducts != 0 {
		t.Errorf("stats %+v", plan.Stats)
	}
	for _, d := range plan.Decisions {
		if d.ProductID == "S1" && (d.Quantity != 2 || !d.Published) {
			t.Errorf("S1: %+v", d)
		}
	}
}

// TestPropertyACorrectEANNeverUnmatches: giving lines the barcode of what they
// matched (or of their product, for a line that names no size) never unmatches one
// that matched; lines the reference did not connect may connect.
func TestPropertyACorrectEANNeverUnmatches(t *testing.T) {
	m, err := mapping.New(reconciletest.MapperConfig())
	if err != nil {
		t.Fatal(err)
	}
	catalog := reconciletest.CatalogWithEANs(5000)
	var lines []reconcile.Line
	reconciletest.Lines(len(catalog), 5000, 0, func(l reconcile.Line) { lines = append(lines, l) })
	before := reconcile.Reconcile(reconcile.Input{Lines: lines, Catalog: catalog, Rules: benchRules, Mapper: m})
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 7))
		with := make([]reconcile.Line, len(lines))
		copy(with, lines)
		given := 0
		for i := range with {
			if seed > 0 && r.IntN(3) == 0 {
				continue // some lines keep no barcode
			}
			l := &with[i]
			a, _ := strconv.Atoi(strings.TrimPrefix(l.Label, "Article "))
			p := &catalog[a]
			switch {
			case len(p.Variants) == 0:
				l.EAN = p.EAN
			case l.RawSize == "":
				l.EAN = p.Variants[r.IntN(len(p.Variants))].EAN // any of its sizes names the product
			default:
				for _, v := range p.Variants {
					if mapping.NormalizeSize(v.Size) == mapping.NormalizeSize(l.RawSize) {
						l.EAN = v.EAN
					}
				}
			}
			if l.EAN != "" {
				given++
			}
		}
		after := reconcile.Reconcile(reconcile.Input{Lines: with, Catalog: catalog, Rules: benchRules, Mapper: m})
		gained := 0
		for i := range lines {
			if before.Lines[i] == reconcile.LineMatched && after.Lines[i] != reconcile.LineMatched {
				t.Fatalf("seed %d: %s matched without its barcode %s, %v with it", seed, lines[i].Source, with[i].EAN, after.Lines[i])
			}
			if before.Lines[i] != reconcile.LineMatched && after.Lines[i] == reconcile.LineMatched {
				gained++
			}
		}
		if after.Stats.Matched < before.Stats.Matched || gained == 0 || given < len(lines)/2 {
			t.Fatalf("seed %d: %d barcodes given, matched %d → %d, %d lines gained", seed, given, before.Stats.Matched, after.Stats.Matched, gained)
		}
		if after.Stats.ByRule[reconcile.MatchEAN] == 0 {
			t.Fatalf("seed %d: no line matched by its barcode: %+v", seed, after.Stats)
		}
	}
}
