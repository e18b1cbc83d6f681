// Package prestashop is the shop kind of a boutique whose web shop runs on
// PrestaShop 8 (1.7 for reading): it talks to the PrestaShop webservice (/api/),
// reads the catalog, its size combinations and the open orders in JSON, and
// writes stock (stock_availables), per-size price impacts, pre-order dates and
// publication in XML, one item at a time with bounded concurrency. See README.md
// for the mapping and the settings.
package prestashop

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Kind is the name of the kind in the configuration (shop.kind).
const Kind = "prestashop"

func init() {
	shop.RegisterKind(Kind, func(o Options, env shop.Env) (*Adapter, error) { return New(o, env.Secret) },
		func(a *Adapter) *shop.Retrier { return &a.retry })
}

var (
	_ shop.Shop       = (*Adapter)(nil)
	_ shop.ItemPusher = (*Adapter)(nil)
)

// Adapter is one boutique's PrestaShop. It is safe for use by one run at a time.
type Adapter struct {
	opts   Options
	secret shop.Secret
	base   *url.URL
	where  string
	http   *http.Client
	retry  shop.Retrier
	now    func() time.Time

	mu       sync.Mutex
	products map[int]*productInfo // what a push needs to know of a product, by id
}

// productInfo is what a push needs of one product: its price without tax, and
// its stock_available ids by combination (0: the product's own).
type productInfo struct {
	priceMicros int64
	priceErr    error // the product's price could not be read
	declinable  bool
	stock       map[int]int
}

// New checks opts, fills its defaults and returns an adapter. secret is the
// webservice key; it may be empty for commands that do not talk to the shop.
func New(opts Options, secret shop.Secret) (*Adapter, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse(strings.TrimRight(opts.URL, "/")) // checked by withDefaults
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = opts.Concurrency + 2
	a := &Adapter{
		opts:     opts,
		secret:   secret,
		base:     base,
		where:    base.Redacted(),
		http:     &http.Client{Timeout: opts.Timeout, Transport: transport},
		retry:    opts.RetryOptions.Retrier(nil),
		now:      time.Now,
		products: map[int]*productInfo{},
	}
	return a, nil
}

// Options returns the adapter's settings, defaults filled in.
func (a *Adapter) Options() Options { return a.opts }

// String says where the shop is, without credentials.
func (a *Adapter) String() string {
	s := "prestashop " + a.where
	if a.opts.Shop > 0 {
		s += " (shop " + strconv.Itoa(a.opts.Shop) + ")"
	}
	return s
}

// Traits: PrestaShop keeps no reservation the run could rely on — its
// stock_availables.quantity is what is left to sell, already lowered by the
// orders it validated, and physical/reserved quantities cannot be written through
// the webservice —, so the run subtracts the open orders and ecrin writes the
// quantity left to sell.
func (a *Adapter) Traits() shop.Traits {
	return shop.Traits{Reserves: false, MaxBatch: a.opts.MaxBatch}
}
