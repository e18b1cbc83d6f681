package ecrin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// wireProduct is a catalog product as the protocol sends it.
type wireProduct struct {
	ID         string        `json:"id"`
	Brand      string        `json:"brand"`
	Ref        string        `json:"ref"`
	EAN        string        `json:"ean,omitempty"`
	Category   string        `json:"category,omitempty"`
	Declinable bool          `json:"declinable"`
	Variants   []wireVariant `json:"variants,omitempty"`
	Published  bool          `json:"published"`
}

type wireVariant struct {
	ID   string `json:"id"`
	Size string `json:"size"`
	EAN  string `json:"ean,omitempty"`
}

type catalogPage struct {
	Products      []wireProduct `json:"products"`
	NextPageToken string        `json:"next_page_token"`
}

// product converts a wire product to the engine's.
func (w *wireProduct) product() reconcile.Product {
	p := reconcile.Product{ID: w.ID, Brand: w.Brand, Ref: w.Ref, Category: w.Category,
		Declinable: w.Declinable, Published: w.Published}
	if len(w.Variants) > 0 {
		p.Variants = make([]reconcile.Variant, len(w.Variants))
		for i, v := range w.Variants {
			p.Variants[i] = reconcile.Variant{ID: v.ID, Size: v.Size}
		}
	}
	return p
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
		if all == nil {
			all = make([]reconcile.Product, 0, len(p.Products))
		}
		for i := range p.Products {
			all = append(all, p.Products[i].product())
		}
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
