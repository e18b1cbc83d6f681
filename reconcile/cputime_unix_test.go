//go:build unix

package reconcile_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process used so far, user and system, all threads
// (the garbage collector's included): on a shared machine a steadier figure than
// the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
