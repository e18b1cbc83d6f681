package vendure

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// Wire types of the Admin API's answers.
type (
	wireFacetValue struct {
		Name  string `json:"name"`
		Code  string `json:"code"`
		Facet struct {
			Code string `json:"code"`
		} `json:"facet"`
	}
	wireOption struct {
		GroupID string `json:"groupId"`
		Code    string `json:"code"`
		Name    string `json:"name"`
	}
	wireGroup struct {
		ID   string `json:"id"`
		Code string `json:"code"`
	}
	wireVariant struct {
		ID        string       `json:"id"`
		ProductID string       `json:"productId"`
		SKU       string       `json:"sku"`
		Enabled   bool         `json:"enabled"`
		Options   []wireOption `json:"options"`
		// CustomFields holds the EAN field when ean_field is set.
		CustomFields map[string]any `json:"customFields"`
	}
	wireProduct struct {
		ID           string           `json:"id"`
		Enabled      bool             `json:"enabled"`
		FacetValues  []wireFacetValue `json:"facetValues"`
		OptionGroups []wireGroup      `json:"optionGroups"`
		Variants     []wireVariant    `json:"variants"`
		CustomFields map[string]any   `json:"customFields"`
	}
)

// productFields are the fields of a product the catalog and the pushes read.
func (a *Adapter) productFields() string {
	custom := ""
	if a.opts.RefField != "" {
		custom = " customFields { " + a.opts.RefField + " }"
	}
	variantCustom := ""
	if a.opts.EANField != "" {
		variantCustom = " customFields { " + a.opts.EANField + " }"
	}
	return `id enabled facetValues { name code facet { code } } optionGroups { id code }
		variants { id productId sku enabled options { groupId code name }` + variantCustom + ` }` + custom
}

// managedFacetValue resolves the managed_facet setting to a facet value id ("" when
// every product is managed).
func (a *Adapter) managedFacetValue(ctx context.Context) (string, error) {
	if a.opts.ManagedFacet == "" {
		return "", nil
	}
	a.mu.Lock()
	id := a.managed
	a.mu.Unlock()
	if id != "" {
		return id, nil
	}
	facet, value, _ := strings.Cut(a.opts.ManagedFacet, ":")
	var out struct {
		Facets struct {
			Items []struct {
				Values []struct{ ID, Code string } `json:"values"`
			} `json:"items"`
		} `json:"facets"`
	}
	if err := a.gql(ctx, "ManagedFacet", `query ManagedFacet($code: String!) { facets(options: { filter: { code: { eq: $code } } }) { items { values { id code } } } }`,
		map[string]any{"code": facet}, &out); err != nil {
		return "", err
	}
	for _, f := range out.Facets.Items {
		for _, v := range f.Values {
			if v.Code == value {
				a.mu.Lock()
				a.managed = v.ID
				a.mu.Unlock()
				return v.ID, nil
			}
		}
	}
	return "", fmt.Errorf("managed_facet %q: no such facet value in Vendure", a.opts.ManagedFacet)
}

