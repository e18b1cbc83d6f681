package ecrin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// wireOrderLine is one line of an open web order, as the protocol sends it.
type wireOrderLine struct {
	Order     string    `json:"order"`
	PlacedAt  time.Time `json:"placed_at"`
	ProductID string    `json:"product_id"`
	VariantID string    `json:"variant_id,omitempty"`
	Ref       string    `json:"ref"`
	Size      string    `json:"size,omitempty"`
	Quantity  int       `json:"quantity"`
}

type ordersPage struct {
	Lines         []wireOrderLine `json:"lines"`
	NextPageToken string          `json:"next_page_token"`
}

// OpenOrders fetches the lines of the web orders the shop has not closed.
func (c *Client) OpenOrders(ctx context.Context) ([]shop.OrderLine, error) {
	var all []shop.OrderLine
	seen := map[string]bool{}
	token := ""
	for page := 1; ; page++ {
		q := url.Values{"status": {"open"}, "limit": {strconv.Itoa(c.cfg.PageSize)}}
		if token != "" {
			q.Set("page_token", token)
		}
		ans, err := c.call(ctx, "GET", "/v1/orders", q, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("fetch open orders page %d from %s: %w", page, c.where, err)
		}
		var p ordersPage
		if err := json.Unmarshal(ans.body, &p); err != nil {
			return nil, fmt.Errorf("read open orders page %d from %s: %w", page, c.where, err)
		}
		for _, l := range p.Lines {
			if l.Quantity <= 0 {
				return nil, fmt.Errorf("read open orders page %d from %s: order %q line %s/%s has quantity %d, want at least 1",
					page, c.where, l.Order, l.ProductID, l.VariantID, l.Quantity)
			}
			all = append(all, shop.OrderLine{Order: l.Order, PlacedAt: l.PlacedAt.UTC(), ProductID: l.ProductID,
				VariantID: l.VariantID, Ref: l.Ref, Size: l.Size, Quantity: l.Quantity})
		}
		if p.NextPageToken == "" {
			return all, nil
		}
		if seen[p.NextPageToken] {
			return nil, fmt.Errorf("fetch open orders from %s: page %d points back to an earlier page", c.where, page)
		}
		seen[p.NextPageToken] = true
		token = p.NextPageToken
	}
}
