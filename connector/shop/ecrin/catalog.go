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
	Removed       []string      `json:"removed"`
	NextPageToken string        `json:"next_page_token"`
	Cursor        string        `json:"cursor"`
}

// product converts a wire product to the engine's.
func (w *wireProduct) product() reconcile.Product {
	p := reconcile.Product{ID: w.ID, Brand: w.Brand, Ref: w.Ref, Category: w.Category, EAN: w.EAN,
		Declinable: w.Declinable, Published: w.Published}
	if len(w.Variants) > 0 {
		p.Variants = make([]reconcile.Variant, len(w.Variants))
		for i, v := range w.Variants {
			p.Variants[i] = reconcile.Variant{ID: v.ID, Size: v.Size, EAN: v.EAN}
		}
	}
	return p
}

// Catalog fetches every page of the catalog this boutique's connector manages.
func (c *Client) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	all, _, _, err := c.pages(ctx, "catalog", "/v1/catalog", nil)
	return all, err
}

// CatalogWithCursor fetches the whole catalog and the cursor of its first page:
// what changes while the pages are read comes with the next changes.
func (c *Client) CatalogWithCursor(ctx context.Context) ([]reconcile.Product, string, error) {
	all, _, cursor, err := c.pages(ctx, "catalog", "/v1/catalog", nil)
	return all, cursor, err
}

// CatalogChanges fetches the products added or changed since cursor and the ids
// removed (GET /v1/catalog/changes); a cursor the shop no longer knows is
// shop.ErrCursorExpired.
func (c *Client) CatalogChanges(ctx context.Context, cursor string) ([]reconcile.Product, []string, string, error) {
	return c.pages(ctx, "catalog changes", "/v1/catalog/changes", url.Values{"since": {cursor}})
}

// pages fetches every page of a paged product list: the products, the ids removed
// and the cursor, both from the first page.
func (c *Client) pages(ctx context.Context, what, path string, query url.Values) ([]reconcile.Product, []string, string, error) {
	var (
		all     []reconcile.Product
		removed []string
		cursor  string
	)
	seen := map[string]bool{}
	token := ""
	for page := 1; ; page++ {
		q := url.Values{"limit": {strconv.Itoa(c.cfg.PageSize)}}
		for k, v := range query {
			q[k] = v
		}
		if token != "" {
			q.Set("page_token", token)
		}
		ans, err := c.call(ctx, "GET", path, q, nil, nil)
		if err != nil {
			return nil, nil, "", fmt.Errorf("fetch %s page %d from %s: %w", what, page, c.where, err)
		}
		var p catalogPage
		if err := json.Unmarshal(ans.body, &p); err != nil {
			return nil, nil, "", fmt.Errorf("read %s page %d from %s: %w", what, page, c.where, err)
		}
		if page == 1 {
			all = make([]reconcile.Product, 0, len(p.Products))
			removed, cursor = p.Removed, p.Cursor
		}
		for i := range p.Products {
			all = append(all, p.Products[i].product())
		}
		if p.NextPageToken == "" {
			return all, removed, cursor, nil
		}
		if seen[p.NextPageToken] {
			return nil, nil, "", fmt.Errorf("fetch %s from %s: page %d points back to an earlier page", what, c.where, page)
		}
		seen[p.NextPageToken] = true
		token = p.NextPageToken
	}
}
