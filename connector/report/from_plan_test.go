package report

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// TestGuardCodes keeps the report's guard codes those of reconcile.
func TestGuardCodes(t *testing.T) {
	for _, c := range [][2]string{
		{GuardFileError, reconcile.GuardFileError},
		{GuardEmptyExtract, reconcile.GuardEmptyExtract},
		{GuardRowsDrop, reconcile.GuardMinRows},
		{GuardUnpublishRate, reconcile.GuardMaxUnpublishRatio},
		{GuardUnpublishMax, reconcile.GuardMaxUnpublishCount},
		{GuardMatchDrop, reconcile.GuardMatchDrop},
		{"missing_size", reconcile.RowMissingSize},
		{"not_in_extract", reconcile.NoPriceNotInExtract},
		{"no_price", reconcile.NoPriceNoPrice},
		{"size_without_price", reconcile.ReasonNoPrice.String()},
	} {
		if c[0] != c[1] {
			t.Errorf("report code %q, reconcile code %q", c[0], c[1])
		}
	}
}

// TestFromPlan runs the real engine on a small extract and checks the report model.
func TestFromPlan(t *testing.T) {
	catalog := []reconcile.Product{
		{ID: "p1", Brand: "Tissot", Ref: "T120.407.17.041.00", Published: true},
		{ID: "p2", Brand: "Tissot", Ref: "T006.407.11.033.00", Published: true},
	}
	lines := []reconcile.Line{
		{Ref: "T1204071704100", ERPBrand: "Tissot", Qty: 2, PriceCents: 129000, HasPrice: true, Source: "s.csv:2"},
		{Ref: "T120.407.17.041.01", ERPBrand: "Tissot", Qty: 1, Source: "s.csv:3"},
		{Ref: "X1", ERPBrand: "Fossil", Qty: 1, Source: "s.csv:4"},
	}
	plan := reconcile.Reconcile(reconcile.Input{Lines: lines, Catalog: catalog})
	acked := map[reconcile.Target]reconcile.Decision{{ProductID: "p1"}: {ProductID: "p1", Published: true, Quantity: 1, PriceCents: 125000}}
	started := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	run := FromPlan(plan, Facts{
		Site: "Lefèvre", File: "s.csv", Started: started, Finished: started.Add(time.Second),
		Catalog: catalog, Changes: reconcile.Diff(plan.Decisions, reconcile.AckedFrom(acked)),
		Problems: []erp.Problem{{Loc: erp.Location{File: "s.csv", Line: 5}, Code: erp.CodeBadQty, Field: "qty", Value: "x"}},
		Verdict:  reconcile.Verdict{Held: true, Reasons: []reconcile.GuardReason{{Code: reconcile.GuardMaxUnpublishCount, Values: map[string]float64{"unpublish": 1200, "limit": 1000}}}},
	})
	if len(run.Published) != 1 || run.Published[0].ProductID != "p1" || run.Published[0].Brand != "Tissot" {
		t.Errorf("published = %+v", run.Published)
	}
	if len(run.Unpublished) != 1 || run.Unpublished[0].Reason != reconcile.ReasonAbsent.String() {
		t.Errorf("unpublished = %+v", run.Unpublished)
	}
	if len(run.Unmatched) != 1 || run.Unmatched[0].Source != "s.csv:3" {
		t.Fatalf("unmatched = %+v", run.Unmatched)
	}
	if s := run.Unmatched[0].Suggestions; len(s) == 0 || s[0].Ref != "T120.407.17.041.00" {
		t.Errorf("suggestions = %+v", s)
	}
	if len(run.UnmappedBrands) != 1 || run.UnmappedBrands[0].Brand != "Fossil" || run.UnmappedBrands[0].Source != "s.csv:4" {
		t.Errorf("unmapped = %+v", run.UnmappedBrands)
	}
	if len(run.RowErrors) != 1 || run.RowErrors[0].Source != "s.csv:5" || run.RowErrors[0].Code != erp.CodeBadQty {
		t.Errorf("row errors = %+v", run.RowErrors)
	}
	if len(run.PriceChanges) != 1 || run.PriceChanges[0].OldCents != 125000 || run.PriceChanges[0].NewCents != 129000 {
		t.Errorf("price changes = %+v", run.PriceChanges)
	}
	if want := []BrandRate{{Brand: "Tissot", Lines: 2, Matched: 1, Unmatched: 1}}; len(run.Brands) != 1 || run.Brands[0] != want[0] {
		t.Errorf("brands = %+v, want %+v", run.Brands, want)
	}
	if run.Verdict.Status != StatusHeld || len(run.Verdict.Reasons) != 1 || run.Verdict.Reasons[0].Detail != "1200 > 1000" {
		t.Errorf("verdict = %+v", run.Verdict)
	}
	var buf bytes.Buffer
	if err := Write(&buf, run, Options{}); err != nil {
		t.Fatal(err)
	}
	p := PrecheckOf(run, "shop", 0)
	if p.Ready() || len(p.Missing) != 1 || p.Missing[0].Code != MissingRewrites {
		t.Errorf("precheck missing = %+v", p.Missing)
	}
}

