package ecrin_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"

	eshop "github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/ecrin"
	"github.com/ecrin-connect/ecrin/connector/shopsim"
)

// A run fetches the catalog, then pushes its changes batch by batch, each under a key
// derived from the run and the batch number.
func Example() {
	dir, _ := os.MkdirTemp("", "shop-example")
	defer os.RemoveAll(dir)
	sim, err := shopsim.New(shopsim.Options{DBPath: filepath.Join(dir, "shop.db"), Secret: []byte("s3cret"), Boutique: "B042"})
	if err != nil {
		log.Fatal(err)
	}
	defer sim.Close()
	sim.LoadCatalog(context.Background(), []shopsim.Product{{ID: "p1", Brand: "TISSOT", Ref: "T120.407.17.041.00"}})
	hs := httptest.NewServer(sim.Handler())
	defer hs.Close()

	// The secret comes from the secret store, never from the YAML file.
	c, err := ecrin.New(ecrin.Config{URL: hs.URL, Boutique: "B042", Secret: "s3cret"})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	catalog, err := c.Catalog(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(catalog), "product(s), first", catalog[0].Ref)

	batch := []eshop.Item{
		{ProductID: "p1", Ref: "T120.407.17.041.00", Published: true, Availability: "in_stock", OnHand: 2, PriceCents: 49000},
		{ProductID: "p9", Ref: "GONE", Availability: "unavailable"},
	}
	results, err := c.Push(ctx, "run-20260101-0200/0001", batch)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		if r.Accepted {
			fmt.Println(r.ProductID, "accepted")
		} else {
			fmt.Println(r.ProductID, "rejected:", r.Reason)
		}
	}
	// Output:
	// 1 product(s), first T120.407.17.041.00
	// p1 accepted
	// p9 rejected: unknown_product
}
