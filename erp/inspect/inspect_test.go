package inspect

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/erp"
)

var testdata = filepath.Join("..", "..", "testdata", "erp")

func TestRunSample(t *testing.T) {
	rep := Run(context.Background(), "bijou3", erp.Options{}, filepath.Join(testdata, "bijou3", "stock_20261121.csv"))
	if !rep.Accepted() {
		t.Fatalf("file error: %s", *rep.FileError)
	}
	if rep.Rows != 300 || rep.Encoding != "windows-1252" || rep.HeaderLine != 1 || len(rep.Header) != 10 {
		t.Errorf("report = %+v", rep)
	}
	total := 0
	for _, n := range rep.Brands {
		total += n
	}
	if total != rep.Rows || rep.Brands["Tissot"] == 0 || rep.Sizes["52"] == 0 || rep.Sizes["45 cm"] == 0 {
		t.Errorf("brands %v (total %d), sizes %v", rep.Brands, total, rep.Sizes)
	}
	if got := Counts(rep.Brands); rep.Brands[got[0]] < rep.Brands[got[len(got)-1]] {
		t.Errorf("Counts not sorted by count: %v", got)
	}
}

func TestRunBroken(t *testing.T) {
	rep := Run(context.Background(), "bijou3", erp.Options{}, filepath.Join(testdata, "bijou3", "broken", "garbage_numbers.csv"))
	// The barcode written 7.61161E+12 is a warning: the row is kept, its EAN ignored.
	if !rep.Accepted() || rep.ErrorCount != 2 || len(rep.RowErrors) != 2 || rep.Warnings[0].Code != erp.CodeBadEAN {
		t.Fatalf("report = %+v", rep)
	}
	if e := rep.RowErrors[0]; e.Line != 4 || e.Code != erp.CodeBadQty || !strings.Contains(e.Reason, `qty "deux"`) {
		t.Errorf("first row error = %+v", e)
	}

	rep = Run(context.Background(), "m3soft", erp.Options{}, filepath.Join(testdata, "m3soft", "broken", "truncated.txt"))
	if rep.Accepted() || !strings.Contains(*rep.FileError, "truncated.txt:120") {
		t.Errorf("file error = %v, want the cut extract refused at line 120", rep.FileError)
	}
	rep = Run(context.Background(), "nope", erp.Options{}, "x.csv")
	if rep.Accepted() || !strings.Contains(*rep.FileError, "unknown ERP profile") {
		t.Errorf("unknown profile: file error = %v", rep.FileError)
	}
}

func TestJSONShape(t *testing.T) {
	rep := Run(context.Background(), "4d", erp.Options{}, filepath.Join(testdata, "4d", "stock_20261121.txt"))
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"profile", "encoding", "header", "rows", "row_errors", "file_error", "brands", "sizes", "warnings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["file_error"] != nil || m["rows"].(float64) != 300 {
		t.Errorf("file_error %v, rows %v", m["file_error"], m["rows"])
	}
}
