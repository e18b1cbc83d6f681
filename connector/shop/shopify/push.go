package shopify

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// batch is one Push under way: its items, their results, and the writes planned.
type batch struct {
	key      string
	items    []shop.Item
	results  []shop.Result
	location string

	variants map[string]*variantWrite // by product id
	vorder   []string
	stock    []*stockWrite
	byItem   map[string]*stockWrite // by inventory item id
	status   map[string]*statusWrite
	sorder   []string
}

type variantWrite struct {
	product string
	inputs  []map[string]any
	index   map[string]int // variant id → its input
	items   [][]int        // the batch items each input serves
}

type stockWrite struct {
	item    string // inventory item id
	target  int
	current int // on_hand as last read: the changeFromQuantity
	items   []int
}

type statusWrite struct {
	product string
	status  string
	items   []int
}

func (b *batch) reject(i int, reason string) {
	if b.results[i].Accepted {
		b.results[i].Accepted, b.results[i].Reason = false, reason
	}
}

func (b *batch) rejectAll(is []int, reason string) {
	for _, i := range is {
		b.reject(i, reason)
	}
}

func (b *batch) anyRejected(is []int) bool {
	for _, i := range is {
		if !b.results[i].Accepted {
			return true
		}
	}
	return false
}

// Push applies one batch: for each variant concerned, its price (when the ERP gave
// one), its inventoryPolicy (CONTINUE for pre-order and backorder, DENY otherwise)
// and the restock metafield (productVariantsBulkUpdate, one per product); its
// on_hand quantity at the location (one inventorySetQuantities, compare-and-set
// against the quantity read just before, under an @idempotent key derived from
// key); and for each product, its status (ACTIVE published, DRAFT not:
// productUpdate). A refusal in userErrors is that item's rejection; the others are
// applied. Values are absolute and a quantity already at its target is not sent,
// so a replayed batch changes nothing.
func (a *Adapter) Push(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	if len(items) > a.opts.MaxBatch {
		return nil, fmt.Errorf("push batch %q to %s: %d items, more than max_batch %d: %w", key, a, len(items), a.opts.MaxBatch, shop.ErrTooLarge)
	}
	if key == "" || len(key) > 200 {
		return nil, fmt.Errorf("push to %s: batch key %q: want 1 to 200 characters", a, key)
	}
	results, err := a.push(ctx, key, items)
	if err != nil {
		return nil, fmt.Errorf("push batch %q to %s: %w", key, a, err)
	}
	return results, nil
}

func (a *Adapter) push(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	b := &batch{key: key, items: items, results: make([]shop.Result, len(items)),
		variants: map[string]*variantWrite{}, byItem: map[string]*stockWrite{}, status: map[string]*statusWrite{}}
	for i, it := range items {
		b.results[i] = shop.Result{ProductID: it.ProductID, VariantID: it.VariantID, Accepted: true}
	}
	if len(items) == 0 {
		return b.results, nil
	}
	loc, err := a.locationID(ctx)
	if err != nil {
		return nil, err
	}
	b.location = loc
	var ids []string
	seen := map[string]bool{}
	for _, it := range items {
		id := it.VariantID
		if id == "" {
			id = it.ProductID
		}
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	nodes, err := a.lookup(ctx, ids, loc)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		a.plan(b, i, it, nodes)
	}
	if err := a.writeVariants(ctx, b); err != nil {
		return nil, err
	}
	if err := a.writeStock(ctx, b); err != nil {
		return nil, err
	}
	if err := a.writeStatus(ctx, b); err != nil {
		return nil, err
	}
	return b.results, nil
}

// plan adds item i's writes to the batch, or rejects it.
func (a *Adapter) plan(b *batch, i int, it shop.Item, nodes map[string]wireNode) {
	if it.VariantID != "" {
		n, ok := nodes[it.VariantID]
		switch {
		case !ok || n.Typename != "ProductVariant" || n.Product == nil:
			b.reject(i, fmt.Sprintf("Shopify has no product variant %s", it.VariantID))
		case it.ProductID != "" && n.Product.ID != it.ProductID:
			b.reject(i, fmt.Sprintf("Shopify's variant %s belongs to product %s, not %s", it.VariantID, n.Product.ID, it.ProductID))
		default:
			a.planVariant(b, i, it, n.Product.ID, it.VariantID, n.InventoryItem)
		}
		return
	}
	n, ok := nodes[it.ProductID]
	if !ok || n.Typename != "Product" {
		b.reject(i, fmt.Sprintf("Shopify has no product %s", it.ProductID))
		return
	}
	sized := false
	for _, o := range n.Options {
		sized = sized || a.isSizeOption(o.Name)
	}
	switch {
	case sized: // its sizes come as variant items
	case len(n.Variants.Nodes) != 1:
		b.reject(i, fmt.Sprintf("Shopify's product %s has several variants and no size option (%s)", it.ProductID, strings.Join(a.opts.SizeOptions, ", ")))
		return
	default:
		v := n.Variants.Nodes[0]
		a.planVariant(b, i, it, n.ID, v.ID, v.InventoryItem)
	}
	if !b.results[i].Accepted {
		return
	}
	want := "DRAFT"
	if it.Published {
		want = "ACTIVE"
	}
	switch {
	case n.Status == want:
	case n.Status == "ARCHIVED" && !it.Published:
	case n.Status == "ARCHIVED":
		b.reject(i, fmt.Sprintf("Shopify's product %s is archived: ecrin does not unarchive a product; set it to draft or active in Shopify", n.ID))
	default:
		w := b.status[n.ID]
		if w == nil {
			w = &statusWrite{product: n.ID}
			b.status[n.ID] = w
			b.sorder = append(b.sorder, n.ID)
		}
		w.status = want
		w.items = append(w.items, i)
	}
}

