// Package shopifydouble is a contract double of the Shopify Admin GraphQL API,
// written only from Shopify's public documentation of version 2026-04
// (shopify.dev/docs/api/admin-graphql/2026-04 and the usage pages on rate limits
// and idempotent requests), for the tests of the shopify shop kind. It is an
// http.Handler serving POST /admin/api/{version}/graphql.json.
//
// It is not a GraphQL engine: it reads the operation's name and variables, checks
// that the query names the root field it expects, and answers the fields the
// adapter's operations select, as the documentation describes them. It
// implements:
//
//   - the X-Shopify-Access-Token header (a wrong token: 401 with Shopify's
//     "[API] Invalid API key or access token" body) and access scopes (a field
//     outside the granted scopes: an ACCESS_DENIED error);
//   - the calculated query cost: a leaky bucket (maximumAvailable, restoreRate),
//     extensions.cost on every answer, a top-level THROTTLED error when a query
//     requests more than the bucket holds;
//   - shop, currentAppInstallation.accessScopes, locations, productVariants (cursor
//     pagination), nodes (ProductVariant, Product, InventoryItem with
//     inventoryLevel(locationId).quantities(names)), orders (query "status:open");
//   - inventorySetQuantities as of 2026-04: names available/on_hand, changeFromQuantity
//     compare-and-set on every quantity (CHANGE_FROM_QUANTITY_STALE), the mandatory
//     @idempotent(key:) directive (a replay answers the first answer and applies
//     nothing; the same key with other input: IDEMPOTENCY_KEY_PARAMETER_MISMATCH),
//     the userError codes of InventorySetQuantitiesUserErrorCode; a mutation with a
//     userError applies nothing;
//   - productVariantsBulkUpdate (price, inventoryPolicy, metafields) and
//     productUpdate (status), with userErrors;
//   - committed quantities: an order placed on the double commits its units, and
//     available = on_hand − committed.
package shopifydouble

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Version is the Admin API version whose documentation the double follows.
const Version = "2026-04"

// InvalidTokenBody is what Shopify answers, with a 401, to a wrong access token.
const InvalidTokenBody = `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`

// AllScopes are the scopes a new double grants.
var AllScopes = []string{"read_products", "write_products", "read_inventory", "write_inventory", "read_orders", "read_locations"}

// Product is a product of the double.
type Product struct {
	ID          string
	Title       string
	Vendor      string
	ProductType string
	Status      string // ACTIVE, DRAFT, ARCHIVED
	Tags        []string
	Options     []string // option names, e.g. Taille
	Variants    []string // variant ids
}

// Variant is a product variant of the double.
type Variant struct {
	ID              string
	ProductID       string
	SKU             string
	Barcode         string
	PriceCents      int64
	Policy          string            // DENY or CONTINUE
	Options         map[string]string // option name → value
	InventoryItemID string
	Tracked         bool
	Metafields      map[string]string // namespace.key → value
}

// Level is an inventory item's quantities at one location.
type Level struct {
	OnHand    int
	Committed int
}

// Available is on_hand minus committed: what the shop may still sell.
func (l Level) Available() int { return l.OnHand - l.Committed }

// Location is a location of the double.
type Location struct {
	ID, Name string
	Active   bool
}

type orderLine struct {
	variant            string
	quantity, unfilled int
}

type order struct {
	name    string
	created time.Time
	closed  bool
	lines   []orderLine
}

type idem struct {
	params string
	answer json.RawMessage
}

// Double is the fake shop. Its exported fields may be set before it serves.
type Double struct {
	// Token is the Admin API access token it accepts.
	Token string
	// Scopes are the access scopes granted to the app.
	Scopes []string
	// Delay is added before every answer (to cut a push in its middle).
	Delay time.Duration
	// Now is the clock of the cost bucket; default time.Now.
	Now func() time.Time

	mu        sync.Mutex
	seq       int
	products  map[string]*Product
	porder    []string
	variants  map[string]*Variant
	vorder    []string
	levels    map[[2]string]*Level // (inventory item, location)
	locations []Location
	orders    []*order
	keys      map[string]idem

	maxCost, rate, avail float64
	at                   time.Time
	throttleNext         int

	calls     map[string]int
	throttled int
	mutations map[string]int
	replays   int
	applied   map[string]int // inventory item → on_hand sets that changed it
	beforeSet func()
	refuse    map[string]string // inventory item or variant id → userError code
}

// New returns a double that accepts token, grants every scope ecrin needs, has
// one location "Boutique", and a bucket of 1,000 points restored at 100 a second
// (the Standard plan).
func New(token string) *Double {
	d := &Double{Token: token, Scopes: slices.Clone(AllScopes),
		products: map[string]*Product{}, variants: map[string]*Variant{}, levels: map[[2]string]*Level{},
		keys: map[string]idem{}, calls: map[string]int{}, mutations: map[string]int{}, applied: map[string]int{},
		refuse: map[string]string{}, maxCost: 1000, rate: 100, avail: 1000}
	d.AddLocation("Boutique")
	return d
}

