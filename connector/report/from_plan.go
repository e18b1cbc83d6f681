package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// Facts are what a run knows besides its plan, for FromPlan.
type Facts struct {
	ID, Site, Profile, File, SHA256 string
	TimeZone                        string // the boutique's IANA zone
	Started, Finished               time.Time

	Read     erp.Summary         // what the ERP reader counted
	Problems []erp.Problem       // the reader's row errors and warnings, in file order
	Catalog  []reconcile.Product // the catalog reconciled against: brands for the report
	Changes  []reconcile.Change  // what differs from the shop's last acknowledged state
	Verdict  reconcile.Verdict
	Status   string // a Status… constant; empty: held when the verdict holds, else accepted

	// MaxListed caps the changes the online and offline sheets list (0: all); the
	// counts stay exact and the whole list is `ecrin report RUN --full`.
	MaxListed int
	// MaxSuggested is how many unmatched lines the engine looked for suggestions
	// for (0: all).
	MaxSuggested int

	Pushed     int          // decisions sent
	Rejections []Rejection  // what the shop refused
	SoldOnline []SoldOnline // open web orders
}

// FromPlan builds the report model of a run from its plan and facts.
func FromPlan(plan reconcile.Plan, f Facts) Run {
	brandOf := brandsOf(f.Catalog, plan.CatalogByID())
	st := plan.Stats
	run := Run{
		ID: f.ID, Site: f.Site, Profile: f.Profile, File: f.File, SHA256: f.SHA256,
		Started: f.Started.UTC(), Finished: f.Finished.UTC(), TimeZone: f.TimeZone,
		Counts: Counts{
			RowsRead:  f.Read.Rows,
			RowErrors: f.Read.RowErrors + st.RowErrors + st.UnknownSize,
			Warnings:  f.Read.Warnings,
			// reconcile counts as found a line whose product matched, whatever its size.
			Matched: st.Matched + st.RowErrors + st.UnknownSize, Unmatched: st.Unmatched,
			Ambiguous: st.Ambiguous, Unmapped: st.Unmapped, Excluded: st.Excluded, Conflicts: st.Conflicts,
			Published: st.Published, Unpublished: st.Unpublished,
			Preorder: st.Preorder, Backorder: st.Backorder,
			Pushed: f.Pushed, Rejected: len(f.Rejections),
		},
		Verdict:    verdict(f),
		Rejections: f.Rejections,
		SoldOnline: f.SoldOnline,
	}
	for _, o := range f.SoldOnline {
		run.Counts.SoldOnline += o.Quantity
	}
	if run.Counts.RowsRead == 0 {
		run.Counts.RowsRead = st.Lines
	}
	run.Counts.Warnings += st.BadEANs
	for r := reconcile.MatchRule(1); int(r) < reconcile.NumMatchRules; r++ {
		if n := st.ByRule[r]; n > 0 {
			run.Counts.ByRule = append(run.Counts.ByRule, RuleCount{Rule: r.String(), Lines: n})
		}
	}
	// Brands are grouped case-folded (findings may carry the engine's folded
	// spelling) and named as the catalog writes them: decisions come first.
	perBrand := map[string]*BrandRate{}
	brand := func(name string) *BrandRate {
		k := strings.ToUpper(name)
		b := perBrand[k]
		if b == nil {
			b = &BrandRate{Brand: name}
			perBrand[k] = b
		}
		return b
	}
	for i := range plan.Decisions {
		if d := &plan.Decisions[i]; d.VariantID == "" && d.Lines > 0 { // a product's decision sums its sizes' lines
			b := brand(brandOf(d.ProductID))
			b.Matched += int(d.Lines)
			b.Lines += int(d.Lines)
		}
	}
	// The night first: only what changed tonight is listed; the whole catalog is
	// `ecrin report RUN --full`, from the state.
	for i, c := range f.Changes {
		if f.MaxListed > 0 && i >= f.MaxListed {
			run.Counts.Unlisted = len(f.Changes) - i
			break
		}
		d := &c.Decision
		o := Outcome{
			Brand: brandOf(d.ProductID), Ref: d.Ref, Size: d.Size, ProductID: d.ProductID, VariantID: d.VariantID,
			Availability: d.Availability.String(), Quantity: d.Quantity, PriceCents: d.PriceCents,
			RestockDays: d.RestockDays, Reason: d.Reason.String(), Rule: d.Rule.String(), Source: plan.Source(d.Line), Change: changeOf(c),
		}
		if d.Published {
			run.Published = append(run.Published, o)
		} else {
			run.Unpublished = append(run.Unpublished, o)
		}
	}
	fd := plan.Findings
	if f.MaxSuggested > 0 && len(fd.Unmatched) > f.MaxSuggested {
		run.Counts.Unsuggested = len(fd.Unmatched) - f.MaxSuggested
	}
	for _, u := range fd.Unmatched {
		out := Unmatched{Brand: u.Line.ERPBrand, Ref: u.Line.Ref, Size: u.Line.RawSize, Qty: u.Line.Qty, Source: u.Line.Where()}
		for _, s := range u.Suggestions {
			out.Suggestions = append(out.Suggestions, Suggestion{Ref: s.Ref, ProductID: s.ProductID, Distance: s.Distance, Rule: s.Rule, SameBrand: !s.OtherBrand})
		}
		run.Unmatched = append(run.Unmatched, out)
		b := brand(u.Brand)
		b.Unmatched++
		b.Lines++
	}
	for _, a := range fd.Ambiguous {
		var candidates []string
		for _, p := range a.Products {
			candidates = append(candidates, p.Ref+" ("+p.ID+")")
		}
		if len(a.Lines) == 0 { // a catalog problem the extract does not hit
			run.Ambiguous = append(run.Ambiguous, Ambiguous{Brand: a.Brand, Key: a.Key, Candidates: candidates})
		}
		for _, l := range a.Lines {
			run.Ambiguous = append(run.Ambiguous, Ambiguous{Brand: a.Brand, Ref: l.Ref, Key: a.Key, Candidates: candidates, Source: l.Where()})
		}
		b := brand(a.Brand)
		b.Lines += len(a.Lines)
	}
	for _, c := range fd.EANConflicts {
		run.Conflicts = append(run.Conflicts, Conflict{Source: c.Line.Where(), Brand: c.Line.ERPBrand, Ref: c.Line.Ref,
			Size: c.Line.RawSize, EAN: c.GTIN, Kind: c.Kind, ByRef: productNames(c.ByRef), ByEAN: productNames(c.ByEAN)})
	}
	for _, u := range fd.UnmappedBrands {
		run.UnmappedBrands = append(run.UnmappedBrands, UnmappedBrand{Brand: u.Brand, Lines: u.Lines, Source: first(u.Sources)})
	}
	for _, p := range f.Problems {
		run.RowErrors = append(run.RowErrors, problem(p))
	}
	for _, e := range fd.RowErrors {
		run.RowErrors = append(run.RowErrors, RowError{Source: e.Line.Where(), Severity: SeverityError, Code: e.Code, Field: "size", Value: e.Line.RawSize})
	}
	for _, u := range fd.UnknownSizes {
		run.RowErrors = append(run.RowErrors, RowError{Source: u.Line.Where(), Severity: SeverityError, Code: "unknown_size", Field: "size", Value: u.Line.RawSize})
	}
	for _, b := range fd.BadEANs {
		run.RowErrors = append(run.RowErrors, RowError{Source: b.Line.Where(), Severity: SeverityWarning, Code: b.Code, Field: "ean", Value: b.Line.EAN})
	}
	for _, c := range f.Changes {
		if c.Previous == nil || c.Previous.PriceCents == 0 || c.PriceCents == 0 || c.Previous.PriceCents == c.PriceCents {
			continue
		}
		run.PriceChanges = append(run.PriceChanges, PriceChange{
			Brand: brandOf(c.ProductID), Ref: c.Ref, Size: c.Size,
			OldCents: c.Previous.PriceCents, NewCents: c.PriceCents, Source: plan.Source(c.Line),
		})
	}
	for _, p := range fd.PriceConflicts {
		if len(p.Prices) == 0 {
			continue
		}
		run.PriceChanges = append(run.PriceChanges, PriceChange{
			Brand: brandOf(p.ProductID), Ref: p.Ref, Size: p.Size,
			OldCents: p.Prices[0], NewCents: p.Kept, Reason: "price_conflict", Source: first(p.Sources),
		})
	}
	for _, s := range fd.SizesWithoutPrice {
		run.SizesWithoutPrice = append(run.SizesWithoutPrice, SizeWithoutPrice{
			Brand: brandOf(s.ProductID), Ref: s.Ref, Size: s.Size, ProductID: s.ProductID, VariantID: s.VariantID,
			Why: s.Why, Source: first(s.Sources),
		})
	}
	for _, b := range perBrand {
		run.Brands = append(run.Brands, *b)
	}
	sortBrands(run.Brands)
	return run
}

