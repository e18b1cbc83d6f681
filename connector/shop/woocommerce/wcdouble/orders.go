package wcdouble

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// LineItem is one line of an order.
type LineItem struct {
	ID          int    `json:"id"`
	ProductID   int    `json:"product_id"`
	VariationID int    `json:"variation_id"`
	Quantity    int    `json:"quantity"`
	SKU         string `json:"sku"`
	Meta        []struct {
		Key          string `json:"key"`
		Value        string `json:"value"`
		DisplayKey   string `json:"display_key"`
		DisplayValue string `json:"display_value"`
	} `json:"meta_data"`
}

// Order is a web order.
type Order struct {
	ID             int        `json:"id"`
	Number         string     `json:"number"`
	Status         string     `json:"status"`
	DateCreatedGMT string     `json:"date_created_gmt"` // 2026-12-01T10:00:00, UTC without a zone
	LineItems      []LineItem `json:"line_items"`
}

// OrderLine is what a customer buys: a simple product (VariationID 0) or a
// variation of ProductID.
type OrderLine struct {
	ProductID   int
	VariationID int
	Quantity    int
}

// PlaceOrder places an order as a customer's checkout does and returns its
// number. As WooCommerce does when an order becomes processing, it decrements
// the stock of each line whose stock is managed; a line that is not purchasable
// (unpublished, out of stock and no backorders) refuses the order:
// ErrNotForSale, and nothing changes.
func (d *Double) PlaceOrder(lines []OrderLine) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	type target struct {
		s   *Stock
		sku string
		li  LineItem
	}
	var ts []target
	for _, l := range lines {
		p, ok := d.products[l.ProductID]
		if !ok || l.Quantity < 1 {
			return "", fmt.Errorf("product %d: %w", l.ProductID, ErrNotForSale)
		}
		li := LineItem{ID: d.id(), ProductID: l.ProductID, VariationID: l.VariationID, Quantity: l.Quantity}
		s := &p.Stock
		if l.VariationID != 0 {
			v, ok := d.variations[l.VariationID]
			if !ok || v.ParentID != p.ID || p.Status != "publish" {
				return "", fmt.Errorf("variation %d: %w", l.VariationID, ErrNotForSale)
			}
			s = &v.Stock
			for _, a := range v.Attributes {
				li.Meta = append(li.Meta, struct {
					Key          string `json:"key"`
					Value        string `json:"value"`
					DisplayKey   string `json:"display_key"`
					DisplayValue string `json:"display_value"`
				}{Key: strings.ToLower(a.Name), Value: a.Option, DisplayKey: a.Name, DisplayValue: a.Option})
			}
		} else if p.Type == "variable" {
			return "", fmt.Errorf("product %d is variable: choose a variation: %w", l.ProductID, ErrNotForSale)
		}
		if !s.purchasable(l.Quantity) {
			return "", fmt.Errorf("product %d variation %d: %w", l.ProductID, l.VariationID, ErrNotForSale)
		}
		li.SKU = s.SKU
		ts = append(ts, target{s: s, li: li})
	}
	o := &Order{ID: d.id(), Status: "processing", DateCreatedGMT: d.opts.Now().UTC().Format("2006-01-02T15:04:05")}
	o.Number = fmt.Sprint(o.ID)
	for _, t := range ts {
		if t.s.ManageStock {
			q := t.s.Quantity() - t.li.Quantity
			t.s.StockQuantity = &q
			t.s.derive()
		}
		o.LineItems = append(o.LineItems, t.li)
	}
	d.orders = append(d.orders, o)
	return o.Number, nil
}

// SetOrderStatus changes an order's status (completed, cancelled, …). As
// WooCommerce does, a cancelled order gives its stock back.
func (d *Double) SetOrderStatus(number, status string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, o := range d.orders {
		if o.Number != number {
			continue
		}
		if status == "cancelled" && o.Status != "cancelled" {
			for _, li := range o.LineItems {
				var s *Stock
				if v, ok := d.variations[li.VariationID]; ok {
					s = &v.Stock
				} else if p, ok := d.products[li.ProductID]; ok {
					s = &p.Stock
				}
				if s != nil && s.ManageStock {
					q := s.Quantity() + li.Quantity
					s.StockQuantity = &q
					s.derive()
				}
			}
		}
		o.Status = status
		return nil
	}
	return fmt.Errorf("no order %s", number)
}

// Sellable is how many of a product or variation a customer can buy now: its
// stock when published and in stock, 0 otherwise (-1: unlimited, backorders).
func (d *Double) Sellable(productID, variationID int) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := d.products[productID]
	if !ok || p.Status != "publish" {
		return 0
	}
	s := &p.Stock
	if variationID != 0 {
		v, ok := d.variations[variationID]
		if !ok {
			return 0
		}
		s = &v.Stock
	}
	switch {
	case !s.purchasable(1):
		return 0
	case !s.ManageStock || s.Backorders != "no":
		return -1
	}
	return s.Quantity()
}

func (d *Double) listOrders(w http.ResponseWriter, r *http.Request) {
	page, perPage, e := paging(r)
	if e != nil {
		writeError(w, *e)
		return
	}
	var statuses []string
	if v := r.URL.Query().Get("status"); v != "" && v != "any" {
		statuses = strings.Split(v, ",")
	}
	d.mu.Lock()
	d.stats.OrdersRequests++
	out := []Order{}
	for _, o := range d.orders {
		if statuses == nil || slices.Contains(statuses, o.Status) {
			c := *o
			c.LineItems = slices.Clone(o.LineItems)
			out = append(out, c)
		}
	}
	d.mu.Unlock()
	writePage(w, out, page, perPage)
}
