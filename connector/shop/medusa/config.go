package medusa

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Defaults and limits of Options.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
	DefaultMaxBatch = 500
	MaxMaxBatch     = 2000
	DefaultTimeout  = 60 * time.Second
	DefaultCurrency = "eur"
	DefaultBrand    = "metadata:brand"
	DefaultRefKey   = "ref"
)

// DefaultSizeOptions are the titles of the product option that holds sizes.
var DefaultSizeOptions = []string{"Taille", "Size"}

// Options is the `shop:` block of a site whose kind is medusa (besides kind and
// secret, which the loader reads: the secret is a secret API key, sk_…).
type Options struct {
	// URL is Medusa's backend URL (the one serving /admin and /store).
	URL string `yaml:"url"`
	// SalesChannel is the id of the sales channel (sc_…) whose products ecrin
	// manages: the boutique's web shop.
	SalesChannel string `yaml:"sales_channel"`
	// StockLocation is the id of the boutique's stock location (sloc_…), where ecrin
	// sets the stocked quantity and where Medusa reserves the web orders.
	StockLocation string `yaml:"stock_location"`
	// Currency is the currency of the prices ecrin sets (default eur).
	Currency string `yaml:"currency"`
	// SizeOptions are the titles of the product option holding the sizes, compared
	// without case (default Taille, Size). A product with such an option is
	// declinable: one variant per size.
	SizeOptions []string `yaml:"size_options"`
	// Brand says where a product's brand is: metadata:<key> (default
	// metadata:brand), collection (the collection's title), type (the product type)
	// or tag:<prefix> (the first tag value starting with the prefix, prefix removed).
	Brand string `yaml:"brand"`
	// RefMetadata is the product metadata key that holds the reference, when set on
	// the product (default ref). Without it: the SKU of a product's single variant,
	// or the SKU stem shared by the sizes of a declinable product.
	RefMetadata string `yaml:"ref_metadata"`
	// PageSize is how many products one catalog page asks for (default 100).
	PageSize int `yaml:"page_size"`
	// MaxBatch is the most items one push takes (default 500).
	MaxBatch int `yaml:"max_batch"`
	// Timeout bounds one HTTP attempt, body included (default 60s).
	Timeout time.Duration `yaml:"timeout"`
	// max_retries, backoff_base, backoff_max, max_total_wait, as for every kind.
	shop.RetryOptions `yaml:",inline"`
}

// withDefaults returns o with its zero fields set to the defaults, checked.
func (o Options) withDefaults() (Options, error) {
	if o.Currency == "" {
		o.Currency = DefaultCurrency
	}
	o.Currency = strings.ToLower(o.Currency)
	if len(o.SizeOptions) == 0 {
		o.SizeOptions = DefaultSizeOptions
	}
	if o.Brand == "" {
		o.Brand = DefaultBrand
	}
	if o.RefMetadata == "" {
		o.RefMetadata = DefaultRefKey
	}
	if o.PageSize == 0 {
		o.PageSize = DefaultPageSize
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	o.RetryOptions = o.RetryOptions.WithDefaults()
	if err := shop.CheckURL(o.URL, "Medusa's backend URL"); err != nil {
		return o, err
	}
	switch {
	case o.SalesChannel == "":
		return o, errors.New("shop.sales_channel is required: the id (sc_…) of the boutique's sales channel")
	case o.StockLocation == "":
		return o, errors.New("shop.stock_location is required: the id (sloc_…) of the boutique's stock location")
	case len(o.Currency) != 3:
		return o, fmt.Errorf("shop.currency %q: want an ISO 4217 code such as eur", o.Currency)
	case o.PageSize < 1 || o.PageSize > MaxPageSize:
		return o, fmt.Errorf("shop.page_size %d: want 1 to %d", o.PageSize, MaxPageSize)
	case o.MaxBatch < 1 || o.MaxBatch > MaxMaxBatch:
		return o, fmt.Errorf("shop.max_batch %d: want 1 to %d", o.MaxBatch, MaxMaxBatch)
	case o.Timeout < 0:
		return o, errors.New("shop.timeout must be positive")
	}
	if err := o.RetryOptions.Check(); err != nil {
		return o, err
	}
	if _, _, err := parseBrand(o.Brand); err != nil {
		return o, err
	}
	return o, nil
}

// parseBrand splits the brand setting into its source and argument.
func parseBrand(s string) (src, arg string, err error) {
	src, arg, _ = strings.Cut(s, ":")
	switch src {
	case "metadata", "tag":
		if arg == "" {
			return "", "", fmt.Errorf("shop.brand %q: want %s:<key>", s, src)
		}
		return src, arg, nil
	case "collection", "type":
		if arg != "" {
			return "", "", fmt.Errorf("shop.brand %q: %s takes no argument", s, src)
		}
		return src, "", nil
	}
	return "", "", fmt.Errorf("shop.brand %q: want metadata:<key>, collection, type or tag:<prefix>", s)
}