// changeOf says what a change changes, as Change… codes.
func changeOf(c reconcile.Change) string {
	p := c.Previous
	if p == nil {
		return ChangeNew
	}
	var codes []string
	switch {
	case c.Published && !p.Published:
		codes = append(codes, ChangeOnline)
	case !c.Published && p.Published:
		codes = append(codes, ChangeOffline)
	}
	if c.Availability != p.Availability {
		codes = append(codes, ChangeAvailability)
	}
	if c.Quantity != p.Quantity {
		codes = append(codes, ChangeQuantity)
	}
	if c.PriceCents != p.PriceCents {
		codes = append(codes, ChangePrice)
	}
	if c.RestockDays != p.RestockDays {
		codes = append(codes, ChangeRestock)
	}
	return strings.Join(codes, ",")
}

// productNames names the products of a finding: "ref (id)", with the size when
// it names one.
func productNames(ps []reconcile.Candidate) []string {
	var out []string
	for _, p := range ps {
		if p.Size != "" {
			out = append(out, fmt.Sprintf("%s T%s (%s)", p.Ref, p.Size, p.VariantID))
			continue
		}
		out = append(out, p.Ref+" ("+p.ID+")")
	}
	return out
}

// problem turns an ERP reader's problem into a report row.
func problem(p erp.Problem) RowError {
	sev := SeverityError
	if p.Severity == erp.Warning {
		sev = SeverityWarning
	}
	return RowError{Source: p.Loc.String(), Severity: sev, Code: p.Code, Field: p.Field, Value: p.Value}
}

