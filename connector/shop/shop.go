// Package shop is the room of the web shops ecrin pushes to: the interface a run
// needs of a shop, the types that cross it, a registry of shop kinds, and the retry
// discipline every HTTP kind shares. Each kind lives in a folder of its own below
// this one (ecrin, vendure, medusa, …) and registers itself from init; shop/all
// imports them all.
//
// Stock crosses this interface as the quantity ON HAND at the extract's time. A
// shop that keeps reservations for its open web orders (Traits.Reserves) subtracts
// them itself; for one that does not, the run subtracts the open orders before it
// decides. Either way a piece sold online and not yet recorded in the boutique's
// till never comes back on sale.
package shop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/settings"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// Shop is one boutique's web shop, as a run needs it. Implementations are safe
// for use by one run at a time and never log or return a secret.
type Shop interface {
	// Catalog returns the products this boutique's connector manages, with their
	// size variants and, where the shop has them, EANs.
	Catalog(ctx context.Context) ([]reconcile.Product, error)
	// Push applies one batch (at most Traits().MaxBatch items) and returns one
	// result per item, in order. key identifies the batch: a shop that honours
	// idempotency keys answers a replay with its first answer; any other must
	// apply items so that applying them twice changes nothing (absolute values).
	Push(ctx context.Context, key string, items []Item) ([]Result, error)
	// OpenOrders returns the lines of the web orders the shop took and has not
	// closed yet: sold online, maybe not yet recorded in the boutique's till.
	OpenOrders(ctx context.Context) ([]OrderLine, error)
	// Ping checks that the shop answers and accepts the credentials; `ecrin check`.
	Ping(ctx context.Context) error
	// Traits says what the shop does itself.
	Traits() Traits
	// String says where the shop is, for logs and errors, without any secret.
	String() string
}

// CatalogDeltas is a Shop that can say what changed in its catalog since a cursor,
// so a night fetches only that: the run keeps the catalog in its state file.
type CatalogDeltas interface {
	// CatalogWithCursor fetches the whole catalog, and the cursor of the state it
	// was read at.
	CatalogWithCursor(ctx context.Context) ([]reconcile.Product, string, error)
	// CatalogChanges returns the products added or changed since cursor, the ids
	// removed, and the next cursor. ErrCursorExpired: fetch the catalog whole.
	CatalogChanges(ctx context.Context, cursor string) (changed []reconcile.Product, removed []string, next string, err error)
}

// ItemPusher is a Shop that applies a batch's items one by one (no batch
// endpoint): it reports each item's answer as it comes, so that the run journals
// it and a push a crash interrupted resends only the items without an answer.
type ItemPusher interface {
	// PushItems applies items (any number: the kind bounds its own concurrency)
	// and calls done once per item, in any order and never concurrently, with
	// the item's rank in items and the shop's answer. done's error stops the push
	// and is returned. An error means some items may have no answer: the run
	// sends them again.
	PushItems(ctx context.Context, key string, items []Item, done func(i int, r Result) error) error
}

// Uploader is a Shop that keeps the runs' summaries and reports for its back
// office.
type Uploader interface {
	// UploadRun sends a run's summary and, when report is not nil, its XLSX report
	// named reportName. Uploading a run id again replaces the earlier upload.
	UploadRun(ctx context.Context, sum RunSummary, reportName string, report io.Reader) error
}

// Traits are what a shop does on its own.
type Traits struct {
	// Reserves is true when the shop subtracts its open orders from the on-hand
	// quantity it receives (Vendure allocations, Medusa reservations, the ecrin
	// protocol). When false, the run subtracts them before pushing.
	Reserves bool
	// MaxBatch is the most items one Push takes.
	MaxBatch int
}

// Item is what the shop must show for one product (VariantID empty) or one size
// variant: the type that crosses the interface, converted by each kind to its wire.
type Item struct {
	ProductID    string
	VariantID    string
	Ref          string
	Size         string
	Published    bool
	Availability string // in_stock, preorder, backorder, unavailable
	OnHand       int    // stock on hand; the shop subtracts its open orders when it Reserves
	PriceCents   int64  // 0: no price from the ERP, the shop keeps its own
	RestockDays  int    // for preorder and backorder
}

// Result is the shop's answer for one item.
type Result struct {
	ProductID string
	VariantID string
	Accepted  bool
	Reason    string // why the shop refused it
}

