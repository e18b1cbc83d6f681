package wcdouble

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Term is a category or a tag of a product.
type Term struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Attribute is a product attribute: for a variable product, the one its
// variations vary by (Variation true), or a plain one such as the brand.
type Attribute struct {
	ID        int      `json:"id"`
	Name      string   `json:"name"`
	Variation bool     `json:"variation"`
	Options   []string `json:"options"`
}

// VariationAttribute is the value of an attribute that a variation takes.
type VariationAttribute struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Option string `json:"option"`
}

// Meta is one meta_data entry.
type Meta struct {
	ID    int    `json:"id"`
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// Stock is what a product or a variation shows of its stock and price.
type Stock struct {
	Status        string `json:"status"` // publish, draft, pending, private
	SKU           string `json:"sku"`
	GTIN          string `json:"global_unique_id"`
	RegularPrice  string `json:"regular_price"`
	ManageStock   bool   `json:"manage_stock"`
	StockQuantity *int   `json:"stock_quantity"`
	Backorders    string `json:"backorders"`   // no, notify, yes
	StockStatus   string `json:"stock_status"` // instock, outofstock, onbackorder
	Meta          []Meta `json:"meta_data"`
}

// Product is a simple or variable product.
type Product struct {
	ID         int         `json:"id"`
	Name       string      `json:"name"`
	Type       string      `json:"type"` // simple, variable
	Categories []Term      `json:"categories"`
	Tags       []Term      `json:"tags"`
	Attributes []Attribute `json:"attributes"`
	Variations []int       `json:"variations"`
	Stock
}

// Variation is one variation of a variable product.
type Variation struct {
	ID         int                  `json:"id"`
	ParentID   int                  `json:"parent_id"`
	Attributes []VariationAttribute `json:"attributes"`
	Stock
}

// MetaValue returns the value of the meta key, "" when absent.
func (s Stock) MetaValue(key string) string {
	for _, m := range s.Meta {
		if m.Key == key {
			return fmt.Sprint(m.Value)
		}
	}
	return ""
}

// Quantity is the stock quantity, 0 when not managed.
func (s Stock) Quantity() int {
	if s.StockQuantity == nil {
		return 0
	}
	return *s.StockQuantity
}

// Purchasable reports whether a customer can buy n more: published, and in stock
// or backorders allowed.
func (s Stock) purchasable(n int) bool {
	if s.Status != "publish" {
		return false
	}
	if !s.ManageStock {
		return s.StockStatus != "outofstock"
	}
	return s.Quantity() >= n || s.Backorders != "no"
}

// derive sets stock_status from the quantity when stock is managed.
func (s *Stock) derive() {
	if !s.ManageStock {
		return
	}
	switch {
	case s.Quantity() > 0:
		s.StockStatus = "instock"
	case s.Backorders == "notify" || s.Backorders == "yes":
		s.StockStatus = "onbackorder"
	default:
		s.StockStatus = "outofstock"
	}
}

// Key is one REST API key, as WooCommerce > Settings > Advanced > REST API makes it.
type Key struct {
	Secret      string
	Permissions string // read, write, read_write
	// NoCapability: the key's user may read products but not edit them (a role
	// without edit_products): writes answer 403 woocommerce_rest_cannot_batch.
	NoCapability bool
}

// Options configure a double.
type Options struct {
	// Keys are the REST API keys it knows, by consumer key.
	Keys map[string]Key
	// BasicOverHTTP accepts Basic auth on a plain HTTP request (WooCommerce
	// accepts it only over HTTPS).
	BasicOverHTTP bool
	// BatchLimit is woocommerce_rest_batch_items_limit (default 100).
	BatchLimit int
	// BatchDelay is how long a batch request takes before it is applied (a slow
	// WordPress), so that a test can kill a client in the middle of a push.
	BatchDelay time.Duration
	// Now is the clock of orders (default time.Now).
	Now func() time.Time
}

// Stats count what the double received.
type Stats struct {
	Requests        int // every request
	BatchRequests   int // POST …/batch answered 200
	ItemsUpdated    int // batch items applied
	ItemsRefused    int // batch items answered with an error object
	TooLarge        int // batches refused with 413
	ProductBatches  int // POST products/batch answered 200
	VariantBatches  int // POST products/<id>/variations/batch answered 200
	InjectedFaults  int
	PageRequests    int // GET products and variations
	OrdersRequests  int
	UnauthorizedReq int
}

// Refusal is an error object the double answers for one item of a batch.
type Refusal struct {
	Code    string
	Message string
	Status  int
}

// Double is an in-memory WooCommerce.
type Double struct {
	mu         sync.Mutex
	opts       Options
	nextID     int
	products   map[int]*Product
	variations map[int]*Variation
	orders     []*Order
	stats      Stats
	faults     []fault
	refuse     map[int]Refusal
}

type fault struct {
	status     int
	retryAfter string
}

// New returns an empty double.
func New(opts Options) *Double {
	if opts.BatchLimit == 0 {
		opts.BatchLimit = 100
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Double{opts: opts, nextID: 10, products: map[int]*Product{}, variations: map[int]*Variation{}, refuse: map[int]Refusal{}}
}

func (d *Double) id() int {
	d.nextID++
	return d.nextID
}

// Seed is what a test seeds a product or a size with.
type Seed struct {
	SKU        string
	GTIN       string
	Price      string
	Published  bool
	Quantity   int
	Size       string // for a variation
	Categories []string
	Tags       []string
	Brand      string // the "Marque" attribute
}

func (d *Double) stockOf(s Seed) Stock {
	st := Stock{Status: "draft", SKU: s.SKU, GTIN: s.GTIN, RegularPrice: s.Price, ManageStock: true, Backorders: "no", Meta: []Meta{}}
	if s.Published {
		st.Status = "publish"
	}
	q := s.Quantity
	st.StockQuantity = &q
	st.derive()
	return st
}

func (d *Double) terms(names []string) []Term {
	out := []Term{}
	for _, n := range names {
		out = append(out, Term{ID: termID(n), Name: n, Slug: n})
	}
	return out
}

// termID gives a category or tag name a stable id.
func termID(name string) int {
	h := 0
	for _, r := range name {
		h = (h*31 + int(r)) % 100000
	}
	return 1000 + h
}

// TermID is the id the double gives a category or a tag of that name.
func TermID(name string) int { return termID(name) }

func brandAttr(brand string) []Attribute {
	if brand == "" {
		return []Attribute{}
	}
	return []Attribute{{ID: 1, Name: "Marque", Options: []string{brand}}}
}

// AddSimple adds a simple product and returns its id.
func (d *Double) AddSimple(name string, s Seed) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := &Product{ID: d.id(), Name: name, Type: "simple", Categories: d.terms(s.Categories), Tags: d.terms(s.Tags),
		Attributes: brandAttr(s.Brand), Variations: []int{}, Stock: d.stockOf(s)}
	d.products[p.ID] = p
	return p.ID
}

// AddVariable adds a variable product whose variations vary by the attribute
// sizeAttr ("Taille"), one per size seed, and returns its id and theirs.
func (d *Double) AddVariable(name, sizeAttr string, parent Seed, sizes []Seed) (int, []int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := &Product{ID: d.id(), Name: name, Type: "variable", Categories: d.terms(parent.Categories), Tags: d.terms(parent.Tags),
		Attributes: brandAttr(parent.Brand), Variations: []int{}, Stock: d.stockOf(parent)}
	p.ManageStock, p.StockQuantity = false, nil
	attr := Attribute{ID: 2, Name: sizeAttr, Variation: true}
	var ids []int
	for _, s := range sizes {
		v := &Variation{ID: d.id(), ParentID: p.ID, Attributes: []VariationAttribute{{ID: 2, Name: sizeAttr, Option: s.Size}}, Stock: d.stockOf(s)}
		if !s.Published {
			v.Status = "private" // a variation's "Enabled" box unticked
		}
		d.variations[v.ID] = v
		p.Variations = append(p.Variations, v.ID)
		attr.Options = append(attr.Options, s.Size)
		ids = append(ids, v.ID)
	}
	p.Attributes = append(p.Attributes, attr)
	d.products[p.ID] = p
	return p.ID, ids
}

// Product returns a copy of a product, false when unknown.
func (d *Double) Product(id int) (Product, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := d.products[id]
	if !ok {
		return Product{}, false
	}
	return cloneProduct(p), true
}

// Variation returns a copy of a variation, false when unknown.
func (d *Double) Variation(id int) (Variation, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.variations[id]
	if !ok {
		return Variation{}, false
	}
	return cloneVariation(v), true
}

// Stats returns the counters.
func (d *Double) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// ResetStats sets the counters to zero.
func (d *Double) ResetStats() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats = Stats{}
}

