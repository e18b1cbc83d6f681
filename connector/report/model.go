package report

import (
	"slices"
	"strings"
	"time"
)

// Run is everything the reconcile report of one run shows. Times are UTC; TimeZone
// is only used to display them.
type Run struct {
	ID       string    `json:"id,omitempty"`
	Site     string    `json:"site"`                // the boutique's name
	Profile  string    `json:"profile"`             // ERP profile
	File     string    `json:"file"`                // extract base name
	SHA256   string    `json:"sha256,omitempty"`    // extract checksum, hex
	Started  time.Time `json:"started"`             // UTC
	Finished time.Time `json:"finished"`            // UTC
	TimeZone string    `json:"time_zone,omitempty"` // IANA zone of the boutique; Europe/Paris when empty

	Counts  Counts      `json:"counts"`
	Brands  []BrandRate `json:"brands,omitempty"` // match rate per catalog brand
	Verdict Verdict     `json:"verdict"`

	Published         []Outcome          `json:"published,omitempty"`
	Unpublished       []Outcome          `json:"unpublished,omitempty"`
	Unmatched         []Unmatched        `json:"unmatched,omitempty"`
	Ambiguous         []Ambiguous        `json:"ambiguous,omitempty"`
	Conflicts         []Conflict         `json:"conflicts,omitempty"`
	UnmappedBrands    []UnmappedBrand    `json:"unmapped_brands,omitempty"`
	RowErrors         []RowError         `json:"row_errors,omitempty"`
	PriceChanges      []PriceChange      `json:"price_changes,omitempty"`
	SizesWithoutPrice []SizeWithoutPrice `json:"sizes_without_price,omitempty"`
	Rejections        []Rejection        `json:"rejections,omitempty"`
	SoldOnline        []SoldOnline       `json:"sold_online,omitempty"`
}

