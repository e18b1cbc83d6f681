package state

import (
	"context"
	"errors"
	"testing"
)

func TestItemAnswersBeforeAck(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id := begin(t, s)
	items := []Item{{ProductID: "1", VariantID: "10", Quantity: 1}, {ProductID: "1", VariantID: "11"}, {ProductID: "2"}}
	if err := s.Journal(ctx, id, []Batch{{Key: "k1", Items: items}}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordItem(ctx, "k1", 2, ItemResult{ProductID: "2", Accepted: false, Reason: "no"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordItem(ctx, "k1", 0, ItemResult{ProductID: "1", VariantID: "10", Accepted: true}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ItemResults(ctx, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Accepted || got[2].Reason != "no" {
		t.Fatalf("answers %+v", got)
	}
	if err := s.RecordItem(ctx, "nope", 0, ItemResult{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
	if err := s.Ack(ctx, "k1", []ItemResult{{ProductID: "1", VariantID: "10", Accepted: true}, {ProductID: "1", VariantID: "11", Accepted: true}, {ProductID: "2", Reason: "no"}}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); len(p) != 0 {
		t.Errorf("%d pending", len(p))
	}
}
