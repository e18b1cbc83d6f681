// Package psdouble is a contract double of the PrestaShop webservice, written
// only from PrestaShop's public developer documentation for version 8
// (devdocs.prestashop-project.org/8/webservice: getting-started, cheat-sheet,
// additional list parameters, reference, resources products, combinations,
// stock_availables, product_options, product_option_values, orders,
// order_details), for the tests of the prestashop shop kind and of the ecrin
// binary. It is an http.Handler holding one shop in memory.
//
// What it implements:
//   - HTTP Basic auth, the key as the user name and no password; 401 for an
//     unknown key, and for a resource or method the key was not granted.
//   - GET /api/: the API root in XML, one element per resource the key may use,
//     with get/put/post/patch/delete/head attributes "true" or "false".
//   - GET of lists and single resources in JSON (output_format=JSON) for
//     products, combinations, stock_availables, product_options,
//     product_option_values, orders, order_details and order_states: ids as
//     numbers and other fields as strings, an empty list as [], multilingual
//     fields as [{"id","value"}] or, with language=N, a plain string; display=full
//     or [field,…]; filter[field]=[a|b] (or), [a,b] (interval), [a] and a bare
//     value (literal); limit=n or offset,n; sort by id only. id_shop is accepted.
//   - PUT of stock_availables: the whole resource in XML; id, id_product,
//     id_product_attribute, quantity, depends_on_stock and out_of_stock are
//     required, and a field left out is emptied (a PUT replaces the resource).
//   - PATCH of products (active, price, available_date, visibility) and
//     combinations (price, available_date): only the fields sent change.
//   - Errors in PrestaShop's form: {"errors":[{"code":N,"message":"…"}]} (XML for
//     XML requests).
//
// It does not implement POST, DELETE, HEAD, schemas, XML output of resources,
// prices with specific price rules, or the advanced stock management. Tests
// reach its state through its methods, and may inject failures (Fail), refuse
// items (Refuse), slow it down (Delay) and count requests.
package psdouble

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Resources the double serves.
var Resources = []string{"products", "combinations", "stock_availables", "product_options",
	"product_option_values", "orders", "order_details", "order_states"}

// Methods a key may be granted.
var Methods = []string{"GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"}

// Perms are the methods a key may use, by resource.
type Perms map[string][]string

// AllPerms grants every method on every resource.
func AllPerms() Perms {
	p := Perms{}
	for _, r := range Resources {
		p[r] = Methods
	}
	return p
}

// Product is a product as the double keeps it.
type Product struct {
	ID            int
	Reference     string
	EAN13         string
	Manufacturer  string
	Name          string
	Price         string // without tax, six decimals
	Active        bool
	Visibility    string
	AvailableDate string
	Categories    []int
	Combinations  []int
}

// Combination is one combination of a product.
type Combination struct {
	ID            int
	ProductID     int
	Reference     string
	EAN13         string
	Price         string // impact on the product's price
	AvailableDate string
	Values        []int // product_option_values
}

// StockAvailable is the stock of a product (Attribute 0) or a combination.
type StockAvailable struct {
	ID, ProductID, Attribute, Shop, ShopGroup int
	Quantity                                  int
	DependsOnStock                            bool
	OutOfStock                                int // 0 deny, 1 allow, 2 shop default
	Location                                  string
}

// Order is an order and its lines.
type Order struct {
	ID        int
	Reference string
	State     int
	DateAdd   string // the shop's local time, "2006-01-02 15:04:05"
	Lines     []OrderDetail
}

// OrderDetail is one line of an order.
type OrderDetail struct {
	ID, OrderID, ProductID, Attribute, Quantity int
	Reference                                   string
}

type optionGroup struct {
	ID   int
	Name string
}

type optionValue struct {
	ID, Group int
	Name      string
}

// Server is the double. Its zero value is not usable: call New.
type Server struct {
	// Fail, when set, is asked before each request is served: a status (503,
	// 429…) makes the double answer it instead; 0 serves the request.
	Fail func(r *http.Request) int
	// Refuse, when set, is asked before a write of resource id: a message makes
	// the double refuse it with 400 and that message.
	Refuse func(resource string, id int) string
	// Delay is added to every request, so that tests see concurrency.
	Delay time.Duration
	// Zone is the shop's time zone, for order dates (default Europe/Paris).
	Zone *time.Location

	mu       sync.Mutex
	keys     map[string]Perms
	products map[int]*Product
	combos   map[int]*Combination
	stock    map[int]*StockAvailable
	groups   map[int]*optionGroup
	values   map[int]*optionValue
	orders   map[int]*Order
	nextID   int
	counts   map[string]int // "PUT stock_availables"
	writes   map[string]int // "PUT stock_availables/12"

	inFlight, maxInFlight atomic.Int64
}

// New returns an empty shop.
func New() *Server {
	zone, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		zone = time.UTC
	}
	return &Server{Zone: zone, keys: map[string]Perms{}, products: map[int]*Product{}, combos: map[int]*Combination{},
		stock: map[int]*StockAvailable{}, groups: map[int]*optionGroup{}, values: map[int]*optionValue{},
		orders: map[int]*Order{}, nextID: 1, counts: map[string]int{}, writes: map[string]int{}}
}

// AddKey grants a webservice key its permissions.
func (s *Server) AddKey(key string, p Perms) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = p
}

func (s *Server) id() int {
	s.nextID++
	return s.nextID
}

// SizeSpec is one size of a product to add.
type SizeSpec struct {
	Name     string
	EAN13    string
	Quantity int
}

