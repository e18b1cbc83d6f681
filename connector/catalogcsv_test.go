package connector

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/reconcile"
)

func TestLoadCatalogCSV(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Run("as gen.py writes it", func(t *testing.T) {
		got, err := LoadCatalogFile(write("gen.csv", "brand;ref;size;product_id\nTISSOT;TI0000000.00;;0\nSEIKO;SE0000001.01;;1\n"))
		want := []reconcile.Product{{ID: "0", Brand: "TISSOT", Ref: "TI0000000.00", Published: true}, {ID: "1", Brand: "SEIKO", Ref: "SE0000001.01", Published: true}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, %v\nwant %+v", got, err, want)
		}
	})
	t.Run("a back office export: sizes, barcodes, quotes, other columns", func(t *testing.T) {
		text := "\ufeffProduct_ID;Brand;Ref;Size;Variant_ID;EAN;Category;Published;Price\r\n" +
			"B1;Thomas Sabo;TR2000;52;V52;4006000000017;bagues;1;89\r\n" +
			"W1;Tissot;\"T120;407\";;;4006000000000;montres;non;300\r\n" +
			"B1;Thomas Sabo;TR2000;54;;;;;89\r\n" +
			"\r\n" +
			"Q1;\"Maison \"\"M\"\"\";Q-1;;;;;;\r\n"
		got, err := LoadCatalogFile(write("export.csv", text))
		want := []reconcile.Product{
			{ID: "B1", Brand: "Thomas Sabo", Ref: "TR2000", Category: "bagues", Declinable: true, Published: true,
				Variants: []reconcile.Variant{{ID: "V52", Size: "52", EAN: "4006000000017"}, {ID: "B1-54", Size: "54"}}},
			{ID: "W1", Brand: "Tissot", Ref: "T120;407", Category: "montres", EAN: "4006000000000"},
			{ID: "Q1", Brand: `Maison "M"`, Ref: "Q-1", Published: true},
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, %v\nwant %+v", got, err, want)
		}
	})
	t.Run("a comma-separated file of another name", func(t *testing.T) {
		got, err := LoadCatalogFile(write("export.txt", "brand,ref,product_id\nCasio,C-1,P1\n"))
		if err != nil || len(got) != 1 || got[0].Ref != "C-1" {
			t.Errorf("got %+v, %v", got, err)
		}
	})
	t.Run("ids as numbers, small and large, and as text", func(t *testing.T) {
		got, err := LoadCatalogFile(write("ids.csv", "brand;ref;size;product_id\nA;R1;;7\nA;R2;;007\nA;R3;;99999999999\nA;R4;;X7\nA;R5;52;99999999999999999999\nA;R5;54;99999999999999999999\n"))
		var ids []string
		for _, p := range got {
			ids = append(ids, p.ID)
		}
		if err != nil || !reflect.DeepEqual(ids, []string{"7", "007", "99999999999", "X7", "99999999999999999999"}) || len(got[4].Variants) != 2 {
			t.Errorf("got %+v, %v", got, err)
		}
	})
	for _, tt := range []struct{ text, want string }{
		{"", "bad.csv: empty"},
		{"brand;ref;size\nA;B;\n", "bad.csv:1: no column product_id"},
		{"brand;ref;product_id\nA;B;P1\nA;;P2\n", "bad.csv:3: ref is empty"},
		{"brand;ref;product_id;published\nA;B;P1;maybe\n", `bad.csv:2: published "maybe"`},
		{"brand;ref;product_id\nA;B;P1\nA;B;P1\n", "bad.csv:3: product_id P1 is on line 2 too"},
		{"brand;ref;product_id\nA;B;99999999999\nA;B;99999999999\n", "bad.csv:3: product_id 99999999999 is on line 2 too"},
		{"brand;ref;product_id\nA;B;123456\nA;B;123456\n", "bad.csv:3: product_id 123456 is on line 2 too"},
		{"brand;ref;size;product_id\nA;B;52;P1\nA;C;54;P1\n", `bad.csv:3: ref "C": product P1 is "B" on line 2`},
		{"brand;ref;size;product_id\nA;B;52;P1\nA;B;52;P1\n", `bad.csv:3: size "52": product P1 has it already`},
		{"brand;ref;product_id\nA;\"B\nC;P1\n", "bad.csv:2: a quote opened and never closed"},
		{"brand;ref;product_id\nA;\"B\"x;P1\n", "bad.csv:2: text after a closing quote"},
		{"brand;ref;product_id\n\"A\nB\";R;P1\nA;;P2\n", "bad.csv:4: ref is empty"}, // a quoted line break counts
	} {
		_, err := LoadCatalogFile(write("bad.csv", tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.text, err, tt.want)
		}
	}
}
