package shopify

import (
	"context"
	"fmt"
)

// Wire types of the look-ups a push makes before it writes.
type (
	wireLevel struct {
		Quantities []struct {
			Name     string `json:"name"`
			Quantity int    `json:"quantity"`
		} `json:"quantities"`
	}
	wireInventoryItem struct {
		ID             string     `json:"id"`
		Tracked        bool       `json:"tracked"`
		InventoryLevel *wireLevel `json:"inventoryLevel"` // nil: not stocked at the location
	}
	wireVariantRef struct {
		ID            string             `json:"id"`
		InventoryItem *wireInventoryItem `json:"inventoryItem"`
	}
	// wireNode is a ProductVariant or a Product of the nodes query.
	wireNode struct {
		Typename string `json:"__typename"`
		ID       string `json:"id"`
		// ProductVariant
		Product *struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"product"`
		InventoryItem *wireInventoryItem `json:"inventoryItem"`
		// Product
		Status   string                  `json:"status"`
		Options  []struct{ Name string } `json:"options"`
		Variants struct {
			Nodes []wireVariantRef `json:"nodes"`
		} `json:"variants"`
	}
)

// onHand is the level's on_hand quantity.
func (l *wireLevel) onHand() int {
	for _, q := range l.Quantities {
		if q.Name == "on_hand" {
			return q.Quantity
		}
	}
	return 0
}

const lookupQuery = `query Lookup($ids: [ID!]!, $location: ID!) {
  nodes(ids: $ids) {
    __typename
    ... on ProductVariant { id product { id status }
      inventoryItem { id tracked inventoryLevel(locationId: $location) { quantities(names: ["on_hand"]) { name quantity } } } }
    ... on Product { id status options { name }
      variants(first: 2) { nodes { id inventoryItem { id tracked inventoryLevel(locationId: $location) { quantities(names: ["on_hand"]) { name quantity } } } } } }
  }
}`

// lookup reads the products and variants of ids (at most 250), with the on_hand
// quantity of their inventory item at the location: what Shopify knows of them.
func (a *Adapter) lookup(ctx context.Context, ids []string, location string) (map[string]wireNode, error) {
	m := map[string]wireNode{}
	if len(ids) == 0 {
		return m, nil
	}
	var out struct {
		Nodes []*wireNode `json:"nodes"`
	}
	if err := a.gql(ctx, "Lookup", lookupQuery, map[string]any{"ids": ids, "location": location}, &out); err != nil {
		return nil, fmt.Errorf("read the batch's products and variants: %w", err)
	}
	for _, n := range out.Nodes {
		if n != nil {
			m[n.ID] = *n
		}
	}
	return m, nil
}

const onHandQuery = `query OnHand($ids: [ID!]!, $location: ID!) {
  nodes(ids: $ids) { __typename ... on InventoryItem { id tracked inventoryLevel(locationId: $location) { quantities(names: ["on_hand"]) { name quantity } } } }
}`

// onHand reads again the on_hand quantity of inventory items at the location;
// an item missing from the map is no longer stocked there.
func (a *Adapter) onHand(ctx context.Context, items []string, location string) (map[string]int, error) {
	var out struct {
		Nodes []*wireInventoryItem `json:"nodes"`
	}
	if err := a.gql(ctx, "OnHand", onHandQuery, map[string]any{"ids": items, "location": location}, &out); err != nil {
		return nil, fmt.Errorf("read on_hand again: %w", err)
	}
	m := map[string]int{}
	for _, n := range out.Nodes {
		if n != nil && n.InventoryLevel != nil {
			m[n.ID] = n.InventoryLevel.onHand()
		}
	}
	return m, nil
}