// Fail makes the next n requests answer status, with a Retry-After header when
// retryAfter is not empty.
func (d *Double) Fail(n, status int, retryAfter string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for range n {
		d.faults = append(d.faults, fault{status, retryAfter})
	}
}

// Refuse makes every batch answer an error object for the product or variation
// id, until Refuse is called with a zero Refusal.
func (d *Double) Refuse(id int, r Refusal) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r.Code == "" {
		delete(d.refuse, id)
		return
	}
	d.refuse[id] = r
}

// ProductIDs returns every product id, sorted.
func (d *Double) ProductIDs() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids := make([]int, 0, len(d.products))
	for id := range d.products {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

// ErrNotForSale is PlaceOrder's answer for a line a customer cannot buy.
var ErrNotForSale = errors.New("not for sale")

func cloneStock(s Stock) Stock {
	if s.StockQuantity != nil {
		q := *s.StockQuantity
		s.StockQuantity = &q
	}
	s.Meta = append([]Meta{}, s.Meta...)
	return s
}

func cloneProduct(p *Product) Product {
	c := *p
	c.Stock = cloneStock(p.Stock)
	c.Categories = append([]Term{}, p.Categories...)
	c.Tags = append([]Term{}, p.Tags...)
	c.Attributes = append([]Attribute{}, p.Attributes...)
	c.Variations = append([]int{}, p.Variations...)
	return c
}

func cloneVariation(v *Variation) Variation {
	c := *v
	c.Stock = cloneStock(v.Stock)
	c.Attributes = append([]VariationAttribute{}, v.Attributes...)
	return c
}
