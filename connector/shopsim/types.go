package shopsim

import "time"

// Product is a catalog product, in the JSON shape of the protocol.
type Product struct {
	ID         string    `json:"id"`
	Brand      string    `json:"brand"`
	Ref        string    `json:"ref"`
	Category   string    `json:"category,omitempty"`
	EAN        string    `json:"ean,omitempty"`
	Declinable bool      `json:"declinable"`
	Variants   []Variant `json:"variants,omitempty"`
	Published  bool      `json:"published"`
}

// Variant is one size of a declinable product.
type Variant struct {
	ID   string `json:"id"`
	Size string `json:"size"`
	EAN  string `json:"ean,omitempty"`
}

// Item is one decision of a stock batch.
type Item struct {
	ProductID    string `json:"product_id"`
	VariantID    string `json:"variant_id,omitempty"`
	Ref          string `json:"ref,omitempty"`
	Size         string `json:"size,omitempty"`
	Published    bool   `json:"published"`
	Availability string `json:"availability"`
	Quantity     int    `json:"quantity"`
	PriceCents   int64  `json:"price_cents,omitempty"`
	RestockDays  int    `json:"restock_days,omitempty"`
}

// ItemResult is the answer for one item of a batch.
type ItemResult struct {
	ProductID string `json:"product_id"`
	VariantID string `json:"variant_id,omitempty"`
	Status    string `json:"status"` // "accepted" or "rejected"
	Reason    string `json:"reason,omitempty"`
}

// Item statuses.
const (
	Accepted = "accepted"
	Rejected = "rejected"
)

// availabilities lists the values an item's availability may take.
var availabilities = map[string]bool{
	"in_stock": true, "preorder": true, "backorder": true, "unavailable": true,
}

// StockState is what the shop holds for one product (VariantID empty) or one variant.
type StockState struct {
	ProductID    string
	VariantID    string
	Pushed       bool // false until a batch set it; the other stock fields are then zero
	Published    bool
	Availability string
	Quantity     int
	PriceCents   int64
	RestockDays  int
	UpdatedAt    time.Time
}

// Stats counts what the shop did, from its database: they survive a restart.
type Stats struct {
	BatchesApplied int `json:"batches_applied"` // applications, one per new key
	Replays        int `json:"replays"`         // kept answers served again
	ItemsAccepted  int `json:"items_accepted"`
	ItemsRejected  int `json:"items_rejected"`
	// KeysAppliedTwice counts idempotency keys whose batch was applied more than once:
	// it must stay 0.
	KeysAppliedTwice int `json:"keys_applied_twice"`
	// BodiesAppliedTwice counts batch bodies applied under more than one key: a client
	// that lost a key and sent the same batch again under a new one. Legitimate only
	// when the same values are pushed again on purpose (a full resync).
	BodiesAppliedTwice int `json:"bodies_applied_twice"`
	RunsUploaded       int `json:"runs_uploaded"`
}

// Run is an uploaded run.
type Run struct {
	ID           string
	Summary      []byte // the JSON object as uploaded
	ReportName   string
	Report       []byte
	ReportSHA256 string
	Uploads      int // how many times this run id was uploaded
	UploadedAt   time.Time
}
