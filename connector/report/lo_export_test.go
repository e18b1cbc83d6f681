package report

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExportSample writes the sample workbooks into $REPORT_SAMPLE_DIR, for a look
// with an office suite (.ci/run converts them with LibreOffice). Skipped without it.
func TestExportSample(t *testing.T) {
	dir := os.Getenv("REPORT_SAMPLE_DIR")
	if dir == "" {
		t.Skip("REPORT_SAMPLE_DIR not set")
	}
	for name, write := range map[string]func(*os.File) error{
		"report.fr.xlsx":   func(f *os.File) error { return Write(f, sampleRun(), Options{}) },
		"report.en.xlsx":   func(f *os.File) error { return Write(f, sampleRun(), Options{Language: "en"}) },
		"precheck.fr.xlsx": func(f *os.File) error { return WritePrecheck(f, samplePrecheck(), Options{}) },
		"rewrite.fr.csv":   func(f *os.File) error { return WriteRewriteCSV(f, samplePrecheck(), Options{}) },
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := write(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
