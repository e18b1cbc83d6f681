package bijou3

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/ecrin-connect/ecrin/erp"
)

func read(t *testing.T, over erp.Options, name, content string) ([]erp.Record, []erp.Problem, erp.Summary, error) {
	t.Helper()
	r, err := erp.New(Name, over)
	if err != nil {
		t.Fatal(err)
	}
	return erp.ReadAll(context.Background(), r, name, strings.NewReader(content))
}

// cp1252 encodes s as Windows-1252, the way Bijou3 writes its extracts.
func cp1252(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const header = "Code article;Réf. fournisseur;Marque;Désignation;TLD;Stock;En commande;Prix TTC;Statut;EAN\r\n"

func TestReadRows(t *testing.T) {
	in := cp1252(t, header+
		"100001;T120.407.17.041.00;Tissot;Montre Seastar;;2;1;1 250,00 €;A;7611608293295\r\n"+
		"100004;;Pandora;Bague Pavé Cœur;52;-1;0;69,00;NW;\r\n")
	recs, probs, sum, err := read(t, erp.Options{}, "stock_20261121.csv", in)
	if err != nil {
		t.Fatal(err)
	}
	want := []erp.Record{
		{Ref: "T120.407.17.041.00", Brand: "Tissot", Label: "Montre Seastar", Qty: 2, OnOrder: 1,
			PriceCents: 125000, HasPrice: true, Status: "A", EAN: "7611608293295",
			Loc: erp.Location{File: "stock_20261121.csv", Line: 2}},
		{Ref: "100004", Brand: "Pandora", Label: "Bague Pavé Cœur", Size: "52", Qty: 0,
			PriceCents: 6900, HasPrice: true, Status: "NW", Excluded: true,
			Loc: erp.Location{File: "stock_20261121.csv", Line: 3}},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d: %+v", len(recs), len(want), recs)
	}
	for i := range want {
		if recs[i] != want[i] {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, recs[i], want[i])
		}
	}
	if len(probs) != 1 || probs[0].Code != erp.CodeNegativeStock || probs[0].Loc.Line != 3 {
		t.Errorf("problems = %v, want one negative_stock warning on line 3", probs)
	}
	if sum.Encoding != "windows-1252" || sum.Rows != 2 || sum.Warnings != 1 || sum.HeaderLine != 1 || len(sum.Header) != 10 {
		t.Errorf("summary = %+v", sum)
	}
}

