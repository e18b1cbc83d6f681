package fourd

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/ecrin-connect/ecrin/erp"
)

func read(t *testing.T, over erp.Options, in string) ([]erp.Record, []erp.Problem, erp.Summary) {
	t.Helper()
	r, err := New(over)
	if err != nil {
		t.Fatal(err)
	}
	recs, probs, sum, err := erp.ReadAll(context.Background(), r, "export.txt", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return recs, probs, sum
}

func TestRead(t *testing.T) {
	macRoman, _ := charmap.Macintosh.NewEncoder().String("AL4512\tCristal\tAlliance or 750\t52\t1\t389,00\tA\r")
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("R1\tFope\tBracelet\t\t2\t1250.00\tA\r\n")
	tests := []struct {
		name     string
		over     erp.Options
		in       string
		rows     int
		first    erp.Record
		encoding string
	}{
		{"mixed line ends", erp.Options{}, "R1\tTissot\tMontre\t\t1\t10.00\tA\rR2\tTissot\tMontre\t\t2\t10.00\tA\r\nR3\tTissot\tMontre\t\t3\t10.00\tA\n", 3,
			erp.Record{Ref: "R1", Brand: "Tissot", Label: "Montre", Qty: 1, PriceCents: 1000, HasPrice: true, Status: "A"}, "utf-8"},
		{"mac roman, decimal comma", erp.Options{Encoding: "macintosh", Decimal: ","}, macRoman, 1,
			erp.Record{Ref: "AL4512", Brand: "Cristal", Label: "Alliance or 750", Size: "52", Qty: 1, PriceCents: 38900, HasPrice: true, Status: "A"}, "macintosh"},
		{"utf-16 bom", erp.Options{}, utf16, 1,
			erp.Record{Ref: "R1", Brand: "Fope", Label: "Bracelet", Qty: 2, PriceCents: 125000, HasPrice: true, Status: "A"}, "utf-16le"},
		{"utf-8 bom", erp.Options{}, "\ufeffR1\tFope\tBracelet\t\t2\t1250.00\tA\r", 1,
			erp.Record{Ref: "R1", Brand: "Fope", Label: "Bracelet", Qty: 2, PriceCents: 125000, HasPrice: true, Status: "A"}, "utf-8"},
		{"own order", erp.Options{Order: []string{"qty", "-", "ref", "brand"}}, "3\tignored\tR9\tSwatch\r", 1,
			erp.Record{Ref: "R9", Brand: "Swatch", Qty: 3}, "utf-8"},
		{"header", erp.Options{Header: erp.Bool(true)}, "Marque\tRéférence\tStock\rSeiko\tSRPD55K1\t4\r", 1,
			erp.Record{Ref: "SRPD55K1", Brand: "Seiko", Qty: 4}, "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, probs, sum := read(t, tt.over, tt.in)
			if len(recs) != tt.rows || len(probs) != 0 || sum.Encoding != tt.encoding {
				t.Fatalf("records %+v, problems %v, summary %+v", recs, probs, sum)
			}
			got := recs[0]
			got.Loc = erp.Location{}
			if got != tt.first {
				t.Errorf("first record\n got %+v\nwant %+v", got, tt.first)
			}
		})
	}
}

func TestLines(t *testing.T) {
	recs, probs, _ := read(t, erp.Options{}, "R1\tT\tx\t\t1\t1\tA\r\rR2\tT\tx\t\t1\t1\tA\r\nshort\tT\r\nR3\tT\tx\t\tdeux\t1\tA\n")
	if len(recs) != 2 || recs[1].Loc.Line != 3 {
		t.Errorf("records %+v", recs)
	}
	if len(probs) != 2 || probs[0].Code != erp.CodeTooFewFields || probs[0].Loc.Line != 4 || probs[1].Code != erp.CodeBadQty || probs[1].Loc.Line != 5 {
		t.Errorf("problems %v", probs)
	}
}

func TestNew(t *testing.T) {
	for _, o := range []erp.Options{
		{Order: []string{"ref", "qty", "colour"}},
		{Header: erp.Bool(false), Order: []string{"brand", "label"}},
	} {
		r, err := New(o)
		if err == nil {
			_, _, _, err = erp.ReadAll(context.Background(), r, "x", strings.NewReader("a\tb\tc\n"))
		}
		if err == nil {
			t.Errorf("order %v accepted", o.Order)
		}
	}
}
