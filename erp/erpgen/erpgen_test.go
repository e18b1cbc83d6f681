package erpgen

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"testing"
)

func TestGenerate(t *testing.T) {
	arts := Generate(7, 2000)
	if !reflect.DeepEqual(arts, Generate(7, 2000)) {
		t.Fatal("the same seed gave two boutiques")
	}
	if reflect.DeepEqual(arts, Generate(8, 2000)) {
		t.Fatal("two seeds gave the same boutique")
	}
	rows := 0
	var respelled, unmapped, uncatalogued, excluded, catalogOnly int
	tissot := regexp.MustCompile(`^T\d{3}\.\d{3}\.\d{2}\.\d{3}\.00$`)
	for i, a := range arts {
		if a.CatalogOnly {
			catalogOnly++
		} else {
			rows++
		}
		switch {
		case a.CatalogBrand == "":
			unmapped++
		case a.CatalogRef == "":
			uncatalogued++
		case a.Ref != a.CatalogRef:
			respelled++
		}
		if a.Status != Active {
			excluded++
		}
		if a.CatalogBrand == "Tissot" && a.CatalogRef != "" && !tissot.MatchString(a.CatalogRef) {
			t.Errorf("Tissot reference %q", a.CatalogRef)
		}
		switch a.Category {
		case "bagues":
			if !slices.Contains(ringSizes, a.Size) {
				t.Errorf("ring size %q", a.Size)
			}
		case "colliers":
			if !slices.Contains(chainSizes, a.Size) {
				t.Errorf("chain length %q", a.Size)
			}
		}
		if a.Brand == "Cristal" && i > 0 && arts[i-1].ProductID == a.ProductID && a.PriceCents <= arts[i-1].PriceCents {
			t.Errorf("wedding band %s: size %s costs %d, not more than the size below", a.Ref, a.Size, a.PriceCents)
		}
		if a.PriceCents <= 0 || (a.EAN != "" && len(a.EAN) != 13) {
			t.Errorf("article %+v", a)
		}
	}
	if rows != 2000 {
		t.Errorf("%d extract rows, want 2000", rows)
	}
	for name, n := range map[string]int{"respelled": respelled, "unmapped": unmapped, "not catalogued": uncatalogued,
		"excluded": excluded, "catalog only": catalogOnly} {
		if n < 10 || n > 1000 {
			t.Errorf("%d %s articles out of 2000: not a realistic share", n, name)
		}
	}
}

func TestEAN13(t *testing.T) {
	if got := ean13("400638133393"); got != "4006381333931" {
		t.Errorf("ean13 = %s, want 4006381333931", got)
	}
}

// TestCatalogShape checks the JSON has exactly the keys of reconcile.Product.
func TestCatalogShape(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCatalog(&b, slices.Values(Generate(3, 300))); err != nil {
		t.Fatal(err)
	}
	var products []map[string]any
	if err := json.Unmarshal(b.Bytes(), &products); err != nil {
		t.Fatal(err)
	}
	declinable, eans := 0, 0
	for _, p := range products {
		var keys []string
		for k := range p {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		want := []string{"brand", "category", "declinable", "id", "published", "ref"}
		if _, ok := p["ean"]; ok { // the brands that print barcodes
			want = []string{"brand", "category", "declinable", "ean", "id", "published", "ref"}
			eans++
		}
		if p["declinable"] == true {
			declinable++
			want = []string{"brand", "category", "declinable", "id", "published", "ref", "variants"}
			v := p["variants"].([]any)[0].(map[string]any)
			if _, ok := v["ean"]; ok {
				eans++
				if len(v) != 3 {
					t.Errorf("variant %v", v)
				}
			} else if len(v) != 2 || v["id"] == "" || v["size"] == "" {
				t.Errorf("variant %v", v)
			}
		}
		if !reflect.DeepEqual(keys, want) {
			t.Fatalf("product keys %v, want %v", keys, want)
		}
	}
	if len(products) < 50 || declinable == 0 || eans == 0 {
		t.Errorf("%d products, %d declinable, %d with a barcode", len(products), declinable, eans)
	}
}