// planVariant adds the variant's update and its stock.
func (a *Adapter) planVariant(b *batch, i int, it shop.Item, product, variant string, inv *wireInventoryItem) {
	switch {
	case inv == nil || inv.ID == "":
		b.reject(i, fmt.Sprintf("Shopify's variant %s has no inventory item", variant))
		return
	case !inv.Tracked:
		b.reject(i, fmt.Sprintf("Shopify does not track the inventory of variant %s: turn on \"Track quantity\" for it", variant))
		return
	case inv.InventoryLevel == nil:
		b.reject(i, fmt.Sprintf("Shopify's variant %s is not stocked at the location %s: stock it there in Shopify", variant, b.location))
		return
	}
	input := map[string]any{"id": variant, "inventoryPolicy": "DENY"}
	backorder := it.Availability == "preorder" || it.Availability == "backorder"
	if backorder {
		input["inventoryPolicy"] = "CONTINUE"
	}
	if it.PriceCents > 0 {
		input["price"] = priceString(it.PriceCents)
	}
	if a.opts.RestockMetafield != "" {
		ns, k, _ := strings.Cut(a.opts.RestockMetafield, ".")
		days := 0
		if backorder && it.RestockDays > 0 {
			days = it.RestockDays
		}
		input["metafields"] = []map[string]any{{"namespace": ns, "key": k, "type": "number_integer", "value": strconv.Itoa(days)}}
	}
	w := b.variants[product]
	if w == nil {
		w = &variantWrite{product: product, index: map[string]int{}}
		b.variants[product] = w
		b.vorder = append(b.vorder, product)
	}
	if j, ok := w.index[variant]; ok { // the same variant twice: the last item wins
		w.inputs[j] = input
		w.items[j] = append(w.items[j], i)
	} else {
		w.index[variant] = len(w.inputs)
		w.inputs = append(w.inputs, input)
		w.items = append(w.items, []int{i})
	}
	s := b.byItem[inv.ID]
	if s == nil {
		s = &stockWrite{item: inv.ID, current: inv.InventoryLevel.onHand()}
		b.byItem[inv.ID] = s
		b.stock = append(b.stock, s)
	}
	s.target = max(it.OnHand, 0)
	s.items = append(s.items, i)
}

const variantsMutation = `mutation UpdateVariants($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id }
    userErrors { field message code }
  }
}`

// writeVariants sends one productVariantsBulkUpdate per product. When Shopify
// refuses some variants (userErrors), they are rejected and the others are sent
// again: the documentation does not say whether the rest was applied, and sending
// absolute values again is harmless.
func (a *Adapter) writeVariants(ctx context.Context, b *batch) error {
	for _, pid := range b.vorder {
		w := b.variants[pid]
		live := make([]int, 0, len(w.inputs))
		for j := range w.inputs {
			live = append(live, j)
		}
		for round := 0; len(live) > 0 && round < 2; round++ {
			inputs := make([]map[string]any, len(live))
			for k, j := range live {
				inputs[k] = w.inputs[j]
			}
			var out struct {
				P struct {
					UserErrors []userError `json:"userErrors"`
				} `json:"productVariantsBulkUpdate"`
			}
			if err := a.gql(ctx, "UpdateVariants", variantsMutation, map[string]any{"productId": pid, "variants": inputs}, &out); err != nil {
				return fmt.Errorf("update the variants of product %s: %w", pid, err)
			}
			if len(out.P.UserErrors) == 0 {
				break
			}
			named := map[int]bool{}
			for _, ue := range out.P.UserErrors {
				k := ue.index("variants")
				if k < 0 || k >= len(live) {
					for _, j := range live {
						b.rejectAll(w.items[j], fmt.Sprintf("Shopify refused the variants of product %s: %s", pid, ue))
					}
					return nil
				}
				named[k] = true
				b.rejectAll(w.items[live[k]], fmt.Sprintf("Shopify refused variant %s: %s", w.inputs[live[k]]["id"], ue))
			}
			var rest []int
			for k, j := range live {
				if !named[k] {
					rest = append(rest, j)
				}
			}
			live = rest
		}
	}
	return nil
}

const statusMutation = `mutation SetStatus($product: ProductUpdateInput!) {
  productUpdate(product: $product) {
    product { id status }
    userErrors { field message }
  }
}`

// writeStatus sets the status of each product whose item asks for a change, once
// its variants and stock went through.
func (a *Adapter) writeStatus(ctx context.Context, b *batch) error {
	for _, pid := range b.sorder {
		w := b.status[pid]
		if b.anyRejected(w.items) {
			continue
		}
		var out struct {
			P struct {
				UserErrors []userError `json:"userErrors"`
			} `json:"productUpdate"`
		}
		if err := a.gql(ctx, "SetStatus", statusMutation, map[string]any{"product": map[string]any{"id": pid, "status": w.status}}, &out); err != nil {
			return fmt.Errorf("set product %s %s: %w", pid, w.status, err)
		}
		if len(out.P.UserErrors) > 0 {
			msgs := make([]string, len(out.P.UserErrors))
			for k, ue := range out.P.UserErrors {
				msgs[k] = ue.String()
			}
			b.rejectAll(w.items, fmt.Sprintf("Shopify refused to set product %s %s: %s", pid, w.status, strings.Join(msgs, "; ")))
		}
	}
	return nil
}
