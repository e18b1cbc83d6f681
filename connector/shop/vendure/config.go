package vendure

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Defaults of Options.
const (
	DefaultAdminAPIPath    = "admin-api"
	DefaultAuthTokenHeader = "vendure-auth-token"
	DefaultBrandFacet      = "brand"
	DefaultCategoryFacet   = "category"
	DefaultBackorderLimit  = 10
	DefaultMaxBatch        = 500
	DefaultMaxRequestBytes = 90_000 // under Express's default JSON body limit (100 kB), which Vendure keeps
	DefaultPageSize        = 50
	DefaultTimeout         = 60 * time.Second

	MaxMaxBatch = 1000 // Vendure's default adminListQueryLimit bounds the look-ups of one batch
	MaxPageSize = 1000
)

// DefaultSizeGroups are the codes of the product option group that holds sizes.
var DefaultSizeGroups = []string{"taille", "size"}

// DefaultOpenStates are the order states of an order placed and not yet shipped,
// delivered or cancelled, in Vendure's default order process.
var DefaultOpenStates = []string{"PaymentAuthorized", "PaymentSettled", "PartiallyShipped", "Modifying", "ArrangingAdditionalPayment"}

// Options is the `shop:` block of a site whose kind is vendure (see README.md).
type Options struct {
	// URL is the server's base URL (https://shop.example.com); the Admin API is
	// URL/AdminAPIPath.
	URL          string `yaml:"url"`
	AdminAPIPath string `yaml:"admin_api_path"`
	// Username is the administrator ecrin logs in as; its password is the shop's
	// secret (shop.secret).
	Username string `yaml:"username"`
	// ChannelToken selects a channel (the vendure-token header); empty: the default channel.
	ChannelToken string `yaml:"channel_token"`
	// Language is the languageCode asked for names (sizes); empty: the channel's.
	Language string `yaml:"language"`
	// AuthTokenHeader is the server's authOptions.authTokenHeaderKey.
	AuthTokenHeader string `yaml:"auth_token_header"`

	// ManagedFacet, "facet:value" by codes, selects the products ecrin manages;
	// empty: every product of the channel.
	ManagedFacet string `yaml:"managed_facet"`
	// BrandFacet and CategoryFacet are the codes of the facets naming a product's
	// brand and category.
	BrandFacet    string `yaml:"brand_facet"`
	CategoryFacet string `yaml:"category_facet"`
	// SizeGroups are the codes of the option group holding sizes.
	SizeGroups []string `yaml:"size_option_groups"`
	// RefField is a Product custom field holding the product's reference; when it
	// is empty or unset, the reference comes from the variants' SKUs.
	RefField string `yaml:"ref_field"`
	// EANField is a String ProductVariant custom field holding the EAN/GTIN; empty:
	// no EANs read.
	EANField string `yaml:"ean_field"`
	// RestockField is an Int ProductVariant custom field that receives the restock
	// delay (days) of pre-orders and backorders; empty: not sent.
	RestockField string `yaml:"restock_days_field"`
	// StockLocation is the name of the stock location whose stockOnHand ecrin
	// sets; empty: the first (Vendure's default location).
	StockLocation string `yaml:"stock_location"`
	// BackorderLimit is how many pieces a pre-order or backorder may sell below
	// zero (outOfStockThreshold = -BackorderLimit).
	BackorderLimit int `yaml:"backorder_limit"`
	// OpenStates are the states of the orders OpenOrders returns.
	OpenStates []string `yaml:"open_order_states"`

	MaxBatch int `yaml:"max_batch"` // items per Push (default 500, at most 1000)
	// MaxRequestBytes bounds the body of one mutation: a batch's updates go in as
	// many mutations as needed (default 90,000: Vendure's body limit is 100 kB).
	MaxRequestBytes int           `yaml:"max_request_bytes"`
	PageSize        int           `yaml:"page_size"` // products per catalog page (default 50)
	Timeout         time.Duration `yaml:"timeout"`   // one HTTP attempt (default 60s)
	// max_retries, backoff_base, backoff_max, max_total_wait, as for every kind.
	shop.RetryOptions `yaml:",inline"`
}

var gqlName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]*$`)

// withDefaults returns o with its zero fields set to the defaults, checked.
func (o Options) withDefaults() (Options, error) {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&o.AdminAPIPath, DefaultAdminAPIPath)
	def(&o.AuthTokenHeader, DefaultAuthTokenHeader)
	def(&o.BrandFacet, DefaultBrandFacet)
	def(&o.CategoryFacet, DefaultCategoryFacet)
	if len(o.SizeGroups) == 0 {
		o.SizeGroups = DefaultSizeGroups
	}
	if len(o.OpenStates) == 0 {
		o.OpenStates = DefaultOpenStates
	}
	if o.BackorderLimit == 0 {
		o.BackorderLimit = DefaultBackorderLimit
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.MaxRequestBytes == 0 {
		o.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if o.PageSize == 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	o.RetryOptions = o.RetryOptions.WithDefaults()
	if err := shop.CheckURL(o.URL, "the Vendure server's base URL"); err != nil {
		return o, err
	}
	switch {
	case o.Username == "":
		return o, errors.New("shop.username is required: the Vendure administrator ecrin logs in as")
	case o.ManagedFacet != "" && !strings.Contains(o.ManagedFacet, ":"):
		return o, fmt.Errorf("shop.managed_facet %q: want facet:value (codes)", o.ManagedFacet)
	case o.RefField != "" && !gqlName.MatchString(o.RefField):
		return o, fmt.Errorf("shop.ref_field %q is not a GraphQL field name", o.RefField)
	case o.EANField != "" && !gqlName.MatchString(o.EANField):
		return o, fmt.Errorf("shop.ean_field %q is not a GraphQL field name", o.EANField)
	case o.RestockField != "" && !gqlName.MatchString(o.RestockField):
		return o, fmt.Errorf("shop.restock_days_field %q is not a GraphQL field name", o.RestockField)
	case o.BackorderLimit < 0:
		return o, errors.New("shop.backorder_limit must be positive")
	case o.MaxBatch < 1 || o.MaxBatch > MaxMaxBatch:
		return o, fmt.Errorf("shop.max_batch %d: want 1 to %d", o.MaxBatch, MaxMaxBatch)
	case o.MaxRequestBytes < 2000:
		return o, fmt.Errorf("shop.max_request_bytes %d: want at least 2000", o.MaxRequestBytes)
	case o.PageSize < 1 || o.PageSize > MaxPageSize:
		return o, fmt.Errorf("shop.page_size %d: want 1 to %d", o.PageSize, MaxPageSize)
	case o.Timeout < 0:
		return o, errors.New("shop.timeout must be positive")
	}
	if err := o.RetryOptions.Check(); err != nil {
		return o, err
	}
	return o, nil
}
