package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
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

// dump renders a written workbook for a golden comparison.
func dump(t *testing.T, xlsx []byte) []byte {
	t.Helper()
	out, err := Render(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	return out
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
