package connector

import (
	"context"
	"fmt"
	"sync"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// sendJournaled sends one journaled batch: item by item, journaling each answer,
// when the shop is a shop.ItemPusher; whole (sendBatch) otherwise.
func (s *Site) sendJournaled(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	if ip, ok := s.shop.(shop.ItemPusher); ok {
		return s.sendItems(ctx, ip, key, items)
	}
	return s.sendBatch(ctx, key, items)
}

// sendItems sends the items of batch key that have no recorded answer yet — all
// of them the first time, the rest after a crash —, records each answer as it
// arrives, and returns every answer in the batch's order, for Ack.
func (s *Site) sendItems(ctx context.Context, ip shop.ItemPusher, key string, items []shop.Item) ([]shop.Result, error) {
	recorded, err := s.store.ItemResults(ctx, key)
	if err != nil {
		return nil, err
	}
	out := make([]shop.Result, len(items))
	have := make([]bool, len(items))
	var todo []int // ranks in items of the items to send
	for i, it := range items {
		r, ok := recorded[i]
		if ok && r.ProductID == it.ProductID && r.VariantID == it.VariantID {
			out[i], have[i] = shop.Result{ProductID: r.ProductID, VariantID: r.VariantID, Accepted: r.Accepted, Reason: r.Reason}, true
			continue
		}
		todo = append(todo, i)
	}
	if len(todo) < len(items) {
		s.log.Info().Str("batch", key).Int("answered", len(items)-len(todo)).Int("to_send", len(todo)).
			Msg("resuming a batch item by item: the items the shop already answered are not sent again")
	}
	if len(todo) > 0 {
		send := make([]shop.Item, len(todo))
		for j, i := range todo {
			send[j] = items[i]
		}
		var mu sync.Mutex
		err := ip.PushItems(ctx, key, send, func(j int, r shop.Result) error {
			if j < 0 || j >= len(todo) {
				return fmt.Errorf("the shop answered item %d of %d", j, len(todo))
			}
			mu.Lock()
			defer mu.Unlock()
			i := todo[j]
			if r.ProductID != items[i].ProductID || r.VariantID != items[i].VariantID {
				return fmt.Errorf("the shop answered %s/%s for item %s/%s", r.ProductID, r.VariantID, items[i].ProductID, items[i].VariantID)
			}
			if err := s.store.RecordItem(ctx, key, i, state.ItemResult{ProductID: r.ProductID, VariantID: r.VariantID, Accepted: r.Accepted, Reason: r.Reason}); err != nil {
				return err
			}
			out[i], have[i] = r, true
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for i, ok := range have {
		if !ok {
			return nil, fmt.Errorf("batch %s: the shop gave no answer for item %s/%s", key, items[i].ProductID, items[i].VariantID)
		}
	}
	return out, nil
}
