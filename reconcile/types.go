package reconcile

import (
	"fmt"
	"strconv"

	"github.com/ecrin-connect/ecrin/mapping"
)

// Line is one extract row as the ERP wrote it. The connector fills it from an
// erp.Record; the engine maps the brand, keys the reference and normalises the size.
type Line struct {
	Ref        string // the reference as typed in the ERP
	ERPBrand   string // the brand as typed in the ERP
	RawSize    string // the size (TLD) as typed; empty when none
	Label      string
	Qty        int
	OnOrder    int
	PriceCents int64 // meaningful only when HasPrice
	HasPrice   bool
	Excluded   bool   // the ERP status keeps the article off the web
	EAN        string // digits
	Source     string // "file:line" or "file Sheet!row"; with SourceLine, the text before the number ("file:")
	SourceLine int    // when > 0, the line's number, written after Source: a reader need not write a text per line
}

// Where returns the line's source as shown: "stock.csv:12", "stock.xlsx Stock!12".
func (l *Line) Where() string {
	if l.SourceLine <= 0 {
		return l.Source
	}
	return l.Source + strconv.Itoa(l.SourceLine)
}

// Product is a product of the web catalog that this boutique's connector manages.
type Product struct {
	ID         string    `json:"id"`
	Brand      string    `json:"brand"`
	Ref        string    `json:"ref"`
	Category   string    `json:"category,omitempty"`
	EAN        string    `json:"ean,omitempty"` // the product's barcode (EAN/GTIN), when it has one
	Declinable bool      `json:"declinable"`
	Variants   []Variant `json:"variants,omitempty"`
	Published  bool      `json:"published"`
}

// Variant is one size of a declinable product.
type Variant struct {
	ID   string `json:"id"`
	Size string `json:"size"`          // as the catalog writes it; normalised before matching
	EAN  string `json:"ean,omitempty"` // the size's barcode (EAN/GTIN): it names the size
}

// Availability is what the shop tells a customer about an article: one of four
// constants, one byte. Its text (String, MarshalText: "in_stock", …) is what the
// state store and the reports carry; the zero value is no availability, "". Any
// other text read back is an error (AvailabilityOf, UnmarshalText).
type Availability uint8

const (
	InStock     Availability = iota + 1 // "in_stock"
	Preorder                            // "preorder"
	Backorder                           // "backorder"
	Unavailable                         // "unavailable"
)

var availNames = [...]string{"", "in_stock", "preorder", "backorder", "unavailable"}

// String returns the availability's text.
func (a Availability) String() string {
	if int(a) < len(availNames) {
		return availNames[a]
	}
	return "availability(" + strconv.Itoa(int(a)) + ")"
}

// AvailabilityOf returns the availability whose text is s; any other text is an
// error.
func AvailabilityOf(s string) (Availability, error) {
	for i, n := range availNames {
		if n == s {
			return Availability(i), nil
		}
	}
	return 0, fmt.Errorf("reconcile: unknown availability %q (want in_stock, preorder, backorder or unavailable)", s)
}

