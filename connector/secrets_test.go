package connector

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ecrin-connect/ecrin/connector/shopsim"
)

// TestNoSecretInLogsOrReports runs full nights at debug level — a good one, a held
// one, one against a failing shop — with a logger that redacts nothing, and checks
// that the shop secret appears in no log line, no error and no report.
func TestNoSecretInLogsOrReports(t *testing.T) {
	var logs bytes.Buffer
	log := zerolog.New(&logs).Level(zerolog.DebugLevel)
	h := newHarnessWith(t, "", Options{Logger: log})
	var errs []string
	run := func() {
		if _, err := h.site.RunOnce(context.Background(), TriggerManual); err != nil {
			errs = append(errs, err.Error())
		}
	}
	h.dropNight(night1)
	run()
	b, _ := os.ReadFile("demo/data/" + night2)
	h.drop(night2, b[:len(b)/10]) // held: far fewer rows
	run()
	h.sim.SetFault(shopsim.Fault{Status: 401}) // the shop refuses every request
	h.drop("stock_20261123.csv", bytes.Replace(b, []byte("Irony"), []byte("Irony 2"), 1))
	run()
	if len(errs) == 0 {
		t.Fatal("the failing shop gave no error")
	}
	if logs.Len() == 0 || !strings.Contains(logs.String(), `"level":"error"`) {
		t.Fatalf("expected error lines in the log, got:\n%s", logs.String())
	}
	where := map[string]string{"log": logs.String(), "errors": strings.Join(errs, "\n")}
	reports, _ := filepath.Glob(filepath.Join(h.site.cfg.ReportDir(), "*.xlsx"))
	if len(reports) < 2 {
		t.Fatalf("%d reports written, want at least 2", len(reports))
	}
	for _, r := range reports {
		where[r] = unzipAll(t, r)
	}
	for name, text := range where {
		if strings.Contains(text, secret) {
			t.Errorf("the shop secret appears in %s", name)
		}
	}
}

// unzipAll returns every file of a workbook, concatenated.
func unzipAll(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var all strings.Builder
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&all, rc)
		rc.Close()
	}
	return all.String()
}
