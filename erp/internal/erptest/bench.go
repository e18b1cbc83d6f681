package erptest

import (
	"bufio"
	"context"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
)

// BenchRead writes an extract of rows articles with write into b.TempDir(), then
// reads it b.N times with the profile's reader. It reports rows/s, allocs/row and
// the peak live heap sampled while reading (peak-MB), which must not grow with rows.
func BenchRead(b *testing.B, profile string, rows int, write func(io.Writer, iter.Seq[erpgen.Article]) error) {
	path := filepath.Join(b.TempDir(), "extract")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := write(w, erpgen.Stream(1, rows)); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	r, err := erp.New(profile, erp.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var ms runtime.MemStats
	var peak uint64
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	mallocs := ms.Mallocs
	b.ResetTimer()
	total := 0
	for b.Loop() {
		in, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		sum, err := r.Read(context.Background(), "extract", in, erp.Sink{Record: func(erp.Record) error {
			if n++; n%(rows/8+1) == 0 {
				sample()
			}
			return nil
		}})
		in.Close()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Rows+sum.RowErrors != rows {
			b.Fatalf("read %d rows and %d row errors, want %d rows", sum.Rows, sum.RowErrors, rows)
		}
		total += rows
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(total), "allocs/row")
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}