// MarshalText writes the availability's text.
func (a Availability) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads an availability's text (see AvailabilityOf).
func (a *Availability) UnmarshalText(b []byte) error {
	v, err := AvailabilityOf(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Decision is what the shop must show for one product, or one size variant of a
// declinable product. Quantities and prices are absolute, never increments.
//
// A declinable product with variants gets one decision for the product (VariantID
// empty: published when one of its sizes is, quantity summed, no price) and one per
// variant (its own stock, price and availability; Published says the size is on sale).
type Decision struct {
	ProductID    string       `json:"product_id"`
	VariantID    string       `json:"variant_id,omitempty"`
	Ref          string       `json:"ref"`
	Size         string       `json:"size,omitempty"`
	Published    bool         `json:"published"`
	Reason       Reason       `json:"-"` // why, for the report
	Rule         MatchRule    `json:"-"` // what connected its lines (the least direct of them), for the report
	Availability Availability `json:"availability"`
	Lines        int32        `json:"-"` // how many extract lines decided it (duplicates summed)
	Quantity     int          `json:"quantity"`
	PriceCents   int64        `json:"price_cents,omitempty"` // 0: no price from the ERP, the shop keeps its own
	RestockDays  int          `json:"restock_days,omitempty"`
	Line         LineRef      `json:"-"` // the first extract line that decided it (natural order of sources); 0 when absent or without a source: Plan.Source formats it
}

// LineRef names an extract line of the plan that made it, in 4 bytes rather than
// its source's text: the line's index (the order Add saw it) plus one; 0 names no
// line. Plan.Source gives its source ("stock.csv:12"), for what is shown.
type LineRef uint32

// Key identifies a decision's target.
func (d Decision) Key() Target { return Target{d.ProductID, d.VariantID} }

// Target is a product, or a size variant of one.
type Target struct {
	ProductID string
	VariantID string
}

// Same reports whether two decisions would show the same thing in the shop.
func (d Decision) Same(o Decision) bool {
	return d.Published == o.Published && d.Availability == o.Availability &&
		d.Quantity == o.Quantity && d.PriceCents == o.PriceCents && d.RestockDays == o.RestockDays
}

// Reason says why a target got its decision, for the report. It is one byte; its
// text (String, MarshalText) is the stable code reports carry ("in_stock", …). The
// zero value is no reason, "".
type Reason uint8

// Decision reasons, for the report. Every catalog target ends with exactly one.
const (
	ReasonInStock   Reason = iota + 1 // "in_stock": stock > 0
	ReasonPreorder                    // "preorder": no stock, on order, a pre-order rule covers it
	ReasonBackorder                   // "backorder": no stock, a backorder rule covers it
	ReasonNoStock                     // "no_stock": in the extract, no stock, no rule: not purchasable
	ReasonAbsent                      // "absent": not in the extract: unpublished
	ReasonExcluded                    // "excluded": only lines with an excluded status: treated as absent
	ReasonShowcase                    // "showcase": absent, but a showcase rule keeps its brand online
	ReasonNoPrice                     // "size_without_price": a size the extract does not price: not on sale
)

var reasonNames = [...]string{"", "in_stock", "preorder", "backorder", "no_stock", "absent", "excluded", "showcase", "size_without_price"}

// String returns the reason's stable code, "" for the zero Reason.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText writes the reason's code.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a reason's code; "" is the zero Reason.
func (r *Reason) UnmarshalText(b []byte) error {
	for i, n := range reasonNames {
		if n == string(b) {
			*r = Reason(i)
			return nil
		}
	}
	return fmt.Errorf("reconcile: unknown reason %q", b)
}

// Input is everything one reconcile needs when the lines are already in memory.
type Input struct {
	Lines   []Line
	Catalog []Product
	Rules   Rules
	Mapper  *mapping.Mapper // nil: ERP brands are catalog brands, references keyed by mapping.Key
}

// Rules are the site's stock rules. Zero value: no pre-order, no backorder, no
// showcase. When several rules of a kind cover a product, the first one wins.
type Rules struct {
	Preorder  []Rule `yaml:"preorder" json:"preorder,omitempty"`
	Backorder []Rule `yaml:"backorder" json:"backorder,omitempty"`
	Showcase  []Rule `yaml:"showcase" json:"showcase,omitempty"`
}

// Rule applies to the whole site when its scope is empty, else to the listed brands,
// categories or references (any of them). Brands and categories are compared case
// and accent folded, references by their base key (mapping.Key).
type Rule struct {
	Brands     []string `yaml:"brands" json:"brands,omitempty"`
	Categories []string `yaml:"categories" json:"categories,omitempty"`
	Refs       []string `yaml:"refs" json:"refs,omitempty"`
	DelayDays  int      `yaml:"delay_days" json:"delay_days,omitempty"`
}

// Plan is the outcome of one reconcile.
//
// Decisions hold one decision per catalog target (product, or product and each of
// its variants), sorted by product then variant — except the products of an
// ambiguous key hit by the extract: they are left as the shop has them (no
// decision) and listed in Findings.Ambiguous. So every catalog product ends in
// exactly one status: its decision's Reason, or ambiguous.
//
// Lines holds one status per extract line, in the order the lines were given (index
// i is the i-th line added): one byte per line, so a report can account for every
// line of a million-line extract. The findings carry the lines whose status is not
// LineMatched (with their Source); a matched line is found through the decision it
// fed.
//
// MatchedBy holds, the same way, what connected each line whose product was found
// (LineMatched, LineRowError, LineUnknownSize); 0 for the others.
type Plan struct {
	Decisions []Decision
	Findings  Findings
	Stats     Stats
	Lines     []LineStatus
	MatchedBy []MatchRule

	srcs *lineSources // the engine's line sources, for Source; nil for a plan made by hand
	byID []int32      // the catalog's indexes in product id order, the Decisions' order; nil for a plan made by hand
}

// CatalogByID returns the indexes of the catalog the plan was made from, in
// product id order (the order of its decisions): who looks products up by id
// need not sort the catalog again. nil for a plan made by hand.
func (p *Plan) CatalogByID() []int32 { return p.byID }

// Source returns the source of line l ("stock.csv:12", "stock.xlsx Stock!12") as
// it was added; "" for 0, or for a plan made by hand.
func (p *Plan) Source(l LineRef) string {
	if l == 0 || p.srcs == nil || int(l) > len(p.srcs.nums) {
		return ""
	}
	return p.srcs.source(uint32(l - 1))
}

// MatchRule says what connected an extract line to its catalog product, from the
// most direct to the least. It is one byte; its text (String) is the stable code
// reports carry. The zero value is not connected.
type MatchRule uint8

const (
	MatchExact      MatchRule = iota + 1 // "exact": the reference as the catalog writes it (case and spaces aside)
	MatchKey                             // "key": the same key (separators, case, look-alike and invisible characters)
	MatchBrandRule                       // "brand_rule": the key once the brand's rules applied
	MatchAlias                           // "alias": the alias table
	MatchSizeSuffix                      // "size_suffix": the reference once the size typed into it is taken off
	MatchEAN                             // "ean": the barcode (EAN/GTIN), the reference connecting nothing

	NumMatchRules = int(MatchEAN) + 1 // the size of an array indexed by MatchRule
)

var matchRuleNames = [...]string{"", "exact", "key", "brand_rule", "alias", "size_suffix", "ean"}

// String returns the rule's stable code, "" for the zero MatchRule.
func (r MatchRule) String() string {
	if int(r) < len(matchRuleNames) {
		return matchRuleNames[r]
	}
	return "match_rule(" + strconv.Itoa(int(r)) + ")"
}

// LineStatus is how one extract line ended.
type LineStatus uint8

const (
	LineMatched     LineStatus = iota + 1 // fed a catalog target's decision
	LineUnmapped                          // its brand is not in the brand table: ignored on purpose
	LineUnmatched                         // no catalog product has its reference (Findings.Unmatched)
	LineAmbiguous                         // its key names several catalog products (Findings.Ambiguous)
	LineExcluded                          // its status keeps it off the web (Findings.Excluded)
	LineRowError                          // matched, but cannot be applied (Findings.RowErrors)
	LineUnknownSize                       // matched, but the catalog lacks its size (Findings.UnknownSizes)
	LineConflict                          // its EAN names another product than its reference (Findings.EANConflicts)
)

var lineStatusNames = [...]string{"", "matched", "unmapped_brand", "unmatched", "ambiguous", "excluded", "row_error", "unknown_size", "ean_conflict"}

// String returns the status's stable code ("matched", "unmatched", …), for reports.
func (s LineStatus) String() string {
	if int(s) < len(lineStatusNames) && s != 0 {
		return lineStatusNames[s]
	}
	return "unknown"
}

// Stats counts a plan. Line counts add up to Lines; product counts to Products.
type Stats struct {
	Lines       int // extract lines given to the engine
	Matched     int // lines with LineMatched
	Unmatched   int
	Ambiguous   int // lines hitting an ambiguous key, or an EAN several products share
	Unmapped    int // lines of an unmapped brand
	Excluded    int
	RowErrors   int
	UnknownSize int
	Conflicts   int // lines whose EAN names another product than their reference

	// ByRule counts the lines whose product was found (Matched, RowErrors,
	// UnknownSize) by what connected them, indexed by MatchRule.
	ByRule [NumMatchRules]int
	// BadEANs counts the lines whose barcode is not a GTIN (Findings.BadEANs);
	// they are matched by their reference alone.
	BadEANs int

	Products          int // catalog products
	Published         int // products the plan publishes
	Unpublished       int // products the plan does not publish
	AmbiguousProducts int // products left as they are (ambiguous key hit by the extract)
	WasPublished      int // products the catalog shows published before the run
	Unpublishing      int // products the catalog shows published that the plan unpublishes

	Targets   int // decisions
	Preorder  int // targets on pre-order
	Backorder int // targets on backorder
	Showcase  int // targets kept online by a showcase rule
}

// MatchRate is the share of mapped, non-excluded lines whose product was found
// (whatever their size), 0..1.
func (s Stats) MatchRate() float64 {
	found := s.Matched + s.RowErrors + s.UnknownSize
	mapped := found + s.Unmatched + s.Ambiguous + s.Conflicts
	if mapped == 0 {
		return 0
	}
	return float64(found) / float64(mapped)
}
