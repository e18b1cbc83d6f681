package reconcile_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
	"github.com/ecrin-connect/ecrin/reconcile/reconciletest"
)

// propertyInput is a small boutique: 3000 products, about as many lines, with
// every kind of noise the generator makes.
func propertyInput(t *testing.T) reconcile.Input {
	t.Helper()
	m, err := mapping.New(reconciletest.MapperConfig())
	if err != nil {
		t.Fatal(err)
	}
	in := reconcile.Input{Catalog: reconciletest.Catalog(3000), Rules: benchRules, Mapper: m}
	reconciletest.Lines(len(in.Catalog), 3000, 0, func(l reconcile.Line) { in.Lines = append(in.Lines, l) })
	return in
}

// propertyInputWithEANs is propertyInput with barcodes on the catalog and the
// lines, and their noise: wrong check digits, conflicts, empty references.
func propertyInputWithEANs(t *testing.T) reconcile.Input {
	t.Helper()
	in := propertyInput(t)
	in.Catalog, in.Lines = reconciletest.CatalogWithEANs(3000), nil
	reconciletest.LinesWithEANs(len(in.Catalog), 3000, 0, func(l reconcile.Line) { in.Lines = append(in.Lines, l) })
	return in
}

// encode renders a plan byte for byte, statuses included.
func encode(t *testing.T, p reconcile.Plan) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, v := range []any{p.Stats, p.Findings, p.Lines, p.MatchedBy} {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range p.Decisions { // Reason, Source and Lines are not in the wire shape
		if err := enc.Encode(struct {
			reconcile.Decision
			R, S, M string
			N       int32
		}{d, d.Reason.String(), p.Source(d.Line), d.Rule.String(), d.Lines}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func TestPropertyTwiceSamePlan(t *testing.T) {
	in := propertyInput(t)
	first, second := reconcile.Reconcile(in), reconcile.Reconcile(in)
	if !bytes.Equal(encode(t, first), encode(t, second)) {
		t.Fatal("two reconciles of the same input differ")
	}
	e := reconcile.NewEngine(in.Catalog, in.Rules, in.Mapper)
	for _, l := range in.Lines {
		e.Add(l)
	}
	once := encode(t, e.Plan())
	if !bytes.Equal(once, encode(t, e.Plan())) || !bytes.Equal(once, encode(t, first)) {
		t.Fatal("a second Plan of the same engine differs")
	}
	// The data exercise what the property is about.
	f := first.Findings
	if len(f.Unmatched) == 0 || len(f.PriceConflicts) == 0 || len(f.UnmappedBrands) == 0 || len(f.Excluded) == 0 ||
		len(f.SizesWithoutPrice) == 0 || len(f.Ambiguous) == 0 || len(f.RowErrors) == 0 || len(f.UnknownSizes) == 0 {
		t.Fatalf("the generated extract lacks findings: %+v", first.Stats)
	}
}

func TestPropertyOrderOfLines(t *testing.T) {
	for _, eans := range []bool{false, true} {
		t.Run(map[bool]string{false: "references", true: "barcodes"}[eans], func(t *testing.T) { testOrderOfLines(t, eans) })
	}
}

func testOrderOfLines(t *testing.T, eans bool) {
	in := propertyInput(t)
	if eans {
		in = propertyInputWithEANs(t)
	}
	want := reconcile.Reconcile(in)
	for seed := range uint64(5) {
		r := rand.New(rand.NewPCG(seed, 42))
		perm := r.Perm(len(in.Lines))
		shuffled := in
		shuffled.Lines = make([]reconcile.Line, len(in.Lines))
		for i, j := range perm {
			shuffled.Lines[i] = in.Lines[j]
		}
		got := reconcile.Reconcile(shuffled)
		for i, j := range perm {
			if got.Lines[i] != want.Lines[j] || got.MatchedBy[i] != want.MatchedBy[j] {
				t.Fatalf("seed %d: line %s has status %v (%v) shuffled, %v (%v) in order", seed, in.Lines[j].Source,
					got.Lines[i], got.MatchedBy[i], want.Lines[j], want.MatchedBy[j])
			}
		}
		got.Lines, got.MatchedBy = want.Lines, want.MatchedBy
		if !bytes.Equal(encode(t, got), encode(t, want)) {
			t.Fatalf("seed %d: the plan depends on the order of the lines", seed)
		}
	}
}

func TestPropertyAddingStockNeverUnpublishes(t *testing.T) {
	in := propertyInput(t)
	before := published(reconcile.Reconcile(in))
	r := rand.New(rand.NewPCG(7, 7))
	for round := range 20 {
		more := in
		more.Lines = append([]reconcile.Line(nil), in.Lines...)
		for range 50 {
			i := r.IntN(len(more.Lines))
			if round%2 == 0 {
				more.Lines[i].Qty += 1 + r.IntN(5) // more stock on a line
			} else {
				l := more.Lines[i] // a delivery in another store
				l.Qty, l.Source = 1+r.IntN(5), "delivery.csv:"+more.Lines[i].Source
				more.Lines = append(more.Lines, l)
			}
		}
		after := published(reconcile.Reconcile(more))
		for target := range before {
			if !after[target] {
				t.Fatalf("round %d: adding stock unpublished %+v", round, target)
			}
		}
	}
}

func published(p reconcile.Plan) map[reconcile.Target]bool {
	m := make(map[reconcile.Target]bool)
	for _, d := range p.Decisions {
		if d.Published {
			m[d.Key()] = true
		}
	}
	return m
}

func TestPropertyTruncatedExtractUnpublishesNothing(t *testing.T) {
	in := propertyInput(t)
	// The shop shows what last night's full extract decided.
	full := reconcile.Reconcile(in)
	pub := make(map[string]bool)
	for _, d := range full.Decisions {
		if d.VariantID == "" {
			pub[d.ProductID] = d.Published
		}
	}
	catalog := append([]reconcile.Product(nil), in.Catalog...)
	for i := range catalog {
		catalog[i].Published = pub[catalog[i].ID]
	}
	facts := &reconcile.RunFacts{Rows: full.Stats.Lines, MatchRate: full.Stats.MatchRate(), Published: full.Stats.Published}
	again := in
	again.Catalog = catalog
	if v := reconcile.Guard(reconcile.GuardInput{Stats: reconcile.Reconcile(again).Stats, Previous: facts}); v.Held {
		t.Fatalf("the same full extract is held: %+v", v.Reasons)
	}
	for _, keep := range []int{1, 5, 10, 25, 49} { // per cent of the rows
		cut := in
		cut.Catalog = catalog
		cut.Lines = in.Lines[:len(in.Lines)*keep/100]
		plan := reconcile.Reconcile(cut)
		if plan.Stats.Unpublishing == 0 {
			t.Fatalf("%d%%: the cut extract unpublishes nothing even unguarded; the test proves nothing", keep)
		}
		v := reconcile.Guard(reconcile.GuardInput{Stats: plan.Stats, Previous: facts})
		if !v.Held {
			t.Errorf("%d%% of the rows would unpublish %d products, and the run is not held", keep, plan.Stats.Unpublishing)
		}
	}
}

// TestPropertyOneStatusEach checks every line and every catalog product ends in
// exactly one status, and the findings account for every line not matched.
func TestPropertyOneStatusEach(t *testing.T) {
	in := propertyInput(t)
	plan := reconcile.Reconcile(in)
	st := plan.Stats
	if len(plan.Lines) != len(in.Lines) || st.Lines != len(in.Lines) {
		t.Fatalf("%d statuses, %d lines counted, for %d lines", len(plan.Lines), st.Lines, len(in.Lines))
	}
	count := map[reconcile.LineStatus]int{}
	for i, s := range plan.Lines {
		if s.String() == "unknown" {
			t.Fatalf("line %s has no status", in.Lines[i].Source)
		}
		count[s]++
	}
	f := plan.Findings
	ambiguousLines := 0
	for _, a := range f.Ambiguous {
		ambiguousLines += len(a.Lines)
	}
	unmapped := 0
	for _, b := range f.UnmappedBrands {
		unmapped += b.Lines
	}
	for _, c := range []struct {
		status         reconcile.LineStatus
		stat, findings int
	}{
		{reconcile.LineUnmapped, st.Unmapped, unmapped},
		{reconcile.LineUnmatched, st.Unmatched, len(f.Unmatched)},
		{reconcile.LineAmbiguous, st.Ambiguous, ambiguousLines},
		{reconcile.LineExcluded, st.Excluded, len(f.Excluded)},
		{reconcile.LineRowError, st.RowErrors, len(f.RowErrors)},
		{reconcile.LineUnknownSize, st.UnknownSize, len(f.UnknownSizes)},
	} {
		if count[c.status] != c.stat || c.stat != c.findings {
			t.Errorf("%v: %d lines, stats say %d, findings hold %d", c.status, count[c.status], c.stat, c.findings)
		}
	}
	if count[reconcile.LineMatched] != st.Matched || st.Matched == 0 {
		t.Errorf("matched: %d lines, stats say %d", count[reconcile.LineMatched], st.Matched)
	}
	decided := map[string]bool{}
	for _, d := range plan.Decisions {
		decided[d.ProductID] = true
	}
	held := 0
	for _, a := range f.Ambiguous {
		if len(a.Lines) == 0 {
			continue
		}
		for _, p := range a.Products {
			if !decided[p.ID] {
				held++
			}
		}
	}
	if len(decided)+held != len(in.Catalog) || held != st.AmbiguousProducts ||
		st.Published+st.Unpublished+st.AmbiguousProducts != st.Products || st.Products != len(in.Catalog) {
		t.Errorf("%d products decided, %d held, of %d; stats %+v", len(decided), held, len(in.Catalog), st)
	}
}
