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

// limitNightMemory sets nightMemoryLimit unless GOMEMLIMIT sets another.
func limitNightMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(nightMemoryLimit)
	}
}
