package reconcile

// Line is one extract row once mapped: the reference keyed, the brand mapped to the
// catalog's, the size normalised. The connector builds it from an erp.Record.
type Line struct {
	Ref        string // the reference as typed in the ERP
	Key        string // the matching key of Ref (mapping.Keyer)
	ERPBrand   string // the brand as typed in the ERP
	Brand      string // the catalog brand; empty when the ERP brand is not mapped
	Size       string // normalised size (mapping.NormalizeSize); empty when none
	RawSize    string // the size as typed
	Label      string
	Qty        int
	OnOrder    int
	PriceCents int64 // meaningful only when HasPrice
	HasPrice   bool
	Excluded   bool   // the ERP status keeps the article off the web
	EAN        string // digits
	Source     string // "file:line" or "file Sheet!row"
}

// Product is a product of the web catalog that this boutique's connector manages.
type Product struct {
	ID         string    `json:"id"`
	Brand      string    `json:"brand"`
	Ref        string    `json:"ref"`
	Category   string    `json:"category,omitempty"`
	Declinable bool      `json:"declinable"`
	Variants   []Variant `json:"variants,omitempty"`
	Published  bool      `json:"published"`
}

// Variant is one size of a declinable product.
type Variant struct {
	ID   string `json:"id"`
	Size string `json:"size"` // as the catalog writes it; normalised before matching
}

// Availability is what the shop tells a customer about an article.
type Availability string

const (
	InStock     Availability = "in_stock"
	Preorder    Availability = "preorder"
	Backorder   Availability = "backorder"
	Unavailable Availability = "unavailable"
)

// Decision is what the shop must show for one product, or one size variant of a
// declinable product. Quantities and prices are absolute, never increments.
type Decision struct {
	ProductID    string       `json:"product_id"`
	VariantID    string       `json:"variant_id,omitempty"`
	Ref          string       `json:"ref"`
	Size         string       `json:"size,omitempty"`
	Published    bool         `json:"published"`
	Availability Availability `json:"availability"`
	Quantity     int          `json:"quantity"`
	PriceCents   int64        `json:"price_cents,omitempty"` // 0: no price from the ERP, the shop keeps its own
	RestockDays  int          `json:"restock_days,omitempty"`
	Reason       string       `json:"-"` // why, for the report (a Reason… constant)
	Source       string       `json:"-"` // the extract line(s) that decided it
}

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

// Decision reasons, for the report.
const (
	ReasonInStock   = "in_stock"
	ReasonPreorder  = "preorder"
	ReasonBackorder = "backorder"
	ReasonNoStock   = "no_stock"
	ReasonAbsent    = "absent"
	ReasonExcluded  = "excluded"
	ReasonShowcase  = "showcase"
	ReasonNoPrice   = "size_without_price"
)

// Input is everything one reconcile needs.
type Input struct {
	Lines   []Line
	Catalog []Product
	Rules   Rules
}

// Rules are the site's stock rules. Zero value: no pre-order, no backorder, no
// showcase.
type Rules struct {
	Preorder  []Rule `yaml:"preorder" json:"preorder,omitempty"`
	Backorder []Rule `yaml:"backorder" json:"backorder,omitempty"`
	Showcase  []Rule `yaml:"showcase" json:"showcase,omitempty"`
}

// Rule applies to the whole site when its scope is empty, else to the listed brands,
// categories or references (any of them).
type Rule struct {
	Brands     []string `yaml:"brands" json:"brands,omitempty"`
	Categories []string `yaml:"categories" json:"categories,omitempty"`
	Refs       []string `yaml:"refs" json:"refs,omitempty"`
	DelayDays  int      `yaml:"delay_days" json:"delay_days,omitempty"`
}

// Plan is the outcome of one reconcile: one decision per catalog target, sorted by
// product then variant, and the findings.
type Plan struct {
	Decisions []Decision
	Findings  Findings
	Stats     Stats
}

// Stats counts a plan.
type Stats struct {
	Lines       int // extract lines considered
	Matched     int // lines matched to a catalog product
	Unmatched   int
	Unmapped    int // lines of an unmapped brand
	Published   int // targets published
	Unpublished int // targets not published
	Preorder    int
	Backorder   int
}

// MatchRate is the share of mapped lines that matched, 0..1.
func (s Stats) MatchRate() float64 {
	mapped := s.Matched + s.Unmatched
	if mapped == 0 {
		return 0
	}
	return float64(s.Matched) / float64(mapped)
}

// Findings are what CSMs act on.
type Findings struct {
	Unmatched      []Unmatched
	UnmappedBrands []BrandCount
}

// Unmatched is an extract reference that matched no catalog product.
type Unmatched struct {
	Line        Line
	Suggestions []Suggestion
}

// Suggestion is a catalog reference close to an unmatched one.
type Suggestion struct {
	Ref       string
	ProductID string
	Distance  int
}

// BrandCount is an ERP brand with the number of its lines.
type BrandCount struct {
	Brand string
	Lines int
}
