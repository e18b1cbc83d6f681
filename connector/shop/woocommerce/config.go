package woocommerce

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Defaults and limits of Options.
const (
	DefaultPageSize          = 100 // WordPress refuses per_page above 100
	MaxPageSize              = 100
	DefaultMaxBatch          = 100 // woocommerce_rest_batch_items_limit
	MaxMaxBatch              = 1000
	DefaultTimeout           = 60 * time.Second
	DefaultBrand             = "attribute:Marque"
	DefaultEAN               = "global_unique_id"
	DefaultUnpublishedStatus = "draft"
	DefaultRestockMeta       = "ecrin_restock_days"
	DefaultAvailabilityMeta  = "ecrin_availability"
	APIPath                  = "/wp-json/wc/v3"
)

// DefaultSizeAttributes are the names of the variation attribute that holds sizes.
var DefaultSizeAttributes = []string{"Taille", "Size"}

// DefaultOpenStatuses are the order statuses of an order WooCommerce took stock
// for and the boutique has not shipped yet.
var DefaultOpenStatuses = []string{"processing", "on-hold"}

// Options is the `shop:` block of a site whose kind is woocommerce (besides kind
// and secret, which the loader reads: the secret is the REST API key's consumer
// secret, cs_…).
type Options struct {
	// URL is the WordPress site's URL (https://bijouterie.example.fr); the API is
	// URL/wp-json/wc/v3.
	URL string `yaml:"url"`
	// ConsumerKey is the REST API key's consumer key (ck_…).
	ConsumerKey string `yaml:"consumer_key"`
	// AllowHTTP accepts an http:// URL whose host is not the loopback (a TLS
	// proxy in front of ecrin on a private network). WooCommerce reads a key sent
	// in Basic auth only over HTTPS: the proxy must speak HTTPS to WordPress.
	AllowHTTP bool `yaml:"allow_http"`
	// CAFile is a PEM file of certificate authorities to trust besides the
	// system's (a site behind a private CA).
	CAFile string `yaml:"ca_file"`

	// ManagedTag and ManagedCategory, ids of a product tag or category, select
	// the products ecrin manages; 0 (both): every product.
	ManagedTag      int `yaml:"managed_tag"`
	ManagedCategory int `yaml:"managed_category"`
	// SizeAttributes are the names of the variation attribute holding sizes,
	// compared without case (default Taille, Size).
	SizeAttributes []string `yaml:"size_attributes"`
	// Brand says where a product's brand is: attribute:<name> (default
	// attribute:Marque), meta:<key>, category (the first category's name) or
	// brands (WooCommerce 9.6+ Brands taxonomy, the first brand).
	Brand string `yaml:"brand"`
	// EAN says where a product's or a variation's EAN is: global_unique_id
	// (default; WooCommerce 9.2+ "GTIN, UPC, EAN or ISBN") or meta:<key>.
	EAN string `yaml:"ean"`
	// UnpublishedStatus is the status of a product ecrin unpublishes: draft
	// (default) or private. A variation is disabled (private) either way.
	UnpublishedStatus string `yaml:"unpublished_status"`
	// RestockMeta and AvailabilityMeta are the meta keys ecrin writes the restock
	// delay (days) and its availability (in_stock, preorder, backorder,
	// unavailable) to, for the theme to show; "-": not written.
	RestockMeta      string `yaml:"restock_meta"`
	AvailabilityMeta string `yaml:"availability_meta"`
	// OpenStatuses are the order statuses whose lines ecrin counts as sold
	// online and not yet in the till (default processing, on-hold).
	OpenStatuses []string `yaml:"open_statuses"`
	// PageSize is how many products one catalog page asks for (default and most 100).
	PageSize int `yaml:"page_size"`
	// MaxBatch is the most items one push takes (default 100, WooCommerce's limit;
	// more only if the site raised woocommerce_rest_batch_items_limit).
	MaxBatch int `yaml:"max_batch"`
	// Timeout bounds one HTTP attempt, body included (default 60s).
	Timeout time.Duration `yaml:"timeout"`
	// max_retries, backoff_base, backoff_max, max_total_wait, as for every kind.
	shop.RetryOptions `yaml:",inline"`
}

