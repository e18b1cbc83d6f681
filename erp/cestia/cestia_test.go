package cestia

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
)

// workbook builds an XLSX with one sheet holding rows from A1.
func workbook(t *testing.T, sheet string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func read(t *testing.T, over erp.Options, data []byte) ([]erp.Record, []erp.Problem, erp.Summary, error) {
	t.Helper()
	r, err := New(over)
	if err != nil {
		t.Fatal(err)
	}
	return erp.ReadAll(context.Background(), r, "stock.xlsx", bytes.NewReader(data))
}

func TestRead(t *testing.T) {
	data := workbook(t, "Feuil1", [][]any{
		{"Réf. fournisseur", "Fournisseur", "Qté stock", "PV TTC", "Web", "EAN", "Taille"},
		{"T120.407.17.041.00", "Tissot", 2, 1250.5, "Oui", 7611608293295, nil},
		{"KE1825", "Thomas Sabo", 1, "1 250,00 €", "Non", "4051245301234", "45 cm"},
		{"R3", "Maty", 1.5, 10, "Oui", nil, nil},
		{"Total", nil, 3},
	})
	recs, probs, sum, err := read(t, erp.Options{}, data)
	if err != nil {
		t.Fatal(err)
	}
	if sum.HeaderLine != 1 || sum.Rows != 2 || sum.RowErrors != 1 {
		t.Fatalf("summary %+v, problems %v", sum, probs)
	}
	want := []erp.Record{
		{Ref: "T120.407.17.041.00", Brand: "Tissot", Qty: 2, PriceCents: 125050, HasPrice: true, Status: "Oui", EAN: "7611608293295",
			Loc: erp.Location{File: "stock.xlsx", Line: 2, Sheet: "Feuil1"}},
		{Ref: "KE1825", Brand: "Thomas Sabo", Size: "45 cm", Qty: 1, PriceCents: 125000, HasPrice: true, Status: "Non", Excluded: true, EAN: "4051245301234",
			Loc: erp.Location{File: "stock.xlsx", Line: 3, Sheet: "Feuil1"}},
	}
	for i := range want {
		if recs[i] != want[i] {
			t.Errorf("record %d\n got %+v\nwant %+v", i, recs[i], want[i])
		}
	}
	if p := probs[0]; p.Code != erp.CodeBadQty || p.Loc.String() != "stock.xlsx Feuil1!C4" {
		t.Errorf("problem %v, want bad_qty at Feuil1!C4", p)
	}
}

func TestNumericReference(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Stock")
	zeros := "0000000"
	style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &zeros})
	f.SetSheetRow("Stock", "A1", &[]any{"Bijouterie Martin"})
	f.SetSheetRow("Stock", "A3", &[]any{"Réf. fournisseur", "Fournisseur", "Qté stock"})
	f.SetSheetRow("Stock", "A4", &[]any{451627, "Maty", 1})
	f.SetCellStyle("Stock", "A4", "A4", style)
	var b bytes.Buffer
	f.WriteTo(&b)
	recs, probs, sum, err := read(t, erp.Options{}, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if sum.HeaderLine != 3 || len(recs) != 1 || recs[0].Ref != "0451627" {
		t.Errorf("summary %+v, records %+v", sum, recs)
	}
	if len(probs) != 1 || probs[0].Code != erp.CodeNumericRef || probs[0].Loc.Cell != "A4" {
		t.Errorf("problems %v, want a numeric_ref warning on A4", probs)
	}
}

func TestFileErrors(t *testing.T) {
	noHeader := workbook(t, "Stock", [][]any{{"Bijouterie"}, {"Réf.", "Marque", "Stock", "Prix"}, {"R1", "Tissot", 1, 10}})
	headerOnly := workbook(t, "Stock", [][]any{{"Réf. fournisseur", "Fournisseur", "Qté stock"}, {"Total", nil, 0}})
	tests := []struct {
		name string
		over erp.Options
		data []byte
		code string
		msg  string
	}{
		{"missing column", erp.Options{}, noHeader, erp.FileMissingColumn, `stock.xlsx Stock!2: extract refused: required column "Réf. fournisseur" (field ref) not found in the header; columns found: "Réf.", "Marque", "Stock", "Prix"`},
		{"no article", erp.Options{}, headerOnly, erp.FileEmpty, "no article row"},
		{"legacy xls", erp.Options{}, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), erp.FileLegacyXLS, "export the Cestia stock as .xlsx"},
		{"not a zip", erp.Options{}, []byte("Réf;Marque\n"), erp.FileNotXLSX, "not a zip"},
		{"unzip limit", erp.Options{Limits: erp.Limits{MaxUnzipBytes: 1000}}, headerOnly, erp.FileTooLarge, "unzips to more than 1000 bytes"},
		{"file limit", erp.Options{Limits: erp.Limits{MaxFileBytes: 1000}}, headerOnly, erp.FileTooLarge, "larger than 1000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := read(t, tt.over, tt.data)
			var fe *erp.FileError
			if !errors.As(err, &fe) || fe.Code != tt.code || !strings.Contains(fe.Error(), tt.msg) {
				t.Errorf("err = %v; want %s with %q", err, tt.code, tt.msg)
			}
		})
	}
}

