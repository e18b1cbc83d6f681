package shopify

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Defaults of Options.
const (
	// DefaultAPIVersion is the Admin API version the adapter speaks. Older versions
	// are refused: the compare-and-set input (changeFromQuantity) and the mandatory
	// @idempotent directive of inventorySetQuantities came with 2026-04.
	DefaultAPIVersion = "2026-04"
	MinAPIVersion     = "2026-04"
	// DefaultMaxBatch: the documentation gives no limit to the quantities list of
	// inventorySetQuantities; 250 is Shopify's usual page and list size, and keeps
	// one mutation's requested cost low (see README.md).
	DefaultMaxBatch = 250
	MaxMaxBatch     = 250
	// DefaultPageSize is the variants read per catalog page: a page of 100
	// variants with their product costs about 400 points, well under the 1,000
	// points one query may request.
	DefaultPageSize = 100
	MaxPageSize     = 250
	DefaultTimeout  = 60 * time.Second
	// DefaultStaleRetries is how many times a quantity Shopify found stale
	// (CHANGE_FROM_QUANTITY_STALE) is read again and set again before the item is
	// refused.
	DefaultStaleRetries = 2
	// DefaultReason is the inventorySetQuantities reason: ecrin counts the stock.
	DefaultReason = "correction"
)

// DefaultSizeOptions are the names of the product option that holds sizes.
var DefaultSizeOptions = []string{"Taille", "Size", "Longueur"}

// Options is the `shop:` block of a site whose kind is shopify (see README.md).
type Options struct {
	// Shop is the shop's myshopify domain (boutique.myshopify.com); the Admin API
	// is https://Shop/admin/api/APIVersion/graphql.json.
	Shop string `yaml:"shop_domain"`
	// URL replaces the https://Shop base: for a proxy, and for tests, which may
	// use http only on a loopback address (127.0.0.1, ::1, localhost).
	URL        string `yaml:"url"`
	APIVersion string `yaml:"api_version"`
	// Location is the id (gid://shopify/Location/N or N) or the name of the
	// location whose on-hand stock ecrin sets; empty: the shop's only location.
	Location string `yaml:"location"`
	// ManagedTag selects the products ecrin manages: those with this tag; empty:
	// every product.
	ManagedTag string `yaml:"managed_tag"`
	// SizeOptions are the names of the product option holding sizes (any case).
	SizeOptions []string `yaml:"size_options"`
	// RestockMetafield, "namespace.key", is a number_integer variant metafield
	// that receives the restock delay (days) of pre-orders and backorders (0
	// otherwise); empty: not sent. Shopify has no field of its own for it.
	RestockMetafield string `yaml:"restock_days_metafield"`
	// Reason is the inventorySetQuantities reason (default correction).
	Reason string `yaml:"inventory_reason"`
	// StaleRetries bounds the re-reads of a stale quantity (default 2; negative: none).
	StaleRetries int `yaml:"stale_retries"`

	MaxBatch int           `yaml:"max_batch"` // items per Push (default and most 250)
	PageSize int           `yaml:"page_size"` // variants per catalog page (default 100, at most 250)
	Timeout  time.Duration `yaml:"timeout"`   // one HTTP attempt (default 60s)
	// max_retries, backoff_base, backoff_max, max_total_wait, as for every kind;
	// they also bound the waits for Shopify's query cost bucket (THROTTLED).
	shop.RetryOptions `yaml:",inline"`
}

var (
	versionRE   = regexp.MustCompile(`^\d{4}-(01|04|07|10)$`)
	domainRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$`)
	metafieldRE = regexp.MustCompile(`^[A-Za-z0-9_-]{2,255}\.[A-Za-z0-9_-]{2,64}$`)
)

// withDefaults returns o with its zero fields set to the defaults, checked, and
// the Admin API's GraphQL endpoint.
func (o Options) withDefaults() (Options, string, error) {
	if o.APIVersion == "" {
		o.APIVersion = DefaultAPIVersion
	}
	if len(o.SizeOptions) == 0 {
		o.SizeOptions = DefaultSizeOptions
	}
	if o.Reason == "" {
		o.Reason = DefaultReason
	}
	switch {
	case o.StaleRetries == 0:
		o.StaleRetries = DefaultStaleRetries
	case o.StaleRetries < 0:
		o.StaleRetries = 0
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.PageSize == 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	o.RetryOptions = o.RetryOptions.WithDefaults()
	switch {
	case !versionRE.MatchString(o.APIVersion):
		return o, "", fmt.Errorf("shop.api_version %q: want a Shopify version such as %s", o.APIVersion, DefaultAPIVersion)
	case o.APIVersion < MinAPIVersion:
		return o, "", fmt.Errorf("shop.api_version %s is older than %s, whose inventorySetQuantities (changeFromQuantity, @idempotent) ecrin needs", o.APIVersion, MinAPIVersion)
	case o.RestockMetafield != "" && !metafieldRE.MatchString(o.RestockMetafield):
		return o, "", fmt.Errorf("shop.restock_days_metafield %q: want namespace.key", o.RestockMetafield)
	case o.MaxBatch < 1 || o.MaxBatch > MaxMaxBatch:
		return o, "", fmt.Errorf("shop.max_batch %d: want 1 to %d", o.MaxBatch, MaxMaxBatch)
	case o.PageSize < 1 || o.PageSize > MaxPageSize:
		return o, "", fmt.Errorf("shop.page_size %d: want 1 to %d", o.PageSize, MaxPageSize)
	case o.Timeout < 0:
		return o, "", errors.New("shop.timeout must be positive")
	}
	if err := o.RetryOptions.Check(); err != nil {
		return o, "", err
	}
	base, err := o.base()
	if err != nil {
		return o, "", err
	}
	return o, strings.TrimRight(base, "/") + "/admin/api/" + o.APIVersion + "/graphql.json", nil
}

// base is the URL the Admin API path goes under.
func (o Options) base() (string, error) {
	switch {
	case o.URL != "" && o.Shop != "":
		return "", errors.New("shop.shop_domain and shop.url: give one (url only for a proxy or a test double)")
	case o.URL == "":
		d := strings.ToLower(strings.TrimSpace(o.Shop))
		if d == "" {
			return "", errors.New("shop.shop_domain is required: the shop's myshopify domain (boutique.myshopify.com)")
		}
		if !domainRE.MatchString(d) {
			return "", fmt.Errorf("shop.shop_domain %q: want a domain such as boutique.myshopify.com, without https:// or a path", o.Shop)
		}
		return "https://" + d, nil
	}
	if err := shop.CheckURL(o.URL, "the Shopify Admin API's base URL"); err != nil {
		return "", err
	}
	u, _ := url.Parse(o.URL)
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return "", fmt.Errorf("shop.url %q: http is allowed only on a loopback address (a test double); Shopify is https", u.Redacted())
	}
	return o.URL, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
