package reconcile

// Findings are what CSMs act on. Every list is sorted so that the same inputs give
// the same findings whatever the order of the lines, and nil when empty; every
// entry carries its source line(s).
type Findings struct {
	Unmatched         []Unmatched        // by brand, key, source
	Ambiguous         []Ambiguous        // by brand, key
	UnmappedBrands    []BrandCount       // by ERP brand
	RowErrors         []RowError         // by source
	PriceConflicts    []PriceConflict    // by product, variant
	SizesWithoutPrice []SizeWithoutPrice // by product, variant
	UnknownSizes      []UnknownSize      // by product, size, source
	Excluded          []Excluded         // by source
	EANConflicts      []EANConflict      // by source
	BadEANs           []BadEAN           // by source
}

// EANConflict is an extract line whose barcode and reference disagree, or whose
// barcode several catalog products share: it is not matched, never guessed.
type EANConflict struct {
	Line  Line
	Kind  string      // a Conflict… constant
	GTIN  string      // the line's barcode, as an EAN-13 (or GTIN-14)
	ByRef []Candidate // what the reference names (by id); empty for ConflictSharedEAN
	ByEAN []Candidate // what the barcode names (by id)
}

// Candidate names a catalog product, or one size of it, in an EANConflict.
type Candidate struct {
	ID        string
	Ref       string
	VariantID string // the size's, when the conflict names one
	Size      string
}

// Kinds of EANConflict.
const (
	ConflictEAN       = "ean_conflict" // the barcode names another product than the reference
	ConflictEANSize   = "ean_size"     // the barcode names another size of the product than the size column
	ConflictSharedEAN = "shared_ean"   // the barcode names several catalog products, the reference none of them
)

// BadEAN is an extract line whose barcode is not a GTIN: a wrong check digit, a
// spreadsheet's scientific notation… It is a warning: the line is matched by its
// reference alone.
type BadEAN struct {
	Line Line
	Code string // a mapping.GTINCode… constant
}

// Unmatched is an extract line whose reference matched no catalog product.
type Unmatched struct {
	Line        Line
	Brand       string       // the catalog brand the ERP brand maps to
	Key         string       // the matching key that was looked up
	Suggestions []Suggestion // up to 3 nearest catalog references of the brand, nearest first
}

// Suggestion is a catalog reference close to an unmatched one.
type Suggestion struct {
	Ref        string
	ProductID  string
	Distance   int    // edit distance between the keys (0 for a brand prefix or an EAN)
	Rule       string // how it was found: a Suggest… constant
	OtherBrand bool   // the product is another brand's (an EAN may name one)
}

// How a suggestion was found: the evidence a CSM reads.
const (
	SuggestBrandPrefix  = "brand_prefix"       // the reference with the brand's name typed in front of it
	SuggestSwapped      = "swapped_characters" // two neighbouring characters swapped
	SuggestEditDistance = "edit_distance"      // a character wrong, missing or extra
	SuggestEAN          = "ean"                // the line's barcode names it (another brand's product)
)

// Ambiguous is a key shared by several catalog products of a brand: none of them is
// matched by key. Lines are the extract lines that hit it (none when the extract
// does not mention it); their products are then left as the shop has them.
type Ambiguous struct {
	Brand    string
	Key      string
	Products []ProductRef // by product id
	Lines    []Line       // by source
}

// ProductRef names a catalog product in a finding.
type ProductRef struct {
	ID  string
	Ref string
}

// MaxSources caps the example source lines a per-brand finding carries.
const MaxSources = 10

// BrandCount is an ERP brand that the brand table does not map, with the number of
// its lines and the first of them (natural order, at most MaxSources).
type BrandCount struct {
	Brand   string // as the ERP writes it (the first spelling met in natural source order)
	Lines   int
	Sources []string
}

// Row error codes.
const (
	RowMissingSize = "missing_size" // no size on a declinable product with several sizes
)

// RowError is an extract line the engine could not apply.
type RowError struct {
	Line      Line
	Code      string // a Row… constant
	ProductID string
	Message   string // in English, for logs and developers
}

// PriceConflict is a target fed by several lines with different prices: the highest
// is kept.
type PriceConflict struct {
	ProductID string
	VariantID string
	Ref       string
	Size      string
	Prices    []int64 // the distinct prices seen, ascending
	Kept      int64   // the price decided (the highest)
	Sources   []string
}

// Why a size has no price.
const (
	NoPriceNotInExtract = "not_in_extract" // the extract lists other sizes of the product, not this one
	NoPriceNoPrice      = "no_price"       // the extract lists the size without a price
)

// SizeWithoutPrice is a size variant that stays off sale because the extract gives it
// no price.
type SizeWithoutPrice struct {
	ProductID string
	VariantID string
	Ref       string
	Size      string
	Why       string   // a NoPrice… constant
	Sources   []string // the lines of the size (NoPriceNoPrice), else empty
}

// UnknownSize is an extract line whose size the catalog product does not have.
type UnknownSize struct {
	ProductID string
	Ref       string
	Size      string // normalised
	Line      Line
}

// Excluded is an extract line whose status keeps the article off the web. ProductID
// is the product it names, empty when it names none.
type Excluded struct {
	Line      Line
	ProductID string
}
