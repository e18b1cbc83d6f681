package config

import (
	"context"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// tinyShop is a shop kind that takes 50 items a batch.
type tinyShop struct{}

func (tinyShop) Catalog(context.Context) ([]reconcile.Product, error)             { return nil, nil }
func (tinyShop) Push(context.Context, string, []shop.Item) ([]shop.Result, error) { return nil, nil }
func (tinyShop) OpenOrders(context.Context) ([]shop.OrderLine, error)             { return nil, nil }
func (tinyShop) Ping(context.Context) error                                       { return nil }
func (tinyShop) Traits() shop.Traits                                              { return shop.Traits{MaxBatch: 50} }
func (tinyShop) String() string                                                   { return "tiny" }

func init() {
	shop.Register("tiny-test", func(*yaml.Node, shop.Env) (shop.Shop, error) { return tinyShop{}, nil })
}

// TestBatchSizeWithinWhatTheShopTakes: the default batch size is the shop kind's
// limit when that is smaller; a batch size over it is refused at its line.
func TestBatchSizeWithinWhatTheShopTakes(t *testing.T) {
	t.Setenv("TEST_ECRIN_SHOP_SECRET", "s3cr3t-value")
	tiny := strings.Replace(minimal, "  url: https://shop.example/ecrin\n", "  kind: tiny-test\n", 1)
	c, err := Parse("/etc/ecrin/ecrin.yaml", []byte(tiny))
	if err != nil {
		t.Fatal(err)
	}
	if c.Push.BatchSize != 50 {
		t.Errorf("default batch size %d, want the shop's 50", c.Push.BatchSize)
	}
	_, err = Parse("/etc/ecrin/ecrin.yaml", []byte(tiny+"push: {batch_size: 100}\n"))
	if err == nil || !strings.Contains(err.Error(), "push.batch_size 100: want 1 to 50") {
		t.Errorf("batch size over the shop's limit: %v", err)
	}
	if c, err := Parse("/etc/ecrin/ecrin.yaml", []byte(minimal)); err != nil || c.Push.BatchSize != DefaultBatchSize {
		t.Errorf("ecrin kind: batch size %d, %v", c.Push.BatchSize, err)
	}
}
