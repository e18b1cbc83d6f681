package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var erpTestdata = filepath.Join("..", "..", "testdata", "erp")

func TestRunInspect(t *testing.T) {
	sample := filepath.Join(erpTestdata, "bijou3", "stock_20261121.csv")
	cfg := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(cfg, []byte("erp:\n  profile: bijou3\n  options:\n    excluded_statuses: [NW]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{"accepted", []string{"--erp", "bijou3", sample}, 0, "Lignes lues    : 300", ""},
		{"file first", []string{sample, "--erp", "bijou3"}, 0, "Extrait accepté.", ""},
		{"config", []string{"--config", cfg, sample}, 0, "Profil         : bijou3", ""},
		{"refused", []string{"--erp", "m3soft", filepath.Join(erpTestdata, "m3soft", "broken", "trailer_mismatch.txt")}, 1,
			"Extrait REFUSÉ : trailer_mismatch.txt:303", ""},
		{"row errors listed", []string{"--erp", "bijou3", filepath.Join(erpTestdata, "bijou3", "broken", "garbage_numbers.csv")}, 0,
			`garbage_numbers.csv:4 : qty "deux"`, ""},
		{"flag override", []string{"--erp", "bijou3", "--encoding", "utf-8", sample}, 1, "not valid utf-8", ""},
		{"no profile", []string{sample}, 2, "", "--erp PROFILE"},
		{"unknown profile", []string{"--erp", "sage", sample}, 2, "", "unknown ERP profile"},
		{"bad decimal", []string{"--erp", "bijou3", "--decimal", ";", sample}, 2, "", "decimal"},
		{"no file", []string{"--erp", "bijou3"}, 2, "", "exactly one extract"},
		{"missing file", []string{"--erp", "bijou3", "nope.csv"}, 1, "nope.csv", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runInspect(tt.args, &out, &errb)
			if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errb.String(), tt.err) {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errb.String())
			}
		})
	}
}

func TestRunInspectJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := runInspect([]string{"--json", "--erp", "cestia", filepath.Join(erpTestdata, "cestia", "broken", "garbage_numbers.xlsx")}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		Profile   string         `json:"profile"`
		Rows      int            `json:"rows"`
		FileError *string        `json:"file_error"`
		Brands    map[string]int `json:"brands"`
		RowErrors []struct {
			Line   int    `json:"line"`
			Reason string `json:"reason"`
		} `json:"row_errors"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	// Row 6 has no reference but a barcode, and row 9's barcode is ignored with a
	// warning: both rows are kept.
	if rep.Profile != "cestia" || rep.Rows != 36 || rep.FileError != nil || len(rep.Brands) == 0 ||
		len(rep.RowErrors) != 2 || rep.RowErrors[0].Line != 7 || !strings.Contains(rep.RowErrors[0].Reason, "trois") {
		t.Errorf("report = %+v", rep)
	}

	out.Reset()
	code = runInspect([]string{"--json", "--erp", "cestia", filepath.Join(erpTestdata, "cestia", "broken", "legacy.xls")}, &out, &errb)
	if code != 1 || !strings.Contains(out.String(), `"file_error": "legacy.xls: extract refused: a legacy .xls workbook`) {
		t.Errorf("exit %d, output %s", code, out.String())
	}
}
