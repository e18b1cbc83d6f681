package prestashop

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

// ordersChunk is how many order ids one order_details request names.
const ordersChunk = 50

// OpenOrders returns the lines of the orders whose current state is one of
// open_states (taken, not shipped): PrestaShop lowered stock_availables.quantity
// when it validated them, and the boutique's till may not know them yet. Their
// date_add, written in the shop's time zone, is returned in UTC.
func (a *Adapter) OpenOrders(ctx context.Context) ([]shop.OrderLine, error) {
	states := make([]string, 0, len(a.opts.OpenStates))
	for _, s := range a.opts.OpenStates {
		states = append(states, strconv.Itoa(s))
	}
	var orders []wireOrder
	for offset := 0; ; offset += a.opts.PageSize {
		var page []wireOrder
		q := url.Values{"display": {"[id,reference,current_state,date_add]"}, "filter[current_state]": {"[" + strings.Join(states, "|") + "]"},
			"limit": {fmt.Sprintf("%d,%d", offset, a.opts.PageSize)}, "sort": {"[id_ASC]"}}
		if err := a.getJSON(ctx, "orders", q, func(b []byte) error { return decodeList(b, "orders", &page) }); err != nil {
			return nil, fmt.Errorf("read the open orders of %s: orders from %d: %w", a, offset, err)
		}
		if len(page) > a.opts.PageSize {
			return nil, fmt.Errorf("read the open orders of %s: asked %d orders from %d, got %d: the shop ignores limit", a, a.opts.PageSize, offset, len(page))
		}
		orders = append(orders, page...)
		if len(page) < a.opts.PageSize {
			break
		}
	}
	byID := map[int]wireOrder{}
	var ids []string
	for _, o := range orders {
		if a.opts.openSet[o.CurrentState.Int()] && o.ID.Int() > 0 {
			byID[o.ID.Int()] = o
			ids = append(ids, string(o.ID))
		}
	}
	var out []shop.OrderLine
	for chunk := range slices.Chunk(ids, ordersChunk) {
		var rows []wireDetail
		q := url.Values{"display": {"full"}, "filter[id_order]": {"[" + strings.Join(chunk, "|") + "]"}}
		if err := a.getJSON(ctx, "order_details", q, func(b []byte) error { return decodeList(b, "order_details", &rows) }); err != nil {
			return nil, fmt.Errorf("read the open orders of %s: lines of orders %s: %w", a, strings.Join(chunk, ", "), err)
		}
		for _, r := range rows {
			o, ok := byID[r.IDOrder.Int()]
			if !ok || r.ProductID.Int() <= 0 || r.Quantity.Int() <= 0 {
				continue
			}
			l := shop.OrderLine{Order: string(o.Reference), PlacedAt: a.utc(string(o.DateAdd)),
				ProductID: strconv.Itoa(r.ProductID.Int()), Ref: string(r.Reference), Quantity: r.Quantity.Int()}
			if l.Order == "" {
				l.Order = string(o.ID)
			}
			if c := r.AttrID.Int(); c > 0 {
				l.VariantID = strconv.Itoa(c)
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// utc reads a date of the shop ("2026-11-21 14:03:00", its time zone) in UTC; the
// zero time when it is unreadable.
func (a *Adapter) utc(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, strings.TrimSpace(s), a.opts.zone)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