// Catalog returns the products ecrin manages: those with the managed facet value
// (every product of the channel when there is none), read page by page.
func (a *Adapter) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	fv, err := a.managedFacetValue(ctx)
	if err != nil {
		return nil, fmt.Errorf("read catalog from %s: %w", a, err)
	}
	query := `query Catalog($options: ProductListOptions) { products(options: $options) { totalItems items { ` + a.productFields() + ` } } }`
	var products []reconcile.Product
	for skip := 0; ; skip += a.opts.PageSize {
		options := map[string]any{"skip": skip, "take": a.opts.PageSize, "sort": map[string]any{"id": "ASC"}}
		if fv != "" {
			options["filter"] = map[string]any{"facetValueId": map[string]any{"eq": fv}}
		}
		var out struct {
			Products struct {
				TotalItems int           `json:"totalItems"`
				Items      []wireProduct `json:"items"`
			} `json:"products"`
		}
		if err := a.gql(ctx, "Catalog", query, map[string]any{"options": options}, &out); err != nil {
			return nil, fmt.Errorf("read catalog from %s, products %d+: %w", a, skip, err)
		}
		for _, p := range out.Products.Items {
			if rp, ok := a.toProduct(p); ok {
				products = append(products, rp)
			}
		}
		if len(out.Products.Items) < a.opts.PageSize || skip+len(out.Products.Items) >= out.Products.TotalItems {
			return products, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// sizeGroup is the id of p's size option group, "" when it has none.
func (a *Adapter) sizeGroup(p wireProduct) string {
	for _, g := range p.OptionGroups {
		if slices.ContainsFunc(a.opts.SizeGroups, func(c string) bool { return strings.EqualFold(c, g.Code) }) {
			return g.ID
		}
	}
	return ""
}

// toProduct maps a Vendure product to the engine's; false for a product ecrin
// cannot manage (no variant, or several variants without a size group).
func (a *Adapter) toProduct(p wireProduct) (reconcile.Product, bool) {
	rp := reconcile.Product{ID: p.ID, Published: p.Enabled}
	for _, fv := range p.FacetValues {
		switch fv.Facet.Code {
		case a.opts.BrandFacet:
			if rp.Brand == "" {
				rp.Brand = fv.Name
			}
		case a.opts.CategoryFacet:
			if rp.Category == "" {
				rp.Category = fv.Name
			}
		}
	}
	group := a.sizeGroup(p)
	switch {
	case len(p.Variants) == 0:
		return rp, false
	case group == "" && len(p.Variants) > 1:
		return rp, false
	case group == "":
		rp.Ref = strings.TrimSpace(p.Variants[0].SKU)
		rp.EAN = a.ean(p.Variants[0])
		return rp, rp.Ref != ""
	}
	rp.Declinable = true
	skus := make([]string, 0, len(p.Variants))
	for _, v := range p.Variants {
		size := ""
		for _, o := range v.Options {
			if o.GroupID == group {
				size = o.Name
			}
		}
		if size == "" {
			continue // a variant without a size: not one ecrin can match
		}
		rp.Variants = append(rp.Variants, reconcile.Variant{ID: v.ID, Size: size, EAN: a.ean(v)})
		skus = append(skus, v.SKU)
	}
	if a.opts.RefField != "" {
		if s, ok := p.CustomFields[a.opts.RefField].(string); ok {
			rp.Ref = strings.TrimSpace(s)
		}
	}
	if rp.Ref == "" {
		rp.Ref = Stem(skus)
	}
	return rp, rp.Ref != "" && len(rp.Variants) > 0
}

// ean is the variant's EAN from the ean_field custom field, digits only; "" when unset.
func (a *Adapter) ean(v wireVariant) string {
	if a.opts.EANField == "" {
		return ""
	}
	s, _ := v.CustomFields[a.opts.EANField].(string)
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// separators end a reference's stem in a variant's SKU.
const separators = "-/_. "

// Stem is the reference shared by a sized product's variant SKUs: each SKU without
// its last segment (after the last '-', '/', '_', '.' or space) when they all
// agree ("BG-SOL-750-50", "BG-SOL-750-52" → "BG-SOL-750"); otherwise their longest
// common prefix, cut back to a separator when it ends inside a segment
// ("AR3-48-X48", "AR3-58-X58" → "AR3"), without trailing separators. A single SKU
// without a separator is its own reference.
func Stem(skus []string) string {
	if len(skus) == 0 {
		return ""
	}
	cut := func(s string) string {
		s = strings.TrimSpace(s)
		if i := strings.LastIndexAny(s, separators); i > 0 {
			return strings.TrimRight(s[:i], separators)
		}
		return ""
	}
	stem := cut(skus[0])
	for _, s := range skus[1:] {
		if cut(s) != stem {
			stem = ""
			break
		}
	}
	if stem != "" {
		return stem
	}
	prefix := strings.TrimSpace(skus[0])
	cutMid := false // the prefix ends inside a segment of some SKU
	for _, s := range skus[1:] {
		s = strings.TrimSpace(s)
		n := 0
		for n < len(prefix) && n < len(s) && prefix[n] == s[n] {
			n++
		}
		if n < len(prefix) && n < len(s) {
			cutMid = true
		}
		prefix = prefix[:n]
	}
	if cutMid && !strings.ContainsAny(prefix[max(len(prefix)-1, 0):], separators) {
		if i := strings.LastIndexAny(prefix, separators); i >= 0 {
			prefix = prefix[:i]
		}
	}
	return strings.TrimRight(prefix, separators)
}