func TestRowErrors(t *testing.T) {
	in := cp1252(t, header+
		"1;R1;Tissot;;;deux;0;10,00;A;\r\n"+
		"2;R2;Tissot;;;1;0;12.50;A;\r\n"+
		"3;R3;Tissot;;;1;0;10,00;A;12AB\r\n"+
		";;Tissot;;;1;0;10,00;A;\r\n"+
		";;Tissot;;;1;0;10,00;A;7610010000004\r\n"+
		"5;R5;;;;1;0;10,00;A;\r\n"+
		"6;R6;Tissot;;;1\r\n"+
		"7;R7;Tissot;;;1;0;10,00;A;\r\n")
	recs, probs, sum, err := read(t, erp.Options{}, "s.csv", in)
	if err != nil {
		t.Fatal(err)
	}
	// R3 keeps its row, its unreadable barcode ignored with a warning; the row with
	// no reference but a barcode is kept for the barcode to connect it.
	if len(recs) != 3 || recs[0].Ref != "R3" || recs[0].EAN != "" || recs[1].Ref != "" || recs[1].EAN != "7610010000004" || recs[2].Ref != "R7" {
		t.Errorf("records = %+v, want R3, the barcode row and R7", recs)
	}
	want := []struct {
		line        int
		code, field string
		severity    erp.Severity
	}{
		{2, erp.CodeBadQty, "qty", erp.RowError},
		{3, erp.CodeBadPrice, "price", erp.RowError},
		{4, erp.CodeBadEAN, "ean", erp.Warning},
		{5, erp.CodeMissingRef, "ref", erp.RowError},
		{7, erp.CodeMissingBrand, "brand", erp.RowError},
		{8, erp.CodeTooFewFields, "", erp.RowError},
	}
	if len(probs) != len(want) {
		t.Fatalf("problems = %v", probs)
	}
	for i, w := range want {
		p := probs[i]
		if p.Loc.Line != w.line || p.Code != w.code || p.Field != w.field || p.Severity != w.severity {
			t.Errorf("problem %d = %v, want line %d %s field %q", i, p, w.line, w.code, w.field)
		}
		if !strings.HasPrefix(p.Error(), "s.csv:") {
			t.Errorf("problem %d message %q does not name the file and line", i, p.Error())
		}
	}
	if sum.RowErrors != 5 || sum.Warnings != 1 || sum.Rows != 3 {
		t.Errorf("summary = %+v", sum)
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name, in string
		over     erp.Options
		code     string
		line     int
		msg      string
	}{
		{"empty file", "", erp.Options{}, erp.FileEmpty, 0, "empty"},
		{"header only", header, erp.Options{}, erp.FileEmpty, 0, "no article"},
		{"missing column", "Code article;Réf. fournisseur;Marque;Prix TTC\r\n1;R;T;1,00\r\n", erp.Options{},
			erp.FileMissingColumn, 1, `"Stock" (field qty) not found in the header; columns found: "Code article", "Réf. fournisseur", "Marque", "Prix TTC"`},
		{"utf-8 extract", header + "1;R;T;;;1;0;1,00;A;\r\n", erp.Options{}, erp.FileEncoding, 1, "looks UTF-8"},
		{"not utf-8", "Code article;Réf. fournisseur;Marque;Stock\r\n1;R;Cr\xe9ation;1\r\n", erp.Options{Encoding: "utf-8"},
			erp.FileEncoding, 2, "not valid utf-8"},
		{"unterminated quote", "Code article;Réf. fournisseur;Marque;Stock\r\n1;\"R;T;1\r\n", erp.Options{},
			erp.FileFormat, 2, "never closed"},
		{"too large", header, erp.Options{Limits: erp.Limits{MaxFileBytes: 10}}, erp.FileTooLarge, 0, "larger than 10 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if tt.code != erp.FileEncoding {
				in = cp1252(t, in)
			}
			_, _, _, err := read(t, tt.over, "stock.csv", in)
			var fe *erp.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FileError", err)
			}
			if fe.Code != tt.code || fe.Loc.Line != tt.line || !strings.Contains(fe.Error(), tt.msg) {
				t.Errorf("err = %v (code %s, line %d); want code %s, line %d, containing %q", fe, fe.Code, fe.Loc.Line, tt.code, tt.line, tt.msg)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	in := "Ref;Brand;Qty;Price\n" + "A-1,Fope,3,12.50\n"
	recs, _, sum, err := read(t, erp.Options{Encoding: "utf-8", Delimiter: ",", Decimal: ".",
		Columns: map[string]string{"ref": "Ref", "brand": "Brand", "qty": "Qty", "price": "Price"}}, "x.csv",
		strings.ReplaceAll(in, ";", ","))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Ref != "A-1" || recs[0].PriceCents != 1250 || sum.Encoding != "utf-8" {
		t.Errorf("records = %+v, summary %+v", recs, sum)
	}
	if _, err := New(erp.Options{Delimiter: ";;"}); err == nil {
		t.Error("New accepted a two-character delimiter")
	}
	if _, err := New(erp.Options{Encoding: "klingon"}); err == nil {
		t.Error("New accepted an unknown encoding")
	}
}

func TestSample(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "erp", "bijou3", "stock_20261121.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, _ := New(erp.Options{})
	recs, _, sum, err := erp.ReadAll(context.Background(), r, filepath.Base(path), f)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows == 0 || sum.Rows != len(recs) {
		t.Errorf("summary %+v, %d records", sum, len(recs))
	}
}
