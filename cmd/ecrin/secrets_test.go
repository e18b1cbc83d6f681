package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/demo"
)

// The commands that never reach the shop work on a machine where the shop
// secret's variable is not set (a CSM's laptop, a console without the service's
// environment); the ones that reach it say which variable, at which line.
func TestOnlyWhatReachesTheShopNeedsItsSecret(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.Run(context.Background(), demo.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "ecrin.yaml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const from = "    value: demo-secret-not-for-production"
	if !bytes.Contains(b, []byte(from)) {
		t.Fatalf("the demo configuration has no %q", from)
	}
	text := strings.Replace(string(b), from, "    env: ECRIN_TEST_UNSET_SHOP_SECRET", 1)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, int) {
		var out, errOut bytes.Buffer
		code := dispatch(args, &out, &errOut)
		return out.String() + errOut.String(), code
	}
	if out, code := run("runs", "-q", "--config", cfg); code != 0 || !strings.Contains(out, "stock_20261122.csv") {
		t.Errorf("runs without the shop secret: exit %d\n%s", code, out)
	}
	if out, code := run("report", "-q", "--config", cfg, "2"); code != 0 || !strings.Contains(out, ".xlsx") {
		t.Errorf("report without the shop secret: exit %d\n%s", code, out)
	}
	outDir := filepath.Join(t.TempDir(), "not", "yet")
	extract := filepath.Join("..", "..", "connector", "demo", "data", "stock_20261121.csv")
	catalog := filepath.Join("..", "..", "connector", "demo", "data", "catalog.json")
	if out, code := run("precheck", "--config", cfg, "--catalog", catalog, "--out", outDir, extract); code != 0 || !strings.Contains(out, "match rate") {
		t.Errorf("precheck with a catalog file, without the shop secret: exit %d\n%s", code, out)
	}
	line := 0
	for i, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "  secret:") {
			line = i + 1
		}
	}
	want := fmt.Sprintf("%s:%d: shop.secret: environment variable ECRIN_TEST_UNSET_SHOP_SECRET is not set", cfg, line)
	for _, args := range [][]string{{"run", "--once", "-q", "--config", cfg}, {"check", "--offline", "--config", cfg}, {"approve", "-q", "--config", cfg, "2"}} {
		if out, code := run(args...); code != 1 || !strings.Contains(out, want) {
			t.Errorf("%s without the shop secret: exit %d\n%s\nwant %q", args[0], code, out, want)
		}
	}
}

// `ecrin precheck --out DIR` creates DIR.
func TestPrecheckCreatesItsOutputFolder(t *testing.T) {
	outDir := filepath.Join(t.TempDir(), "precheck", "boutique")
	var out, errOut bytes.Buffer
	extract := filepath.Join("..", "..", "connector", "demo", "data", "stock_20261121.csv")
	catalog := filepath.Join("..", "..", "connector", "demo", "data", "catalog.json")
	if code := dispatch([]string{"precheck", "--erp", "bijou3", "--catalog", catalog, "--out", outDir, extract}, &out, &errOut); code != 0 {
		t.Fatalf("precheck --out a new folder: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	entries, err := os.ReadDir(outDir)
	if err != nil || len(entries) != 2 {
		t.Fatalf("%s holds %v (%v): want the workbook and the CSV", outDir, entries, err)
	}
}
