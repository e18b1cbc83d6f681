package vendure

import (
	"context"
	"fmt"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// OpenOrders returns the lines of the orders in the open states (placed, not yet
// shipped, delivered or cancelled): Vendure still holds their stock as allocated.
func (a *Adapter) OpenOrders(ctx context.Context) ([]shop.OrderLine, error) {
	const query = `query OpenOrders($options: OrderListOptions) { orders(options: $options) { totalItems items {
		code orderPlacedAt lines { quantity productVariant { id productId sku options { groupId name }
		product { optionGroups { id code } } } } } } }`
	var lines []shop.OrderLine
	page := a.opts.PageSize
	for skip := 0; ; skip += page {
		options := map[string]any{"skip": skip, "take": page, "sort": map[string]any{"id": "ASC"},
			"filter": map[string]any{"state": map[string]any{"in": a.opts.OpenStates}}}
		var out struct {
			Orders struct {
				TotalItems int `json:"totalItems"`
				Items      []struct {
					Code          string     `json:"code"`
					OrderPlacedAt *time.Time `json:"orderPlacedAt"`
					Lines         []struct {
						Quantity       int `json:"quantity"`
						ProductVariant *struct {
							wireVariant
							Product *struct {
								OptionGroups []wireGroup `json:"optionGroups"`
							} `json:"product"`
						} `json:"productVariant"`
					} `json:"lines"`
				} `json:"items"`
			} `json:"orders"`
		}
		if err := a.gql(ctx, "OpenOrders", query, map[string]any{"options": options}, &out); err != nil {
			return nil, fmt.Errorf("read open orders from %s: %w", a, err)
		}
		for _, o := range out.Orders.Items {
			for _, l := range o.Lines {
				v := l.ProductVariant
				if v == nil || l.Quantity <= 0 {
					continue
				}
				line := shop.OrderLine{Order: o.Code, ProductID: v.ProductID, Ref: v.SKU, Quantity: l.Quantity}
				if o.OrderPlacedAt != nil {
					line.PlacedAt = *o.OrderPlacedAt
				}
				if v.Product != nil {
					if g := a.sizeGroup(wireProduct{OptionGroups: v.Product.OptionGroups}); g != "" {
						line.VariantID = v.ID
						for _, opt := range v.Options {
							if opt.GroupID == g {
								line.Size = opt.Name
							}
						}
					}
				}
				lines = append(lines, line)
			}
		}
		if len(out.Orders.Items) < page || skip+len(out.Orders.Items) >= out.Orders.TotalItems {
			return lines, nil
		}
	}
}
