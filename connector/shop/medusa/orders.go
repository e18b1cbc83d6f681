package medusa

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

type (
	wireReservation struct {
		ID              string      `json:"id"`
		LineItemID      string      `json:"line_item_id"`
		InventoryItemID string      `json:"inventory_item_id"`
		Quantity        json.Number `json:"quantity"`
		CreatedAt       time.Time   `json:"created_at"`
	}
	reservationPage struct {
		Reservations []wireReservation `json:"reservations"`
		Count        int               `json:"count"`
	}
	wireOrder struct {
		ID        string      `json:"id"`
		DisplayID json.Number `json:"display_id"`
		CreatedAt time.Time   `json:"created_at"`
		Items     []struct {
			ID        string `json:"id"`
			VariantID string `json:"variant_id"`
			ProductID string `json:"product_id"`
		} `json:"items"`
	}
	orderPage struct {
		Orders []wireOrder `json:"orders"`
		Count  int         `json:"count"`
	}
)

// ordersSlack widens the window of orders read around the reservations' dates.
const ordersSlack = 24 * time.Hour

// OpenOrders returns the web orders Medusa still holds at the boutique's stock
// location: its reservations there (created when a cart is completed, released
// when the line is fulfilled or the order canceled), each with its order's number
// and date, for the products of the sales channel. Reservations made by hand in
// Medusa's admin (no order line) are not web orders and are left out.
func (a *Adapter) OpenOrders(ctx context.Context) ([]shop.OrderLine, error) {
	var res []wireReservation
	q := url.Values{
		"location_id": {a.opts.StockLocation},
		"fields":      {"id,line_item_id,inventory_item_id,quantity,created_at"},
		"order":       {"created_at"},
		"limit":       {"200"},
	}
	for offset := 0; ; {
		q.Set("offset", strconv.Itoa(offset))
		var page reservationPage
		if err := a.get(ctx, "/admin/reservations", q, &page); err != nil {
			return nil, fmt.Errorf("read open orders of %s: reservations at offset %d: %w", a, offset, err)
		}
		res = append(res, page.Reservations...)
		offset += len(page.Reservations)
		if lastPage(len(page.Reservations), offset, page.Count, 200) {
			break
		}
	}
	var since time.Time
	byLine := map[string]*wireReservation{}
	for i := range res {
		r := &res[i]
		if r.LineItemID == "" {
			continue
		}
		byLine[r.LineItemID] = r
		if since.IsZero() || r.CreatedAt.Before(since) {
			since = r.CreatedAt
		}
	}
	if len(byLine) == 0 {
		return nil, nil
	}

	type line struct {
		order     *wireOrder
		productID string
		variantID string
		res       *wireReservation
	}
	var lines []line
	orders := map[string]*wireOrder{}
	q = url.Values{
		"created_at[$gte]": {since.Add(-ordersSlack).UTC().Format(time.RFC3339)},
		"fields":           {"id,display_id,created_at,items.id,items.variant_id,items.product_id"},
		"order":            {"created_at"},
		"limit":            {"100"},
	}
	for offset := 0; len(lines) < len(byLine); {
		q.Set("offset", strconv.Itoa(offset))
		var page orderPage
		if err := a.get(ctx, "/admin/orders", q, &page); err != nil {
			return nil, fmt.Errorf("read open orders of %s: orders at offset %d: %w", a, offset, err)
		}
		for i := range page.Orders {
			o := &page.Orders[i]
			for _, it := range o.Items {
				if r := byLine[it.ID]; r != nil {
					orders[o.ID] = o
					lines = append(lines, line{order: o, productID: it.ProductID, variantID: it.VariantID, res: r})
				}
			}
		}
		offset += len(page.Orders)
		if lastPage(len(page.Orders), offset, page.Count, 100) {
			break
		}
	}

	var pids []string
	for _, l := range lines {
		if !slices.Contains(pids, l.productID) {
			pids = append(pids, l.productID)
		}
	}
	prods, err := a.lookup(ctx, pids)
	if err != nil {
		return nil, fmt.Errorf("read open orders of %s: %w", a, err)
	}
	out := make([]shop.OrderLine, 0, len(lines))
	for _, l := range lines {
		prod := prods[l.productID]
		if prod == nil {
			continue // a product of another channel sold from the same location
		}
		sh := a.shapeOf(prod)
		if !sh.ok {
			continue
		}
		ol := shop.OrderLine{
			Order:     "#" + string(l.order.DisplayID),
			PlacedAt:  l.order.CreatedAt,
			ProductID: prod.ID,
			Ref:       sh.ref,
			Quantity:  quantity(l.res.Quantity),
		}
		if sh.declinable {
			ol.VariantID = l.variantID
			for i, v := range prod.Variants {
				if v.ID == l.variantID {
					ol.Size = sh.sizes[i]
				}
			}
		}
		out = append(out, ol)
	}
	slices.SortStableFunc(out, func(x, y shop.OrderLine) int { return x.PlacedAt.Compare(y.PlacedAt) })
	return out, nil
}

// quantity reads a reservation's quantity (a number Medusa may write as 1 or 1.0).
func quantity(n json.Number) int {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f < 0 || f > math.MaxInt32 {
		return 0
	}
	return int(math.Round(f))
}
