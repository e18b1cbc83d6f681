package shop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/ecrin-connect/ecrin/reconcile"
)

type catalogPage struct {
	Products      []reconcile.Product `json:"products"`
	NextPageToken string              `json:"next_page_token"`
}

// Catalog fetches every page of the catalog this boutique's connector manages.
func (c *Client) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	var all []reconcile.Product
	seen := map[string]bool{}
	token := ""
	for page := 1; ; page++ {
		q := url.Values{"limit": {strconv.Itoa(c.cfg.PageSize)}}
		if token != "" {
			q.Set("page_token", token)
		}
		ans, err := c.call(ctx, "GET", "/v1/catalog", q, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("fetch catalog page %d from %s: %w", page, c.where, err)
		}
		var p catalogPage
		if err := json.Unmarshal(ans.body, &p); err != nil {
			return nil, fmt.Errorf("read catalog page %d from %s: %w", page, c.where, err)
		}
		all = append(all, p.Products...)
		if p.NextPageToken == "" {
			return all, nil
		}
		if seen[p.NextPageToken] {
			return nil, fmt.Errorf("fetch catalog from %s: page %d points back to an earlier page", c.where, page)
		}
		seen[p.NextPageToken] = true
		token = p.NextPageToken
	}
}
