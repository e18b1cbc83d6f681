package shop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// ItemResult is the shop's answer for one decision of a batch.
type ItemResult struct {
	ProductID string `json:"product_id"`
	VariantID string `json:"variant_id,omitempty"`
	Status    string `json:"status"` // Accepted or Rejected
	Reason    string `json:"reason,omitempty"`
}

// Item statuses.
const (
	Accepted = "accepted"
	Rejected = "rejected"
)

// Accepted reports whether the shop applied the item.
func (r ItemResult) Accepted() bool { return r.Status == Accepted }

type batchRequest struct {
	Items []reconcile.Decision `json:"items"`
}

type batchAnswer struct {
	Results []ItemResult `json:"results"`
}

// PushBatch sends one batch of decisions under the idempotency key, retrying with
// the same key and body until the shop answers, and returns one result per item, in
// order. A batch the shop already applied under key gets the first answer again.
func (c *Client) PushBatch(ctx context.Context, key string, items []reconcile.Decision) ([]ItemResult, error) {
	if !validKey(key) {
		return nil, fmt.Errorf("push batch %q to %s: the key must be 1 to 255 printable ASCII characters", key, c.where)
	}
	if len(items) == 0 || len(items) > MaxBatchItems {
		return nil, fmt.Errorf("push batch %q to %s: %d items, want 1 to %d", key, c.where, len(items), MaxBatchItems)
	}
	body, err := json.Marshal(batchRequest{Items: items})
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
	for i, r := range a.Results {
		if r.ProductID != items[i].ProductID || r.VariantID != items[i].VariantID {
			return nil, fmt.Errorf("push batch %q to %s: result %d is for %s/%s, item is %s/%s", key, c.where,
				i, r.ProductID, r.VariantID, items[i].ProductID, items[i].VariantID)
		}
	}
	return a.Results, nil
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
