package reconcile

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestCatalogProblems(t *testing.T) {
	v := func(ids ...string) []Variant {
		var out []Variant
		for _, id := range ids {
			out = append(out, Variant{ID: id, Size: id})
		}
		return out
	}
	tests := []struct {
		name    string
		catalog []Product
		want    []CatalogProblem
	}{
		{"sound", []Product{{ID: "p1", Variants: v("v1", "v2")}, {ID: "p2", Variants: v("v3")}}, nil},
		{"empty catalog", nil, nil},
		{"a product twice with different data", []Product{{ID: "p1", Ref: "A"}, {ID: "p2"}, {ID: "p1", Ref: "B"}},
			[]CatalogProblem{{CatalogProduct, "p1", 2}}},
		{"a variant twice in one product", []Product{{ID: "p1", Variants: v("v1", "v1")}},
			[]CatalogProblem{{CatalogVariant, "v1", 2}}},
		{"a variant in two products", []Product{{ID: "p1", Variants: v("v1")}, {ID: "p2", Variants: v("v2", "v1")}},
			[]CatalogProblem{{CatalogVariant, "v1", 2}}},
		{"several, sorted", []Product{{ID: "z"}, {ID: "a"}, {ID: "z"}, {ID: "a"}, {ID: "z", Variants: v("x", "x")}},
			[]CatalogProblem{{CatalogProduct, "a", 2}, {CatalogProduct, "z", 3}, {CatalogVariant, "x", 2}}},
		{"no id", []Product{{ID: "p1"}, {ID: ""}}, []CatalogProblem{{CatalogProduct, "", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CatalogProblems(tt.catalog); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// A catalog with repeated ids holds the run, naming the ids.
func TestGuardHoldsACatalogWithRepeatedIDs(t *testing.T) {
	catalog := []Product{{ID: "p7", Ref: "A"}, {ID: "p7", Ref: "B"}, {ID: "p8", Variants: []Variant{{ID: "v1"}, {ID: "v1"}}}}
	v := Guard(GuardInput{Stats: Stats{Lines: 10, Matched: 10}, Catalog: CatalogProblems(catalog)})
	if !v.Held || len(v.Reasons) != 1 || v.Reasons[0].Code != GuardCatalogIDs {
		t.Fatalf("verdict %+v: want held for %s", v, GuardCatalogIDs)
	}
	r := v.Reasons[0]
	if !strings.Contains(r.Message, `product id "p7" ×2`) || !strings.Contains(r.Message, `variant id "v1" ×2`) {
		t.Errorf("message %q does not name the ids", r.Message)
	}
	if r.Values["duplicate_products"] != 1 || r.Values["duplicate_variants"] != 1 {
		t.Errorf("values %v", r.Values)
	}
	var many []Product
	for i := range 30 {
		id := fmt.Sprintf("p%02d", i)
		many = append(many, Product{ID: id}, Product{ID: id})
	}
	if m := Guard(GuardInput{Stats: Stats{Lines: 1}, Catalog: CatalogProblems(many)}).Reasons[0].Message; !strings.Contains(m, "and 20 more") || strings.Contains(m, "p29") {
		t.Errorf("message of 30 repeated ids: %q", m)
	}
}
