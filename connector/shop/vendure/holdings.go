package vendure

import (
	"context"
	"fmt"
)

// Holding is what Vendure holds for one variant, as ecrin sets it: for checks (the
// tests compare it with what the state file says the shop acknowledged).
type Holding struct {
	Enabled        bool   `json:"enabled"`
	ProductEnabled bool   `json:"-"`
	Price          int64  `json:"priceWithTax"` // the channel's prices include tax
	StockLevel     string `json:"stockLevel"`   // IN_STOCK, LOW_STOCK, OUT_OF_STOCK: from the saleable stock
	Threshold      int    `json:"outOfStockThreshold"`
	UseGlobal      bool   `json:"useGlobalOutOfStockThreshold"`
	OnHand         int    `json:"-"` // summed over the stock locations
	Allocated      int    `json:"-"`
	RestockDays    *int   `json:"-"` // when restock_days_field is set
}

// Holdings reads the variants of ids (those Vendure knows).
func (a *Adapter) Holdings(ctx context.Context, ids ...string) (map[string]Holding, error) {
	m := map[string]Holding{}
	custom := ""
	if a.opts.RestockField != "" {
		custom = " customFields { " + a.opts.RestockField + " }"
	}
	for start := 0; start < len(ids); start += MaxPageSize {
		part := ids[start:min(start+MaxPageSize, len(ids))]
		var out struct {
			ProductVariants struct {
				Items []struct {
					ID string `json:"id"`
					Holding
					Product     struct{ Enabled bool }                      `json:"product"`
					StockLevels []struct{ StockOnHand, StockAllocated int } `json:"stockLevels"`
					Custom      map[string]*int                             `json:"customFields"`
				} `json:"items"`
			} `json:"productVariants"`
		}
		err := a.gql(ctx, "Holdings", `query Holdings($options: ProductVariantListOptions) { productVariants(options: $options) { items {
		id enabled priceWithTax stockLevel outOfStockThreshold useGlobalOutOfStockThreshold product { enabled }
		stockLevels { stockOnHand stockAllocated }`+custom+` } } }`,
			map[string]any{"options": map[string]any{"take": len(part), "filter": map[string]any{"id": map[string]any{"in": part}}}}, &out)
		if err != nil {
			return nil, fmt.Errorf("read variants from %s: %w", a, err)
		}
		for _, v := range out.ProductVariants.Items {
			h := v.Holding
			h.ProductEnabled = v.Product.Enabled
			for _, l := range v.StockLevels {
				h.OnHand += l.StockOnHand
				h.Allocated += l.StockAllocated
			}
			if a.opts.RestockField != "" {
				h.RestockDays = v.Custom[a.opts.RestockField]
			}
			m[v.ID] = h
		}
	}
	return m, nil
}

// ProductVariants returns the variant ids of the products of ids (those Vendure knows).
func (a *Adapter) ProductVariants(ctx context.Context, ids ...string) (map[string][]string, error) {
	m := map[string][]string{}
	for start := 0; start < len(ids); start += a.opts.MaxBatch {
		ps, err := a.productsByID(ctx, ids[start:min(start+a.opts.MaxBatch, len(ids))])
		if err != nil {
			return nil, fmt.Errorf("read products from %s: %w", a, err)
		}
		for id, p := range ps {
			for _, v := range p.Variants {
				m[id] = append(m[id], v.ID)
			}
		}
	}
	return m, nil
}