// OrderLine is one line of an open web order.
type OrderLine struct {
	Order     string // the shop's order number, as the boutique sees it
	PlacedAt  time.Time
	ProductID string
	VariantID string // empty for a product without sizes
	Ref       string
	Size      string
	Quantity  int
}

// Target is the product or variant the line sold.
func (l OrderLine) Target() reconcile.Target {
	return reconcile.Target{ProductID: l.ProductID, VariantID: l.VariantID}
}

// RunSummary is what a shop's back office shows of one run.
type RunSummary struct {
	RunID         string
	Boutique      string
	StartedAt     time.Time
	FinishedAt    time.Time
	Status        string // e.g. pushed, held, failed
	Verdict       string // the guard verdict and its reasons
	ExtractFile   string
	ExtractSHA256 string
	Lines         int
	Matched       int
	Unmatched     int
	Published     int
	Unpublished   int
	Preorder      int
	Backorder     int
	Pushed        int
	Rejected      int
}

// Env is what a kind gets from the site beside its own settings.
type Env struct {
	// Boutique is the site's id (site.id).
	Boutique string
	// Secret is the shop's credential (shop.secret), resolved from env: or file:.
	// Empty when the command does not need it.
	Secret Secret
	// OnRetry, when set, is called before each retry with the request ("POST
	// /v1/stock/batches"), the retry number from 1, the wait and what failed; for
	// the log. It never sees the secret.
	OnRetry func(request string, retry int, wait time.Duration, cause error)
}

// Secret is a credential that never prints.
type Secret string

func (Secret) String() string   { return "[redacted]" }
func (Secret) GoString() string { return `"[redacted]"` }

// MarshalText keeps the secret out of any dump of the configuration.
func (Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// Scrub keeps the secret out of err's text: a transport error never carries the
// request's headers, but a proxy's message might echo the credential.
func (s Secret) Scrub(err error) error {
	if s == "" || err == nil || !strings.Contains(err.Error(), string(s)) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), string(s), "[redacted]"))
}

// OpenFunc opens a shop of one kind from its settings block (the whole `shop:`
// block of the configuration; nil for none).
type OpenFunc func(settings *yaml.Node, env Env) (Shop, error)

// Errors a kind wraps so that the run can react whatever the kind.
var (
	// ErrKeyReused: the shop already holds the batch's idempotency key with
	// another content, and applied nothing.
	ErrKeyReused = errors.New("idempotency key already used for another batch")
	// ErrTooLarge: the shop refused the batch as too large, and applied nothing.
	ErrTooLarge = errors.New("batch too large for the shop")
	// ErrCursorExpired: the shop no longer knows the changes since the cursor.
	ErrCursorExpired = errors.New("catalog cursor expired")
)

// DefaultKind is the kind of a configuration that names none: ecrin's own protocol.
const DefaultKind = "ecrin"

var registry = settings.NewRegistry[OpenFunc]("shop")

// Register makes a kind available to Open. Kinds call it from init; it panics on
// a duplicate kind, a programming error.
func Register(kind string, open OpenFunc) { registry.Register(kind, open) }

// Open opens a shop of the given kind ("" is DefaultKind) from its settings.
func Open(kind string, block *yaml.Node, env Env) (Shop, error) {
	if kind == "" {
		kind = DefaultKind
	}
	open, err := registry.Get(kind)
	if err != nil {
		return nil, err
	}
	return open(block, env)
}

// Kinds lists the registered kinds, sorted.
func Kinds() []string { return registry.Kinds() }

// CheckURL checks a shop's base URL (shop.url): http(s), a host, and no
// credentials in it, which go in shop.secret. what says what the URL points at,
// for the message when it is missing.
func CheckURL(raw, what string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return fmt.Errorf("shop.url is required: %s (https://…)", what)
	case err != nil:
		return fmt.Errorf("shop.url: %w", err)
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return fmt.Errorf("shop.url %q: want http(s)://host[/path]", u.Redacted())
	case u.User != nil:
		return errors.New("shop.url must not carry credentials: they go in shop.secret")
	}
	return nil
}

// SettingError is a shop setting that is wrong, at a line of the configuration.
type SettingError = settings.Error

// loaderKeys are the keys of the shop block the configuration loader reads itself.
var loaderKeys = []string{"kind", "secret"}

// Decode decodes the shop block into v, a pointer to a kind's options struct. A key
// v does not know is refused with its line.
func Decode(block *yaml.Node, v any) error {
	return settings.Decode(block, v, "shop", loaderKeys...)
}
