package report

import (
	"strings"
	"time"
)

// sampleRun is one night of a boutique with a finding of every kind.
func sampleRun() Run {
	started := time.Date(2026, 11, 22, 2, 0, 3, 0, time.UTC) // 03:00:03 in Paris
	return Run{
		ID:       "42",
		Site:     "Bijouterie Lefèvre",
		Profile:  "winbijou",
		File:     "stock_20261122.csv",
		SHA256:   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Started:  started,
		Finished: started.Add(83*time.Second + 400*time.Millisecond),
		TimeZone: "Europe/Paris",
		Counts: Counts{
			RowsRead: 1250, RowErrors: 2, Warnings: 2, Matched: 1100, Unmatched: 90, Ambiguous: 10, Conflicts: 2,
			Unmapped: 48, Excluded: 3, Published: 950, Unpublished: 150, Preorder: 12, Backorder: 4,
			Pushed: 61, Rejected: 1,
			ByRule: []RuleCount{{"exact", 900}, {"key", 120}, {"brand_rule", 40}, {"size_suffix", 15}, {"ean", 25}},
		},
		Brands: []BrandRate{
			{Brand: "Tissot", Lines: 800, Matched: 780, Unmatched: 20},
			{Brand: "Pandora", Lines: 400, Matched: 320, Unmatched: 80},
		},
		Verdict: Verdict{Status: StatusHeld, Reasons: []Reason{
			{Code: GuardUnpublishRate, Detail: "27.3 % > 20.0 %"},
			{Code: GuardMatchDrop, Detail: "91.7 → 68.0"},
		}},
		Published: []Outcome{
			{Brand: "Tissot", Ref: "T120.407.17.041.00", ProductID: "p1", Availability: "in_stock", Quantity: 3, PriceCents: 129000, Reason: "in_stock", Rule: "exact", Source: "stock_20261122.csv:2", Change: "quantity,price"},
			{Brand: "Pandora", Ref: "590702HV", Size: "52", ProductID: "p2", VariantID: "v52", Availability: "preorder", Quantity: 0, PriceCents: 8999, RestockDays: 15, Reason: "preorder", Rule: "ean", Source: "stock_20261122.csv:7", Change: "new"},
			{Brand: "Pandora", Ref: "590702HV", Size: "54", ProductID: "p2", VariantID: "v54", Availability: "backorder", Quantity: 0, PriceCents: 123456789, RestockDays: 21, Reason: "backorder", Rule: "size_suffix", Source: "stock_20261122.csv:8"},
		},
		Unpublished: []Outcome{
			{Brand: "Tissot", Ref: "T006.407.11.033.00", ProductID: "p9", Availability: "unavailable", Reason: "absent", Change: "offline"},
			{Brand: "Tissot", Ref: "T101.410.11.031.00", ProductID: "p10", Availability: "unavailable", Reason: "excluded", Source: "stock_20261122.csv:40"},
		},
		Unmatched: []Unmatched{
			{Brand: "TISSOT", Ref: "T12O4O717O41OO", Qty: 2, Source: "stock_20261122.csv:12", Suggestions: []Suggestion{
				{Ref: "T120.407.17.041.00", Distance: 4, Rule: "edit_distance", SameBrand: true},
				{Ref: "T120.407.17.041.01", Distance: 5, Rule: "edit_distance", SameBrand: true},
				{Ref: "T120.407.17.051.00", Distance: 5, Rule: "edit_distance", SameBrand: true},
				{Ref: "T120.407.17.051.01", Distance: 6, Rule: "edit_distance", SameBrand: true},
			}},
			{Brand: "PANDORA", Ref: "=HYPERLINK(\"x\")", Size: "T56", Qty: 1, Source: "stock_20261122.csv:13"},
			{Brand: "TISSOT", Ref: "L2.628.4", Qty: 1, Source: "stock_20261122.csv:15", Suggestions: []Suggestion{
				{Ref: "L2.628.4.78.6", ProductID: "p40", Rule: "ean", SameBrand: false},
			}},
		},
		Conflicts: []Conflict{
			{Source: "stock_20261122.csv:21", Brand: "TISSOT", Ref: "T120.407.17.041.00", EAN: "7611608281646", Kind: "ean_conflict",
				ByRef: []string{"T120.407.17.041.00 (p1)"}, ByEAN: []string{"T120.407.17.041.01 (p5)"}},
			{Source: "stock_20261122.csv:22", Brand: "PANDORA", Ref: "590702HV", Size: "54", EAN: "5700302871234", Kind: "ean_size",
				ByRef: []string{"590702HV T54 (v54)"}, ByEAN: []string{"590702HV T52 (v52)"}},
			{Source: "stock_20261122.csv:23", Brand: "PANDORA", Ref: "", EAN: "5700302999991", Kind: "shared_ean",
				ByEAN: []string{"790001 (p7)", "790.001 (p8)"}},
		},
		Ambiguous: []Ambiguous{
			{Brand: "Pandora", Ref: "790-001", Key: "790001", Candidates: []string{"790001", "790.001"}, Source: "stock_20261122.csv:20"},
		},
		UnmappedBrands: []UnmappedBrand{
			{Brand: "Fossil", Lines: 40, Source: "stock_20261122.csv:100"},
			{Brand: "Marque inconnue «Été»", Lines: 8, Source: "stock_20261122.csv:300"},
		},
		RowErrors: []RowError{
			{Source: "stock_20261122.csv:31", Severity: SeverityError, Code: "bad_qty", Field: "qty", Value: "trois"},
			{Source: "stock_20261122.csv:32", Severity: SeverityWarning, Code: "negative_stock", Field: "qty", Value: "-2"},
			{Source: "stock_20261122.csv:33", Severity: SeverityWarning, Code: "ean_check_digit", Field: "ean", Value: "7611608281647"},
			{Source: "stock.xlsx Stock!F12", Severity: SeverityError, Code: "bad_price", Field: "price", Value: "12,3,4\x01 €" + strings.Repeat("x", 3)},
		},
		PriceChanges: []PriceChange{
			{Brand: "Tissot", Ref: "T120.407.17.041.00", OldCents: 125000, NewCents: 129000, Source: "stock_20261122.csv:2"},
			{Brand: "Pandora", Ref: "590702HV", Size: "54", OldCents: 8999, NewCents: 9499, Reason: "price_conflict", Source: "stock_20261122.csv:8"},
		},
		SizesWithoutPrice: []SizeWithoutPrice{
			{Brand: "Pandora", Ref: "590702HV", Size: "60", ProductID: "p2", VariantID: "v60", Why: "no_price", Source: "stock_20261122.csv:9"},
		},
		Rejections: []Rejection{
			{Ref: "T120.407.17.041.00", ProductID: "p1", Reason: "price below the floor", Source: "stock_20261122.csv:2"},
		},
		SoldOnline: []SoldOnline{
			{Order: "W000042", PlacedAt: time.Date(2026, 11, 21, 13, 2, 11, 0, time.UTC), Ref: "590702HV", Size: "52",
				Quantity: 1, ProductID: "p2", VariantID: "v52"},
		},
	}
}

// samplePrecheck is an onboarding check with references to rewrite.
func samplePrecheck() Precheck {
	r := sampleRun()
	p := Precheck{
		Site: r.Site, Profile: r.Profile, File: r.File, SHA256: r.SHA256,
		Catalog: "catalogue.json", At: r.Started, TimeZone: r.TimeZone,
		Counts: r.Counts, Brands: r.Brands, Ambiguous: r.Ambiguous, Conflicts: r.Conflicts,
		UnmappedBrands: r.UnmappedBrands, RowErrors: r.RowErrors,
		Unmatched: append(r.Unmatched, Unmatched{
			Brand: "Tissot", Ref: "TISSOT-T006.407.11.033.00", Qty: 1, Source: "stock_20261122.csv:14",
			Suggestions: []Suggestion{{Ref: "T006.407.11.033.00", Distance: 0, Rule: "strip_prefix", SameBrand: true}},
		}),
	}
	p.Missing = Assess(p, 0.95)
	return p
}
