package vendure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Push applies one batch: for each variant concerned, its stockOnHand on the
// boutique's stock location, its price (when the ERP gave one), whether it can be
// sold below zero (pre-order, backorder) and enabled; for each product, enabled.
// All the variants go in one updateProductVariants, all the products in one
// updateProducts. An id Vendure does not know, or an update Vendure refuses, is
// that item's rejection; the others are applied. Values are absolute, so a
// replayed batch changes nothing.
func (a *Adapter) Push(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	if len(items) > a.opts.MaxBatch {
		return nil, fmt.Errorf("push batch %q to %s: %d items, more than max_batch %d: %w", key, a, len(items), a.opts.MaxBatch, shop.ErrTooLarge)
	}
	results, err := a.push(ctx, items)
	if err != nil {
		return nil, fmt.Errorf("push batch %q to %s: %w", key, a, err)
	}
	return results, nil
}

// update is one input of updateProductVariants or updateProducts, and the items
// it serves.
type update struct {
	input map[string]any
	items []int
}

func (a *Adapter) push(ctx context.Context, items []shop.Item) ([]shop.Result, error) {
	results := make([]shop.Result, len(items))
	for i, it := range items {
		results[i] = shop.Result{ProductID: it.ProductID, VariantID: it.VariantID, Accepted: true}
	}
	reject := func(i int, reason string) {
		if results[i].Accepted {
			results[i].Accepted, results[i].Reason = false, reason
		}
	}
	location, err := a.stockLocation(ctx)
	if err != nil {
		return nil, err
	}

	// What Vendure knows of the batch's products and variants.
	var productIDs, variantIDs []string
	for _, it := range items {
		if it.VariantID == "" {
			productIDs = append(productIDs, it.ProductID)
		} else {
			variantIDs = append(variantIDs, it.VariantID)
		}
	}
	products, err := a.productsByID(ctx, productIDs)
	if err != nil {
		return nil, err
	}
	variants, err := a.variantsByID(ctx, variantIDs)
	if err != nil {
		return nil, err
	}

	var vUpdates, pUpdates []*update
	byVariant, byProduct := map[string]*update{}, map[string]*update{}
	addVariant := func(i int, id string, it shop.Item) {
		if u := byVariant[id]; u != nil { // the same variant twice: the last item wins
			u.input = a.variantInput(id, it, location)
			u.items = append(u.items, i)
			return
		}
		u := &update{input: a.variantInput(id, it, location), items: []int{i}}
		byVariant[id] = u
		vUpdates = append(vUpdates, u)
	}
	addProduct := func(i int, id string, enabled bool) {
		if u := byProduct[id]; u != nil {
			u.input["enabled"] = enabled
			u.items = append(u.items, i)
			return
		}
		u := &update{input: map[string]any{"id": id, "enabled": enabled}, items: []int{i}}
		byProduct[id] = u
		pUpdates = append(pUpdates, u)
	}
	for i, it := range items {
		if it.VariantID != "" {
			v, ok := variants[it.VariantID]
			switch {
			case !ok:
				reject(i, fmt.Sprintf("Vendure has no product variant %s", it.VariantID))
			case it.ProductID != "" && v.ProductID != it.ProductID:
				reject(i, fmt.Sprintf("Vendure's variant %s belongs to product %s, not %s", it.VariantID, v.ProductID, it.ProductID))
			default:
				addVariant(i, it.VariantID, it)
			}
			continue
		}
		p, ok := products[it.ProductID]
		switch {
		case !ok:
			reject(i, fmt.Sprintf("Vendure has no product %s", it.ProductID))
		case a.sizeGroup(p) != "":
			addProduct(i, p.ID, it.Published) // the sizes come as variant items
		case len(p.Variants) != 1:
			reject(i, fmt.Sprintf("Vendure's product %s has %d variants and no size option group (%v)", p.ID, len(p.Variants), a.opts.SizeGroups))
		default:
			addVariant(i, p.Variants[0].ID, it)
			addProduct(i, p.ID, it.Published)
		}
	}

	// Variants first; a product whose variant was refused is left as it is.
	if err := a.apply(ctx, "UpdateVariants", `mutation UpdateVariants($input: [UpdateProductVariantInput!]!) { updateProductVariants(input: $input) { id } }`,
		"updateProductVariants", vUpdates, reject); err != nil {
		return nil, err
	}
	pUpdates = slices.DeleteFunc(pUpdates, func(u *update) bool {
		for _, i := range u.items {
			if !results[i].Accepted {
				return true
			}
		}
		return false
	})
	if err := a.apply(ctx, "UpdateProducts", `mutation UpdateProducts($input: [UpdateProductInput!]!) { updateProducts(input: $input) { id } }`,
		"updateProducts", pUpdates, reject); err != nil {
		return nil, err
	}
	return results, nil
}

