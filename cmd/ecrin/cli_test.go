package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ecrin-connect/ecrin/connector/demo"
)

// TestCommandsOnADemoSite plays the demo, then runs the operator's commands on its
// data folder, as a CSM would the morning after.
func TestCommandsOnADemoSite(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.Run(context.Background(), demo.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "ecrin.yaml")
	run := func(args ...string) (string, int) {
		var out, errOut bytes.Buffer
		code := dispatch(args, &out, &errOut)
		return out.String() + errOut.String(), code
	}

	out, code := run("runs", "-q", "--config", cfg)
	if code != 0 || !strings.Contains(out, "stock_20261122.csv") || strings.Count(out, " done ") != 2 {
		t.Errorf("runs: exit %d\n%s", code, out)
	}
	out, code = run("report", "-q", "--config", cfg, "2")
	if code != 0 {
		t.Fatalf("report 2: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(strings.TrimSpace(strings.Split(out, "\n")[0])); err != nil {
		t.Errorf("report 2 wrote %q: %v", out, err)
	}
	// --full adds every product and size the shop holds, streamed from the state.
	out, code = run("report", "-q", "--full", "--config", cfg, "2")
	if code != 0 {
		t.Fatalf("report --full 2: exit %d\n%s", code, out)
	}
	book, err := excelize.OpenFile(strings.TrimSpace(strings.Split(out, "\n")[0]))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows("Tous les produits")
	book.Close()
	if err != nil || len(rows) < 300 || rows[0][0] != "Référence" {
		t.Errorf("full list: %d rows, %v", len(rows), err)
	}
	if out, code = run("approve", "-q", "--config", cfg, "1"); code != 1 || !strings.Contains(out, "only a held run can be approved") {
		t.Errorf("approve of a done run: exit %d\n%s", code, out)
	}
	if out, code = run("report", "-q", "--config", cfg, "x"); code != 1 || !strings.Contains(out, "a run number is expected") {
		t.Errorf("report x: exit %d\n%s", code, out)
	}
	if out, code = run("check", "--offline", "--config", cfg); code != 0 || !strings.Contains(out, "ok (boutique demo-bijouterie") {
		t.Errorf("check --offline: exit %d\n%s", code, out)
	}
	if out, code = run("nonsense"); code != 2 || !strings.Contains(out, "unknown command") {
		t.Errorf("unknown command: exit %d\n%s", code, out)
	}
	if out, code = run("version"); code != 0 || !strings.HasPrefix(out, "ecrin ") {
		t.Errorf("version: exit %d %q", code, out)
	}
}
