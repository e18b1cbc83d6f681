package prestashop

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// Catalog returns the products ecrin manages — all, or those among the
// category's — with their size combinations: a product whose combinations all
// carry a value of a size group (size_groups) is declinable, one variant per
// combination; a product without combinations is not; a product with
// combinations of another kind (colours…) is left out, ecrin could not tell which
// combination an ERP line is. It also learns what a push needs of each product.
func (a *Adapter) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	sizes, err := a.sizeValues(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the catalog of %s: %w", a, err)
	}
	var out []reconcile.Product
	for offset := 0; ; offset += a.opts.PageSize {
		var page []wireProduct
		q := url.Values{"display": {"full"}, "limit": {fmt.Sprintf("%d,%d", offset, a.opts.PageSize)}, "sort": {"[id_ASC]"}}
		if err := a.getJSON(ctx, "products", q, func(b []byte) error { return decodeList(b, "products", &page) }); err != nil {
			return nil, fmt.Errorf("read the catalog of %s: products from %d: %w", a, offset, err)
		}
		if len(page) > a.opts.PageSize {
			return nil, fmt.Errorf("read the catalog of %s: asked %d products from %d, got %d: the shop ignores limit", a, a.opts.PageSize, offset, len(page))
		}
		combos, err := a.combinationsOf(ctx, page)
		if err != nil {
			return nil, fmt.Errorf("read the catalog of %s: %w", a, err)
		}
		for _, p := range page {
			if prod, ok := a.product(p, combos[p.ID.Int()], sizes); ok {
				out = append(out, prod)
			}
		}
		if len(page) < a.opts.PageSize {
			return out, nil
		}
	}
}

// sizeValues returns the names of the values of the size groups, by value id.
func (a *Adapter) sizeValues(ctx context.Context) (map[int]string, error) {
	var groups []wireOption
	q := url.Values{"display": {"full"}, "language": {strconv.Itoa(a.opts.Language)}}
	if err := a.getJSON(ctx, "product_options", q, func(b []byte) error { return decodeList(b, "product_options", &groups) }); err != nil {
		return nil, fmt.Errorf("attribute groups: %w", err)
	}
	var ids []string
	for _, g := range groups {
		name := strings.TrimSpace(g.Name.in(a.opts.Language))
		if slices.ContainsFunc(a.opts.SizeGroups, func(s string) bool { return strings.EqualFold(s, name) }) {
			ids = append(ids, string(g.ID))
		}
	}
	out := map[int]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var values []wireValue
	q = url.Values{"display": {"full"}, "language": {strconv.Itoa(a.opts.Language)},
		"filter[id_attribute_group]": {"[" + strings.Join(ids, "|") + "]"}}
	if err := a.getJSON(ctx, "product_option_values", q, func(b []byte) error { return decodeList(b, "product_option_values", &values) }); err != nil {
		return nil, fmt.Errorf("size values: %w", err)
	}
	for _, v := range values {
		out[v.ID.Int()] = strings.TrimSpace(v.Name.in(a.opts.Language))
	}
	return out, nil
}

// combinationsOf returns the combinations of a page's products, by product id.
func (a *Adapter) combinationsOf(ctx context.Context, page []wireProduct) (map[int][]wireCombination, error) {
	var ids []string
	for _, p := range page {
		if len(p.Associations.Combinations) > 0 {
			ids = append(ids, string(p.ID))
		}
	}
	out := map[int][]wireCombination{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []wireCombination
	q := url.Values{"display": {"full"}, "filter[id_product]": {"[" + strings.Join(ids, "|") + "]"}, "sort": {"[id_ASC]"}}
	if err := a.getJSON(ctx, "combinations", q, func(b []byte) error { return decodeList(b, "combinations", &list) }); err != nil {
		return nil, fmt.Errorf("combinations of products %s: %w", strings.Join(ids, ", "), err)
	}
	for _, c := range list {
		out[c.IDProduct.Int()] = append(out[c.IDProduct.Int()], c)
	}
	return out, nil
}

// product converts one product, and remembers what a push needs of it; false when
// ecrin does not manage it.
func (a *Adapter) product(p wireProduct, combos []wireCombination, sizes map[int]string) (reconcile.Product, bool) {
	id := p.ID.Int()
	if id <= 0 {
		return reconcile.Product{}, false
	}
	if a.opts.Category > 0 && !slices.ContainsFunc(p.Associations.Categories, func(r ref) bool { return r.ID.Int() == a.opts.Category }) {
		return reconcile.Product{}, false
	}
	prod := reconcile.Product{ID: strconv.Itoa(id), Brand: strings.TrimSpace(string(p.ManufacturerName)),
		Ref: strings.TrimSpace(string(p.Reference)), EAN: strings.TrimSpace(string(p.EAN13)),
		Category: string(p.IDCategory), Published: p.Active == "1"}
	if prod.Category == "0" {
		prod.Category = ""
	}
	for _, c := range combos {
		size := ""
		for _, v := range c.Associations.Values {
			if s, ok := sizes[v.ID.Int()]; ok {
				size = s
				break
			}
		}
		if size == "" || c.ID.Int() <= 0 {
			return reconcile.Product{}, false // a combination that is not a size
		}
		prod.Variants = append(prod.Variants, reconcile.Variant{ID: string(c.ID), Size: size, EAN: strings.TrimSpace(string(c.EAN13))})
	}
	prod.Declinable = len(prod.Variants) > 0
	if len(p.Associations.Combinations) > 0 && !prod.Declinable {
		return reconcile.Product{}, false // combinations outside the shop's list: left out
	}
	a.remember(id, p)
	return prod, true
}

// remember keeps what a push needs of product p.
func (a *Adapter) remember(id int, p wireProduct) *productInfo {
	price, err := parseMicros(string(p.Price))
	info := &productInfo{priceMicros: price, priceErr: err, declinable: len(p.Associations.Combinations) > 0, stock: map[int]int{}}
	for _, s := range p.Associations.StockAvailables {
		info.stock[s.IDProductAttribute.Int()] = s.ID.Int()
	}
	a.mu.Lock()
	a.products[id] = info
	a.mu.Unlock()
	return info
}

// productInfo returns what a push needs of product id, asking the shop when the
// catalog was not read in this process (a push resumed after a crash).
func (a *Adapter) productInfo(ctx context.Context, id int) (*productInfo, error) {
	a.mu.Lock()
	info := a.products[id]
	a.mu.Unlock()
	if info != nil {
		return info, nil
	}
	var p wireProduct
	path := "products/" + strconv.Itoa(id)
	if err := a.getJSON(ctx, path, nil, func(b []byte) error { return decodeOne(b, "product", &p) }); err != nil {
		return nil, err
	}
	return a.remember(id, p), nil
}
