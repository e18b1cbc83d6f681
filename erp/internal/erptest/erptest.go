// Package erptest holds what the profiles' tests share: fuzzing a reader with the
// testdata as seed corpus, and the invariants every record must keep.
package erptest

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/erp"
)

// Testdata is testdata/erp seen from a package directory erp/<profile>.
var Testdata = filepath.Join("..", "..", "testdata", "erp")

// CheckRecord fails t when rec breaks a Record's guarantees.
func CheckRecord(t testing.TB, rec erp.Record) {
	t.Helper()
	switch {
	case strings.TrimSpace(rec.Ref) == "" && rec.EAN == "", rec.Ref != strings.TrimSpace(rec.Ref):
		t.Fatalf("%s: record with reference %q", rec.Loc, rec.Ref)
	case rec.Qty < 0 || rec.OnOrder < 0:
		t.Fatalf("%s: negative quantity %d / %d", rec.Loc, rec.Qty, rec.OnOrder)
	case rec.PriceCents < 0 || (!rec.HasPrice && rec.PriceCents != 0):
		t.Fatalf("%s: price %d (has price %v)", rec.Loc, rec.PriceCents, rec.HasPrice)
	case strings.Trim(rec.EAN, "0123456789") != "":
		t.Fatalf("%s: EAN %q is not digits", rec.Loc, rec.EAN)
	case rec.Loc.File == "" || rec.Loc.Line <= 0:
		t.Fatalf("record without a location: %+v", rec.Loc)
	}
}

// Fuzz feeds the reader of profile (built with opts) the files under
// testdata/erp/<dir> as seed corpus, then fuzzed inputs: no input may panic, hang,
// return an error other than a *FileError, or yield a record that breaks CheckRecord.
func Fuzz(f *testing.F, profile, dir string, opts erp.Options) {
	_ = filepath.WalkDir(filepath.Join(Testdata, dir), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".golden") && !strings.HasSuffix(path, ".yaml") {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	opts.Limits = erp.Limits{MaxFileBytes: 4 << 20, MaxUnzipBytes: 64 << 20, MaxRows: 100_000}
	r, err := erp.New(profile, opts)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sum, err := r.Read(context.Background(), "fuzz.dat", bytes.NewReader(data), erp.Sink{
			Record:  func(rec erp.Record) error { CheckRecord(t, rec); return nil },
			Problem: func(p erp.Problem) { _ = p.Error() },
		})
		var fe *erp.FileError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("Read returned %v, want nil or a *FileError", err)
		}
		if fe != nil && (fe.Loc.File != "fuzz.dat" || fe.Message == "") {
			t.Fatalf("file error without file or message: %+v", fe)
		}
		if sum.Rows < 0 || sum.RowErrors < 0 {
			t.Fatalf("summary %+v", sum)
		}
	})
}
