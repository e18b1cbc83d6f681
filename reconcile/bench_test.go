package reconcile_test

import (
	"runtime"
	"testing"

	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
	"github.com/ecrin-connect/ecrin/reconcile/reconciletest"
)

// benchRules are a boutique's usual rules: pre-order everywhere, backorder on rings,
// one showcase brand.
var benchRules = reconcile.Rules{
	Preorder:  []reconcile.Rule{{DelayDays: 21}},
	Backorder: []reconcile.Rule{{Categories: []string{"Bagues"}, DelayDays: 30}},
	Showcase:  []reconcile.Rule{{Brands: []string{"Maison 7"}}},
}

// night maps and reconciles one generated extract; measure, when not nil, is called
// after the lines are in and after the plan is made.
func night(catalog []reconcile.Product, m *mapping.Mapper, lines, n int, measure func()) reconcile.Plan {
	e := reconcile.NewEngine(catalog, benchRules, m)
	if catalog[0].EAN != "" {
		reconciletest.LinesWithEANs(len(catalog), lines, n, e.Add)
	} else {
		reconciletest.Lines(len(catalog), lines, n, e.Add)
	}
	if measure != nil {
		measure()
	}
	plan := e.Plan()
	if measure != nil {
		measure() // the engine is still alive: its state and the plan at once, the peak
		runtime.KeepAlive(e)
	}
	return plan
}

// liveHeap collects garbage and returns the heap in use, in bytes.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// benchmarkNight measures one night: map, reconcile and diff an extract of lines
// lines against a catalog of products, the shop having acknowledged the night
// before. Time, CPU time (all threads) and B/op come from the timed loop. Memory is measured in one more run
// after it, collecting garbage at each stage: base-MB is what the caller holds
// anyway (the catalog and the acknowledged state), live-peak-MB the most the heap
// held at once (base included), run-MB the part of it the run added.
func benchmarkNight(b *testing.B, products, lines int, eans bool) {
	catalog := reconciletest.Catalog(products)
	if eans {
		catalog = reconciletest.CatalogWithEANs(products)
	}
	m, err := mapping.New(reconciletest.MapperConfig())
	if err != nil {
		b.Fatal(err)
	}
	prev := night(catalog, m, lines, 0, nil)
	ab := reconcile.NewAckedBuilder(len(prev.Decisions))
	for _, d := range prev.Decisions {
		ab.Add(d.Key(), d.Shown())
	}
	acked := ab.Done()
	prev = reconcile.Plan{}
	var changes []reconcile.Change
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		changes = nil
		plan := night(catalog, m, lines, 1, nil)
		changes = reconcile.Diff(plan.Decisions, acked)
	}
	cpu = cpuTime() - cpu
	b.StopTimer()
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")

	changes = nil
	base := liveHeap()
	peak := base
	measure := func() { peak = max(peak, liveHeap()) }
	plan := night(catalog, m, lines, 1, measure)
	changes = reconcile.Diff(plan.Decisions, acked)
	measure()
	b.ReportMetric(float64(base)/(1<<20), "base-MB")
	b.ReportMetric(float64(peak)/(1<<20), "live-peak-MB")
	b.ReportMetric(float64(peak-base)/(1<<20), "run-MB")
	b.ReportMetric(float64(len(changes)), "changes")
	b.ReportMetric(float64(len(plan.Decisions)), "targets")
	runtime.KeepAlive(catalog)
	runtime.KeepAlive(acked)
}

func BenchmarkNight1M(b *testing.B)  { benchmarkNight(b, 1_000_000, 1_000_000, false) }
func BenchmarkNight50k(b *testing.B) { benchmarkNight(b, 50_000, 50_000, false) }

// The same nights with barcodes on the catalog and the extract: what matching by EAN
// costs (its table, a look-up per line, the conflicts).
func BenchmarkNightEAN1M(b *testing.B)  { benchmarkNight(b, 1_000_000, 1_000_000, true) }
func BenchmarkNightEAN50k(b *testing.B) { benchmarkNight(b, 50_000, 50_000, true) }
