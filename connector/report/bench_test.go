package report

import (
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkWrite writes reports of 10,000, 100,000 and 400,000 findings (a quarter each
// published, unmatched with three suggestions, row errors, price changes).
// peak-MB is the heap the write adds on top of the run it is given. excelize keeps
// each sheet's rows in memory up to 16 MiB and then spills them to a temporary
// file, so it levels off instead of growing with the number of findings.
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 400_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			run := bigRun(n)
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				peak = max(peak, heapGrowth(func() {
					if err := Write(io.Discard, run, Options{}); err != nil {
						b.Fatal(err)
					}
				}))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
		})
	}
}

func bigRun(n int) Run {
	run := sampleRun()
	q := n / 4
	run.Published = make([]Outcome, q)
	run.Unmatched = make([]Unmatched, q)
	run.RowErrors = make([]RowError, q)
	run.PriceChanges = make([]PriceChange, n-3*q)
	for i := range q {
		src := fmt.Sprintf("stock_20261122.csv:%d", i+2)
		ref := fmt.Sprintf("T120.407.17.%06d", i)
		run.Published[i] = Outcome{Brand: "Tissot", Ref: ref, ProductID: "p" + strconv.Itoa(i), Availability: "in_stock", Quantity: i % 7, PriceCents: int64(i) * 99, Reason: "in_stock", Source: src}
		run.Unmatched[i] = Unmatched{Brand: "TISSOT", Ref: ref + "X", Qty: 1, Source: src, Suggestions: []Suggestion{
			{Ref: ref, Distance: 1}, {Ref: ref + "1", Distance: 2}, {Ref: ref + "2", Distance: 2},
		}}
		run.RowErrors[i] = RowError{Source: src, Severity: SeverityError, Code: "bad_qty", Field: "qty", Value: "trois"}
	}
	for i := range run.PriceChanges {
		run.PriceChanges[i] = PriceChange{Brand: "Pandora", Ref: strconv.Itoa(590000 + i), Size: "52", OldCents: 8999, NewCents: 9499, Source: "stock_20261122.csv:" + strconv.Itoa(i+2)}
	}
	return run
}

// heapGrowth runs f and returns the most the live heap grew above its level before f,
// sampled every millisecond.
func heapGrowth(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	if peak < base {
		return 0
	}
	return peak - base
}
