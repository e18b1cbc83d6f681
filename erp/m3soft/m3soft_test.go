package m3soft

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/ecrin-connect/ecrin/erp"
)

const head = "#M3SOFT|STOCK|2026-11-21|LYON01\nREF|REFFOUR|MARQUE|LIBELLE|TLD|QTE|QTECDE|PVTTC|STATUT|GENCOD\n"

func read(t *testing.T, s string) ([]erp.Record, erp.Summary, error) {
	t.Helper()
	b, err := charmap.ISO8859_15.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(erp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, _, sum, err := erp.ReadAll(context.Background(), r, "stock.txt", strings.NewReader(b))
	return recs, sum, err
}

func TestRead(t *testing.T) {
	recs, sum, err := read(t, head+
		"100|T120.407.17.041.00|TISSOT|Montre Seastar 1 250 €||2|1|1250.00|0|7611608293295\r\n"+
		"101||MATY|Bague or|54|1|0|389.5|2|\r\n"+
		"#FIN|2\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || sum.HeaderLine != 2 || sum.Encoding != "iso-8859-15" {
		t.Fatalf("records %+v, summary %+v", recs, sum)
	}
	if r := recs[0]; r.Ref != "T120.407.17.041.00" || r.Label != "Montre Seastar 1 250 €" || r.PriceCents != 125000 || r.OnOrder != 1 || r.Excluded {
		t.Errorf("record 0 = %+v", r)
	}
	if r := recs[1]; r.Ref != "101" || r.Size != "54" || r.PriceCents != 38950 || !r.Excluded || r.Loc.Line != 4 {
		t.Errorf("record 1 = %+v", r)
	}
}

func TestFileErrors(t *testing.T) {
	row := "100|R1|TISSOT|x||2|0|10.00|0|\n"
	tests := []struct {
		name, in, code string
		line           int
		msg            string
	}{
		{"no first line", head[strings.Index(head, "\n")+1:] + row + "#FIN|1\n", erp.FileFormat, 1, "#M3SOFT"},
		{"no trailer", head + row + row, erp.FileTruncated, 4, "trailer is missing after 2 article lines"},
		{"count differs", head + row + "#FIN|2\n", erp.FileTruncated, 4, "announces 2 article lines, the extract holds 1"},
		{"count not a number", head + row + "#FIN|deux\n", erp.FileTruncated, 4, "#FIN|<number"},
		{"lines after the trailer", head + row + "#FIN|1\n" + row, erp.FileFormat, 5, "after the #FIN trailer"},
		{"two trailers", head + row + "#FIN|1\n#FIN|1\n", erp.FileFormat, 5, "second #FIN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := read(t, tt.in)
			var fe *erp.FileError
			if !errors.As(err, &fe) || fe.Code != tt.code || fe.Loc.Line != tt.line || !strings.Contains(fe.Message, tt.msg) {
				t.Errorf("err = %v; want %s at line %d with %q", err, tt.code, tt.line, tt.msg)
			}
		})
	}
}
