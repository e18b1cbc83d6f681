package reconcile

import (
	"reflect"
	"testing"
)

var ring = Product{ID: "R1", Brand: "Orféa", Ref: "ALL-750", Category: "Bagues", Declinable: true, Published: true,
	Variants: []Variant{{ID: "R1-50", Size: "50"}, {ID: "R1-52", Size: "T52"}, {ID: "R1-54", Size: "54,0"}}}

func sized(size string, qty int, price int64, src string) Line {
	return Line{Ref: "ALL-750", ERPBrand: "ORFEA", RawSize: size, Qty: qty, PriceCents: price, HasPrice: price > 0, Source: src}
}

func decisionsByTarget(p Plan) map[Target]Decision {
	m := make(map[Target]Decision, len(p.Decisions))
	for _, d := range p.Decisions {
		m[d.Key()] = d
	}
	return m
}

func TestPerSizeStockAndPrice(t *testing.T) {
	lines := []Line{
		sized("Taille 52", 1, 89000, "s.csv:3"),
		sized("54", 0, 95000, "s.csv:4"),
		sized("T50", 2, 85000, "s.csv:2"),
	}
	plan := Reconcile(Input{Lines: lines, Catalog: []Product{ring}})
	want := []Decision{
		{ProductID: "R1", Ref: "ALL-750", Published: true, Availability: InStock, Quantity: 3, Reason: ReasonInStock, Line: 3, Lines: 3, Rule: MatchExact},
		{ProductID: "R1", VariantID: "R1-50", Ref: "ALL-750", Size: "50", Published: true, Availability: InStock, Quantity: 2, PriceCents: 85000, Reason: ReasonInStock, Line: 3, Lines: 1, Rule: MatchExact},
		{ProductID: "R1", VariantID: "R1-52", Ref: "ALL-750", Size: "T52", Published: true, Availability: InStock, Quantity: 1, PriceCents: 89000, Reason: ReasonInStock, Line: 1, Lines: 1, Rule: MatchExact},
		{ProductID: "R1", VariantID: "R1-54", Ref: "ALL-750", Size: "54,0", Availability: Unavailable, PriceCents: 95000, Reason: ReasonNoStock, Line: 2, Lines: 1, Rule: MatchExact},
	}
	if !reflect.DeepEqual(plan.Decisions, want) {
		t.Errorf("decisions\n got %+v\nwant %+v", plan.Decisions, want)
	}
	// the product's line is the first of its sizes' in natural order: s.csv:2, the third added
	for i, src := range []string{"s.csv:2", "s.csv:2", "s.csv:3", "s.csv:4"} {
		if got := plan.Source(plan.Decisions[i].Line); got != src {
			t.Errorf("decision %d: source %q, want %q", i, got, src)
		}
	}
	if plan.Stats.Published != 1 || plan.Stats.Targets != 4 {
		t.Errorf("stats %+v", plan.Stats)
	}
}

func TestSizeAbsentHasNoPrice(t *testing.T) {
	lines := []Line{
		sized("52", 1, 89000, "s.csv:3"),
		sized("54", 2, 0, "s.csv:4"), // in the extract without a price
	}
	plan := Reconcile(Input{Lines: lines, Catalog: []Product{ring}})
	got := decisionsByTarget(plan)
	if d := got[Target{"R1", "R1-50"}]; d.Published || d.Reason != ReasonNoPrice || d.PriceCents != 0 {
		t.Errorf("size 50, absent from the extract: %+v", d)
	}
	if d := got[Target{"R1", "R1-54"}]; d.Published || d.Reason != ReasonNoPrice || d.Availability != Unavailable {
		t.Errorf("size 54, no price: %+v", d)
	}
	if d := got[Target{"R1", ""}]; !d.Published || d.Quantity != 1 {
		t.Errorf("product: %+v", d)
	}
	want := []SizeWithoutPrice{
		{ProductID: "R1", VariantID: "R1-50", Ref: "ALL-750", Size: "50", Why: NoPriceNotInExtract},
		{ProductID: "R1", VariantID: "R1-54", Ref: "ALL-750", Size: "54,0", Why: NoPriceNoPrice, Sources: []string{"s.csv:4"}},
	}
	if !reflect.DeepEqual(plan.Findings.SizesWithoutPrice, want) {
		t.Errorf("sizes without price\n got %+v\nwant %+v", plan.Findings.SizesWithoutPrice, want)
	}
}

func TestSizeRowErrors(t *testing.T) {
	single := Product{ID: "C1", Brand: "Orféa", Ref: "CH-45", Declinable: true, Variants: []Variant{{ID: "C1-45", Size: "45 cm"}}}
	lines := []Line{
		sized("", 1, 89000, "s.csv:2"),   // several sizes: row error
		sized("56", 1, 89000, "s.csv:3"), // unknown size
		{Ref: "CH-45", ERPBrand: "orfea", Qty: 3, PriceCents: 12000, HasPrice: true, Source: "s.csv:4"}, // one size: it is that one
		{Ref: "CH-45", ERPBrand: "orfea", RawSize: "45CM", Qty: 1, PriceCents: 12000, HasPrice: true, Source: "s.csv:5"},
	}
	plan := Reconcile(Input{Lines: lines, Catalog: []Product{ring, single}})
	if want := []LineStatus{LineRowError, LineUnknownSize, LineMatched, LineMatched}; !reflect.DeepEqual(plan.Lines, want) {
		t.Errorf("line statuses %v, want %v", plan.Lines, want)
	}
	wantErr := []RowError{{Line: lines[0], Code: RowMissingSize, ProductID: "R1", Message: "no size on a product sold in several sizes"}}
	if !reflect.DeepEqual(plan.Findings.RowErrors, wantErr) {
		t.Errorf("row errors %+v", plan.Findings.RowErrors)
	}
	wantUnknown := []UnknownSize{{ProductID: "R1", Ref: "ALL-750", Size: "56", Line: lines[1]}}
	if !reflect.DeepEqual(plan.Findings.UnknownSizes, wantUnknown) {
		t.Errorf("unknown sizes %+v", plan.Findings.UnknownSizes)
	}
	got := decisionsByTarget(plan)
	if d := got[Target{"C1", "C1-45"}]; d.Quantity != 4 || d.PriceCents != 12000 {
		t.Errorf("single-size chain: %+v", d)
	}
	if d := got[Target{"R1", ""}]; d.Published || d.Reason != ReasonAbsent {
		t.Errorf("ring with only bad lines is absent: %+v", d)
	}
	if r := plan.Stats.MatchRate(); r != 1 {
		t.Errorf("match rate %v: the products were found", r)
	}
}

func TestShowcaseDeclinable(t *testing.T) {
	plan := Reconcile(Input{Catalog: []Product{ring}, Rules: Rules{Showcase: []Rule{{Categories: []string{"BAGUES"}}}}})
	for _, d := range plan.Decisions {
		if !d.Published || d.Reason != ReasonShowcase {
			t.Errorf("showcase keeps every size online: %+v", d)
		}
	}
	if plan.Stats.Showcase != 3 || plan.Stats.Published != 1 {
		t.Errorf("stats %+v", plan.Stats)
	}
}
