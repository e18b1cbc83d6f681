package shopify

import (
	"context"
	"fmt"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// openOrdersFilter selects the orders neither closed nor cancelled; their lines
// with an unfulfilled quantity are what Shopify counts as committed.
const openOrdersFilter = "status:open"

const ordersQuery = `query OpenOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { name createdAt
      lineItems(first: 50) { pageInfo { hasNextPage }
        nodes { sku quantity unfulfilledQuantity variant { id selectedOptions { name value } product { id } } } } }
  }
}`

// ordersPage is the orders read per page (a page of 25 orders of 50 lines stays
// under the cost one query may request).
const ordersPage = 25

// OpenOrders returns the lines of the open orders with units not fulfilled yet:
// sold online, maybe not yet recorded in the boutique's till.
func (a *Adapter) OpenOrders(ctx context.Context) ([]shop.OrderLine, error) {
	var lines []shop.OrderLine
	after := ""
	for page := 1; ; page++ {
		vars := map[string]any{"first": ordersPage, "query": openOrdersFilter}
		if after != "" {
			vars["after"] = after
		}
		var out struct {
			Orders struct {
				PageInfo pageInfo `json:"pageInfo"`
				Nodes    []struct {
					Name      string    `json:"name"`
					CreatedAt time.Time `json:"createdAt"`
					LineItems struct {
						PageInfo pageInfo `json:"pageInfo"`
						Nodes    []struct {
							SKU                 string `json:"sku"`
							Quantity            int    `json:"quantity"`
							UnfulfilledQuantity int    `json:"unfulfilledQuantity"`
							Variant             *struct {
								ID              string       `json:"id"`
								SelectedOptions []wireOption `json:"selectedOptions"`
								Product         *struct {
									ID string `json:"id"`
								} `json:"product"`
							} `json:"variant"`
						} `json:"nodes"`
					} `json:"lineItems"`
				} `json:"nodes"`
			} `json:"orders"`
		}
		if err := a.gql(ctx, "OpenOrders", ordersQuery, vars, &out); err != nil {
			return nil, fmt.Errorf("read open orders from %s, page %d: %w", a, page, err)
		}
		for _, o := range out.Orders.Nodes {
			if o.LineItems.PageInfo.HasNextPage {
				return nil, fmt.Errorf("read open orders from %s: order %s has more than 50 lines, which ecrin does not read", a, o.Name)
			}
			for _, l := range o.LineItems.Nodes {
				v := l.Variant
				if v == nil || v.Product == nil || l.UnfulfilledQuantity <= 0 {
					continue // a custom line, a deleted variant, or shipped
				}
				line := shop.OrderLine{Order: o.Name, PlacedAt: o.CreatedAt.UTC(), ProductID: v.Product.ID, Ref: l.SKU, Quantity: l.UnfulfilledQuantity}
				if size, ok := a.sizeOf(v.SelectedOptions); ok {
					line.VariantID, line.Size = v.ID, size
				}
				lines = append(lines, line)
			}
		}
		pi := out.Orders.PageInfo
		if !pi.HasNextPage {
			return lines, nil
		}
		if pi.EndCursor == "" || pi.EndCursor == after {
			return nil, fmt.Errorf("read open orders from %s, page %d: Shopify said there is a next page but gave no new cursor", a, page)
		}
		after = pi.EndCursor
	}
}
