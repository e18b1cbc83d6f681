package reconcile

import "testing"

func TestReserveSubtractsOpenOrders(t *testing.T) {
	catalog := []Product{
		{ID: "ring", Brand: "B", Ref: "R1", Declinable: true, Variants: []Variant{{ID: "r52", Size: "52"}, {ID: "r54", Size: "54"}}},
		{ID: "watch", Brand: "B", Ref: "W1"},
		{ID: "chain", Brand: "B", Ref: "C1"},
	}
	lines := []Line{
		{Ref: "R1", ERPBrand: "B", RawSize: "52", Qty: 1, PriceCents: 100, HasPrice: true},
		{Ref: "R1", ERPBrand: "B", RawSize: "54", Qty: 3, PriceCents: 100, HasPrice: true},
		{Ref: "W1", ERPBrand: "B", Qty: 2, PriceCents: 100, HasPrice: true},
	}
	tests := []struct {
		name string
		sold map[Target]int
		want map[Target]int // quantity per target
		pub  map[Target]bool
	}{
		{"none", nil, map[Target]int{{"ring", "r52"}: 1, {"ring", "r54"}: 3, {"ring", ""}: 4, {"watch", ""}: 2},
			map[Target]bool{{"ring", "r52"}: true, {"watch", ""}: true}},
		{"last unit of a size sold", map[Target]int{{"ring", "r52"}: 1},
			map[Target]int{{"ring", "r52"}: 0, {"ring", "r54"}: 3, {"ring", ""}: 3}, map[Target]bool{{"ring", "r52"}: false, {"ring", ""}: true}},
		{"more sold than counted", map[Target]int{{"watch", ""}: 5}, map[Target]int{{"watch", ""}: 0}, map[Target]bool{{"watch", ""}: false}},
		{"unknown and absent targets ignored", map[Target]int{{"nope", ""}: 1, {"chain", ""}: 1, {"ring", "r60"}: 1, {"ring", ""}: 9},
			map[Target]int{{"ring", ""}: 4, {"chain", ""}: 0}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEngine(catalog, Rules{}, nil)
			for _, l := range lines {
				e.Add(l)
			}
			e.Reserve(tt.sold)
			plan := e.Plan()
			got := map[Target]Decision{}
			for _, d := range plan.Decisions {
				got[d.Key()] = d
			}
			for tg, q := range tt.want {
				if got[tg].Quantity != q {
					t.Errorf("%v: quantity %d, want %d", tg, got[tg].Quantity, q)
				}
			}
			for tg, p := range tt.pub {
				if got[tg].Published != p {
					t.Errorf("%v: published %v, want %v", tg, got[tg].Published, p)
				}
			}
		})
	}
}

func TestLimitSuggestions(t *testing.T) {
	catalog := []Product{{ID: "a", Brand: "B", Ref: "ABC123"}, {ID: "b", Brand: "B", Ref: "ABD456"}, {ID: "c", Brand: "B", Ref: "XYZ789"}}
	lines := []Line{{Ref: "ABC124", ERPBrand: "B", Qty: 1}, {Ref: "ABD457", ERPBrand: "B", Qty: 1}, {Ref: "XYZ780", ERPBrand: "B", Qty: 1}}
	for _, tt := range []struct{ limit, want int }{{0, 3}, {2, 2}, {5, 3}} {
		e := NewEngine(catalog, Rules{}, nil)
		for _, l := range lines {
			e.Add(l)
		}
		e.LimitSuggestions(tt.limit)
		plan := e.Plan()
		got := 0
		for _, u := range plan.Findings.Unmatched {
			if len(u.Suggestions) > 0 {
				got++
			}
		}
		if len(plan.Findings.Unmatched) != 3 || got != tt.want {
			t.Errorf("limit %d: %d of %d unmatched lines got suggestions, want %d", tt.limit, got, len(plan.Findings.Unmatched), tt.want)
		}
	}
}
