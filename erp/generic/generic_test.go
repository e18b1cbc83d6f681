package generic

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/internal/erptest"
)

func read(t *testing.T, o erp.Options, in []byte) ([]erp.Record, []erp.Problem, error) {
	t.Helper()
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	recs, probs, _, err := erp.ReadAll(context.Background(), r, "feed", bytes.NewReader(in))
	return recs, probs, err
}

func TestFormats(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A2", &[]any{"Ref", "Qty", "Price"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"KE1825-001-21", 4, 89})
	var xlsx bytes.Buffer
	f.WriteTo(&xlsx)
	f.Close()
	tests := []struct {
		name string
		o    erp.Options
		in   string
		want erp.Record
	}{
		{"csv", erp.Options{Columns: map[string]string{"ref": "Référence", "brand": "Marque", "qty": "Stock", "price": "Prix"}},
			"Marque,Référence,Stock,Prix\n\"Thomas Sabo\",\"KE1825, argent\",3,89.00\n",
			erp.Record{Ref: "KE1825, argent", Brand: "Thomas Sabo", Qty: 3, PriceCents: 8900, HasPrice: true}},
		{"tsv without header, fixed brand", erp.Options{Format: "tsv", Header: erp.Bool(false), Brand: "Thomas Sabo",
			Order: []string{"ref", "label", "-", "qty", "price"}},
			"KE1825-001-21\tChaîne \"argent\"\tx\t4\t89.00\n",
			erp.Record{Ref: "KE1825-001-21", Brand: "Thomas Sabo", Label: `Chaîne "argent"`, Qty: 4, PriceCents: 8900, HasPrice: true}},
		{"xlsx", erp.Options{Format: "xlsx", Brand: "Thomas Sabo", HeaderRow: 2, Columns: map[string]string{"ref": "Ref", "qty": "Qty", "price": "Price"}},
			xlsx.String(),
			erp.Record{Ref: "KE1825-001-21", Brand: "Thomas Sabo", Qty: 4, PriceCents: 8900, HasPrice: true}},
		{"xml", erp.Options{Format: "xml", Item: "produit", Brand: "Fope", Columns: map[string]string{
			"ref": "@code", "qty": "stock/@dispo", "price": "prix/ttc", "size": "taille"}},
			`<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n<flux><produit code=\"740B-BBR\"><stock dispo=\"2\"/><prix><ttc>2450.00</ttc></prix><taille>Ø60</taille></produit></flux>",
			erp.Record{Ref: "740B-BBR", Brand: "Fope", Size: "Ø60", Qty: 2, PriceCents: 245000, HasPrice: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			if strings.Contains(tt.in, "ISO-8859-1") {
				in = bytes.ReplaceAll(in, []byte("Ø"), []byte{0xD8})
			}
			recs, probs, err := read(t, tt.o, in)
			if err != nil || len(recs) != 1 || len(probs) != 0 {
				t.Fatalf("records %+v, problems %v, err %v", recs, probs, err)
			}
			got := recs[0]
			got.Loc = erp.Location{}
			if got != tt.want {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	for _, o := range []erp.Options{
		{},
		{Format: "json", Columns: map[string]string{"ref": "r"}},
		{Format: "xml", Columns: map[string]string{"ref": "r"}},
		{Format: "csv", Delimiter: "ab", Columns: map[string]string{"ref": "r"}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestXMLErrors(t *testing.T) {
	o := erp.Options{Format: "xml", Item: "a", Columns: map[string]string{"ref": "r", "brand": "b", "qty": "q"}}
	deep := "<f><a>" + strings.Repeat("<x>", 100) + "</f>"
	for _, tt := range []struct{ in, msg string }{
		{"", "no <a> element"},
		{"<f><a><r>1</r>", "malformed XML"},
		{deep, "nested deeper"},
		{"not xml at all", "no <a> element"},
	} {
		_, _, err := read(t, o, []byte(tt.in))
		var fe *erp.FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Message, tt.msg) {
			t.Errorf("%.30q: err = %v, want %q", tt.in, err, tt.msg)
		}
	}
	o.Columns = map[string]string{"ref": "r"}
	if _, _, err := read(t, o, []byte("<a/>")); err == nil || !strings.Contains(err.Error(), "field brand") {
		t.Errorf("missing brand path: err = %v", err)
	}
}

// TestSampleFeed reads the sample feed with the settings testdata/erp/generic/profile.yaml gives.
func TestSampleFeed(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(erptest.Testdata, "generic", "profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var o erp.Options
	if err := yaml.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	in, err := os.ReadFile(filepath.Join(erptest.Testdata, "generic", "feed_20261121.xml"))
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := read(t, o, in)
	if err != nil || len(recs) != 300 {
		t.Fatalf("%d records, err %v", len(recs), err)
	}
	for _, r := range recs {
		erptest.CheckRecord(t, r)
	}
}