func (d *Double) id(kind string) string {
	d.seq++
	return fmt.Sprintf("gid://shopify/%s/%d", kind, 1000+d.seq)
}

// AddLocation adds an active location and returns its id.
func (d *Double) AddLocation(name string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := fmt.Sprintf("gid://shopify/Location/%d", len(d.locations)+1)
	d.locations = append(d.locations, Location{ID: id, Name: name, Active: true})
	return id
}

// VariantSpec describes a variant to add: Size "" for a product without sizes.
type VariantSpec struct {
	SKU, Barcode, Size string
	PriceCents         int64
	OnHand             int
}

// AddProduct adds an ACTIVE product with its variants, each tracked and stocked
// at the first location, and returns it. option names the size option ("" for a
// product with one variant).
func (d *Double) AddProduct(title, vendor string, tags []string, option string, vs ...VariantSpec) Product {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := &Product{ID: d.id("Product"), Title: title, Vendor: vendor, Status: "ACTIVE", Tags: tags}
	if option != "" {
		p.Options = []string{option}
	} else {
		p.Options = []string{"Title"}
	}
	for _, s := range vs {
		v := &Variant{ID: d.id("ProductVariant"), ProductID: p.ID, SKU: s.SKU, Barcode: s.Barcode, PriceCents: s.PriceCents,
			Policy: "DENY", Options: map[string]string{}, InventoryItemID: d.id("InventoryItem"), Tracked: true, Metafields: map[string]string{}}
		if option != "" {
			v.Options[option] = s.Size
		} else {
			v.Options["Title"] = "Default Title"
		}
		d.levels[[2]string{v.InventoryItemID, d.locations[0].ID}] = &Level{OnHand: s.OnHand}
		d.variants[v.ID] = v
		d.vorder = append(d.vorder, v.ID)
		p.Variants = append(p.Variants, v.ID)
	}
	d.products[p.ID] = p
	d.porder = append(d.porder, p.ID)
	return *p
}

// Product returns a copy of a product.
func (d *Double) Product(id string) (Product, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := d.products[id]
	if !ok {
		return Product{}, false
	}
	c := *p
	c.Tags, c.Options, c.Variants = slices.Clone(p.Tags), slices.Clone(p.Options), slices.Clone(p.Variants)
	return c, true
}

// Variant returns a copy of a variant and its level at the first location.
func (d *Double) Variant(id string) (Variant, Level, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.variants[id]
	if !ok {
		return Variant{}, Level{}, false
	}
	c := *v
	c.Options, c.Metafields = map[string]string{}, map[string]string{}
	for k, x := range v.Options {
		c.Options[k] = x
	}
	for k, x := range v.Metafields {
		c.Metafields[k] = x
	}
	var l Level
	if lv := d.levels[[2]string{v.InventoryItemID, d.locations[0].ID}]; lv != nil {
		l = *lv
	}
	return c, l, true
}

// SetOnHand changes a variant's on_hand at the first location, as a person in
// Shopify's admin would.
func (d *Double) SetOnHand(variant string, q int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v := d.variants[variant]; v != nil {
		if l := d.levels[[2]string{v.InventoryItemID, d.locations[0].ID}]; l != nil {
			l.OnHand = q
		}
	}
}

// Unstock removes a variant's inventory level at the first location.
func (d *Double) Unstock(variant string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v := d.variants[variant]; v != nil {
		delete(d.levels, [2]string{v.InventoryItemID, d.locations[0].ID})
	}
}

// PlaceOrder places an open, unfulfilled order for qty units of a variant: the
// units are committed at the first location. It returns the order's name.
func (d *Double) PlaceOrder(variant string, qty int) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := d.variants[variant]
	if v == nil {
		return ""
	}
	if l := d.levels[[2]string{v.InventoryItemID, d.locations[0].ID}]; l != nil {
		l.Committed += qty
	}
	o := &order{name: fmt.Sprintf("#%d", 1001+len(d.orders)), created: d.now().UTC(), lines: []orderLine{{variant: variant, quantity: qty, unfilled: qty}}}
	d.orders = append(d.orders, o)
	return o.name
}

// Refuse makes the double refuse an inventory item (in inventorySetQuantities) or
// a variant (in productVariantsBulkUpdate) with a userError of code.
func (d *Double) Refuse(id, code string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.refuse[id] = code
}

// BeforeSetStock sets a function called before each inventorySetQuantities is
// processed (to change the stock in between, as someone else would).
func (d *Double) BeforeSetStock(f func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.beforeSet = f
}

