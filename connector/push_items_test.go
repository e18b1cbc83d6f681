package connector

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// oneByOne is a shop that applies items one by one (shop.ItemPusher), each with
// its own key, and can fail after a number of items, as a shop going down or a
// process killed in the middle of a batch.
type oneByOne struct {
	shop.Shop
	mu        sync.Mutex
	sent      []string // product/variant of every item sent
	failAfter int      // items answered before the push fails; < 0: never
}

func (o *oneByOne) PushItems(ctx context.Context, key string, items []shop.Item, done func(int, shop.Result) error) error {
	for i, it := range items {
		o.mu.Lock()
		if o.failAfter == 0 {
			o.mu.Unlock()
			return errors.New("the shop went down")
		}
		o.failAfter--
		o.sent = append(o.sent, it.ProductID+"/"+it.VariantID)
		o.mu.Unlock()
		res, err := o.Shop.Push(ctx, fmt.Sprintf("%s-i%d-%s-%s", key, i, it.ProductID, it.VariantID), []shop.Item{it})
		if err != nil {
			return err
		}
		if err := done(i, res[0]); err != nil {
			return err
		}
	}
	return nil
}

// TestItemJournalResumesWhereTheShopStopped: a batch half applied when the shop
// stops; the next run sends only the items of the batch the shop had not
// answered, then acknowledges it whole, and the shop holds the plan.
func TestItemJournalResumesWhereTheShopStopped(t *testing.T) {
	h := newHarness(t, "push: {batch_size: 20}")
	ob := &oneByOne{Shop: h.site.shop, failAfter: 30} // the middle of the second batch
	h.site.shop = ob
	h.dropNight(night1)
	if _, err := h.site.RunOnce(context.Background(), TriggerManual); err == nil {
		t.Fatal("the run went through a shop that went down")
	}
	pending, err := h.site.store.Pending(context.Background())
	if err != nil || len(pending) == 0 {
		t.Fatalf("%d batches pending (%v)", len(pending), err)
	}
	answered, err := h.site.store.ItemResults(context.Background(), pending[0].Key)
	if err != nil || len(answered) != 10 {
		t.Fatalf("%d items of the interrupted batch answered (%v), want 10", len(answered), err)
	}
	total := 0
	for _, b := range pending {
		total += len(b.Items)
	}
	before := len(ob.sent)
	ob.failAfter = -1
	h.run()
	resent := ob.sent[before:]
	if len(resent) != total-10 {
		t.Errorf("the resumed push sent %d items, want the %d not answered", len(resent), total-10)
	}
	seen := map[string]bool{}
	for _, s := range ob.sent {
		if seen[s] {
			t.Errorf("%s sent twice", s)
		}
		seen[s] = true
	}
	if p, _ := h.site.store.Pending(context.Background()); len(p) != 0 {
		t.Errorf("%d batches still pending", len(p))
	}
	h.assertShopMatches()
}
