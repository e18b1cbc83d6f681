package shopify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// setStockMutation is inventorySetQuantities with its mandatory @idempotent key
// (a string literal: %s is a JSON-quoted key, a valid GraphQL string).
const setStockMutation = `mutation SetStock($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: %s) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`

// errStale is a quantity Shopify still found stale after the re-reads.
var errStale = errors.New("on_hand changed in Shopify while ecrin set it")

// idempotencyKey derives the key of one inventorySetQuantities from the batch's
// key and the mutation's input: the same batch sending the same quantities (a
// retry, a replay after a crash) sends the same key and Shopify answers with its
// first answer; a different input (quantities re-read after a stale compare, or
// a batch replayed once part of it is applied) gets a key of its own, so that
// Shopify never sees one key with two inputs (IDEMPOTENCY_KEY_PARAMETER_MISMATCH).
func idempotencyKey(batchKey string, input any, attempt int) string {
	b, _ := json.Marshal(input)
	sum := sha256.Sum256(b)
	k := batchKey + "-inv-" + hex.EncodeToString(sum[:6])
	if attempt > 0 {
		k += fmt.Sprintf("-a%d", attempt)
	}
	return k
}

// writeStock sets the on_hand quantity of every inventory item of the batch whose
// quantity is not its target yet, in one inventorySetQuantities whose
// changeFromQuantity is the quantity read just before. A quantity Shopify finds
// stale (CHANGE_FROM_QUANTITY_STALE: someone changed the stock meanwhile) is read
// again and set again with the fresh value — the ERP's count is the stock on hand
// — at most stale_retries times, each change reported through OnRetry; then its
// items are refused, never overwritten blindly. Any other refusal rejects its
// items and the rest is sent again.
func (a *Adapter) writeStock(ctx context.Context, b *batch) error {
	var live []*stockWrite
	for _, s := range b.stock {
		if !b.anyRejected(s.items) {
			live = append(live, s)
		}
	}
	staleRounds, attempt := 0, 0
	lastStale := map[string][2]int{} // item → the quantities read before and after the last stale answer
	for rounds := 0; ; rounds++ {
		var todo []*stockWrite
		for _, s := range live {
			if s.current != s.target && !b.anyRejected(s.items) {
				todo = append(todo, s)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		if rounds > a.opts.StaleRetries+len(b.stock)+3 {
			return fmt.Errorf("set on_hand: no settled answer after %d rounds", rounds)
		}
		quantities := make([]map[string]any, len(todo))
		for k, s := range todo {
			quantities[k] = map[string]any{"inventoryItemId": s.item, "locationId": b.location, "quantity": s.target, "changeFromQuantity": s.current}
		}
		input := map[string]any{"name": "on_hand", "reason": a.opts.Reason, "referenceDocumentUri": "gid://ecrin/Batch/" + b.key, "quantities": quantities}
		key := idempotencyKey(b.key, input, attempt)
		quoted, _ := json.Marshal(key)
		var out struct {
			P *struct {
				UserErrors []userError `json:"userErrors"`
			} `json:"inventorySetQuantities"`
		}
		if err := a.gql(ctx, "SetStock", fmt.Sprintf(setStockMutation, quoted), map[string]any{"input": input}, &out); err != nil {
			return fmt.Errorf("set on_hand of %d inventory items at %s: %w", len(todo), b.location, err)
		}
		if out.P == nil {
			return fmt.Errorf("set on_hand at %s: Shopify answered no inventorySetQuantities payload", b.location)
		}
		if len(out.P.UserErrors) == 0 {
			for _, s := range todo {
				s.current = s.target
			}
			return nil
		}
		var stale []*stockWrite
		refused := map[*stockWrite]bool{}
		for _, ue := range out.P.UserErrors {
			switch ue.Code {
			case "IDEMPOTENCY_KEY_PARAMETER_MISMATCH":
				return fmt.Errorf("set on_hand under key %q: %s: %w", key, ue, shop.ErrKeyReused)
			case "IDEMPOTENCY_CONCURRENT_REQUEST":
				// The same request is in progress (a retry overtook it): wait, ask again.
				if err := shop.Sleep(ctx, shop.Backoff(rounds, a.opts.BackoffBase, a.opts.BackoffMax)); err != nil {
					return err
				}
				stale = nil
				refused = nil
			case "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED":
				attempt++ // a new key for the same input, as the documentation asks
				stale, refused = nil, nil
			}
			if refused == nil {
				break
			}
			k := ue.index("quantities")
			if k < 0 || k >= len(todo) {
				return fmt.Errorf("set on_hand of %d inventory items at %s: Shopify refused the mutation: %s", len(todo), b.location, ue)
			}
			s := todo[k]
			if ue.Code == "CHANGE_FROM_QUANTITY_STALE" {
				stale = append(stale, s)
				continue
			}
			refused[s] = true
			b.rejectAll(s.items, fmt.Sprintf("Shopify refused on_hand %d for inventory item %s: %s", s.target, s.item, ue))
		}
		if refused == nil { // an idempotency answer: the same quantities again
			continue
		}
		var next []*stockWrite
		for _, s := range live {
			if !refused[s] {
				next = append(next, s)
			}
		}
		live = next
		if len(stale) == 0 {
			continue
		}
		if staleRounds >= a.opts.StaleRetries {
			for _, s := range stale {
				q := lastStale[s.item]
				b.rejectAll(s.items, fmt.Sprintf("%v (inventory item %s: read %d, then %d): not overwritten; the next run sets %d again",
					errStale, s.item, q[0], q[1], s.target))
			}
			drop := map[*stockWrite]bool{}
			for _, s := range stale {
				drop[s] = true
			}
			next = next[:0]
			for _, s := range live {
				if !drop[s] {
					next = append(next, s)
				}
			}
			live = next
			continue
		}
		staleRounds++
		ids := make([]string, len(stale))
		for k, s := range stale {
			ids[k] = s.item
		}
		fresh, err := a.onHand(ctx, ids, b.location)
		if err != nil {
			return err
		}
		for _, s := range stale {
			q, ok := fresh[s.item]
			if !ok {
				b.rejectAll(s.items, fmt.Sprintf("inventory item %s is no longer stocked at %s", s.item, b.location))
				continue
			}
			lastStale[s.item] = [2]int{s.current, q}
			if a.retry.OnRetry != nil {
				a.retry.OnRetry("POST SetStock", staleRounds, time.Duration(0),
					fmt.Errorf("on_hand of inventory item %s changed in Shopify from %d to %d while ecrin set it to %d: set again from %d", s.item, s.current, q, s.target, q))
			}
			s.current = q
		}
		next = next[:0]
		for _, s := range live {
			if !b.anyRejected(s.items) {
				next = append(next, s)
			}
		}
		live = next
	}
}
