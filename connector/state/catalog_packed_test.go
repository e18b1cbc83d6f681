package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/ecrin-connect/ecrin/reconcile"
)

func sampleCatalog() []reconcile.Product {
	return []reconcile.Product{
		{ID: "P1", Brand: "Tissot", Ref: "T137.407.11.041.00", Category: "montres", EAN: "7611608292847", Published: true},
		{ID: "P2", Brand: "Pandora", Ref: "190019", Category: "bagues", Declinable: true, Variants: []reconcile.Variant{
			{ID: "V1", Size: "52", EAN: "5700302737313"}, {ID: "V2", Size: "54"}, {ID: "V3", Size: "T56 ½"}}},
		{ID: "P3", Brand: "Mauboussin", Ref: "Ma Chérie\x1f\x1e", Published: true},
	}
}

func TestPackedCatalogRoundTrip(t *testing.T) {
	for _, products := range [][]reconcile.Product{nil, sampleCatalog()} {
		got, err := unpackCatalog(string(packCatalog(products)))
		if err != nil {
			t.Fatal(err)
		}
		if len(products) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, products) {
			t.Errorf("unpacked %+v, want %+v", got, products)
		}
	}
}

// TestPackedCatalogDamaged: every cut of a packed catalog, and a changed byte, is
// an error naming where, never a panic nor a wrong catalog taken as kept.
func TestPackedCatalogDamaged(t *testing.T) {
	data := packCatalog(sampleCatalog())
	for n := range len(data) {
		if _, err := unpackCatalog(string(data[:n])); !errors.Is(err, errPackedCatalog) {
			t.Fatalf("cut at %d of %d: err %v, want errPackedCatalog", n, len(data), err)
		}
	}
	bad := append([]byte(nil), data...)
	bad[len(catalogMagic)] = 0xff // the product count, now a number that never ends
	if _, err := unpackCatalog(string(bad)); !errors.Is(err, errPackedCatalog) {
		t.Fatalf("damaged count: %v", err)
	}
}

func FuzzUnpackCatalog(f *testing.F) {
	f.Add(string(packCatalog(sampleCatalog())))
	f.Add(catalogMagic + "\x01\x00")
	f.Fuzz(func(t *testing.T, data string) {
		products, err := unpackCatalog(data)
		if err != nil || len(products) == 0 {
			return
		}
		again, err := unpackCatalog(string(packCatalog(products)))
		if err != nil || !reflect.DeepEqual(again, products) {
			t.Fatalf("%q: unpacked, packed and unpacked again: %+v, %v; want %+v", data, again, err, products)
		}
	})
}

// TestKeptCatalogFollowsPublications: the publications the shop accepted are kept
// beside the packed catalog, read back merged, and packed in when they are many.
func TestKeptCatalogFollowsPublications(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var products []reconcile.Product
	for i := range 3 * minCompact {
		products = append(products, reconcile.Product{ID: fmt.Sprintf("P%05d", i), Brand: "B", Ref: fmt.Sprint(i)})
	}
	if err := s.SaveCatalog(ctx, products, "c1"); err != nil {
		t.Fatal(err)
	}
	publish := func(ids ...int) {
		t.Helper()
		if err := s.write(ctx, func(tx *sql.Tx) error {
			for _, i := range ids {
				if _, err := tx.Exec(`INSERT INTO catalog_published (id, published) VALUES (?, 1)
					ON CONFLICT (id) DO UPDATE SET published = 1`, fmt.Sprintf("P%05d", i)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	publish(0, 17, 2999)
	kept, err := s.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range kept {
		if want := i == 0 || i == 17 || i == 2999; p.Published != want {
			t.Fatalf("%s published %v, want %v", p.ID, p.Published, want)
		}
	}
	if n, err := s.CompactCatalog(ctx); err != nil || n != 0 {
		t.Fatalf("3 publications packed in (%d, %v): too few to pay for a packing", n, err)
	}
	var many []int
	for i := range minCompact {
		many = append(many, i)
	}
	publish(many...)
	if n, err := s.CompactCatalog(ctx); err != nil || n != minCompact+1 {
		t.Fatalf("CompactCatalog = %d, %v; want %d packed", n, err, minCompact+1)
	}
	again, err := s.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range again {
		if want := i < minCompact || i == 2999; p.Published != want {
			t.Fatalf("after packing, %s published %v, want %v", p.ID, p.Published, want)
		}
	}
}
