package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// BenchmarkNight measures what a night costs from the archived extract to the
// changes to push — read (Bijou3, Windows-1252, decimal comma) + map + reconcile +
// diff against the state the shop acknowledged — on a generated boutique whose
// extract has as many rows as the name says. The shop's state is last night's plan;
// tonight one article in a hundred moved. peak-heap-MB is the most the heap held
// during a night (the catalog and the acknowledged state included), sampled every
// millisecond in one more night after the timed ones.
//
//	go test ./connector -run '^$' -bench Night -benchtime 3x
func BenchmarkNight(b *testing.B) {
	for _, n := range []int{50_000, 1_000_000} {
		b.Run(countName(n), func(b *testing.B) { benchmarkNight(b, n) })
	}
}

func countName(n int) string {
	if n >= 1_000_000 {
		return "rows=" + strconv.Itoa(n/1_000_000) + "M"
	}
	return "rows=" + strconv.Itoa(n/1000) + "k"
}

func benchmarkNight(b *testing.B, n int) {
	arts := erpgen.Generate(2026, n)
	brands := map[string]string{}
	for _, a := range arts {
		if a.CatalogBrand != "" {
			brands[a.Brand] = a.CatalogBrand
		}
	}
	m, err := mapping.New(mapping.Config{Brands: brands})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := erpgen.WriteCatalog(&buf, slices.Values(arts)); err != nil {
		b.Fatal(err)
	}
	var catalog []reconcile.Product
	if err := json.Unmarshal(buf.Bytes(), &catalog); err != nil {
		b.Fatal(err)
	}
	write := func(name string, a []erpgen.Article) string {
		buf.Reset()
		if err := erpgen.WriteBijou3(&buf, slices.Values(a)); err != nil {
			b.Fatal(err)
		}
		p := filepath.Join(b.TempDir(), name)
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			b.Fatal(err)
		}
		return p
	}
	reader, err := erp.New("bijou3", erp.Options{})
	if err != nil {
		b.Fatal(err)
	}
	night := func(path string) readResult {
		res, err := readExtract(context.Background(), reader, filepath.Base(path), path, reconcile.NewEngine(catalog, reconcile.Rules{}, m))
		if err != nil || res.fileError != "" {
			b.Fatalf("read: %v %s", err, res.fileError)
		}
		return res
	}
	yesterday := write("stock_20261121.csv", arts)
	first := night(yesterday)
	ab := reconcile.NewAckedBuilder(len(first.plan.Decisions))
	for _, d := range first.plan.Decisions {
		ab.Add(d.Key(), d.Shown())
	}
	acked := ab.Done()
	first = readResult{}
	moved := slices.Clone(arts)
	for i := range moved {
		if i%100 == 0 {
			moved[i].Qty = max(moved[i].Qty, 0) + 3
		}
	}
	tonight := write("stock_20261122.csv", moved)
	arts, moved = nil, nil

	var changes []reconcile.Change
	b.ResetTimer()
	for b.Loop() {
		res := night(tonight)
		changes = reconcile.Diff(res.plan.Decisions, acked)
	}
	b.StopTimer()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(len(changes)), "changes")

	// One more night, its heap sampled.
	changes = nil
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	res := night(tonight)
	changes = reconcile.Diff(res.plan.Decisions, acked)
	close(stop)
	<-sampled
	runtime.KeepAlive(catalog)
	runtime.KeepAlive(acked)
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}