// Duration is how long the run took.
func (r Run) Duration() time.Duration {
	if r.Finished.Before(r.Started) {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// Counts are a run's totals.
type Counts struct {
	RowsRead    int `json:"rows_read"`           // article rows read from the extract
	RowErrors   int `json:"row_errors"`          // rows skipped
	Warnings    int `json:"warnings"`            // rows kept with a warning
	Matched     int `json:"matched"`             // lines matched to a catalog product
	Unmatched   int `json:"unmatched"`           // lines of a mapped brand that matched nothing
	Ambiguous   int `json:"ambiguous"`           // lines whose key, or EAN, fits several catalog products
	Conflicts   int `json:"conflicts,omitempty"` // lines whose EAN names another product than their reference
	Unmapped    int `json:"unmapped"`            // lines of an unmapped brand
	Excluded    int `json:"excluded"`            // lines kept off the web by their ERP status
	Published   int `json:"published"`           // targets published
	Unpublished int `json:"unpublished"`         // targets not published
	Preorder    int `json:"preorder"`
	Backorder   int `json:"backorder"`
	Pushed      int `json:"pushed"`                // decisions sent to the shop
	Rejected    int `json:"rejected"`              // decisions the shop refused
	SoldOnline  int `json:"sold_online,omitempty"` // units in open web orders: to record in the till
	Unlisted    int `json:"unlisted,omitempty"`    // changes past the listed ones: see the full list
	Unsuggested int `json:"unsuggested,omitempty"` // unmatched lines no suggestion was looked for (ecrin precheck does)

	// ByRule counts the matched lines by what connected them, in the order of
	// MatchRules; rules that connected nothing are left out.
	ByRule []RuleCount `json:"by_rule,omitempty"`
}

// RuleCount is how many lines a matching rule connected.
type RuleCount struct {
	Rule  string `json:"rule"` // a MatchRules code
	Lines int    `json:"lines"`
}

// MatchRules are the codes of what connects a line to its catalog product, from the
// most direct to the least (reconcile.MatchRule's texts).
var MatchRules = []string{"exact", "key", "brand_rule", "alias", "size_suffix", "ean"}

// Lines returns how many lines rule connected.
func (c Counts) Lines(rule string) int {
	for _, r := range c.ByRule {
		if r.Rule == rule {
			return r.Lines
		}
	}
	return 0
}

// MatchRate is the share of mapped lines that matched, 0..1.
func (c Counts) MatchRate() float64 {
	return rate(c.Matched, c.Matched+c.Unmatched+c.Ambiguous+c.Conflicts)
}

// BrandRate is the match rate of one brand.
type BrandRate struct {
	Brand     string `json:"brand"`
	Lines     int    `json:"lines"`
	Matched   int    `json:"matched"`
	Unmatched int    `json:"unmatched"`
}

// Rate is the share of the brand's lines that matched, 0..1.
func (b BrandRate) Rate() float64 { return rate(b.Matched, b.Lines) }

func rate(n, of int) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Verdict statuses.
const (
	StatusAccepted = "accepted" // the run's decisions were pushed
	StatusHeld     = "held"     // a guard held the run: nothing was sent
	StatusFailed   = "failed"   // the run stopped on an error
	StatusDryRun   = "dry_run"  // nothing was meant to be sent
)

// Verdict says whether the guards let the run through, and why not.
type Verdict struct {
	Status  string   `json:"status"` // one of the Status… constants
	Reasons []Reason `json:"reasons,omitempty"`
}

// Reason is a guard reason, a precheck's missing item, or a decision reason: a stable
// code the report translates, and a detail shown as is (figures, a file name).
type Reason struct {
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
}

// Outcome is one decision for a catalog product or one size of it.
type Outcome struct {
	Brand        string `json:"brand"`
	Ref          string `json:"ref"`
	Size         string `json:"size,omitempty"`
	ProductID    string `json:"product_id"`
	VariantID    string `json:"variant_id,omitempty"`
	Availability string `json:"availability"` // in_stock, preorder, backorder, unavailable
	Quantity     int    `json:"quantity"`
	PriceCents   int64  `json:"price_cents,omitempty"` // 0: no ERP price
	RestockDays  int    `json:"restock_days,omitempty"`
	Reason       string `json:"reason"`         // a reconcile.Reason… code
	Rule         string `json:"rule,omitempty"` // what connected its lines: a MatchRules code
	Source       string `json:"source,omitempty"`
	Change       string `json:"change,omitempty"` // what changed tonight: Change… codes, comma-separated
}

// What a night changed for a target (Outcome.Change).
const (
	ChangeNew          = "new"          // never pushed before
	ChangeOnline       = "online"       // published tonight
	ChangeOffline      = "offline"      // unpublished tonight
	ChangeAvailability = "availability" // in stock, pre-order, backorder…
	ChangeQuantity     = "quantity"
	ChangePrice        = "price"
	ChangeRestock      = "restock" // the announced delay
)

// Unmatched is an ERP reference that matched no catalog product.
type Unmatched struct {
	Brand       string       `json:"brand"` // as typed in the ERP
	Ref         string       `json:"ref"`
	Size        string       `json:"size,omitempty"`
	Qty         int          `json:"qty"`
	Suggestions []Suggestion `json:"suggestions,omitempty"` // nearest first, at most 3 shown
	Source      string       `json:"source"`
}

// Suggestion is a catalog reference close to an unmatched one.
type Suggestion struct {
	Ref       string `json:"ref"`
	ProductID string `json:"product_id,omitempty"`
	Distance  int    `json:"distance"`
	Rule      string `json:"rule,omitempty"` // how it was found, e.g. "edit_distance"
	SameBrand bool   `json:"same_brand"`
}

// Ambiguous is an ERP reference whose key fits several catalog products.
type Ambiguous struct {
	Brand      string   `json:"brand"`
	Ref        string   `json:"ref"`
	Key        string   `json:"key"`
	Candidates []string `json:"candidates"` // the catalog references sharing the key
	Source     string   `json:"source"`
}

// Conflict is an extract line whose EAN and reference disagree (not matched: never
// a guess), or whose EAN several catalog products share.
type Conflict struct {
	Source string   `json:"source"`
	Brand  string   `json:"brand"` // as typed in the ERP
	Ref    string   `json:"ref"`
	Size   string   `json:"size,omitempty"`
	EAN    string   `json:"ean"`
	Kind   string   `json:"kind"`             // reconcile's Conflict… code
	ByRef  []string `json:"by_ref,omitempty"` // the catalog products the reference names: "ref (id)", "ref size 54 (id)"
	ByEAN  []string `json:"by_ean"`           // the catalog products the EAN names
}

// UnmappedBrand is an ERP brand the brand table does not map.
type UnmappedBrand struct {
	Brand  string `json:"brand"`
	Lines  int    `json:"lines"`
	Source string `json:"source,omitempty"` // its first line
}

// Row problem severities.
const (
	SeverityError   = "error"   // the row was skipped
	SeverityWarning = "warning" // the row was kept
)

// RowError is a problem with one extract row, found by the ERP reader or the engine.
type RowError struct {
	Source   string `json:"source"`   // "file:line" or "file Sheet!F12"
	Severity string `json:"severity"` // SeverityError or SeverityWarning
	Code     string `json:"code"`     // an erp.Code… or engine code
	Field    string `json:"field,omitempty"`
	Value    string `json:"value,omitempty"`
}

// PriceChange is a price the run changes, or a conflict between rows.
type PriceChange struct {
	Brand    string `json:"brand"`
	Ref      string `json:"ref"`
	Size     string `json:"size,omitempty"`
	OldCents int64  `json:"old_cents"`
	NewCents int64  `json:"new_cents"`
	Reason   string `json:"reason,omitempty"` // empty for a change, "price_conflict" for rows that disagree
	Source   string `json:"source"`
}

// SizeWithoutPrice is a size variant that stays off sale for lack of an ERP price.
type SizeWithoutPrice struct {
	Brand     string `json:"brand"`
	Ref       string `json:"ref"`
	Size      string `json:"size"`
	ProductID string `json:"product_id"`
	VariantID string `json:"variant_id,omitempty"`
	Why       string `json:"why,omitempty"` // not_in_extract: the ERP lists other sizes; no_price: listed without a price
	Source    string `json:"source,omitempty"`
}

// Rejection is a decision the shop refused.
type Rejection struct {
	Ref       string `json:"ref"`
	Size      string `json:"size,omitempty"`
	ProductID string `json:"product_id"`
	VariantID string `json:"variant_id,omitempty"`
	Reason    string `json:"reason"` // as the shop wrote it
	Source    string `json:"source,omitempty"`
}

// SoldOnline is a line of an open web order: sold online, maybe not yet recorded in
// the boutique's till. The boutique records it and pulls the piece from the showcase.
type SoldOnline struct {
	Order     string    `json:"order"`
	PlacedAt  time.Time `json:"placed_at"` // UTC
	Ref       string    `json:"ref"`
	Size      string    `json:"size,omitempty"`
	Quantity  int       `json:"quantity"`
	ProductID string    `json:"product_id"`
	VariantID string    `json:"variant_id,omitempty"`
	// Subtracted: ecrin took the quantity off the extract's stock itself (a shop
	// without reservations); otherwise the shop's own reservation holds it.
	Subtracted bool `json:"subtracted,omitempty"`
}

// Guard reasons: why a run was held. The values are reconcile's guard codes.
const (
	GuardFileError     = "file_error"            // the extract was refused
	GuardEmptyExtract  = "empty_extract"         // no article in the extract
	GuardRowsDrop      = "min_rows_ratio"        // far fewer rows than the last accepted extract
	GuardUnpublishRate = "max_unpublish_ratio"   // too large a share of the published products would go
	GuardUnpublishMax  = "max_unpublish_count"   // too many products would go
	GuardMatchDrop     = "max_match_drop"        // the match rate fell since the last run
	GuardApproved      = "approved"              // a held run released by hand
	GuardCatalogIDs    = "duplicate_catalog_ids" // the shop's catalog repeats product or variant ids
)

// sortBrands orders brands by name, for a stable report.
func sortBrands(b []BrandRate) {
	slices.SortFunc(b, func(x, y BrandRate) int { return strings.Compare(x.Brand, y.Brand) })
}
