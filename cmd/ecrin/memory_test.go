package main

import (
	"runtime/debug"
	"testing"
)

func TestLimitNightMemory(t *testing.T) {
	restore := func(percent int, limit int64) {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
	for _, tc := range []struct {
		name, gogc, gomemlimit string
		wantPercent            int
		wantLimit              int64
	}{
		{"defaults", "", "", nightGCPercent, nightMemoryLimit},
		{"GOGC and GOMEMLIMIT win", "80", "1GiB", 80, 1 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			// What the runtime read from the environment at start, as it would.
			percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
			defer restore(percent, limit)
			if tc.gogc != "" {
				debug.SetGCPercent(tc.wantPercent)
				debug.SetMemoryLimit(tc.wantLimit)
			}
			limitNightMemory()
			if got := debug.SetGCPercent(percent); got != tc.wantPercent {
				t.Errorf("GC percent %d, want %d", got, tc.wantPercent)
			}
			if got := debug.SetMemoryLimit(-1); got != tc.wantLimit {
				t.Errorf("memory limit %d, want %d", got, tc.wantLimit)
			}
		})
	}
}
