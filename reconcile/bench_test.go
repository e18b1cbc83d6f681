package reconcile_test

import (
	"runtime"
	"testing"

	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
	"github.com/ecrin-connect/ecrin/reconcile/reconciletest"
)

// benchRules are a boutique's usual rules: pre-order everywhere, backorder on rings.
var benchRules = reconcile.Rules{
	Preorder:  []reconcile.Rule{{DelayDays: 21}},
	Backorder: []reconcile.Rule{{Categories: []string{"Bagues"}, DelayDays: 30}},
	Showcase:  []reconcile.Rule{{Brands: []string{"Maison 7"}}},
}

func night(catalog []reconcile.Product, m *mapping.Mapper, lines, n int, sample func()) reconcile.Plan {
	e := reconcile.NewEngine(catalog, benchRules, m)
	count := 0
	reconciletest.Lines(len(catalog), lines, n, func(l reconcile.Line) {
		e.Add(l)
		if count++; count%(1<<17) == 0 && sample != nil {
			sample()
		}
	})
	if sample != nil {
		sample()
	}
	return e.Plan()
}

// benchmarkNight measures one night: map, reconcile and diff lines extract lines
// against a catalog of products, the shop having acknowledged the night before.
// It reports the heap in use at its peak (sampled), and the part of it the run adds
// to the catalog and the acknowledged state that the connector holds anyway.
func benchmarkNight(b *testing.B, products, lines int) {
	catalog := reconciletest.Catalog(products)
	m, err := mapping.New(reconciletest.MapperConfig())
	if err != nil {
		b.Fatal(err)
	}
	prev := night(catalog, m, lines, 0, nil)
	acked := make(map[reconcile.Target]reconcile.Decision, len(prev.Decisions))
	for _, d := range prev.Decisions {
		acked[d.Key()] = d
	}
	prev = reconcile.Plan{}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	peak := base
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	var changes []reconcile.Change
	var plan reconcile.Plan
	b.ResetTimer()
	for b.Loop() {
		plan = night(catalog, m, lines, 1, sample)
		sample()
		changes = reconcile.Diff(plan.Decisions, acked)
		sample()
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peak-base)/(1<<20), "run-heap-MB")
	b.ReportMetric(float64(len(changes)), "changes")
	b.ReportMetric(plan.Stats.MatchRate()*100, "match-%")
	runtime.KeepAlive(catalog)
	runtime.KeepAlive(acked)
}

func BenchmarkNight1M(b *testing.B)  { benchmarkNight(b, 1_000_000, 1_000_000) }
func BenchmarkNight50k(b *testing.B) { benchmarkNight(b, 50_000, 50_000) }
