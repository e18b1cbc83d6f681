package reconcile

import (
	"reflect"
	"slices"
	"testing"

	"github.com/ecrin-connect/ecrin/mapping"
)

func mustMapper(t testing.TB, c mapping.Config) *mapping.Mapper {
	t.Helper()
	m, err := mapping.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var watch = Product{ID: "P1", Brand: "Tissot", Ref: "T120.407.17.041.00", Category: "Montres", Published: true}

// TestDecisionTable has one case per row of DESIGN.md's decision table, and the
// scoping of rules.
func TestDecisionTable(t *testing.T) {
	tissot := mapping.Config{Brands: map[string]string{"TISSOT": "Tissot"}}
	line := func(qty, onOrder int) Line {
		return Line{Ref: "T120.407.17.041.00", ERPBrand: "TISSOT", Qty: qty, OnOrder: onOrder, PriceCents: 45000, HasPrice: true, Source: "s.csv:2"}
	}
	tests := []struct {
		name   string
		lines  []Line
		rules  Rules
		want   Decision
		status LineStatus
	}{
		{"stock > 0: published, in stock, ERP price",
			[]Line{line(3, 0)}, Rules{},
			Decision{Published: true, Availability: InStock, Quantity: 3, PriceCents: 45000, Reason: ReasonInStock, Line: 1, Lines: 1}, LineMatched},
		{"stock 0, on order, pre-order rule on: pre-order with its delay",
			[]Line{line(0, 2)}, Rules{Preorder: []Rule{{DelayDays: 21}}},
			Decision{Published: true, Availability: Preorder, PriceCents: 45000, RestockDays: 21, Reason: ReasonPreorder, Line: 1, Lines: 1}, LineMatched},
		{"stock 0, nothing on order: the pre-order rule does not apply",
			[]Line{line(0, 0)}, Rules{Preorder: []Rule{{DelayDays: 21}}},
			Decision{Availability: Unavailable, PriceCents: 45000, Reason: ReasonNoStock, Line: 1, Lines: 1}, LineMatched},
		{"stock 0, backorder rule covers it: backorder with the restock delay",
			[]Line{line(0, 0)}, Rules{Backorder: []Rule{{DelayDays: 10}}},
			Decision{Published: true, Availability: Backorder, PriceCents: 45000, RestockDays: 10, Reason: ReasonBackorder, Line: 1, Lines: 1}, LineMatched},
		{"stock 0, on order, both rules: pre-order wins",
			[]Line{line(0, 1)}, Rules{Preorder: []Rule{{DelayDays: 21}}, Backorder: []Rule{{DelayDays: 10}}},
			Decision{Published: true, Availability: Preorder, PriceCents: 45000, RestockDays: 21, Reason: ReasonPreorder, Line: 1, Lines: 1}, LineMatched},
		{"stock 0, no rule: not purchasable, unpublished",
			[]Line{line(0, 0)}, Rules{},
			Decision{Availability: Unavailable, PriceCents: 45000, Reason: ReasonNoStock, Line: 1, Lines: 1}, LineMatched},
		{"absent from the extract: unpublished",
			nil, Rules{},
			Decision{Availability: Unavailable, Reason: ReasonAbsent}, 0},
		{"absent, showcase rule on its brand: kept online",
			nil, Rules{Showcase: []Rule{{Brands: []string{"TISSOT"}}}},
			Decision{Published: true, Availability: Unavailable, Reason: ReasonShowcase}, 0},
		{"absent, showcase and backorder: kept online on backorder",
			nil, Rules{Showcase: []Rule{{Brands: []string{"Tissot"}}}, Backorder: []Rule{{DelayDays: 30}}},
			Decision{Published: true, Availability: Backorder, RestockDays: 30, Reason: ReasonShowcase}, 0},
		{"absent, showcase on another brand: unpublished",
			nil, Rules{Showcase: []Rule{{Brands: []string{"Swatch"}}}},
			Decision{Availability: Unavailable, Reason: ReasonAbsent}, 0},
		{"excluded status: treated as absent, even under a showcase rule",
			[]Line{func() Line { l := line(5, 0); l.Excluded = true; return l }()}, Rules{Showcase: []Rule{{}}},
			Decision{Availability: Unavailable, Reason: ReasonExcluded}, LineExcluded},
		{"brand not mapped: ignored, the product is absent",
			[]Line{func() Line { l := line(5, 0); l.ERPBrand = "TISOT"; return l }()}, Rules{},
			Decision{Availability: Unavailable, Reason: ReasonAbsent}, LineUnmapped},
		{"backorder scoped to the brand",
			[]Line{line(0, 0)}, Rules{Backorder: []Rule{{Brands: []string{"Swatch"}, DelayDays: 5}, {Brands: []string{"tissot"}, DelayDays: 7}}},
			Decision{Published: true, Availability: Backorder, PriceCents: 45000, RestockDays: 7, Reason: ReasonBackorder, Line: 1, Lines: 1}, LineMatched},
		{"backorder scoped to the category",
			[]Line{line(0, 0)}, Rules{Backorder: []Rule{{Categories: []string{"montres"}, DelayDays: 8}}},
			Decision{Published: true, Availability: Backorder, PriceCents: 45000, RestockDays: 8, Reason: ReasonBackorder, Line: 1, Lines: 1}, LineMatched},
		{"backorder scoped to a reference list, any spelling",
			[]Line{line(0, 0)}, Rules{Backorder: []Rule{{Refs: []string{"t1204071704100"}, DelayDays: 9}}},
			Decision{Published: true, Availability: Backorder, PriceCents: 45000, RestockDays: 9, Reason: ReasonBackorder, Line: 1, Lines: 1}, LineMatched},
		{"backorder scoped elsewhere: no rule",
			[]Line{line(0, 0)}, Rules{Backorder: []Rule{{Categories: []string{"Bagues"}, Refs: []string{"X1"}, DelayDays: 9}}},
			Decision{Availability: Unavailable, PriceCents: 45000, Reason: ReasonNoStock, Line: 1, Lines: 1}, LineMatched},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := Reconcile(Input{Lines: tt.lines, Catalog: []Product{watch}, Rules: tt.rules, Mapper: mustMapper(t, tissot)})
			if len(plan.Decisions) != 1 {
				t.Fatalf("got %d decisions, want 1", len(plan.Decisions))
			}
			want := tt.want
			want.ProductID, want.Ref = watch.ID, watch.Ref
			if want.Lines > 0 {
				want.Rule = MatchExact // the lines spell the reference as the catalog does
			}
			if got := plan.Decisions[0]; got != want {
				t.Errorf("decision\n got %+v\nwant %+v", got, want)
			}
			if tt.status != 0 && (len(plan.Lines) != 1 || plan.Lines[0] != tt.status) {
				t.Errorf("line statuses %v, want [%v]", plan.Lines, tt.status)
			}
			wantUnpublishing := 0
			if !want.Published {
				wantUnpublishing = 1
			}
			if plan.Stats.Unpublishing != wantUnpublishing || plan.Stats.WasPublished != 1 {
				t.Errorf("stats %+v: want Unpublishing %d, WasPublished 1", plan.Stats, wantUnpublishing)
			}
		})
	}
}