// TestLibreOffice reads back a workbook that a real office suite wrote from a CSV.
func TestLibreOffice(t *testing.T) {
	office, err := exec.LookPath("libreoffice")
	if err != nil {
		if office, err = exec.LookPath("soffice"); err != nil {
			t.Skip("libreoffice is not installed")
		}
	}
	dir := t.TempDir()
	csv := "Réf. fournisseur,Fournisseur,Libellé,Taille,Qté stock,PV TTC,Web\n" +
		"T120.407.17.041.00,Tissot,Montre Seastar,,2,1250.5,Oui\n" +
		"190781C01,Pandora,Bague Pavé Cœur,52,3,69,Non\n"
	if err := os.WriteFile(filepath.Join(dir, "stock.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	// CSV filter: comma, double quote, UTF-8 (76), from line 1.
	cmd := exec.Command(office, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", dir, filepath.Join(dir, "stock.csv"))
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v: %s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "stock.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	recs, probs, _, err := read(t, erp.Options{}, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].PriceCents != 125050 || recs[1].Size != "52" || recs[1].Qty != 3 || !recs[1].Excluded {
		t.Errorf("records %+v, problems %v", recs, probs)
	}
}

// TestSameDisplay: a cell reads the same whatever formats other cells use (a date in
// the size column read 45306 or 01-15-24 depending on whether the workbook had a
// zero-padding format somewhere else).
func TestSameDisplay(t *testing.T) {
	sheet := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Réf. fournisseur</t></is></c><c r="B1" t="inlineStr"><is><t>Fournisseur</t></is></c><c r="C1" t="inlineStr"><is><t>Qté stock</t></is></c><c r="D1" t="inlineStr"><is><t>Taille</t></is></c></row>` +
		`<row r="2"><c r="A2" s="1"><v>451627</v></c><c r="B2" t="inlineStr"><is><t>Maty</t></is></c><c r="C2"><v>1</v></c><c r="D2" s="2"><v>45306</v></c></row>` +
		`</sheetData></worksheet>`
	styles := func(padded bool) string {
		code := "0.00"
		if padded {
			code = "0000000"
		}
		return `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="164" formatCode="` + code + `"/></numFmts>` +
			`<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>`
	}
	for _, tt := range []struct {
		padded bool
		ref    string
	}{{true, "0451627"}, {false, "451627"}} {
		w := &erpgen.Workbook{Sheets: []erpgen.Sheet{{Name: "Stock", XML: sheet}}, Styles: styles(tt.padded)}
		recs, probs, _, err := read(t, erp.Options{}, w.Bytes())
		if err != nil || len(recs) != 1 {
			t.Fatalf("records %v, problems %v, err %v", recs, probs, err)
		}
		if recs[0].Size != "2024-01-15" || recs[0].Ref != tt.ref {
			t.Errorf("padded format %v: size %q, ref %q; want 2024-01-15, %s", tt.padded, recs[0].Size, recs[0].Ref, tt.ref)
		}
	}
}

// TestSheetChoice: the configured sheet must exist; the profile's "Stock" is
// preferred; otherwise the first visible sheet is read.
func TestSheetChoice(t *testing.T) {
	var sst []string
	arts := erpgen.Generate(1, 10)
	good := erpgen.CestiaSheet(arts, &sst)
	old := erpgen.CestiaSheet(arts[:2], &sst)
	tests := []struct {
		name   string
		sheets []erpgen.Sheet
		over   erp.Options
		want   string // the sheet read, or the start of the file error
	}{
		{"Stock preferred", []erpgen.Sheet{{Name: "Autre", XML: old}, {Name: "Stock", XML: good}}, erp.Options{}, "Stock"},
		{"hidden first sheet skipped", []erpgen.Sheet{{Name: "Ancien", State: "hidden", XML: old}, {Name: "Feuil2", XML: good}}, erp.Options{}, "Feuil2"},
		{"very hidden too", []erpgen.Sheet{{Name: "Ancien", State: "veryHidden", XML: old}, {Name: "Feuil2", XML: good}}, erp.Options{}, "Feuil2"},
		{"hidden Stock named by the profile", []erpgen.Sheet{{Name: "Feuil1", XML: old}, {Name: "Stock", State: "hidden", XML: good}}, erp.Options{}, "Stock"},
		{"configured sheet", []erpgen.Sheet{{Name: "Stock", XML: old}, {Name: "Inventaire", XML: good}}, erp.Options{Sheet: "inventaire"}, "Inventaire"},
		{"configured sheet missing", []erpgen.Sheet{{Name: "Stock", XML: good}}, erp.Options{Sheet: "Inventaire"}, `stock.xlsx: extract refused: the workbook has no sheet named "Inventaire" (sheets: "Stock")`},
		{"all hidden", []erpgen.Sheet{{Name: "A", State: "hidden", XML: good}}, erp.Options{}, `stock.xlsx: extract refused: every sheet of the workbook is hidden (sheets: "A" (hidden))`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &erpgen.Workbook{Sheets: tt.sheets, Strings: sst}
			recs, _, _, err := read(t, tt.over, w.Bytes())
			switch {
			case err != nil:
				if !strings.HasPrefix(err.Error(), tt.want) {
					t.Errorf("err = %v, want %s", err, tt.want)
				}
			case len(recs) == 0 || recs[0].Loc.Sheet != tt.want:
				t.Errorf("read %d records from %v, want sheet %s", len(recs), recs, tt.want)
			}
		})
	}
}

// TestEncryptedByExcelize: a workbook saved with a password (by excelize, as Excel
// does: an OLE2 file holding EncryptionInfo and EncryptedPackage) is named as such,
// not taken for a legacy .xls.
func TestEncryptedByExcelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Stock")
	f.SetSheetRow("Stock", "A1", &[]any{"Réf. fournisseur", "Fournisseur", "Qté stock"})
	f.SetSheetRow("Stock", "A2", &[]any{"R1", "Maty", 1})
	var b bytes.Buffer
	if _, err := f.WriteTo(&b, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := read(t, erp.Options{}, b.Bytes())
	var fe *erp.FileError
	if !errors.As(err, &fe) || fe.Code != erp.FileEncrypted || !strings.Contains(fe.Message, "password") {
		t.Errorf("err = %v, want an encrypted file error", err)
	}
}
