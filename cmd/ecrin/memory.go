package main

import (
	"os"
	"runtime/debug"
)

// nightMemoryLimit is the memory ecrin's heap aims to stay under when it runs the
// nights (`ecrin run`, the service): the boutique's PC is shared with its till and
// nobody watches it. The Go runtime collects more often as the heap nears the
// limit — a night of a million products costs about a second more CPU and stays
// near 500 MB instead of 560 — and never fails for it: a larger boutique goes
// over, more slowly. Below some 200,000 products it changes nothing. GOMEMLIMIT
// overrides it (https://go.dev/doc/gc-guide#Memory_limit).
const nightMemoryLimit = 400 << 20

// nightGCPercent is how far the nights' heap grows past what it holds before the
// runtime collects: 50 %, where Go's default is 100 %. A night holds its catalog,
// its plan and the acknowledged state at once, then gives them back (run.go): at
// 50,000 products the process peaks at 56 MB instead of 60, at no measurable cost
// in time (bench/night.sh, 0.30–0.39 s either way); at a million the memory limit
// governs anyway. GOGC overrides it (https://go.dev/doc/gc-guide#GOGC).
const nightGCPercent = 50

// limitNightMemory sets nightMemoryLimit and nightGCPercent unless GOMEMLIMIT and
// GOGC set others.
func limitNightMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(nightMemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(nightGCPercent)
	}
}
