package medusa

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// The wire types: what Medusa's Admin API answers, only the fields ecrin reads.
type (
	wireProduct struct {
		ID         string         `json:"id"`
		Status     string         `json:"status"`
		Metadata   map[string]any `json:"metadata"`
		Collection *struct {
			Title string `json:"title"`
		} `json:"collection"`
		Type *struct {
			Value string `json:"value"`
		} `json:"type"`
		Tags []struct {
			Value string `json:"value"`
		} `json:"tags"`
		Categories []struct {
			Name string `json:"name"`
		} `json:"categories"`
		Options []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"options"`
		Variants []wireVariant `json:"variants"`
	}
	wireVariant struct {
		ID              string         `json:"id"`
		Title           string         `json:"title"`
		SKU             string         `json:"sku"`
		EAN             string         `json:"ean"`
		Barcode         string         `json:"barcode"`
		AllowBackorder  bool           `json:"allow_backorder"`
		ManageInventory bool           `json:"manage_inventory"`
		Metadata        map[string]any `json:"metadata"`
		Options         []struct {
			Value  string `json:"value"`
			Option *struct {
				Title string `json:"title"`
			} `json:"option"`
		} `json:"options"`
		Prices         []wirePrice `json:"prices"`
		InventoryItems []struct {
			InventoryItemID  string      `json:"inventory_item_id"`
			RequiredQuantity json.Number `json:"required_quantity"`
			Inventory        *struct {
				LocationLevels []struct {
					ID              string      `json:"id"`
					LocationID      string      `json:"location_id"`
					StockedQuantity json.Number `json:"stocked_quantity"`
				} `json:"location_levels"`
			} `json:"inventory"`
		} `json:"inventory_items"`
	}
	wirePrice struct {
		ID           string         `json:"id"`
		Amount       json.Number    `json:"amount"`
		CurrencyCode string         `json:"currency_code"`
		MinQuantity  json.Number    `json:"min_quantity"`
		MaxQuantity  json.Number    `json:"max_quantity"`
		Rules        map[string]any `json:"rules"`
	}
	productPage struct {
		Products []wireProduct `json:"products"`
		Count    int           `json:"count"`
		Offset   int           `json:"offset"`
		Limit    int           `json:"limit"`
	}
)

// The fields ecrin asks for: the catalog's, and those a push or the open orders
// need besides.
const (
	catalogFields = "id,status,metadata,categories.name,options.id,options.title," +
		"variants.id,variants.title,variants.sku,variants.ean,variants.barcode," +
		"variants.options.value,variants.options.option.title"
	stateFields = ",variants.allow_backorder,variants.manage_inventory,variants.metadata," +
		"variants.prices.id,variants.prices.amount,variants.prices.currency_code," +
		"variants.prices.min_quantity,variants.prices.max_quantity,variants.prices.rules," +
		"variants.inventory_items.inventory_item_id,variants.inventory_items.required_quantity," +
		"variants.inventory_items.inventory.location_levels.id," +
		"variants.inventory_items.inventory.location_levels.location_id," +
		"variants.inventory_items.inventory.location_levels.stocked_quantity"
)

// fields returns the product fields to ask for, with the brand's source.
func (a *Adapter) fields(state bool) string {
	f := catalogFields
	switch src, _, _ := parseBrand(a.opts.Brand); src {
	case "collection":
		f += ",collection.title"
	case "type":
		f += ",type.value"
	case "tag":
		f += ",tags.value"
	}
	if state {
		f += stateFields
	}
	return f
}

// Catalog returns the products of the boutique's sales channel, whatever their
// status (a draft product is one ecrin unpublished, or one to publish).
func (a *Adapter) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	var out []reconcile.Product
	q := url.Values{
		"sales_channel_id[]": {a.opts.SalesChannel},
		"fields":             {a.fields(false)},
		"order":              {"id"},
		"limit":              {strconv.Itoa(a.opts.PageSize)},
	}
	for offset := 0; ; {
		q.Set("offset", strconv.Itoa(offset))
		var page productPage
		if err := a.get(ctx, "/admin/products", q, &page); err != nil {
			return nil, fmt.Errorf("read catalog of %s at offset %d: %w", a, offset, err)
		}
		for i := range page.Products {
			if p, ok := a.product(&page.Products[i]); ok {
				out = append(out, p)
			}
		}
		offset += len(page.Products)
		if lastPage(len(page.Products), offset, page.Count, a.opts.PageSize) {
			return out, nil
		}
	}
}

// shape is how ecrin sees one Medusa product.
type shape struct {
	declinable bool
	sizeOption string   // the title of the size option, when declinable
	sizes      []string // by variant, when declinable
	ref        string
	ok         bool // false: a product ecrin leaves alone (several variants, no size option)
}

// shapeOf decides whether p is declinable, its sizes and its reference.
func (a *Adapter) shapeOf(p *wireProduct) shape {
	var s shape
	for _, o := range p.Options {
		if slices.ContainsFunc(a.opts.SizeOptions, func(t string) bool { return strings.EqualFold(strings.TrimSpace(o.Title), t) }) {
			s.declinable, s.sizeOption = true, o.Title
			break
		}
	}
	if !s.declinable && len(p.Variants) > 1 {
		return s
	}
	s.ok = true
	if s.declinable {
		s.sizes = make([]string, len(p.Variants))
		for i, v := range p.Variants {
			for _, ov := range v.Options {
				if ov.Option != nil && ov.Option.Title == s.sizeOption {
					s.sizes[i] = ov.Value
				}
			}
		}
	}
	s.ref = a.refOf(p, s)
	return s
}

// refOf is the product's reference: its metadata's, else its single variant's SKU,
// else the SKU stem its sizes share.
func (a *Adapter) refOf(p *wireProduct, s shape) string {
	if v, ok := p.Metadata[a.opts.RefMetadata].(string); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	if !s.declinable {
		if len(p.Variants) == 1 {
			return strings.TrimSpace(p.Variants[0].SKU)
		}
		return ""
	}
	skus := make([]string, 0, len(p.Variants))
	for _, v := range p.Variants {
		if sku := strings.TrimSpace(v.SKU); sku != "" {
			skus = append(skus, sku)
		}
	}
	return skuStem(skus, s.sizes)
}

const skuSeparators = "-_./ "

// skuStem is what the SKUs of a product's sizes share: each SKU without its size
// suffix when they then agree, else their common prefix, without a trailing
// separator.
func skuStem(skus, sizes []string) string {
	if len(skus) == 0 {
		return ""
	}
	if len(skus) == len(sizes) {
		stem, same := "", true
		for i, sku := range skus {
			st, ok := strings.CutSuffix(sku, sizes[i])
			if !ok || sizes[i] == "" {
				st, ok = strings.CutSuffix(sku, strings.ReplaceAll(sizes[i], " ", ""))
			}
			st = strings.TrimRight(st, skuSeparators)
			if !ok || st == "" || (i > 0 && st != stem) {
				same = false
				break
			}
			stem = st
		}
		if same {
			return stem
		}
	}
	if len(skus) == 1 {
		return skus[0]
	}
	prefix := skus[0]
	for _, s := range skus[1:] {
		n := 0
		for n < len(prefix) && n < len(s) && prefix[n] == s[n] {
			n++
		}
		prefix = prefix[:n]
	}
	return strings.TrimRight(prefix, skuSeparators)
}

// brandOf reads the product's brand where the settings say.
func (a *Adapter) brandOf(p *wireProduct) string {
	src, arg, _ := parseBrand(a.opts.Brand)
	switch src {
	case "metadata":
		if v, ok := p.Metadata[arg].(string); ok {
			return strings.TrimSpace(v)
		}
	case "collection":
		if p.Collection != nil {
			return strings.TrimSpace(p.Collection.Title)
		}
	case "type":
		if p.Type != nil {
			return strings.TrimSpace(p.Type.Value)
		}
	case "tag":
		for _, t := range p.Tags {
			if b, ok := strings.CutPrefix(t.Value, arg); ok {
				return strings.TrimSpace(b)
			}
		}
	}
	return ""
}

// product maps one Medusa product to the engine's; false for one ecrin leaves alone.
func (a *Adapter) product(p *wireProduct) (reconcile.Product, bool) {
	s := a.shapeOf(p)
	if !s.ok {
		return reconcile.Product{}, false
	}
	out := reconcile.Product{
		ID:         p.ID,
		Brand:      a.brandOf(p),
		Ref:        s.ref,
		Declinable: s.declinable,
		Published:  p.Status == "published",
	}
	if len(p.Categories) > 0 {
		out.Category = p.Categories[0].Name
	}
	if s.declinable {
		out.Variants = make([]reconcile.Variant, len(p.Variants))
		for i, v := range p.Variants {
			out.Variants[i] = reconcile.Variant{ID: v.ID, Size: s.sizes[i]}
		}
	}
	setEANs(&out, p)
	return out, true
}

// eanOf is a variant's EAN: its ean, else its barcode.
func eanOf(v *wireVariant) string {
	if e := strings.TrimSpace(v.EAN); e != "" {
		return e
	}
	return strings.TrimSpace(v.Barcode)
}

// lastPage says whether a page of n rows (limit asked) ending at offset is the
// last of count rows; without a count, a short page is the last.
func lastPage(n, offset, count, limit int) bool {
	if n == 0 {
		return true
	}
	if count > 0 {
		return offset >= count
	}
	return n < limit
}