func TestUnmappedBrandsCounted(t *testing.T) {
	lines := []Line{
		{Ref: "A1", ERPBrand: "Swatch", Qty: 1, Source: "s.csv:12"},
		{Ref: "A2", ERPBrand: "SWATCH", Qty: 1, Source: "s.csv:9"},
		{Ref: "A3", ERPBrand: "Gucci", Qty: 1, Source: "s.csv:3"},
		{Ref: "T120.407.17.041.00", ERPBrand: "Tissot", Qty: 1, Source: "s.csv:2"},
	}
	plan := Reconcile(Input{Lines: lines, Catalog: []Product{watch}, Mapper: mustMapper(t, mapping.Config{Brands: map[string]string{"tissot": "Tissot"}})})
	want := []BrandCount{
		{Brand: "Gucci", Lines: 1, Sources: []string{"s.csv:3"}},
		{Brand: "SWATCH", Lines: 2, Sources: []string{"s.csv:9", "s.csv:12"}},
	}
	if !reflect.DeepEqual(plan.Findings.UnmappedBrands, want) {
		t.Errorf("unmapped brands %+v, want %+v", plan.Findings.UnmappedBrands, want)
	}
	if plan.Stats.Unmapped != 3 || plan.Stats.Matched != 1 || plan.Stats.MatchRate() != 1 {
		t.Errorf("stats %+v, match rate %v", plan.Stats, plan.Stats.MatchRate())
	}
	wantStatus := []LineStatus{LineUnmapped, LineUnmapped, LineUnmapped, LineMatched}
	if !reflect.DeepEqual(plan.Lines, wantStatus) {
		t.Errorf("line statuses %v, want %v", plan.Lines, wantStatus)
	}
}

