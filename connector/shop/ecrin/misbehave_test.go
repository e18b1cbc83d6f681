package ecrin

import (
	"context"
	eshop "github.com/ecrin-connect/ecrin/connector/shop"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestShopMisbehaves checks that answers breaking the protocol are errors, not
// results: a shop that answers with a fixed body.
func TestShopMisbehaves(t *testing.T) {
	items := []eshop.Item{
		{ProductID: "p1", Availability: "in_stock", OnHand: 1},
		{ProductID: "p2", VariantID: "p2-52", Availability: "unavailable"},
	}
	tests := []struct {
		name   string
		answer string
		call   func(*Client) error
	}{
		{"catalog pages loop", `{"products":[{"id":"p1"}],"next_page_token":"again"}`, catalogCall},
		{"catalog not JSON", `<html>maintenance</html>`, catalogCall},
		{"fewer results than items", `{"results":[{"product_id":"p1","status":"accepted"}]}`, pushCall(items)},
		{"results out of order", `{"results":[{"product_id":"p2","variant_id":"p2-52","status":"accepted"},{"product_id":"p1","status":"accepted"}]}`, pushCall(items)},
		{"batch answer not JSON", `OK`, pushCall(items)},
		{"ping for another boutique", `{"boutique":"B999"}`, func(c *Client) error { return c.Ping(context.Background()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(tt.answer))
			}))
			defer hs.Close()
			c, err := New(Config{URL: hs.URL, Boutique: "B042", Secret: testSecret, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.call(c); err == nil {
				t.Error("no error")
			}
		})
	}
}

func catalogCall(c *Client) error {
	_, err := c.Catalog(context.Background())
	return err
}

func pushCall(items []eshop.Item) func(*Client) error {
	return func(c *Client) error {
		_, err := c.Push(context.Background(), "k", items)
		return err
	}
}