// ProductSpec is a product to add.
type ProductSpec struct {
	Reference, EAN13, Manufacturer, Name string
	Price                                string // without tax, e.g. "833.333333"
	Active                               bool
	Categories                           []int
	Group                                string // the size group (default Taille)
	Sizes                                []SizeSpec
	Quantity                             int
}

// AddProduct adds a product, its combinations (one per size, in a size group of
// the spec's name) and their stock, and returns the product id and the
// combination ids by size name.
func (s *Server) AddProduct(spec ProductSpec) (int, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &Product{ID: s.id(), Reference: spec.Reference, EAN13: spec.EAN13, Manufacturer: spec.Manufacturer,
		Name: spec.Name, Price: spec.Price, Active: spec.Active, Visibility: "both", AvailableDate: "0000-00-00",
		Categories: spec.Categories}
	if p.Price == "" {
		p.Price = "0.000000"
	}
	s.products[p.ID] = p
	s.addStock(p.ID, 0, spec.Quantity)
	combos := map[string]int{}
	group := spec.Group
	if group == "" {
		group = "Taille"
	}
	for _, sz := range spec.Sizes {
		c := &Combination{ID: s.id(), ProductID: p.ID, Reference: spec.Reference + "-" + sz.Name, EAN13: sz.EAN13,
			Price: "0.000000", AvailableDate: "0000-00-00", Values: []int{s.value(group, sz.Name)}}
		s.combos[c.ID] = c
		p.Combinations = append(p.Combinations, c.ID)
		s.addStock(p.ID, c.ID, sz.Quantity)
		combos[sz.Name] = c.ID
	}
	return p.ID, combos
}

func (s *Server) addStock(product, attr, qty int) {
	sa := &StockAvailable{ID: s.id(), ProductID: product, Attribute: attr, Shop: 1, Quantity: qty, OutOfStock: 2}
	s.stock[sa.ID] = sa
}

// value returns the id of the value name of group, creating both when needed.
func (s *Server) value(group, name string) int {
	gid := 0
	for _, g := range s.groups {
		if g.Name == group {
			gid = g.ID
		}
	}
	if gid == 0 {
		gid = s.id()
		s.groups[gid] = &optionGroup{ID: gid, Name: group}
	}
	for _, v := range s.values {
		if v.Group == gid && v.Name == name {
			return v.ID
		}
	}
	v := &optionValue{ID: s.id(), Group: gid, Name: name}
	s.values[v.ID] = v
	return v.ID
}

// OrderLine is one line of an order to place.
type OrderLine struct{ ProductID, Attribute, Quantity int }

// PlaceOrder records an order in state at the given time and lowers the stock
// of its lines as PrestaShop does when it validates an order. It refuses a line
// the shop cannot sell (quantity short and orders denied).
func (s *Server) PlaceOrder(at time.Time, state int, lines ...OrderLine) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range lines {
		sa := s.stockOf(l.ProductID, l.Attribute)
		if sa == nil || (sa.Quantity < l.Quantity && sa.OutOfStock != 1) {
			return "", fmt.Errorf("product %d/%d: not for sale", l.ProductID, l.Attribute)
		}
	}
	o := &Order{ID: s.id(), State: state, DateAdd: at.In(s.Zone).Format(time.DateTime)}
	o.Reference = fmt.Sprintf("REF%06d", o.ID)
	for _, l := range lines {
		s.stockOf(l.ProductID, l.Attribute).Quantity -= l.Quantity
		ref := ""
		if p := s.products[l.ProductID]; p != nil {
			ref = p.Reference
		}
		o.Lines = append(o.Lines, OrderDetail{ID: s.id(), OrderID: o.ID, ProductID: l.ProductID, Attribute: l.Attribute, Quantity: l.Quantity, Reference: ref})
	}
	s.orders[o.ID] = o
	return o.Reference, nil
}

// SetOrderState moves order id to state.
func (s *Server) SetOrderState(reference string, state int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		if o.Reference == reference {
			o.State = state
		}
	}
}

func (s *Server) stockOf(product, attr int) *StockAvailable {
	for _, sa := range s.stock {
		if sa.ProductID == product && sa.Attribute == attr {
			return sa
		}
	}
	return nil
}

// Stock returns the stock of product, combination attr (0: the product's own).
func (s *Server) Stock(product, attr int) StockAvailable {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sa := s.stockOf(product, attr); sa != nil {
		return *sa
	}
	return StockAvailable{}
}

// Product returns product id.
func (s *Server) Product(id int) Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.products[id]; p != nil {
		return *p
	}
	return Product{}
}

// Combination returns combination id.
func (s *Server) Combination(id int) Combination {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.combos[id]; c != nil {
		return *c
	}
	return Combination{}
}

// Count returns how many requests of method on resource were served (whatever
// their answer), e.g. Count("PUT", "stock_availables").
func (s *Server) Count(method, resource string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[method+" "+resource]
}

// Writes returns how many successful writes each resource got, by "METHOD
// resource/id".
func (s *Server) Writes() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.writes))
	for k, v := range s.writes {
		out[k] = v
	}
	return out
}

// ResetCounts forgets the request counts and the highest concurrency seen.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts, s.writes = map[string]int{}, map[string]int{}
	s.maxInFlight.Store(0)
}

// MaxInFlight is the most requests the double served at once.
func (s *Server) MaxInFlight() int { return int(s.maxInFlight.Load()) }

// sortedIDs returns the keys of m in order.
func sortedIDs[T any](m map[int]T) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

// itoa is strconv.Itoa.
func itoa(n int) string { return strconv.Itoa(n) }

// lower is strings.ToLower.
func lower(s string) string { return strings.ToLower(s) }