func TestNilMapperIdentityBrands(t *testing.T) {
	lines := []Line{
		{Ref: "t120 407 17 041 00", ERPBrand: "TISSOT", Qty: 2, Source: "s.csv:2"},
		{Ref: "X", ERPBrand: "Swatch", Qty: 2, Source: "s.csv:3"},
	}
	plan := Reconcile(Input{Lines: lines, Catalog: []Product{watch}})
	if d := plan.Decisions[0]; d.Quantity != 2 || !d.Published {
		t.Errorf("decision %+v, want 2 in stock", d)
	}
	if want := []LineStatus{LineMatched, LineUnmapped}; !reflect.DeepEqual(plan.Lines, want) {
		t.Errorf("line statuses %v, want %v", plan.Lines, want)
	}
}

func TestKeyMatchingThroughMapper(t *testing.T) {
	m := mustMapper(t, mapping.Config{
		Brands:  map[string]string{"TISSOT SA": "Tissot", "Pandora": "Pandora"},
		Rules:   map[string][]mapping.KeyRule{"Tissot": {{StripPrefix: "TISSOT-"}}, "Pandora": {{StripLeadingZeros: true}}},
		Aliases: []mapping.Alias{{Brand: "Pandora", Old: "PAN-OLD-7", Canonical: "790500"}},
	})
	catalog := []Product{
		watch,
		{ID: "P2", Brand: "Pandora", Ref: "790500", Published: true},
		{ID: "P3", Brand: "Pandora", Ref: "590123", Published: true},
	}
	tests := []struct {
		name string
		line Line
		want string // product id
	}{
		{"separators", Line{Ref: "T120 407 17 041 00", ERPBrand: "tissot sa"}, "P1"},
		{"brand prefix rule", Line{Ref: "TISSOT-T1204071704100", ERPBrand: "Tissot SA"}, "P1"},
		{"cyrillic look-alikes", Line{Ref: "Т120.407.17.041.00", ERPBrand: "TISSOT SA"}, "P1"}, // Cyrillic Т
		{"leading zeros rule", Line{Ref: "00590123", ERPBrand: "PANDORA"}, "P3"},
		{"alias", Line{Ref: "pan old 7", ERPBrand: "pandora"}, "P2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.line.Qty, tt.line.Source = 4, "s.csv:2"
			plan := Reconcile(Input{Lines: []Line{tt.line}, Catalog: catalog, Mapper: m})
			if plan.Lines[0] != LineMatched {
				t.Fatalf("line status %v, want matched; findings %+v", plan.Lines[0], plan.Findings)
			}
			for _, d := range plan.Decisions {
				if (d.ProductID == tt.want) != (d.Quantity == 4) {
					t.Errorf("decision %+v: the line should feed %s only", d, tt.want)
				}
			}
		})
	}
}