// TestFromPlanListsAtMostMaxListedChanges: a first night changes everything; the
// workbook lists MaxListed of the changes and says how many it left out.
func TestFromPlanListsAtMostMaxListedChanges(t *testing.T) {
	var changes []reconcile.Change
	for i := range 5 {
		changes = append(changes, reconcile.Change{Decision: reconcile.Decision{ProductID: fmt.Sprint("p", i), Published: i%2 == 0}})
	}
	run := FromPlan(reconcile.Plan{}, Facts{Changes: changes, MaxListed: 3})
	if n := len(run.Published) + len(run.Unpublished); n != 3 || run.Counts.Unlisted != 2 {
		t.Errorf("listed %d, unlisted %d; want 3 and 2", n, run.Counts.Unlisted)
	}
	if run := FromPlan(reconcile.Plan{}, Facts{Changes: changes}); len(run.Published)+len(run.Unpublished) != 5 || run.Counts.Unlisted != 0 {
		t.Errorf("no cap: %d listed", len(run.Published)+len(run.Unpublished))
	}
}

// TestFromPlanMatching: which rule connected each decision, the counts per rule, the
// EAN conflicts with both candidates, a barcode warning, an EAN suggestion of
// another brand.
func TestFromPlanMatching(t *testing.T) {
	ean := func(k uint64) string { return mapping.WithCheckDigit(761_234_500_000 + k).String() }
	catalog := []reconcile.Product{
		{ID: "p1", Brand: "Tissot", Ref: "T120.407.17.041.00", EAN: ean(1)},
		{ID: "p2", Brand: "Tissot", Ref: "T120.407.17.041.01", EAN: ean(2)},
		{ID: "p3", Brand: "Longines", Ref: "L2.628.4.78.6", EAN: ean(3)},
	}
	lines := []reconcile.Line{
		{Ref: "T120.407.17.041.00", ERPBrand: "Tissot", Qty: 1, Source: "s.csv:2"},
		{Ref: "", ERPBrand: "Tissot", EAN: ean(2), Qty: 1, Source: "s.csv:3"},
		{Ref: "T120.407.17.041.00", ERPBrand: "Tissot", EAN: ean(2), Qty: 1, Source: "s.csv:4"},
		{Ref: "L2.628", ERPBrand: "Tissot", EAN: ean(3), Qty: 1, Source: "s.csv:5"},
		{Ref: "t120 407 17 041 00", ERPBrand: "Tissot", EAN: "7612345678901", Qty: 1, Source: "s.csv:6"},
	}
	plan := reconcile.Reconcile(reconcile.Input{Lines: lines, Catalog: catalog})
	run := FromPlan(plan, Facts{Site: "Lefèvre", File: "s.csv", Catalog: catalog, Changes: reconcile.Diff(plan.Decisions, nil)})
	rules := map[string]string{}
	for _, o := range run.Published {
		rules[o.ProductID] = o.Rule
	}
	if rules["p1"] != "key" || rules["p2"] != "ean" { // p1: its least direct line
		t.Errorf("rules = %v", rules)
	}
	if want := []RuleCount{{"exact", 1}, {"key", 1}, {"ean", 1}}; !reflect.DeepEqual(run.Counts.ByRule, want) {
		t.Errorf("by rule = %+v, want %+v", run.Counts.ByRule, want)
	}
	want := []Conflict{{Source: "s.csv:4", Brand: "Tissot", Ref: "T120.407.17.041.00", EAN: ean(2), Kind: reconcile.ConflictEAN,
		ByRef: []string{"T120.407.17.041.00 (p1)"}, ByEAN: []string{"T120.407.17.041.01 (p2)"}}}
	if !reflect.DeepEqual(run.Conflicts, want) || run.Counts.Conflicts != 1 {
		t.Errorf("conflicts = %+v (%d)", run.Conflicts, run.Counts.Conflicts)
	}
	if len(run.Unmatched) != 1 || len(run.Unmatched[0].Suggestions) == 0 {
		t.Fatalf("unmatched = %+v", run.Unmatched)
	}
	if s := run.Unmatched[0].Suggestions[0]; s.Ref != "L2.628.4.78.6" || s.Rule != reconcile.SuggestEAN || s.SameBrand {
		t.Errorf("suggestion = %+v", s)
	}
	if len(run.RowErrors) != 1 || run.RowErrors[0].Code != mapping.GTINCodeCheckDigit || run.RowErrors[0].Severity != SeverityWarning || run.Counts.Warnings != 1 {
		t.Errorf("row errors = %+v, warnings %d", run.RowErrors, run.Counts.Warnings)
	}
	p := PrecheckOf(run, "shop", 0)
	if len(p.Conflicts) != 1 || !slices.ContainsFunc(p.Missing, func(r Reason) bool { return r.Code == MissingConflicts }) {
		t.Errorf("precheck conflicts %+v, missing %+v", p.Conflicts, p.Missing)
	}
}
