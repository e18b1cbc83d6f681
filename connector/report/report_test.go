package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var parseDuration = time.ParseDuration

// TestWriteFromHistory checks that a run stored as JSON in the history gives the
// same report once read back.
func TestWriteFromHistory(t *testing.T) {
	stored, err := json.Marshal(sampleRun())
	if err != nil {
		t.Fatal(err)
	}
	var run Run
	if err := json.Unmarshal(stored, &run); err != nil {
		t.Fatal(err)
	}
	var direct, rebuilt bytes.Buffer
	if err := Write(&direct, sampleRun(), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&rebuilt, run, Options{}); err != nil {
		t.Fatal(err)
	}
	if a, b := dump(t, direct.Bytes()), dump(t, rebuilt.Bytes()); !bytes.Equal(a, b) {
		t.Errorf("report rebuilt from history differs:\n%s\nwant:\n%s", b, a)
	}
}

// TestWriteEmpty checks that a run with nothing to report still has every sheet,
// each with its header only.
func TestWriteEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Run{}, Options{Language: "en"}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Summary", "Online, changed tonight", "Offline, changed tonight", "Unmatched references", "Ambiguous references", "EAN conflicts",
		"Unmapped brands", "Row errors", "Price changes", "Sizes without price", "Shop rejections",
		"Sold online, not in the till"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	for _, s := range want[1:] {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Errorf("sheet %q has %d rows, want the header only", s, len(rows))
		}
	}
}

func TestWriteRefusesBadInput(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sampleRun(), Options{Language: "de"}); err == nil {
		t.Error("language de accepted")
	}
	run := sampleRun()
	run.TimeZone = "Europe/Nowhere"
	if err := Write(&buf, run, Options{}); err == nil || !strings.Contains(err.Error(), "Europe/Nowhere") {
		t.Errorf("unknown zone: error %v", err)
	}
}

// TestWriteHostileValues checks that what an extract may hold (control bytes, a
// value longer than a cell takes, formulas) is written as plain text.
func TestWriteHostileValues(t *testing.T) {
	long := strings.Repeat("é", 40000)
	run := Run{RowErrors: []RowError{
		{Source: "a.csv:1", Severity: SeverityError, Code: "bad_qty", Value: "\x00\x1b[31m"},
		{Source: "a.csv:2", Severity: SeverityError, Code: "field_too_long", Value: long},
		{Source: "a.csv:3", Severity: SeverityError, Code: "other", Value: "=1+1"},
	}}
	var buf bytes.Buffer
	if err := Write(&buf, run, Options{Language: "en"}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Row errors", "E3"); len([]rune(v)) != 32767 {
		t.Errorf("long value kept %d characters, want the 32767 a cell takes", len([]rune(v)))
	}
	if v, _ := f.GetCellFormula("Row errors", "E4"); v != "" {
		t.Errorf("value became formula %q", v)
	}
	if v, _ := f.GetCellValue("Row errors", "E4"); v != "=1+1" {
		t.Errorf("formula-like value read %q", v)
	}
}

func TestRunDuration(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)
	if d := (Run{Started: t0, Finished: t0.Add(time.Minute)}).Duration(); d != time.Minute {
		t.Errorf("duration %v", d)
	}
	if d := (Run{Started: t0, Finished: t0.Add(-time.Minute)}).Duration(); d != 0 {
		t.Errorf("finished before started: duration %v", d)
	}
	if d := (Run{Started: t0}).Duration(); d != 0 {
		t.Errorf("not finished: duration %v", d)
	}
}