func TestUnmatchedSuggestions(t *testing.T) {
	catalog := []Product{
		{ID: "P1", Brand: "Tissot", Ref: "T120.407.17.041.00"},
		{ID: "P2", Brand: "Tissot", Ref: "T120.407.17.041.01"},
		{ID: "P3", Brand: "Tissot", Ref: "T999.999.99.999.99"},
		{ID: "P4", Brand: "Swatch", Ref: "T120.407.17.041.09"}, // same key, other brand
	}
	lines := []Line{
		{Ref: "T120.407.17.041.09", ERPBrand: "Tissot", Qty: 1, Source: "s.csv:5"},
		{Ref: "T120-407-17-041-09", ERPBrand: "Tissot", Qty: 1, Source: "s.csv:3"},
		{Ref: "NOTHING-LIKE-IT", ERPBrand: "Tissot", Qty: 1, Source: "s.csv:4"},
		{Ref: "TISSOT-T120.407.17.041.01", ERPBrand: "Tissot", Qty: 1, Source: "s.csv:6"}, // the brand typed in front
	}
	plan := Reconcile(Input{Lines: lines, Catalog: catalog})
	sugg := []Suggestion{{Ref: "T120.407.17.041.00", ProductID: "P1", Distance: 1, Rule: SuggestEditDistance}, {Ref: "T120.407.17.041.01", ProductID: "P2", Distance: 1, Rule: SuggestEditDistance}}
	want := []Unmatched{
		{Line: lines[2], Brand: "TISSOT", Key: "NOTHINGLIKEIT"},
		{Line: lines[1], Brand: "TISSOT", Key: "T1204071704109", Suggestions: sugg},
		{Line: lines[0], Brand: "TISSOT", Key: "T1204071704109", Suggestions: sugg},
		{Line: lines[3], Brand: "TISSOT", Key: "TISSOTT1204071704101", Suggestions: []Suggestion{{Ref: "T120.407.17.041.01", ProductID: "P2", Rule: SuggestBrandPrefix}}},
	}
	if !reflect.DeepEqual(plan.Findings.Unmatched, want) {
		t.Errorf("unmatched\n got %+v\nwant %+v", plan.Findings.Unmatched, want)
	}
	if plan.Stats.Unmatched != 4 || plan.Stats.MatchRate() != 0 {
		t.Errorf("stats %+v", plan.Stats)
	}
}

func TestAmbiguousKeys(t *testing.T) {
	catalog := []Product{
		{ID: "P1", Brand: "Tissot", Ref: "T-100", Published: true},
		{ID: "P2", Brand: "Tissot", Ref: "T.100", Published: true},
		{ID: "P3", Brand: "Tissot", Ref: "B-1", Published: true},
		{ID: "P4", Brand: "Tissot", Ref: "B.1", Published: true},
	}
	t.Run("key hit: neither matched, both left as they are", func(t *testing.T) {
		lines := []Line{{Ref: "T100", ERPBrand: "Tissot", Qty: 3, Source: "s.csv:2"}}
		plan := Reconcile(Input{Lines: lines, Catalog: catalog})
		if plan.Lines[0] != LineAmbiguous || plan.Stats.Ambiguous != 1 {
			t.Errorf("status %v, stats %+v", plan.Lines[0], plan.Stats)
		}
		for _, d := range plan.Decisions {
			if d.ProductID == "P1" || d.ProductID == "P2" {
				t.Errorf("ambiguous product decided: %+v", d)
			}
		}
		want := []Ambiguous{
			{Brand: "Tissot", Key: "B1", Products: []ProductRef{{ID: "P3", Ref: "B-1"}, {ID: "P4", Ref: "B.1"}}},
			{Brand: "Tissot", Key: "T100", Products: []ProductRef{{ID: "P1", Ref: "T-100"}, {ID: "P2", Ref: "T.100"}}, Lines: lines},
		}
		if !reflect.DeepEqual(plan.Findings.Ambiguous, want) {
			t.Errorf("ambiguous\n got %+v\nwant %+v", plan.Findings.Ambiguous, want)
		}
		if plan.Stats.AmbiguousProducts != 2 || plan.Stats.Unpublishing != 2 { // P3, P4 are absent
			t.Errorf("stats %+v", plan.Stats)
		}
	})
	t.Run("exact reference preferred over the key", func(t *testing.T) {
		lines := []Line{{Ref: "t.100", ERPBrand: "Tissot", Qty: 3, Source: "s.csv:2"}}
		plan := Reconcile(Input{Lines: lines, Catalog: catalog})
		if plan.Lines[0] != LineMatched {
			t.Fatalf("status %v, want matched", plan.Lines[0])
		}
		got := map[string]int{}
		for _, d := range plan.Decisions {
			got[d.ProductID] = d.Quantity
		}
		if got["P2"] != 3 || got["P1"] != 0 {
			t.Errorf("decisions %+v", plan.Decisions)
		}
	})
}