// SetBucket sets the cost bucket's size and restore rate, and fills it.
func (d *Double) SetBucket(maximum, restorePerSecond float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.maxCost, d.rate, d.avail, d.at = maximum, restorePerSecond, maximum, time.Time{}
}

// Drain empties the cost bucket to available points.
func (d *Double) Drain(available float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.avail, d.at = available, d.now()
}

// ThrottleNext makes the next n requests answer THROTTLED whatever the bucket.
func (d *Double) ThrottleNext(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.throttleNext = n
}

// Calls is how many requests named op were answered (throttled ones included).
func (d *Double) Calls(op string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls[op]
}

// Throttled is how many requests were answered THROTTLED.
func (d *Double) Throttled() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.throttled
}

// Mutations is how many times the mutation root field ran and applied something
// (replays, refusals and throttled requests not counted).
func (d *Double) Mutations(field string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mutations[field]
}

// Replays is how many inventorySetQuantities were answered from an idempotency key.
func (d *Double) Replays() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.replays
}

// Applied is how many inventorySetQuantities changed an inventory item's on_hand.
func (d *Double) Applied(inventoryItem string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.applied[inventoryItem]
}

func (d *Double) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

var pathRE = regexp.MustCompile(`^/admin/api/(\d{4}-\d{2}|unstable)/graphql\.json$`)

// ServeHTTP answers one GraphQL request.
func (d *Double) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.Delay > 0 {
		time.Sleep(d.Delay)
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodPost || !pathRE.MatchString(r.URL.Path) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"errors":"Not Found"}`))
		return
	}
	if r.Header.Get("X-Shopify-Access-Token") != d.Token || d.Token == "" {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(InvalidTokenBody))
		return
	}
	var req struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors":"Bad Request"}`))
		return
	}
	if d.beforeSetHook(req.OperationName) != nil {
		d.beforeSetHook(req.OperationName)()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls[req.OperationName]++
	op, ok := operations[req.OperationName]
	if !ok || !strings.Contains(req.Query, op.field) {
		writeJSON(w, map[string]any{"errors": []any{gqlErr(fmt.Sprintf("the double does not implement operation %q (%s)", req.OperationName, firstLine(req.Query)), "UNSUPPORTED_BY_DOUBLE")}})
		return
	}
	requested := op.cost(req.Variables)
	d.restore()
	if d.throttleNext > 0 || requested > d.avail {
		if d.throttleNext > 0 {
			d.throttleNext--
		}
		d.throttled++
		writeJSON(w, map[string]any{
			"errors":     []any{map[string]any{"message": "Throttled", "extensions": map[string]any{"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}},
			"extensions": map[string]any{"cost": d.costExt(requested, nil)},
		})
		return
	}
	for _, s := range op.scopes {
		if !d.granted(s) {
			writeJSON(w, map[string]any{"errors": []any{gqlErr(fmt.Sprintf("Access denied for %s field. Required access: `%s` access scope.", op.field, s), "ACCESS_DENIED")},
				"extensions": map[string]any{"cost": d.costExt(requested, nil)}})
			return
		}
	}
	data, err := op.run(d, req.Query, req.Variables)
	actual := requested
	d.avail -= actual
	if err != nil {
		writeJSON(w, map[string]any{"errors": []any{gqlErr(err.Error(), "BAD_REQUEST")}, "extensions": map[string]any{"cost": d.costExt(requested, &actual)}})
		return
	}
	writeJSON(w, map[string]any{"data": data, "extensions": map[string]any{"cost": d.costExt(requested, &actual)}})
}

func (d *Double) beforeSetHook(op string) func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if op == "SetStock" {
		return d.beforeSet
	}
	return nil
}

func (d *Double) granted(scope string) bool {
	return slices.Contains(d.Scopes, scope) ||
		(strings.HasPrefix(scope, "read_") && slices.Contains(d.Scopes, "write_"+strings.TrimPrefix(scope, "read_")))
}

// restore refills the bucket for the time passed.
func (d *Double) restore() {
	now := d.now()
	if !d.at.IsZero() {
		d.avail = min(d.maxCost, d.avail+d.rate*now.Sub(d.at).Seconds())
	}
	d.at = now
}

func (d *Double) costExt(requested float64, actual *float64) map[string]any {
	var act any
	if actual != nil {
		act = *actual
	}
	return map[string]any{"requestedQueryCost": requested, "actualQueryCost": act,
		"throttleStatus": map[string]any{"maximumAvailable": d.maxCost, "currentlyAvailable": max(d.avail, 0), "restoreRate": d.rate}}
}

func gqlErr(msg, code string) map[string]any {
	return map[string]any{"message": msg, "extensions": map[string]any{"code": code}}
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}
