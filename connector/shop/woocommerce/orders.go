package woocommerce

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

type wireOrder struct {
	ID             int    `json:"id"`
	Number         string `json:"number"`
	DateCreatedGMT string `json:"date_created_gmt"`
	LineItems      []struct {
		ProductID   int    `json:"product_id"`
		VariationID int    `json:"variation_id"`
		Quantity    int    `json:"quantity"`
		SKU         string `json:"sku"`
		Meta        []struct {
			Key          string `json:"key"`
			Value        any    `json:"value"`
			DisplayKey   string `json:"display_key"`
			DisplayValue any    `json:"display_value"`
		} `json:"meta_data"`
	} `json:"line_items"`
}

// gmtLayout is how WooCommerce writes date_created_gmt: UTC, without a zone.
const gmtLayout = "2006-01-02T15:04:05"

// OpenOrders returns the lines of the orders whose status is one of
// open_statuses (processing and on-hold by default): WooCommerce took their
// stock when they were placed, and the boutique may not have recorded them in
// its till yet. A line of a product deleted since (product_id 0) is left out.
func (a *Adapter) OpenOrders(ctx context.Context) ([]shop.OrderLine, error) {
	q := url.Values{"status": {strings.Join(a.opts.OpenStatuses, ",")}, "orderby": {"id"}, "order": {"asc"}}
	var orders []wireOrder
	if err := pages(ctx, a, "/orders", q, 100, &orders); err != nil {
		return nil, fmt.Errorf("read open orders of %s: %w", a, err)
	}
	var out []shop.OrderLine
	for _, o := range orders {
		placed, err := time.ParseInLocation(gmtLayout, strings.TrimSuffix(o.DateCreatedGMT, "Z"), time.UTC)
		if err != nil {
			return nil, fmt.Errorf("read open orders of %s: order %d: date_created_gmt %q: %w", a, o.ID, o.DateCreatedGMT, err)
		}
		number := o.Number
		if number == "" {
			number = strconv.Itoa(o.ID)
		}
		for _, li := range o.LineItems {
			if li.ProductID <= 0 || li.Quantity <= 0 {
				continue
			}
			l := shop.OrderLine{Order: "#" + number, PlacedAt: placed, ProductID: strconv.Itoa(li.ProductID), Ref: li.SKU, Quantity: li.Quantity}
			if li.VariationID > 0 {
				l.VariantID = strconv.Itoa(li.VariationID)
				for _, m := range li.Meta {
					if a.isSize(m.DisplayKey) || a.isSize(strings.TrimPrefix(m.Key, "pa_")) {
						l.Size = fmt.Sprint(m.Value)
						break
					}
				}
			}
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(x, y shop.OrderLine) int { return x.PlacedAt.Compare(y.PlacedAt) })
	return out, nil
}
