package prestashop

import (
	"errors"
	"fmt"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Defaults and limits of Options.
const (
	DefaultLanguage    = 1
	DefaultConcurrency = 4
	MaxConcurrency     = 16
	DefaultPageSize    = 100
	MaxPageSize        = 1000
	DefaultMaxBatch    = 50
	MaxMaxBatch        = 1000
	DefaultTimeout     = 60 * time.Second
	DefaultTimezone    = "Europe/Paris"
	DefaultTaxRate     = "20"
)

// DefaultSizeGroups are the names of the attribute groups (product_options) whose
// values are sizes.
var DefaultSizeGroups = []string{"Taille", "Longueur"}

// DefaultOpenStates are the ids of PrestaShop's stock order states of a fresh
// install under which an order is taken but not yet shipped: awaiting check
// payment (1), payment accepted (2), processing in progress (3), on backorder
// paid (9), awaiting bank wire (10), remote payment accepted (11), on backorder
// not paid (12), awaiting cash on delivery validation (13).
var DefaultOpenStates = []int{1, 2, 3, 9, 10, 11, 12, 13}

// Options is the `shop:` block of a site whose kind is prestashop (besides kind
// and secret, which the loader reads: the secret is the webservice key).
type Options struct {
	// URL is the shop's base URL, the one /api/ hangs under.
	URL string `yaml:"url"`
	// Category, when not 0, is the id of the category whose products ecrin
	// manages (a product belongs to it when it is among its categories); 0: all.
	Category int `yaml:"category"`
	// SizeGroups are the names of the attribute groups holding sizes, compared
	// without case (default Taille, Longueur).
	SizeGroups []string `yaml:"size_groups"`
	// Shop is the shop id of a multistore PrestaShop (id_shop); 0: the default shop.
	Shop int `yaml:"shop_id"`
	// Language is the id of the language sizes are read in (default 1).
	Language int `yaml:"language_id"`
	// OpenStates are the ids of the order states under which an order is open:
	// taken, not yet shipped (default 1, 2, 3, 9, 10, 11, 12, 13).
	OpenStates []int `yaml:"open_states"`
	// Timezone is the shop's time zone, the one its order dates are written in
	// (default Europe/Paris).
	Timezone string `yaml:"timezone"`
	// TaxRate is the VAT rate in percent of the products' tax rule (default 20):
	// ERP prices include it, PrestaShop stores prices without it. "0": PrestaShop's
	// prices are the ERP's.
	TaxRate string `yaml:"tax_rate"`
	// Concurrency is how many items are applied at once (default 4).
	Concurrency int `yaml:"concurrency"`
	// PageSize is how many products one catalog page asks for (default 100).
	PageSize int `yaml:"page_size"`
	// MaxBatch is the most items one push takes (default 50).
	MaxBatch int `yaml:"max_batch"`
	// Timeout bounds one HTTP attempt, body included (default 60s).
	Timeout time.Duration `yaml:"timeout"`
	// max_retries, backoff_base, backoff_max, max_total_wait, as for every kind.
	shop.RetryOptions `yaml:",inline"`

	zone    *time.Location
	taxBP   int64 // TaxRate in hundredths of a percent
	openSet map[int]bool
}

// withDefaults returns o with its zero fields set to the defaults, checked.
func (o Options) withDefaults() (Options, error) {
	if len(o.SizeGroups) == 0 {
		o.SizeGroups = DefaultSizeGroups
	}
	if o.Language == 0 {
		o.Language = DefaultLanguage
	}
	if len(o.OpenStates) == 0 {
		o.OpenStates = DefaultOpenStates
	}
	if o.Timezone == "" {
		o.Timezone = DefaultTimezone
	}
	if o.TaxRate == "" {
		o.TaxRate = DefaultTaxRate
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
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
	if err := shop.CheckURL(o.URL, "the PrestaShop shop's base URL, the one /api/ is under"); err != nil {
		return o, err
	}
	switch {
	case o.Category < 0, o.Shop < 0, o.Language < 0:
		return o, errors.New("shop.category, shop.shop_id and shop.language_id are ids: 0 or more")
	case o.Concurrency < 1 || o.Concurrency > MaxConcurrency:
		return o, fmt.Errorf("shop.concurrency %d: want 1 to %d", o.Concurrency, MaxConcurrency)
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
	zone, err := time.LoadLocation(o.Timezone)
	if err != nil {
		return o, fmt.Errorf("shop.timezone %q: %w", o.Timezone, err)
	}
	o.zone = zone
	if o.taxBP, err = parseRate(o.TaxRate); err != nil {
		return o, fmt.Errorf("shop.tax_rate %q: %w", o.TaxRate, err)
	}
	o.openSet = map[int]bool{}
	for _, s := range o.OpenStates {
		if s <= 0 {
			return o, fmt.Errorf("shop.open_states: %d is not an order state id", s)
		}
		o.openSet[s] = true
	}
	return o, nil
}
