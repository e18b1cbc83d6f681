package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

// dump reads a workbook back and renders what a reader sees: for each sheet its
// frozen pane, autofilter, column widths and every row's formatted cells.
func dump(t *testing.T, xlsx []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatalf("open written workbook: %v", err)
	}
	defer f.Close()
	filters := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filters[d.Scope] = d.RefersTo
		}
	}
	var out strings.Builder
	for _, sheet := range f.GetSheetList() {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "=== %s\nfrozen=%v top-left=%s autofilter=%s\nwidths:", sheet, panes.Freeze, panes.TopLeftCell, filters[sheet])
		rows, err := f.Rows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var body strings.Builder
		cols := 0
		for rows.Next() {
			cells, err := rows.Columns()
			if err != nil {
				t.Fatal(err)
			}
			cols = max(cols, len(cells))
			body.WriteString(strings.Join(cells, " | "))
			body.WriteByte('\n')
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		for c := 1; c <= cols; c++ {
			name, _ := excelize.ColumnNumberToName(c)
			w, err := f.GetColWidth(sheet, name)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, " %s=%g", name, w)
		}
		out.WriteString("\n" + body.String())
	}
	return []byte(out.String())
}

func TestWriteGolden(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, sampleRun(), Options{Language: lang}); err != nil {
				t.Fatal(err)
			}
			golden(t, "report."+lang+".golden", dump(t, buf.Bytes()))
		})
	}
}

func TestWritePrecheckGolden(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WritePrecheck(&buf, samplePrecheck(), Options{Language: lang}); err != nil {
				t.Fatal(err)
			}
			golden(t, "precheck."+lang+".golden", dump(t, buf.Bytes()))
		})
	}
}

func TestWriteRewriteCSVGolden(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteRewriteCSV(&buf, samplePrecheck(), Options{Language: lang}); err != nil {
				t.Fatal(err)
			}
			golden(t, "rewrite."+lang+".csv.golden", buf.Bytes())
		})
	}
}
