package connector

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/report"
	"github.com/ecrin-connect/ecrin/connector/state"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestReportsOfThreeNights: the boutique's first night, the next one (a few sales,
// a delivery, one article withdrawn) and a truncated third one that is held. Every
// sheet of each night's report, read back from the XLSX written by the real run, is
// compared with its golden file.
func TestReportsOfThreeNights(t *testing.T) {
	now := time.Date(2026, 11, 21, 1, 30, 0, 0, time.UTC)
	h := newHarnessWith(t, "", Options{Now: func() time.Time { return now }})
	h.dropNight(night1)
	outs := []Outcome{h.run()}
	now = now.Add(24 * time.Hour)
	h.dropNight(night2)
	outs = append(outs, h.run())
	now = now.Add(24 * time.Hour)
	b, err := os.ReadFile("demo/data/" + night2)
	if err != nil {
		t.Fatal(err)
	}
	h.drop("stock_20261123.csv", b[:len(b)/3])
	outs = append(outs, h.run())
	if outs[2].Status != state.StatusHeld {
		t.Fatalf("night 3: %s, want held", outs[2].Status)
	}
	for i, out := range outs {
		xlsx, err := os.ReadFile(out.ReportPath)
		if err != nil {
			t.Fatalf("night %d: %v", i+1, err)
		}
		got, err := report.Render(xlsx)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "report-night"+string(rune('1'+i))+".golden"), got)
	}
}

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
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
		t.Errorf("%s differs from the golden file (run with -update after checking); got:\n%s", path, got)
	}
}