// withDefaults returns o with its zero fields set to the defaults, checked.
func (o Options) withDefaults() (Options, error) {
	if len(o.SizeAttributes) == 0 {
		o.SizeAttributes = DefaultSizeAttributes
	}
	if o.Brand == "" {
		o.Brand = DefaultBrand
	}
	if o.EAN == "" {
		o.EAN = DefaultEAN
	}
	if o.UnpublishedStatus == "" {
		o.UnpublishedStatus = DefaultUnpublishedStatus
	}
	if o.RestockMeta == "" {
		o.RestockMeta = DefaultRestockMeta
	}
	if o.AvailabilityMeta == "" {
		o.AvailabilityMeta = DefaultAvailabilityMeta
	}
	if len(o.OpenStatuses) == 0 {
		o.OpenStatuses = DefaultOpenStatuses
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
	if err := shop.CheckURL(o.URL, "the WordPress site's URL"); err != nil {
		return o, err
	}
	if err := checkScheme(o.URL, o.AllowHTTP); err != nil {
		return o, err
	}
	switch {
	case o.ConsumerKey == "":
		return o, errors.New("shop.consumer_key is required: the REST API key's consumer key (ck_…), WooCommerce > Settings > Advanced > REST API")
	case o.ManagedTag < 0 || o.ManagedCategory < 0:
		return o, errors.New("shop.managed_tag and shop.managed_category are ids: positive, or 0 for none")
	case o.UnpublishedStatus != "draft" && o.UnpublishedStatus != "private":
		return o, fmt.Errorf("shop.unpublished_status %q: want draft or private", o.UnpublishedStatus)
	case o.PageSize < 1 || o.PageSize > MaxPageSize:
		return o, fmt.Errorf("shop.page_size %d: want 1 to %d", o.PageSize, MaxPageSize)
	case o.MaxBatch < 1 || o.MaxBatch > MaxMaxBatch:
		return o, fmt.Errorf("shop.max_batch %d: want 1 to %d", o.MaxBatch, MaxMaxBatch)
	case o.Timeout < 0:
		return o, errors.New("shop.timeout must be positive")
	}
	for _, s := range o.OpenStatuses {
		if s == "" || strings.ContainsAny(s, ", ") {
			return o, fmt.Errorf("shop.open_statuses: %q is not an order status (processing, on-hold, …)", s)
		}
	}
	if err := o.RetryOptions.Check(); err != nil {
		return o, err
	}
	if _, _, err := parseBrand(o.Brand); err != nil {
		return o, err
	}
	if _, err := parseEAN(o.EAN); err != nil {
		return o, err
	}
	return o, nil
}

// checkScheme accepts http:// only for a loopback host, or with allow_http.
func checkScheme(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || allowHTTP {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		return nil
	}
	return fmt.Errorf("shop.url %q: WooCommerce reads a REST API key only over HTTPS; use https:// (or shop.allow_http behind a TLS proxy)", u.Redacted())
}

// parseBrand splits the brand setting into its source and argument.
func parseBrand(s string) (src, arg string, err error) {
	src, arg, _ = strings.Cut(s, ":")
	switch src {
	case "attribute", "meta":
		if arg == "" {
			return "", "", fmt.Errorf("shop.brand %q: want %s:<name>", s, src)
		}
		return src, arg, nil
	case "category", "brands":
		if arg != "" {
			return "", "", fmt.Errorf("shop.brand %q: %s takes no argument", s, src)
		}
		return src, "", nil
	}
	return "", "", fmt.Errorf("shop.brand %q: want attribute:<name>, meta:<key>, category or brands", s)
}

// parseEAN returns the meta key of the ean setting, "" for global_unique_id.
func parseEAN(s string) (string, error) {
	if s == DefaultEAN {
		return "", nil
	}
	if key, ok := strings.CutPrefix(s, "meta:"); ok && key != "" {
		return key, nil
	}
	return "", fmt.Errorf("shop.ean %q: want global_unique_id or meta:<key>", s)
}