// apply sends updates in one mutation. When Vendure refuses it (a GraphQL error:
// the mutation is one transaction, nothing was applied), each update is sent alone
// so that only the ones Vendure refuses are rejected. A transport error is the
// batch's error.
func (a *Adapter) apply(ctx context.Context, op, mutation, field string, updates []*update, reject func(int, string)) error {
	if len(updates) == 0 {
		return nil
	}
	send := func(us []*update) error {
		inputs := make([]map[string]any, len(us))
		for i, u := range us {
			inputs[i] = u.input
		}
		var out map[string][]*struct{ ID string }
		if err := a.gql(ctx, op, mutation, map[string]any{"input": inputs}, &out); err != nil {
			return err
		}
		if got := out[field]; len(got) != len(us) {
			return gqlErrors{{Message: fmt.Sprintf("%s answered %d results for %d inputs", field, len(got), len(us))}}
		}
		return nil
	}
	var ge gqlErrors
	for _, chunk := range a.chunks(mutation, updates) {
		err := send(chunk)
		if err == nil {
			continue
		}
		if !errors.As(err, &ge) {
			return err
		}
		for _, u := range chunk {
			err := send([]*update{u})
			if errors.As(err, &ge) {
				for _, i := range u.items {
					reject(i, fmt.Sprintf("Vendure refused %s %v: %s", field, u.input["id"], ge.Error()))
				}
				continue
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// chunks cuts updates into runs whose request stays under max_request_bytes: a
// Vendure server refuses a larger body (Express's JSON limit, 100 kB by default)
// with a 500.
func (a *Adapter) chunks(mutation string, updates []*update) [][]*update {
	var out [][]*update
	start, size := 0, len(mutation)+100
	for i, u := range updates {
		b, _ := json.Marshal(u.input)
		if i > start && size+len(b)+1 > a.opts.MaxRequestBytes {
			out = append(out, updates[start:i])
			start, size = i, len(mutation)+100
		}
		size += len(b) + 1
	}
	return append(out, updates[start:])
}

// variantInput is the UpdateProductVariantInput of one item.
func (a *Adapter) variantInput(id string, it shop.Item, location string) map[string]any {
	threshold := 0
	if it.Availability == "preorder" || it.Availability == "backorder" {
		threshold = -a.opts.BackorderLimit
	}
	in := map[string]any{
		"id":                           id,
		"enabled":                      it.Published,
		"trackInventory":               "TRUE",
		"useGlobalOutOfStockThreshold": false,
		"outOfStockThreshold":          threshold,
		"stockLevels":                  []map[string]any{{"stockLocationId": location, "stockOnHand": max(it.OnHand, 0)}},
	}
	if it.PriceCents > 0 {
		in["price"] = it.PriceCents
	}
	if a.opts.RestockField != "" {
		var days any // cleared when the article is not on pre-order or backorder
		if threshold != 0 && it.RestockDays > 0 {
			days = it.RestockDays
		}
		in["customFields"] = map[string]any{a.opts.RestockField: days}
	}
	return in
}

// productsByID reads the products of ids that Vendure knows.
func (a *Adapter) productsByID(ctx context.Context, ids []string) (map[string]wireProduct, error) {
	m := map[string]wireProduct{}
	if len(ids) == 0 {
		return m, nil
	}
	var out struct {
		Products struct {
			Items []wireProduct `json:"items"`
		} `json:"products"`
	}
	options := map[string]any{"take": len(ids), "filter": map[string]any{"id": map[string]any{"in": ids}}}
	if err := a.gql(ctx, "BatchProducts", `query BatchProducts($options: ProductListOptions) { products(options: $options) { items { `+a.productFields()+` } } }`,
		map[string]any{"options": options}, &out); err != nil {
		return nil, err
	}
	for _, p := range out.Products.Items {
		m[p.ID] = p
	}
	return m, nil
}

// variantsByID reads the variants of ids that Vendure knows.
func (a *Adapter) variantsByID(ctx context.Context, ids []string) (map[string]wireVariant, error) {
	m := map[string]wireVariant{}
	if len(ids) == 0 {
		return m, nil
	}
	var out struct {
		ProductVariants struct {
			Items []wireVariant `json:"items"`
		} `json:"productVariants"`
	}
	options := map[string]any{"take": len(ids), "filter": map[string]any{"id": map[string]any{"in": ids}}}
	if err := a.gql(ctx, "BatchVariants", `query BatchVariants($options: ProductVariantListOptions) { productVariants(options: $options) { items { id productId sku } } }`,
		map[string]any{"options": options}, &out); err != nil {
		return nil, err
	}
	for _, v := range out.ProductVariants.Items {
		m[v.ID] = v
	}
	return m, nil
}

// stockLocation resolves the stock_location setting to an id: the location of that
// name, or the first one (Vendure's default location).
func (a *Adapter) stockLocation(ctx context.Context) (string, error) {
	a.mu.Lock()
	id := a.location
	a.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var out struct {
		StockLocations struct {
			Items []struct{ ID, Name string } `json:"items"`
		} `json:"stockLocations"`
	}
	if err := a.gql(ctx, "StockLocations", `query StockLocations { stockLocations(options: { take: 1000, sort: { id: ASC } }) { items { id name } } }`, nil, &out); err != nil {
		return "", err
	}
	for _, l := range out.StockLocations.Items {
		if a.opts.StockLocation == "" || l.Name == a.opts.StockLocation {
			id = l.ID
			break
		}
	}
	if id == "" {
		return "", fmt.Errorf("stock location %q: none of that name in Vendure", a.opts.StockLocation)
	}
	a.mu.Lock()
	a.location = id
	a.mu.Unlock()
	return id, nil
}
