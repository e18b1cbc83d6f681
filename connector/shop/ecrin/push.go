package ecrin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// wireItem is one decision of a stock batch, as the protocol sends it. quantity is
// the stock on hand: the shop subtracts its open orders (docs/shop-protocol.md).
type wireItem struct {
	ProductID    string `json:"product_id"`
	VariantID    string `json:"variant_id,omitempty"`
	Ref          string `json:"ref"`
	Size         string `json:"size,omitempty"`
	Published    bool   `json:"published"`
	Availability string `json:"availability"`
	Quantity     int    `json:"quantity"`
	PriceCents   int64  `json:"price_cents,omitempty"`
	RestockDays  int    `json:"restock_days,omitempty"`
}

// wireResult is the shop's answer for one item of a batch.
type wireResult struct {
	ProductID string `json:"product_id"`
	VariantID string `json:"variant_id,omitempty"`
	Status    string `json:"status"` // accepted or rejected
	Reason    string `json:"reason,omitempty"`
}

// Item statuses on the wire.
const (
	statusAccepted = "accepted"
	statusRejected = "rejected"
)

type batchRequest struct {
	Items []wireItem `json:"items"`
}

type batchAnswer struct {
	Results []wireResult `json:"results"`
}

// Push sends one batch under the idempotency key, retrying with the same key and
// body until the shop answers, and returns one result per item, in order. A batch
// the shop already applied under key gets the first answer again.
func (c *Client) Push(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	if !validKey(key) {
		return nil, fmt.Errorf("push batch %q to %s: the key must be 1 to 255 printable ASCII characters", key, c.where)
	}
	if len(items) == 0 || len(items) > MaxBatchItems {
		return nil, fmt.Errorf("push batch %q to %s: %d items, want 1 to %d", key, c.where, len(items), MaxBatchItems)
	}
	req := batchRequest{Items: make([]wireItem, len(items))}
	for i, it := range items {
		req.Items[i] = wireItem{ProductID: it.ProductID, VariantID: it.VariantID, Ref: it.Ref, Size: it.Size,
			Published: it.Published, Availability: it.Availability, Quantity: it.OnHand,
			PriceCents: it.PriceCents, RestockDays: it.RestockDays}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("push batch %q to %s: %w", key, c.where, err)
	}
	hdr := http.Header{"Content-Type": {"application/json"}, headerIdemKey: {key}}
	ans, err := c.call(ctx, "POST", "/v1/stock/batches", nil, body, hdr)
	if err != nil {
		return nil, fmt.Errorf("push batch %q to %s: %w", key, c.where, err)
	}
	var a batchAnswer
	if err := json.Unmarshal(ans.body, &a); err != nil {
		return nil, fmt.Errorf("push batch %q to %s: read answer: %w", key, c.where, err)
	}
	if len(a.Results) != len(items) {
		return nil, fmt.Errorf("push batch %q to %s: %d results for %d items", key, c.where, len(a.Results), len(items))
	}
	out := make([]shop.Result, len(items))
	for i, r := range a.Results {
		if r.ProductID != items[i].ProductID || r.VariantID != items[i].VariantID {
			return nil, fmt.Errorf("push batch %q to %s: result %d is for %s/%s, item is %s/%s", key, c.where,
				i, r.ProductID, r.VariantID, items[i].ProductID, items[i].VariantID)
		}
		if r.Status != statusAccepted && r.Status != statusRejected {
			return nil, fmt.Errorf("push batch %q to %s: result %d has status %q, want accepted or rejected", key, c.where, i, r.Status)
		}
		out[i] = shop.Result{ProductID: r.ProductID, VariantID: r.VariantID, Accepted: r.Status == statusAccepted, Reason: r.Reason}
	}
	return out, nil
}

// validKey reports whether k is 1 to 255 printable ASCII characters.
func validKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