func TestDuplicatesSummedHighestPriceKept(t *testing.T) {
	lines := []Line{
		{Ref: "T120.407.17.041.00", ERPBrand: "Tissot", Qty: 2, PriceCents: 45000, HasPrice: true, Source: "s.csv:10"},
		{Ref: "T120.407.17.041.00", ERPBrand: "Tissot", Qty: 1, PriceCents: 47000, HasPrice: true, Source: "s.csv:9"},
		{Ref: "T1204071704100", ERPBrand: "Tissot", Qty: 0, Source: "s.csv:30"},
		{Ref: "T120.407.17.041.00", ERPBrand: "Tissot", Qty: 4, PriceCents: 45000, HasPrice: true, Source: "s.csv:11"},
	}
	plan := Reconcile(Input{Lines: lines, Catalog: []Product{watch}})
	d := plan.Decisions[0]
	if d.Quantity != 7 || d.PriceCents != 47000 || d.Lines != 4 || d.Line != 2 || plan.Source(d.Line) != "s.csv:9" {
		t.Errorf("decision %+v: want 7 units at 47000 from 4 lines, first s.csv:9", d)
	}
	want := []PriceConflict{{ProductID: "P1", Ref: watch.Ref, Prices: []int64{45000, 47000}, Kept: 47000,
		Sources: []string{"s.csv:9", "s.csv:10", "s.csv:11", "s.csv:30"}}}
	if !reflect.DeepEqual(plan.Findings.PriceConflicts, want) {
		t.Errorf("price conflicts\n got %+v\nwant %+v", plan.Findings.PriceConflicts, want)
	}
	same := Reconcile(Input{Lines: lines[2:], Catalog: []Product{watch}})
	if len(same.Findings.PriceConflicts) != 0 {
		t.Errorf("one price is no conflict: %+v", same.Findings.PriceConflicts)
	}
}

// TestPlanCatalogByID: the plan gives the catalog's indexes in id order, the order
// of its decisions, whatever the catalog's order.
func TestPlanCatalogByID(t *testing.T) {
	catalog := []Product{
		{ID: "p2", Brand: "Tissot", Ref: "B"},
		{ID: "p10", Brand: "Tissot", Ref: "C", Declinable: true, Variants: []Variant{{ID: "v1", Size: "52"}}},
		{ID: "p1", Brand: "Tissot", Ref: "A"},
	}
	plan := Reconcile(Input{Catalog: catalog, Lines: []Line{{Ref: "B", ERPBrand: "Tissot", Qty: 1, Source: "s.csv:", SourceLine: 2}}})
	if got, want := plan.CatalogByID(), []int32{2, 1, 0}; !slices.Equal(got, want) {
		t.Fatalf("CatalogByID = %v, want %v", got, want)
	}
	var ids []string
	for _, d := range plan.Decisions {
		if len(ids) == 0 || ids[len(ids)-1] != d.ProductID {
			ids = append(ids, d.ProductID)
		}
	}
	if want := []string{"p1", "p10", "p2"}; !slices.Equal(ids, want) {
		t.Errorf("decisions by product %v, want %v", ids, want)
	}
	if (&Plan{}).CatalogByID() != nil {
		t.Error("a plan made by hand has a catalog order")
	}
}
