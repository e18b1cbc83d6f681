package woocommerce

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// The wire types: what WooCommerce answers, only the fields ecrin reads.
type (
	wireMeta struct {
		Key   string `json:"key"`
		Value any    `json:"value"`
	}
	wireTerm struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	wireProduct struct {
		ID         int        `json:"id"`
		Type       string     `json:"type"`
		Status     string     `json:"status"`
		SKU        string     `json:"sku"`
		GTIN       string     `json:"global_unique_id"`
		Categories []wireTerm `json:"categories"`
		Brands     []wireTerm `json:"brands"`
		Attributes []struct {
			Name      string   `json:"name"`
			Variation bool     `json:"variation"`
			Options   []string `json:"options"`
		} `json:"attributes"`
		Meta []wireMeta `json:"meta_data"`
	}
	wireVariation struct {
		ID         int    `json:"id"`
		SKU        string `json:"sku"`
		GTIN       string `json:"global_unique_id"`
		Attributes []struct {
			Name   string `json:"name"`
			Option string `json:"option"`
		} `json:"attributes"`
		Meta []wireMeta `json:"meta_data"`
	}
)

// metaValue returns the text of a meta key, "" when absent.
func metaValue(ms []wireMeta, key string) string {
	for _, m := range ms {
		if m.Key == key && m.Value != nil {
			switch v := m.Value.(type) {
			case string:
				return v
			case float64:
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
	}
	return ""
}

// Catalog returns the products ecrin manages (the managed tag or category, or
// every product), whatever their status: a draft product is one ecrin
// unpublished, or one to publish. A variable product is declinable when it
// varies by a size attribute; one that varies by something else, and products
// of other types (grouped, external), are left alone.
func (a *Adapter) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	q := url.Values{"status": {"any"}, "orderby": {"id"}, "order": {"asc"}}
	if a.opts.ManagedTag > 0 {
		q.Set("tag", strconv.Itoa(a.opts.ManagedTag))
	}
	if a.opts.ManagedCategory > 0 {
		q.Set("category", strconv.Itoa(a.opts.ManagedCategory))
	}
	var wire []wireProduct
	if err := pages(ctx, a, "/products", q, a.opts.PageSize, &wire); err != nil {
		return nil, fmt.Errorf("read catalog of %s: %w", a, err)
	}
	out := make([]reconcile.Product, 0, len(wire))
	for i := range wire {
		w := &wire[i]
		id := strconv.Itoa(w.ID)
		if w.Type == "simple" || w.Type == "variable" {
			a.types[id] = w.Type
		}
		p, ok := a.product(w)
		if !ok {
			continue
		}
		if w.Type == "variable" {
			var vs []wireVariation
			if err := pages(ctx, a, "/products/"+id+"/variations", url.Values{}, a.opts.PageSize, &vs); err != nil {
				return nil, fmt.Errorf("read catalog of %s: variations of product %s: %w", a, id, err)
			}
			p.Variants = make([]reconcile.Variant, 0, len(vs))
			for _, v := range vs {
				p.Variants = append(p.Variants, reconcile.Variant{ID: strconv.Itoa(v.ID), Size: a.sizeOf(v), EAN: a.ean(v.GTIN, v.Meta)})
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// product converts a product; false for one ecrin leaves alone.
func (a *Adapter) product(w *wireProduct) (reconcile.Product, bool) {
	p := reconcile.Product{ID: strconv.Itoa(w.ID), Ref: strings.TrimSpace(w.SKU), Brand: a.brand(w), Published: w.Status == "publish"}
	if len(w.Categories) > 0 {
		p.Category = w.Categories[0].Name
	}
	switch w.Type {
	case "simple":
		p.EAN = a.ean(w.GTIN, w.Meta)
		return p, true
	case "variable":
		for _, at := range w.Attributes {
			if at.Variation && a.isSize(at.Name) {
				p.Declinable = true
				return p, true
			}
		}
	}
	return p, false
}

func (a *Adapter) isSize(name string) bool {
	for _, s := range a.opts.SizeAttributes {
		if strings.EqualFold(strings.TrimSpace(name), s) {
			return true
		}
	}
	return false
}

// sizeOf is the value a variation takes of the size attribute.
func (a *Adapter) sizeOf(v wireVariation) string {
	for _, at := range v.Attributes {
		if a.isSize(at.Name) {
			return at.Option
		}
	}
	return ""
}

func (a *Adapter) ean(gtin string, meta []wireMeta) string {
	key, _ := parseEAN(a.opts.EAN)
	if key == "" {
		return strings.TrimSpace(gtin)
	}
	return strings.TrimSpace(metaValue(meta, key))
}

func (a *Adapter) brand(w *wireProduct) string {
	src, arg, _ := parseBrand(a.opts.Brand)
	switch src {
	case "attribute":
		for _, at := range w.Attributes {
			if strings.EqualFold(at.Name, arg) && len(at.Options) > 0 {
				return at.Options[0]
			}
		}
	case "meta":
		return metaValue(w.Meta, arg)
	case "category":
		if len(w.Categories) > 0 {
			return w.Categories[0].Name
		}
	case "brands":
		if len(w.Brands) > 0 {
			return w.Brands[0].Name
		}
	}
	return ""
}

// maxPages bounds a listing: a shop whose X-WP-TotalPages never ends is an error.
const maxPages = 100_000

// pages reads every page of a listing into out, following X-WP-TotalPages (or,
// without it, until a page comes back short).
func pages[T any](ctx context.Context, a *Adapter, path string, q url.Values, perPage int, out *[]T) error {
	q.Set("per_page", strconv.Itoa(perPage))
	for page := 1; ; page++ {
		if page > maxPages {
			return fmt.Errorf("GET %s: more than %d pages", path, maxPages)
		}
		q.Set("page", strconv.Itoa(page))
		var items []T
		h, err := a.get(ctx, path, q, &items)
		if err != nil {
			return fmt.Errorf("page %d: %w", page, err)
		}
		*out = append(*out, items...)
		total, err := strconv.Atoi(h.Get("X-WP-TotalPages"))
		switch {
		case err == nil && page >= total, err != nil && len(items) < perPage, len(items) == 0:
			return nil
		}
	}
}