func verdict(f Facts) Verdict {
	v := Verdict{Status: f.Status}
	if v.Status == "" {
		v.Status = StatusAccepted
		if f.Verdict.Held {
			v.Status = StatusHeld
		}
	}
	for _, r := range f.Verdict.Reasons {
		v.Reasons = append(v.Reasons, Reason{Code: r.Code, Detail: guardDetail(r)})
	}
	return v
}

// guardDetail shows the figures a guard compared, the same in every language.
func guardDetail(r reconcile.GuardReason) string {
	v := r.Values
	switch r.Code {
	case reconcile.GuardMinRows:
		return fmt.Sprintf("%.0f / %.0f (%.0f %% < %.0f %%)", v["rows"], v["previous_rows"], 100*v["ratio"], 100*v["limit"])
	case reconcile.GuardMaxUnpublishRatio:
		return fmt.Sprintf("%.0f / %.0f (%.0f %% > %.0f %%)", v["unpublish"], v["published"], 100*v["ratio"], 100*v["limit"])
	case reconcile.GuardMaxUnpublishCount:
		return fmt.Sprintf("%.0f > %.0f", v["unpublish"], v["limit"])
	case reconcile.GuardMatchDrop:
		return fmt.Sprintf("%.1f %% → %.1f %% (> %.0f)", 100*v["previous_match_rate"], 100*v["match_rate"], v["limit"])
	case reconcile.GuardEmptyExtract:
		return ""
	}
	return r.Message
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// brandsOf returns the brand of a product of catalog by its id ("" when not
// there): a binary search in the catalog, which is sorted by id when it was kept
// in the state file; otherwise in order, the catalog's indexes in id order (the
// plan's, else sorted here). No map of a million entries.
func brandsOf(catalog []reconcile.Product, order []int32) func(productID string) string {
	byID := func(a, b reconcile.Product) int { return strings.Compare(a.ID, b.ID) }
	if slices.IsSortedFunc(catalog, byID) {
		next := 0 // decisions come in the catalog's order: the product asked next is mostly there
		return func(id string) string {
			if next < len(catalog) && catalog[next].ID == id {
				return catalog[next].Brand
			}
			if next+1 < len(catalog) && catalog[next+1].ID == id {
				next++
				return catalog[next].Brand
			}
			i, ok := slices.BinarySearchFunc(catalog, id, func(p reconcile.Product, id string) int { return strings.Compare(p.ID, id) })
			if !ok {
				return ""
			}
			next = i
			return catalog[i].Brand
		}
	}
	if len(order) != len(catalog) {
		order = make([]int32, len(catalog))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortStableFunc(order, func(a, b int32) int { return byID(catalog[a], catalog[b]) })
	}
	return func(id string) string {
		if i, ok := slices.BinarySearchFunc(order, id, func(j int32, id string) int { return strings.Compare(catalog[j].ID, id) }); ok {
			return catalog[order[i]].Brand
		}
		return ""
	}
}
