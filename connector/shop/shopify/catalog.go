package shopify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// Wire types of the catalog's answers.
type (
	wireOption struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	wireCatalogVariant struct {
		ID              string       `json:"id"`
		SKU             string       `json:"sku"`
		Barcode         string       `json:"barcode"`
		SelectedOptions []wireOption `json:"selectedOptions"`
		Product         struct {
			ID          string   `json:"id"`
			Vendor      string   `json:"vendor"`
			ProductType string   `json:"productType"`
			Status      string   `json:"status"`
			Tags        []string `json:"tags"`
		} `json:"product"`
	}
	pageInfo struct {
		HasNextPage bool   `json:"hasNextPage"`
		EndCursor   string `json:"endCursor"`
	}
)

const catalogQuery = `query Catalog($first: Int!, $after: String) {
  productVariants(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku barcode selectedOptions { name value }
      product { id vendor productType status tags } }
  }
}`

// Catalog returns the products ecrin manages (those tagged managed_tag, or all),
// read as one flat list of variants page by page (cursor pagination) and grouped
// by product: a product with a size option is declinable, one variant per size;
// one without is a single article whose only variant carries stock and price.
func (a *Adapter) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	type group struct {
		wire     wireCatalogVariant
		variants []wireCatalogVariant
	}
	var order []string
	groups := map[string]*group{}
	after := ""
	for page := 1; ; page++ {
		vars := map[string]any{"first": a.opts.PageSize}
		if after != "" {
			vars["after"] = after
		}
		var out struct {
			ProductVariants struct {
				PageInfo pageInfo             `json:"pageInfo"`
				Nodes    []wireCatalogVariant `json:"nodes"`
			} `json:"productVariants"`
		}
		if err := a.gql(ctx, "Catalog", catalogQuery, vars, &out); err != nil {
			return nil, fmt.Errorf("read catalog from %s, page %d: %w", a, page, err)
		}
		for _, v := range out.ProductVariants.Nodes {
			if v.Product.ID == "" || (a.opts.ManagedTag != "" && !slices.ContainsFunc(v.Product.Tags, func(t string) bool { return strings.EqualFold(strings.TrimSpace(t), a.opts.ManagedTag) })) {
				continue
			}
			g := groups[v.Product.ID]
			if g == nil {
				g = &group{wire: v}
				groups[v.Product.ID] = g
				order = append(order, v.Product.ID)
			}
			g.variants = append(g.variants, v)
		}
		pi := out.ProductVariants.PageInfo
		if !pi.HasNextPage {
			break
		}
		if pi.EndCursor == "" || pi.EndCursor == after {
			return nil, fmt.Errorf("read catalog from %s, page %d: Shopify said there is a next page but gave no new cursor", a, page)
		}
		after = pi.EndCursor
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	products := make([]reconcile.Product, 0, len(order))
	for _, id := range order {
		g := groups[id]
		if p, ok := a.toProduct(g.wire, g.variants); ok {
			products = append(products, p)
		}
	}
	return products, nil
}

// sizeOf is the variant's size: the value of its size option; "" when it has none.
func (a *Adapter) sizeOf(opts []wireOption) (string, bool) {
	for _, o := range opts {
		if a.isSizeOption(o.Name) {
			return strings.TrimSpace(o.Value), true
		}
	}
	return "", false
}

func (a *Adapter) isSizeOption(name string) bool {
	return slices.ContainsFunc(a.opts.SizeOptions, func(s string) bool { return strings.EqualFold(strings.TrimSpace(name), s) })
}

// toProduct maps a Shopify product and its variants to the engine's; false for a
// product ecrin cannot manage (several variants and no size option, no SKU).
func (a *Adapter) toProduct(w wireCatalogVariant, vs []wireCatalogVariant) (reconcile.Product, bool) {
	p := reconcile.Product{ID: w.Product.ID, Brand: strings.TrimSpace(w.Product.Vendor), Category: strings.TrimSpace(w.Product.ProductType),
		Published: w.Product.Status == "ACTIVE"}
	sized := slices.ContainsFunc(vs, func(v wireCatalogVariant) bool { _, ok := a.sizeOf(v.SelectedOptions); return ok })
	if !sized {
		if len(vs) != 1 {
			return p, false
		}
		p.Ref, p.EAN = strings.TrimSpace(vs[0].SKU), digits(vs[0].Barcode)
		return p, p.Ref != ""
	}
	p.Declinable = true
	var skus []string
	for _, v := range vs {
		size, ok := a.sizeOf(v.SelectedOptions)
		if !ok || size == "" {
			continue // a variant without a size: not one ecrin can match
		}
		p.Variants = append(p.Variants, reconcile.Variant{ID: v.ID, Size: size, EAN: digits(v.Barcode)})
		if s := strings.TrimSpace(v.SKU); s != "" {
			skus = append(skus, s)
		}
	}
	p.Ref = refOf(skus)
	return p, p.Ref != "" && len(p.Variants) > 0
}

// digits keeps the digits of a barcode (an EAN/GTIN), "" when there are none.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// refCut are the characters after which a size variant's SKU adds its size.
const refCut = "-/_. "

// refOf is the product reference shared by its size variants' SKUs: each SKU
// without its last segment when they all agree ("BG-750-50", "BG-750-52" →
// "BG-750"), else their longest common prefix without trailing separators; a
// lone SKU without a separator is its own reference.
func refOf(skus []string) string {
	if len(skus) == 0 {
		return ""
	}
	head := func(s string) string {
		if i := strings.LastIndexAny(s, refCut); i > 0 {
			return strings.TrimRight(s[:i], refCut)
		}
		return s
	}
	ref := head(skus[0])
	for _, s := range skus[1:] {
		if head(s) != ref {
			ref = ""
			break
		}
	}
	if ref != "" {
		return ref
	}
	prefix := skus[0]
	for _, s := range skus[1:] {
		n := 0
		for n < len(prefix) && n < len(s) && prefix[n] == s[n] {
			n++
		}
		prefix = prefix[:n]
	}
	return strings.TrimRight(prefix, refCut)
}
